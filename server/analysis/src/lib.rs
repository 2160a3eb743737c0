//! Ward's analysis: the incremental model of a workspace on salsa, every check, and the
//! editor-neutral answers the CLI, the language server and the reports are built from.
//!
//! [`AnalysisHost`] is the one writer: it sets file texts. [`Analysis`] is a snapshot that
//! answers queries; a write cancels every snapshot's running query, which then returns
//! [`Cancelled`]. Everything is in byte offsets ([`TextRange`]); nothing here knows LSP.

mod checks;
pub mod dates;
mod db;
mod diagnostics;
pub mod fingerprint;
pub mod graph;
pub mod ide;
pub mod inputs;
mod junit;
mod locate;
pub mod model;
mod plan;
pub mod report;
pub mod sbom;
pub mod schema;
mod suggest;
pub mod supply;
mod supply_chain;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use salsa::Setter;

pub use dates::Date;
pub use db::{ItemRef, NameInfo, Referrer, SourceFile as FileId};
pub use diagnostics::{Code, DefaultLevel, Diagnostic, FileRange, Related, Severity, Waived};
pub use ide::FilePosition;
pub use inputs::{InputKind, InputSource};
pub use plan::{Gate, GateRule, GateStatus, Grade, Plan};
pub use salsa::Cancelled;
/// The formatter (`ward fmt`, LSP formatting): byte edits of a file's text.
pub use ward_syntax::format;
pub use ward_syntax::{
    FileAst, Item, ItemKind, LineCol, LineIndex, PositionEncoding, SourceMap, SyntaxError,
    TextEdit, TextRange, Value,
};

use db::{Db, FileKind, RootDatabase, SourceFile};

/// A query's answer, or [`Cancelled`] when a write overtook it.
pub type Cancellable<T> = Result<T, Cancelled>;

/// Receives salsa's events; tests use it to see which queries ran.
pub type EventSink = Box<dyn Fn(salsa::Event) + Send + Sync + 'static>;

/// The writer side of the analysis.
pub struct AnalysisHost {
    db: RootDatabase,
    files: FxHashMap<PathBuf, SourceFile>,
    /// The external input files ever set, by path (see [`AnalysisHost::set_inputs`]).
    inputs: FxHashMap<PathBuf, SourceFile>,
}

impl Default for AnalysisHost {
    fn default() -> Self {
        AnalysisHost::new()
    }
}

impl AnalysisHost {
    pub fn new() -> AnalysisHost {
        AnalysisHost {
            db: RootDatabase::new(None),
            files: FxHashMap::default(),
            inputs: FxHashMap::default(),
        }
    }

    /// A host whose database reports every salsa event to `sink`.
    pub fn with_event_sink(sink: EventSink) -> AnalysisHost {
        AnalysisHost {
            db: RootDatabase::new(Some(sink)),
            files: FxHashMap::default(),
            inputs: FxHashMap::default(),
        }
    }

    /// Sets the text of a file, adding it to the workspace if new: a file as read from
    /// disk, parsed when a query needs it.
    pub fn set_file(&mut self, path: &Path, text: Arc<str>) -> FileId {
        self.set_text_and_tree(path, text, None)
    }

    /// Sets the text of a file the user edits, and keeps its tree-sitter tree from now on,
    /// so that each [`AnalysisHost::edit_file`] reparses incrementally.
    pub fn open_file(&mut self, path: &Path, text: Arc<str>) -> FileId {
        let tree = ward_syntax::parse_tree(&text, None);
        self.set_text_and_tree(path, text, Some(tree))
    }

    /// Applies text edits to a file, in order, and reparses it once: incrementally when it
    /// was opened with [`AnalysisHost::open_file`]. `None` when the file is not known.
    pub fn edit_file(&mut self, path: &Path, edits: &[TextEdit]) -> Option<FileId> {
        let file = *self.files.get(path)?;
        let (text, tree) =
            ward_syntax::apply_edits(file.text(&self.db), file.tree(&self.db).as_ref(), edits);
        Some(self.set_text_and_tree(path, Arc::from(text), Some(tree)))
    }

