//! Tidy: no field name or keyword value of the language is spelled as a string literal in
//! the code that reads `.ward` files, outside the kinds table (this crate) and the typed
//! item model (`server/analysis/src/model.rs`). Such a literal is a second description of
//! the language, which the compiler does not check against the first.
//!
//! Not scanned: tests (folders `tests`, files `tests.rs`), benches and test-only modules (they write `.ward` text); the
//! test-support crate (`ward-gen` and synthetic files, which write `.ward` text too); and the report
//! renderers' column and key names (`report/csv.rs`, `report/json.rs`), which are the report
//! format's, documented in `docs/report.md`, and the VEX writer (`supply/vex.rs`), whose keys
//! are CycloneDX's and OpenVEX's. A line may opt out with a `// tidy:` comment
//! saying why (a grammar field name that happens to equal a Ward field name).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ward_language::{BlockSpec, ItemKind, KEYWORD_SETS};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every field name and keyword value of the language.
fn language_words() -> BTreeSet<&'static str> {
    let fields = ItemKind::ALL
        .into_iter()
        .flat_map(ItemKind::fields)
        .chain(BlockSpec::ALL.iter().flat_map(|block| block.fields))
        .map(|spec| spec.name);
    let values = KEYWORD_SETS
        .iter()
        .flat_map(|(_, words)| words.iter().copied());
    fields.chain(values).collect()
}

const SKIPPED: &[&str] = &[
    "server/language/",
    "server/analysis/src/model.rs",
    "server/test-support/",
    "server/ward/src/report/csv.rs",
    "server/ward/src/report/json.rs",
    // The keys of CycloneDX and OpenVEX documents, which are those formats' words.
    "server/ward/src/supply/vex.rs",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("a folder entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "tests" | "benches" | "target") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

/// The string literals of a line of Rust (plain `"..."` ones; enough for this code base).
fn literals(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'/' && bytes.get(at + 1) == Some(&b'/') {
            break;
        }
        if bytes[at] == b'\'' {
            // A char literal such as '"': skip it whole.
            if let Some(len) = line[at + 1..].find('\'').filter(|len| *len <= 2) {
                at += len + 2;
                continue;
            }
        }
        if bytes[at] == b'"' {
            let start = at + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            found.push(&line[start..end.min(bytes.len())]);
            at = end + 1;
            continue;
        }
        at += 1;
    }
    found
}

#[test]
fn no_field_name_or_keyword_value_is_spelled_outside_the_table() {
    let root = repo_root();
    let words = language_words();
    let mut files = Vec::new();
    rust_files(&root.join("server"), &mut files);
    assert!(files.len() > 20, "the scan found the sources: {files:?}");
    let mut offences = Vec::new();
    for path in files {
        let relative = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if SKIPPED.iter().any(|skipped| relative.starts_with(skipped)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a source file");
        // Test modules sit at the end of a file.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (at, line) in code.lines().enumerate() {
            if line.contains("// tidy:") {
                continue;
            }
            for literal in literals(line) {
                if words.contains(literal) {
                    offences.push(format!("{relative}:{}: \"{literal}\"", at + 1));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "field names or keyword values spelled outside the kinds table and the model; \
         read them from `ward_language` instead:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_scan_finds_literals() {
    assert_eq!(
        literals(r#"let x = f("status", '"', "a \"b\" c"); // "not""#),
        vec!["status", r#"a \"b\" c"#]
    );
}
