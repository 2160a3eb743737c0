//! The test client: spawns the real `ward lsp`, frames JSON-RPC over its stdio, answers the
//! server's own requests, and waits for messages with timeouts.
//!
//! A reader thread parses the server's stdout (any byte outside a `Content-Length` frame
//! fails the test: the server must never print to stdout) and answers server-to-client
//! requests (`client/registerCapability`, `window/workDoneProgress/create`) with `null`,
//! as an editor would; everything it reads is also handed to the test. Tests can also
//! send raw bytes (broken frames, bad bodies) and close the server's stdin.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single wait may take before the test fails: 20 s, or `WARD_TEST_TIMEOUT`
/// seconds (for a server run under valgrind, say).
pub fn timeout() -> Duration {
    let seconds = std::env::var("WARD_TEST_TIMEOUT")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(seconds)
}

/// The editors whose real `InitializeParams` the tests replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Editor {
    VsCode,
    Neovim,
    Helix,
}

pub const EDITORS: [Editor; 3] = [Editor::VsCode, Editor::Neovim, Editor::Helix];

/// How a client counts columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    Utf8,
    Utf16,
}

impl Editor {
    fn params(self) -> Value {
        let text = match self {
            Editor::VsCode => include_str!("clients/vscode.json"),
            Editor::Neovim => include_str!("clients/neovim_v0.7.2.json"),
            Editor::Helix => include_str!("clients/helix.json"),
        };
        serde_json::from_str(text).expect("client capabilities are JSON")
    }

    /// The encoding the server must choose: UTF-8 when offered, else UTF-16.
    pub fn encoding(self) -> Enc {
        match self {
            Editor::Helix => Enc::Utf8,
            Editor::VsCode | Editor::Neovim => Enc::Utf16,
        }
    }
}

pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_str().expect("UTF-8 path").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

pub struct Client {
    child: Child,
    /// `None` once closed by [`Client::close_stdin`].
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    rx: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    pub editor: Editor,
    pub init_result: Value,
    /// Every notification and server request received, in order.
    pub received: Vec<Value>,
    /// The latest diagnostics per URI: published, or pulled as `publishDiagnostics`
    /// params (`uri`, `diagnostics`, and `version`, the document's when it was pulled).
    pub diagnostics: HashMap<String, Value>,
    /// Responses received while waiting for another, oldest first.
    unclaimed: Vec<Value>,
    /// Whether the server wants this client to pull diagnostics (it offered
    /// `diagnosticProvider`): then the waits pull, as the editor would.
    pub pull: bool,
    /// The open documents and their versions, which a pulling client asks about.
    open_versions: HashMap<String, i64>,
    /// The result ID of each pulled report.
    result_ids: HashMap<String, String>,
}

/// Options of [`Client::start_with`].
#[derive(Default)]
pub struct Start {
    pub env: Vec<(&'static str, &'static str)>,
    pub args: Vec<&'static str>,
    /// Drop `workspaceFolders` and give only `rootUri`.
    pub root_uri_only: bool,
    /// Capabilities to send instead of the editor's.
    pub capabilities: Option<Value>,
    /// `initializationOptions` to send (the user's settings).
    pub initialization_options: Option<Value>,
    /// Another `ward` binary than the one built with the tests (the benchmark's baseline).
    pub binary: Option<std::path::PathBuf>,
    /// Run the server unable to read what its permissions forbid, even as root
    /// (`unreadable::as_a_user`).
    pub as_a_user: bool,
}

impl Client {
    /// Starts a server for a workspace folder and initializes it as `editor` does.
    pub fn start(editor: Editor, root: &Path) -> Client {
        Client::start_with(editor, root, Start::default())
    }

    /// Starts a server that pushes diagnostics to this editor even if it could pull them
    /// (`"pullDiagnostics": false`): for the tests of what is published, and when.
    pub fn start_pushed(editor: Editor, root: &Path) -> Client {
        let options = Start {
            initialization_options: Some(json!({"pullDiagnostics": false})),
            ..Start::default()
        };
        Client::start_with(editor, root, options)
    }

