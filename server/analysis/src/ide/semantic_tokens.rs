//! Semantic tokens: what each word of a file is, from the kinds table (item keywords and
//! block keywords, IDs where they are declared and where links name them, unresolved
//! links, field names, keyword values, phases, rule names, strings, numbers and dates), so
//! that an editor colours them right without a TextMate grammar.

use ward_syntax::{Field, FieldMap, TextRange, Value};

use crate::db::{Db, SourceFile, lookup_definitions, parse};
use crate::schema::{self, FieldSpec, FieldType};

/// What a token is. The language server maps each to an LSP token type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An item keyword (`risk`) or a block keyword (`residual`, `gate`).
    Keyword,
    /// An item's own ID.
    Declaration,
    /// A link naming an item that exists.
    Reference,
    /// A link naming no item.
    Unresolved,
    Field,
    /// A word of a keyword set (`spoofing`, `implemented`), a tag or a finding code.
    Value,
    /// A phase of the plan: in `phases`, `phase`, a gate's name, an approval's `gate`.
    Phase,
    /// A gate rule (`risks-controlled`).
    Rule,
    String,
    /// A number or a date.
    Number,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
}

/// The tokens of a file, in text order.
pub(crate) fn semantic_tokens(db: &dyn Db, file: SourceFile) -> Vec<SemanticToken> {
    let parsed = parse(db, file);
    let mut tokens = Vec::new();
    for (item, map) in parsed.ast.items.iter().zip(&parsed.source_map.items) {
        tokens.push(SemanticToken {
            range: map.keyword,
            kind: TokenKind::Keyword,
        });
        if let Some(id) = map.id {
            tokens.push(SemanticToken {
                range: id,
                kind: TokenKind::Declaration,
            });
        }
        if let Some(title) = map.title {
            tokens.push(SemanticToken {
                range: title,
                kind: TokenKind::String,
            });
        }
        fields(
            db,
            &item.fields,
            &map.fields,
            |name| item.kind.field(name),
            &mut tokens,
        );
        for (block, block_map) in item.blocks.iter().zip(&map.blocks) {
            tokens.push(SemanticToken {
                range: block_map.keyword,
                kind: TokenKind::Keyword,
            });
            if let Some(name) = block_map.name {
                tokens.push(SemanticToken {
                    range: name,
                    kind: TokenKind::Phase,
                });
            }
            let spec = schema::block_spec(&block.kind);
            fields(
                db,
                &block.fields,
                &block_map.fields,
                |name| spec.field(name),
                &mut tokens,
            );
        }
    }
    tokens.sort_by_key(|token| token.range.start);
    tokens
}

fn fields(
    db: &dyn Db,
    fields: &[Field],
    maps: &[FieldMap],
    spec_of: impl Fn(&str) -> Option<&'static FieldSpec>,
    tokens: &mut Vec<SemanticToken>,
) {
    for (field, map) in fields.iter().zip(maps) {
        tokens.push(SemanticToken {
            range: map.name,
            kind: TokenKind::Field,
        });
        let spec = spec_of(&field.name);
        for (value, &range) in field.values.iter().zip(&map.values) {
            let kind = match value {
                Value::Str(_) | Value::TextBlock(_) => TokenKind::String,
                Value::Int(_) | Value::Date(_) => TokenKind::Number,
                Value::Ident(name) => match spec.map(|spec| spec.ty) {
                    Some(FieldType::Link(_)) if lookup_definitions(db, name).is_empty() => {
                        TokenKind::Unresolved
                    }
                    Some(FieldType::Link(_)) => TokenKind::Reference,
                    Some(FieldType::Names | FieldType::Name) => TokenKind::Phase,
                    Some(FieldType::Rules) => TokenKind::Rule,
                    _ => TokenKind::Value,
                },
            };
            tokens.push(SemanticToken { range, kind });
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(text: &str, expect: Expect) {
        let fixture = fixture::load(text);
        let analysis = fixture.analysis();
        let file = fixture.file("/main.ward");
        let actual: String = analysis
            .semantic_tokens(file)
            .unwrap()
            .into_iter()
            .map(|token| {
                format!(
                    "{:?} {}\n",
                    token.kind,
                    fixture::range_with_text(&analysis, file, token.range)
                )
            })
            .collect();
        expect.assert_eq(&actual);
    }

    #[test]
    fn every_word_from_the_table() {
        check(
            r#"
            plan { phases: design phase: design gate design { requires: risks-scored } }
            asset A1 "Pump" { kind: data }
            threat T1 { targets: A1, A9 stride: spoofing }
            risk R1 { threat: T1 severity: 3 residual { exploitability: 1 } }
            "#,
            expect![[r#"
                Keyword main.ward:1:1-1:5 plan
                Field main.ward:1:8-1:14 phases
                Phase main.ward:1:16-1:22 design
                Field main.ward:1:23-1:28 phase
                Phase main.ward:1:30-1:36 design
                Keyword main.ward:1:37-1:41 gate
                Phase main.ward:1:42-1:48 design
                Field main.ward:1:51-1:59 requires
                Rule main.ward:1:61-1:73 risks-scored
                Keyword main.ward:2:1-2:6 asset
                Declaration main.ward:2:7-2:9 A1
                String main.ward:2:10-2:16 "Pump"
                Field main.ward:2:19-2:23 kind
                Value main.ward:2:25-2:29 data
                Keyword main.ward:3:1-3:7 threat
                Declaration main.ward:3:8-3:10 T1
                Field main.ward:3:13-3:20 targets
                Reference main.ward:3:22-3:24 A1
                Unresolved main.ward:3:26-3:28 A9
                Field main.ward:3:29-3:35 stride
                Value main.ward:3:37-3:45 spoofing
                Keyword main.ward:4:1-4:5 risk
                Declaration main.ward:4:6-4:8 R1
                Field main.ward:4:11-4:17 threat
                Reference main.ward:4:19-4:21 T1
                Field main.ward:4:22-4:30 severity
                Number main.ward:4:32-4:33 3
                Keyword main.ward:4:34-4:42 residual
                Field main.ward:4:45-4:59 exploitability
                Number main.ward:4:61-4:62 1
            "#]],
        );
    }
}
