//! Fingerprints of items, for stamped links (`verifies: C-PAIR@3f9a2c1b4d5e`): the first 12
//! lowercase hex digits of the SHA-256 of an item's canonical content, which
//! `docs/language.md` ("Stamped links") defines byte for byte so that another tool can
//! compute it: its kind, title, fields (names sorted, values in order, strings by value) and
//! blocks; not its ID, its `tags`, comments, layout, or the stamps in its own links.
//!
//! `file_fingerprints` is a query of one file, which backdates: an edit elsewhere
//! fingerprints nothing again, and an edit that only moves text (or changes tags, comments
//! or stamps) leaves every fingerprint equal, so nothing downstream re-runs.
//! `file_stamp_targets` gives a file's checks the current fingerprints of the targets of
//! its stamped links, so that a file is re-checked only when one of those changes.

use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use ward_syntax::{Field, Item, Value};

use crate::db::{Db, ItemRef, SourceFile, file_ast, file_names};
use crate::schema;

/// An item's fingerprint: the first 6 bytes (12 hex digits) of the SHA-256 of its canonical
/// content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 6]);

impl Fingerprint {
    /// The fingerprint of an item.
    pub fn of(item: &Item) -> Fingerprint {
        let digest = Sha256::digest(canonical(item).as_bytes());
        let mut bytes = [0; 6];
        bytes.copy_from_slice(&digest[..6]);
        Fingerprint(bytes)
    }

    /// Whether a written stamp is this fingerprint (compared digit by digit: every file's
    /// checks ask this of each of their stamped links).
    pub fn is(self, stamp: &str) -> bool {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let stamp = stamp.as_bytes();
        stamp.len() == 12
            && self.0.iter().enumerate().all(|(at, byte)| {
                stamp[2 * at] == HEX[usize::from(byte >> 4)]
                    && stamp[2 * at + 1] == HEX[usize::from(byte & 0xf)]
            })
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Whether a stamp is well-formed: 12 lowercase hex digits.
pub fn is_valid_stamp(stamp: &str) -> bool {
    stamp.len() == 12
        && stamp
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

/// The canonical content of an item, as `docs/language.md` defines it: lines ended by
/// `\n`, `kind <keyword>`, `title <string>`, then each field but `tags` by name (`field
/// <name>` and a line per value), then each block (`block <keyword>`, its fields, `end`).
pub fn canonical(item: &Item) -> String {
    let mut out = String::with_capacity(128);
    out.push_str("kind ");
    out.push_str(item.kind.as_str());
    out.push('\n');
    if let Some(title) = &item.title {
        out.push_str("title ");
        string(&mut out, title);
        out.push('\n');
    }
    fields(&mut out, &item.fields);
    for block in &item.blocks {
        out.push_str("block ");
        out.push_str(block_keyword(&block.kind));
        out.push('\n');
        fields(&mut out, &block.fields);
        out.push_str("end\n");
    }
    out
}

fn block_keyword(kind: &ward_syntax::BlockKind) -> &'static str {
    match kind {
        ward_syntax::BlockKind::Residual => schema::residual::BLOCK.keyword,
        ward_syntax::BlockKind::Gate(_) => schema::gate::BLOCK.keyword,
        ward_syntax::BlockKind::Matrix => schema::matrix::BLOCK.keyword,
    }
}

fn fields(out: &mut String, fields: &[Field]) {
    let mut sorted: Vec<&Field> = fields
        .iter()
        .filter(|field| field.name != schema::shared::TAGS.name)
        .collect();
    // Stable: fields of one name keep the order they are written in.
    sorted.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    for field in sorted {
        out.push_str("field ");
        out.push_str(&field.name);
        out.push('\n');
        for value in &field.values {
            match value {
                Value::Ident(name) => {
                    out.push_str("name ");
                    out.push_str(name);
                }
                Value::Stamped(link) => {
                    out.push_str("name ");
                    out.push_str(&link.name);
                }
                Value::Int(Some(number)) => {
                    out.push_str("integer ");
                    out.push_str(&number.to_string());
                }
                Value::Int(None) => out.push_str("integer overflow"),
                Value::Str(text) | Value::TextBlock(text) => {
                    out.push_str("string ");
                    string(out, text);
                }
                Value::Date(date) => {
                    out.push_str("date ");
                    out.push_str(&date.to_string());
                }
            }
            out.push('\n');
        }
    }
}

/// A string by value, length first: `<UTF-8 byte length>:<text>`, so that a text holding
/// line breaks reads back unambiguously.
fn string(out: &mut String, text: &str) {
    out.push_str(&text.len().to_string());
    out.push(':');
    out.push_str(text);
}

/// The fingerprint of every item of a file, in item order (the plan's too, though nothing
/// can link to it).
#[salsa::tracked(returns(ref))]
pub fn file_fingerprints(db: &dyn Db, file: SourceFile) -> Vec<Fingerprint> {
    file_ast(db, file)
        .items
        .iter()
        .map(Fingerprint::of)
        .collect()
}

/// The fingerprint of an item of the workspace.
pub fn fingerprint(db: &dyn Db, item: ItemRef) -> Option<Fingerprint> {
    file_fingerprints(db, item.file)
        .get(item.item as usize)
        .copied()
}

/// For each stamped link of a file, in order of items, fields and values: where it is (item,
/// field, value index), its target, and the target's fingerprint now. Empty for a file
/// without stamps, which then reads no fingerprint.
#[salsa::tracked(returns(clone))]
pub fn file_stamp_targets(db: &dyn Db, file: SourceFile) -> Arc<Vec<StampTarget>> {
    let ast = file_ast(db, file);
    let mut found = Vec::new();
    let mut names = None;
    for (at, item) in ast.items.iter().enumerate() {
        for (field_at, field) in item.fields.iter().enumerate() {
            for (value_at, value) in field.values.iter().enumerate() {
                let Value::Stamped(link) = value else {
                    continue;
                };
                let name = &link.name;
                let names = *names.get_or_insert_with(|| file_names(db, file));
                let target = names
                    .def(name)
                    .and_then(|def| Some((def, fingerprint(db, def)?)));
                found.push(StampTarget {
                    at: (at as u32, field_at as u32, value_at as u32),
                    target,
                });
            }
        }
    }
    Arc::new(found)
}

/// A stamped link and its target's fingerprint now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StampTarget {
    pub at: (u32, u32, u32),
    /// The item the name resolves to, and its fingerprint; `None` when it resolves to none.
    pub target: Option<(ItemRef, Fingerprint)>,
}

#[cfg(test)]
mod tests {
    use super::{Fingerprint, canonical, is_valid_stamp};

