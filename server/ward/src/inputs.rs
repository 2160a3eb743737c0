//! External input files on disk (test reports): which files the plan's globs name, and
//! reading them, with those the command line names (`--junit`, `--sbom`), into the analysis
//! host.
//! `ward check`, `ward report` and the language server find them by the same rules.
//!
//! A glob is relative to the plan's folder and matches as in `.gitignore`: `*` stays within
//! a folder, `**` crosses folders. Unlike the walk for `.ward` files, git-ignored and hidden
//! paths are searched: reports are build artefacts (`target/nextest/ci/junit.xml`), which are
//! git-ignored as a rule, and the glob names them on purpose.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use ward_analysis::{AnalysisHost, InputKind, InputSource};

use crate::workspace::{LoadError, read_text, shown};

/// The input files a command line names besides the plan's globs, shared by `ward check`
/// and `ward report` so that the report is made from what `ward check` read.
#[derive(Args, Debug)]
pub struct InputArgs {
    /// JUnit XML test reports to read, besides those of the plan's `test-results`.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub junit: Vec<PathBuf>,
    /// SBOMs to check the components against (CycloneDX JSON 1.4 to 1.6, SPDX 2.3 JSON),
    /// besides those of the plan's `sbom`.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub sbom: Vec<PathBuf>,
}

impl InputArgs {
    /// The files named, with their kinds.
    pub fn inputs(&self) -> Vec<(InputKind, PathBuf)> {
        let reports = self
            .junit
            .iter()
            .map(|path| (InputKind::TestReport, path.clone()));
        let sboms = self.sbom.iter().map(|path| (InputKind::Sbom, path.clone()));
        reports.chain(sboms).collect()
    }
}

/// A glob of the plan that is not a glob, or that matches no file: worth a warning, since
/// the checks then silently see no report.
#[derive(Debug, PartialEq, Eq)]
pub struct GlobNote {
    pub kind: InputKind,
    pub pattern: String,
    pub problem: String,
}

/// The files one source's globs match, sorted, and what was wrong with its globs.
pub fn matching_files(source: &InputSource) -> (Vec<PathBuf>, Vec<GlobNote>) {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for pattern in &source.patterns {
        match files_of_glob(&source.folder, pattern) {
            Ok(found) if found.is_empty() => notes.push(GlobNote {
                kind: source.kind,
                pattern: pattern.clone(),
                problem: "matches no file".to_owned(),
            }),
            Ok(found) => files.extend(found),
            Err(problem) => notes.push(GlobNote {
                kind: source.kind,
                pattern: pattern.clone(),
                problem,
            }),
        }
    }
    files.sort();
    files.dedup();
    (files, notes)
}

/// Whether a path may be one of a source's files: what the language server asks of a
/// watched-file event before reading the inputs again.
pub fn may_match(source: &InputSource, path: &Path) -> bool {
    source.patterns.iter().any(|pattern| {
        let (base, rest) = split_glob(&source.folder, pattern);
        match rest {
            None => path == base,
            Some(rest) => path
                .strip_prefix(&base)
                .ok()
                .zip(glob(&rest).ok())
                .is_some_and(|(relative, glob)| glob.is_match(relative)),
        }
    })
}

/// A glob's folder without glob characters, and the glob below it (`None` for a plain path).
fn split_glob(folder: &Path, pattern: &str) -> (PathBuf, Option<String>) {
    let parts: Vec<&str> = pattern.split('/').collect();
    let literal = parts
        .iter()
        .position(|part| part.contains(['*', '?', '[', '{']))
        .unwrap_or(parts.len());
    let mut base = folder.to_path_buf();
    for part in &parts[..literal] {
        match *part {
            "" | "." => {}
            ".." => {
                base.pop();
            }
            part => base.push(part),
        }
    }
    let rest = (literal < parts.len()).then(|| parts[literal..].join("/"));
    (base, rest)
}

fn glob(pattern: &str) -> Result<globset::GlobMatcher, String> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|error| format!("is not a valid glob: {}", error.kind()))
}

