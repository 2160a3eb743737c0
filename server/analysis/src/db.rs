//! The salsa database: inputs (files, workspace) and the tracked queries between the
//! syntax and the checks.
//!
//! The chain is: `parse` (positions, no `Eq`) → `file_ast` (position-free, `Eq`, so it backdates
//! when an edit only moves text) → `file_ids` and `file_links` (which backdate when only
//! other fields, or only links, or only IDs change) → the index, in shards of consecutive files
//! (`shard_definitions` and `shard_referrers`, so an edit rebuilds one shard) →
//! `definitions` and `referrers` of one name (the firewall that keeps a change to one item
//! from re-running the checks of files that do not mention it) → `check_file`
//! (position-free findings) → `file_diagnostics` (findings placed through the source maps).

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use ward_syntax::{FileAst, ItemKind, LineIndex, SourceMap, SyntaxError, Value};

use crate::schema::LinkField;

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
        // A host made without a day is a host of today; front ends set it (`--today`).
        let workspace = Workspace::new(
            &db,
            Vec::new(),
            Vec::new(),
            None,
            0,
            crate::dates::today_utc(),
            Vec::new(),
        );
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

/// One file the analysis reads: a `.ward` file, or an external input (a test report). `tree`
/// is the language server's incrementally parsed tree of an open `.ward` document; files read
/// from disk leave it empty and are parsed on demand. Inputs are never parsed as `.ward`
/// text: only their kind's own queries (`crate::inputs`) read them.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: PathBuf,
    #[returns(ref)]
    pub text: Arc<str>,
    #[returns(ref)]
    pub tree: Option<tree_sitter::Tree>,
    #[returns(copy)]
    pub kind: FileKind,
}

/// What a [`SourceFile`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Ward,
    Input(crate::inputs::InputKind),
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
    /// Every `.ward` file of the workspace, sorted by path.
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// The external input files (test reports), sorted by path: each a [`SourceFile`] of
    /// kind [`FileKind::Input`].
    #[returns(ref)]
    pub inputs: Vec<SourceFile>,
    /// `--gate <phase>`: check as if the gates up to this phase had been passed.
    #[returns(ref)]
    pub gate_override: Option<String>,
    /// Bumped when files other than `.ward` files may have changed (evidence).
    #[returns(copy)]
    pub fs_generation: u64,
    /// The day dates are compared with: an input, so that a new day (or `--today`)
    /// re-runs exactly the checks that read it.
    #[returns(copy)]
    pub today: crate::dates::Date,
    /// The folders of the workspace (`ward check`'s folders, the editor's workspace
    /// folders): evidence must lie inside one of them. A file inside none of them (an
    /// editor's lone file) has its own folder instead.
    #[returns(ref)]
    pub roots: Vec<PathBuf>,
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
    /// Shared, so that the report can keep every file's map without a copy.
    pub source_map: Arc<SourceMap>,
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
        source_map: Arc::new(parse.source_map),
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

/// An item of the workspace: its file and its index in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemRef {
    pub file: SourceFile,
    pub item: u32,
    pub kind: ItemKind,
}

/// An item whose link field names an item, and that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Referrer {
    pub item: ItemRef,
    pub via: LinkField,
}

/// The definitions of a name and the items whose link fields name it, in workspace order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameInfo {
    pub defs: Vec<ItemRef>,
    pub referrers: Vec<Referrer>,
}

impl NameInfo {
    /// The definition references resolve to: the first in workspace order.
    pub fn def(&self) -> Option<ItemRef> {
        self.defs.first().copied()
    }

    /// Whether an item links here through `via`.
    pub fn has_referrer(&self, via: LinkField) -> bool {
        self.referrers.iter().any(|referrer| referrer.via == via)
    }
}

/// The IDs a file defines, with their kinds, in item order: unchanged by edits to links, so
/// those never rebuild the definitions side of the index.
#[salsa::tracked(returns(clone))]
pub fn file_ids(db: &dyn Db, file: SourceFile) -> Arc<Vec<(ItemKind, Option<Arc<str>>)>> {
    let ast = file_ast(db, file);
    Arc::new(
        ast.items
            .iter()
            .map(|item| (item.kind, item.id.as_deref().map(Arc::from)))
            .collect(),
    )
}

