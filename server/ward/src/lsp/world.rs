//! The server's state and its one writer: the analysis host, the open documents and the
//! workspace files on disk. Every change (an edit, an opened or closed document, a file
//! changed on disk, the initial indexing) goes through [`World`] under one lock, in the order
//! the client sent it.
//!
//! Open documents win over disk: indexing and watched-file events never overwrite an open
//! document, and closing a document falls back to its file on disk (or removes it from the
//! workspace when there is none).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileChangeType, FileEvent, FileSystemWatcher,
    GlobPattern, OneOf, RelativePattern, TextDocumentContentChangeEvent, Uri, WatchKind,
};
use ward_analysis::{Analysis, AnalysisHost, InputKind, InputSource, PositionEncoding};

use super::convert;
use super::documents::{Document, Documents};
use super::log;

/// An open document's URI and version, as diagnostics and edits report them.
#[derive(Clone, Debug)]
pub struct OpenDoc {
    pub uri: Uri,
    pub version: i32,
}

/// What a snapshot needs besides the analysis: the open documents' URIs and versions.
pub type OpenDocs = Arc<HashMap<PathBuf, OpenDoc>>;

pub struct World {
    host: AnalysisHost,
    docs: Documents,
    /// The workspace folders.
    roots: Vec<PathBuf>,
    /// The workspace's `.ward` files on disk, open or not.
    disk: BTreeSet<PathBuf>,
    /// Whether the workspace has been read; diagnostics wait for it.
    indexed: bool,
    /// The paths that watched-file events named while the start-up scan was reading: what
    /// the events did is newer than what the scan read of them.
    changed_during_scan: Vec<PathBuf>,
    /// Files changed since the last diagnostics run, most recent last: published first.
    dirty: Vec<PathBuf>,
    /// A copy of the open documents' URIs and versions, rebuilt when they change.
    open: OpenDocs,
    /// The plan's globs of external inputs, as last read, and the input files they matched.
    input_sources: Vec<InputSource>,
    input_files: BTreeSet<PathBuf>,
    /// Set when `input_sources` changed: the input watchers must be registered again.
    input_watchers_stale: bool,
}

impl World {
    pub fn new() -> World {
        World {
            host: AnalysisHost::new(),
            docs: Documents::default(),
            roots: Vec::new(),
            disk: BTreeSet::new(),
            indexed: false,
            changed_during_scan: Vec::new(),
            dirty: Vec::new(),
            open: Arc::default(),
            input_sources: Vec::new(),
            input_files: BTreeSet::new(),
            input_watchers_stale: false,
        }
    }

    /// When the plan's globs of external inputs have changed, finds and reads the inputs
    /// again; returns whether they had. Asked after indexing, after watched-file events, and
    /// by the publisher after each run over every file (not after each keystroke: the plan
    /// query is then already computed, and typing pays nothing for it).
    pub fn check_input_sources(&mut self) -> bool {
        if !self.indexed {
            return false;
        }
        let sources = self.host.analysis().input_sources().unwrap_or_default();
        if sources == self.input_sources {
            return false;
        }
        self.input_sources = sources;
        self.input_watchers_stale = true;
        self.reload_inputs();
        true
    }

    /// The input globs, once, when their watchers must be registered again.
    pub fn take_stale_input_watchers(&mut self) -> Option<Vec<InputSource>> {
        std::mem::take(&mut self.input_watchers_stale).then(|| self.input_sources.clone())
    }

    /// The plan's globs of external inputs, as last read.
    pub fn input_sources(&self) -> Vec<InputSource> {
        self.input_sources.clone()
    }

    /// Finds and reads the external input files of the plan's globs (on disk: an input is
    /// never an open document), and marks the inputs that came, changed or went dirty.
    fn reload_inputs(&mut self) {
        let mut now = BTreeSet::new();
        for &kind in InputKind::ALL {
            let mut files = Vec::new();
            for source in self
                .input_sources
                .iter()
                .filter(|source| source.kind == kind)
            {
                let (found, notes) = crate::inputs::matching_files(source);
                for note in notes {
                    log::info(format_args!("{note}"));
                }
                files.extend(found);
            }
            files.sort();
            files.dedup();
            let texts: Vec<(PathBuf, Arc<str>)> = files
                .into_iter()
                .filter_map(|path| match crate::workspace::read_text(&path) {
                    Ok(text) => Some((path, Arc::from(text))),
                    Err(error) => {
                        log::warn(format_args!("{error}"));
                        None
                    }
                })
                .collect();
            now.extend(texts.iter().map(|(path, _)| path.clone()));
            self.host.set_inputs(kind, texts);
        }
        let before = std::mem::replace(&mut self.input_files, now);
        for path in before.union(&self.input_files.clone()) {
            self.mark_dirty(path);
        }
    }

