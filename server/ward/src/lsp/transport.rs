//! The stdio transport: our own framing and checking of every message between stdin and
//! tower-lsp-server, so that no malformed message can stop the server.
//!
//! tower-lsp-server's reader ends its input stream at the first message it cannot decode
//! (a body that is not JSON, a lone surrogate escape, a lower-case header, ...), and the
//! server then exits. So stdin is read here instead: [`Decoder`] splits it into frames (any
//! header case, resynchronising on the next `Content-Length` after a framing error),
//! [`check`] repairs lone surrogate escapes (to U+FFFD) and refuses what tower-lsp-server
//! would not decode, and only checked messages, framed canonically, reach tower-lsp-server
//! through a pipe. Refused messages are answered here with the JSON-RPC error.
//!
//! **One writer:** tower-lsp-server writes into a pipe as well; a single task copies its
//! frames and our error answers to stdout, a whole frame at a time, so they never interleave.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tower_lsp_server::jsonrpc::{Request, Response};

use super::log;

/// The longest header block accepted; real ones are under 100 bytes.
const MAX_HEADERS: usize = 8 * 1024;

/// The largest body accepted; a longer `Content-Length` is a framing error (rather than a
/// wait for, and an allocation of, that many bytes).
pub const MAX_BODY: usize = 512 * 1024 * 1024;

/// The header that starts a frame, lower case, looked for when resynchronising.
const NEEDLE: &[u8] = b"content-length";

/// The capacity of each pipe to and from tower-lsp-server.
const PIPE: usize = 256 * 1024;

/// Why bytes could not be split into a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    MissingLength,
    BadLength(String),
    DuplicateLength,
    TooLarge(u64),
    HeadersTooLong,
    NotAHeader(String),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::MissingLength => write!(f, "a header block without Content-Length"),
            FrameError::BadLength(value) => write!(f, "an invalid Content-Length {value:?}"),
            FrameError::DuplicateLength => write!(f, "two Content-Length headers"),
            FrameError::TooLarge(length) => {
                write!(f, "a Content-Length of {length} (at most {MAX_BODY})")
            }
            FrameError::HeadersTooLong => {
                write!(f, "a header block longer than {MAX_HEADERS} bytes")
            }
            FrameError::NotAHeader(line) => write!(f, "a line that is no header: {line:?}"),
        }
    }
}

/// What the decoder found next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A frame's body, not yet checked.
    Message(Vec<u8>),
    /// Bytes that are no frame; the decoder skips to the next `Content-Length`.
    Error(FrameError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Headers,
    Body(usize),
    /// Skipping bytes until the next `Content-Length` (any case).
    Resync,
}

/// Splits a byte stream into `Content-Length` frames, without I/O, so that it can be tested
/// (and fuzzed) alone. The events do not depend on how the bytes are split into pushes.
pub struct Decoder {
    buf: Vec<u8>,
    /// The first byte not yet consumed.
    pos: usize,
    state: State,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder {
            buf: Vec::new(),
            pos: 0,
            state: State::Headers,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        // Drop consumed bytes once they are half the buffer: amortised linear.
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Where the input stopped, if in the middle of something (for the log at the end).
    pub fn unfinished(&self) -> Option<&'static str> {
        let rest = &self.buf[self.pos..];
        match self.state {
            State::Body(_) => Some("inside a message body"),
            State::Headers if rest.iter().any(|b| !b.is_ascii_whitespace()) => {
                Some("inside a header")
            }
            State::Headers => None,
            State::Resync => Some("while skipping bytes that are no message"),
        }
    }

