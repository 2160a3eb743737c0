//! Checks of the Helix integration in `editors/helix` that need no Helix:
//! `languages.toml` parses and configures Ward; every query under
//! `runtime/queries/ward/` compiles against the Ward grammar and uses only
//! the capture names and predicates Helix knows; query files that are the
//! grammar's own are symlinks to `grammar/queries/` (for Neovim too), so they
//! cannot drift.
//!
//! Helix is not packaged for Debian nor published on crates.io, so these
//! checks stand in for `hx --health ward`. The lists of names below are
//! Helix's documented ones (the Helix book, pages named at each list, as of
//! Helix 25.07 and its master branch of 2026); the predicate rules follow
//! what Helix's query loaders accept (helix-core `syntax.rs` / `indent.rs`,
//! tree-house `highlighter.rs` / `injections_query.rs`).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Language, Query};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn helix_dir() -> PathBuf {
    repo().join("editors/helix")
}

fn helix_queries_dir() -> PathBuf {
    helix_dir().join("runtime/queries/ward")
}

fn nvim_queries_dir() -> PathBuf {
    repo().join("editors/nvim/queries/ward")
}

fn grammar_queries_dir() -> PathBuf {
    repo().join("grammar/queries")
}

fn language() -> Language {
    tree_sitter_ward::LANGUAGE.into()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `.scm` files of a folder, sorted by name.
fn scm_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "scm"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name")
}

// ---------------------------------------------------------------------------
// What Helix knows
// ---------------------------------------------------------------------------

/// Helix's theme scopes, the capture names of `highlights.scm` (and the
/// suffixes of `@local.definition.*`). Source: the Helix book, "Themes →
/// Scopes → Syntax highlighting" (book/src/themes.md). A theme styles a
/// capture by its longest matching key; a name outside this list gets no
/// colour in the default themes.
const THEME_SCOPES: &[&str] = &[
    "attribute",
    "type",
    "type.builtin",
    "type.parameter",
    "type.enum",
    "type.enum.variant",
    "constructor",
    "constant",
    "constant.builtin",
    "constant.builtin.boolean",
    "constant.character",
    "constant.character.escape",
    "constant.numeric",
    "constant.numeric.integer",
    "constant.numeric.float",
    "string",
    "string.regexp",
    "string.special",
    "string.special.path",
    "string.special.url",
    "string.special.symbol",
    "comment",
    "comment.line",
    "comment.line.documentation",
    "comment.block",
    "comment.block.documentation",
    "comment.unused",
    "variable",
    "variable.mutable",
    "variable.builtin",
    "variable.builtin.mutable",
    "variable.parameter",
    "variable.parameter.mutable",
    "variable.other",
    "variable.other.member",
    "variable.other.member.private",
    "label",
    "punctuation",
    "punctuation.delimiter",
    "punctuation.bracket",
    "punctuation.special",
    "keyword",
    "keyword.control",
    "keyword.control.conditional",
    "keyword.control.repeat",
    "keyword.control.import",
    "keyword.control.return",
    "keyword.control.exception",
    "keyword.operator",
    "keyword.directive",
    "keyword.function",
    "keyword.storage",
    "keyword.storage.type",
    "keyword.storage.modifier",
    "operator",
    "function",
    "function.public",
    "function.builtin",
    "function.method",
    "function.method.public",
    "function.method.private",
    "function.macro",
    "function.special",
    "tag",
    "tag.builtin",
    "namespace",
    "special",
    "markup",
    "markup.heading",
    "markup.heading.marker",
    "markup.heading.1",
    "markup.heading.2",
    "markup.heading.3",
    "markup.heading.4",
    "markup.heading.5",
    "markup.heading.6",
    "markup.list",
    "markup.list.unnumbered",
    "markup.list.numbered",
    "markup.list.checked",
    "markup.list.unchecked",
    "markup.bold",
    "markup.italic",
    "markup.strikethrough",
    "markup.link",
    "markup.link.url",
    "markup.link.label",
    "markup.link.text",
    "markup.quote",
    "markup.raw",
    "markup.raw.inline",
    "markup.raw.block",
    "diff",
    "diff.plus",
    "diff.plus.gutter",
    "diff.minus",
    "diff.minus.gutter",
    "diff.delta",
    "diff.delta.moved",
    "diff.delta.conflict",
    "diff.delta.gutter",
    "embedded",
];

