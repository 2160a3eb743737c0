//! The workspaces the server serves: one analysis host per `ward.toml` workspace, and one
//! for the files under no `ward.toml` (those of every workspace folder, and single files),
//! as `ward check` of the folders would make them. Each is analysed on its own, so IDs,
//! definitions, references, renames and diagnostics stay inside it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ward_analysis::{Analysis, AnalysisHost, Date, FileId, InputKind, InputSource, TextEdit};

use crate::manifest::Manifest;

/// One workspace: its root and its analysis.
struct Part {
    /// The folder of its `ward.toml`; empty for the files under none.
    root: PathBuf,
    host: AnalysisHost,
    /// Its plan's globs of external inputs, as last read, and the input files they matched.
    input_sources: Vec<InputSource>,
    input_files: BTreeSet<PathBuf>,
    /// How many files are placed in it: a snapshot of every workspace skips the empty ones
    /// without looking at every file.
    files: usize,
}

impl Part {
    fn new(root: PathBuf, host: AnalysisHost) -> Part {
        Part {
            root,
            host,
            input_sources: Vec::new(),
            input_files: BTreeSet::new(),
            files: 0,
        }
    }

    /// Finds and reads the external inputs of its plan's globs (on disk: an input is never
    /// an open document); returns the inputs that came, changed or went.
    fn reload_inputs(&mut self) -> Vec<PathBuf> {
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
                    super::log::info(format_args!("{note}"));
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
                        super::log::warn(format_args!("{error}"));
                        None
                    }
                })
                .collect();
            now.extend(texts.iter().map(|(path, _)| path.clone()));
            self.host.set_inputs(kind, texts);
        }
        let before = std::mem::replace(&mut self.input_files, now);
        before.union(&self.input_files).cloned().collect()
    }
}

pub struct Parts {
    parts: Vec<Part>,
    /// The part each file of the analysis is in.
    placed: HashMap<PathBuf, usize>,
    /// The workspace roots marked by a `ward.toml`, with their settings.
    manifests: BTreeMap<PathBuf, Manifest>,
    today: Option<Date>,
}

impl Parts {
    pub fn new() -> Parts {
        Parts {
            parts: vec![Part::new(PathBuf::new(), AnalysisHost::new())],
            placed: HashMap::new(),
            manifests: BTreeMap::new(),
            today: None,
        }
    }

