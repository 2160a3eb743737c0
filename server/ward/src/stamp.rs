//! `ward stamp [ID...] [--all]`: writes the current fingerprint of each link's target into
//! the links of the named items (of every item with `--all`), in the workspace of the
//! current folder. Only the stamps change: every other byte of a file (comments, layout,
//! line breaks, a byte-order mark) stays. A file with syntax errors is refused, and so is a
//! target in one (its fingerprint would be of what the parser guessed): then nothing is
//! written. Running it again changes nothing.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use ward_analysis::format::apply;
use ward_analysis::ide::StampEdit;
use ward_analysis::{FileId, FileRange, ItemKind, ItemRef};

use crate::places::{Places, ShownPaths};
use crate::workspace;

/// The command's snapshot is the only one and nothing writes while it lives, so no query
/// of it is cancelled.
const OWN_SNAPSHOT: &str = "no write overtakes the command's own snapshot";

#[derive(Args, Debug)]
pub struct StampArgs {
    /// The items whose links to stamp, by ID.
    pub ids: Vec<String>,
    /// Stamp the links of every item.
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,
}

/// Runs `ward stamp`; returns the exit code: 0 when every link is stamped (changed or
/// already current), 1 when a file with syntax errors was refused (nothing is written), 2
/// when the command could not run (no ID, an unknown ID, a file that cannot be read or
/// written).
pub fn run(args: &StampArgs) -> i32 {
    let mut err = anstream::stderr();
    if args.ids.is_empty() && !args.all {
        let _ = writeln!(
            err,
            "error: name the items whose links to stamp (`ward stamp V-PAIR`), or give `--all`"
        );
        return 2;
    }
    // The workspace of the current folder (its `ward.toml`, or the folder itself).
    let loaded = match workspace::load_one(&[], "ward stamp") {
        Ok(loaded) => loaded,
        Err(error) => {
            let _ = writeln!(err, "error: {error}");
            return 2;
        }
    };
    let analysis = loaded.host.analysis();
    let mut items = Vec::new();
    if args.all {
        for file in analysis.files() {
            let ast = analysis.file_ast(file).expect(OWN_SNAPSHOT);
            for (at, item) in ast.items.iter().enumerate() {
                if item.kind != ItemKind::Plan {
                    items.push(ItemRef {
                        file,
                        item: at as u32,
                        kind: item.kind,
                    });
                }
            }
        }
    } else {
        for id in &args.ids {
            match analysis.name_info(id).expect(OWN_SNAPSHOT).def() {
                Some(item) => items.push(item),
                None => {
                    let _ = writeln!(err, "error: no item is named `{}`", workspace::sanitise(id));
                    return 2;
                }
            }
        }
    }
    items.sort();
    items.dedup();
    let edits = analysis.stamp_items(&items).expect(OWN_SNAPSHOT);
    let places = Places::new(&analysis, ShownPaths { root: &loaded.root });

    // Every file that would change, and every file of a target, must parse cleanly.
    let mut involved: Vec<FileId> = edits.iter().map(|edit| edit.file).collect();
    for edit in &edits {
        if let Some(target) = analysis.name_info(&edit.name).expect(OWN_SNAPSHOT).def() {
            involved.push(target.file);
        }
    }
    involved.sort();
    involved.dedup();
    let mut refused = false;
    for &file in &involved {
        let errors = analysis.syntax_errors(file).expect(OWN_SNAPSHOT);
        if let Some(first) = errors.first() {
            refused = true;
            let place = places.place(FileRange {
                file,
                range: first.range,
            });
            let _ = writeln!(
                err,
                "error: {place}: {}; `ward stamp` changes nothing while a file it reads or writes has syntax errors",
                first.message
            );
        }
    }
    if refused {
        let _ = writeln!(err, "ward stamp: no file changed");
        return 1;
    }

    let mut by_file: BTreeMap<PathBuf, (FileId, Vec<&StampEdit>)> = BTreeMap::new();
    for edit in &edits {
        by_file
            .entry(analysis.path(edit.file))
            .or_insert((edit.file, Vec::new()))
            .1
            .push(edit);
    }
    let mut out = std::io::stdout().lock();
    for (path, (file, mut stamps)) in by_file {
        stamps.sort_by_key(|edit| edit.edit.range.start);
        stamps.dedup_by_key(|edit| edit.edit.range.start);
        let text = analysis.text(file);
        let text_edits: Vec<_> = stamps.iter().map(|edit| edit.edit.clone()).collect();
        let mut new_text = String::new();
        // A byte-order mark is not text to the analysis, but it is the user's: keep it.
        if std::fs::read(&path).is_ok_and(|bytes| bytes.starts_with(b"\xEF\xBB\xBF")) {
            new_text.push('\u{feff}');
        }
        new_text.push_str(&apply(&text, &text_edits));
        if let Err(error) = std::fs::write(&path, new_text) {
            let _ = writeln!(
                err,
                "error: cannot write `{}`: {error}",
                workspace::shown(&path)
            );
            return 2;
        }
        for edit in stamps {
            let place = places.place(FileRange {
                file,
                range: edit.name_range,
            });
            let id = analysis
                .file_ast(file)
                .expect(OWN_SNAPSHOT)
                .items
                .get(edit.item.item as usize)
                .and_then(|item| item.id.clone())
                .unwrap_or_default();
            let was = match &edit.old {
                Some(old) => format!("was `{}`", workspace::sanitise(old)),
                None => "was not stamped".to_owned(),
            };
            let _ = writeln!(out, "{place}: {id} → {}@{} ({was})", edit.name, edit.new);
        }
    }
    let count = edits.len();
    let _ = writeln!(
        err,
        "ward stamp: {}",
        match count {
            0 => "every link is stamped and current; no file changed".to_owned(),
            1 => "stamped 1 link".to_owned(),
            _ => format!("stamped {count} links"),
        }
    );
    0
}
