//! `ward fmt [PATH...] [--check]`: gives every `.ward` file the canonical layout, in place,
//! or with `--check` only says which files would change (exit 1), for CI and pre-commit.
//! A file with syntax errors is left alone and named with the place of its first error.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use ward_analysis::format::{apply, format};
use ward_analysis::{LineIndex, PositionEncoding};

use crate::workspace::{self, LoadError};

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Files or folders to format (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit with 1 when a file would change.
    #[arg(long)]
    pub check: bool,
}

/// What became of one file.
enum Outcome {
    Unchanged,
    Changed,
    Refused(String),
}

/// Runs `ward fmt`; returns the exit code: 0 when every file is formatted (or, with
/// `--check`, already was), 1 when `--check` found a file to change, 2 when a file could
/// not be read, written or formatted.
pub fn run(args: &FmtArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // The files `ward check` reads: a folder's files but those its `ward.toml` excludes
    // (vendored or generated files are not the user's to reformat); a file named is
    // formatted even when excluded.
    let discovery = match workspace::discover(&paths) {
        Ok(discovery) => discovery,
        Err(LoadError(message)) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            return 2;
        }
    };
    // As `ward check`: a folder that cannot be read is skipped, said, and the rest formatted.
    for (path, reason) in &discovery.skipped.unreadable {
        let _ = writeln!(
            anstream::stderr(),
            "warning: skipped `{}`: {reason}; the rest is formatted",
            workspace::shown(path)
        );
    }
    let mut files: Vec<PathBuf> = discovery.named.into_iter().collect();
    files.sort();
    let cwd = std::env::current_dir().unwrap_or_default();
    let (mut changed, mut unchanged, mut refused) = (0, 0, 0);
    for path in &files {
        // A file name may hold escape sequences; the terminal must not obey them.
        let shown = workspace::sanitise(&workspace::display_path(
            &cwd,
            &std::path::absolute(path).unwrap_or(path.clone()),
        ));
        match format_file(path, args.check) {
            Outcome::Unchanged => unchanged += 1,
            Outcome::Changed => {
                changed += 1;
                if args.check {
                    let _ = writeln!(std::io::stdout(), "would reformat {shown}");
                }
            }
            Outcome::Refused(reason) => {
                refused += 1;
                let _ = writeln!(anstream::stderr(), "error: {shown}{reason}");
            }
        }
    }
    let plural = |count: usize| if count == 1 { "file" } else { "files" };
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    let _ = writeln!(
        anstream::stderr(),
        "ward fmt: {changed} {} {verb}, {unchanged} already formatted{}",
        plural(changed),
        if refused > 0 {
            format!(", {refused} not formatted")
        } else {
            String::new()
        }
    );
    if refused > 0 {
        2
    } else if args.check && changed > 0 {
        1
    } else {
        0
    }
}

/// Formats one file; the reason of a refusal starts with its place (`:line:col: ...`).
fn format_file(path: &std::path::Path, check: bool) -> Outcome {
    let text = match workspace::read_text(path) {
        Ok(text) => text,
        Err(LoadError(message)) => return Outcome::Refused(format!(": {message}")),
    };
    let edits = match format(&text) {
        Ok(edits) => edits,
        Err(error) => {
            let at = LineIndex::new(&text).line_col(
                &text,
                error.range.start as usize,
                PositionEncoding::Utf32,
            );
            return Outcome::Refused(format!(
                ":{}:{}: {}",
                at.line + 1,
                at.col + 1,
                error.message
            ));
        }
    };
    if edits.is_empty() {
        return Outcome::Unchanged;
    }
    if !check {
        // A byte-order mark is not text to the formatter, but it is the user's: keep it.
        let had_bom = std::fs::read(path).is_ok_and(|bytes| bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut out = String::new();
        if had_bom {
            out.push('\u{feff}');
        }
        out.push_str(&apply(&text, &edits));
        if let Err(error) = std::fs::write(path, out) {
            return Outcome::Refused(format!(": cannot write it: {error}"));
        }
    }
    Outcome::Changed
}
