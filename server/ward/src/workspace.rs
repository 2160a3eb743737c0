//! Finding and reading the `.ward` files of a workspace from disk: for the command line, and
//! the one rule of which files belong to a workspace, which the language server follows too.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use ward_analysis::{AnalysisHost, LineIndex, PositionEncoding};

use crate::manifest::Manifest;

/// Why the command could not run (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A workspace loaded into an analysis host.
pub struct LoadedWorkspace {
    /// The folder of its `ward.toml`; for the loose files of the paths given, the one folder
    /// given, else the current one.
    pub root: PathBuf,
    pub host: AnalysisHost,
}

/// What the walk of the paths given left out, for the user to hear of (see [`Found`]).
#[derive(Debug, Default)]
pub struct Skipped {
    pub unreadable: Vec<(PathBuf, String)>,
    pub links: Vec<PathBuf>,
}

impl Skipped {
    /// Tells on stderr what the walk left out: every folder or file it could not read, and
    /// with `verbose` every symbolic link it did not follow.
    pub fn tell(&self, verbose: bool) {
        let mut err = anstream::stderr();
        for (path, reason) in &self.unreadable {
            let _ = writeln!(
                err,
                "warning: skipped `{}`: {reason}; the rest of the workspace is checked",
                shown(path)
            );
        }
        if verbose {
            for link in &self.links {
                let _ = writeln!(
                    err,
                    "note: skipped `{}`: a symbolic link (Ward does not follow links)",
                    shown(link)
                );
            }
        }
    }
}

