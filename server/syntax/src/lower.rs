//! Lowering of a tree-sitter tree to [`FileAst`] + [`SourceMap`], collecting syntax errors.

use tree_sitter::{Node, Tree};

use crate::ast::{
    Block, BlockKind, BlockMap, DateValue, Field, FieldMap, FileAst, Item, ItemKind, ItemMap,
    SourceMap, SyntaxError, SyntaxErrorKind, TextRange, Value,
};
use crate::text::{dedent_text_block, is_terminated, unescape_string};

/// The lowered form of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parse {
    pub ast: FileAst,
    pub source_map: SourceMap,
    pub errors: Vec<SyntaxError>,
}

/// Lowers `tree`, which must be a parse of `text`.
pub fn lower(tree: &Tree, text: &str) -> Parse {
    let mut lowering = Lowering {
        text,
        parse: Parse::default(),
    };
    let root = tree.root_node();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        match child.kind() {
            "item" | "plan" => lowering.item(child),
            "ERROR" => lowering.salvage_open_title(child),
            _ => {}
        }
    }
    if root.has_error() {
        lowering.tree_errors(root);
    }
    lowering.parse.errors.sort_by_key(|error| error.range);
    lowering.parse
}

struct Lowering<'a> {
    text: &'a str,
    parse: Parse,
}

/// The grammar's field ids, looked up once: `child_by_field_name` searches the names on
/// every call, which showed in profiles of large workspaces.
struct FieldIds {
    kind: u16,
    id: u16,
    title: u16,
    body: u16,
    phase: u16,
    name: u16,
    values: u16,
}

fn field_ids() -> &'static FieldIds {
    static IDS: std::sync::OnceLock<FieldIds> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        let language = crate::language();
        let id = |name: &str| {
            language
                .field_id_for_name(name)
                .map(u16::from)
                .expect("the grammar defines this field")
        };
        FieldIds {
            kind: id("kind"), // tidy: a grammar field, not a Ward field
            id: id("id"),
            title: id("title"),
            body: id("body"),
            phase: id("phase"), // tidy: a grammar field, not a Ward field
            name: id("name"),
            values: id("values"),
        }
    })
}

fn range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