    fn set_text_and_tree(
        &mut self,
        path: &Path,
        text: Arc<str>,
        tree: Option<tree_sitter::Tree>,
    ) -> FileId {
        if let Some(&file) = self.files.get(path) {
            if **file.text(&self.db) != *text || tree.is_some() || file.tree(&self.db).is_some() {
                file.set_text(&mut self.db).to(text);
                file.set_tree(&mut self.db).to(tree);
            }
            let workspace = self.db.workspace();
            if !workspace.files(&self.db).contains(&file) {
                let mut files = workspace.files(&self.db).clone();
                let at = files.partition_point(|f| f.path(&self.db).as_path() < path);
                files.insert(at, file);
                workspace.set_files(&mut self.db).to(files);
            }
            return file;
        }
        let file = SourceFile::new(&self.db, path.to_path_buf(), text, tree, FileKind::Ward);
        self.files.insert(path.to_path_buf(), file);
        let workspace = self.db.workspace();
        let mut files = workspace.files(&self.db).clone();
        let at = files.partition_point(|f| f.path(&self.db).as_path() < path);
        files.insert(at, file);
        workspace.set_files(&mut self.db).to(files);
        file
    }

    /// Adds many files at once, faster than one by one: one workspace update.
    pub fn add_files(&mut self, files: Vec<(PathBuf, Arc<str>)>) {
        let workspace = self.db.workspace();
        let mut all = workspace.files(&self.db).clone();
        for (path, text) in files {
            match self.files.get(&path) {
                Some(&file) => {
                    file.set_text(&mut self.db).to(text);
                    file.set_tree(&mut self.db).to(None);
                    if !all.contains(&file) {
                        all.push(file);
                    }
                }
                None => {
                    let file = SourceFile::new(&self.db, path.clone(), text, None, FileKind::Ward);
                    self.files.insert(path, file);
                    all.push(file);
                }
            }
        }
        let db = &self.db;
        all.sort_by(|a, b| a.path(db).cmp(b.path(db)));
        workspace.set_files(&mut self.db).to(all);
    }

    /// Removes a file from the workspace. Its ID stays valid but no longer takes part.
    pub fn remove_file(&mut self, path: &Path) {
        let Some(&file) = self.files.get(path) else {
            return;
        };
        let workspace = self.db.workspace();
        if workspace.files(&self.db).contains(&file) {
            let files = workspace
                .files(&self.db)
                .iter()
                .copied()
                .filter(|&f| f != file)
                .collect();
            workspace.set_files(&mut self.db).to(files);
        }
        // Drop the text so a deleted file holds no memory.
        file.set_text(&mut self.db).to(Arc::from(""));
        file.set_tree(&mut self.db).to(None);
    }

    /// Sets the external input files of one kind (the files of the plan's globs and of the
    /// command line, read by the front end): the workspace's inputs of that kind become
    /// exactly these. A file whose text is unchanged keeps what was computed from it.
    pub fn set_inputs(&mut self, kind: InputKind, files: Vec<(PathBuf, Arc<str>)>) {
        let workspace = self.db.workspace();
        let mut inputs: Vec<SourceFile> = workspace
            .inputs(&self.db)
            .iter()
            .copied()
            .filter(|file| file.kind(&self.db) != FileKind::Input(kind))
            .collect();
        let mut kept = Vec::with_capacity(files.len());
        for (path, text) in files {
            let file = match self.inputs.get(&path) {
                Some(&file) => {
                    if **file.text(&self.db) != *text {
                        file.set_text(&mut self.db).to(text);
                    }
                    if file.kind(&self.db) != FileKind::Input(kind) {
                        file.set_kind(&mut self.db).to(FileKind::Input(kind));
                    }
                    file
                }
                None => {
                    let file =
                        SourceFile::new(&self.db, path.clone(), text, None, FileKind::Input(kind));
                    self.inputs.insert(path, file);
                    file
                }
            };
            kept.push(file);
        }
        inputs.extend(kept);
        let db = &self.db;
        inputs.sort_by(|a, b| a.path(db).cmp(b.path(db)));
        inputs.dedup();
        if *workspace.inputs(&self.db) != inputs {
            // Inputs that left hold no memory.
            let gone: Vec<SourceFile> = workspace
                .inputs(&self.db)
                .iter()
                .copied()
                .filter(|file| !inputs.contains(file))
                .collect();
            workspace.set_inputs(&mut self.db).to(inputs);
            for file in gone {
                file.set_text(&mut self.db).to(Arc::from(""));
            }
        }
    }

