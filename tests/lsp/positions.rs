//! Positions both ways in UTF-16 (VS Code) and UTF-8 (Helix): non-ASCII text, emoji
//! (two UTF-16 units, four bytes), astral-plane letters, CRLF and lone CR line breaks.

use serde_json::json;

use crate::harness::{Client, EXAMPLE, Editor, Workspace, range};

/// Every line break style, non-ASCII before the positions that matter.
const TEXT: &str = "// Ünïcödé 😀😀 comment\r\nthreat T-1 \"😀 émoji 日本\" { targets: PUMP-CMX, PUMP-CMY }\r\n\r\nthreat T-2 \"𝄞 clef\" {\r\n  targets: PUMP-CMZ\r\n}\r\nthreat T-3 \"x\" {\r  targets: PUMP-CMQ\r}\r";

/// The byte ranges of the unresolved references of `text`, sorted.
fn expected(text: &str, names: &[&str], enc: crate::harness::Enc) -> Vec<serde_json::Value> {
    let mut ranges: Vec<(usize, usize)> = names
        .iter()
        .map(|name| {
            let at = text.find(name).unwrap();
            (at, at + name.len())
        })
        .collect();
    ranges.sort();
    ranges
        .into_iter()
        .map(|(start, end)| range(text, start, end, enc))
        .collect()
}

fn unresolved(client: &Client, path: &std::path::Path) -> Vec<serde_json::Value> {
    client
        .diagnostics_of(path)
        .into_iter()
        .filter(|d| d["code"] == "unresolved-reference")
        .map(|d| d["range"].clone())
        .collect()
}

#[test]
fn positions_are_exact_both_ways_in_both_encodings() {
    for editor in [Editor::VsCode, Editor::Helix] {
        let enc = editor.encoding();
        let workspace = Workspace::new(EXAMPLE);
        let mut client = Client::start(editor, &workspace.root());
        let path = workspace.path("emoji.ward");
        let mut text = TEXT.to_owned();
        client.did_open(&path, &text);
        client.wait_version(&path, 1);
        let names = ["PUMP-CMX", "PUMP-CMY", "PUMP-CMZ", "PUMP-CMQ"];
        assert_eq!(
            unresolved(&client, &path),
            expected(&text, &names, enc),
            "{editor:?}"
        );

        // Client → server: an edit after emoji on a CRLF line fixes one reference.
        let at = text.find("PUMP-CMY").unwrap();
        client.did_change(
            &path,
            2,
            json!([{"range": range(&text, at, at + 8, enc), "text": "PUMP-CMD"}]),
        );
        text.replace_range(at..at + 8, "PUMP-CMD");
        client.wait_version(&path, 2);
        let names = ["PUMP-CMX", "PUMP-CMZ", "PUMP-CMQ"];
        assert_eq!(
            unresolved(&client, &path),
            expected(&text, &names, enc),
            "{editor:?}"
        );

        // More emoji before the ranges on the same line, and an edit on a line after a lone CR:
        // both changes in one notification, the second's position in the text after the first.
        let title = text.find("😀 émoji").unwrap() + "😀".len();
        let first = range(&text, title, title, enc);
        text.insert_str(title, "😀𝄞");
        let lone = text.find("  targets: PUMP-CMQ").unwrap();
        let second = range(&text, lone, lone + 2, enc);
        text.replace_range(lone..lone + 2, "\t\t");
        client.did_change(
            &path,
            3,
            json!([{"range": first, "text": "😀𝄞"}, {"range": second, "text": "\t\t"}]),
        );
        client.wait_version(&path, 3);
        assert_eq!(
            unresolved(&client, &path),
            expected(&text, &names, enc),
            "{editor:?}"
        );

        // Deleting across a CRLF joins lines; ranges after it move up.
        let crlf = text.find("}\r\n\r\nthreat").unwrap() + 1;
        client.did_change(
            &path,
            4,
            json!([{"range": range(&text, crlf, crlf + 4, enc), "text": " "}]),
        );
        text.replace_range(crlf..crlf + 4, " ");
        client.wait_version(&path, 4);
        assert_eq!(
            unresolved(&client, &path),
            expected(&text, &names, enc),
            "{editor:?}"
        );

        // Server → client and back: a request at a position after the emoji.
        let fix = text.find("PUMP-CMX").unwrap();
        client.did_change(
            &path,
            5,
            json!([{"range": range(&text, fix, fix + 8, enc), "text": "PUMP-CMD"}]),
        );
        text.replace_range(fix..fix + 8, "PUMP-CMD");
        let params = client.at(&path, &text, fix + 3);
        let result = client
            .request("textDocument/documentHighlight", params)
            .expect("documentHighlight");
        let ranges: Vec<&serde_json::Value> = result
            .as_array()
            .map(|list| list.iter().map(|h| &h["range"]).collect())
            .unwrap_or_default();
        assert!(
            ranges.contains(&&range(&text, fix, fix + 8, enc)),
            "{editor:?}: {result}"
        );
    }
}

#[test]
fn a_column_past_the_end_of_a_line_clamps_to_it() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let path = workspace.path("emoji.ward");
    let mut text = "threat T-1 \"😀\" {\r\n  targets: PUMP-CMD\r\n}\r\n".to_owned();
    client.did_open(&path, &text);
    client.wait_version(&path, 1);
    // Insert at column 999 of line 1: lands before its CRLF.
    client.did_change(
        &path,
        2,
        json!([{"range": {"start": {"line": 1, "character": 999}, "end": {"line": 1, "character": 999}}, "text": ", NOPE"}]),
    );
    let end = text.find("PUMP-CMD").unwrap() + 8;
    text.insert_str(end, ", NOPE");
    client.wait_version(&path, 2);
    let found: Vec<serde_json::Value> = unresolved(&client, &path);
    let at = text.find("NOPE").unwrap();
    assert_eq!(
        found,
        vec![range(&text, at, at + 4, crate::harness::Enc::Utf16)]
    );
}