    /// Starts a server whose today is the `YYYY-MM-DD` in `day_file`, read as the server
    /// needs it, so that a test can pin the day or turn it over.
    pub fn start_on_day(editor: Editor, root: &Path, day_file: &Path) -> Client {
        let day: &'static str = Box::leak(day_file.to_string_lossy().into_owned().into_boxed_str());
        let options = Start {
            env: vec![
                ("WARD_LSP_TEST_HOOKS", "1"),
                ("WARD_LSP_TEST_TODAY_FILE", day),
            ],
            ..Start::default()
        };
        Client::start_with(editor, root, options)
    }

    pub fn start_with(editor: Editor, root: &Path, options: Start) -> Client {
        let binary = options
            .binary
            .clone()
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_ward").into());
        let mut command = Command::new(binary);
        command.arg("lsp");
        command.args(&options.args);
        if editor == Editor::VsCode && options.args.is_empty() {
            // VS Code's stdio transport appends `--stdio`.
            command.arg("--stdio");
        }
        for (key, value) in &options.env {
            command.env(key, value);
        }
        if options.as_a_user {
            crate::unreadable::as_a_user(&mut command);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ward lsp");
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stderr_pipe);
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    stderr.lock().unwrap().push_str(&line);
                    line.clear();
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        {
            let stdin = stdin.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stdout);
                while let Some(message) = read_message(&mut reader) {
                    if message.get("method").is_some()
                        && let Some(id) = message.get("id")
                    {
                        // A request from the server: answer as an editor would.
                        let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
                        if let Some(stdin) = &mut *stdin.lock().unwrap() {
                            let _ = write_message(stdin, &reply);
                        }
                    }
                    if tx.send(message).is_err() {
                        break;
                    }
                }
            });
        }
        let mut client = Client {
            child,
            stdin,
            rx,
            stderr,
            next_id: 0,
            editor,
            init_result: Value::Null,
            received: Vec::new(),
            diagnostics: HashMap::new(),
            unclaimed: Vec::new(),
            pull: false,
            open_versions: HashMap::new(),
            result_ids: HashMap::new(),
        };
        let mut params = editor.params();
        if let Some(capabilities) = options.capabilities {
            params["capabilities"] = capabilities;
        }
        if let Some(settings) = options.initialization_options {
            params["initializationOptions"] = settings;
        }
        params["processId"] = json!(std::process::id());
        params["rootUri"] = json!(uri(root));
        params["rootPath"] = json!(root.to_str().unwrap());
        if options.root_uri_only {
            params["workspaceFolders"] = Value::Null;
        } else {
            params["workspaceFolders"] = json!([{"uri": uri(root), "name": "ws"}]);
        }
        client.init_result = client
            .request("initialize", params)
            .unwrap_or_else(|error| panic!("initialize failed: {error}"));
        client.pull = client.init_result["capabilities"]["diagnosticProvider"].is_object();
        client.notify("initialized", json!({}));
        client
    }

    /// Pulls diagnostics as VS Code does: each open document's (with the reports of
    /// related documents the server adds), then the workspace's. A pull the server cancels
    /// is left for the next one.
    pub fn pull_now(&mut self) {
        let mut open: Vec<(String, i64)> = self
            .open_versions
            .iter()
            .map(|(uri, version)| (uri.clone(), *version))
            .collect();
        open.sort();
        for (uri, version) in open {
            let params = json!({
                "textDocument": {"uri": uri},
                "previousResultId": self.result_ids.get(&uri),
            });
            let Ok(report) = self.request("textDocument/diagnostic", params) else {
                continue;
            };
            self.take_report(&uri, &report, Some(version));
            if let Some(related) = report["relatedDocuments"].as_object() {
                for (other, report) in related {
                    let version = self.open_versions.get(other).copied();
                    self.take_report(other, report, version);
                }
            }
        }
        // VS Code pulls the workspace too. Helix asks only about its documents, but the
        // tests read every file's findings, closed ones too: they pull the workspace for it
        // as well (the server answers any client the same).
        {
            let previous: Vec<Value> = self
                .result_ids
                .iter()
                .map(|(uri, value)| json!({"uri": uri, "value": value}))
                .collect();
            let report = match self.request(
                "workspace/diagnostic",
                json!({"previousResultIds": previous}),
            ) {
                Ok(report) => report,
                // Cancelled by an edit: the next pull asks again.
                Err(_) => return,
            };
            for item in report["items"].as_array().cloned().unwrap_or_default() {
                let uri = item["uri"].as_str().unwrap_or_default().to_owned();
                // What a document pull said of an open document wins, as in VS Code.
                if !self.open_versions.contains_key(&uri) {
                    self.take_report(&uri, &item, item["version"].as_i64());
                }
            }
        }
    }

    fn take_report(&mut self, uri: &str, report: &Value, version: Option<i64>) {
        match report["kind"].as_str() {
            Some("full") => {
                self.diagnostics.insert(
                    uri.to_owned(),
                    json!({"uri": uri, "diagnostics": report["items"], "version": version}),
                );
            }
            Some("unchanged") => {
                if let Some(known) = self.diagnostics.get_mut(uri) {
                    known["version"] = json!(version);
                }
            }
            _ => panic!("not a diagnostic report: {report}"),
        }
        match report["resultId"].as_str() {
            Some(id) => self.result_ids.insert(uri.to_owned(), id.to_owned()),
            None => self.result_ids.remove(uri),
        };
    }

    /// The server's process id (the benchmark reads its memory).
    #[allow(dead_code)]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Polls the server's stderr until it contains `text`.
    pub fn wait_stderr(&self, text: &str) {
        let deadline = Instant::now() + timeout();
        while !self.stderr().contains(text) {
            assert!(
                Instant::now() < deadline,
                "no {text:?} in stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        self.send_body(&body);
    }

    /// Sends bytes exactly as given: frames, broken frames, anything.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let mut stdin = self.stdin.lock().unwrap();
        let stdin = stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().expect("write to the server");
    }

    /// Sends a body, valid or not, in a well-formed frame.
    pub fn send_body(&mut self, body: &[u8]) {
        self.track_documents(body);
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body);
        self.send_raw(&bytes);
    }

    /// Keeps the open documents' versions, which a client that pulls diagnostics asks
    /// about, from whatever opens, changes or closes them.
    fn track_documents(&mut self, body: &[u8]) {
        // A body with a lone surrogate escape (robustness tests) is not JSON to serde:
        // surrogates do not matter for the document and version, so they are blanked.
        let parsed = serde_json::from_slice::<Value>(body).or_else(|_| {
            let text = String::from_utf8_lossy(body);
            let mut blanked = String::with_capacity(text.len());
            let mut rest = &*text;
            while let Some(at) = rest.find("\\u") {
                let escape = rest.get(at + 2..at + 6).unwrap_or_default();
                let surrogate = u16::from_str_radix(escape, 16)
                    .is_ok_and(|unit| (0xD800..0xE000).contains(&unit));
                blanked.push_str(&rest[..at]);
                blanked.push_str(if surrogate { "\\ufffd" } else { "\\u" });
                rest = &rest[at + if surrogate { 6 } else { 2 }..];
            }
            blanked.push_str(rest);
            serde_json::from_str::<Value>(&blanked)
        });
        let Ok(message) = parsed else {
            return;
        };
        let document = &message["params"]["textDocument"];
        let Some(uri) = document["uri"].as_str() else {
            return;
        };
        match message["method"].as_str() {
            Some("textDocument/didOpen" | "textDocument/didChange") => {
                if let Some(version) = document["version"].as_i64() {
                    self.open_versions.insert(uri.to_owned(), version);
                }
            }
            Some("textDocument/didClose") => {
                self.open_versions.remove(uri);
            }
            _ => {}
        }
    }

    /// Closes the server's stdin, as a client that goes away does.
    pub fn close_stdin(&mut self) {
        self.stdin.lock().unwrap().take();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Responses received that no wait claimed yet.
    pub fn unclaimed(&self) -> &[Value] {
        &self.unclaimed
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let message = self.response_message(&json!(id));
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message["result"].clone()),
        }
    }

    /// Waits for the next response whose id is `id` (`null` for errors about messages
    /// without a readable id); the whole message.
    pub fn response_message(&mut self, id: &Value) -> Value {
        if let Some(at) = self
            .unclaimed
            .iter()
            .position(|message| message["id"] == *id)
        {
            return self.unclaimed.remove(at);
        }
        let deadline = Instant::now() + timeout();
        loop {
            let message = self
                .recv_until(deadline)
                .unwrap_or_else(|| panic!("no response with id {id}; stderr:\n{}", self.stderr()));
            if message.get("method").is_none() {
                if message["id"] == *id {
                    return message;
                }
                self.unclaimed.push(message);
            }
        }
    }

    /// The next message, recorded, or `None` at the deadline.
    fn recv_until(&mut self, deadline: Instant) -> Option<Value> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(wait) {
            Ok(message) => {
                if message.get("method").is_some() {
                    if message["method"] == "textDocument/publishDiagnostics" {
                        let uri = message["params"]["uri"].as_str().unwrap().to_owned();
                        self.diagnostics.insert(uri, message["params"].clone());
                    }
                    self.received.push(message.clone());
                }
                Some(message)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(50));
                panic!("the server closed its output; stderr:\n{}", self.stderr())
            }
        }
    }

    /// Reads messages until `done` holds (checked first on what was already received). A
    /// client that pulls diagnostics pulls before each check, and again after anything
    /// the server sends or a short while.
    pub fn wait_until(&mut self, what: &str, mut done: impl FnMut(&Client) -> bool) {
        let deadline = Instant::now() + timeout();
        if self.pull {
            loop {
                self.pull_now();
                if done(self) {
                    return;
                }
                let until = (Instant::now() + Duration::from_millis(20)).min(deadline);
                let _ = self.recv_until(until);
                assert!(
                    Instant::now() < deadline,
                    "timed out waiting for {what}; latest diagnostics: {:#?}\nstderr:\n{}",
                    self.diagnostics,
                    self.stderr()
                );
            }
        }
        while !done(self) {
            if self.recv_until(deadline).is_none() {
                panic!(
                    "timed out waiting for {what}; latest diagnostics: {:#?}\nstderr:\n{}",
                    self.diagnostics,
                    self.stderr()
                );
            }
        }
    }

    /// Reads messages until none has come for `quiet`.
    pub fn settle(&mut self, quiet: Duration) {
        let deadline = Instant::now() + timeout();
        loop {
            let until = (Instant::now() + quiet).min(deadline);
            if self.recv_until(until).is_none() {
                if self.pull {
                    self.pull_now();
                }
                return;
            }
            assert!(Instant::now() < deadline, "the server never went quiet");
        }
    }

    /// The latest diagnostics published for a file (empty when none were).
    pub fn diagnostics_of(&self, path: &Path) -> Vec<Value> {
        self.diagnostics
            .get(&uri(path))
            .and_then(|params| params["diagnostics"].as_array().cloned())
            .unwrap_or_default()
    }

    /// The codes of a file's latest diagnostics, sorted.
    pub fn codes_of(&self, path: &Path) -> Vec<String> {
        let mut codes: Vec<String> = self
            .diagnostics_of(path)
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        codes.sort();
        codes
    }

    /// Waits until a file's published diagnostics satisfy `done`.
    pub fn wait_diagnostics(
        &mut self,
        path: &Path,
        what: &str,
        mut done: impl FnMut(&[Value]) -> bool,
    ) {
        let uri = uri(path);
        self.wait_until(what, |client| {
            client
                .diagnostics
                .get(&uri)
                .and_then(|params| params["diagnostics"].as_array())
                .is_some_and(|list| done(list))
        });
    }

    /// Waits until a file's published codes are exactly `codes` (in any order).
    pub fn wait_codes(&mut self, path: &Path, codes: &[&str]) {
        let mut want: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
        want.sort();
        let uri = uri(path);
        let what = format!("codes {want:?} in {}", path.display());
        self.wait_until(&what, |client| {
            client.diagnostics.contains_key(&uri) && client.codes_of(path) == want
        });
    }

    /// Waits for the diagnostics of an open document's version.
    pub fn wait_version(&mut self, path: &Path, version: i64) {
        let uri = uri(path);
        self.wait_until(&format!("diagnostics of version {version}"), |client| {
            client
                .diagnostics
                .get(&uri)
                .is_some_and(|params| params["version"] == json!(version))
        });
    }

    pub fn did_open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": uri(path), "languageId": "ward", "version": 1, "text": text
            }}),
        );
    }

    pub fn did_change(&mut self, path: &Path, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(path), "version": version},
                "contentChanges": changes
            }),
        );
    }

    pub fn did_close(&mut self, path: &Path) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(path)}}),
        );
    }

    /// `workspace/didChangeWatchedFiles` with `(path, 1 created | 2 changed | 3 deleted)`.
    pub fn watched(&mut self, events: &[(&Path, u8)]) {
        let changes: Vec<Value> = events
            .iter()
            .map(|(path, kind)| json!({"uri": uri(path), "type": kind}))
            .collect();
        self.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": changes}),
        );
    }

    /// A position request's params.
    pub fn at(&self, path: &Path, text: &str, offset: usize) -> Value {
        json!({
            "textDocument": {"uri": uri(path)},
            "position": position(text, offset, self.editor.encoding())
        })
    }

    /// `shutdown`, then `exit`; the server's exit status.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null)
            .expect("shutdown succeeds");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + timeout();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("the server wrote a non-header line: {line:?}"));
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.trim().parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server wrote JSON"))
}

