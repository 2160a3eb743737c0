#!/usr/bin/env bash
# Runs every fuzz target for a share of SECONDS (default 60, in all), after seeding its
# corpus from the repository: the `.ward` files of examples/ and tests/ and the inputs of
# grammar/test/corpus (for `analysis`, one workspace per folder, its files joined by NUL
# bytes; for `incremental_edits`, each file then the file with a line cut out), and for
# `lsp_decoder` a didOpen of each file, plus what is committed in seeds/<target>/ (LSP
# frames, past findings).
#
#   fuzz/run.sh            # 60 s in all, as CI does
#   fuzz/run.sh 14400      # four hours
#   TARGETS="incremental_edits" fuzz/run.sh 600
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install --locked cargo-fuzz`). New
# inputs libFuzzer finds stay in fuzz/corpus/ (not committed); a crash is written to
# fuzz/artifacts/<target>/ and ends the run with a non-zero status. Replay one with
# `cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>`.
set -euo pipefail
cd "$(dirname "$0")"
repo=..

seconds=${1:-60}
targets=(${TARGETS:-parse_lower analysis incremental_edits lsp_decoder format})
share=$((seconds / ${#targets[@]}))
[ "$share" -ge 1 ] || share=1

seed() {
  local dir=corpus/$1
  mkdir -p "$dir"
  echo "$dir"
}

ward_files() {
  find "$repo/examples" "$repo/tests" -name '*.ward' -type f -not -path '*/target/*' | sort
}

# The input of each case of a tree-sitter corpus file: the lines between the header's
# closing `===` line and the `---` divider.
corpus_inputs() {
  local out=$1 n=0
  for file in "$repo"/grammar/test/corpus/*.txt; do
    awk -v out="$out" -v base="$(basename "$file" .txt)" '
      /^===/ { if (state == 1) { state = 2; n++; name = sprintf("%s/corpus-%s-%03d", out, base, n); printf "" > name; next } state = 1; next }
      /^---/ && state == 2 { state = 0; close(name); next }
      state == 2 { print >> name }
    ' "$file"
  done
}

seed_all() {
  local parse analysis incremental lsp
  parse=$(seed parse_lower)
  analysis=$(seed analysis)
  incremental=$(seed incremental_edits)
  lsp=$(seed lsp_decoder)
  local format
  format=$(seed format)
  corpus_inputs "$parse"
  local i=0
  while read -r file; do
    i=$((i + 1))
    cp "$file" "$parse/file-$i"
    cp "$file" "$format/file-$i"
    { cat "$file"; printf '\0'; sed '2d' "$file"; } > "$incremental/file-$i"
    local body
    body=$(FILE="$file" python3 -c 'import json, os; print(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///ws/a.ward", "languageId": "ward", "version": 1, "text": open(os.environ["FILE"], encoding="utf-8").read()}}}, separators=(",", ":")))')
    printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$body" | wc -c)" "$body" > "$lsp/open-$i"
  done < <(ward_files)
  for file in "$parse"/corpus-*; do
    cp "$file" "$incremental/$(basename "$file")"
  done
  # One workspace per folder holding `.ward` files.
  while read -r folder; do
    local name
    name=$(printf '%s' "$folder" | tr '/.' '__')
    find "$folder" -name '*.ward' -type f | sort | while read -r file; do
      cat "$file"
      printf '\0'
    done > "$analysis/$name"
  done < <(ward_files | xargs -n1 dirname | sort -u)
  # Hand-made inputs and past findings, kept as seeds so that a fix stays fixed.
  for dir in seeds/*/; do
    mkdir -p "corpus/$(basename "$dir")"
    cp "$dir"* "corpus/$(basename "$dir")/"
  done
}

seed_all
for target in "${targets[@]}"; do
  echo "==> fuzz $target for ${share}s"
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$share" -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1
done
