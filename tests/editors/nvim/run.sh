#!/usr/bin/env bash
# End-to-end test of the Neovim plugin (editors/nvim) with the real `ward lsp`.
#
#   tests/editors/nvim/run.sh            # uses target/debug/ward
#   WARD_BIN=/path/to/ward tests/editors/nvim/run.sh
#   NVIM=/path/to/nvim tests/editors/nvim/run.sh   # another Neovim (0.7+)
#
# Installs Debian's neovim when `nvim` is missing, copies the fixture
# workspace to a temporary folder, and runs test.lua in a headless Neovim
# with throw-away XDG folders. Exit status 0 when every check passes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)

nvim=${NVIM:-nvim}
if [ -z "${NVIM:-}" ] && ! command -v nvim >/dev/null 2>&1; then
  echo "nvim not found: installing Debian's neovim"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && apt-get install -y neovim
  else
    sudo apt-get update && sudo apt-get install -y neovim
  fi
fi

bin=${WARD_BIN:-$repo/target/debug/ward}
case $bin in
  /*) ;;
  */*) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;;
  *) bin=$(command -v "$bin" || echo "$bin") ;;
esac
if [ ! -x "$bin" ]; then
  echo "FAIL: no ward binary at $bin (run \`cargo build -p ward\` or set WARD_BIN)" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ward-nvim-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# One headless Neovim run of test.lua on a fresh copy of the fixture.
# $1: a name for the run; $2: WARD_SETUP (empty: require("ward").setup()).
run_pass() {
  local dir="$tmp/$1"
  mkdir -p "$dir/xdg/config" "$dir/xdg/data" "$dir/xdg/state" "$dir/xdg/cache"
  cp -R "$repo/tests/editors/fixture" "$dir/ws"
  # The root markers: risks/risks.ward must find the workspace's `ward.toml` above it,
  # and prefer it to the `.git` of the repository around the workspace.
  mkdir "$dir/.git"
  local status=0
  (
    cd "$dir/ws" &&
      env \
        XDG_CONFIG_HOME="$dir/xdg/config" \
        XDG_DATA_HOME="$dir/xdg/data" \
        XDG_STATE_HOME="$dir/xdg/state" \
        XDG_CACHE_HOME="$dir/xdg/cache" \
        WARD_PLUGIN="$repo/editors/nvim" \
        WARD_BIN="$bin" \
        WARD_WS="$dir/ws" \
        WARD_SETUP="$2" \
        WARD_TS_RTP="$ts_rtp" \
        timeout "${WARD_NVIM_TEST_TIMEOUT:-180}" \
        "$nvim" --headless -u NONE -i NONE -n -c "luafile $here/test.lua" </dev/null
  ) || status=$?
  if [ "$status" -eq 124 ]; then
    echo "FAIL: Neovim ($1) did not finish within ${WARD_NVIM_TEST_TIMEOUT:-180} s" >&2
  elif [ "$status" -ne 0 ]; then
    echo "FAIL: Neovim test ($1) exited with status $status" >&2
  fi
  return "$status"
}

# Neovim 0.11+ loads the grammar's parser (tree-sitter ABI 15): build it, so
# that test.lua also checks the queries in Neovim. Older Neovim cannot.
version=$("$nvim" --version | sed -n '1s/^NVIM v\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
at_least_0_11=false
if [ -n "$version" ] && [ "$(printf '%s\n' 0.11 "$version" | sort -V | head -n1)" = 0.11 ]; then
  at_least_0_11=true
fi
ts_rtp=""
if $at_least_0_11 && command -v cc >/dev/null 2>&1; then
  mkdir -p "$tmp/ts/parser"
  cc -shared -fPIC -O2 -I "$repo/grammar/src" "$repo/grammar/src/parser.c" -o "$tmp/ts/parser/ward.so"
  ts_rtp="$tmp/ts"
fi

passed=0
failed=0
run_pass setup "" && passed=$((passed + 1)) || failed=$((failed + 1))

# Neovim 0.11+ also reads the plugin's lsp/ward.lua through vim.lsp.enable().
if $at_least_0_11; then
  run_pass lsp-enable lsp-enable && passed=$((passed + 1)) || failed=$((failed + 1))
fi

echo "Neovim $version: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
