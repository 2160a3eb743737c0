//! Every query compiles, uses only the capture names its consumers know, and runs over
//! every `.ward` file of the workspace: `examples/`, `grammar/test/` and the corpus inputs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::{corpus, support};

const QUERIES: [(&str, &str); 6] = [
    ("highlights.scm", tree_sitter_ward::HIGHLIGHTS_QUERY),
    ("folds.scm", tree_sitter_ward::FOLDS_QUERY),
    ("indents.scm", tree_sitter_ward::INDENTS_QUERY),
    ("locals.scm", tree_sitter_ward::LOCALS_QUERY),
    ("textobjects.scm", tree_sitter_ward::TEXTOBJECTS_QUERY),
    ("tags.scm", tree_sitter_ward::TAGS_QUERY),
];

/// The theme scopes Helix documents that highlights.scm may use.
const HELIX_SCOPES: &[&str] = &[
    "attribute",
    "type",
    "type.builtin",
    "constructor",
    "constant",
    "constant.builtin",
    "constant.builtin.boolean",
    "constant.character",
    "constant.character.escape",
    "constant.numeric",
    "constant.numeric.integer",
    "string",
    "string.special",
    "comment",
    "comment.line",
    "variable",
    "variable.parameter",
    "variable.other",
    "variable.other.member",
    "label",
    "punctuation",
    "punctuation.delimiter",
    "punctuation.bracket",
    "keyword",
    "keyword.control",
    "keyword.storage.type",
    "keyword.directive",
    "operator",
    "function",
    "tag",
    "namespace",
    "special",
];

fn compile(file: &str, text: &str) -> Query {
    Query::new(&support::language(), text)
        .unwrap_or_else(|e| panic!("{file} does not compile: {e}"))
}

/// The capture names of a query, without `_` helper captures.
fn capture_names(query: &Query) -> BTreeSet<&str> {
    query
        .capture_names()
        .iter()
        .copied()
        .filter(|name| !name.starts_with('_'))
        .collect()
}

/// Whether a capture name is one the query's consumers understand.
fn is_known_capture(file: &str, name: &str) -> bool {
    match file {
        "highlights.scm" => HELIX_SCOPES.contains(&name),
        "folds.scm" => name == "fold",
        // Neovim's `@indent.*` and Helix's `@indent`/`@outdent`.
        "indents.scm" => {
            matches!(name, "indent" | "outdent")
                || matches!(
                    name.strip_prefix("indent."),
                    Some(
                        "begin"
                            | "end"
                            | "branch"
                            | "dedent"
                            | "align"
                            | "auto"
                            | "ignore"
                            | "zero"
                    )
                )
        }
        "locals.scm" => matches!(name, "local.scope" | "local.definition" | "local.reference"),
        // nvim-treesitter-textobjects names: `<object>.outer` and `<object>.inner`.
        "textobjects.scm" => name
            .rsplit_once('.')
            .is_some_and(|(object, part)| !object.is_empty() && matches!(part, "outer" | "inner")),
        // What tree-sitter-tags accepts.
        "tags.scm" => {
            matches!(name, "name" | "doc" | "ignore")
                || name.starts_with("definition.")
                || name.starts_with("reference.")
        }
        _ => false,
    }
}

#[test]
fn every_query_compiles_and_uses_known_capture_names() {
    for (file, text) in QUERIES {
        let query = compile(file, text);
        assert!(query.pattern_count() > 0, "{file} has no pattern");
        for name in capture_names(&query) {
            assert!(
                is_known_capture(file, name),
                "{file}: unknown capture @{name}"
            );
        }
    }
}

#[test]
fn tags_query_has_no_helper_capture() {
    // tree-sitter-tags rejects any capture it does not know, `_` helpers included.
    let query = compile("tags.scm", tree_sitter_ward::TAGS_QUERY);
    for name in query.capture_names() {
        assert!(is_known_capture("tags.scm", name), "tags.scm: @{name}");
    }
}

#[test]
fn readme_lists_every_highlight_capture() {
    let readme = support::read(&support::grammar_dir().join("queries/README.md"));
    let query = compile("highlights.scm", tree_sitter_ward::HIGHLIGHTS_QUERY);
    for name in capture_names(&query) {
        assert!(
            readme.contains(&format!("`@{name}`")),
            "queries/README.md does not list `@{name}`"
        );
    }
}

