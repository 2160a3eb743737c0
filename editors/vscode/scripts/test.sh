#!/usr/bin/env bash
# Builds, checks and tests the VS Code extension, ending with the end-to-end
# test in a real VS Code (code-server + headless Chromium) against the real
# `ward lsp`.
#
#   WARD_BIN   the ward binary to test (default: target/debug/ward in the
#              repository; build it first with `cargo build -p ward`)
#
# Missing test dependencies (Chromium, code-server) are installed with
# scripts/install-test-deps.sh when running as root; otherwise run that
# script once as root first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ext_dir="$(cd "$here/.." && pwd)"
repo_root="$(cd "$ext_dir/../.." && pwd)"
deps_dir="${WARD_VSCODE_TEST_DEPS:-$ext_dir/.test-deps}"
code_server="$deps_dir/node_modules/.bin/code-server"

script_start=$SECONDS
step_start=$SECONDS
step() {
  printf '\n==> [vscode %3ss] %s\n' "$((SECONDS - script_start))" "$*"
  step_start=$SECONDS
}

ward_bin="${WARD_BIN:-$repo_root/target/debug/ward}"
case "$ward_bin" in
  /*) ;;
  *) ward_bin="$repo_root/$ward_bin" ;;
esac
if [ ! -x "$ward_bin" ]; then
  echo "scripts/test.sh: no ward binary at $ward_bin" >&2
  echo "  build it with \`cargo build -p ward\` (in $repo_root) or set WARD_BIN" >&2
  exit 2
fi

step "test dependencies (chromium, code-server)"
if [ -x "$code_server" ] && [ -x /usr/bin/chromium ]; then
  echo "present: $code_server, /usr/bin/chromium"
elif [ "$(id -u)" -eq 0 ]; then
  "$here/install-test-deps.sh"
else
  echo "scripts/test.sh: code-server or chromium is missing; run as root: $here/install-test-deps.sh" >&2
  exit 2
fi

cd "$ext_dir"

step "npm ci"
# No install scripts are needed: esbuild finds its platform package without
# its postinstall, and keytar (an optional dependency of vsce, for
# publishing) need not be compiled.
npm ci --no-audit --no-fund --ignore-scripts

step "npm run lint"
npm run lint

step "npm run compile"
npm run compile

step "npm run test:grammar"
npm run test:grammar

step "npm run test:unit"
npm run test:unit

step "npm run package"
rm -f ward.vsix
npm run package
test -s ward.vsix

step "npm run package:platform (the .vsix that carries $ward_bin)"
platform_vsix="$(bash scripts/package-platform.sh "$ward_bin" | sed -n 's/^wrote //p')"
test -s "$platform_vsix"

step "end-to-end test (test/e2e.mjs): the bundled server, no ward on PATH, no ward.server.path"
WARD_BIN="$ward_bin" WARD_VSIX="$platform_vsix" WARD_E2E_BUNDLED=1 CODE_SERVER="$code_server" node test/e2e.mjs

step "all VS Code extension checks passed in $((SECONDS - script_start))s"