    /// Whether a file changed on disk is, or may become, an external input.
    fn is_input(&self, path: &Path) -> bool {
        self.input_files.contains(path)
            || self
                .input_sources
                .iter()
                .any(|source| crate::inputs::may_match(source, path))
    }

    /// A snapshot of the analysis with the open documents. Drop it before the next write.
    pub fn snapshot(&self) -> (Analysis, OpenDocs) {
        (self.host.analysis(), self.open.clone())
    }

    pub fn file_id(&self, path: &Path) -> Option<ward_analysis::FileId> {
        self.host.file_id(path)
    }

    pub fn version(&self, path: &Path) -> Option<i32> {
        self.docs.get(path).map(|doc| doc.version)
    }

    /// Sets the day dates are compared with; a new day re-checks what reads dates.
    pub fn set_today(&mut self, today: ward_analysis::Date) {
        self.host.set_today(today);
    }

    pub fn indexed(&self) -> bool {
        self.indexed
    }

    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        self.roots = roots;
        // Evidence must lie inside the workspace folders.
        self.host.set_roots(self.roots.clone());
        if self.roots.is_empty() {
            // Nothing to read: single files only.
            self.indexed = true;
        }
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.clone()
    }

    /// The dirty files, oldest first, emptied.
    pub fn take_dirty(&mut self) -> Vec<PathBuf> {
        std::mem::take(&mut self.dirty)
    }

    /// Puts back dirty files that a cancelled diagnostics run did not reach, before the
    /// newer ones.
    pub fn restore_dirty(&mut self, mut older: Vec<PathBuf>) {
        older.retain(|path| !self.dirty.contains(path));
        older.append(&mut self.dirty);
        self.dirty = older;
    }

    fn mark_dirty(&mut self, path: &Path) {
        self.dirty.retain(|p| p != path);
        self.dirty.push(path.to_path_buf());
    }

    fn refresh_open(&mut self) {
        let open = self
            .docs
            .iter()
            .map(|(path, doc)| {
                let open = OpenDoc {
                    uri: doc.uri.clone(),
                    version: doc.version,
                };
                (path.clone(), open)
            })
            .collect();
        self.open = Arc::new(open);
    }

    pub fn did_open(&mut self, uri: Uri, version: i32, text: String) {
        let path = convert::uri_to_path(&uri);
        let doc = Document::new(uri, version, &text);
        self.host.open_file(&path, Arc::from(text));
        self.docs.insert(path.clone(), doc);
        self.refresh_open();
        self.mark_dirty(&path);
    }

    /// Applies an edit; refuses (and logs) one whose version does not increase.
    pub fn did_change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) {
        let path = convert::uri_to_path(uri);
        let Some(doc) = self.docs.get_mut(&path) else {
            log::warn(format_args!(
                "didChange for a document that is not open: {uri:?}"
            ));
            return;
        };
        if version <= doc.version {
            log::warn(format_args!(
                "didChange for {} with version {version} after version {}: ignored",
                uri.as_str(),
                doc.version
            ));
            return;
        }
        let edits = doc.apply_changes(version, changes, encoding);
        self.host.edit_file(&path, &edits);
        self.refresh_open();
        self.mark_dirty(&path);
    }

    pub fn did_close(&mut self, uri: &Uri) {
        let path = convert::uri_to_path(uri);
        if self.docs.remove(&path).is_none() {
            return;
        }
        self.refresh_open();
        self.reload_from_disk(&path);
        self.mark_dirty(&path);
    }

    /// Sets a closed file to its text on disk, or removes it when it is not a workspace file
    /// on disk any more.
    fn reload_from_disk(&mut self, path: &Path) {
        if self.docs.contains(path) {
            return;
        }
        if self.disk.contains(path) {
            match crate::workspace::read_text(path) {
                Ok(text) => {
                    self.host.set_file(path, Arc::from(text));
                    return;
                }
                Err(error) => log::warn(format_args!("{error}")),
            }
        }
        self.host.remove_file(path);
    }

    /// Whether a path belongs to the workspace: under a root, and in no hidden folder.
    fn in_workspace(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| {
            path.strip_prefix(root).is_ok_and(|rest| {
                rest.components()
                    .all(|part| !part.as_os_str().to_string_lossy().starts_with('.'))
            })
        })
    }

    /// Takes the files read at start-up; open documents keep their text, and so do files
    /// (or folders) that watched-file events named meanwhile: a file changed or deleted
    /// after the scan read it must not come back as the scan saw it.
    pub fn finish_indexing(&mut self, files: Vec<(PathBuf, Arc<str>)>) {
        let changed = std::mem::take(&mut self.changed_during_scan);
        let stale = |path: &Path| changed.iter().any(|named| path.starts_with(named));
        let files: Vec<(PathBuf, Arc<str>)> =
            files.into_iter().filter(|(path, _)| !stale(path)).collect();
        self.disk.extend(files.iter().map(|(path, _)| path.clone()));
        let files = files
            .into_iter()
            .filter(|(path, _)| !self.docs.contains(path))
            .collect();
        self.host.add_files(files);
        self.indexed = true;
        self.check_input_sources();
    }

    /// Applies `workspace/didChangeWorkspaceFolders`: the roots change, and the files no
    /// root holds any more leave the workspace (open documents stay, as single files).
    pub fn change_roots(&mut self, added: &[PathBuf], removed: &[PathBuf]) {
        self.roots.retain(|root| !removed.contains(root));
        for root in added {
            if !self.roots.contains(root) {
                self.roots.push(root.clone());
            }
        }
        self.host.set_roots(self.roots.clone());
        let gone: Vec<PathBuf> = self
            .disk
            .iter()
            .filter(|path| !self.in_workspace(path))
            .cloned()
            .collect();
        self.leave_disk(gone);
        // Evidence files may have come or gone with the folders.
        self.host.invalidate_file_system();
    }

    /// Files no longer in the workspace on disk: open documents stay, the rest leave the
    /// analysis, and all are published again.
    fn leave_disk(&mut self, gone: Vec<PathBuf>) {
        for path in gone {
            self.disk.remove(&path);
            self.reload_from_disk(&path);
            self.mark_dirty(&path);
        }
    }

    /// Takes the files read from added folders; a file some root already held, an open
    /// document, or a file whose folder was removed meanwhile keeps what it has.
    pub fn add_folder_files(&mut self, files: Vec<(PathBuf, Arc<str>)>) {
        for (path, text) in files {
            if !self.in_workspace(&path) || self.disk.contains(&path) {
                continue;
            }
            self.disk.insert(path.clone());
            if !self.docs.contains(&path) {
                self.host.set_file(&path, text);
            }
            self.mark_dirty(&path);
        }
    }

    /// Files created or changed on disk, and folders created: the workspace files among them
    /// are read, and a file that stopped being one (now git-ignored, say) leaves.
    fn arrive(&mut self, paths: &[PathBuf]) {
        if paths.is_empty() {
            return;
        }
        let mut members = BTreeSet::new();
        for root in &self.roots {
            members.extend(crate::workspace::members_among(root, paths));
        }
        let left: Vec<PathBuf> = paths
            .iter()
            .filter(|path| self.disk.contains(*path) && !members.contains(*path))
            .cloned()
            .collect();
        self.leave_disk(left);
        for file in members {
            self.disk.insert(file.clone());
            self.reload_from_disk(&file);
            self.mark_dirty(&file);
        }
    }

    /// After a change of the walk's rules (a `.gitignore` edited): every root is walked again;
    /// files that stopped being workspace files leave, new ones are read. A rare event, so the
    /// walk is done here rather than in the background like the start-up scan.
    fn rescan(&mut self) {
        let mut members = BTreeSet::new();
        for root in &self.roots {
            members.extend(crate::workspace::members_among(
                root,
                std::slice::from_ref(root),
            ));
        }
        let left: Vec<PathBuf> = self.disk.difference(&members).cloned().collect();
        self.leave_disk(left);
        for file in members {
            // Files already known keep their text unless an event of their own says otherwise.
            if self.disk.insert(file.clone()) {
                self.reload_from_disk(&file);
                self.mark_dirty(&file);
            }
        }
    }

    /// Applies `workspace/didChangeWatchedFiles`. A rename arrives as a delete and a create.
    ///
    /// Files created or changed, and folders created, join the workspace only when the walk
    /// of `ward check` and of the start-up scan would find them (not git-ignored, hidden or
    /// a symbolic link); they are looked up after the deletions, on the disk as it is now.
    pub fn did_change_watched_files(&mut self, changes: Vec<FileEvent>) {
        let mut other_files_changed = false;
        let mut inputs_changed = false;
        let mut arrived = Vec::new();
        let mut rules_changed = false;
        for event in changes {
            let path = convert::uri_to_path(&event.uri);
            if !self.indexed {
                self.changed_during_scan.push(path.clone());
            }
            let is_ward = path.extension().is_some_and(|ext| ext == "ward");
            // A report created, changed or deleted, or a folder of them.
            inputs_changed |= self.is_input(&path)
                || self
                    .input_files
                    .iter()
                    .any(|input| input.starts_with(&path));
            rules_changed |= crate::workspace::is_ignore_file(&path)
                && self.roots.iter().any(|root| path.starts_with(root));
            match event.typ {
                FileChangeType::CREATED | FileChangeType::CHANGED if is_ward => {
                    arrived.push(path);
                }
                FileChangeType::CREATED if path.is_dir() => {
                    // A folder created or renamed into place: its files arrive with it.
                    other_files_changed |= self.in_workspace(&path);
                    arrived.push(path);
                }
                FileChangeType::DELETED => {
                    other_files_changed |= !is_ward && self.in_workspace(&path);
                    // The file, or every file of a deleted folder.
                    let gone: Vec<PathBuf> = self
                        .disk
                        .iter()
                        .filter(|file| file.starts_with(&path))
                        .cloned()
                        .collect();
                    self.leave_disk(gone);
                }
                // A changed file exists as it did: evidence holds (only its existence counts).
                FileChangeType::CHANGED => {}
                // Any other file may be evidence; files in hidden folders (`.git`) are not.
                _ => other_files_changed |= self.in_workspace(&path),
            }
        }
        self.arrive(&arrived);
        if rules_changed {
            self.rescan();
        }
        if other_files_changed {
            // Evidence files may have come or gone.
            self.host.invalidate_file_system();
        }
        if inputs_changed {
            self.reload_inputs();
        }
        // A `.ward` file that came or went may hold the plan.
        self.check_input_sources();
    }
}

