//! The catalogue of items of `ward report`: every item with an ID, its fields and the items
//! that link to it, made one [`ItemEntry`] at a time, as a renderer asks, from the files'
//! syntax trees and the link graph the report keeps. Made all at once, the entries would
//! hold every field of every item a second time (270 MB at 100k items); one at a time, an
//! entry borrows its text from the tree and is gone once it is written.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use ward_syntax::{FileAst, Item, ItemKind, Value};

use super::{ItemLink, anchor};
use crate::diagnostics::FileRange;
use crate::graph::LinkGraph;
use crate::model;
use crate::schema::{self, LinkField};
use crate::{Analysis, Cancellable, FileId, ItemRef, SourceMap};

/// One item of the catalogue, borrowing its text from the item's syntax tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemEntry<'a> {
    pub kind: ItemKind,
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub location: FileRange,
    /// `item-<ID>` for the first definition of an ID; `None` for a duplicate definition.
    pub anchor: Option<Arc<str>>,
    /// Every other field (and the residual block), in source order.
    pub attributes: Vec<Attribute<'a>>,
    /// The items one step down the chain that link here (the threats that target an asset,
    /// the risks that assess a threat, ...), in workspace order; empty for a duplicate.
    pub linked_from: Vec<ItemLink>,
}

impl ItemEntry<'_> {
    /// What [`ItemEntry::linked_from`] means for this kind: the label of the link fields
    /// that name it (`targeted by`, `assessed by`, ...), or `linked from`.
    pub fn linked_from_label(&self) -> String {
        let labels: Vec<String> = LinkField::into_kind(self.kind)
            .map(|via| via.link().down.to_lowercase())
            .collect();
        if labels.is_empty() {
            "linked from".to_owned()
        } else {
            labels.join(", ")
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub name: &'a str,
    pub values: Vec<AttrValue<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue<'a> {
    Text(Cow<'a, str>),
    /// A value of a link field.
    Link(ItemLink),
}

pub(super) struct FileData {
    pub(super) ast: Arc<FileAst>,
    pub(super) map: Arc<SourceMap>,
    /// Where the file stands in the workspace's order (by path), for sorting by place.
    pub(super) position: usize,
}

/// The workspace's items as the report reads them: each file's syntax tree and source map,
/// the link graph, and the link to each of its nodes.
pub struct Catalogue {
    pub(super) files: FxHashMap<FileId, FileData>,
    pub(super) order: Vec<FileId>,
    pub(super) graph: LinkGraph,
    /// The link to each node of `graph`, made once.
    pub(super) node_links: Vec<ItemLink>,
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalogue")
            .field("files", &self.order.len())
            .field("nodes", &self.graph.nodes.len())
            .finish()
    }
}

impl Catalogue {
    pub(super) fn build(analysis: &Analysis) -> Cancellable<Catalogue> {
        let order = analysis.files();
        let mut files = FxHashMap::default();
        for (position, &file) in order.iter().enumerate() {
            let data = FileData {
                ast: analysis.file_ast(file)?,
                map: analysis.source_map(file)?,
                position,
            };
            files.insert(file, data);
        }
        let mut catalogue = Catalogue {
            files,
            order,
            graph: LinkGraph::default(),
            node_links: Vec::new(),
        };
        // The first definition of every ID from one query, sorted by ID and searched in
        // place: a lookup per name would make a memo per name, which costs more than the
        // whole report at 100k items.
        let items = catalogue.all_items();
        catalogue.graph = analysis.with_db(|db| {
            let names = crate::db::all_definitions(db);
            LinkGraph::build(items, |name| {
                let found = names.binary_search_by(|(defined, _)| defined.as_str().cmp(name));
                Ok(found.ok().map(|at| names[at].1))
            })
        })??;
        catalogue.node_links = (catalogue.graph.nodes.iter())
            .map(|node| ItemLink {
                id: Arc::clone(&node.id),
                kind: Some(node.kind),
                title: catalogue.item(node.item).title.as_deref().map(Arc::from),
                anchor: Some(anchor(&node.id).into()),
            })
            .collect();
        Ok(catalogue)
    }

    /// How many entries of `kind` the catalogue has.
    pub fn count(&self, kind: ItemKind) -> usize {
        self.all_items()
            .filter(|(_, item)| item.kind == kind && item.id.is_some())
            .count()
    }

    /// Every entry: kind by kind in the report's order, each kind in workspace order.
    pub fn entries(&self) -> impl Iterator<Item = ItemEntry<'_>> + '_ {
        ItemKind::reported().flat_map(move |kind| self.entries_of(kind))
    }

    /// The entries of one kind, in workspace order.
    pub fn entries_of(&self, kind: ItemKind) -> impl Iterator<Item = ItemEntry<'_>> + '_ {
        self.all_items()
            .filter(move |(_, item)| item.kind == kind)
            .filter_map(|(this, item)| self.entry(this, item))
    }

    fn entry<'a>(&'a self, this: ItemRef, item: &'a Item) -> Option<ItemEntry<'a>> {
        let id = item.id.as_deref()?;
        let mut attributes = Vec::new();
        for field in &item.fields {
            if field.name == schema::shared::DESCRIPTION.name {
                continue;
            }
            let link = item
                .kind
                .field(&field.name)
                .is_some_and(|spec| spec.ty.link().is_some());
            let values = field
                .values
                .iter()
                .map(|value| match value {
                    Value::Ident(name) if link => AttrValue::Link(self.link(name)),
                    other => AttrValue::Text(shown(other)),
                })
                .collect();
            attributes.push(Attribute {
                name: &field.name,
                values,
            });
        }
        for block in &item.blocks {
            let spec = schema::block_spec(&block.kind);
            if spec.named {
                continue;
            }
            let values = block
                .fields
                .iter()
                .map(|field| {
                    let values: Vec<Cow<'_, str>> = field.values.iter().map(shown).collect();
                    AttrValue::Text(Cow::Owned(format!("{}: {}", field.name, values.join(", "))))
                })
                .collect();
            attributes.push(Attribute {
                name: spec.keyword,
                values,
            });
        }
        let anchor = self.link_to(this, id).anchor;
        let mut linked_from = Vec::new();
        // The graph's links down to it: from the first definition of each linking item (a
        // duplicate definition is no node, and its links are not followed).
        if anchor.is_some()
            && let Some(at) = self.graph_node(id)
        {
            for (from, _) in self.graph.down(at) {
                linked_from.push(self.node_link(from));
            }
        }
        Some(ItemEntry {
            kind: item.kind,
            id,
            title: item.title.as_deref(),
            description: model::description(item),
            location: self.item_location(this),
            anchor,
            attributes,
            linked_from,
        })
    }

    pub(super) fn file(&self, file: FileId) -> &FileData {
        &self.files[&file]
    }

    /// A `.ward` file's data; `None` for an input (a test report, an SBOM), which has
    /// diagnostics but no items.
    pub(super) fn ward_file(&self, file: FileId) -> Option<&FileData> {
        self.files.get(&file)
    }

    /// Where a file stands in the workspace's order: the inputs after every `.ward` file.
    pub(super) fn position(&self, file: FileId) -> usize {
        self.ward_file(file)
            .map_or(usize::MAX, |data| data.position)
    }

    pub(super) fn item(&self, item: ItemRef) -> &Item {
        &self.file(item.file).ast.items[item.item as usize]
    }

    pub(super) fn item_location(&self, item: ItemRef) -> FileRange {
        FileRange {
            file: item.file,
            range: self.file(item.file).map.items[item.item as usize].focus(),
        }
    }

    /// Every item in workspace order.
    pub(super) fn all_items(&self) -> impl Iterator<Item = (ItemRef, &Item)> {
        self.order.iter().flat_map(move |&file| {
            self.file(file)
                .ast
                .items
                .iter()
                .enumerate()
                .map(move |(at, item)| {
                    (
                        ItemRef {
                            file,
                            item: at as u32,
                            kind: item.kind,
                        },
                        item,
                    )
                })
        })
    }

    /// A link to the item an ID names (its first definition, a node of the graph), or to
    /// nothing.
    pub(super) fn link(&self, id: &str) -> ItemLink {
        match self.graph_node(id) {
            Some(at) => self.node_link(at),
            None => ItemLink {
                id: id.into(),
                kind: None,
                title: None,
                anchor: None,
            },
        }
    }

    /// The node of an ID in the link graph.
    pub(super) fn graph_node(&self, id: &str) -> Option<usize> {
        self.graph.node_of(id)
    }

    /// The link to a node of the graph (its first definition, so with an anchor).
    pub(super) fn node_link(&self, node: usize) -> ItemLink {
        self.node_links[node].clone()
    }

    /// A link to this very definition (a duplicate definition gets no anchor).
    pub(super) fn link_to(&self, this: ItemRef, id: &str) -> ItemLink {
        let node = self.graph_node(id);
        if let Some(at) = node
            && self.graph.nodes[at].item == this
        {
            return self.node_link(at);
        }
        ItemLink {
            id: id.into(),
            kind: Some(this.kind),
            title: self.item(this).title.as_deref().map(Arc::from),
            anchor: node.is_none().then(|| anchor(id).into()),
        }
    }
}

/// A value as a report shows it.
fn shown(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Ident(word) => Cow::Borrowed(word),
        Value::Stamped(link) => Cow::Borrowed(&link.name),
        Value::Int(Some(n)) => Cow::Owned(n.to_string()),
        Value::Int(None) => Cow::Borrowed("(too large)"),
        Value::Date(date) => Cow::Owned(date.to_string()),
        Value::Str(text) | Value::TextBlock(text) => Cow::Borrowed(text),
    }
}
