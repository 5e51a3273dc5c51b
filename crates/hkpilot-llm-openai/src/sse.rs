//! An incremental Server-Sent Events decoder (the WHATWG event-stream format) that
//! accepts bytes split anywhere, including inside a UTF-8 character or a CRLF.
//!
//! Lines are cut on raw bytes and decoded only once complete, so a multi-byte character
//! split across TCP reads is never seen in halves.

/// One dispatched event: its `event:` type (empty for the default "message") and its
/// `data:` lines joined with `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// Why the byte stream is not a usable event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseError {
    /// A line or event grew past the limit without ending (a server sending garbage).
    TooLong(usize),
    /// A complete line that is not UTF-8.
    NotUtf8,
}

impl std::fmt::Display for SseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SseError::TooLong(n) => write!(f, "an event-stream line or event exceeded {n} bytes"),
            SseError::NotUtf8 => f.write_str("an event-stream line is not valid UTF-8"),
        }
    }
}

/// Biggest line or event accepted; generous for one JSON chunk, small enough that a
/// server streaming garbage without newlines cannot exhaust memory.
pub const MAX_EVENT_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct SseDecoder {
    line: Vec<u8>,
    data: String,
    has_data: bool,
    event: String,
    /// The last byte seen was CR, so a following LF belongs to the same line break.
    after_cr: bool,
    /// A UTF-8 BOM may start the stream, and only the stream.
    past_first_line: bool,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; returns the events completed by them, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' => self.end_line(&mut out)?,
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut out)?;
                }
                _ => {
                    if self.line.len() >= MAX_EVENT_BYTES {
                        return Err(SseError::TooLong(MAX_EVENT_BYTES));
                    }
                    self.line.push(b);
                }
            }
        }
        Ok(out)
    }

    /// True when part of an event has been read but not dispatched (at end of stream
    /// this is a truncated event, which the format says to discard).
    pub fn has_pending(&self) -> bool {
        self.has_data || !self.line.is_empty()
    }

    fn end_line(&mut self, out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        let raw = std::mem::take(&mut self.line);
        let mut line = std::str::from_utf8(&raw).map_err(|_| SseError::NotUtf8)?;
        if !self.past_first_line {
            self.past_first_line = true;
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() {
            if self.has_data {
                out.push(SseEvent {
                    event: std::mem::take(&mut self.event),
                    data: std::mem::take(&mut self.data),
                });
            }
            self.has_data = false;
            self.event.clear();
            return Ok(());
        }
        if line.starts_with(':') {
            return Ok(()); // a comment, e.g. a keep-alive ping
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                if self.data.len() + value.len() > MAX_EVENT_BYTES {
                    return Err(SseError::TooLong(MAX_EVENT_BYTES));
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = value.to_string(),
            // `id` and `retry` matter to browsers reconnecting; a one-shot completion
            // stream is never resumed. Unknown fields are ignored, as the format says.
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(events: &[SseEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    const STREAM: &str = "\u{feff}: ping\r\n\r\ndata: {\"a\":\"粵語\"}\r\n\r\nevent: error\ndata: line1\ndata:line2\n\n:comment\rdata: [DONE]\r\r";

    #[test]
    fn decodes_fields_comments_and_all_line_endings() {
        let mut d = SseDecoder::new();
        let ev = d.push(STREAM.as_bytes()).unwrap();
        assert_eq!(data(&ev), ["{\"a\":\"粵語\"}", "line1\nline2", "[DONE]"]);
        assert_eq!(ev[1].event, "error");
        assert_eq!(ev[2].event, "");
        assert!(!d.has_pending());
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let whole = SseDecoder::new().push(STREAM.as_bytes()).unwrap();
        let bytes = STREAM.as_bytes();
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let mut d = SseDecoder::new();
                let mut ev = d.push(&bytes[..i]).unwrap();
                ev.extend(d.push(&bytes[i..j]).unwrap());
                ev.extend(d.push(&bytes[j..]).unwrap());
                assert_eq!(ev, whole, "split at {i},{j}");
            }
        }
    }

    #[test]
    fn truncated_event_is_pending_not_dispatched() {
        let mut d = SseDecoder::new();
        assert!(d.push(b"data: {\"a\":").unwrap().is_empty());
        assert!(d.has_pending());
    }

    #[test]
    fn garbage_without_newlines_is_bounded() {
        let mut d = SseDecoder::new();
        let junk = vec![b'x'; MAX_EVENT_BYTES + 1];
        assert_eq!(d.push(&junk), Err(SseError::TooLong(MAX_EVENT_BYTES)));
    }

    #[test]
    fn invalid_utf8_line_is_an_error() {
        let mut d = SseDecoder::new();
        assert_eq!(d.push(b"data: \xff\xfe\n"), Err(SseError::NotUtf8));
    }
}