    /// The next event, or `None` until more bytes are pushed.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            match self.state {
                State::Body(length) => {
                    if self.buf.len() - self.pos < length {
                        return None;
                    }
                    let body = self.buf[self.pos..self.pos + length].to_vec();
                    self.pos += length;
                    self.state = State::Headers;
                    return Some(Event::Message(body));
                }
                State::Resync => {
                    if !self.resync() {
                        return None;
                    }
                }
                State::Headers => match self.headers() {
                    Headers::NeedMore => return None,
                    Headers::Skipped => {}
                    Headers::Frame { end, length } => {
                        self.pos = end;
                        self.state = State::Body(length);
                    }
                    Headers::Error { error, resume } => {
                        // Every error consumes at least one byte: the decoder always advances.
                        self.pos = resume.max(self.pos + 1).min(self.buf.len());
                        self.state = State::Resync;
                        return Some(Event::Error(error));
                    }
                },
            }
        }
    }

    /// Skips to the next `Content-Length`; false when more bytes are needed to find it.
    fn resync(&mut self) -> bool {
        let rest = &self.buf[self.pos..];
        let found = rest
            .windows(NEEDLE.len())
            .position(|window| window.eq_ignore_ascii_case(NEEDLE));
        match found {
            Some(at) => {
                self.pos += at;
                self.state = State::Headers;
                true
            }
            None => {
                // Keep a tail that may be the start of the header.
                let keep = rest.len().min(NEEDLE.len() - 1);
                self.pos = self.buf.len() - keep;
                false
            }
        }
    }

    /// Reads the header block at `pos`, without consuming it unless it is a blank line.
    fn headers(&mut self) -> Headers {
        let start = self.pos;
        let mut at = start;
        let mut length: Option<usize> = None;
        loop {
            let Some(newline) = self.buf[at..].iter().position(|&b| b == b'\n') else {
                if self.buf.len() - start > MAX_HEADERS {
                    return Headers::Error {
                        error: FrameError::HeadersTooLong,
                        resume: start + 1,
                    };
                }
                return Headers::NeedMore;
            };
            let end = at + newline + 1;
            if end - start > MAX_HEADERS {
                return Headers::Error {
                    error: FrameError::HeadersTooLong,
                    resume: start + 1,
                };
            }
            let line = &self.buf[at..at + newline];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                if at == start {
                    // A blank line between frames: tolerated.
                    self.pos = end;
                    return Headers::Skipped;
                }
                return match length {
                    Some(length) => Headers::Frame { end, length },
                    None => Headers::Error {
                        error: FrameError::MissingLength,
                        // A header may hide behind garbage on the first line.
                        resume: start + 1,
                    },
                };
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                let shown: String = String::from_utf8_lossy(line).chars().take(60).collect();
                return Headers::Error {
                    error: FrameError::NotAHeader(shown),
                    resume: at + 1,
                };
            };
            let name = line[..colon].trim_ascii();
            if name.eq_ignore_ascii_case(NEEDLE) {
                let value = line[colon + 1..].trim_ascii();
                let parsed = match parse_length(value) {
                    Ok(_) if length.is_some() => Err(FrameError::DuplicateLength),
                    other => other,
                };
                match parsed {
                    Ok(value) => length = Some(value),
                    Err(error) => {
                        return Headers::Error {
                            error,
                            // After this line: the header is found, its value is wrong.
                            resume: end,
                        };
                    }
                }
            }
            // Other headers (Content-Type) change nothing: the body is UTF-8 JSON.
            at = end;
        }
    }
}

enum Headers {
    NeedMore,
    Skipped,
    Frame { end: usize, length: usize },
    Error { error: FrameError, resume: usize },
}

fn parse_length(value: &[u8]) -> Result<usize, FrameError> {
    let shown = || String::from_utf8_lossy(value).chars().take(30).collect();
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(FrameError::BadLength(shown()));
    }
    // All digits: only too many of them can fail.
    let length: u64 = std::str::from_utf8(value)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(u64::MAX);
    match usize::try_from(length) {
        Ok(length) if length <= MAX_BODY => Ok(length),
        _ => Err(FrameError::TooLarge(length)),
    }
}

/// Replaces every `\u` escape of a lone UTF-16 surrogate in JSON text by `\ufffd`, in place
/// (same length); returns how many. Pairs and every other escape stay as they are. Outside
/// strings valid JSON has no backslash, so no tracking of strings is needed.
pub fn repair_surrogates(bytes: &mut [u8]) -> usize {
    let mut repaired = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        let Some(unit) = escaped_unit(bytes, at) else {
            // `\\`, `\"`, `\n`, ... or a broken escape: two bytes, whatever they are.
            at += 2;
            continue;
        };
        if (0xD800..0xDC00).contains(&unit)
            && escaped_unit(bytes, at + 6).is_some_and(|low| (0xDC00..0xE000).contains(&low))
        {
            at += 12;
            continue;
        }
        if (0xD800..0xE000).contains(&unit) {
            bytes[at + 2..at + 6].copy_from_slice(b"fffd");
            repaired += 1;
        }
        at += 6;
    }
    repaired
}

/// The code unit of a `\uXXXX` escape at `at`.
fn escaped_unit(bytes: &[u8], at: usize) -> Option<u32> {
    let escape = bytes.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// A message answered with an error instead of being served.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// -32700 (parse error) or -32600 (invalid request).
    pub code: i64,
    /// The message's ID when it has a valid one, else null.
    pub id: Value,
    pub message: String,
}

