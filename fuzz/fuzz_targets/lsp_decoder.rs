//! The message decoder of `ward lsp` (`server/ward/src/lsp/transport.rs`, compiled in from
//! its source: the `ward` crate has no library). Any bytes from a client: no panic; the
//! events do not depend on how the bytes are split into reads (the first input byte picks
//! the read size); every error consumes input (no endless loop); every message that passes
//! the checks decodes as tower-lsp-server decodes it, and framed again it decodes to itself.

#![no_main]

// The transport reaches the log as `super::log`: both sit at this crate's root.
#[path = "../../server/ward/src/lsp/log.rs"]
#[allow(dead_code)]
mod log;
#[path = "../../server/ward/src/lsp/transport.rs"]
#[allow(dead_code)]
mod transport;

use libfuzzer_sys::fuzz_target;
use tower_lsp_server::jsonrpc::{Request, Response};
use transport::{Decoder, Event, check, frame};

fn decode(chunks: impl Iterator<Item = Vec<u8>>) -> Vec<Event> {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    for chunk in chunks {
        decoder.push(&chunk);
        // An error always consumes input, so this loop ends; a bound makes a bug a finding
        // rather than a hang.
        let mut budget = 1_000_000;
        while let Some(event) = decoder.next_event() {
            events.push(event);
            budget -= 1;
            assert!(budget > 0, "the decoder loops without consuming input");
        }
    }
    events
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let whole = decode(std::iter::once(bytes.to_vec()));
    let size = usize::from(first % 16) + 1;
    let split = decode(bytes.chunks(size).map(<[u8]>::to_vec));
    assert_eq!(whole, split, "reads of {size} bytes decode differently");
    for event in whole {
        let Event::Message(body) = event else {
            continue;
        };
        let Ok(checked) = check(body) else {
            continue;
        };
        assert!(
            serde_json::from_slice::<Response>(&checked.json).is_ok()
                || serde_json::from_slice::<Request>(&checked.json).is_ok(),
            "a checked message tower-lsp-server cannot decode: {:?}",
            String::from_utf8_lossy(&checked.json)
        );
        let again = decode(std::iter::once(frame(&checked.json)));
        assert_eq!(again, [Event::Message(checked.json.clone())]);
    }
});
