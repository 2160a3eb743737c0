//! The formatter on every `.ward` file of the repository and on random files: what it
//! accepts it formats once and for all (a second run changes nothing), and it never
//! changes what a file says (the position-free syntax before and after is the same).

mod support;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use support::generators::{edit_piece, mutate, piece, structured_file};
use ward_syntax::format::{apply, format};

/// Formats `text` if it parses; checks idempotence and meaning. Whether it was formatted.
fn holds(text: &str, what: &str) -> bool {
    let Ok(edits) = format(text) else {
        return false;
    };
    let out = apply(text, &edits);
    assert_eq!(
        ward_syntax::parse(text).ast,
        ward_syntax::parse(&out).ast,
        "{what}: the formatter changed the meaning"
    );
    let again =
        format(&out).unwrap_or_else(|error| panic!("{what}: formatted text refused: {error:?}"));
    assert!(
        again.is_empty(),
        "{what}: not idempotent:\n{out}\nthen {again:?}"
    );
    true
}

fn ward_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a folder").flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && name != "node_modules" && !name.starts_with('.') {
                ward_files(&path, found);
            }
        } else if name.ends_with(".ward") {
            found.push(path);
        }
    }
}

#[test]
fn every_ward_file_of_the_repository_formats_for_good() {
    let mut files = Vec::new();
    ward_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
        &mut files,
    );
    let mut formatted = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("UTF-8");
        formatted += usize::from(holds(&text, &path.display().to_string()));
    }
    assert!(
        formatted >= 40,
        "only {formatted} of {} files parsed",
        files.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn structured_files_format_for_good(text in structured_file()) {
        holds(&text, &format!("{text:?}"));
    }

    #[test]
    fn edited_files_format_for_good(
        base in structured_file(),
        edits in prop::collection::vec((0usize..2000, 0usize..3, edit_piece()), 1..4),
    ) {
        let text = mutate(&base, &edits);
        holds(&text, &format!("{text:?}"));
    }

    #[test]
    fn clean_pieces_format_for_good(pieces in prop::collection::vec(piece(), 1..6)) {
        let text: String = pieces.concat();
        holds(&text, &format!("{text:?}"));
    }
}