pub fn display_path(root: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    shown
        .components()
        .map(|c| match c {
            // A path outside the root stays absolute: its root joins as the leading `/`.
            std::path::Component::RootDir => "".into(),
            other => other.as_os_str().to_string_lossy(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The walk that decides which files of a folder belong to the workspace, for `ward check`,
/// the language server's start-up scan and its watched-file events alike: hidden and
/// git-ignored paths are skipped (in a git repository or not), symbolic links not followed.
fn walker(folder: &Path) -> ignore::WalkBuilder {
    let mut walker = ignore::WalkBuilder::new(folder);
    walker.require_git(false);
    walker
}

/// Whether a file holds rules of the walk (`.gitignore`, `.ignore`): when one changes, which
/// files belong to the workspace may change.
pub fn is_ignore_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == ".gitignore" || name == ".ignore")
}

/// Whether a walked entry is a workspace file: a `.ward` file itself, not a link to one.
fn is_ward_file(entry: &ignore::DirEntry) -> bool {
    let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
    is_file && entry.path().extension().is_some_and(|ext| ext == "ward")
}

/// Whether a walked entry is a `ward.toml` file.
fn is_manifest_file(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|kind| kind.is_file())
        && crate::manifest::is_manifest(entry.path())
}

/// What a walk found: the workspace files, and what it left out that a user may miss.
#[derive(Debug, Default)]
pub struct Found {
    /// The `.ward` files, sorted and deduplicated.
    pub files: Vec<PathBuf>,
    /// Folders and files that could not be read, with the reason: skipped, the rest is read,
    /// so that one folder of someone else's (or a broken mount) does not stop the work.
    pub unreadable: Vec<(PathBuf, String)>,
    /// Symbolic links to `.ward` files or to folders, which the walk does not follow.
    pub links: Vec<PathBuf>,
    /// The folders that hold a `ward.toml`: workspace roots.
    pub manifests: Vec<PathBuf>,
}

/// The `.ward` files under `paths` (folders walked, hidden and git-ignored paths skipped;
/// files taken as given), sorted and deduplicated. A path given that does not exist or
/// cannot be read is an error; what cannot be read inside a folder is skipped and listed.
pub fn find_files(paths: &[PathBuf]) -> Result<Found, LoadError> {
    let mut found = Found::default();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|error| {
            LoadError(format!(
                "cannot read `{}`: {}",
                shown(path),
                io_reason(&error)
            ))
        })?;
        if metadata.is_file() {
            found.files.push(path.clone());
            continue;
        }
        for entry in walker(path).build() {
            match entry {
                Ok(entry) if is_ward_file(&entry) => found.files.push(entry.into_path()),
                Ok(entry) if is_manifest_file(&entry) => {
                    if let Some(folder) = entry.path().parent() {
                        found.manifests.push(folder.to_path_buf());
                    }
                }
                Ok(entry) if is_link_to_skip(&entry) => found.links.push(entry.into_path()),
                Ok(_) => {}
                Err(error) => {
                    let at = error_path(&error).unwrap_or(path).to_path_buf();
                    found.unreadable.push((at, walk_reason(&error)));
                }
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found.links.sort();
    Ok(found)
}

/// Whether a walked entry is a symbolic link a user may expect the walk to follow: one named
/// `*.ward`, or one to a folder.
fn is_link_to_skip(entry: &ignore::DirEntry) -> bool {
    entry.path_is_symlink()
        && (entry.path().extension().is_some_and(|ext| ext == "ward")
            || std::fs::metadata(entry.path()).is_ok_and(|target| target.is_dir()))
}

/// The path a walk error is about, however deep the `ignore` crate wrapped it.
fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// Why a walk error happened, in the words of the other read errors.
fn walk_reason(error: &ignore::Error) -> String {
    match error.io_error() {
        Some(io) => io_reason(io),
        None => error.to_string(),
    }
}

/// The workspace files of the folder `root` that are among `paths` or inside one of them:
/// what [`find_files`] would find of them, by the same walk, pruned to their folders.
/// Unreadable entries are left out.
pub fn members_among(root: &Path, paths: &[PathBuf]) -> Vec<PathBuf> {
    let targets: HashSet<PathBuf> = paths
        .iter()
        .filter(|path| path.starts_with(root))
        .cloned()
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    // The folders the walk must enter to reach the targets.
    let on_the_way: HashSet<PathBuf> = targets
        .iter()
        .flat_map(|path| path.ancestors().skip(1))
        .filter(|folder| folder.starts_with(root))
        .map(Path::to_path_buf)
        .collect();
    let mut walk = walker(root);
    walk.filter_entry(move |entry| {
        let path = entry.path();
        on_the_way.contains(path) || path.ancestors().any(|up| targets.contains(up))
    });
    let mut files: Vec<PathBuf> = walk
        .build()
        .filter_map(Result::ok)
        .filter(is_ward_file)
        .map(ignore::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

/// A path for a message on the terminal. A file name may hold control characters, and an
/// escape sequence among them would reach the terminal, which obeys it (moves the cursor,
/// rewrites earlier lines, sets the window title): each control character is shown as its
/// Rust escape (`\n`, `\u{1b}`) instead.
pub fn shown(path: &Path) -> String {
    sanitise(&path.to_string_lossy())
}

/// `text` with every control character written as its escape.
pub fn sanitise(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if ch.is_control() {
            out.extend(ch.escape_debug());
        } else {
            out.push(ch);
        }
    }
    out
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

/// Reads one file; a file that is not UTF-8 is refused with the position of the first bad byte.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|error| {
        LoadError(format!(
            "cannot read `{}`: {}",
            shown(path),
            io_reason(&error)
        ))
    })?;
    let mut bytes = bytes;
    // A byte-order mark is not text: columns count from after it.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid_up_to = error.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&error.as_bytes()[..valid_up_to]).unwrap_or_default();
        let pos = LineIndex::new(valid).line_col(valid, valid_up_to, PositionEncoding::Utf32);
        LoadError(format!(
            "cannot read `{}`: it is not valid UTF-8 (line {}, column {}); Ward files are UTF-8 text",
            shown(path),
            pos.line + 1,
            pos.col + 1
        ))
    })
}

