//! Tests of the transport: the decoder on good, bad and random bytes in any split, the
//! surrogate repair against `String::from_utf16_lossy`, the checks, and both tasks on pipes.

use proptest::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

const HOVER: &str = r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#;

fn decode(bytes: &[u8]) -> Vec<Event> {
    let mut decoder = Decoder::new();
    decoder.push(bytes);
    std::iter::from_fn(|| decoder.next_event()).collect()
}

/// The events of `bytes` pushed in pieces cut at `cuts` (positions, any order).
fn decode_split(bytes: &[u8], cuts: &[usize]) -> Vec<Event> {
    let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut % (bytes.len() + 1)).collect();
    cuts.push(bytes.len());
    cuts.sort_unstable();
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    let mut from = 0;
    for cut in cuts {
        decoder.push(&bytes[from..cut]);
        from = cut;
        events.extend(std::iter::from_fn(|| decoder.next_event()));
    }
    events
}

fn message(body: &str) -> Event {
    Event::Message(body.as_bytes().to_vec())
}

#[test]
fn frames_in_one_push_and_byte_by_byte() {
    let bytes = [frame(HOVER.as_bytes()), frame(b"{}")].concat();
    let want = vec![message(HOVER), message("{}")];
    assert_eq!(decode(&bytes), want);
    let every_byte: Vec<usize> = (0..bytes.len()).collect();
    assert_eq!(decode_split(&bytes, &every_byte), want);
}

#[test]
fn header_names_in_any_case_and_other_headers() {
    let bytes = "content-length: 2\r\n\r\n{}CONTENT-LENGTH:2\r\n\r\n[]\
         Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncOnTeNt-LeNgTh:  3 \r\n\r\n123\
         Content-Length: 4\n\nnull";
    assert_eq!(
        decode(bytes.as_bytes()),
        vec![
            message("{}"),
            message("[]"),
            message("123"),
            message("null")
        ]
    );
}

#[test]
fn blank_lines_between_frames_are_tolerated() {
    let bytes = [
        b"\r\n\r\n".to_vec(),
        frame(b"{}"),
        b"\n".to_vec(),
        frame(b"[]"),
    ]
    .concat();
    assert_eq!(decode(&bytes), vec![message("{}"), message("[]")]);
}

#[test]
fn framing_errors_resynchronise_on_the_next_header() {
    let next = frame(HOVER.as_bytes());
    let cases: Vec<(Vec<u8>, FrameError)> = vec![
        (
            b"Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec(),
            FrameError::MissingLength,
        ),
        (
            b"Content-Length: abc\r\n\r\n{}".to_vec(),
            FrameError::BadLength("abc".to_owned()),
        ),
        (
            b"Content-Length: -1\r\n\r\n{}".to_vec(),
            FrameError::BadLength("-1".to_owned()),
        ),
        (
            b"Content-Length:\r\n\r\n{}".to_vec(),
            FrameError::BadLength(String::new()),
        ),
        (
            b"Content-Length: 2\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
            FrameError::DuplicateLength,
        ),
        (
            b"Content-Length: 99999999999999999999999\r\n\r\n".to_vec(),
            FrameError::TooLarge(u64::MAX),
        ),
        (
            format!("Content-Length: {}\r\n\r\n", MAX_BODY + 1).into_bytes(),
            FrameError::TooLarge(MAX_BODY as u64 + 1),
        ),
        (
            b"garbage\r\n".to_vec(),
            FrameError::NotAHeader("garbage".to_owned()),
        ),
        (
            [
                b"X-Long: ".to_vec(),
                vec![b'x'; MAX_HEADERS],
                b"\r\n\r\n".to_vec(),
            ]
            .concat(),
            FrameError::HeadersTooLong,
        ),
    ];
    for (bad, error) in cases {
        let bytes = [bad.clone(), next.clone()].concat();
        let want = vec![Event::Error(error), message(HOVER)];
        let shown = String::from_utf8_lossy(&bad);
        assert_eq!(decode(&bytes), want, "{shown}");
        let every_byte: Vec<usize> = (0..bytes.len()).collect();
        assert_eq!(
            decode_split(&bytes, &every_byte),
            want,
            "{shown}, byte by byte"
        );
    }
}

#[test]
fn a_header_behind_garbage_on_its_line_is_found() {
    // A client's stray bytes before a header: the header block has no Content-Length of
    // its own, and the one inside the garbage line is found again.
    let bytes = [b"oops".to_vec(), frame(HOVER.as_bytes())].concat();
    assert_eq!(
        decode(&bytes),
        vec![Event::Error(FrameError::MissingLength), message(HOVER)]
    );
}

