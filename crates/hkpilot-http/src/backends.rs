//! [`Backends`]: the models this server offers, by the name clients put in the OpenAI
//! `model` field, and which one answers when a request names none.

use std::sync::Arc;

use hkpilot_llm::LlmBackend;

use crate::HttpError;

/// Name → backend. The first one added is the default until [`Backends::set_default`].
#[derive(Clone, Debug)]
pub struct Backends {
    entries: Vec<(String, Arc<dyn LlmBackend>)>,
    default: usize,
}

impl Backends {
    /// A registry with one backend under `name`, which is also the default.
    pub fn new(name: impl Into<String>, backend: Arc<dyn LlmBackend>) -> Self {
        Self {
            entries: vec![(name.into(), backend)],
            default: 0,
        }
    }

    /// A registry with one backend under the name it reports.
    pub fn single(backend: Arc<dyn LlmBackend>) -> Self {
        let name = backend.info().name.clone();
        Self::new(name, backend)
    }

    /// Adds another model; names must be unique.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        backend: Arc<dyn LlmBackend>,
    ) -> Result<(), HttpError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(HttpError::Config("a model name is empty".into()));
        }
        if self.entries.iter().any(|(n, _)| *n == name) {
            return Err(HttpError::Config(format!(
                "two models are named {name:?}; give each a distinct name"
            )));
        }
        self.entries.push((name, backend));
        Ok(())
    }

    /// Makes `name` answer requests that name no model.
    pub fn set_default(&mut self, name: &str) -> Result<(), HttpError> {
        self.default = self.position(name).ok_or_else(|| {
            HttpError::Config(format!(
                "default model {name:?} is not among the models ({})",
                self.names().join(", ")
            ))
        })?;
        Ok(())
    }

    pub fn default_name(&self) -> &str {
        &self.entries[self.default].0
    }

    pub fn names(&self) -> Vec<&str> {
        self.entries.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Arc<dyn LlmBackend>)> {
        self.entries.iter().map(|(n, b)| (n.as_str(), b))
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|(n, _)| n == name)
    }

    /// The backend for a request's `model` field; absent or empty means the default.
    pub fn resolve(&self, model: Option<&str>) -> Result<(&str, &Arc<dyn LlmBackend>), HttpError> {
        let i = match model.map(str::trim).filter(|m| !m.is_empty()) {
            None => self.default,
            Some(m) => self.position(m).ok_or_else(|| HttpError::ModelNotFound {
                name: m.to_string(),
                available: self.names().join(", "),
            })?,
        };
        let (n, b) = &self.entries[i];
        Ok((n, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hkpilot_llm::testing::EchoBackend;

    #[test]
    fn resolves_by_name_with_a_default() {
        let mut b = Backends::single(Arc::new(EchoBackend::default()));
        b.add("other", Arc::new(EchoBackend::new(64))).unwrap();
        assert_eq!(b.resolve(None).unwrap().0, "echo");
        assert_eq!(b.resolve(Some("")).unwrap().0, "echo");
        assert_eq!(
            b.resolve(Some("other")).unwrap().1.info().context_length,
            64
        );
        b.set_default("other").unwrap();
        assert_eq!(b.resolve(None).unwrap().0, "other");
        let e = b.resolve(Some("gpt-4")).unwrap_err();
        assert_eq!(e.code(), "model_not_found");
        assert!(e.to_string().contains("echo, other"), "{e}");
        assert!(b.add("echo", Arc::new(EchoBackend::default())).is_err());
        assert!(b.set_default("nope").is_err());
    }
}
