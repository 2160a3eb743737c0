#!/usr/bin/env bash
# Installs Ward for Helix from this checkout, on a fresh machine too: the language and its
# server in languages.toml, Ward's grammar built with the C compiler (Ward's alone: `hx
# --grammar build` would build every grammar Helix knows), and the queries linked so that
# they follow the checkout. Run it again after pulling; it changes only what is Ward's.
#
#   editors/helix/install.sh            # into Helix's configuration folder
#   HELIX_CONFIG=/some/dir editors/helix/install.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd -P)"
repo="$(cd "$here/../.." && pwd -P)"
config="${HELIX_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/helix}"
cc="${CC:-cc}"

if ! command -v "$cc" >/dev/null; then
  echo "error: no C compiler (\`$cc\`) to build Ward's grammar; install one (gcc or clang) or set CC" >&2
  exit 1
fi
mkdir -p "$config/runtime/grammars" "$config/runtime/queries"

# The grammar: the committed parser, so no tree-sitter CLI is needed.
"$cc" -shared -fPIC -O2 -I "$repo/grammar/src" "$repo/grammar/src/parser.c" \
  -o "$config/runtime/grammars/ward.so"

# The queries: a link to the checkout's folder (its own links then resolve inside it).
queries="$config/runtime/queries/ward"
if [ -L "$queries" ] || [ ! -e "$queries" ]; then
  ln -sfn "$here/runtime/queries/ward" "$queries"
else
  echo "error: $queries exists and is not a link; move it away and run again" >&2
  exit 1
fi

# languages.toml: Ward's block between markers, replaced on every run, with the grammar's
# source pointing at this checkout.
languages="$config/languages.toml"
begin="# >>> ward (editors/helix/install.sh) >>>"
end="# <<< ward <<<"
touch "$languages"
kept="$(awk -v begin="$begin" -v end="$end" '
  $0 == begin { skip = 1; next }
  $0 == end { skip = 0; next }
  !skip { print }
' "$languages")"
{
  if [ -n "$kept" ]; then printf '%s\n\n' "$kept"; fi
  echo "$begin"
  sed -e "s|^source = .*|source = { path = \"$repo/grammar\" }|" "$here/languages.toml"
  echo "$end"
} > "$languages.new"
mv "$languages.new" "$languages"

echo "Ward for Helix installed in $config:"
echo "  languages.toml (the ward language and server), runtime/grammars/ward.so,"
echo "  runtime/queries/ward -> $here/runtime/queries/ward"
if ! command -v ward >/dev/null; then
  echo "The server is not on PATH yet: cargo install --locked --path $repo/server/ward"
fi
echo "Check with: hx --health ward"