/// An item's kind and the names in its link fields, each with the field.
pub type ItemLinks = (ItemKind, Vec<(LinkField, Arc<str>)>);

/// Each item's kind and the names in its link fields, each with the field, in item order:
/// unchanged by edits to IDs, so those never rebuild the referrers side of the index.
#[salsa::tracked(returns(clone))]
pub fn file_links(db: &dyn Db, file: SourceFile) -> Arc<Vec<ItemLinks>> {
    let ast = file_ast(db, file);
    let links = ast
        .items
        .iter()
        .map(|item| {
            let mut names = Vec::new();
            for (at, spec) in item.kind.fields().iter().enumerate() {
                if spec.ty.link().is_none() {
                    continue;
                }
                let Some(field) = item.field(spec.name) else {
                    continue;
                };
                let via = LinkField {
                    kind: item.kind,
                    field: at as u8,
                };
                names.reserve_exact(field.values.len());
                for name in field.values.iter().filter_map(Value::as_link) {
                    names.push((via, Arc::from(name)));
                }
            }
            (item.kind, names)
        })
        .collect();
    Arc::new(links)
}

// The cross-file index is cut into shards of consecutive files, each its own query: an edit
// rebuilds the shard of its file only, and a name is looked up in every shard. Shards of
// consecutive files keep workspace order without sorting: shard by shard, file by file.

/// How many shards `files` files are cut into: enough that one shard is cheap to rebuild,
/// few enough that looking a name up in all of them stays cheap.
fn shard_count(files: usize) -> usize {
    files.div_ceil(8).clamp(1, 32)
}

/// Never collected (`revisions = usize::MAX`): there are at most 32, and a
/// collectable interned value is a dependency of every query that reads it. The first
/// shards interned inside a query (the plan's, read for its report globs before the index
/// is primed) made them collectable, and every file's `file_names` then had 32 more
/// dependencies to verify after each keystroke.
#[salsa::interned(revisions = usize::MAX)]
struct Shard<'db> {
    #[returns(copy)]
    index: u32,
}

fn shards(db: &dyn Db) -> impl Iterator<Item = Shard<'_>> {
    let count = shard_count(db.workspace().files(db).len());
    (0..count as u32).map(move |index| Shard::new(db, index))
}

fn shard_files<'db>(db: &'db dyn Db, shard: Shard<'_>) -> &'db [SourceFile] {
    let files = db.workspace().files(db);
    let count = shard_count(files.len());
    let index = shard.index(db) as usize;
    &files[files.len() * index / count..files.len() * (index + 1) / count]
}

/// How many shards the index has now.
pub fn shard_total(db: &dyn Db) -> u32 {
    shard_count(db.workspace().files(db).len()) as u32
}

/// Builds both sides of one shard of the index, so that shards can be built in parallel.
pub fn build_shard(db: &dyn Db, index: u32) {
    let shard = Shard::new(db, index);
    shard_definitions(db, shard);
    shard_referrers(db, shard);
}

/// Items by name within one shard, with a one-bit-per-hash filter in front: a name is
/// looked up in every shard, and most shards do not have it, so most lookups stop at a bit.
#[derive(Debug, PartialEq, Eq)]
struct ShardNames<T> {
    map: FxHashMap<Arc<str>, Vec<T>>,
    filter: Box<[u64]>,
}

const FILTER_BITS: u32 = 16;

/// A name's hash, computed once for its lookups in every shard.
fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    name.hash(&mut hasher);
    hasher.finish()
}

impl<T> Default for ShardNames<T> {
    fn default() -> Self {
        ShardNames {
            map: FxHashMap::default(),
            filter: vec![0; 1 << (FILTER_BITS - 6)].into_boxed_slice(),
        }
    }
}

impl<T> ShardNames<T> {
    fn bit(hash: u64) -> (usize, u64) {
        // The high bits: FxHash mixes them best.
        let bit = (hash >> (64 - FILTER_BITS)) as usize;
        (bit / 64, 1 << (bit % 64))
    }

    fn entry(&mut self, name: &Arc<str>) -> &mut Vec<T> {
        let (word, mask) = Self::bit(name_hash(name));
        self.filter[word] |= mask;
        // Keys share the names of `file_ids` and `file_links`.
        self.map.entry(name.clone()).or_default()
    }

