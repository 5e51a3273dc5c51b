//! A scripted translation backend for pipeline tests: it answers every numbered line
//! of a chunk with whatever its script says, records every request (to inspect the
//! prompts, the shared system message and concurrency), and obeys any instruction it
//! finds *outside* the `<source>` block — so a test can show that text from a document
//! never gets there.

use hkpilot_llm::testing::{message, Reply, ScriptedBackend};
use hkpilot_llm::{ChatRequest, LlmError, Role};

/// The scripted translator as a backend.
pub type Translator = ScriptedBackend<LineScript>;

type LineFn = dyn Fn(&str, usize) -> String + Send + Sync;

/// The translation of each line: (the line's text, how many lines the chunk has) →
/// the answer (empty for none); or a backend that fails every call.
pub struct LineScript {
    line: Box<LineFn>,
    fail: bool,
}

impl std::fmt::Debug for LineScript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LineScript")
    }
}

/// A translator answering each line with `line(text, lines in the chunk)`.
pub fn translator(line: impl Fn(&str, usize) -> String + Send + Sync + 'static) -> Translator {
    Translator::new(LineScript {
        line: Box::new(line),
        fail: false,
    })
}

impl LineScript {
    pub fn failing() -> Self {
        LineScript {
            line: Box::new(|_, _| String::new()),
            fail: true,
        }
    }
}

impl Reply for LineScript {
    fn reply(&self, request: &ChatRequest) -> Result<String, LlmError> {
        if self.fail {
            return Err(LlmError::BackendUnavailable("scripted failure".into()));
        }
        Ok(self.answer(&message(request, Role::User)))
    }
}

impl LineScript {
    fn answer(&self, user: &str) -> String {
        // Like a naive model, the first closing tag is taken as the end of the source.
        let (inside, outside) = match (user.find("<source>"), user.find("</source>")) {
            (Some(a), Some(b)) if a < b => (&user[a + 8..b], &user[b + 9..]),
            _ => ("", user),
        };
        // An instruction that escaped the source block is obeyed, as a real model might.
        if let Some(i) = outside.find("reply only with ") {
            return outside[i + "reply only with ".len()..]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
        let lines: Vec<(usize, &str)> = inside
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix('[')?;
                let (k, text) = rest.split_once("] ")?;
                Some((k.parse().ok()?, text))
            })
            .collect();
        let n = lines.len();
        lines
            .iter()
            .map(|(k, text)| {
                let t = (self.line)(text, n);
                if t.is_empty() {
                    format!("[{k}] \n")
                } else {
                    format!("[{k}] {t}\n")
                }
            })
            .collect()
    }
}
