#!/usr/bin/env bash
# Browser test of `ward report --format html`: renders the example workspace and the hostile
# fixture with the freshly built binary, opens both in headless Chromium (Debian's, driven by
# playwright-core) and checks the DOM and every picture (browser.mjs), then prints the
# example's report to PDF with Chromium's own `--print-to-pdf` and checks its pages and text
# (poppler's pdfinfo and pdftotext). Installs what it needs: Debian's chromium when
# /usr/bin/chromium is missing, poppler-utils when pdftotext is, playwright-core by `npm ci`.
#
#   WARD_BIN=target/debug/ward tests/report/run-browser-test.sh [--update-screenshot]
#
# --update-screenshot also copies the screenshot of the example's report to
# docs/images/report.png and a screenshot of each kind of picture to
# docs/images/report-<picture>.png (commit them with the change that altered the look).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ward="${WARD_BIN:-$root/target/debug/ward}"

update=""
for arg in "$@"; do
  case "$arg" in
    --update-screenshot) update="$root/docs/images" ;;
    *) echo "usage: $0 [--update-screenshot]" >&2; exit 2 ;;
  esac
done

if [ ! -x "$ward" ]; then
  echo "no ward binary at $ward: run 'cargo build -p ward' or set WARD_BIN" >&2
  exit 1
fi

apt_install() { # apt_install <package>: Debian's package, as root or through sudo.
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null
}

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "installing Debian's chromium"
  apt_install chromium
fi
export CHROMIUM="$chromium"

if ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
  echo "installing Debian's poppler-utils (pdftotext, pdfinfo)"
  apt_install poppler-utils
fi

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

# The printed form, as a reviewer's browser prints it: Chromium's own print path.
"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --no-pdf-header-footer \
  --print-to-pdf="$out/example.pdf" "file://$out/example.html" 2>/dev/null
args=(--example "$out/example.html" --hostile "$out/hostile.html" --screenshot "$out/report.png"
  --pictures "$out/pictures" --pdf "$out/example.pdf")
[ -z "$update" ] || args+=(--update-screenshot "$update")
node "$here/browser.mjs" "${args[@]}"