/// Objects of `textobjects.scm`, each with `.inside`, `.around` and
/// `.movement`. Source: the Helix book, "Adding textobject queries"
/// (book/src/guides/textobject.md).
const TEXTOBJECTS: &[&str] = &[
    "function",
    "class",
    "test",
    "parameter",
    "comment",
    "entry",
    "xml-element",
];

/// Captures of `indents.scm`. Source: the Helix book, "Adding indent
/// queries → Capture types" (book/src/guides/indent.md).
const INDENT_CAPTURES: &[&str] = &[
    "indent",
    "outdent",
    "indent.always",
    "outdent.always",
    "align",
    "anchor",
    "extend",
    "extend.prevent-once",
    "opaque",
];

/// Predicates Helix accepts in `indents.scm` beyond tree-sitter's own.
/// Source: the Helix book, "Adding indent queries → Predicates".
const INDENT_PREDICATES: &[&str] = &[
    "not-kind-eq?",
    "same-line?",
    "not-same-line?",
    "one-line?",
    "not-one-line?",
];

/// Definition kinds of `tags.scm`. Source: the Helix book, "Adding tags
/// queries" (book/src/guides/tags.md).
const TAG_DEFINITIONS: &[&str] = &[
    "definition.class",
    "definition.constant",
    "definition.enum",
    "definition.field",
    "definition.function",
    "definition.interface",
    "definition.macro",
    "definition.module",
    "definition.section",
    "definition.struct",
    "definition.type",
];

/// The query files Helix reads from `runtime/queries/<language>/`. Helix
/// has no folding, so no `folds.scm`.
const HELIX_QUERY_FILES: &[&str] = &[
    "highlights.scm",
    "injections.scm",
    "locals.scm",
    "indents.scm",
    "textobjects.scm",
    "tags.scm",
    "rainbows.scm",
];

// tree-sitter's own text predicates (`eq?`, `not-eq?`, `any-eq?`,
// `any-not-eq?`, `match?`, `not-match?`, `any-match?`, `any-not-match?`,
// `any-of?`, `not-any-of?`) are the ones Helix's tree-house evaluates too;
// the Rust binding keeps them out of `general_predicates`, so anything found
// there is a predicate Helix must know specially.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QueryKind {
    Highlights,
    Injections,
    Locals,
    Indents,
    Textobjects,
    Tags,
    Rainbows,
}

impl QueryKind {
    fn from_file_name(name: &str) -> Option<QueryKind> {
        Some(match name {
            "highlights.scm" => QueryKind::Highlights,
            "injections.scm" => QueryKind::Injections,
            "locals.scm" => QueryKind::Locals,
            "indents.scm" => QueryKind::Indents,
            "textobjects.scm" => QueryKind::Textobjects,
            "tags.scm" => QueryKind::Tags,
            "rainbows.scm" => QueryKind::Rainbows,
            _ => return None,
        })
    }

