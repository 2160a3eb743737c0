#!/usr/bin/env bash
# Packs a platform-specific .vsix that carries the `ward` binary in `server/`, which the
# extension uses unless `ward.server.path` is set (as rust-analyzer's and ruff's do).
#
#   scripts/package-platform.sh [WARD_BINARY] [TARGET]
#
# WARD_BINARY defaults to the release build (`cargo build --release -p ward` at the
# repository's root); TARGET to this machine's VS Code target (linux-x64, linux-arm64,
# darwin-x64, darwin-arm64). Writes ward-<TARGET>.vsix next to package.json.
set -euo pipefail
ext_dir="$(cd "$(dirname "$0")/.." && pwd -P)"
repo="$(cd "$ext_dir/../.." && pwd -P)"
binary="${1:-$repo/target/release/ward}"
target="${2:-}"
if [ -z "$target" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target=linux-x64 ;;
    Linux-aarch64) target=linux-arm64 ;;
    Darwin-x86_64) target=darwin-x64 ;;
    Darwin-arm64) target=darwin-arm64 ;;
    *) echo "error: no VS Code target for $(uname -s)-$(uname -m); give one" >&2; exit 2 ;;
  esac
fi
if [ ! -x "$binary" ]; then
  echo "error: $binary is not an executable; build it with cargo build --release -p ward" >&2
  exit 2
fi
cd "$ext_dir"
rm -rf server
mkdir server
trap 'rm -rf "$ext_dir/server"' EXIT
cp "$binary" server/ward
# Debug information is most of a binary's size and no use to the extension's users.
if command -v strip >/dev/null; then strip server/ward; fi
npx vsce package --no-dependencies --allow-missing-repository --target "$target" --out "ward-$target.vsix"
echo "wrote $ext_dir/ward-$target.vsix"
