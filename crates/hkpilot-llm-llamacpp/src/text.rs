//! Turning generated token bytes into text: whole UTF-8 characters only (byte-fallback
//! tokens split characters across tokens, common in Chinese), and stop strings held
//! back until we know they do not match.

/// Accumulates bytes and releases the longest valid UTF-8 prefix.
#[derive(Debug, Default)]
pub(crate) struct Utf8Decoder {
    pending: Vec<u8>,
}

impl Utf8Decoder {
    pub(crate) fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) => match e.error_len() {
                // Incomplete character at the end: keep it for the next token.
                None => e.valid_up_to(),
                // Invalid bytes: replace them now, so one bad token cannot stall output.
                Some(_) => {
                    let s = String::from_utf8_lossy(&self.pending).into_owned();
                    self.pending.clear();
                    return s;
                }
            },
        };
        let rest = self.pending.split_off(valid);
        // The prefix was checked above, so this never falls back to empty.
        String::from_utf8(std::mem::replace(&mut self.pending, rest)).unwrap_or_default()
    }

    /// Bytes of an incomplete character waiting for the next token.
    pub(crate) fn pending(&self) -> &[u8] {
        &self.pending
    }

    /// Whatever is left at the end of generation. `push` releases everything but an
    /// incomplete character, so what is left is half a character cut off by the token
    /// limit: it is dropped, since U+FFFD at the end of a Chinese reply reads as a bug.
    pub(crate) fn finish(&mut self) -> String {
        self.pending.clear();
        String::new()
    }
}

/// Finds stop strings in the generated text.
#[derive(Debug, Default)]
pub(crate) struct StopMatcher {
    stops: Vec<String>,
    /// Text generated but not yet released (it may be the start of a stop string).
    held: String,
}

pub(crate) enum StopResult {
    /// Text safe to release; generation continues.
    Continue(String),
    /// A stop string was found: release this text (before the stop) and finish.
    Stop(String),
}

impl StopMatcher {
    pub(crate) fn new(stops: Vec<String>) -> Self {
        Self {
            stops,
            held: String::new(),
        }
    }

    pub(crate) fn push(&mut self, text: &str) -> StopResult {
        self.held.push_str(text);
        if self.stops.is_empty() {
            return StopResult::Continue(std::mem::take(&mut self.held));
        }
        if let Some(at) = self
            .stops
            .iter()
            .filter_map(|s| self.held.find(s.as_str()))
            .min()
        {
            let mut out = std::mem::take(&mut self.held);
            out.truncate(at);
            return StopResult::Stop(out);
        }
        // Hold back the longest suffix that is a prefix of some stop string.
        let mut keep = 0;
        for s in &self.stops {
            for (i, _) in s.char_indices().skip(1) {
                if self.held.ends_with(&s[..i]) {
                    keep = keep.max(i);
                }
            }
        }
        let cut = self.held.len() - keep;
        let rest = self.held.split_off(cut);
        StopResult::Continue(std::mem::replace(&mut self.held, rest))
    }

    /// At the end of generation everything held is real output.
    pub(crate) fn finish(&mut self) -> String {
        std::mem::take(&mut self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_split_across_tokens() {
        let mut d = Utf8Decoder::default();
        let bytes = "香".as_bytes();
        assert_eq!(d.push(&bytes[..1]), "");
        assert_eq!(d.push(&bytes[1..2]), "");
        assert_eq!(d.push(&bytes[2..]), "香");
        assert_eq!(d.push(&[0xff, b'a']), "\u{fffd}a");
        // Half a character left when generation stops is dropped, not shown as U+FFFD.
        assert_eq!(d.push(&bytes[..2]), "");
        assert_eq!(d.finish(), "");
        assert!(d.pending().is_empty());
    }

    #[test]
    fn stop_strings_across_pushes() {
        let mut m = StopMatcher::new(vec!["END".into()]);
        let StopResult::Continue(a) = m.push("abc E") else {
            panic!()
        };
        assert_eq!(a, "abc ");
        let StopResult::Continue(b) = m.push("N") else {
            panic!()
        };
        assert_eq!(b, "");
        let StopResult::Stop(c) = m.push("Dx") else {
            panic!()
        };
        assert_eq!(c, "");
        let mut m = StopMatcher::new(vec!["END".into()]);
        let _ = m.push("E");
        let StopResult::Continue(d) = m.push("x") else {
            panic!()
        };
        assert_eq!(d, "Ex");
    }
}
