//! The direct parser against tree-sitter: whenever it answers, its answer must be exactly
//! the lowering of the tree-sitter tree, with no error; and on clean files it must answer.

use std::path::{Path, PathBuf};

mod support;

use proptest::prelude::*;
use support::generators::{edit_piece, mutate, piece, structured_file};
use ward_syntax::{parse_fast, parse_with_tree_sitter};

/// Asserts the contract on one text; returns whether the fast path answered.
fn agrees(text: &str, what: &str) -> bool {
    let Some(fast) = parse_fast(text) else {
        return false;
    };
    let reference = parse_with_tree_sitter(text);
    assert!(
        reference.errors.is_empty(),
        "{what}: the fast path accepted text with errors {:?}",
        reference.errors
    );
    assert_eq!(
        fast, reference,
        "{what}: the fast path differs from tree-sitter"
    );
    true
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ward_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && name != "node_modules" && !name.starts_with('.') {
                ward_files(&path, found);
            }
        } else if name.ends_with(".ward") {
            found.push(path);
        }
    }
}

/// The inputs of the tree-sitter corpus: every test's text between its header and `---`.
fn corpus_inputs() -> Vec<(String, String)> {
    let dir = repo_root().join("grammar/test/corpus");
    let mut inputs = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the grammar corpus exists") {
        let path = entry.expect("a corpus file").path();
        let text = std::fs::read_to_string(&path).expect("corpus files are UTF-8");
        let mut rest = text.as_str();
        while let Some(header) = rest.find("\n===") {
            // `===` line, name, `===` line, then the input up to the `---` line.
            let after_header = &rest[header + 1..];
            let mut lines = after_header.splitn(4, '\n');
            let (_, name, _, body) = (
                lines.next(),
                lines.next().unwrap_or_default(),
                lines.next(),
                lines.next().unwrap_or_default(),
            );
            let input_end = body.find("\n---").unwrap_or(body.len());
            inputs.push((
                format!("{} / {name}", path.display()),
                body[..input_end].to_owned(),
            ));
            rest = &body[input_end..];
        }
        // The first test starts at the top of the file, without a line break before.
        if text.starts_with("===") {
            let mut lines = text.splitn(4, '\n');
            let name = lines.nth(1).unwrap_or_default().to_owned();
            let body = lines.nth(1).unwrap_or_default();
            let input_end = body.find("\n---").unwrap_or(body.len());
            inputs.push((
                format!("{} / {name}", path.display()),
                body[..input_end].to_owned(),
            ));
        }
    }
    assert!(inputs.len() > 20, "the corpus has tests: {}", inputs.len());
    inputs
}

#[test]
fn every_ward_file_of_the_repository_agrees() {
    let mut files = Vec::new();
    ward_files(&repo_root(), &mut files);
    assert!(files.len() > 20, "found {} files", files.len());
    let mut answered = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        answered += usize::from(agrees(&text, &path.display().to_string()));
    }
    assert!(
        answered > files.len() / 3,
        "fast path on {answered} of {}",
        files.len()
    );
}

#[test]
fn every_corpus_input_agrees() {
    for (name, text) in corpus_inputs() {
        agrees(&text, &name);
    }
}

/// The example's files other than the plan (whose phase names are keywords) are clean, so
/// the fast path must take them: it is no shortcut if it gives up on ordinary files.
#[test]
fn the_example_takes_the_fast_path() {
    let mut files = Vec::new();
    ward_files(&repo_root().join("examples/insulin-pump"), &mut files);
    assert!(files.len() >= 6);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("the example is UTF-8");
        if text.contains("\nplan") || text.starts_with("plan") {
            continue;
        }
        assert!(
            agrees(&text, &path.display().to_string()),
            "{} fell back",
            path.display()
        );
    }
}