impl Refusal {
    fn parse_error(message: impl fmt::Display) -> Refusal {
        Refusal {
            code: -32700,
            id: Value::Null,
            message: format!("Parse error: {message}"),
        }
    }

    fn invalid(id: Value, message: impl fmt::Display) -> Refusal {
        Refusal {
            code: -32600,
            id,
            message: format!("Invalid request: {message}"),
        }
    }

    pub fn response(&self) -> Value {
        json!({
            "jsonrpc": "2.0",
            "id": self.id,
            "error": {"code": self.code, "message": self.message}
        })
    }
}

/// What [`check`] makes of a body.
#[derive(Debug, PartialEq)]
pub struct Checked {
    /// The message as tower-lsp-server will decode it: canonical JSON.
    pub json: Vec<u8>,
    /// How many lone surrogate escapes became U+FFFD.
    pub repaired: usize,
}

/// The members of a message that may hold any JSON.
const JSONRPC_PAYLOADS: [&str; 2] = ["params", "result"]; // tidy: JSON-RPC members

/// Checks a frame's body: valid UTF-8, JSON (after [`repair_surrogates`]), one JSON-RPC 2.0
/// request, notification or response that tower-lsp-server decodes. Returns it
/// re-serialised, which also drops duplicate keys that its decoder would refuse.
pub fn check(mut body: Vec<u8>) -> Result<Checked, Refusal> {
    if let Err(error) = std::str::from_utf8(&body) {
        return Err(Refusal::parse_error(format_args!(
            "the message is not UTF-8 (byte {})",
            error.valid_up_to()
        )));
    }
    let repaired = repair_surrogates(&mut body);
    let value: Value = serde_json::from_slice(&body)
        .map_err(|error| Refusal::parse_error(format_args!("the message is not JSON: {error}")))?;
    let object = match &value {
        Value::Object(object) => object,
        Value::Array(_) => {
            return Err(Refusal::invalid(Value::Null, "batches are not part of LSP"));
        }
        _ => {
            return Err(Refusal::invalid(Value::Null, "a message is a JSON object"));
        }
    };
    let id = match object.get("id") {
        None => Value::Null,
        Some(id @ (Value::String(_) | Value::Null)) => id.clone(),
        Some(id @ Value::Number(number)) if number.is_i64() => id.clone(),
        Some(other) => {
            return Err(Refusal::invalid(
                Value::Null,
                format_args!("an ID is an integer or a string, not {other}"),
            ));
        }
    };
    if object.get("jsonrpc") != Some(&Value::from("2.0")) {
        return Err(Refusal::invalid(id, "\"jsonrpc\" must be \"2.0\""));
    }
    if object
        .get("method") // tidy: a JSON-RPC member
        .is_some_and(|method| !method.is_string())
    {
        return Err(Refusal::invalid(id, "a method is a string"));
    }
    // The last word is tower-lsp-server's own types': it decodes a response, else a request
    // (which it would also make of a broken response: its method defaults to ""). The params
    // and the result may be any JSON, so a copy without them decides, cheaply.
    let has_method = object.contains_key("method"); // tidy: a JSON-RPC member
    let mut skeleton = object.clone();
    for key in JSONRPC_PAYLOADS {
        if let Some(slot) = skeleton.get_mut(key) {
            *slot = Value::Null;
        }
    }
    let skeleton = Value::Object(skeleton);
    let decodes = if has_method {
        serde_json::from_value::<Request>(skeleton).is_ok()
    } else {
        serde_json::from_value::<Response>(skeleton).is_ok()
    };
    if !decodes {
        let what = if has_method {
            "not a request or notification"
        } else {
            "without a method, a message is a response: an ID and a result or an error"
        };
        return Err(Refusal::invalid(id, what));
    }
    let json = serde_json::to_vec(&value).map_err(Refusal::parse_error)?;
    Ok(Checked { json, repaired })
}

/// A frame, as tower-lsp-server writes them.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The transport's two tasks, once started.
pub struct Transport {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
    /// Why the input ended, set before tower-lsp-server can see the end.
    ended: Arc<OnceLock<String>>,
}

/// Starts the transport; returns what tower-lsp-server reads (checked messages) and writes
/// (copied to `stdout`), and the transport.
pub fn start<I, O>(stdin: I, stdout: O) -> (DuplexStream, DuplexStream, Transport)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (input, to_server) = tokio::io::duplex(PIPE);
    let (output, from_server) = tokio::io::duplex(PIPE);
    let (errors_tx, errors_rx) = mpsc::unbounded_channel();
    let ended = Arc::new(OnceLock::new());
    let reader = tokio::spawn(read_input(stdin, to_server, errors_tx, ended.clone()));
    let writer = tokio::spawn(write_output(from_server, errors_rx, stdout));
    let transport = Transport {
        reader,
        writer,
        ended,
    };
    (input, output, transport)
}