    fn get(&self, name: &str, hash: u64) -> Option<&Vec<T>> {
        let (word, mask) = Self::bit(hash);
        if self.filter[word] & mask == 0 {
            return None;
        }
        self.map.get(name)
    }
}

/// The definitions in one shard's files, its plans, and its files that hold approvals or
/// controls, in workspace order.
#[derive(Debug, Default, PartialEq, Eq)]
struct ShardDefinitions {
    names: ShardNames<ItemRef>,
    plans: Vec<ItemRef>,
    approval_files: Vec<SourceFile>,
    control_files: Vec<SourceFile>,
}

#[salsa::tracked(returns(ref))]
fn shard_definitions<'db>(db: &'db dyn Db, shard: Shard<'db>) -> ShardDefinitions {
    let mut found = ShardDefinitions::default();
    for &file in shard_files(db, shard) {
        for (at, (kind, id)) in file_ids(db, file).iter().enumerate() {
            let this = ItemRef {
                file,
                item: at as u32,
                kind: *kind,
            };
            let files = match kind {
                ItemKind::Plan => {
                    found.plans.push(this);
                    None
                }
                ItemKind::Approval => Some(&mut found.approval_files),
                ItemKind::Control => Some(&mut found.control_files),
                _ => None,
            };
            if let Some(files) = files
                && files.last() != Some(&file)
            {
                files.push(file);
            }
            if let Some(id) = id {
                found.names.entry(id).push(this);
            }
        }
    }
    found
}

/// For each name linked to from one shard's files, the items that link to it.
#[salsa::tracked(returns(ref))]
fn shard_referrers<'db>(db: &'db dyn Db, shard: Shard<'db>) -> ShardNames<Referrer> {
    let mut found = ShardNames::default();
    for &file in shard_files(db, shard) {
        for (at, (kind, links)) in file_links(db, file).iter().enumerate() {
            let this = ItemRef {
                file,
                item: at as u32,
                kind: *kind,
            };
            for (via, link) in links {
                let this = Referrer {
                    item: this,
                    via: *via,
                };
                let referrers = found.entry(link);
                // A name listed twice by one item refers once.
                if referrers.last() != Some(&this) {
                    referrers.push(this);
                }
            }
        }
    }
    found
}

/// Every plan of the workspace, in workspace order.
#[salsa::tracked(returns(ref))]
pub fn plans(db: &dyn Db) -> Vec<ItemRef> {
    shards(db)
        .flat_map(|shard| shard_definitions(db, shard).plans.iter().copied())
        .collect()
}

/// The files that hold an approval, in workspace order: what the workspace's approvals
/// are gathered from, so that an edit elsewhere verifies no per-file query of the other
/// files for them (with one per file of the workspace, every keystroke verified 1,000 of
/// them at 100k items).
pub fn approval_files(db: &dyn Db) -> impl Iterator<Item = SourceFile> + '_ {
    shards(db).flat_map(|shard| shard_definitions(db, shard).approval_files.iter().copied())
}

/// The files that hold a control, in workspace order, for the categories they name.
pub fn control_files(db: &dyn Db) -> impl Iterator<Item = SourceFile> + '_ {
    shards(db).flat_map(|shard| shard_definitions(db, shard).control_files.iter().copied())
}

/// Every defined ID with its first definition, sorted by ID: what completion, workspace
/// symbols and "did you mean" search. Unchanged by edits to links.
#[salsa::tracked(returns(ref))]
pub fn all_definitions(db: &dyn Db) -> Vec<(String, ItemRef)> {
    let mut first: FxHashMap<&str, ItemRef> = FxHashMap::default();
    let shards: Vec<Shard<'_>> = shards(db).collect();
    for &shard in &shards {
        for (name, defs) in &shard_definitions(db, shard).names.map {
            // Shards come in workspace order, so the first seen is the first defined.
            first.entry(&**name).or_insert(defs[0]);
        }
    }
    let mut all: Vec<(String, ItemRef)> = first
        .into_iter()
        .map(|(name, def)| (name.to_owned(), def))
        .collect();
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    all
}

