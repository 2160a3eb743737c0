//! What the cursor is on: the piece of syntax under an offset ([`Hit`], found through a
//! file's `FileAst` and `SourceMap`) and what it names in the workspace ([`Symbol`]).

use ward_syntax::{BlockKind, Field, FileAst, Item, ItemMap, SourceMap, TextRange};

use crate::db::{Db, ItemRef, SourceFile, lookup_definitions, parse};
use crate::ide::FilePosition;
use crate::plan::{approvals, plan};
use crate::schema::{self, FieldSpec, FieldType, Rule};

/// A field of an item, either directly in its body or inside one of its blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FieldAt {
    pub block: Option<usize>,
    pub field: usize,
}

impl FieldAt {
    pub fn field(self, item: &Item) -> &Field {
        match self.block {
            Some(block) => &item.blocks[block].fields[self.field],
            None => &item.fields[self.field],
        }
    }

    /// The schema of the field, if the item (or block) has a field of that name.
    pub fn spec(self, item: &Item) -> Option<&'static FieldSpec> {
        let name = &self.field(item).name;
        specs_for(item, self.block)
            .iter()
            .find(|spec| spec.name == *name)
    }
}

/// The fields an item may have directly (`block: None`) or inside one of its blocks.
pub(crate) fn specs_for(item: &Item, block: Option<usize>) -> &'static [FieldSpec] {
    schema::fields_of(item.kind, block.map(|block| &item.blocks[block].kind))
}

/// The piece of syntax under an offset, by index into the file's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hit {
    /// The item keyword (`risk`, `plan`, ...).
    ItemKeyword {
        item: usize,
    },
    /// An item's ID where it is defined.
    Id {
        item: usize,
    },
    Title {
        item: usize,
    },
    /// `residual` or `gate`.
    BlockKeyword {
        item: usize,
        block: usize,
    },
    /// The phase name of a gate.
    GateName {
        item: usize,
        block: usize,
    },
    FieldName {
        item: usize,
        at: FieldAt,
    },
    Value {
        item: usize,
        at: FieldAt,
        value: usize,
    },
}

impl Hit {
    pub fn item(self) -> usize {
        match self {
            Hit::ItemKeyword { item }
            | Hit::Id { item }
            | Hit::Title { item }
            | Hit::BlockKeyword { item, .. }
            | Hit::GateName { item, .. }
            | Hit::FieldName { item, .. }
            | Hit::Value { item, .. } => item,
        }
    }
}

/// The syntax under `offset`, with its range. A range that contains the offset wins over
/// one that only ends there, so that between `A1,B1` the cursor is on `B1`, and just after
/// `A1` it is still on `A1`.
pub(crate) fn find(map: &SourceMap, offset: usize) -> Option<(Hit, TextRange)> {
    let mut touching = None;
    let first = map
        .items
        .partition_point(|item| (item.range.end as usize) < offset);
    for (at, item) in map.items.iter().enumerate().skip(first) {
        if item.range.start as usize > offset {
            break;
        }
        for (hit, range) in parts(at, item) {
            if range.contains(offset) {
                return Some((hit, range));
            }
            if touching.is_none() && range.touches(offset) {
                touching = Some((hit, range));
            }
        }
    }
    touching
}

/// Every located part of an item, in no particular order.
fn parts(at: usize, item: &ItemMap) -> impl Iterator<Item = (Hit, TextRange)> + '_ {
    let header = [
        Some((Hit::ItemKeyword { item: at }, item.keyword)),
        item.id.map(|id| (Hit::Id { item: at }, id)),
        item.title.map(|title| (Hit::Title { item: at }, title)),
    ];
    let item_fields = fields(at, None, &item.fields);
    let blocks = item
        .blocks
        .iter()
        .enumerate()
        .flat_map(move |(block_at, block)| {
            let keyword = (
                Hit::BlockKeyword {
                    item: at,
                    block: block_at,
                },
                block.keyword,
            );
            let name = block.name.map(|name| {
                (
                    Hit::GateName {
                        item: at,
                        block: block_at,
                    },
                    name,
                )
            });
            std::iter::once(keyword)
                .chain(name)
                .chain(fields(at, Some(block_at), &block.fields))
        });
    header
        .into_iter()
        .flatten()
        .chain(item_fields)
        .chain(blocks)
}

fn fields(
    at: usize,
    block: Option<usize>,
    fields: &[ward_syntax::FieldMap],
) -> impl Iterator<Item = (Hit, TextRange)> + '_ {
    fields
        .iter()
        .enumerate()
        .flat_map(move |(field_at, field)| {
            let field_at = FieldAt {
                block,
                field: field_at,
            };
            let name = (
                Hit::FieldName {
                    item: at,
                    at: field_at,
                },
                field.name,
            );
            let values = field.values.iter().enumerate().map(move |(value, &range)| {
                (
                    Hit::Value {
                        item: at,
                        at: field_at,
                        value,
                    },
                    range,
                )
            });
            std::iter::once(name).chain(values)
        })
}

/// Something with a name that the cursor can be on: an item (at its ID or in a link), a
/// phase (in the plan's `phases:`, its `phase:` or a gate's name), or a gate rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Symbol {
    Item {
        name: String,
        /// The range of the name under the cursor.
        range: TextRange,
        /// The item designated: the item itself at a definition, else the definition
        /// references resolve to; `None` for a link that names no item.
        def: Option<ItemRef>,
        /// Whether the cursor is on the definition's ID.
        at_definition: bool,
    },
    Phase {
        name: String,
        range: TextRange,
    },
    Rule {
        rule: Rule,
        range: TextRange,
    },
}

