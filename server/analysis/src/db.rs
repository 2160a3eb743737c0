//! The salsa database: inputs (files, workspace) and the tracked queries between the
//! syntax and the checks.
//!
//! The chain is: `parse` (positions, no `Eq`) → `file_ast` and `file_symbols` (position-free,
//! `Eq`, so they backdate when an edit only moves text) → `index` (every ID of the workspace) →
//! `name_info` (one name: its definitions and referrers; the firewall that keeps a change to
//! one item from re-running the checks of files that do not mention it) → `check_file`
//! (position-free findings) → `file_diagnostics` (findings placed through the source maps).

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use ward_syntax::{FileAst, ItemKind, LineIndex, SourceMap, SyntaxError, Value};

use crate::schema;

#[salsa::db]
pub trait Db: salsa::Database {
    /// The one workspace of this database.
    fn workspace(&self) -> Workspace;
}

/// The database behind [`crate::AnalysisHost`]. Cloning it makes a snapshot.
#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    workspace: Option<Workspace>,
}

impl RootDatabase {
    pub fn new(event_sink: Option<Box<dyn Fn(salsa::Event) + Send + Sync + 'static>>) -> Self {
        let mut db = RootDatabase {
            storage: salsa::Storage::new(event_sink),
            workspace: None,
        };
        let workspace = Workspace::new(&db, Vec::new(), None, 0);
        db.workspace = Some(workspace);
        db
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl Db for RootDatabase {
    fn workspace(&self) -> Workspace {
        self.workspace.expect("set in RootDatabase::new")
    }
}

/// One `.ward` file. `tree` is the language server's incrementally parsed tree of an open
/// document; files read from disk leave it empty and are parsed on demand.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: PathBuf,
    #[returns(ref)]
    pub text: Arc<str>,
    #[returns(ref)]
    pub tree: Option<tree_sitter::Tree>,
}

// Ordered by creation, which is all the sorting of diagnostics and references needs: output
// sorts by path where order is visible.
impl PartialOrd for SourceFile {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SourceFile {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use salsa::plumbing::AsId;
        self.as_id().cmp(&other.as_id())
    }
}

#[salsa::input]
pub struct Workspace {
    /// Every file of the workspace, sorted by path.
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// `--gate <phase>`: check as if the gates up to this phase had been passed.
    #[returns(ref)]
    pub gate_override: Option<String>,
    /// Bumped when files other than `.ward` files may have changed (evidence).
    #[returns(copy)]
    pub fs_generation: u64,
}

#[salsa::interned]
pub struct Name<'db> {
    #[returns(ref)]
    pub text: String,
}

/// The lowered syntax of a file.
#[derive(Debug)]
pub struct ParsedFile {
    pub ast: Arc<FileAst>,
    pub source_map: SourceMap,
    pub errors: Vec<SyntaxError>,
}

#[salsa::tracked(returns(ref), no_eq)]
pub fn parse(db: &dyn Db, file: SourceFile) -> ParsedFile {
    let text = file.text(db);
    let parse = match file.tree(db) {
        Some(tree) => ward_syntax::lower(tree, text),
        None => ward_syntax::parse(text),
    };
    ParsedFile {
        ast: Arc::new(parse.ast),
        source_map: parse.source_map,
        errors: parse.errors,
    }
}

#[salsa::tracked(returns(ref), no_eq)]
pub fn line_index(db: &dyn Db, file: SourceFile) -> LineIndex {
    LineIndex::new(file.text(db))
}

/// What the file means, without positions: unchanged by edits that only move text.
#[salsa::tracked(returns(clone))]
pub fn file_ast(db: &dyn Db, file: SourceFile) -> Arc<FileAst> {
    parse(db, file).ast.clone()
}

/// The IDs a file defines and the names it links to, in item order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSymbols {
    pub items: Vec<ItemSymbols>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSymbols {
    pub kind: ItemKind,
    pub id: Option<String>,
    /// The names in the kind's link field.
    pub links: Vec<String>,
}