    fn item(text: &str) -> ward_syntax::Item {
        let parse = ward_syntax::parse(text);
        assert!(parse.errors.is_empty(), "{:?}", parse.errors);
        parse.ast.items.into_iter().next().unwrap()
    }

    #[test]
    fn the_canonical_form_sorts_fields_and_leaves_out_id_tags_and_stamps() {
        let control = item(
            "control C-PAIR \"Secure pairing\" {\n  status: implemented\n  tags: ble\n  mitigates: R-1@0123456789ab, R-2\n  description: \"\"\"\n    Two\n    lines\n    \"\"\"\n}\n",
        );
        assert_eq!(
            canonical(&control),
            "kind control\ntitle 14:Secure pairing\nfield description\nstring 9:Two\nlines\nfield mitigates\nname R-1\nname R-2\nfield status\nname implemented\n"
        );
    }

    #[test]
    fn stamps_are_twelve_lowercase_hex_digits() {
        assert!(is_valid_stamp("3f9a2c1b4d5e"));
        assert!(!is_valid_stamp("3F9A2C1B4D5E"));
        assert!(!is_valid_stamp("3f9a2c1b4d5"));
        assert!(!is_valid_stamp("3f9a2c1b4d5eg"));
        assert!(!is_valid_stamp(""));
        let fingerprint = Fingerprint::of(&item("asset A \"A\" { kind: data }"));
        assert!(is_valid_stamp(&fingerprint.to_string()));
        assert!(fingerprint.is(&fingerprint.to_string()));
    }
}