/// The workspace folders of `initialize`: its folders, else its root URI, else its root path.
#[allow(deprecated)]
pub fn roots(params: &tower_lsp_server::ls_types::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders
        && !folders.is_empty()
    {
        return folders
            .iter()
            .map(|folder| convert::uri_to_path(&folder.uri))
            .collect();
    }
    if let Some(uri) = &params.root_uri {
        return vec![convert::uri_to_path(uri)];
    }
    params
        .root_path
        .as_ref()
        .map(|path| vec![PathBuf::from(path)])
        .unwrap_or_default()
}

/// Reads every `.ward` file under the roots, in parallel. Unreadable folders and files are
/// logged and left out; the rest is read, so that one folder the user may not read does not
/// leave the index empty (and every link into the rest an `unresolved-reference`).
pub fn read_workspace(roots: &[PathBuf]) -> Vec<(PathBuf, Arc<str>)> {
    let mut paths = Vec::new();
    for root in roots {
        match crate::workspace::find_files(std::slice::from_ref(root)) {
            Ok(found) => {
                for (path, reason) in &found.unreadable {
                    log::warn(format_args!(
                        "skipped `{}`: {reason}; the rest of the workspace is read",
                        crate::workspace::shown(path)
                    ));
                }
                paths.extend(found.files);
            }
            Err(error) => log::warn(format_args!("{error}")),
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .into_par_iter()
        .filter_map(|path| match crate::workspace::read_text(&path) {
            Ok(text) => Some((path, Arc::from(text))),
            Err(error) => {
                log::warn(format_args!("{error}"));
                None
            }
        })
        .collect()
}

/// The watchers registered with a client that allows it (the only ones: the VS Code extension
/// adds none), disjoint so that no event comes twice:
///
/// - every file and folder created or deleted: a folder of `.ward` files moved in or out
///   arrives as one event for the folder, and evidence files may be any file anywhere, of
///   which only the existence counts;
/// - changes of `.ward` files (their text) and of ignore files (which files belong).
///
/// Changes of other files are not asked for here; those of the external inputs (test
/// reports) are, by [`input_watchers`], once the plan names them.
pub fn watchers() -> DidChangeWatchedFilesRegistrationOptions {
    let watcher = |glob: &str, kind: WatchKind| FileSystemWatcher {
        glob_pattern: GlobPattern::String(glob.to_owned()),
        kind: Some(kind),
    };
    DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![
            watcher("**/*", WatchKind::Create | WatchKind::Delete),
            watcher("**/{*.ward,.gitignore,.ignore}", WatchKind::Change),
        ],
    }
}

/// The watchers of the external inputs' changes: the plan's globs, relative to its folder
/// (their creation and deletion come with every file's, from [`watchers`]).
pub fn input_watchers(sources: &[InputSource]) -> DidChangeWatchedFilesRegistrationOptions {
    let watchers = sources
        .iter()
        .flat_map(|source| {
            let base = convert::path_to_uri(&source.folder);
            source
                .patterns
                .iter()
                .map(move |pattern| FileSystemWatcher {
                    glob_pattern: GlobPattern::Relative(RelativePattern {
                        base_uri: OneOf::Right(base.clone()),
                        pattern: pattern.clone(),
                    }),
                    kind: Some(WatchKind::Change),
                })
        })
        .collect();
    DidChangeWatchedFilesRegistrationOptions { watchers }
}
