#!/usr/bin/env bash
# Browser test of `ward report --format html`: renders the example workspace and the hostile
# fixture with the freshly built binary, opens both in headless Chromium (Debian's, driven by
# playwright-core) and checks the DOM (browser.mjs). Installs what it needs: Debian's
# chromium when /usr/bin/chromium is missing, playwright-core by `npm ci` here.
#
#   WARD_BIN=target/debug/ward tests/report/run-browser-test.sh [--update-screenshot]
#
# --update-screenshot also copies the screenshot of the example's report to
# docs/images/report.png (commit it with the change that altered the report's look).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ward="${WARD_BIN:-$root/target/debug/ward}"

update=""
for arg in "$@"; do
  case "$arg" in
    --update-screenshot) update="$root/docs/images/report.png" ;;
    *) echo "usage: $0 [--update-screenshot]" >&2; exit 2 ;;
  esac
done

if [ ! -x "$ward" ]; then
  echo "no ward binary at $ward: run 'cargo build -p ward' or set WARD_BIN" >&2
  exit 1
fi

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "installing Debian's chromium"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
export CHROMIUM="$chromium"

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# A fixed generation time, so the screenshot only changes when the report does.
export SOURCE_DATE_EPOCH=1793525400

render() { # render <workspace> <output.html>: exit 0 or 1 (the workspace has errors) is fine.
  local status=0
  "$ward" report "$1" --format html -o "$2" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "ward report $1 could not run (exit $status)" >&2
    exit 1
  fi
}
render "$root/examples/insulin-pump" "$out/example.html"
render "$here/fixtures/hostile" "$out/hostile.html"

args=(--example "$out/example.html" --hostile "$out/hostile.html" --screenshot "$out/report.png")
[ -z "$update" ] || args+=(--update-screenshot "$update")
node "$here/browser.mjs" "${args[@]}"