    /// The root of the workspace a path belongs to: the nearest `ward.toml` above it, else
    /// none (empty).
    fn root_of(&self, path: &Path) -> PathBuf {
        path.ancestors()
            .skip(1)
            .find(|up| self.manifests.contains_key(*up))
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The part for a path, made when it is the first of its workspace.
    fn part_for(&mut self, path: &Path) -> usize {
        let root = self.root_of(path);
        if let Some(at) = self.parts.iter().position(|part| part.root == root) {
            return at;
        }
        let mut host = AnalysisHost::new();
        // Evidence must lie inside the workspace.
        host.set_roots(vec![root.clone()]);
        if let Some(today) = self.today {
            host.set_today(today);
        }
        self.parts.push(Part::new(root, host));
        self.parts.len() - 1
    }

    /// Records that a file is in part `at`; returns the part it was in before, if another.
    fn place(&mut self, path: &Path, at: usize) -> Option<usize> {
        match self.placed.insert(path.to_path_buf(), at) {
            Some(before) if before == at => None,
            Some(before) => {
                self.parts[before].files -= 1;
                self.parts[at].files += 1;
                Some(before)
            }
            None => {
                self.parts[at].files += 1;
                None
            }
        }
    }

    /// The host a file goes to, taking it out of the part it was in when that changed.
    fn host_for(&mut self, path: &Path) -> &mut AnalysisHost {
        let at = self.part_for(path);
        if let Some(before) = self.place(path, at) {
            self.parts[before].host.remove_file(path);
        }
        &mut self.parts[at].host
    }

    /// A file as read from disk.
    pub fn set_file(&mut self, path: &Path, text: Arc<str>) {
        self.host_for(path).set_file(path, text);
    }

    /// Many files read from disk at once.
    pub fn add_files(&mut self, files: Vec<(PathBuf, Arc<str>)>) {
        let mut by_part: BTreeMap<usize, Vec<(PathBuf, Arc<str>)>> = BTreeMap::new();
        for (path, text) in files {
            let at = self.part_for(&path);
            if let Some(before) = self.place(&path, at) {
                self.parts[before].host.remove_file(&path);
            }
            by_part.entry(at).or_default().push((path, text));
        }
        for (at, files) in by_part {
            self.parts[at].host.add_files(files);
        }
    }

    /// A file the user edits (its tree is kept for incremental reparsing).
    pub fn open_file(&mut self, path: &Path, text: Arc<str>) {
        self.host_for(path).open_file(path, text);
    }

    pub fn edit_file(&mut self, path: &Path, edits: &[TextEdit]) {
        if let Some(&at) = self.placed.get(path) {
            self.parts[at].host.edit_file(path, edits);
        }
    }

    pub fn remove_file(&mut self, path: &Path) {
        if let Some(at) = self.placed.remove(path) {
            self.parts[at].files -= 1;
            self.parts[at].host.remove_file(path);
        }
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        let &at = self.placed.get(path)?;
        self.parts[at].host.file_id(path)
    }

    /// A snapshot of the workspace a path belongs to (of single files when it is in none).
    pub fn analysis_of(&self, path: &Path) -> Analysis {
        let at = self.placed.get(path).copied().unwrap_or(0);
        self.parts[at].host.analysis()
    }

    /// A snapshot of every workspace that has files.
    pub fn analyses(&self) -> Vec<Analysis> {
        self.parts
            .iter()
            .filter(|part| part.files > 0)
            .map(|part| part.host.analysis())
            .collect()
    }

    pub fn set_today(&mut self, today: Date) {
        self.today = Some(today);
        for part in &mut self.parts {
            part.host.set_today(today);
        }
    }

    /// Tells every analysis that files other than `.ward` files (evidence) may have changed.
    pub fn invalidate_file_system(&mut self) {
        for part in &mut self.parts {
            part.host.invalidate_file_system();
        }
    }

    /// The workspace folders: evidence of the files under no `ward.toml` must lie in one.
    pub fn set_folders(&mut self, folders: Vec<PathBuf>) {
        self.parts[0].host.set_roots(folders);
    }

    /// When a workspace's plan names other globs of external inputs than before, reads
    /// its inputs again: the inputs that came, changed or went, or `None` when no glob
    /// changed.
    pub fn check_input_sources(&mut self) -> Option<Vec<PathBuf>> {
        let mut dirty = None;
        for part in &mut self.parts {
            let sources = part.host.analysis().input_sources().unwrap_or_default();
            if sources != part.input_sources {
                part.input_sources = sources;
                dirty
                    .get_or_insert_with(Vec::new)
                    .extend(part.reload_inputs());
            }
        }
        dirty
    }

    /// Reads every workspace's external inputs again.
    pub fn reload_inputs(&mut self) -> Vec<PathBuf> {
        self.parts
            .iter_mut()
            .flat_map(|part| part.reload_inputs())
            .collect()
    }

    /// Every workspace's globs of external inputs, as last read.
    pub fn input_sources(&self) -> Vec<InputSource> {
        self.parts
            .iter()
            .flat_map(|part| part.input_sources.iter().cloned())
            .collect()
    }

    /// Whether a file changed on disk is, or may become, an external input: one of a
    /// workspace's, a folder holding one, or a path its globs match.
    pub fn is_input(&self, path: &Path) -> bool {
        self.parts.iter().any(|part| {
            part.input_files.iter().any(|input| input.starts_with(path))
                || part
                    .input_sources
                    .iter()
                    .any(|source| crate::inputs::may_match(source, path))
        })
    }

    /// The workspace roots marked by a `ward.toml`, with their settings.
    pub fn manifests(&self) -> &BTreeMap<PathBuf, Manifest> {
        &self.manifests
    }

    /// Whether a file is left out by an `exclude`: that of its workspace, or of a workspace
    /// around it (a `ward.toml` at the top of a repository leaving out test fixtures that are
    /// workspaces of their own), as `ward check` of the folder decides.
    pub fn excludes(&self, path: &Path) -> bool {
        path.ancestors()
            .skip(1)
            .filter_map(|up| self.manifests.get(up))
            .any(|manifest| manifest.excludes(path, false))
    }

    /// Sets the workspace roots marked by a `ward.toml`, and moves every file whose
    /// workspace changed into its new one (open documents stay open). Returns the files moved.
    pub fn set_manifests(
        &mut self,
        manifests: BTreeMap<PathBuf, Manifest>,
        is_open: impl Fn(&Path) -> bool,
    ) -> Vec<PathBuf> {
        self.manifests = manifests;
        let mut moved = Vec::new();
        let placed: Vec<(PathBuf, usize)> = self
            .placed
            .iter()
            .map(|(path, &at)| (path.clone(), at))
            .collect();
        for (path, before) in placed {
            let at = self.part_for(&path);
            if at == before {
                continue;
            }
            let old = &mut self.parts[before].host;
            let Some(file) = old.file_id(&path) else {
                continue;
            };
            let analysis = old.analysis();
            let text = analysis.text(file);
            drop(analysis);
            old.remove_file(&path);
            let new = &mut self.parts[at].host;
            if is_open(&path) {
                new.open_file(&path, text);
            } else {
                new.set_file(&path, text);
            }
            self.place(&path, at);
            moved.push(path);
        }
        moved
    }
}