/// The workspaces that the command line's paths touch, each with all its files, and which
/// of those files the paths name (the files whose diagnostics are shown).
pub struct Discovery {
    pub workspaces: Vec<WorkspaceFiles>,
    /// Canonical paths of the files the paths given name: every workspace file under a
    /// folder given, and every file given.
    pub named: HashSet<PathBuf>,
    /// Files given by name that lie under no `ward.toml`: checked with the other loose
    /// files given only, which the user should hear of.
    pub alone: Vec<PathBuf>,
    pub skipped: Skipped,
}

/// One workspace to load: its root (the folder of its `ward.toml`; for the files under
/// none, the folder given), its files (canonical, sorted).
pub struct WorkspaceFiles {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    /// The folders evidence must lie in.
    pub evidence_roots: Vec<PathBuf>,
}

/// Finds the workspaces of the command line's paths (default: the current folder).
///
/// A file belongs to the nearest `ward.toml` above it, and that workspace is loaded whole,
/// whichever of its files or folders was named, so that `ward check risks.ward` sees the
/// threats of the other files. Files under no `ward.toml` form one workspace of the paths
/// given, as before there were manifests.
///
/// Every path is canonical (`..` and symbolic links resolved), so that one file named twice
/// (`ward check ex ex/../ex`, a folder and a link to it) is read once: read twice, each of
/// its IDs would be a `duplicate-id`.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, LoadError> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let cwd = current_dir()?;
    let given = paths
        .iter()
        .map(|path| canonical(path))
        .collect::<Result<Vec<_>, _>>()?;
    let found = find_files(&given)?;
    let mut owners = Owners::default();
    let mut named = HashSet::new();
    let mut loose = Vec::new();
    let mut alone = Vec::new();
    let mut manifests: HashMap<PathBuf, Manifest> = HashMap::new();
    // Manifest roots in the order first met, with the files the walks found of each.
    let mut by_root: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for file in found.files {
        let given_by_name = given.contains(&file);
        // A file named on the command line is checked even when `exclude` leaves it out
        // (as ruff does); one met in a walk is not.
        if !given_by_name && owners.excluded(&file, &given, &mut manifests)? {
            continue;
        }
        named.insert(file.clone());
        let Some(root) = owners.root_of(&file) else {
            if given_by_name {
                alone.push(file.clone());
            }
            loose.push(file);
            continue;
        };
        match by_root.iter_mut().find(|(known, _)| *known == root) {
            Some((_, files)) => files.push(file),
            None => by_root.push((root, vec![file])),
        }
    }
    let mut workspaces = Vec::new();
    for (root, mut files) in by_root {
        let manifest = manifests
            .remove(&root)
            .map_or_else(|| Manifest::read(&root), Ok)?;
        // A folder given that holds the root walked the whole workspace; otherwise (a file
        // or a folder inside it was named) the rest of it is read now.
        let walked_whole = given
            .iter()
            .any(|path| path.is_dir() && manifest.root.starts_with(path));
        if !walked_whole {
            files.extend(workspace_members(&manifest, &mut owners));
        }
        files.sort();
        files.dedup();
        workspaces.push(WorkspaceFiles {
            root: manifest.root.clone(),
            evidence_roots: vec![manifest.root.clone()],
            files,
        });
    }
    if !loose.is_empty() {
        // The root that output paths are relative to: the one folder given, else the
        // current one; evidence must lie in a folder given (for a file given, the current
        // one).
        let root = match given.as_slice() {
            [single] if single.is_dir() => single.clone(),
            _ => cwd.clone(),
        };
        let mut evidence_roots = Vec::new();
        for path in &given {
            let folder = if path.is_dir() { path } else { &cwd };
            if !evidence_roots.contains(folder) {
                evidence_roots.push(folder.clone());
            }
        }
        workspaces.push(WorkspaceFiles {
            root,
            files: loose,
            evidence_roots,
        });
    }
    if workspaces.is_empty() {
        let shown_paths: Vec<String> = paths.iter().map(|p| format!("`{}`", shown(p))).collect();
        let mut message = format!("no `.ward` files found in {}", shown_paths.join(", "));
        for (path, reason) in &found.unreadable {
            message.push_str(&format!("; could not read `{}`: {reason}", shown(path)));
        }
        return Err(LoadError(message));
    }
    Ok(Discovery {
        workspaces,
        named,
        alone,
        skipped: Skipped {
            unreadable: found.unreadable,
            links: found.links,
        },
    })
}