/// The number of captures (other than `_` helpers) of `query` over `source`.
fn count_captures(query: &Query, source: &str) -> usize {
    let tree = support::parse(source);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
    let mut count = 0;
    while let Some(m) = matches.next() {
        count += m
            .captures()
            .iter()
            .filter(|c| !query.capture_names()[c.index as usize].starts_with('_'))
            .count();
    }
    count
}

#[test]
fn every_query_runs_over_every_ward_file() {
    let examples = support::files_with_extension(&support::examples_dir(), "ward");
    assert!(
        !examples.is_empty(),
        "expected at least one .ward file under examples/ ({})",
        support::examples_dir().display()
    );
    let grammar_tests = support::files_with_extension(&support::grammar_dir().join("test"), "ward");

    let mut sources: Vec<(String, String)> = Vec::new();
    for file in examples.iter().chain(&grammar_tests) {
        sources.push((support::display(file), support::read(file)));
    }
    for case in corpus::cases() {
        sources.push((
            format!("{}: {}", support::display(&case.file), case.name),
            case.input,
        ));
    }

    for (file, text) in QUERIES {
        let query = compile(file, text);
        for (name, source) in &sources {
            // A panic here names the query and the file.
            let result = std::panic::catch_unwind(|| count_captures(&query, source));
            assert!(result.is_ok(), "{file} failed over {name}");
        }
        let over_examples: usize = examples
            .iter()
            .map(|path: &PathBuf| count_captures(&query, &support::read(path)))
            .sum();
        if matches!(file, "highlights.scm" | "locals.scm" | "tags.scm") {
            assert!(over_examples > 0, "{file} captures nothing in examples/");
        }
    }
}

/// The texts captured as `capture` by `query` over `source`, in order.
fn captured(query_text: &str, capture: &str, source: &str) -> Vec<String> {
    let query = compile("query", query_text);
    let tree = support::parse(source);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), source.as_bytes());
    let mut found = Vec::new();
    while let Some(m) = matches.next() {
        for c in m.captures() {
            if query.capture_names()[c.index as usize] == capture {
                found.push((c.node.start_byte(), source[c.node.byte_range()].to_owned()));
            }
        }
    }
    found.sort();
    found.dedup();
    found.into_iter().map(|(_, text)| text).collect()
}

const LINKED: &str = "\
asset A {}
threat T { targets: A, B stride: spoofing tags: C }
risk R { threat: T severity: 3 }
control C1 { mitigates : R kind: technical }
verification V { verifies: C1, C2 method: test }
";

#[test]
fn locals_define_item_ids_and_reference_link_values_only() {
    let locals = tree_sitter_ward::LOCALS_QUERY;
    assert_eq!(
        captured(locals, "local.definition", LINKED),
        ["A", "T", "R", "C1", "V"]
    );
    assert_eq!(
        captured(locals, "local.reference", LINKED),
        ["A", "B", "T", "R", "C1", "C2"]
    );
    assert_eq!(captured(locals, "local.scope", LINKED).len(), 1);
}

#[test]
fn tags_name_every_item() {
    let tags = tree_sitter_ward::TAGS_QUERY;
    assert_eq!(captured(tags, "name", LINKED), ["A", "T", "R", "C1", "V"]);
    assert_eq!(captured(tags, "definition.class", LINKED).len(), 5);
}

#[test]
fn textobjects_cover_items_fields_and_comments() {
    let source = "// c\nasset A { kind: data }\nplan { gate release { requires: x } }\n";
    let objects = tree_sitter_ward::TEXTOBJECTS_QUERY;
    assert_eq!(
        captured(objects, "class.outer", source),
        [
            "asset A { kind: data }",
            "plan { gate release { requires: x } }"
        ]
    );
    assert_eq!(
        captured(objects, "class.inner", source),
        ["{ kind: data }", "{ gate release { requires: x } }"]
    );
    assert_eq!(
        captured(objects, "block.outer", source),
        ["gate release { requires: x }"]
    );
    assert_eq!(
        captured(objects, "parameter.outer", source),
        ["kind: data", "requires: x"]
    );
    assert_eq!(captured(objects, "parameter.inner", source), ["data", "x"]);
    assert_eq!(captured(objects, "comment.outer", source), ["// c"]);
}