    /// Is `name` (without `@`) a capture Helix reads in this kind of query?
    /// Names starting with `_` are private to a pattern (for predicates).
    fn knows_capture(self, name: &str) -> bool {
        if name.starts_with('_') {
            return true;
        }
        match self {
            QueryKind::Highlights => THEME_SCOPES.contains(&name),
            QueryKind::Locals => {
                name == "local.scope"
                    || name == "local.reference"
                    || name
                        .strip_prefix("local.definition.")
                        .is_some_and(|scope| THEME_SCOPES.contains(&scope))
            }
            QueryKind::Injections => [
                "injection.content",
                "injection.language",
                "injection.filename",
                "injection.shebang",
            ]
            .contains(&name),
            QueryKind::Indents => INDENT_CAPTURES.contains(&name),
            QueryKind::Textobjects => name.split_once('.').is_some_and(|(object, part)| {
                TEXTOBJECTS.contains(&object) && ["inside", "around", "movement"].contains(&part)
            }),
            QueryKind::Tags => {
                name == "name"
                    || TAG_DEFINITIONS.contains(&name)
                    || name
                        .strip_prefix("reference.")
                        .is_some_and(|kind| !kind.is_empty())
            }
            QueryKind::Rainbows => name == "rainbow.scope" || name == "rainbow.bracket",
        }
    }

    /// Does Helix accept the predicate `#operator` (beyond tree-sitter's text predicates)?
    fn knows_general_predicate(self, operator: &str) -> bool {
        match self {
            QueryKind::Indents => INDENT_PREDICATES.contains(&operator),
            QueryKind::Tags => operator == "strip!" || operator == "select-adjacent!",
            _ => false,
        }
    }

    /// Does Helix accept `(#set! key value)`?
    fn knows_setting(self, key: &str, value: Option<&str>) -> bool {
        match self {
            QueryKind::Highlights | QueryKind::Locals => key == "local.scope-inherits",
            QueryKind::Injections => match key {
                "injection.language" => value.is_some(),
                "injection.combined"
                | "injection.include-children"
                | "injection.include-unnamed-children" => value.is_none(),
                _ => false,
            },
            QueryKind::Rainbows => key == "rainbow.include-children" && value.is_none(),
            // Helix 25.07 reads `scope` with `tail`/`all`, later Helix only
            // `header`: a Ward query needs neither.
            QueryKind::Indents | QueryKind::Textobjects | QueryKind::Tags => false,
        }
    }

    /// Does Helix accept `(#is? key)` / `(#is-not? key)` (`negated`)?
    fn knows_property_predicate(self, key: &str, negated: bool) -> bool {
        match self {
            QueryKind::Highlights => key == "local" && negated,
            QueryKind::Tags => key == "local",
            _ => false,
        }
    }
}