/// The part of a file the cross-file index needs: unchanged by edits to titles, descriptions
/// and other fields, so those never rebuild the index.
#[salsa::tracked(returns(clone))]
pub fn file_symbols(db: &dyn Db, file: SourceFile) -> Arc<FileSymbols> {
    let ast = file_ast(db, file);
    let items = ast
        .items
        .iter()
        .map(|item| {
            let links = schema::link_field(item.kind)
                .and_then(|(name, _)| item.field(name))
                .map(|field| {
                    field
                        .values
                        .iter()
                        .filter_map(Value::as_ident)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            ItemSymbols {
                kind: item.kind,
                id: item.id.clone(),
                links,
            }
        })
        .collect();
    Arc::new(FileSymbols { items })
}

/// An item of the workspace: its file and its index in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemRef {
    pub file: SourceFile,
    pub item: u32,
    pub kind: ItemKind,
}

/// The definitions of a name and the items whose link field names it, in workspace order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameInfo {
    pub defs: Vec<ItemRef>,
    pub referrers: Vec<ItemRef>,
}

impl NameInfo {
    /// The definition references resolve to: the first in workspace order.
    pub fn def(&self) -> Option<ItemRef> {
        self.defs.first().copied()
    }

    /// Whether an item of the kind one step down the chain links here.
    pub fn has_referrer(&self, kind: ItemKind) -> bool {
        self.referrers.iter().any(|referrer| referrer.kind == kind)
    }
}

/// Every ID of the workspace.
#[derive(Debug, Default)]
pub struct Index {
    pub names: FxHashMap<String, NameInfo>,
    /// Every plan, in workspace order.
    pub plans: Vec<ItemRef>,
}

#[salsa::tracked(returns(ref), no_eq)]
pub fn index(db: &dyn Db) -> Index {
    let mut index = Index::default();
    for &file in db.workspace().files(db) {
        let symbols = file_symbols(db, file);
        for (at, item) in symbols.items.iter().enumerate() {
            let this = ItemRef {
                file,
                item: at as u32,
                kind: item.kind,
            };
            if item.kind == ItemKind::Plan {
                index.plans.push(this);
            }
            if let Some(id) = &item.id {
                index.names.entry(id.clone()).or_default().defs.push(this);
            }
            for link in &item.links {
                let referrers = &mut index.names.entry(link.clone()).or_default().referrers;
                // A name listed twice by one item refers once.
                if referrers.last() != Some(&this) {
                    referrers.push(this);
                }
            }
        }
    }
    index
}

/// The definitions of one name. Link resolution depends on this alone, so a file that links
/// to `T1` is not re-checked when another item starts linking to `T1` too.
#[salsa::tracked(returns(ref))]
pub fn definitions<'db>(db: &'db dyn Db, name: Name<'db>) -> Vec<ItemRef> {
    index(db)
        .names
        .get(name.text(db))
        .map(|info| info.defs.clone())
        .unwrap_or_default()
}

/// The items whose link field names one name.
#[salsa::tracked(returns(ref))]
pub fn referrers<'db>(db: &'db dyn Db, name: Name<'db>) -> Vec<ItemRef> {
    index(db)
        .names
        .get(name.text(db))
        .map(|info| info.referrers.clone())
        .unwrap_or_default()
}

/// The definitions of a name, through its own query.
pub fn lookup_definitions<'db>(db: &'db dyn Db, name: &str) -> &'db [ItemRef] {
    definitions(db, Name::new(db, name.to_owned()))
}

/// The referrers of a name, through its own query.
pub fn lookup_referrers<'db>(db: &'db dyn Db, name: &str) -> &'db [ItemRef] {
    referrers(db, Name::new(db, name.to_owned()))
}

/// Definitions and referrers of a name.
pub fn lookup(db: &dyn Db, name: &str) -> NameInfo {
    let name = Name::new(db, name.to_owned());
    NameInfo {
        defs: definitions(db, name).clone(),
        referrers: referrers(db, name).clone(),
    }
}