fn files_of_glob(folder: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let (base, rest) = split_glob(folder, pattern);
    let Some(rest) = rest else {
        return Ok(if base.is_file() {
            vec![base]
        } else {
            Vec::new()
        });
    };
    let glob = glob(&rest)?;
    let mut walk = ignore::WalkBuilder::new(&base);
    walk.standard_filters(false);
    let mut files: Vec<PathBuf> = walk
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|kind| kind.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|path| {
            path.strip_prefix(&base)
                .is_ok_and(|relative| glob.is_match(relative))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The files of each input kind.
pub type FoundInputs = Vec<(InputKind, Vec<PathBuf>)>;

/// The files of each input kind: those the plan's globs match and those named (on the
/// command line), canonical and deduplicated. A named file that cannot be read is an error,
/// as a missing path is.
pub fn find(
    sources: &[InputSource],
    named: &[(InputKind, PathBuf)],
) -> Result<(FoundInputs, Vec<GlobNote>), LoadError> {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    for &kind in InputKind::ALL {
        let mut files = Vec::new();
        for (_, path) in named.iter().filter(|(of, _)| *of == kind) {
            let metadata = std::fs::metadata(path).map_err(|error| {
                LoadError(format!("cannot read `{}`: {}", shown(path), reason(&error)))
            })?;
            if !metadata.is_file() {
                return Err(LoadError(format!(
                    "cannot read `{}`: it is a folder; name the {} files",
                    shown(path),
                    kind.noun()
                )));
            }
            files.push(canonical(path)?);
        }
        for source in sources.iter().filter(|source| source.kind == kind) {
            let (matched, glob_notes) = matching_files(source);
            notes.extend(glob_notes);
            for path in matched {
                files.push(canonical(&path)?);
            }
        }
        files.sort();
        files.dedup();
        found.push((kind, files));
    }
    Ok((found, notes))
}

fn canonical(path: &Path) -> Result<PathBuf, LoadError> {
    std::fs::canonicalize(path)
        .map_err(|error| LoadError(format!("cannot read `{}`: {}", shown(path), reason(&error))))
}

fn reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

/// Reads the files of one kind.
pub fn read(files: &[PathBuf]) -> Result<Vec<(PathBuf, Arc<str>)>, LoadError> {
    files
        .iter()
        .map(|path| Ok((path.clone(), Arc::from(read_text(path)?))))
        .collect()
}

/// Finds, reads and sets the inputs of a loaded workspace: the plan's globs and `named`.
/// What was wrong with the plan's globs is returned, for a warning.
pub fn load(
    host: &mut AnalysisHost,
    named: &[(InputKind, PathBuf)],
) -> Result<Vec<GlobNote>, LoadError> {
    let sources = host
        .analysis()
        .input_sources()
        .map_err(|_| LoadError("the analysis was cancelled".to_owned()))?;
    let (found, notes) = find(&sources, named)?;
    for (kind, files) in found {
        host.set_inputs(kind, read(&files)?);
    }
    Ok(notes)
}

impl std::fmt::Display for GlobNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the plan's {} glob `{}` {}",
            self.kind.plan_field().name,
            crate::workspace::sanitise(&self.pattern),
            self.problem
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use ward_analysis::{InputKind, InputSource};

    use super::{matching_files, may_match};

    #[test]
    fn globs_match_below_the_plans_folder_including_ignored_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "reports/a.xml",
            "reports/deep/b.xml",
            "target/nextest/ci/junit.xml",
            "reports/c.txt",
            ".gitignore",
        ] {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), "target/\n").unwrap();
        }
        let source = |patterns: &[&str]| InputSource {
            kind: InputKind::TestReport,
            folder: root.to_path_buf(),
            patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
        };
        let (files, notes) = matching_files(&source(&["reports/*.xml"]));
        assert_eq!(files, [root.join("reports/a.xml")]);
        assert!(notes.is_empty());
        let (files, _) = matching_files(&source(&[
            "reports/**/*.xml",
            "target/nextest/ci/junit.xml",
        ]));
        assert_eq!(
            files,
            [
                root.join("reports/a.xml"),
                root.join("reports/deep/b.xml"),
                root.join("target/nextest/ci/junit.xml"),
            ]
        );
        let (files, notes) = matching_files(&source(&["nothing/*.xml", "reports/[.xml"]));
        assert!(files.is_empty());
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].problem, "matches no file");
        assert!(
            notes[1].problem.starts_with("is not a valid glob"),
            "{}",
            notes[1].problem
        );
        let watched = source(&["reports/*.xml"]);
        assert!(may_match(&watched, &root.join("reports/new.xml")));
        assert!(!may_match(&watched, &root.join("reports/deep/new.xml")));
        assert!(!may_match(
            &watched,
            &PathBuf::from("/elsewhere/reports/a.xml")
        ));
    }
}