fn write_message(writer: &mut impl Write, message: &Value) -> std::io::Result<()> {
    let body = serde_json::to_string(message).unwrap();
    write!(writer, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    writer.flush()
}

// ---------------------------------------------------------------------------------------
// Positions, computed independently of the server.
// ---------------------------------------------------------------------------------------

/// The LSP position of a byte offset: lines break at `\n`, `\r\n` and `\r`.
pub fn position(text: &str, offset: usize, enc: Enc) -> Value {
    let (line, col) = line_col(text, offset, enc);
    json!({"line": line, "character": col})
}

pub fn line_col(text: &str, offset: usize, enc: Enc) -> (usize, usize) {
    let mut line = 0;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < offset {
        match bytes[at] {
            b'\n' => {
                line += 1;
                line_start = at + 1;
            }
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => {}
            b'\r' => {
                line += 1;
                line_start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    let col = match enc {
        Enc::Utf8 => offset - line_start,
        Enc::Utf16 => text[line_start..offset].encode_utf16().count(),
    };
    (line, col)
}

/// The byte offset of an LSP position (the inverse of [`position`] at character starts).
pub fn offset(text: &str, position: &Value, enc: Enc) -> usize {
    let want_line = position["line"].as_u64().unwrap() as usize;
    let want_col = position["character"].as_u64().unwrap() as usize;
    let mut line = 0;
    let mut at = 0;
    let bytes = text.as_bytes();
    while line < want_line {
        assert!(at < bytes.len(), "position past the end: {position}");
        match bytes[at] {
            b'\n' => line += 1,
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => {}
            b'\r' => line += 1,
            _ => {}
        }
        at += 1;
    }
    let mut units = 0;
    for (i, ch) in text[at..].char_indices() {
        if units >= want_col || ch == '\n' || ch == '\r' {
            return at + i;
        }
        units += match enc {
            Enc::Utf8 => ch.len_utf8(),
            Enc::Utf16 => ch.len_utf16(),
        };
    }
    text.len()
}

/// The byte range of an LSP range.
pub fn byte_range(text: &str, range: &Value, enc: Enc) -> (usize, usize) {
    (
        offset(text, &range["start"], enc),
        offset(text, &range["end"], enc),
    )
}

/// An LSP range covering a byte range.
pub fn range(text: &str, start: usize, end: usize, enc: Enc) -> Value {
    json!({"start": position(text, start, enc), "end": position(text, end, enc)})
}

/// Applies LSP text edits (non-overlapping, any order) to a text.
pub fn apply_edits(text: &str, edits: &[Value], enc: Enc) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            let (start, end) = byte_range(text, &edit["range"], enc);
            (start, end, edit["newText"].as_str().unwrap().to_owned())
        })
        .collect();
    spans.sort_by_key(|span| std::cmp::Reverse(span.0));
    let mut out = text.to_owned();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, &new_text);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Workspaces on disk.
// ---------------------------------------------------------------------------------------

/// A temporary workspace folder with files.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new(files: &[(&str, &str)]) -> Workspace {
        let dir = tempfile::Builder::new()
            .prefix("ward-lsp-")
            .tempdir()
            .expect("a temporary folder");
        let workspace = Workspace { dir };
        for (name, text) in files {
            workspace.write(name, text);
        }
        workspace
    }

    /// The folder, canonical so that server and test agree on paths.
    pub fn root(&self) -> PathBuf {
        self.dir.path().canonicalize().unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root().join(name)
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// A copy of a folder of the repository (`examples/insulin-pump`), so that a test never
    /// writes into the repository.
    pub fn copy_of(folder: &str) -> Workspace {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(folder);
        let workspace = Workspace::new(&[]);
        copy_dir(&from, &workspace.root());
        workspace
    }

    /// The `.ward` files of the workspace, relative to its root, sorted.
    pub fn ward_files(&self) -> Vec<String> {
        let root = self.root();
        let mut found = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|ext| ext == "ward") {
                    let relative = path.strip_prefix(&root).unwrap();
                    found.push(relative.to_str().unwrap().to_owned());
                }
            }
        }
        found.sort();
        found
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The example workspace of the language design: one finding (C-HOSP-NET is not verified).
pub const EXAMPLE: &[(&str, &str)] = &[
    (
        "assets.ward",
        "asset PUMP-CMD \"Insulin dosing commands\" {\n  kind: function\n  properties: integrity, availability\n}\n",
    ),
    (
        "threats.ward",
        "threat T-BLE-SPOOF \"Spoofed phone sends a bolus over BLE\" {\n  targets: PUMP-CMD\n  stride: spoofing, tampering\n  vector: adjacent\n}\n",
    ),
    (
        "risks/ble.ward",
        "risk R-BLE-BOLUS \"Unauthorised bolus\" {\n  threat: T-BLE-SPOOF\n  exploitability: 3\n  severity: 5\n  harm: \"Hypoglycaemia from an unintended insulin dose\"\n  hazard: \"HAZ-014\"\n  residual { exploitability: 1 }\n}\n",
    ),
    (
        "controls.ward",
        "control C-BLE-PAIR \"LE Secure Connections with numeric comparison\" {\n  mitigates: R-BLE-BOLUS\n  kind: technical\n  status: implemented\n  refs: \"docs/design/ble-pairing.md\"\n}\n\ncontrol C-HOSP-NET \"Pump gateway on an isolated clinical VLAN\" {\n  mitigates: R-BLE-BOLUS\n  kind: procedural\n  responsibility: deployer\n  guidance: \"Place the pump gateway on a VLAN without internet access.\"\n}\n",
    ),
    (
        "verifications.ward",
        "verification V-BLE-PEN \"BLE pairing penetration test\" {\n  verifies: C-BLE-PAIR\n  method: pentest\n  result: pass\n  evidence: \"evidence/ble-pentest-2026-10.pdf\"\n}\n",
    ),
];

/// The files of [`EXAMPLE`], by name.
pub fn example_text(name: &str) -> &'static str {
    EXAMPLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .unwrap()
}

/// Waits until every file of the example has diagnostics, then for quiet.
pub fn wait_indexed(client: &mut Client, workspace: &Workspace, names: &[&str]) {
    let paths: Vec<PathBuf> = names.iter().map(|name| workspace.path(name)).collect();
    client.wait_until("diagnostics of every file", |client| {
        paths
            .iter()
            .all(|path| client.diagnostics.contains_key(&uri(path)))
    });
}

/// All the example's file names.
pub fn example_names() -> Vec<&'static str> {
    EXAMPLE.iter().map(|(name, _)| *name).collect()
}
