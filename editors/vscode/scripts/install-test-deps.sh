#!/usr/bin/env bash
# Installs what the VS Code end-to-end test (test/e2e.mjs) needs on a fresh
# Debian machine. Run as root. Idempotent: every step is skipped when its
# result is already there.
#
#   - apt: chromium (driven headless by playwright-core), ripgrep (seeds the
#     download cache of @vscode/ripgrep, whose postinstall cannot reach
#     GitHub), and the toolchain + headers code-server's native modules
#     build from.
#   - npm: code-server@4.100.3 (VS Code 1.100; the newest release that runs
#     on node 20) into $WARD_VSCODE_TEST_DEPS (default editors/vscode/.test-deps,
#     gitignored).
#
# playwright-core is not installed here: it is a devDependency of the
# extension (pinned in package-lock.json) and arrives with `npm ci`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ext_dir="$(cd "$here/.." && pwd)"
deps_dir="${WARD_VSCODE_TEST_DEPS:-$ext_dir/.test-deps}"
code_server_version="4.100.3"
# What code-server 4.100.3's @vscode/ripgrep postinstall looks for.
rg_cache_version="1.15.11"
rg_asset="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

step() { printf '\n==> %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi

apt_packages=(chromium ripgrep build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  step "apt packages already installed"
fi

code_server_bin="$deps_dir/node_modules/.bin/code-server"
installed_version=""
if [ -f "$deps_dir/node_modules/code-server/package.json" ]; then
  installed_version="$(node -p "require('$deps_dir/node_modules/code-server/package.json').version" 2>/dev/null || true)"
fi
if [ "$installed_version" = "$code_server_version" ] && [ -x "$code_server_bin" ] \
  && [ -x "$deps_dir/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  step "code-server $code_server_version already installed in $deps_dir"
else
  step "npm install code-server@$code_server_version into $deps_dir"
  mkdir -p "$deps_dir"
  # @vscode/ripgrep's postinstall downloads rg from GitHub, which this
  # network does not reach; it first looks in this cache, so seed it with
  # Debian's rg.
  tmp="${TMPDIR:-/tmp}"
  cache="$tmp/vscode-ripgrep-cache-$rg_cache_version"
  if [ ! -s "$cache/$rg_asset" ]; then
    mkdir -p "$cache"
    stage="$(mktemp -d)"
    cp "$(command -v rg)" "$stage/rg"
    tar -czf "$cache/$rg_asset" -C "$stage" rg
    rm -rf "$stage"
  fi
  if [ ! -f "$deps_dir/package.json" ]; then
    printf '{ "name": "ward-vscode-test-deps", "private": true }\n' > "$deps_dir/package.json"
  fi
  # unsafe_perm: code-server's postinstall refuses to run as root otherwise;
  # yes: node-pty's postinstall runs `npx node-gyp` and would prompt.
  (
    cd "$deps_dir"
    npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$code_server_version"
  )
fi

"$code_server_bin" --version
/usr/bin/chromium --version
step "test dependencies ready (code-server: $code_server_bin)"