/// The workspace files of a manifest's root: the walk of [`find_files`], without what
/// `exclude` leaves out and without nested workspaces (folders with a `ward.toml` of their
/// own). Unreadable entries are left out: the walk of the paths given reports those.
fn workspace_members(manifest: &Manifest, owners: &mut Owners) -> Vec<PathBuf> {
    let mut walk = walker(&manifest.root);
    let root = manifest.root.clone();
    let excluded = manifest.clone();
    walk.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
        let path = entry.path();
        let nested = is_dir && path != root && crate::manifest::is_root(path);
        !nested && !excluded.excludes(path, is_dir)
    });
    let files: Vec<PathBuf> = walk
        .build()
        .filter_map(Result::ok)
        .filter(is_ward_file)
        .map(ignore::DirEntry::into_path)
        .collect();
    for file in &files {
        if let Some(folder) = file.parent() {
            owners
                .folders
                .insert(folder.to_path_buf(), Some(manifest.root.clone()));
        }
    }
    files
}

/// Which `ward.toml` each folder belongs to, asked of the file system once per folder.
#[derive(Default)]
struct Owners {
    folders: HashMap<PathBuf, Option<PathBuf>>,
}

impl Owners {
    /// Whether a file met in the walk of a folder given is left out by an `exclude`: that
    /// of its own workspace, or of a workspace around it whose root the walk went through
    /// (so that a `ward.toml` at the top of a repository can leave out its test fixtures,
    /// workspaces of their own, while `ward check` of one fixture still checks it).
    fn excluded(
        &mut self,
        file: &Path,
        given: &[PathBuf],
        manifests: &mut HashMap<PathBuf, Manifest>,
    ) -> Result<bool, LoadError> {
        let Some(folder) = file.parent() else {
            return Ok(false);
        };
        let walked_from = given
            .iter()
            .filter(|path| file.starts_with(path))
            .max_by_key(|path| path.as_os_str().len());
        let mut roots: Vec<PathBuf> = Vec::new();
        for up in folder.ancestors() {
            if !walked_from.is_some_and(|from| up.starts_with(from)) {
                break;
            }
            if self.folder_root(up).as_deref() == Some(up) {
                roots.push(up.to_path_buf());
            }
        }
        if let Some(nearest) = self.folder_root(folder)
            && !roots.contains(&nearest)
        {
            roots.push(nearest);
        }
        for root in roots {
            let manifest = match manifests.entry(root) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(new) => {
                    let manifest = Manifest::read(new.key())?;
                    new.insert(manifest)
                }
            };
            // A folder named on the command line inside what a workspace leaves out is
            // checked all the same, as a file named is: the user asked for it.
            let named_inside = walked_from.is_some_and(|from| manifest.excludes(from, true));
            if !named_inside && manifest.excludes(file, false) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The root of the workspace that `file` belongs to, if any `ward.toml` is above it.
    fn root_of(&mut self, file: &Path) -> Option<PathBuf> {
        let folder = file.parent()?;
        self.folder_root(folder)
    }

    fn folder_root(&mut self, folder: &Path) -> Option<PathBuf> {
        if let Some(known) = self.folders.get(folder) {
            return known.clone();
        }
        let root = if crate::manifest::is_root(folder) {
            Some(folder.to_path_buf())
        } else {
            folder.parent().and_then(|up| self.folder_root(up))
        };
        self.folders.insert(folder.to_path_buf(), root.clone());
        root
    }
}

fn current_dir() -> Result<PathBuf, LoadError> {
    let cwd = std::env::current_dir()
        .map_err(|error| LoadError(format!("cannot read the current folder: {error}")))?;
    canonical(&cwd)
}

fn canonical(path: &Path) -> Result<PathBuf, LoadError> {
    std::fs::canonicalize(path).map_err(|error| {
        LoadError(format!(
            "cannot read `{}`: {}",
            shown(path),
            io_reason(&error)
        ))
    })
}

/// Tells on stderr which files given were checked without a workspace around them: the
/// other files of their folder were not read, so links to them are unresolved.
pub fn tell_alone(alone: &[PathBuf]) {
    let mut err = anstream::stderr();
    let cwd = shown_root().unwrap_or_default();
    for file in alone {
        let _ = writeln!(
            err,
            "note: `{}` is in no workspace (no `{}` above it): checked with the other paths given only; \
             `ward init` in its folder makes the folder a workspace",
            sanitise(&display_path(&cwd, file)),
            crate::manifest::MANIFEST
        );
    }
}

/// The folder paths are shown relative to on the terminal: the current one.
pub fn shown_root() -> Result<PathBuf, LoadError> {
    current_dir()
}

/// Loads the one workspace the paths touch, for the commands that read a workspace as a
/// whole (`ward export vex`, `ward import sbom`); paths touching several are an error that
/// names them.
pub fn load_one(paths: &[PathBuf], command: &str) -> Result<LoadedWorkspace, LoadError> {
    let mut discovery = discover(paths)?;
    if discovery.workspaces.len() > 1 {
        let roots: Vec<String> = discovery
            .workspaces
            .iter()
            .map(|workspace| format!("`{}`", shown(&workspace.root)))
            .collect();
        return Err(LoadError(format!(
            "`{command}` reads one workspace, and the paths given touch {}: {}; name one of them",
            roots.len(),
            roots.join(", ")
        )));
    }
    let workspace = discovery
        .workspaces
        .pop()
        .expect("discovery finds at least one workspace");
    load(&workspace)
}

/// Reads a workspace's files (in parallel) into an analysis host.
pub fn load(workspace: &WorkspaceFiles) -> Result<LoadedWorkspace, LoadError> {
    let texts: Vec<(PathBuf, Arc<str>)> = workspace
        .files
        .par_iter()
        .map(|path| {
            let text = read_text(path)?;
            Ok((path.clone(), Arc::from(text)))
        })
        .collect::<Result<_, LoadError>>()?;
    let mut host = AnalysisHost::new();
    host.add_files(texts);
    host.set_roots(workspace.evidence_roots.clone());
    Ok(LoadedWorkspace {
        root: workspace.root.clone(),
        host,
    })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{display_path, find_files, members_among};

    #[test]
    fn members_are_what_the_walk_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (name, text) in [
            ("a.ward", ""),
            ("sub/b.ward", ""),
            (".hidden/c.ward", ""),
            ("ignored/d.ward", ""),
            (".gitignore", "ignored/\n"),
        ] {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), text).unwrap();
        }
        std::os::unix::fs::symlink(root.join("a.ward"), root.join("link.ward")).unwrap();
        let all = find_files(&[root.to_path_buf()]).unwrap().files;
        assert_eq!(all, [root.join("a.ward"), root.join("sub/b.ward")]);
        assert_eq!(members_among(root, &[root.to_path_buf()]), all);
        assert_eq!(
            members_among(root, &[root.join("sub")]),
            [root.join("sub/b.ward")]
        );
        let named: Vec<PathBuf> = ["ignored/d.ward", ".hidden/c.ward", "link.ward", "a.ward"]
            .iter()
            .map(|name| root.join(name))
            .collect();
        assert_eq!(members_among(root, &named), [root.join("a.ward")]);
        assert!(members_among(root, &[PathBuf::from("/etc/passwd")]).is_empty());
    }

    #[test]
    fn paths_show_relative_to_the_root_or_absolute() {
        let root = Path::new("/work/project");
        assert_eq!(
            display_path(root, Path::new("/work/project/a/b.ward")),
            "a/b.ward"
        );
        assert_eq!(display_path(root, Path::new("/tmp/c.ward")), "/tmp/c.ward");
    }
}
