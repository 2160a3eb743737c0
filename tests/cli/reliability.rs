//! The audit's bugs of reading files and showing their names (the reliability issue, items
//! 3, 4, 6, 10, 11 and 12), each through the real binary: line breaks of old Mac files,
//! evidence that is no file of the workspace, unreadable folders, one file named twice,
//! escape sequences in file names, and symbolic links skipped in silence.

use crate::{check_json, workspace};

// Item 3 ---------------------------------------------------------------------------------

#[test]
fn a_comment_ends_at_a_carriage_return_alone() {
    // Before, the first comment ran to the next `\n`, so the whole file was one comment:
    // no item, no finding, exit 0.
    let dir = workspace(&[(
        "assets.ward",
        "// assets, with old Mac line breaks\rasset A-1 \"Pump\" { kind: data }\r\
         // a second comment\rasset A-2 \"Cloud\" { kind: data } // after\r",
    )]);
    let (json, _) = check_json(dir.path(), &[]);
    assert_eq!(json["summary"]["items"], 2, "{json:#}");
    let places: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("untargeted-asset".to_owned(), 2),
            ("untargeted-asset".to_owned(), 4)
        ]
    );
}