impl Transport {
    /// After tower-lsp-server stopped: waits until its last frames are out, and says why
    /// the input ended, if it did (if not, the server stopped at `exit`).
    pub async fn finish(self) -> Option<String> {
        let _ = self.writer.await;
        // After `exit` it may still wait on stdin.
        self.reader.abort();
        self.ended.get().cloned()
    }
}

/// Forwards stdin until it ends, then records why and closes tower-lsp-server's input.
async fn read_input<I>(
    stdin: I,
    mut to_server: DuplexStream,
    errors: mpsc::UnboundedSender<Value>,
    ended: Arc<OnceLock<String>>,
) where
    I: AsyncRead + Unpin,
{
    let why = forward_input(stdin, &mut to_server, &errors).await;
    let _ = ended.set(why);
    drop(to_server);
}

/// Reads stdin until it ends; returns why it ended.
async fn forward_input<I>(
    mut stdin: I,
    to_server: &mut DuplexStream,
    errors: &mpsc::UnboundedSender<Value>,
) -> String
where
    I: AsyncRead + Unpin,
{
    let mut decoder = Decoder::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let read = match stdin.read(&mut buf).await {
            Ok(0) => {
                return match decoder.unfinished() {
                    Some(place) => format!("stdin was closed {place}"),
                    None => "stdin was closed".to_owned(),
                };
            }
            Ok(read) => read,
            Err(error) => return format!("reading stdin failed: {error}"),
        };
        decoder.push(&buf[..read]);
        while let Some(event) = decoder.next_event() {
            let refusal = match event {
                Event::Message(body) => match check(body) {
                    Ok(checked) => {
                        if checked.repaired > 0 {
                            log::warn(format_args!(
                                "replaced {} lone surrogate escape(s) by U+FFFD",
                                checked.repaired
                            ));
                        }
                        if to_server.write_all(&frame(&checked.json)).await.is_err() {
                            return "the server stopped reading".to_owned();
                        }
                        continue;
                    }
                    Err(refusal) => refusal,
                },
                Event::Error(error) => Refusal::parse_error(format_args!(
                    "{error}; skipped to the next Content-Length header"
                )),
            };
            log::warn(format_args!("answered a bad message: {}", refusal.message));
            let _ = errors.send(refusal.response());
        }
    }
}

/// The one writer of stdout: tower-lsp-server's frames and the refusals, whole frames only.
async fn write_output<O>(
    mut from_server: DuplexStream,
    mut errors: mpsc::UnboundedReceiver<Value>,
    mut stdout: O,
) where
    O: AsyncWrite + Unpin,
{
    let mut decoder = Decoder::new();
    let mut buf = vec![0; 64 * 1024];
    let mut broken = false;
    let mut errors_open = true;
    loop {
        tokio::select! {
            read = from_server.read(&mut buf) => {
                let read = match read {
                    Ok(0) => break,
                    Ok(read) => read,
                    Err(error) => {
                        log::error(format_args!("reading the server's output failed: {error}"));
                        break;
                    }
                };
                decoder.push(&buf[..read]);
                while let Some(event) = decoder.next_event() {
                    match event {
                        Event::Message(body) => write_frame(&mut stdout, &body, &mut broken).await,
                        Event::Error(error) => {
                            log::error(format_args!("the server wrote {error}"));
                        }
                    }
                }
            }
            refusal = errors.recv(), if errors_open => match refusal {
                Some(refusal) => {
                    write_frame(&mut stdout, refusal.to_string().as_bytes(), &mut broken).await;
                }
                None => errors_open = false,
            },
        }
    }
    while let Ok(refusal) = errors.try_recv() {
        write_frame(&mut stdout, refusal.to_string().as_bytes(), &mut broken).await;
    }
}

/// Writes one frame; after a failure (the client is gone) the rest is dropped, and the
/// server's output still read so that it never blocks.
async fn write_frame<O: AsyncWrite + Unpin>(stdout: &mut O, body: &[u8], broken: &mut bool) {
    if *broken {
        return;
    }
    let result = async {
        stdout.write_all(&frame(body)).await?;
        stdout.flush().await
    };
    if let Err(error) = result.await {
        log::error(format_args!("writing to stdout failed: {error}"));
        *broken = true;
    }
}

#[cfg(test)]
mod tests;
