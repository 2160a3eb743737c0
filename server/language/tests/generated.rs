//! Every artefact generated from the kinds table is fresh: the grammar's keyword lists, the
//! queries' link-field pattern (in `grammar/queries` and the Helix copies that are not
//! links) and the TextMate grammar's keyword lists. `WARD_UPDATE_GENERATED=1 cargo test -p
//! ward-language --test generated` rewrites them; after a change to `grammar.js`, run
//! `grammar/generate.sh` too (the grammar's own test checks the parser is in sync).

// With the test-only link field the table is not the shipped one.
#![cfg(not(feature = "test-extra-link"))]

use std::path::{Path, PathBuf};

use ward_language::generate;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn updating() -> bool {
    std::env::var_os("WARD_UPDATE_GENERATED").is_some()
}

/// Compares a file with what it should be, or rewrites it when updating.
fn check_file(relative: &str, expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    if updating() {
        std::fs::write(repo_root().join(relative), expected).expect("write");
        return;
    }
    panic!(
        "{relative} is stale: its generated parts differ from the kinds table; \
         run `WARD_UPDATE_GENERATED=1 cargo test -p ward-language --test generated`"
    );
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_root().join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

#[test]
fn the_grammar_keywords_come_from_the_table() {
    let relative = "grammar/grammar.js";
    let text = read(relative);
    let begin = text
        .find(generate::JS_BEGIN)
        .expect("grammar.js has the generated region's first line");
    let end_marker = format!("{}\n", generate::JS_END);
    let end = text[begin..]
        .find(&end_marker)
        .map(|at| begin + at + end_marker.len())
        .expect("grammar.js has the generated region's last line");
    let expected = format!(
        "{}{}{}",
        &text[..begin],
        generate::grammar_keywords(),
        &text[end..]
    );
    check_file(relative, &expected, &text);
    // The rules use the lists rather than spelling kinds again.
    assert!(
        text.contains("choice(...ITEM_KINDS)"),
        "item_kind is built from ITEM_KINDS"
    );
    assert!(
        text.contains("choice(...KEYWORDS)"),
        "keyword values are built from KEYWORDS"
    );
}

/// Replaces the `"^(a|b)[ \t]*:$"` pattern of every line that ends in a marker comment by the
/// table's; returns the text and how many lines were marked.
fn with_field_patterns(text: &str) -> (String, usize) {
    let patterns = generate::query_field_patterns();
    let mut count = 0;
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let Some((marker, pattern)) =
                patterns.iter().find(|(marker, _)| line.ends_with(marker))
            else {
                return line.to_owned();
            };
            let _ = marker;
            let (Some(start), Some(end)) = (line.find("\"^("), line.find(")[ \\t]*:$\"")) else {
                panic!("a marked line without a field pattern: {line}");
            };
            count += 1;
            let end = end + ")[ \\t]*:$\"".len();
            format!("{}\"{pattern}\"{}", &line[..start], &line[end..])
        })
        .collect();
    (lines.join("\n"), count)
}

#[test]
fn the_queries_field_patterns_come_from_the_table() {
    for relative in [
        "grammar/queries/highlights.scm",
        "grammar/queries/locals.scm",
        "editors/helix/runtime/queries/ward/locals.scm",
    ] {
        let text = read(relative);
        let (expected, count) = with_field_patterns(&text);
        assert!(
            count > 0,
            "{relative} matches fields by name on marked lines"
        );
        check_file(relative, &expected, &text);
    }
}

fn json_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn the_textmate_keyword_lists_come_from_the_table() {
    let relative = "editors/vscode/syntaxes/ward.tmLanguage.json";
    let text = read(relative);

    // The item pattern: the first `"match"` after `"item": {`.
    let anchor = "\n    \"item\": {\n      \"match\": ";
    let start = text.find(anchor).expect("the item pattern") + anchor.len();
    let end = start + text[start..].find(",\n").expect("the end of the match");
    let mut expected = format!(
        "{}{}{}",
        &text[..start],
        json_string(&generate::textmate_item_match()),
        &text[end..]
    );

    // The keyword values, one pattern per set.
    let anchor = "\n    \"keyword-value\": {\n";
    let start = expected.find(anchor).expect("the keyword-value patterns") + anchor.len();
    let end_marker = "\n    },\n";
    let end = start + expected[start..].find(end_marker).expect("their end");
    let patterns: Vec<String> = generate::textmate_keyword_values()
        .into_iter()
        .map(|(name, pattern)| {
            format!(
                "        {{\n          \"name\": {},\n          \"match\": {}\n        }}",
                json_string(&name),
                json_string(&pattern)
            )
        })
        .collect();
    let block = format!("      \"patterns\": [\n{}\n      ]", patterns.join(",\n"));
    expected = format!("{}{}{}", &expected[..start], block, &expected[end..]);
    check_file(relative, &expected, &text);
}

/// The field names of the first table after `heading` in `page`, with their second column.
fn documented_fields(page: &str, heading: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs/language.md has the section `{heading}`"));
    let section = &page[start + heading.len() + 2..];
    let section = &section[..section.find("\n#").unwrap_or(section.len())];
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells[1]
                .trim_matches('`')
                .trim_end_matches(" { }")
                .to_owned();
            (name, cells.get(2).copied().unwrap_or("").to_owned())
        })
        .collect()
}

/// `docs/language.md` is written by hand, with more to say than the table's one-line docs;
/// this holds its field tables to the table: every field of every kind, no other, in the
/// table's order, marked required and list exactly when they are.
#[test]
fn the_language_reference_documents_every_field() {
    use ward_language::{FieldType, ItemKind, shared};
    let page = read("docs/language.md");
    let shared_fields = [shared::DESCRIPTION.name, shared::TAGS.name];
    let mut mismatches = Vec::new();
    for kind in ItemKind::ALL {
        let heading = if kind.spec().has_id {
            format!("### `{}`", kind.as_str())
        } else {
            "## The plan".to_owned()
        };
        let documented = documented_fields(&page, &heading);
        let mut expected: Vec<(String, bool, bool)> = kind
            .fields()
            .iter()
            .filter(|spec| !shared_fields.contains(&spec.name))
            .map(|spec| {
                let list = !spec.ty.is_single() && spec.ty != FieldType::Tags;
                (spec.name.to_owned(), spec.required, list)
            })
            .collect();
        for block in kind.spec().blocks.iter().filter(|block| !block.named) {
            expected.push((block.keyword.to_owned(), false, false));
        }
        let mut documented_names: Vec<&str> = documented.iter().map(|(n, _)| n.as_str()).collect();
        let mut expected_names: Vec<&str> = expected.iter().map(|(n, ..)| n.as_str()).collect();
        documented_names.sort_unstable();
        expected_names.sort_unstable();
        if documented_names != expected_names {
            mismatches.push(format!(
                "{heading}: documents {documented_names:?}, the table has {expected_names:?}"
            ));
            continue;
        }
        for (name, required, list) in &expected {
            let marks = &documented.iter().find(|(n, _)| n == name).expect("found").1;
            if marks.contains("**required**") != *required || marks.contains("list") != *list {
                mismatches.push(format!(
                    "{heading}: `{name}` is marked `{marks}`; the table says required {required}, list {list}"
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