#[test]
fn where_the_input_stopped() {
    let mut decoder = Decoder::new();
    assert_eq!(decoder.unfinished(), None);
    decoder.push(b"Content-Len");
    assert_eq!(decoder.next_event(), None);
    assert_eq!(decoder.unfinished(), Some("inside a header"));
    decoder.push(b"gth: 5\r\n\r\n{}");
    assert_eq!(decoder.next_event(), None);
    assert_eq!(decoder.unfinished(), Some("inside a message body"));
    decoder.push(b"[]\n");
    assert_eq!(decoder.next_event(), Some(message("{}[]\n")));
    assert_eq!(decoder.unfinished(), None);
    decoder.push(b"nonsense\r\n");
    assert!(matches!(decoder.next_event(), Some(Event::Error(_))));
    assert_eq!(
        decoder.unfinished(),
        Some("while skipping bytes that are no message")
    );
}

#[test]
fn skipping_keeps_a_header_split_across_pushes() {
    let mut decoder = Decoder::new();
    decoder.push(b"garbage\r\nmore garbage Conten");
    assert!(matches!(decoder.next_event(), Some(Event::Error(_))));
    assert_eq!(decoder.next_event(), None);
    decoder.push(b"t-Length: 2\r\n\r\n{}");
    assert_eq!(decoder.next_event(), Some(message("{}")));
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    let cases = [
        (r#""\ud83d""#, r#""\ufffd""#, 1),
        (r#""a\ud83db""#, r#""a\ufffdb""#, 1),
        (r#""\ude00""#, r#""\ufffd""#, 1),
        (r#""\ud83d\ude00""#, r#""\ud83d\ude00""#, 0),
        (r#""\uD83D\uDE00""#, r#""\uD83D\uDE00""#, 0),
        (r#""\ud83d\u0041""#, r#""\ufffd\u0041""#, 1),
        (r#""\ud83d\ud83d\ude00""#, r#""\ufffd\ud83d\ude00""#, 1),
        (r#""\ude00\ud83d""#, r#""\ufffd\ufffd""#, 2),
        // An escaped backslash followed by text that looks like an escape.
        (r#""\\ud83d""#, r#""\\ud83d""#, 0),
        (r#""\\\ud83d""#, r#""\\\ufffd""#, 1),
        // Broken escapes are left for the JSON parser to refuse.
        (r#""\ud8""#, r#""\ud8""#, 0),
        (r#""\u00e9\n\"""#, r#""\u00e9\n\"""#, 0),
    ];
    for (text, want, count) in cases {
        let mut bytes = text.as_bytes().to_vec();
        assert_eq!(repair_surrogates(&mut bytes), count, "{text}");
        assert_eq!(String::from_utf8(bytes).unwrap(), want, "{text}");
    }
}

fn refusal(body: &[u8]) -> Refusal {
    check(body.to_vec()).expect_err(&String::from_utf8_lossy(body))
}

#[test]
fn malformed_messages_are_refused_with_their_error() {
    let cases: &[(&[u8], i64, Value)] = &[
        (b"{\"jsonrpc\": \"2.0\", \"method\": ", -32700, Value::Null),
        (b"not json at all", -32700, Value::Null),
        (b"", -32700, Value::Null),
        (
            b"{\"jsonrpc\":\"2.0\",\"method\":\"x\xff\"}",
            -32700,
            Value::Null,
        ),
        (
            br#"[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]"#,
            -32600,
            Value::Null,
        ),
        (b"[]", -32600, Value::Null),
        (b"42", -32600, Value::Null),
        (b"\"text\"", -32600, Value::Null),
        (b"null", -32600, Value::Null),
        (
            br#"{"jsonrpc":"1.0","id":7,"method":"shutdown"}"#,
            -32600,
            json!(7),
        ),
        (br#"{"id":"a","method":"shutdown"}"#, -32600, json!("a")),
        (
            br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
            -32600,
            Value::Null,
        ),
        (
            br#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"x"}"#,
            -32600,
            Value::Null,
        ),
        (
            br#"{"jsonrpc":"2.0","id":{"a":1},"result":null}"#,
            -32600,
            Value::Null,
        ),
        (br#"{"jsonrpc":"2.0","id":3,"method":5}"#, -32600, json!(3)),
        (
            br#"{"jsonrpc":"2.0","id":4,"error":{"code":"x","message":1}}"#,
            -32600,
            json!(4),
        ),
        (br#"{"jsonrpc":"2.0","id":5}"#, -32600, json!(5)),
        (br#"{"jsonrpc":"2.0","result":1}"#, -32600, Value::Null),
    ];
    for (body, code, id) in cases {
        let refusal = refusal(body);
        let shown = String::from_utf8_lossy(body);
        assert_eq!(refusal.code, *code, "{shown}: {refusal:?}");
        assert_eq!(&refusal.id, id, "{shown}: {refusal:?}");
        let response = refusal.response();
        assert_eq!(response["jsonrpc"], "2.0");
        assert_eq!(&response["id"], id);
        assert_eq!(response["error"]["code"], *code);
        assert!(response.get("result").is_none(), "{response}");
    }
}

#[test]
fn good_messages_pass_canonical_and_repaired() {
    // Requests, notifications and responses, as tower-lsp-server decodes them.
    for body in [
        HOVER,
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        r#"{"jsonrpc":"2.0","method":"exit"}"#,
        r#"{"jsonrpc":"2.0","id":"s","result":null}"#,
        r#"{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no"}}"#,
    ] {
        let checked = check(body.as_bytes().to_vec()).unwrap();
        let got: Value = serde_json::from_slice(&checked.json).unwrap();
        assert_eq!(got, serde_json::from_str::<Value>(body).unwrap());
        assert_eq!(checked.repaired, 0);
    }
    // VS Code's didChange for half an emoji.
    let body = br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"contentChanges":[{"text":"a\ud83d"}]}}"#;
    let checked = check(body.to_vec()).unwrap();
    assert_eq!(checked.repaired, 1);
    let got: Value = serde_json::from_slice(&checked.json).unwrap();
    assert_eq!(got["params"]["contentChanges"][0]["text"], "a\u{FFFD}");
    // Duplicate keys, which tower-lsp-server's decoder refuses, leave with the last value.
    let checked = check(br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"shutdown"}"#.to_vec());
    let got: Value = serde_json::from_slice(&checked.unwrap().json).unwrap();
    assert_eq!(
        got,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    );
}

/// Every checked message decodes as tower-lsp-server decodes: a response, else a request.
fn tower_decodes(json: &[u8]) -> bool {
    serde_json::from_slice::<Response>(json).is_ok()
        || serde_json::from_slice::<Request>(json).is_ok()
}

/// Bytes that look like parts of LSP messages, to reach the decoder's corners faster than
/// uniform bytes do.
fn lsp_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"Content-Length: ".to_vec()),
        Just(b"content-length:".to_vec()),
        Just(b"Content-Type: x\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n\r\n".to_vec()),
        Just(b":".to_vec()),
        (0u32..40).prop_map(|n| n.to_string().into_bytes()),
        Just(HOVER.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

fn without_needle(mut bytes: Vec<u8>) -> Vec<u8> {
    while let Some(at) = bytes
        .windows(NEEDLE.len())
        .position(|window| window.eq_ignore_ascii_case(NEEDLE))
    {
        bytes.remove(at);
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic_and_any_split_decodes_the_same(
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..400), lsp_bytes()],
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let whole = decode(&bytes);
        prop_assert_eq!(&decode_split(&bytes, &cuts), &whole);
        // Each error consumes at least one byte.
        let errors = whole.iter().filter(|event| matches!(event, Event::Error(_))).count();
        prop_assert!(errors <= bytes.len());
        for event in whole {
            if let Event::Message(body) = event
                && let Ok(checked) = check(body)
            {
                prop_assert!(tower_decodes(&checked.json));
            }
        }
    }

    #[test]
    fn after_any_garbage_the_next_frame_is_read(
        garbage in prop_oneof![prop::collection::vec(any::<u8>(), 0..400), lsp_bytes()],
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        // Without a Content-Length of its own, garbage cannot claim the frame's bytes.
        let garbage = without_needle(garbage);
        let bytes = [garbage, frame(HOVER.as_bytes())].concat();
        let events = decode_split(&bytes, &cuts);
        prop_assert_eq!(events.last(), Some(&message(HOVER)));
    }

    #[test]
    fn frames_with_any_header_case_decode_in_order(
        bodies in prop::collection::vec("[ -~]{0,40}", 1..6),
        upper in prop::collection::vec(prop::collection::vec(any::<bool>(), 14), 6),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let mut bytes = Vec::new();
        for (body, upper) in bodies.iter().zip(&upper) {
            let name: String = "content-length"
                .chars()
                .zip(upper)
                .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            bytes.extend(format!("{name}: {}\r\n\r\n{body}", body.len()).into_bytes());
        }
        let want: Vec<Event> = bodies.iter().map(|body| message(body)).collect();
        prop_assert_eq!(decode_split(&bytes, &cuts), want);
    }

    #[test]
    fn surrogate_repair_reads_like_lossy_utf16(
        tokens in prop::collection::vec(
            prop_oneof![
                4 => prop_oneof![0xD800u16..0xE000, 0u16..0x80, 0x80u16..0xFFFF]
                    .prop_map(|unit| (format!("\\u{unit:04x}"), unit)),
                1 => Just(("\\\\".to_owned(), u16::from(b'\\'))),
                1 => Just(("\\n".to_owned(), u16::from(b'\n'))),
                1 => (b'a'..=b'z').prop_map(|c| ((c as char).to_string(), u16::from(c))),
            ],
            0..24,
        ),
    ) {
        let text: String = tokens.iter().map(|(text, _)| text.as_str()).collect();
        let units: Vec<u16> = tokens.iter().map(|(_, unit)| *unit).collect();
        let mut json = format!("\"{text}\"").into_bytes();
        let length = json.len();
        repair_surrogates(&mut json);
        prop_assert_eq!(json.len(), length);
        let parsed: String = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(parsed, String::from_utf16_lossy(&units));
    }
}

/// Reads frames from a pipe, keeping what a read brought beyond the first.
struct Frames<R> {
    from: R,
    decoder: Decoder,
}

impl<R: tokio::io::AsyncRead + Unpin> Frames<R> {
    fn new(from: R) -> Frames<R> {
        Frames {
            from,
            decoder: Decoder::new(),
        }
    }

    async fn next(&mut self) -> Vec<u8> {
        let mut buf = [0; 1024];
        loop {
            match self.decoder.next_event() {
                Some(Event::Message(body)) => return body,
                Some(Event::Error(error)) => panic!("a broken frame: {error}"),
                None => {}
            }
            let read = self.from.read(&mut buf).await.unwrap();
            assert!(read > 0, "the pipe closed");
            self.decoder.push(&buf[..read]);
        }
    }
}

#[tokio::test]
async fn the_tasks_forward_good_messages_and_answer_bad_ones() {
    let (mut client_in, stdin) = tokio::io::duplex(1024);
    let (stdout, client_out) = tokio::io::duplex(1024);
    let (server_in, mut server_out, transport) = start(stdin, stdout);
    let mut client_out = Frames::new(client_out);
    let mut server_in = Frames::new(server_in);

    // Lower case header, then garbage, then not JSON, then a good message.
    let mut bytes = b"content-length: 2\r\n\r\n".to_vec();
    bytes.extend(br#"{}"#);
    bytes.extend(b"garbage\r\n");
    bytes.extend(frame(b"{oops"));
    bytes.extend(frame(HOVER.as_bytes()));
    client_in.write_all(&bytes).await.unwrap();

    // `{}` is refused (no "jsonrpc"); the hover reaches the server, canonical.
    let got = server_in.next().await;
    assert_eq!(
        serde_json::from_slice::<Value>(&got).unwrap(),
        serde_json::from_str::<Value>(HOVER).unwrap()
    );
    let mut codes = Vec::new();
    for _ in 0..3 {
        let answer: Value = serde_json::from_slice(&client_out.next().await).unwrap();
        assert_eq!(answer["id"], Value::Null, "{answer}");
        codes.push(answer["error"]["code"].as_i64().unwrap());
    }
    codes.sort_unstable();
    assert_eq!(codes, [-32700, -32700, -32600]);

    // The server's frames reach stdout whole, even written a byte at a time.
    let reply = br#"{"jsonrpc":"2.0","id":1,"result":null}"#;
    for byte in frame(reply) {
        server_out.write_all(&[byte]).await.unwrap();
    }
    assert_eq!(client_out.next().await, reply);

    // The client closes stdin in the middle of a message: the server's input ends, and the
    // transport says why once the server is done.
    client_in
        .write_all(b"Content-Length: 10\r\n\r\n{")
        .await
        .unwrap();
    drop(client_in);
    let mut rest = Vec::new();
    server_in.from.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "{rest:?}");
    drop(server_out);
    assert_eq!(
        transport.finish().await.as_deref(),
        Some("stdin was closed inside a message body")
    );
}
