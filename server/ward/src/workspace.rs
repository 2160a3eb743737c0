//! Finding and reading the `.ward` files of a workspace from disk: for the command line, and
//! the one rule of which files belong to a workspace, which the language server follows too.

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use ward_analysis::{AnalysisHost, LineIndex, PositionEncoding};

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
    pub root: PathBuf,
    pub host: AnalysisHost,
    /// What the walk left out that the user should hear of (see [`Found`]).
    pub unreadable: Vec<(PathBuf, String)>,
    pub links: Vec<PathBuf>,
}

impl LoadedWorkspace {
    /// Tells on stderr what the walk left out: every folder or file it could not read, and
    /// with `verbose` every symbolic link it did not follow.
    pub fn tell_skipped(&self, verbose: bool) {
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

/// Loads the workspace named by the command line's paths (default: the current folder).
///
/// Every file is read under its canonical path (`..` and symbolic links resolved), so that
/// one file named twice (`ward check ex ex/../ex`, a folder and a link to it) is read once:
/// read twice, each of its IDs would be a `duplicate-id`.
pub fn load(paths: &[PathBuf]) -> Result<LoadedWorkspace, LoadError> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let cwd = std::env::current_dir()
        .map_err(|error| LoadError(format!("cannot read the current folder: {error}")))?;
    let canonical = |path: &Path| {
        std::fs::canonicalize(path).map_err(|error| {
            LoadError(format!(
                "cannot read `{}`: {}",
                shown(path),
                io_reason(&error)
            ))
        })
    };
    // The root that output paths are relative to: the one folder given, else the current one.
    let root = match paths.as_slice() {
        [single] if single.is_dir() => canonical(single)?,
        _ => canonical(&cwd)?,
    };
    // The folders evidence must lie in: each folder given; for a file given, the current one.
    let mut roots = Vec::new();
    for path in &paths {
        let folder = if path.is_dir() { path } else { &cwd };
        let folder = canonical(folder)?;
        if !roots.contains(&folder) {
            roots.push(folder);
        }
    }
    let found = find_files(&paths)?;
    let mut files = found
        .files
        .iter()
        .map(|path| canonical(path))
        .collect::<Result<Vec<_>, _>>()?;
    files.sort();
    files.dedup();
    if files.is_empty() {
        let shown_paths: Vec<String> = paths.iter().map(|p| format!("`{}`", shown(p))).collect();
        let mut message = format!("no `.ward` files found in {}", shown_paths.join(", "));
        for (path, reason) in &found.unreadable {
            message.push_str(&format!("; could not read `{}`: {reason}", shown(path)));
        }
        return Err(LoadError(message));
    }
    let texts: Vec<(PathBuf, Arc<str>)> = files
        .into_par_iter()
        .map(|path| {
            let text = read_text(&path)?;
            Ok((path, Arc::from(text)))
        })
        .collect::<Result<_, LoadError>>()?;
    let mut host = AnalysisHost::new();
    host.add_files(texts);
    host.set_roots(roots);
    Ok(LoadedWorkspace {
        root,
        host,
        unreadable: found.unreadable,
        links: found.links,
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
