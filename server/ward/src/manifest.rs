//! `ward.toml`: the file that marks the root of a workspace, as `Cargo.toml` marks a
//! package, and holds its settings. A `.ward` file belongs to the nearest `ward.toml` above
//! it; each workspace is analysed on its own.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Deserialize;
use ward_analysis::{LineIndex, PositionEncoding};

use crate::workspace::{LoadError, shown};

/// The file name of the marker.
pub const MANIFEST: &str = "ward.toml";

/// What a `ward.toml` may say. Unknown keys are errors, so that a misspelt setting is not
/// silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ManifestFile {
    /// Paths left out of the workspace: gitignore-style globs relative to the folder of
    /// `ward.toml`.
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
}

/// A workspace's root and settings, read from its `ward.toml`.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The folder that holds `ward.toml`.
    pub root: PathBuf,
    exclude: Gitignore,
}

impl Manifest {
    /// Reads the `ward.toml` of `root`. A file that is not valid TOML, a key Ward does not
    /// know, or a glob that does not parse is an error naming the file, line and column.
    pub fn read(root: &Path) -> Result<Manifest, LoadError> {
        let path = root.join(MANIFEST);
        let text = crate::workspace::read_text(&path)?;
        Manifest::parse(root, &path, &text)
    }

    /// The settings of a `ward.toml` that could not be read: a root, excluding nothing.
    pub fn empty(root: &Path) -> Manifest {
        Manifest {
            root: root.to_path_buf(),
            exclude: Gitignore::empty(),
        }
    }

    fn parse(root: &Path, path: &Path, text: &str) -> Result<Manifest, LoadError> {
        let located = |span: Option<std::ops::Range<usize>>, message: &str| {
            let at = span.map_or(String::new(), |span| {
                let index = LineIndex::new(text);
                let pos = index.line_col(text, span.start, PositionEncoding::Utf32);
                format!(":{}:{}", pos.line + 1, pos.col + 1)
            });
            LoadError(format!("{}{at}: {}", shown(path), message.trim_end()))
        };
        let file: ManifestFile =
            toml::from_str(text).map_err(|error| located(error.span(), error.message()))?;
        let mut exclude = GitignoreBuilder::new(root);
        for glob in &file.exclude {
            exclude
                .add_line(None, glob.get_ref())
                .map_err(|error| located(Some(glob.span()), &format!("in `exclude`: {error}")))?;
        }
        let exclude = exclude
            .build()
            .map_err(|error| located(None, &format!("in `exclude`: {error}")))?;
        Ok(Manifest {
            root: root.to_path_buf(),
            exclude,
        })
    }

    /// Whether `path` (inside the root) is left out by `exclude`, itself or through one of
    /// its folders.
    pub fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        path.starts_with(&self.root)
            && self
                .exclude
                .matched_path_or_any_parents(path, is_dir)
                .is_ignore()
    }
}

/// Whether `folder` holds a `ward.toml`.
pub fn is_root(folder: &Path) -> bool {
    folder.join(MANIFEST).is_file()
}

/// The nearest folder at or above `folder` that holds a `ward.toml`.
pub fn nearest_root(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .find(|up| is_root(up))
        .map(Path::to_path_buf)
}

/// Whether a path is a workspace marker: when one appears or goes, the workspaces change.
pub fn is_manifest(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == MANIFEST)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Manifest;

    fn parse(text: &str) -> Result<Manifest, String> {
        let root = Path::new("/w");
        Manifest::parse(root, &root.join("ward.toml"), text).map_err(|error| error.0)
    }

    #[test]
    fn an_empty_manifest_marks_a_root_and_excludes_nothing() {
        let manifest = parse("").unwrap();
        assert!(!manifest.excludes(Path::new("/w/a.ward"), false));
    }

    #[test]
    fn exclude_takes_gitignore_globs_relative_to_the_root() {
        let manifest = parse("exclude = [\"vendor/\", \"**/*.draft.ward\", \"/old\"]").unwrap();
        assert!(manifest.excludes(Path::new("/w/vendor/x/a.ward"), false));
        assert!(manifest.excludes(Path::new("/w/vendor"), true));
        assert!(manifest.excludes(Path::new("/w/sub/b.draft.ward"), false));
        assert!(manifest.excludes(Path::new("/w/old/c.ward"), false));
        assert!(!manifest.excludes(Path::new("/w/sub/old/c.ward"), false));
        assert!(!manifest.excludes(Path::new("/w/a.ward"), false));
        assert!(!manifest.excludes(Path::new("/elsewhere/vendor/a.ward"), false));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_at_their_place() {
        let error = parse("# settings\nexlude = []\n").unwrap_err();
        assert!(
            error.starts_with("/w/ward.toml:2:1: unknown field `exlude`"),
            "{error}"
        );
        assert!(error.contains("`exclude`"), "{error}");
        let error = parse("exclude = \"vendor\"").unwrap_err();
        assert!(error.starts_with("/w/ward.toml:1:11: "), "{error}");
        let error = parse("exclude = [\n  \"ok\",\n  \"a/[z-a]\",\n]").unwrap_err();
        assert!(
            error.starts_with("/w/ward.toml:3:3: in `exclude`"),
            "{error}"
        );
        let error = parse("exclude = [").unwrap_err();
        assert!(error.starts_with("/w/ward.toml:1:"), "{error}");
    }
}
