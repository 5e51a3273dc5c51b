//! What `connect` learns from the server: that the model exists, its context length
//! (from whichever field this server family reports) and whether `/tokenize` works.

use std::time::Duration;

use hkpilot_llm::LlmError;
use reqwest::Method;
use serde_json::Value;

use crate::transport::Transport;
use crate::wire::tokenize_body;

/// Facts gathered at connect time.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovered {
    pub context_length: usize,
    /// Where `context_length` came from, for the model description.
    pub context_source: String,
    pub train_context_length: Option<usize>,
    pub vocab_size: Option<usize>,
    /// `Some(url)` when the server tokenizes for us.
    pub tokenize_url: Option<String>,
}

/// Optional endpoints get one short try each; they are conveniences, not requirements.
fn probe_limit(t: &Transport) -> Duration {
    t.config().request_timeout().min(Duration::from_secs(10))
}

pub async fn discover(t: &Transport) -> Result<Discovered, LlmError> {
    let cfg = t.config();
    let url = format!("{}/models", cfg.api_root());
    let listing = t.json(Method::GET, &url, None).await?;
    let Some(models) = listing.get("data").and_then(Value::as_array) else {
        return Err(t.garbage(&url, "a model list without a `data` array"));
    };
    let ids: Vec<&str> = models
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_str))
        .collect();
    let Some(entry) = models
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(cfg.model.as_str()))
    else {
        return Err(LlmError::ModelNotFound {
            name: cfg.model.clone(),
            hint: format!(
                "remote backend {:?} ({url}) serves {ids:?}; set `model` to one of them",
                cfg.name
            ),
        });
    };
    let meta = entry.get("meta");
    let num = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_u64)
            .map(|n| n as usize)
            .filter(|n| *n > 0)
    };
    let train_context_length = num(meta, "n_ctx_train");
    let vocab_size = num(meta, "n_vocab");
    let reported = [
        "max_model_len",
        "context_length",
        "context_window",
        "max_context_length",
    ]
    .into_iter()
    .find_map(|k| num(Some(entry), k).map(|n| (n, format!("`{k}` in GET {url}"))));
    let (context_length, context_source) = match (cfg.context_length, reported) {
        (Some(n), _) => (n, "context_length in the backend config".to_string()),
        (None, Some(found)) => found,
        (None, None) => match props_context(t).await {
            Some(found) => found,
            None => {
                return Err(LlmError::InvalidRequest(format!(
                    "remote backend {:?}: the server at {} does not report the context length of model {:?}; set context_length in the backend config",
                    cfg.name,
                    cfg.base_url,
                    cfg.model
                )))
            }
        },
    };
    Ok(Discovered {
        context_length,
        context_source,
        train_context_length,
        vocab_size,
        tokenize_url: probe_tokenize(t).await,
    })
}

/// llama.cpp's `GET /props`: the context each slot serves (smaller than `n_ctx_train`
/// when the server was started with `-c`).
async fn props_context(t: &Transport) -> Option<(usize, String)> {
    let url = format!("{}/props", t.config().server_root());
    let (status, body) = t
        .probe(Method::GET, &url, None, probe_limit(t))
        .await
        .ok()?;
    if !status.is_success() {
        return None;
    }
    let v: Value = serde_json::from_slice(&body).ok()?;
    let n = v
        .pointer("/default_generation_settings/n_ctx")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)?;
    Some((
        n as usize,
        format!("`default_generation_settings.n_ctx` in GET {url}"),
    ))
}

async fn probe_tokenize(t: &Transport) -> Option<String> {
    let cfg = t.config();
    let url = format!("{}/tokenize", cfg.server_root());
    let body = tokenize_body(&cfg.model, "Hello 你好", false);
    match t
        .probe(Method::POST, &url, Some(&body), probe_limit(t))
        .await
    {
        Ok((status, bytes)) if status.is_success() => {
            let v: Value = serde_json::from_slice(&bytes).ok()?;
            parse_tokens(&v).filter(|t| !t.is_empty()).map(|_| url)
        }
        Ok((status, _)) => {
            tracing::info!(backend = %cfg.name, %url, %status, "no server tokenizer; token counts are estimates");
            None
        }
        Err(e) => {
            tracing::info!(backend = %cfg.name, %url, error = %e, "no server tokenizer; token counts are estimates");
            None
        }
    }
}

/// `{"tokens": [1, 2]}` (vLLM, llama.cpp), or llama.cpp's `with_pieces` form
/// `{"tokens": [{"id": 1, "piece": "a"}]}`.
pub fn parse_tokens(v: &Value) -> Option<Vec<u32>> {
    v.get("tokens")?
        .as_array()?
        .iter()
        .map(|t| {
            t.as_u64()
                .or_else(|| t.get("id").and_then(Value::as_u64))
                .and_then(|n| u32::try_from(n).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_lists_of_both_shapes() {
        assert_eq!(parse_tokens(&json!({"tokens": [1, 2]})), Some(vec![1, 2]));
        assert_eq!(
            parse_tokens(&json!({"tokens": [{"id": 7, "piece": "a"}]})),
            Some(vec![7])
        );
        assert_eq!(parse_tokens(&json!({"tokens": ["a"]})), None);
        assert_eq!(parse_tokens(&json!({"count": 2})), None);
    }
}