impl<'a> Lowering<'a> {
    fn text(&self, node: Node<'_>) -> &'a str {
        &self.text[node.byte_range()]
    }

    fn error(&mut self, kind: SyntaxErrorKind, range: TextRange, message: String) {
        self.parse.errors.push(SyntaxError {
            kind,
            range,
            message,
        });
    }

    fn item(&mut self, node: Node<'_>) {
        let is_plan = node.kind() == "plan";
        let mut item = Item {
            kind: ItemKind::Plan,
            id: None,
            title: None,
            fields: Vec::new(),
            blocks: Vec::new(),
        };
        let mut map = ItemMap {
            range: range(node),
            ..ItemMap::default()
        };
        if is_plan {
            if let Some(keyword) = node.child(0) {
                map.keyword = range(keyword);
            }
        } else if let Some(kind) = node.child_by_field_id(field_ids().kind) {
            map.keyword = range(kind);
            // The grammar only accepts the five keywords here.
            item.kind = ItemKind::from_keyword(self.text(kind)).unwrap_or(ItemKind::Asset);
        }
        match node.child_by_field_id(field_ids().id) {
            Some(id) if !id.is_missing() => {
                item.id = Some(self.text(id).to_owned());
                map.id = Some(range(id));
            }
            // A MISSING node is reported with the tree's errors.
            Some(_) => {}
            None if !is_plan => {
                let message = format!("expected an ID after `{}`", item.kind);
                self.error(SyntaxErrorKind::Parse, map.keyword, message);
            }
            None => {}
        }
        if let Some(title) = node.child_by_field_id(field_ids().title) {
            item.title = Some(self.string(title));
            map.title = Some(range(title));
        }
        if let Some(body) = node.child_by_field_id(field_ids().body) {
            self.body(body, &mut item, &mut map);
        }
        self.parse.ast.items.push(item);
        self.parse.source_map.items.push(map);
    }

    fn body(&mut self, body: Node<'_>, item: &mut Item, map: &mut ItemMap) {
        let children = body.named_child_count();
        item.fields.reserve_exact(children);
        map.fields.reserve_exact(children);
        let mut cursor = body.walk();
        let mut closed = false;
        for child in body.children(&mut cursor) {
            match child.kind() {
                "field" => self.field(child, &mut item.fields, &mut map.fields),
                "residual" | "gate" | "matrix" => self.block(child, item, map), // tidy: node kinds
                "}" if !child.is_missing() => closed = true,
                _ => {}
            }
        }
        if !closed {
            let what = match &item.id {
                Some(id) => format!("{} `{id}`", item.kind),
                None => item.kind.to_string(),
            };
            let open = body.child(0).map_or(range(body), range);
            self.error(
                SyntaxErrorKind::Parse,
                open,
                format!("unclosed `{{`: expected `}}` to close {what}"),
            );
        }
    }

    fn block(&mut self, node: Node<'_>, item: &mut Item, map: &mut ItemMap) {
        let keyword = node.child(0).map_or(range(node), range);
        let is_gate = node.kind() == "gate"; // tidy: a grammar node kind
        let (kind, name) = if is_gate {
            let phase = node
                .child_by_field_id(field_ids().phase)
                .filter(|phase| !phase.is_missing());
            (
                BlockKind::Gate(phase.map(|phase| self.text(phase).to_owned())),
                phase.map(range),
            )
        } else if node.kind() == "matrix" {
            (BlockKind::Matrix, None)
        } else {
            (BlockKind::Residual, None)
        };
        let mut block = Block {
            kind,
            fields: Vec::new(),
        };
        let mut block_map = BlockMap {
            range: range(node),
            keyword,
            name,
            fields: Vec::new(),
        };
        if let Some(body) = node.child_by_field_id(field_ids().body) {
            let mut cursor = body.walk();
            for child in body.named_children(&mut cursor) {
                if child.kind() == "field" {
                    self.field(child, &mut block.fields, &mut block_map.fields);
                }
            }
        }
        item.blocks.push(block);
        map.blocks.push(block_map);
    }

    fn field(&mut self, node: Node<'_>, fields: &mut Vec<Field>, maps: &mut Vec<FieldMap>) {
        let Some(name_node) = node.child_by_field_id(field_ids().name) else {
            return;
        };
        let name_with_colon = self.text(name_node);
        let name = name_with_colon.trim_end_matches(':').trim_end();
        let name_range =
            TextRange::new(name_node.start_byte(), name_node.start_byte() + name.len());
        let mut field = Field {
            name: name.to_owned(),
            values: Vec::new(),
        };
        let mut field_map = FieldMap {
            range: range(node),
            name: name_range,
            values: Vec::new(),
        };
        match node.child_by_field_id(field_ids().values) {
            Some(list) => {
                // Exact sizes: most fields hold one value, and a default-grown Vec holds four.
                field.values.reserve_exact(list.named_child_count());
                field_map.values.reserve_exact(list.named_child_count());
                let mut cursor = list.walk();
                let mut last_was_comma = false;
                for child in list.children(&mut cursor) {
                    last_was_comma = child.kind() == ",";
                    if let Some(value) = self.value(child) {
                        field.values.push(value);
                        field_map.values.push(range(child));
                    }
                }
                if last_was_comma {
                    let comma = TextRange::new(list.end_byte() - 1, list.end_byte());
                    self.error(
                        SyntaxErrorKind::Parse,
                        comma,
                        format!("expected a value after `,` in `{name}`"),
                    );
                }
            }
            None => self.error(
                SyntaxErrorKind::Parse,
                range(name_node),
                format!("expected a value after `{name}:`"),
            ),
        }
        fields.push(field);
        maps.push(field_map);
    }

    fn value(&mut self, node: Node<'_>) -> Option<Value> {
        let text = self.text(node);
        Some(match node.kind() {
            "identifier" => Value::Ident(text.to_owned()),
            "integer" => Value::Int(text.parse().ok()),
            "date" => Value::Date(DateValue::parse(text)?), // tidy: a grammar node kind
            "string" => Value::Str(self.string(node)),
            "text_block" => Value::TextBlock(dedent_text_block(text)),
            _ => return None,
        })
    }

    fn string(&mut self, node: Node<'_>) -> String {
        if !is_terminated(self.text(node)) {
            self.error(
                SyntaxErrorKind::Parse,
                range(node),
                "unterminated string: expected `\"` before the end of the line".to_owned(),
            );
        }
        let (value, bad_escapes) = unescape_string(self.text(node));
        for (start, end) in bad_escapes {
            let at = node.start_byte();
            let escape = &self.text[at + start..at + end];
            self.error(
                SyntaxErrorKind::InvalidEscape,
                TextRange::new(at + start, at + end),
                format!("unknown escape `{escape}`: a string knows `\\\"`, `\\\\` and `\\n`"),
            );
        }
        value
    }

    /// One error per ERROR or MISSING node; an ERROR node's inside is not searched further.
    fn tree_errors(&mut self, root: Node<'_>) {
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            let mut descend = node.has_error();
            if node.is_error() {
                // A string left open is the likely cause of the whole error: say so, there.
                if let Some(open) = self.unterminated_string_in(node) {
                    self.error(
                        SyntaxErrorKind::Parse,
                        range(open),
                        "unterminated string: expected `\"` before the end of the line".to_owned(),
                    );
                } else if let Some(word) = unknown_kind(node) {
                    let message = format!("unknown item kind `{}`", snippet(self.text(word)));
                    self.error(SyntaxErrorKind::UnknownKind, range(word), message);
                } else {
                    let message = match first_token(node) {
                        Some(token) => format!("unexpected `{}`", snippet(self.text(token))),
                        None => "unexpected text".to_owned(),
                    };
                    self.error(SyntaxErrorKind::Parse, range(node), message);
                }
                descend = false;
            } else if node.is_missing() {
                let what = node.kind();
                let message = if what.chars().all(char::is_alphanumeric) || what.contains('_') {
                    format!("expected {}", what.replace('_', " "))
                } else {
                    format!("expected `{what}`")
                };
                self.error(SyntaxErrorKind::Parse, range(node), message);
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }
}

impl Lowering<'_> {
    /// An item whose title was left open: the string ran to the end of its line and took
    /// the `{` with it, so the whole item is an ERROR node. Its kind, ID, title and fields
    /// are still there, flat among the node's children: lowered as an item, its ID still
    /// defines it, and the links to it do not become a cascade of `unresolved-reference`s.
    /// Only this shape is taken (kind, ID, open string first); any other error stays an
    /// error and nothing more, so that recovery invents no item. The syntax error itself
    /// is reported at the string, as for any ERROR node.
    fn salvage_open_title(&mut self, error: Node<'_>) {
        let mut cursor = error.walk();
        let children: Vec<Node<'_>> = error.named_children(&mut cursor).collect();
        let [kind, id, title, rest @ ..] = children.as_slice() else {
            return;
        };
        let shape = kind.kind() == "item_kind"
            && id.kind() == "identifier"
            && title.kind() == "string"
            && !is_terminated(self.text(*title));
        let Some(item_kind) = ItemKind::from_keyword(self.text(*kind)).filter(|_| shape) else {
            return;
        };
        let mut item = Item {
            kind: item_kind,
            id: Some(self.text(*id).to_owned()),
            // The title's text up to the line break; its error comes with the tree's.
            title: Some(unescape_string(self.text(*title)).0),
            fields: Vec::new(),
            blocks: Vec::new(),
        };
        let mut map = ItemMap {
            range: range(error),
            keyword: range(*kind),
            id: Some(range(*id)),
            title: Some(range(*title)),
            ..ItemMap::default()
        };
        for node in rest {
            if node.kind() == "field_name" {
                let with_colon = self.text(*node);
                let name = with_colon.trim_end_matches(':').trim_end();
                item.fields.push(Field {
                    name: name.to_owned(),
                    values: Vec::new(),
                });
                map.fields.push(FieldMap {
                    range: range(*node),
                    name: TextRange::new(node.start_byte(), node.start_byte() + name.len()),
                    values: Vec::new(),
                });
                continue;
            }
            // A value belongs to the field before it; one before any field is dropped.
            let (Some(field), Some(field_map)) = (item.fields.last_mut(), map.fields.last_mut())
            else {
                continue;
            };
            let Some(value) = self.value_quietly(*node) else {
                continue;
            };
            field.values.push(value);
            field_map.values.push(range(*node));
            field_map.range = TextRange::new(field_map.range.start as usize, node.end_byte());
        }
        self.parse.ast.items.push(item);
        self.parse.source_map.items.push(map);
    }

    /// A value node's value, without reporting its string's problems: inside an ERROR node
    /// the tree's error is the one reported.
    fn value_quietly(&self, node: Node<'_>) -> Option<Value> {
        let text = self.text(node);
        Some(match node.kind() {
            "identifier" => Value::Ident(text.to_owned()),
            "integer" => Value::Int(text.parse().ok()),
            "date" => Value::Date(DateValue::parse(text)?), // tidy: a grammar node kind
            "string" => Value::Str(unescape_string(text).0),
            "text_block" => Value::TextBlock(dedent_text_block(text)),
            _ => return None,
        })
    }

    /// The first string token left open among the children of an ERROR node.
    fn unterminated_string_in<'t>(&self, error: Node<'t>) -> Option<Node<'t>> {
        let mut cursor = error.walk();
        error
            .children(&mut cursor)
            .find(|child| child.kind() == "string" && !is_terminated(self.text(*child)))
    }
}

