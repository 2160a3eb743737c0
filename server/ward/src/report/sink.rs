//! Where a renderer writes the report: text gathered in a small buffer and handed to the
//! output each time the buffer fills, so that a report of 100 MB is never held whole (nor
//! copied each time a growing string doubles).

use std::fmt;
use std::io::{self, Write};

/// How much text the sink gathers before it writes.
const CHUNK: usize = 64 * 1024;

pub struct Sink<'a> {
    buffer: Vec<u8>,
    out: &'a mut dyn Write,
    /// The first write that failed; later text is dropped, and [`Sink::finish`] says why.
    error: Option<io::Error>,
}

impl<'a> Sink<'a> {
    pub fn new(out: &'a mut dyn Write) -> Sink<'a> {
        Sink {
            buffer: Vec::with_capacity(CHUNK * 2),
            out,
            error: None,
        }
    }

    pub fn push_str(&mut self, text: &str) {
        self.push_bytes(text.as_bytes());
    }

    /// Text as bytes, from a writer that hands over UTF-8 in pieces of any size.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.write_buffer();
        }
    }

    pub fn push(&mut self, ch: char) {
        self.push_str(ch.encode_utf8(&mut [0; 4]));
    }

    /// Writes what is left and flushes the output.
    pub fn finish(mut self) -> io::Result<()> {
        self.write_buffer();
        match self.error.take() {
            Some(error) => Err(error),
            None => self.out.flush(),
        }
    }

    fn write_buffer(&mut self) {
        if self.error.is_none()
            && let Err(error) = self.out.write_all(&self.buffer)
        {
            self.error = Some(error);
        }
        self.buffer.clear();
    }
}

impl fmt::Write for Sink<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.push_str(text);
        Ok(())
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.push_bytes(bytes);
        Ok(bytes.len())
    }

    /// The sink flushes once, in [`Sink::finish`].
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reaches_the_output_in_order_across_chunks() {
        let mut out = Vec::new();
        let mut sink = Sink::new(&mut out);
        let line = "0123456789abcdef".repeat(1000);
        for _ in 0..10 {
            sink.push_str(&line);
            sink.push('\n');
        }
        sink.finish().expect("a vector takes every write");
        let expected = format!("{line}\n").repeat(10);
        assert_eq!(String::from_utf8(out).expect("text"), expected);
    }

    /// An output that takes `room` bytes and then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            let taken = bytes.len().min(self.room);
            self.room -= taken;
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_told_at_the_end() {
        let mut out = Full { room: 10 };
        let mut sink = Sink::new(&mut out);
        sink.push_str(&"x".repeat(CHUNK * 3));
        let error = sink.finish().expect_err("the output is full");
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
    }
}
