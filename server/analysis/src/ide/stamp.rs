//! Stamping links (`ward stamp`, the "Mark link as reviewed" code action): the edits that
//! write the current fingerprint of each link's target into the link, and nothing else. An
//! unstamped link gets `@<fingerprint>` after its name; a stamped one gets its stamp
//! replaced; a link already current, or one that names no item, is left alone.

use ward_syntax::{TextEdit, TextRange, Value, stamp_range};

use crate::db::{Db, ItemRef, SourceFile, file_ast, lookup_definitions, parse};
use crate::fingerprint::{Fingerprint, fingerprint};
use crate::ide::FilePosition;
use crate::ide::cursor::{Hit, find};

/// One link to stamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StampEdit {
    pub file: SourceFile,
    /// The item whose link it is.
    pub item: ItemRef,
    /// The link's name, and where it is.
    pub name: String,
    pub name_range: TextRange,
    /// The stamp as written, when there is one.
    pub old: Option<String>,
    pub new: Fingerprint,
    pub edit: TextEdit,
}

/// The stamps to write into one link value, if it is a link that needs one.
fn stamp_value(db: &dyn Db, item: ItemRef, value: &Value, range: TextRange) -> Option<StampEdit> {
    let name = value.as_link()?;
    let target = lookup_definitions(db, name).first().copied()?;
    let new = fingerprint(db, target)?;
    let (old, edit) = match value {
        Value::Stamped(link) if new.is(&link.stamp) => return None,
        Value::Stamped(link) => (
            Some(link.stamp.clone()),
            TextEdit {
                range: stamp_range(range, &link.stamp),
                insert: new.to_string(),
            },
        ),
        _ => (
            None,
            TextEdit {
                range: TextRange::new(range.end as usize, range.end as usize),
                insert: format!("@{new}"),
            },
        ),
    };
    Some(StampEdit {
        file: item.file,
        item,
        name: name.to_owned(),
        name_range: range,
        old,
        new,
        edit,
    })
}

/// The edits that stamp every link of an item, in text order.
pub(crate) fn stamp_item(db: &dyn Db, item: ItemRef) -> Vec<StampEdit> {
    let ast = file_ast(db, item.file);
    let map = &parse(db, item.file).source_map;
    let (Some(syntax), Some(places)) = (
        ast.items.get(item.item as usize),
        map.items.get(item.item as usize),
    ) else {
        return Vec::new();
    };
    let mut edits = Vec::new();
    for (field, field_map) in syntax.fields.iter().zip(&places.fields) {
        let Some(spec) = item
            .kind
            .fields()
            .iter()
            .find(|spec| spec.name == field.name)
        else {
            continue;
        };
        if spec.ty.link().is_none() {
            continue;
        }
        for (value, &range) in field.values.iter().zip(&field_map.values) {
            edits.extend(stamp_value(db, item, value, range));
        }
    }
    edits
}

/// The edit that stamps the link under the cursor: `None` when the cursor is on no link,
/// or on one that is current or names no item.
pub(crate) fn stamp_at(db: &dyn Db, position: FilePosition) -> Option<StampEdit> {
    let map = &parse(db, position.file).source_map;
    let (Hit::Value { item, at, value }, _) = find(map, position.offset)? else {
        return None;
    };
    let ast = file_ast(db, position.file);
    let syntax = ast.items.get(item)?;
    if at.block.is_some() || at.spec(syntax)?.ty.link().is_none() {
        return None;
    }
    let item_ref = ItemRef {
        file: position.file,
        item: item as u32,
        kind: syntax.kind,
    };
    let range = *map.items[item].fields[at.field].values.get(value)?;
    stamp_value(db, item_ref, &at.field(syntax).values[value], range)
}