/// What one file's checks need from the index: the first definition of each name it defines
/// or links to, and the referrers of each ID it defines. The checks read this and nothing
/// else of the index, so a file is re-checked only when one of these changes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FileNames {
    first_defs: FxHashMap<Arc<str>, ItemRef>,
    referrers: FxHashMap<Arc<str>, Vec<Referrer>>,
}

impl FileNames {
    /// The definition a name resolves to.
    pub fn def(&self, name: &str) -> Option<ItemRef> {
        self.first_defs.get(name).copied()
    }

    /// The items linking to one of the file's own IDs.
    pub fn referrers(&self, id: &str) -> &[Referrer] {
        self.referrers.get(id).map_or(&[], Vec::as_slice)
    }
}

#[salsa::tracked(returns(ref))]
pub fn file_names(db: &dyn Db, file: SourceFile) -> FileNames {
    let shards: Vec<Shard<'_>> = shards(db).collect();
    let definitions: Vec<&ShardDefinitions> = shards
        .iter()
        .map(|&shard| shard_definitions(db, shard))
        .collect();
    let referrers: Vec<&ShardNames<Referrer>> = shards
        .iter()
        .map(|&shard| shard_referrers(db, shard))
        .collect();
    let first_def = |name: &str, hash: u64| {
        definitions
            .iter()
            .find_map(|shard| shard.names.get(name, hash).map(|defs| defs[0]))
    };
    let mut names = FileNames::default();
    for id in file_ids(db, file).iter().filter_map(|(_, id)| id.as_ref()) {
        let hash = name_hash(id);
        if let Some(def) = first_def(id, hash) {
            names.first_defs.insert(id.clone(), def);
        }
        let mut found = Vec::new();
        for shard in &referrers {
            if let Some(items) = shard.get(id, hash) {
                found.extend_from_slice(items);
            }
        }
        names.referrers.insert(id.clone(), found);
    }
    for (_, name) in file_links(db, file).iter().flat_map(|(_, links)| links) {
        if !names.first_defs.contains_key(name)
            && let Some(def) = first_def(name, name_hash(name))
        {
            names.first_defs.insert(name.clone(), def);
        }
    }
    names
}

/// The definitions of one name. Link resolution depends on this alone, so a file that links
/// to `T1` is not re-checked when another item starts linking to `T1` too.
#[salsa::tracked(returns(ref))]
pub fn definitions<'db>(db: &'db dyn Db, name: Name<'db>) -> Vec<ItemRef> {
    let text = name.text(db);
    let hash = name_hash(text);
    let mut defs = Vec::new();
    for shard in shards(db) {
        if let Some(found) = shard_definitions(db, shard).names.get(text, hash) {
            defs.extend_from_slice(found);
        }
    }
    defs
}

/// The items whose link field names one name.
#[salsa::tracked(returns(ref))]
pub fn referrers<'db>(db: &'db dyn Db, name: Name<'db>) -> Vec<Referrer> {
    let text = name.text(db);
    let hash = name_hash(text);
    let mut referrers = Vec::new();
    for shard in shards(db) {
        if let Some(found) = shard_referrers(db, shard).get(text, hash) {
            referrers.extend_from_slice(found);
        }
    }
    referrers
}

/// The definitions of a name, through its own query.
pub fn lookup_definitions<'db>(db: &'db dyn Db, name: &str) -> &'db [ItemRef] {
    definitions(db, Name::new(db, name.to_owned()))
}

/// The referrers of a name, through its own query.
pub fn lookup_referrers<'db>(db: &'db dyn Db, name: &str) -> &'db [Referrer] {
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

#[cfg(test)]
mod tests {
    use super::{ShardNames, name_hash};

    /// The filter may let a missing name through to the map, never stop a present one.
    #[test]
    fn shard_names_find_every_name_they_hold_and_no_other() {
        let mut names = ShardNames::<()>::default();
        for at in 0..5_000 {
            names.entry(&std::sync::Arc::from(format!("R-{at:05}")));
        }
        for at in 0..5_000 {
            let name = format!("R-{at:05}");
            assert!(names.get(&name, name_hash(&name)).is_some(), "{name}");
        }
        for at in 5_000..10_000 {
            let name = format!("R-{at:05}");
            assert!(names.get(&name, name_hash(&name)).is_none(), "{name}");
        }
    }
}
