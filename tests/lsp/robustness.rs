//! Malformed messages: each is answered with its JSON-RPC error (or, for a lower-case header
//! or a lone surrogate escape, served), the server keeps serving and exits with 0 after
//! shutdown; when it does stop early, its log says why.

use serde_json::{Value, json};

use crate::harness::{
    Client, EXAMPLE, Editor, Workspace, example_names, example_text, range, uri, wait_indexed,
};

/// What the server must do with a message.
enum Expect {
    /// Answer with this error code and id.
    Error(i64, Value),
    /// Serve it: a request with this id gets a result.
    Result(i64),
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn hover_body(id: Value, jsonrpc: &str, workspace: &Workspace) -> Vec<u8> {
    let threats = example_text("threats.ward");
    let at = threats.find("PUMP-CMD").unwrap() + 2;
    let path = workspace.path("threats.ward");
    serde_json::to_vec(&json!({
        "jsonrpc": jsonrpc,
        "id": id,
        "method": "textDocument/hover",
        "params": {
            "textDocument": {"uri": uri(&path)},
            "position": crate::harness::position(threats, at, crate::harness::Enc::Utf16),
        }
    }))
    .unwrap()
}

/// Every trigger of the issue, and a few more framing errors.
fn triggers(workspace: &Workspace) -> Vec<(&'static str, Vec<u8>, Expect)> {
    let hover = |id: i64| hover_body(json!(id), "2.0", workspace);
    let mut lower = format!("content-length: {}\r\n\r\n", hover(902).len()).into_bytes();
    lower.extend(hover(902));
    let mut untyped = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".to_vec();
    untyped.extend(hover(903));
    let mut bad_length = b"Content-Length: twelve\r\n\r\n".to_vec();
    bad_length.extend(hover(904));
    let batch = [b"[".to_vec(), hover(905), b"]".to_vec()].concat();
    let float_id = String::from_utf8(hover(906)).unwrap().replace("906", "1.5");
    vec![
        (
            "a body that is not JSON",
            frame(br#"{"jsonrpc": "2.0", "id": 1, "method": "#),
            Expect::Error(-32700, Value::Null),
        ),
        (
            "invalid UTF-8",
            frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xc3\x28\"}"),
            Expect::Error(-32700, Value::Null),
        ),
        ("a batch", frame(&batch), Expect::Error(-32600, Value::Null)),
        (
            "jsonrpc 1.0",
            frame(&hover_body(json!(901), "1.0", workspace)),
            Expect::Error(-32600, json!(901)),
        ),
        (
            "an id of 1.5",
            frame(float_id.as_bytes()),
            Expect::Error(-32600, Value::Null),
        ),
        (
            "a bare number",
            frame(b"42"),
            Expect::Error(-32600, Value::Null),
        ),
        ("a lower-case Content-Length", lower, Expect::Result(902)),
        (
            "no Content-Length",
            untyped,
            Expect::Error(-32700, Value::Null),
        ),
        (
            "a Content-Length that is no number",
            bad_length,
            Expect::Error(-32700, Value::Null),
        ),
        (
            "a line that is no header",
            b"hello\r\n".to_vec(),
            Expect::Error(-32700, Value::Null),
        ),
    ]
}

fn started() -> (Workspace, Client) {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    wait_indexed(&mut client, &workspace, &example_names());
    (workspace, client)
}

/// A normal request: hover on a link to another file.
fn assert_hover_works(client: &mut Client, workspace: &Workspace, what: &str) {
    let text = example_text("threats.ward");
    let at = text.find("PUMP-CMD").unwrap() + 2;
    let result = client
        .request(
            "textDocument/hover",
            client.at(&workspace.path("threats.ward"), text, at),
        )
        .unwrap_or_else(|error| panic!("after {what}: {error}"));
    let shown = result["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("Insulin dosing commands"),
        "after {what}: {result}"
    );
}

fn check_answer(client: &mut Client, name: &str, expect: &Expect) {
    match expect {
        Expect::Error(code, id) => {
            let answer = client.response_message(id);
            assert_eq!(answer["error"]["code"], *code, "{name}: {answer}");
            assert_eq!(answer["jsonrpc"], "2.0", "{name}: {answer}");
        }
        Expect::Result(id) => {
            let result = client
                .response(*id)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let shown = result["contents"]["value"].as_str().unwrap_or_default();
            assert!(
                shown.contains("Insulin dosing commands"),
                "{name}: {result}"
            );
        }
    }
}

#[test]
fn every_malformed_message_is_answered_and_the_server_goes_on() {
    let names: Vec<&str> = triggers(&Workspace::new(&[])).iter().map(|t| t.0).collect();
    for (at, name) in names.iter().enumerate() {
        let (workspace, mut client) = started();
        let (_, bytes, expect) = triggers(&workspace).swap_remove(at);
        client.send_raw(&bytes);
        check_answer(&mut client, name, &expect);
        assert_hover_works(&mut client, &workspace, name);
        if matches!(expect, Expect::Error(..)) {
            client.wait_stderr("answered a bad message");
        }
        let status = client.shutdown_and_exit();
        assert_eq!(status.code(), Some(0), "{name}");
    }
}

#[test]
fn malformed_messages_back_to_back() {
    let (workspace, mut client) = started();
    let triggers = triggers(&workspace);
    // All in one write, each followed by a good request: each gets its answer.
    let mut bytes = Vec::new();
    for (at, (_, trigger, _)) in triggers.iter().enumerate() {
        bytes.extend(trigger);
        bytes.extend(frame(&hover_body(json!(1000 + at), "2.0", &workspace)));
    }
    client.send_raw(&bytes);
    let null_ids = triggers
        .iter()
        .filter(|t| matches!(&t.2, Expect::Error(_, Value::Null)))
        .count();
    for _ in 0..null_ids {
        let answer = client.response_message(&Value::Null);
        let code = answer["error"]["code"].as_i64().unwrap();
        assert!([-32700, -32600].contains(&code), "{answer}");
    }
    for (at, (name, _, expect)) in triggers.iter().enumerate() {
        if !matches!(expect, Expect::Error(_, Value::Null)) {
            check_answer(&mut client, name, expect);
        }
        let after = format!("the request after {name}");
        check_answer(&mut client, &after, &Expect::Result(1000 + at as i64));
    }
    // No other error came: each bad message was answered once.
    let extra = client.request("workspace/symbol", json!({"query": ""}));
    assert!(extra.is_ok(), "{extra:?}");
    assert!(
        client.unclaimed().is_empty(),
        "answers nobody asked for: {:?}",
        client.unclaimed()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// VS Code sends a lone surrogate escape for a buffer that holds half an emoji.
#[test]
fn a_lone_surrogate_in_an_edit_becomes_a_replacement_character() {
    let (workspace, mut client) = started();
    let path = workspace.path("assets.ward");
    let mut text = example_text("assets.ward").to_owned();
    client.did_open(&path, &text);
    client.wait_version(&path, 1);
    let enc = client.editor.encoding();
    let at = text.find(" dosing").unwrap();
    let change = json!({
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": uri(&path), "version": 2},
            "contentChanges": [{"range": range(&text, at, at, enc), "text": "SURROGATE"}]
        }
    });
    // serde_json cannot write a lone surrogate: put the escape into the text by hand.
    let body = change.to_string().replace("SURROGATE", r"\ud83d");
    client.send_body(body.as_bytes());
    text.insert(at, '\u{FFFD}');
    client.wait_version(&path, 2);
    // One UTF-16 unit, as the client counts it: later edits on the line still land right.
    let word = text.find("dosing").unwrap();
    client.did_change(
        &path,
        3,
        json!([{"range": range(&text, word, word + 6, enc), "text": "DOSING"}]),
    );
    client.wait_version(&path, 3);
    let threats = example_text("threats.ward");
    let result = client
        .request(
            "textDocument/hover",
            client.at(
                &workspace.path("threats.ward"),
                threats,
                threats.find("PUMP-CMD").unwrap(),
            ),
        )
        .unwrap();
    let shown = result["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("Insulin\u{FFFD} DOSING commands"),
        "{result}"
    );
    client.wait_stderr("lone surrogate");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_log_says_why_the_server_stops() {
    // stdin closed in the middle of a message, without shutdown.
    let (_workspace, mut client) = started();
    client.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":");
    client.close_stdin();
    assert_eq!(client.wait_exit().code(), Some(1));
    client.wait_stderr("stopping: stdin was closed inside a message body without shutdown");

    // exit without shutdown.
    let (_workspace, mut client) = started();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
    client.wait_stderr("stopping: exit without shutdown");
}
