//! Artefacts generated from the kinds table, for the files that cannot read it at run time:
//! the grammar's keyword lists, the tree-sitter queries' link-field pattern, the TextMate
//! grammar's keyword lists, the VS Code snippets of the item kinds. `tests/generated.rs` checks each file holds exactly what these
//! functions return (`WARD_UPDATE_GENERATED=1` rewrites them).

use crate::codes::Rule;
use crate::fields::FieldType;
use crate::kinds::{BlockSpec, DEFAULT_PHASES, ItemKind, LinkField};
use crate::values::KEYWORD_SETS;

/// The marker lines around a generated region of a JavaScript file.
pub const JS_BEGIN: &str =
    "// @generated begin: from the kinds table (server/language); do not edit";
pub const JS_END: &str = "// @generated end";

fn js_list(words: impl Iterator<Item = &'static str>) -> String {
    let quoted: Vec<String> = words.map(|word| format!("'{word}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The keyword lists of `grammar/grammar.js`: the item kinds with an ID, and every word
/// the grammar reserves.
pub fn grammar_keywords() -> String {
    let with_id = ItemKind::ALL
        .into_iter()
        .filter(|kind| kind.spec().has_id)
        .map(ItemKind::as_str);
    let others = ItemKind::ALL
        .into_iter()
        .filter(|kind| !kind.spec().has_id)
        .map(ItemKind::as_str)
        .chain(BlockSpec::ALL.iter().map(|block| block.keyword));
    format!(
        "{JS_BEGIN}\nconst ITEM_KINDS = {};\nconst KEYWORDS = [...ITEM_KINDS, {}];\n{JS_END}\n",
        js_list(with_id),
        js_list(others)
            .trim_start_matches('[')
            .trim_end_matches(']'),
    )
}

/// The `#match?` patterns of the queries, each for the lines ending in its marker comment:
/// a field name with its colon that is a link field, or a field whose values are phases.
pub fn query_field_patterns() -> [(&'static str, String); 2] {
    let mut links: Vec<&str> = LinkField::all().map(LinkField::name).collect();
    links.dedup();
    let mut phases: Vec<&str> = ItemKind::ALL
        .into_iter()
        .flat_map(ItemKind::fields)
        .chain(BlockSpec::ALL.iter().flat_map(|block| block.fields))
        .filter(|spec| matches!(spec.ty, FieldType::Name | FieldType::Names))
        .map(|spec| spec.name)
        .collect();
    phases.dedup();
    let pattern = |names: &[&str]| format!("^({})[ \\t]*:$", names.join("|"));
    [
        ("; @generated: link fields", pattern(&links)),
        ("; @generated: phase fields", pattern(&phases)),
    ]
}

/// A TextMate pattern matching any of `words` as a whole word.
fn textmate_words(words: &[&str]) -> String {
    let escaped: Vec<String> = words.iter().map(|word| word.replace('-', "\\-")).collect();
    format!(
        "(?<![A-Za-z0-9_.\\-])(?:{})(?![A-Za-z0-9_.\\-])",
        escaped.join("|")
    )
}

/// The TextMate grammar's `item` pattern: a kind keyword and the ID after it.
pub fn textmate_item_match() -> String {
    let kinds: Vec<&str> = ItemKind::ALL
        .into_iter()
        .filter(|kind| kind.spec().has_id)
        .map(ItemKind::as_str)
        .collect();
    format!(
        "(?<![A-Za-z0-9_.\\-])({})\\s+([A-Za-z][A-Za-z0-9_.\\-]*)",
        kinds.join("|")
    )
}

/// The TextMate grammar's keyword-value patterns: scope name and pattern, one per set of
/// keyword values, then the rules and the usual phases.
pub fn textmate_keyword_values() -> Vec<(String, String)> {
    KEYWORD_SETS
        .iter()
        .map(|(name, words)| (*name, *words))
        .chain([("rule", Rule::NAMES), ("phase", DEFAULT_PHASES)])
        .map(|(name, words)| {
            (
                format!("constant.language.{name}.ward"),
                textmate_words(words),
            )
        })
        .collect()
}

/// A VS Code snippet of one item kind, as its entry in `snippets/ward.json`: the header,
/// then every required field and every field of keywords or small integers, each a tab
/// stop (with the choices the table allows).
pub fn vscode_snippet(kind: ItemKind) -> String {
    let spec = kind.spec();
    let mut stop = 3;
    let mut body = vec![format!(
        "{} ${{1:ID}} \\\"${{2:Title}}\\\" {{",
        spec.keyword
    )];
    for field in spec.fields {
        let value = match field.ty {
            FieldType::Link(link) if field.required => {
                let target = link.targets[0].as_str().to_uppercase();
                format!("${{{stop}:{target}}}")
            }
            FieldType::Keyword(words) | FieldType::Keywords(words) => {
                format!("${{{stop}|{}|}}", words.join(","))
            }
            FieldType::Codes if field.required => {
                format!("${{{stop}|{}|}}", field.ty.keywords().join(","))
            }
            FieldType::Str | FieldType::Text if field.required => {
                format!("\\\"${{{stop}:{}}}\\\"", field.name)
            }
            FieldType::Date if field.required => format!("${{{stop}:YYYY-MM-DD}}"),
            FieldType::Int(low, high) if high - low < 10 => {
                let values: Vec<String> = (low..=high).map(|n| n.to_string()).collect();
                format!("${{{stop}|{}|}}", values.join(","))
            }
            _ => continue,
        };
        stop += 1;
        body.push(format!("\\t{}: {value}", field.name));
    }
    body.push("}".to_owned());
    body.push("$0".to_owned());
    let body: Vec<String> = body.iter().map(|line| format!("\"{line}\"")).collect();
    format!(
        "  \"{keyword}\": {{\n    \"prefix\": \"{keyword}\",\n    \"description\": \"{}\",\n    \"body\": [{}]\n  }}",
        spec.doc.replace('"', "\\\""),
        body.join(", "),
        keyword = spec.keyword,
    )
}