impl Symbol {
    pub fn name(&self) -> &str {
        match self {
            Symbol::Item { name, .. } | Symbol::Phase { name, .. } => name,
            Symbol::Rule { rule, .. } => rule.name(),
        }
    }

    pub fn range(&self) -> TextRange {
        match self {
            Symbol::Item { range, .. }
            | Symbol::Phase { range, .. }
            | Symbol::Rule { range, .. } => *range,
        }
    }
}

/// The syntax under a position, with the file's lowered syntax.
pub(crate) struct AtCursor<'db> {
    pub ast: &'db FileAst,
    pub hit: Hit,
    pub range: TextRange,
}

impl AtCursor<'_> {
    pub fn item(&self) -> &Item {
        &self.ast.items[self.hit.item()]
    }
}

pub(crate) fn at_cursor(db: &dyn Db, position: FilePosition) -> Option<AtCursor<'_>> {
    let parsed = parse(db, position.file);
    let (hit, range) = find(&parsed.source_map, position.offset)?;
    Some(AtCursor {
        ast: &parsed.ast,
        hit,
        range,
    })
}

/// What the cursor's syntax names, if anything.
pub(crate) fn symbol_at(db: &dyn Db, position: FilePosition) -> Option<Symbol> {
    let cursor = at_cursor(db, position)?;
    classify(db, position.file, &cursor)
}

pub(crate) fn classify(db: &dyn Db, file: SourceFile, cursor: &AtCursor<'_>) -> Option<Symbol> {
    let item = cursor.item();
    let range = cursor.range;
    match cursor.hit {
        Hit::Id { item: at } => Some(Symbol::Item {
            name: item.id.clone()?,
            range,
            def: Some(ItemRef {
                file,
                item: at as u32,
                kind: item.kind,
            }),
            at_definition: true,
        }),
        Hit::GateName { block, .. } => match &item.blocks[block].kind {
            BlockKind::Gate(Some(name)) => Some(Symbol::Phase {
                name: name.clone(),
                range,
            }),
            _ => None,
        },
        Hit::Value { at, value, .. } => {
            let name = at.field(item).values[value].as_link()?.to_owned();
            match at.spec(item)?.ty {
                FieldType::Link(_) => {
                    let def = lookup_definitions(db, &name).first().copied();
                    Some(Symbol::Item {
                        name,
                        range,
                        def,
                        at_definition: false,
                    })
                }
                // The plan's phases, and the gate an approval signs.
                FieldType::Name | FieldType::Names => Some(Symbol::Phase { name, range }),
                FieldType::Rules => Some(Symbol::Rule {
                    rule: Rule::from_name(&name)?,
                    range,
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The range of an item's ID (or keyword) and of the whole item.
pub(crate) fn item_ranges(db: &dyn Db, item: ItemRef) -> (TextRange, TextRange) {
    let map = &parse(db, item.file).source_map.items[item.item as usize];
    (map.range, map.focus())
}

/// The plan item's `phases:` entry for a phase: where the phase is defined.
pub(crate) fn phase_definition(db: &dyn Db, name: &str) -> Option<(SourceFile, TextRange)> {
    phase_occurrences(db, name)
        .into_iter()
        .find(|(_, _, is_definition)| *is_definition)
        .map(|(file, range, _)| (file, range))
}

/// Every place of the workspace's plan that names a phase: its entry in `phases:` (the
/// definition), the `phase:` field and the gate's name, in text order.
pub(crate) fn phase_occurrences(db: &dyn Db, name: &str) -> Vec<(SourceFile, TextRange, bool)> {
    let Some(plan_item) = plan(db).item else {
        return Vec::new();
    };
    let parsed = parse(db, plan_item.file);
    let item = &parsed.ast.items[plan_item.item as usize];
    let map = &parsed.source_map.items[plan_item.item as usize];
    let mut found = Vec::new();
    for (field, field_map) in item.fields.iter().zip(&map.fields) {
        let is_definition = match field.name.as_str() {
            name if name == schema::plan::PHASES.name => true,
            name if name == schema::plan::PHASE.name => false,
            _ => continue,
        };
        for (value, &range) in field.values.iter().zip(&field_map.values) {
            if value.as_link() == Some(name) {
                found.push((plan_item.file, range, is_definition));
            }
        }
    }
    for (block, block_map) in item.blocks.iter().zip(&map.blocks) {
        if let (BlockKind::Gate(Some(phase)), Some(range)) = (&block.kind, block_map.name)
            && phase == name
        {
            found.push((plan_item.file, range, false));
        }
    }
    found.sort_by_key(|(_, range, _)| range.start);
    // The approvals that sign this phase's gate, in workspace order.
    for approval in approvals(db).iter().filter(|a| a.phase == name) {
        let map = &parse(db, approval.item.file).source_map;
        let (field, value) = approval.at;
        if let Some(&range) = map.items[approval.item.item as usize]
            .fields
            .get(field as usize)
            .and_then(|field| field.values.get(value as usize))
        {
            found.push((approval.item.file, range, false));
        }
    }
    found
}

/// Whether `name` is a valid ID (and phase name): a letter, then letters, digits, `_`, `-`
/// or `.`.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(is_name_char)
}

pub(crate) fn is_name_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.')
}