    /// Checks as if every gate up to and including `phase` had been passed.
    pub fn set_gate_override(&mut self, phase: Option<String>) {
        let workspace = self.db.workspace();
        if *workspace.gate_override(&self.db) != phase {
            workspace.set_gate_override(&mut self.db).to(phase);
        }
    }

    /// Sets the day that dates are compared with (expiry, dates in the future).
    pub fn set_today(&mut self, today: Date) {
        let workspace = self.db.workspace();
        if workspace.today(&self.db) != today {
            workspace.set_today(&mut self.db).to(today);
        }
    }

    /// Sets the folders of the workspace, which evidence files must lie inside.
    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        let workspace = self.db.workspace();
        if *workspace.roots(&self.db) != roots {
            workspace.set_roots(&mut self.db).to(roots);
        }
    }

    /// Tells the analysis that files other than `.ward` files (evidence) may have changed.
    pub fn invalidate_file_system(&mut self) {
        let workspace = self.db.workspace();
        let generation = workspace.fs_generation(&self.db);
        workspace.set_fs_generation(&mut self.db).to(generation + 1);
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.files
            .get(path)
            .copied()
            .filter(|file| self.db.workspace().files(&self.db).contains(file))
    }

    /// A snapshot for queries. Drop it before the next write: a write waits for every
    /// snapshot to be dropped.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            db: self.db.clone(),
        }
    }
}

/// A read-only snapshot of the analysis.
#[derive(Clone)]
pub struct Analysis {
    db: RootDatabase,
}

impl Analysis {
    fn with_db<T>(
        &self,
        f: impl FnOnce(&RootDatabase) -> T + std::panic::UnwindSafe,
    ) -> Cancellable<T> {
        let db = std::panic::AssertUnwindSafe(&self.db);
        Cancelled::catch(move || f(*db))
    }

    /// The `.ward` files of the workspace, sorted by path.
    pub fn files(&self) -> Vec<FileId> {
        self.db.workspace().files(&self.db).clone()
    }

    /// The external input files of the workspace, sorted by path.
    pub fn inputs(&self) -> Vec<FileId> {
        self.db.workspace().inputs(&self.db).clone()
    }

    /// The kind of an external input file; `None` for a `.ward` file.
    pub fn input_kind(&self, file: FileId) -> Option<InputKind> {
        match file.kind(&self.db) {
            FileKind::Input(kind) => Some(kind),
            FileKind::Ward => None,
        }
    }

    /// Where the plan says the external input files are: globs relative to its folder.
    pub fn input_sources(&self) -> Cancellable<Vec<InputSource>> {
        self.with_db(|db| inputs::input_sources(db).clone())
    }

    pub fn path(&self, file: FileId) -> PathBuf {
        file.path(&self.db).clone()
    }

    pub fn text(&self, file: FileId) -> Arc<str> {
        file.text(&self.db).clone()
    }

    /// The edits that give a file its canonical layout (those touching `range` when given),
    /// with the tree an open file already has.
    pub fn format(
        &self,
        file: FileId,
        range: Option<TextRange>,
    ) -> Result<Vec<TextEdit>, format::FormatError> {
        let text = file.text(&self.db);
        let tree = file.tree(&self.db).as_ref();
        match range {
            Some(range) => format::format_range(text, tree, range),
            None => format::format_with_tree(text, tree),
        }
    }

    pub fn line_index(&self, file: FileId) -> Cancellable<LineIndex> {
        self.with_db(|db| db::line_index(db, file).clone())
    }

    /// The position-free syntax of a file.
    pub fn file_ast(&self, file: FileId) -> Cancellable<Arc<FileAst>> {
        self.with_db(|db| db::file_ast(db, file))
    }

    /// The ranges of a file's syntax.
    pub fn source_map(&self, file: FileId) -> Cancellable<Arc<SourceMap>> {
        self.with_db(|db| db::parse(db, file).source_map.clone())
    }

    /// The syntax errors of a `.ward` file.
    pub fn syntax_errors(&self, file: FileId) -> Cancellable<Vec<SyntaxError>> {
        self.with_db(|db| db::parse(db, file).errors.clone())
    }