/// Everything wrong with `source` as a Helix query of `kind`: a compile
/// error, or unknown captures, predicates and properties.
fn helix_query_problems(kind: QueryKind, source: &str) -> Vec<String> {
    let query = match Query::new(&language(), source) {
        Ok(query) => query,
        Err(e) => return vec![format!("does not compile: {e}")],
    };
    let mut problems = Vec::new();
    for name in query.capture_names() {
        if !kind.knows_capture(name) {
            problems.push(format!(
                "capture @{name} is not one Helix reads in a {kind:?} query"
            ));
        }
    }
    for pattern in 0..query.pattern_count() {
        let row = source[..query.start_byte_for_pattern(pattern)]
            .lines()
            .count()
            + 1;
        for predicate in query.general_predicates(pattern) {
            if !kind.knows_general_predicate(&predicate.operator) {
                problems.push(format!(
                    "line {row}: predicate #{} is not supported by Helix in a {kind:?} query",
                    predicate.operator
                ));
            }
        }
        for setting in query.property_settings(pattern) {
            if !kind.knows_setting(&setting.key, setting.value.as_deref()) {
                problems.push(format!(
                    "line {row}: (#set! {} {}) is not supported by Helix in a {kind:?} query",
                    setting.key,
                    setting.value.as_deref().unwrap_or("")
                ));
            }
        }
        for (property, positive) in query.property_predicates(pattern) {
            if !kind.knows_property_predicate(&property.key, !positive) {
                problems.push(format!(
                    "line {row}: (#{} {}) is not supported by Helix in a {kind:?} query",
                    if *positive { "is?" } else { "is-not?" },
                    property.key
                ));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// languages.toml
// ---------------------------------------------------------------------------

fn languages_toml() -> toml::Table {
    let path = helix_dir().join("languages.toml");
    read(&path)
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

fn as_strings(value: &toml::Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("expected a string, got {v}"))
        })
        .collect()
}

#[test]
fn languages_toml_defines_the_ward_language_server() {
    let config = languages_toml();
    let server = config["language-server"]["ward"]
        .as_table()
        .expect("[language-server.ward]");
    assert_eq!(server["command"].as_str(), Some("ward"));
    assert_eq!(as_strings(&server["args"]), ["lsp"]);
    // Source: the Helix book, "Languages → Language Server configuration".
    let known = [
        "command",
        "args",
        "config",
        "timeout",
        "environment",
        "required-root-patterns",
    ];
    for key in server.keys() {
        assert!(
            known.contains(&key.as_str()),
            "[language-server.ward] has unknown key `{key}`"
        );
    }
}

#[test]
fn languages_toml_defines_the_ward_language() {
    let config = languages_toml();
    let languages = config["language"].as_array().expect("[[language]]");
    let ward: Vec<&toml::Table> = languages
        .iter()
        .filter_map(|l| l.as_table())
        .filter(|l| l.get("name").and_then(|n| n.as_str()) == Some("ward"))
        .collect();
    assert_eq!(ward.len(), 1, "exactly one [[language]] named ward");
    let ward = ward[0];

    assert_eq!(ward["scope"].as_str(), Some("source.ward"));
    assert_eq!(as_strings(&ward["file-types"]), ["ward"]);
    assert!(
        !as_strings(&ward["roots"]).is_empty(),
        "roots lists a marker"
    );
    assert_eq!(ward["comment-token"].as_str(), Some("//"));
    let indent = ward["indent"].as_table().expect("indent = { ... }");
    assert_eq!(indent["tab-width"].as_integer(), Some(2));
    assert_eq!(indent["unit"].as_str(), Some("  "));
    assert_eq!(as_strings(&ward["language-servers"]), ["ward"]);

    // Helix refuses unknown keys (serde `deny_unknown_fields`). Source: the
    // Helix book, "Languages → Language configuration" (and helix-core's
    // `LanguageConfiguration`).
    let known = [
        "name",
        "language-id",
        "scope",
        "injection-regex",
        "file-types",
        "shebangs",
        "roots",
        "auto-format",
        "diagnostic-severity",
        "comment-token",
        "comment-tokens",
        "block-comment-tokens",
        "indent",
        "language-servers",
        "grammar",
        "formatter",
        "soft-wrap",
        "text-width",
        "rulers",
        "path-completion",
        "word-completion",
        "workspace-lsp-roots",
        "persistent-diagnostic-sources",
        "rainbow-brackets",
        "code-actions-on-save",
        "auto-pairs",
        "debugger",
    ];
    for key in ward.keys() {
        assert!(
            known.contains(&key.as_str()),
            "[[language]] ward has unknown key `{key}`"
        );
    }
}

#[test]
fn languages_toml_builds_the_grammar_from_the_grammar_folder() {
    let config = languages_toml();
    let grammars = config["grammar"].as_array().expect("[[grammar]]");
    let ward = grammars
        .iter()
        .filter_map(|g| g.as_table())
        .find(|g| g.get("name").and_then(|n| n.as_str()) == Some("ward"))
        .expect("a [[grammar]] named ward");
    for key in ward.keys() {
        assert!(
            ["name", "source"].contains(&key.as_str()),
            "[[grammar]] ward has unknown key `{key}`"
        );
    }
    // A path source, the checkout's grammar folder (install.sh makes it absolute): no
    // address of a repository that is not published.
    let source = ward["source"].as_table().expect("source = { ... }");
    assert_eq!(source.keys().collect::<Vec<_>>(), ["path"], "{source:?}");
    let path = source["path"].as_str().expect("path");
    assert_eq!(path, "grammar");
    // Helix compiles <path>/src/parser.c.
    assert!(
        repo().join(path).join("src/parser.c").is_file(),
        "{path}/src/parser.c exists"
    );
    assert!(
        !repo().join(path).join("src/scanner.c").exists(),
        "no external scanner to list"
    );
}

/// `install.sh` on a fresh configuration folder, and again over a user's own
/// `languages.toml`: the folders made, Ward's block written once and the user's kept, the
/// grammar's source at this checkout, the grammar built, the queries linked.
#[test]
fn install_script_sets_up_a_fresh_configuration_and_runs_again_cleanly() {
    let temp = std::env::temp_dir().join(format!("ward-helix-install-{}", std::process::id()));
    let _ = fs::remove_dir_all(&temp);
    let config = temp.join("nothing-here-yet/helix");
    let install = || {
        let output = std::process::Command::new("bash")
            .arg(helix_dir().join("install.sh"))
            .env("HELIX_CONFIG", &config)
            .output()
            .expect("bash runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    install();
    let mut languages = read(&config.join("languages.toml"));
    // The user's own settings, before and after Ward's block.
    languages = format!(
        "[editor]\nline-number = \"relative\"\n\n{languages}\n[[language]]\nname = \"rust\"\n"
    );
    fs::write(config.join("languages.toml"), &languages).unwrap();
    install();
    let text = read(&config.join("languages.toml"));
    assert_eq!(text.matches("[language-server.ward]").count(), 1, "{text}");
    assert_eq!(
        text.matches("line-number = \"relative\"").count(),
        1,
        "{text}"
    );
    assert_eq!(text.matches("name = \"rust\"").count(), 1, "{text}");
    let parsed: toml::Table = text.parse().expect("languages.toml stays TOML");
    let grammar = parsed["grammar"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"].as_str() == Some("ward"))
        .expect("the ward grammar");
    let source = Path::new(grammar["source"]["path"].as_str().unwrap());
    assert!(source.is_absolute(), "{source:?}");
    assert_eq!(source.canonicalize().unwrap(), repo().join("grammar"));
    let built = config.join("runtime/grammars/ward.so");
    assert!(fs::metadata(&built).is_ok_and(|m| m.len() > 0), "{built:?}");
    let queries = config.join("runtime/queries/ward");
    assert_eq!(
        queries.canonicalize().unwrap(),
        helix_queries_dir().canonicalize().unwrap()
    );
    assert!(
        queries.join("highlights.scm").is_file(),
        "the links inside resolve"
    );
    fs::remove_dir_all(&temp).unwrap();
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

#[test]
fn helix_queries_compile_and_use_only_what_helix_reads() {
    let files = scm_files(&helix_queries_dir());
    let names: BTreeSet<&str> = files.iter().map(|f| file_name(f)).collect();
    for required in [
        "highlights.scm",
        "locals.scm",
        "indents.scm",
        "textobjects.scm",
    ] {
        assert!(
            names.contains(required),
            "editors/helix/runtime/queries/ward/{required} is missing"
        );
    }

    let mut problems = Vec::new();
    for file in &files {
        let name = file_name(file);
        let Some(kind) = QueryKind::from_file_name(name) else {
            problems.push(format!(
                "{name}: not a query file Helix reads ({HELIX_QUERY_FILES:?})"
            ));
            continue;
        };
        let source = read(file);
        if matches!(
            kind,
            QueryKind::Highlights | QueryKind::Indents | QueryKind::Textobjects
        ) && source.trim().is_empty()
        {
            problems.push(format!("{name}: empty"));
        }
        for problem in helix_query_problems(kind, &source) {
            problems.push(format!("{name}: {problem}"));
        }
    }

    // Helix compiles highlights.scm and locals.scm as one query.
    let joined = format!(
        "{}\n{}",
        read(&helix_queries_dir().join("highlights.scm")),
        read(&helix_queries_dir().join("locals.scm"))
    );
    if let Err(e) = Query::new(&language(), &joined) {
        problems.push(format!(
            "highlights.scm + locals.scm do not compile together: {e}"
        ));
    }

    assert!(
        problems.is_empty(),
        "Helix queries:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn helix_textobjects_find_items_fields_values_and_comments() {
    use tree_sitter::{Parser, QueryCursor, StreamingIterator};

    let source = "// c\nverification V-1 \"t\" {\n  verifies: C-1, C-2\n}\nrisk R-1 {\n  residual { severity: 1 }\n}\nplan { gate design { requires: risks-scored } }\n";
    let mut parser = Parser::new();
    parser.set_language(&language()).expect("grammar loads");
    let tree = parser.parse(source, None).expect("parse");
    let query = Query::new(
        &language(),
        &read(&helix_queries_dir().join("textobjects.scm")),
    )
    .expect("compiles");

    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), source.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            let name = query.capture_names()[capture.index as usize];
            if !name.starts_with('_') {
                found.insert((
                    name.to_string(),
                    source[capture.node.byte_range()].to_string(),
                ));
            }
        }
    }
    let has = |capture: &str, text: &str| found.contains(&(capture.to_string(), text.to_string()));
    assert!(
        has("class.around", "risk R-1 {\n  residual { severity: 1 }\n}"),
        "{found:#?}"
    );
    assert!(
        has(
            "test.around",
            "verification V-1 \"t\" {\n  verifies: C-1, C-2\n}"
        ),
        "{found:#?}"
    );
    assert!(has("entry.around", "verifies: C-1, C-2"), "{found:#?}");
    assert!(has("entry.inside", "C-1, C-2"), "{found:#?}");
    assert!(
        has("entry.around", "residual { severity: 1 }"),
        "{found:#?}"
    );
    assert!(
        has("entry.around", "gate design { requires: risks-scored }"),
        "{found:#?}"
    );
    assert!(has("parameter.inside", "C-2"), "{found:#?}");
    assert!(has("parameter.around", ","), "{found:#?}");
    assert!(has("comment.around", "// c"), "{found:#?}");
    assert!(
        !found
            .iter()
            .any(|(c, t)| c == "test.around" && t.starts_with("risk")),
        "only verifications are tests"
    );
}

#[test]
fn the_checker_refuses_what_helix_does_not_read() {
    let refused = |kind: QueryKind, source: &str| {
        let problems = helix_query_problems(kind, source);
        assert!(
            !problems.is_empty(),
            "{kind:?} query accepted but Helix would not read it:\n{source}"
        );
    };
    let accepted = |kind: QueryKind, source: &str| {
        let problems = helix_query_problems(kind, source);
        assert!(
            problems.is_empty(),
            "{kind:?} query refused: {problems:?}\n{source}"
        );
    };
    // Neovim-only names and predicates.
    refused(QueryKind::Highlights, "(comment) @spell");
    refused(QueryKind::Highlights, "(field_name) @property");
    refused(QueryKind::Highlights, "(identifier) @variable.member");
    refused(
        QueryKind::Highlights,
        "((identifier) @constant (#lua-match? @constant \"^[A-Z]\"))",
    );
    refused(
        QueryKind::Highlights,
        "((comment) @comment (#set! priority 105))",
    );
    refused(
        QueryKind::Highlights,
        "((identifier) @variable (#is? local))",
    );
    refused(QueryKind::Locals, "(identifier) @local.definition.var");
    refused(QueryKind::Locals, "(source_file) @scope");
    refused(QueryKind::Textobjects, "(item) @class.outer");
    refused(QueryKind::Textobjects, "(field) @assignment.inner");
    refused(QueryKind::Indents, "(item_body) @indent.begin");
    refused(
        QueryKind::Indents,
        "((item_body) @indent (#set! \"scope\" \"tail\"))",
    );
    refused(
        QueryKind::Indents,
        "((item_body) @indent (#has-ancestor? @indent item))",
    );
    refused(
        QueryKind::Tags,
        "(item id: (identifier) @name) @definition.item",
    );
    refused(QueryKind::Rainbows, "\"{\" @punctuation.bracket");
    refused(QueryKind::Highlights, "(no_such_node) @keyword");
    // And what it reads.
    accepted(
        QueryKind::Highlights,
        "(item_kind) @keyword\n((identifier) @constant (#match? @constant \"^[A-Z]\"))",
    );
    accepted(
        QueryKind::Locals,
        "(source_file) @local.scope\n(item id: (identifier) @local.definition.type)",
    );
    accepted(
        QueryKind::Textobjects,
        "(item body: (item_body) @class.inside) @class.around",
    );
    accepted(
        QueryKind::Indents,
        "(item_body) @indent\n\"}\" @outdent\n((field) @indent (#not-one-line? @indent))",
    );
    accepted(
        QueryKind::Tags,
        "(item id: (identifier) @name) @definition.struct",
    );
    accepted(
        QueryKind::Rainbows,
        "(item_body) @rainbow.scope\n[\"{\" \"}\"] @rainbow.bracket",
    );
}

/// Query files that are the grammar's own are symlinks to it, so that the
/// editors' copies can never drift; those that differ must really differ.
#[cfg(unix)]
#[test]
fn editor_query_links_resolve_to_the_grammar_queries() {
    let grammar = grammar_queries_dir();
    let mut problems = Vec::new();
    let mut links = 0;
    for dir in [nvim_queries_dir(), helix_queries_dir()] {
        for file in scm_files(&dir) {
            let name = file_name(&file);
            let shown = file
                .strip_prefix(repo())
                .unwrap_or(&file)
                .display()
                .to_string();
            let meta = fs::symlink_metadata(&file).expect("metadata");
            if meta.file_type().is_symlink() {
                links += 1;
                let target = fs::read_link(&file).expect("read_link");
                if target.is_absolute() {
                    problems.push(format!("{shown}: absolute link {}", target.display()));
                }
                match file.canonicalize() {
                    Ok(resolved)
                        if resolved == grammar.join(name).canonicalize().unwrap_or_default() => {}
                    Ok(resolved) => problems.push(format!(
                        "{shown}: links to {}, not to grammar/queries/{name}",
                        resolved.display()
                    )),
                    Err(e) => problems.push(format!(
                        "{shown}: dangling link to {} ({e})",
                        target.display()
                    )),
                }
            } else if grammar.join(name).is_file() && read(&file) == read(&grammar.join(name)) {
                problems.push(format!(
                    "{shown}: a copy of grammar/queries/{name}; make it a symlink"
                ));
            }
        }
    }
    for name in [
        "highlights.scm",
        "locals.scm",
        "folds.scm",
        "textobjects.scm",
    ] {
        if !nvim_queries_dir().join(name).exists() {
            problems.push(format!("editors/nvim/queries/ward/{name} is missing"));
        }
    }
    assert!(links > 0, "no query symlinks found");
    assert!(
        problems.is_empty(),
        "editor queries:\n  {}",
        problems.join("\n  ")
    );
}

/// Neovim reads the grammar's queries through the links: they must at least
/// compile against the grammar (nvim-specific predicates are fine here).
#[test]
fn nvim_queries_compile() {
    let mut problems = Vec::new();
    for file in scm_files(&nvim_queries_dir()) {
        if let Err(e) = Query::new(&language(), &read(&file)) {
            problems.push(format!("{}: {e}", file_name(&file)));
        }
    }
    assert!(
        problems.is_empty(),
        "Neovim queries:\n  {}",
        problems.join("\n  ")
    );
}
