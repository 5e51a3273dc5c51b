//! A scripted backend for pipeline tests: it "summarises" by copying some of the
//! numbered lines it is shown, citing each correctly (or, when told, wrongly), and
//! records every request so tests can inspect prompts, calls and concurrency.

use hkpilot_llm::testing::{message, Reply, ScriptedBackend};
use hkpilot_llm::{ChatRequest, LlmError, Role};

/// How the scripted model misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Copies lines and cites them correctly.
    Faithful,
    /// Copies lines but cites numbers it was not shown.
    Invents,
    /// Copies lines and cites nothing.
    Uncited,
    /// Writes nothing.
    Silent,
    /// Fails every call.
    Fails,
    /// Faithful, but its JSON is cut off.
    BadJson,
}

/// The scripted summariser as a backend.
pub type Scripted = ScriptedBackend<Script>;

pub use hkpilot_llm::testing::scripted_token_count as count;

impl Reply for Script {
    fn reply(&self, request: &ChatRequest) -> Result<String, LlmError> {
        if *self == Script::Fails {
            return Err(LlmError::BackendUnavailable("scripted failure".into()));
        }
        let user = message(request, Role::User);
        let json = matches!(
            request.options.structured,
            Some(hkpilot_llm::StructuredOutput::JsonSchema(_))
        );
        Ok(if *self == Script::Silent {
            String::new()
        } else if json {
            self.reply_json(&user)
        } else {
            self.lines(&user)
        })
    }
}

impl Script {
    fn lines(&self, user: &str) -> String {
        let lines: Vec<(u32, &str)> = user
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix('[')?;
                let (k, text) = rest.split_once("] ")?;
                Some((k.parse().ok()?, text))
            })
            .collect();
        let want: usize = user
            .rsplit("Write at most ")
            .next()
            .and_then(|t| t.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(3);
        // Every other line, at most `want`: each pass shortens its input.
        lines
            .iter()
            .step_by(2)
            .take(want.max(1))
            .map(|(k, text)| match self {
                Script::Invents => format!("- {text} [{}]\n", k + 500),
                Script::Uncited => format!("- {text}\n"),
                _ => format!("- {text} [{k}]\n"),
            })
            .collect()
    }

    /// The structured reply: the first line as a key point, the second as an action
    /// item for the Works Bureau, the third as a figure. Malformed JSON when told.
    fn reply_json(&self, user: &str) -> String {
        if *self == Script::BadJson {
            return "{\"key_points\": [{\"text\": \"unfinished".into();
        }
        let lines: Vec<String> = self
            .lines(user)
            .lines()
            .map(|l| l.trim_start_matches("- ").to_string())
            .collect();
        let item = |l: &String| {
            let (text, cite) = l.rsplit_once(" [").unwrap_or((l, "1]"));
            let cite: u32 = cite.trim_end_matches(']').parse().unwrap_or(1);
            (text.to_string(), cite)
        };
        let mut v = serde_json::json!({"key_points": [], "decisions": [], "figures": [],
            "action_items": [], "open_questions": []});
        for (i, l) in lines.iter().enumerate() {
            let (text, cite) = item(l);
            match i {
                1 => v["action_items"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(
                    {"text": text, "owner": "Works Bureau", "due": null, "cites": [cite]})),
                2 => v["figures"].as_array_mut().unwrap().push(serde_json::json!(
                    {"text": text, "cites": [cite]})),
                _ => v["key_points"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(
                    {"text": text, "cites": [cite]})),
            }
        }
        v.to_string()
    }
}