    /// The fingerprint of an item, which a stamped link to it records.
    pub fn fingerprint(&self, item: ItemRef) -> Cancellable<Option<fingerprint::Fingerprint>> {
        self.with_db(|db| fingerprint::fingerprint(db, item))
    }

    /// The definitions and referrers of an ID.
    pub fn name_info(&self, name: &str) -> Cancellable<NameInfo> {
        self.with_db(|db| db::lookup(db, name))
    }

    /// Every ID of the workspace with its first definition, in no particular order.
    pub fn all_names(&self) -> Cancellable<Vec<(String, ItemRef)>> {
        self.with_db(|db| db::all_definitions(db).clone())
    }

    /// The day dates are compared with.
    pub fn today(&self) -> Date {
        self.db.workspace().today(&self.db)
    }

    /// The workspace's plan, or the default plan.
    pub fn plan(&self) -> Cancellable<Plan> {
        self.with_db(|db| plan::plan(db).clone())
    }

    /// Every diagnostic of one file (a `.ward` file or an input), sorted by position.
    pub fn diagnostics(&self, file: FileId) -> Cancellable<Arc<Vec<Diagnostic>>> {
        self.with_db(|db| match file.kind(db) {
            FileKind::Ward => locate::file_diagnostics(db, file),
            FileKind::Input(_) => inputs::input_diagnostics(db, file),
        })
    }

    /// Every diagnostic of the workspace, files checked in parallel.
    pub fn all_diagnostics(&self) -> Cancellable<Vec<Diagnostic>> {
        self.all_diagnostics_with(locate::file_diagnostics)
    }

    /// Every diagnostic of the workspace as if every gate had been passed (so that every
    /// rule a gate requires is on): a query of its own, which writes nothing to the host.
    pub fn all_diagnostics_every_gate_passed(&self) -> Cancellable<Vec<Diagnostic>> {
        self.all_diagnostics_with(locate::file_diagnostics_every_gate_passed)
    }

    fn all_diagnostics_with(
        &self,
        query: fn(&dyn Db, SourceFile) -> Arc<Vec<Diagnostic>>,
    ) -> Cancellable<Vec<Diagnostic>> {
        let files = self.files();
        let per_file: Cancellable<Vec<Arc<Vec<Diagnostic>>>> = files
            .par_iter()
            .map_with(self.db.clone(), |db, &file| {
                let db = std::panic::AssertUnwindSafe(&*db);
                Cancelled::catch(move || query(*db, file))
            })
            .collect();
        // The inputs' own diagnostics do not depend on the gates.
        let per_input: Cancellable<Vec<Arc<Vec<Diagnostic>>>> = self
            .inputs()
            .into_iter()
            .map(|file| self.with_db(|db| inputs::input_diagnostics(db, file)))
            .collect();
        let per_file: Cancellable<Vec<Arc<Vec<Diagnostic>>>> = per_file.and_then(|mut all| {
            all.extend(per_input?);
            Ok(all)
        });
        Ok(per_file?
            .iter()
            .flat_map(|diagnostics| diagnostics.iter().cloned())
            .collect())
    }

    /// Parses every file, then builds the shards of the index, each step in parallel, so
    /// that later queries find the work done.
    pub fn prime(&self) -> Cancellable<()> {
        self.files()
            .par_iter()
            .map_with(self.db.clone(), |db, &file| {
                let db = std::panic::AssertUnwindSafe(&*db);
                Cancelled::catch(move || {
                    db::file_ids(*db, file);
                    db::file_links(*db, file);
                })
            })
            .collect::<Cancellable<()>>()?;
        let shards = self.with_db(|db| db::shard_total(db))?;
        (0..shards)
            .into_par_iter()
            .map_with(self.db.clone(), |db, shard| {
                let db = std::panic::AssertUnwindSafe(&*db);
                Cancelled::catch(move || db::build_shard(*db, shard))
            })
            .collect()
    }

    /// The range of an item's focus (its ID, or its keyword).
    pub fn item_range(&self, item: ItemRef) -> Cancellable<FileRange> {
        self.with_db(|db| {
            let map = &db::parse(db, item.file).source_map;
            FileRange {
                file: item.file,
                range: map.items[item.item as usize].focus(),
            }
        })
    }
}