/// The word of an error between items that starts with a word: where an item's kind should
/// be, a name that is none.
fn unknown_kind(error: Node<'_>) -> Option<Node<'_>> {
    let between_items = error
        .parent()
        .is_some_and(|parent| parent.parent().is_none());
    let word = first_token(error).filter(|token| token.kind() == "identifier")?;
    (between_items && word.start_byte() == error.start_byte()).then_some(word)
}

fn first_token(node: Node<'_>) -> Option<Node<'_>> {
    let mut node = node.child(0)?;
    while let Some(child) = node.child(0) {
        node = child;
    }
    Some(node)
}

/// The start of a piece of text, cut at the first line break and at 30 characters.
fn snippet(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut cut: String = line.chars().take(30).collect();
    if cut.len() < line.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn lowers_items_fields_and_blocks() {
        let text =
            "risk R-1 \"Title\" {\n  threat: T1, T2 severity: 4\n  residual { severity: 2 }\n}\n";
        let parse = parse(text);
        assert!(parse.errors.is_empty(), "{:?}", parse.errors);
        let item = &parse.ast.items[0];
        assert_eq!(item.id.as_deref(), Some("R-1"));
        assert_eq!(item.title.as_deref(), Some("Title"));
        assert_eq!(item.fields.len(), 2);
        assert_eq!(item.fields[0].values.len(), 2);
        let map = &parse.source_map.items[0];
        let t2 = map.fields[0].values[1];
        assert_eq!(&text[t2.start as usize..t2.end as usize], "T2");
        let name = map.fields[1].name;
        assert_eq!(&text[name.start as usize..name.end as usize], "severity");
        assert_eq!(item.blocks.len(), 1);
        assert_eq!(
            item.blocks[0].fields[0].values[0],
            crate::Value::Int(Some(2))
        );
    }

    #[test]
    fn missing_brace_damages_only_its_item() {
        let text = "asset A {\n  kind: data\nthreat T {\n  targets: A\n}\n";
        let parse = parse(text);
        assert_eq!(parse.ast.items.len(), 2);
        assert_eq!(
            parse.ast.items[1].fields[0].values[0],
            crate::Value::Ident("A".into())
        );
        assert_eq!(parse.errors.len(), 1);
        assert!(
            parse.errors[0].message.contains("asset `A`"),
            "{:?}",
            parse.errors
        );
    }

    #[test]
    fn an_item_without_id_keeps_the_next_item_whole() {
        let text = "asset {\n  kind: data\n}\nthreat T { targets: A }\n";
        let parse = parse(text);
        let messages: Vec<_> = parse.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["expected an ID after `asset`"]);
        let at = parse.errors[0].range;
        assert_eq!(&text[at.start as usize..at.end as usize], "asset");
        assert_eq!(parse.ast.items.len(), 2);
        assert_eq!(parse.ast.items[0].id, None);
        assert_eq!(parse.ast.items[0].fields.len(), 1);
        assert_eq!(parse.ast.items[1].id.as_deref(), Some("T"));
    }

    #[test]
    fn empty_field_and_trailing_comma_are_errors() {
        let parse = parse("threat T {\n  targets:\n  stride: spoofing,\n}\n");
        let messages: Vec<_> = parse.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "expected a value after `targets:`",
                "expected a value after `,` in `stride`"
            ]
        );
        assert_eq!(parse.ast.items[0].fields.len(), 2);
    }

    #[test]
    fn strings_left_open_are_reported_where_they_start() {
        let text = "asset A \"Pump {\n  kind: data\n}\nthreat T \"Spoof\" { targets: A }\n";
        let title_open = parse(text);
        let first = &title_open.errors[0];
        assert_eq!(
            first.message,
            "unterminated string: expected `\"` before the end of the line"
        );
        assert_eq!(
            &text[first.range.start as usize..first.range.end as usize],
            "\"Pump {"
        );
        // The item after it is intact.
        let last = title_open.ast.items.last().unwrap();
        assert_eq!(last.id.as_deref(), Some("T"));
        assert_eq!(last.fields.len(), 1);

        let value_open = parse("asset A {\n  description: \"no end\n  kind: data\n}\n");
        assert_eq!(value_open.errors.len(), 1, "{:?}", value_open.errors);
        assert_eq!(value_open.ast.items[0].fields.len(), 2);
    }

    #[test]
    fn deeply_nested_junk_does_not_overflow() {
        let junk = "{".repeat(50_000) + &"}".repeat(50_000);
        let parse = parse(&junk);
        assert!(!parse.errors.is_empty());
    }
}
