//! Initialization with each editor's real capabilities, shutdown and exit, protocol errors.

use serde_json::{Value, json};

use crate::harness::{Client, EDITORS, Editor, Start, Workspace, example_names, wait_indexed};

#[test]
fn every_editor_gets_the_capabilities_it_can_use() {
    let workspace = Workspace::new(crate::harness::EXAMPLE);
    for editor in EDITORS {
        let client = Client::start(editor, &workspace.root());
        let caps = &client.init_result["capabilities"];
        let encoding = match editor {
            Editor::Helix => "utf-8",
            Editor::VsCode | Editor::Neovim => "utf-16",
        };
        assert_eq!(caps["positionEncoding"], encoding, "{editor:?}");
        assert_eq!(caps["textDocumentSync"]["openClose"], true);
        assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
        for provider in [
            "definitionProvider",
            "referencesProvider",
            "hoverProvider",
            "documentSymbolProvider",
            "workspaceSymbolProvider",
            "documentHighlightProvider",
        ] {
            assert_eq!(caps[provider], true, "{editor:?} {provider}");
        }
        assert!(caps["completionProvider"].is_object());
        // All three clients announce prepareSupport.
        assert_eq!(
            caps["renameProvider"]["prepareProvider"], true,
            "{editor:?}"
        );
        assert_eq!(client.init_result["serverInfo"]["name"], "ward");
        let status = client.shutdown_and_exit();
        assert_eq!(status.code(), Some(0), "{editor:?}");
    }
}

#[test]
fn a_bare_client_gets_the_defaults() {
    let workspace = Workspace::new(&[]);
    let options = Start {
        capabilities: Some(json!({})),
        ..Start::default()
    };
    let client = Client::start_with(Editor::Neovim, &workspace.root(), options);
    let caps = &client.init_result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(
        caps["renameProvider"], true,
        "no prepareRename without prepareSupport"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let workspace = Workspace::new(&[]);
    let mut client = Client::start(Editor::Helix, &workspace.root());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn stdio_flag_is_accepted_and_roots_may_come_as_root_uri() {
    let workspace = Workspace::new(crate::harness::EXAMPLE);
    let options = Start {
        args: vec!["--stdio"],
        root_uri_only: true,
        ..Start::default()
    };
    let mut client = Client::start_with(Editor::Neovim, &workspace.root(), options);
    wait_indexed(&mut client, &workspace, &example_names());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn protocol_errors() {
    let workspace = Workspace::new(crate::harness::EXAMPLE);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let error = client.request("ward/noSuchMethod", json!({})).unwrap_err();
    assert_eq!(error["code"], -32601, "unknown method: {error}");
    let error = client
        .request("textDocument/hover", json!({"nonsense": true}))
        .unwrap_err();
    assert_eq!(error["code"], -32602, "bad params: {error}");
    // A method the server does not implement.
    let error = client
        .request(
            "textDocument/moniker",
            json!({"textDocument": {"uri": "file:///x.ward"}, "position": {"line": 0, "character": 0}}),
        )
        .unwrap_err();
    assert_eq!(error["code"], -32601, "{error}");
    // Unknown `$/` notifications are ignored; the server goes on.
    client.notify("$/unknownNotification", json!({}));
    let result = client.request("workspace/symbol", json!({"query": ""}));
    assert!(result.is_ok(), "{result:?}");
    // A second initialize is refused.
    let error = client
        .request("initialize", json!({"capabilities": {}}))
        .unwrap_err();
    assert_eq!(error["code"], -32600, "{error}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_panicking_request_fails_alone() {
    let workspace = Workspace::new(crate::harness::EXAMPLE);
    let options = Start {
        env: vec![("WARD_LSP_TEST_HOOKS", "1")],
        ..Start::default()
    };
    let mut client = Client::start_with(Editor::Helix, &workspace.root(), options);
    wait_indexed(&mut client, &workspace, &example_names());
    for _ in 0..3 {
        let error = client.request("ward/testPanic", Value::Null).unwrap_err();
        assert_eq!(error["code"], -32603, "{error}");
        assert!(
            error["message"].as_str().unwrap().contains("on purpose"),
            "{error}"
        );
    }
    // The server still answers and still publishes.
    let path = workspace.path("assets.ward");
    let text = crate::harness::example_text("assets.ward");
    client.did_open(&path, text);
    client.wait_version(&path, 1);
    let result = client.request("workspace/symbol", json!({"query": "PUMP"}));
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_test_hook_is_off_by_default() {
    let workspace = Workspace::new(&[]);
    let mut client = Client::start(Editor::Helix, &workspace.root());
    let error = client.request("ward/testPanic", Value::Null).unwrap_err();
    assert_eq!(error["code"], -32601, "{error}");
}

#[test]
fn logs_go_to_stderr() {
    let workspace = Workspace::new(crate::harness::EXAMPLE);
    let options = Start {
        env: vec![("WARD_LOG", "debug")],
        ..Start::default()
    };
    let mut client = Client::start_with(Editor::VsCode, &workspace.root(), options);
    wait_indexed(&mut client, &workspace, &example_names());
    // Every stdout byte was a framed message (the harness checks); the log is on stderr.
    client.wait_stderr("indexed 5 files");
    // And the client got a window/logMessage about it.
    client.wait_until("a logMessage", |client| {
        client.received.iter().any(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("indexed 5 files")
        })
    });
}

/// Typed by hand on a terminal, `ward lsp` says what it is on stderr (an editor's pipe gets
/// nothing of it: the other tests would see it in their logs otherwise).
#[test]
fn on_a_terminal_the_server_says_what_it_is() {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};

    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors; the null pointers ask for no name and defaults.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // The child must not inherit the master too, or the terminal never goes away.
    // SAFETY: `master` is an open descriptor of this process.
    unsafe { libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC) };
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("lsp")
        .stdin(std::process::Stdio::from(slave))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut first = [0u8; 200];
    let read = stderr.read(&mut first).unwrap();
    let said = String::from_utf8_lossy(&first[..read]).into_owned();
    assert!(
        said.starts_with("ward lsp: the Ward language server"),
        "{said:?}"
    );
    // The terminal goes away: the server reads the end of its input and stops.
    drop(master);
    let status = child.wait().unwrap();
    assert!(status.code().is_some(), "{status:?}");
}

#[test]
fn through_a_pipe_the_server_says_nothing_before_the_protocol() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("lsp")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("the Ward language server"), "{stderr}");
}