#[test]
fn every_construct_takes_the_fast_path() {
    let text = r#"// A file with every construct the fast path takes.
asset A-1.x "Pump \"firmware\" \\ \n é 🦀" {
  kind: data criticality: high // two fields on one line
  description: """
      Indented
        text block
      """
}
threat T_1 { targets: A-1.x, A-2 stride: tampering, spoofing
  exploitability : -3 big: 99999999999999999999999 }
risk R1 {
  threat: T_1
  residual { exploitability: 1 severity: 2 }
  residual {}
  on: 2027-06-30, 2027-02-30
}
verification V { verifies: C-1@3f9a2c1b4d5e, risk@, C-2 }
"#;
    assert!(agrees(text, "every construct"));
    let parse = parse_fast(text).expect("taken");
    assert_eq!(parse.ast.items.len(), 4);
    // A stamped link: its name and stamp, its range the name's.
    let links = &parse.ast.items[3].fields[0].values;
    assert_eq!(links[0], ward_syntax::Value::stamped("C-1", "3f9a2c1b4d5e"));
    assert_eq!(links[1], ward_syntax::Value::stamped("risk", ""));
    let range = parse.source_map.items[3].fields[0].values[0];
    assert_eq!(&text[range.start as usize..range.end as usize], "C-1");
    let stamp = ward_syntax::stamp_range(range, "3f9a2c1b4d5e");
    assert_eq!(
        &text[stamp.start as usize..stamp.end as usize],
        "3f9a2c1b4d5e"
    );
    assert_eq!(
        parse.ast.items[1].fields[3].values[0],
        ward_syntax::Value::Int(None)
    );
    // An impossible day is still a date to the syntax: the checks judge it.
    assert_eq!(
        parse.ast.items[2].fields[1].values[1],
        ward_syntax::Value::Date(ward_syntax::DateValue {
            year: 2027,
            month: 2,
            day: 30
        })
    );
}

/// What the fast path leaves to tree-sitter: errors, and text whose reading depends on the
/// grammar's conflicts.
#[test]
fn doubtful_text_falls_back() {
    for text in [
        "asset A {\n  kind: data\n",           // no closing brace
        "asset A {\n  kind:\n}\n",             // a field without values
        "asset A {\n  tags: a,\n}\n",          // a trailing comma
        "asset A {\n  kind\n: data\n}\n",      // a line break before the colon
        "asset A \"tab\\t\" {}\n",             // an unknown escape
        "asset risk {}\n",                     // a keyword as an ID
        "threat T {\n  tags: risk \"t\" {}\n", // a keyword as a value, then an item's rest
        "threat T {\n  tags: risk\n",          // a keyword as a value at the end
        "plan { gate verification { } }\n",    // a keyword as a phase
        "asset gate {}\n",                     // reserved words as IDs,
        "threat T { tags: plan {} }\n",        // as values that could start an item,
        "plan { gate residual { } }\n",        // as phases
        "plan { residual { } }\n",             // a residual block in the plan
        "asset A { gate g { } }\n",            // a gate outside the plan
        "asset A {}\n/ not a comment\n",       // a lone slash
        "asset A { kind: data }\u{feff}",      // not ASCII outside strings
        "asset A { d: \"\"\"a\"\"\"\" }",      // a quote right after a text block
        "asset A { kind: \"a\nb\" }",          // a line break in a string
        "asset A { kind: \"a\rb\" }",          // a carriage return alone: a line break too
        "asset A { kind: data\0 }",            // a NUL
        "asset A { kind: data } }",            // a stray brace
        "asset A { on: 2027-6-30 }",           // a date of the wrong shape
        "asset A { matrix { } }",              // a matrix outside the plan
        "plan { matrix m { } }",               // a named matrix
        "asset A { on: 2027-06-301 }",         // a date and then a number
    ] {
        assert!(parse_fast(text).is_none(), "{text:?} took the fast path");
    }
}

