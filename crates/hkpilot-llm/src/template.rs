//! Chat templates: the model's own Jinja template (from GGUF metadata or a config
//! override) rendered with `minijinja` the way Hugging Face's tokenizers render it.
//!
//! llama.cpp's built-in matcher reduces unknown templates to plain ChatML (see
//! llama-cpp-notes.md), so we render the real template ourselves. The rendered prompt
//! contains special-token text; tokenise it with parse_special=true and add_special=false.

use minijinja::{Environment, ErrorKind};
use serde::Serialize;

use crate::{ChatMessage, LlmError};

/// ChatML, the template used when a model ships none.
pub const CHATML_TEMPLATE: &str = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/// A compiled-on-use chat template with the special tokens it may refer to.
#[derive(Debug, Clone)]
pub struct ChatTemplate {
    source: String,
    bos_token: String,
    eos_token: String,
}

#[derive(Serialize)]
struct Ctx<'a> {
    messages: &'a [ChatMessage],
    add_generation_prompt: bool,
    bos_token: &'a str,
    eos_token: &'a str,
}

impl ChatTemplate {
    /// Checks the template parses; errors name the problem.
    pub fn new(
        source: impl Into<String>,
        bos_token: impl Into<String>,
        eos_token: impl Into<String>,
    ) -> Result<Self, LlmError> {
        let t = Self {
            source: source.into(),
            bos_token: bos_token.into(),
            eos_token: eos_token.into(),
        };
        let env = environment();
        env.template_from_str(&t.source)
            .map_err(|e| LlmError::Template(format!("the template does not parse: {e}")))?;
        Ok(t)
    }

    pub fn chatml() -> Self {
        Self {
            source: CHATML_TEMPLATE.to_string(),
            bos_token: String::new(),
            eos_token: "<|im_end|>".to_string(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Renders a conversation. With `add_generation_prompt`, the text ends where the
    /// assistant's reply should begin.
    pub fn render(
        &self,
        messages: &[ChatMessage],
        add_generation_prompt: bool,
    ) -> Result<String, LlmError> {
        if messages.is_empty() {
            return Err(LlmError::InvalidRequest(
                "a chat request needs at least one message".into(),
            ));
        }
        let env = environment();
        let tmpl = env
            .template_from_str(&self.source)
            .map_err(|e| LlmError::Template(e.to_string()))?;
        let ctx = Ctx {
            messages,
            add_generation_prompt,
            bos_token: &self.bos_token,
            eos_token: &self.eos_token,
        };
        tmpl.render(ctx).map_err(|e| match e.kind() {
            // raise_exception() in a template is how templates reject a conversation
            // (e.g. roles not alternating): that is the caller's mistake.
            ErrorKind::InvalidOperation => LlmError::InvalidRequest(format!(
                "the model's chat template rejected the conversation: {}",
                e.detail().unwrap_or("no detail")
            )),
            _ => LlmError::Template(e.to_string()),
        })
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Hugging Face renders with trim_blocks and lstrip_blocks; templates are written
    // for that whitespace handling.
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Python string methods (.strip(), .startswith(), ...) used by many templates.
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    env.add_function(
        "raise_exception",
        |msg: String| -> Result<String, minijinja::Error> {
            Err(minijinja::Error::new(ErrorKind::InvalidOperation, msg))
        },
    );
    // Some templates print today's date; a fixed answer keeps prompts cacheable and
    // avoids a clock dependency here.
    env.add_function("strftime_now", |_fmt: String| -> String {
        "01 Jan 2026".to_string()
    });
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chatml_renders_with_generation_prompt() {
        let t = ChatTemplate::chatml();
        let out = t
            .render(
                &[ChatMessage::system("Be brief."), ChatMessage::user("Hi")],
                true,
            )
            .unwrap();
        assert_eq!(
            out,
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
    }

    #[test]
    fn python_methods_and_raise_exception_work() {
        let src = "{% for m in messages %}{% if m.role == 'tool' %}{{ raise_exception('no tools') }}{% endif %}[{{ m.content.strip() }}]{% endfor %}";
        let t = ChatTemplate::new(src, "<s>", "</s>").unwrap();
        assert_eq!(
            t.render(&[ChatMessage::user("  x ")], false).unwrap(),
            "[x]"
        );
        let err = t
            .render(&[ChatMessage::new(crate::Role::Tool, "y")], false)
            .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidRequest, "{err}");
    }

    #[test]
    fn bad_template_is_reported() {
        let err = ChatTemplate::new("{% for %}", "", "").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Template);
    }
}