/// Token rules that are easy to get subtly wrong; each of these is well formed, so the fast
/// path must take it, and give exactly what tree-sitter gives.
#[test]
fn tricky_clean_text_takes_the_fast_path() {
    for text in [
        "asset A {\n  kind : data\n}\n",          // spaces before the colon
        "asset A {\n  kind \t: data\n}\n",        // a tab too
        "asset A {\u{b} kind:\u{c}data\r\n}\r\n", // `\s` is \t to \r and space
        "asset A{kind:data}threat T{targets:A}",  // no space at all
        "risk R { threat: T severity: 5x: y }",   // `5` then the field `x:`
        "asset A { kind: 5residual {} }",         // `5` then a residual block
        "risk R { residual: 1 }",                 // a keyword with a colon is a field
        "plan { gate: 1 asset: 2 }",              // in the plan too
        "asset A { kind: assetX, risks, plan-1, gate.2 }", // words that only start with keywords
        "asset assetX {} threat risk-1 {}",       // as IDs too
        "asset A {\n  kind: component\n}\n",      // a keyword as a value, then `}`
        "asset A { kind: component properties: integrity }", // then a field
        "asset A { tags: risk, plan, gate }",     // then a comma
        "threat T { tags: residual, matrix }",    // block keywords as values
        "risk R { residual { exploitability: 1 } tags: vulnerability }",
        "plan { gate design { requires: component } }", // in a block
        "asset A { a: -0 b: 007 c: -9223372036854775808 d: 9223372036854775808 }",
        "asset A { kind: data } // a comment at the end, no line break",
        "asset A { tags: a // after a value\n , b, // after a comma\n c }",
        "asset A // before the brace\n { t: // before a value\n x }",
        "asset A { d: \"\"\"\"\"\" }", // an empty text block
        "asset A { d: \"\"\"a \"b\" \"\"c\"\"\" }", // quotes inside a text block
        "asset A { d: \"\"\"\"a\"\"\" }", // a quote right after the opening
        "asset A { d: \"\"\"\r\n    x\r\n  \"\"\" }", // CRLF in a text block
        "asset A { d: \"// not a comment\", \"é 🦀 \\\" \\\\ \\n\" }",
        "asset A \"\" {}", // an empty title
        "plan \"P\" { gate design {} gate release { requires: x } }",
        "risk R { threat: T residual {} residual { severity: 1 } }",
        "",
        "\n// only a comment",
    ] {
        assert!(agrees(text, &format!("{text:?}")), "{text:?} fell back");
    }
}

/// Files shaped like the generated benchmark workspace take the fast path, every one.
#[test]
fn a_generated_workspace_takes_the_fast_path() {
    for (index, text) in ward_test_support::synthetic::workspace(2, 30)
        .iter()
        .enumerate()
    {
        assert!(
            agrees(text, &format!("synthetic file {index}")),
            "synthetic file {index} fell back"
        );
    }
}

/// The structured files must often take the fast path, or the property below would only
/// test refusals.
#[test]
fn structured_files_often_take_the_fast_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = structured_file();
    let (mut taken, total) = (0, 500);
    for _ in 0..total {
        let text = strategy.new_tree(&mut runner).expect("a file").current();
        taken += usize::from(agrees(&text, &format!("{text:?}")));
    }
    assert!(taken * 3 > total, "fast path on {taken} of {total}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_files_agree(pieces in prop::collection::vec(piece(), 0..12)) {
        let text: String = pieces.concat();
        agrees(&text, &format!("{text:?}"));
    }

    #[test]
    fn arbitrary_text_agrees(text in "\\PC{0,200}") {
        agrees(&text, &format!("{text:?}"));
    }

    #[test]
    fn structured_files_agree(text in structured_file()) {
        agrees(&text, &format!("{text:?}"));
    }

    #[test]
    fn edited_structured_files_agree(
        base in structured_file(),
        edits in prop::collection::vec((0usize..2000, 0usize..3, edit_piece()), 1..4),
    ) {
        let text = mutate(&base, &edits);
        agrees(&text, &format!("{text:?}"));
    }

    #[test]
    fn edited_clean_files_agree(
        pieces in prop::collection::vec(piece(), 1..6),
        edits in prop::collection::vec((0usize..400, 0usize..4, piece()), 0..4),
    ) {
        let base: String = pieces.concat();
        let text = mutate(&base, &edits);
        agrees(&text, &format!("{text:?}"));
    }
}

/// The clean pieces put together must take the fast path, or the properties above would
/// only ever test refusals.
#[test]
fn clean_pieces_take_the_fast_path() {
    let text = "asset A {\n  kind: data\n}\nthreat T-1 \"Spoof é\" { targets: A, B stride: spoofing }\nrisk R.1 {\n  threat: T-1\n  exploitability: 3 severity: -2\n  residual { severity: 1 }\n}\ncontrol C_1 { mitigates: R.1 description: \"\"\"\n    x\n    \"\"\" }\n";
    assert!(agrees(text, "clean pieces"));
}
