//! `/v1/embeddings` wire types, including the base64 form that the official Python
//! client asks for by default (little-endian f32s, base64-encoded).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::HttpError;

#[derive(Debug, Deserialize)]
pub(crate) struct EmbeddingRequest {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    input: Option<Value>,
    #[serde(default)]
    encoding_format: Option<String>,
    #[serde(default)]
    dimensions: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Float,
    Base64,
}

impl EmbeddingRequest {
    /// The texts to embed: a string or an array of strings.
    pub(crate) fn inputs(&self) -> Result<Vec<String>, HttpError> {
        if self.dimensions.is_some() {
            return Err(HttpError::unsupported(
                "dimensions",
                "dimensions is not supported; this server returns the model's full vectors",
            ));
        }
        let token_ids = || {
            HttpError::unsupported(
                "input",
                "token-id input is not supported; send the input as text",
            )
        };
        let inputs = match &self.input {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(_) | Value::Array(_) => Err(token_ids()),
                    _ => Err(HttpError::invalid(
                        "input",
                        "input must be a string or an array of strings",
                    )),
                })
                .collect::<Result<_, _>>()?,
            None | Some(Value::Null) => {
                return Err(HttpError::invalid(
                    "input",
                    "input is missing; send the text to embed",
                ))
            }
            Some(_) => {
                return Err(HttpError::invalid(
                    "input",
                    "input must be a string or an array of strings",
                ))
            }
        };
        if inputs.is_empty() {
            return Err(HttpError::invalid(
                "input",
                "input is an empty array; send at least one text",
            ));
        }
        Ok(inputs)
    }

    pub(crate) fn encoding(&self) -> Result<Encoding, HttpError> {
        match self.encoding_format.as_deref() {
            None | Some("float") => Ok(Encoding::Float),
            Some("base64") => Ok(Encoding::Base64),
            Some(other) => Err(HttpError::invalid(
                "encoding_format",
                format!("encoding_format {other:?} is not known; use \"float\" or \"base64\""),
            )),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct EmbeddingResponse {
    pub object: &'static str,
    pub data: Vec<EmbeddingObject>,
    pub model: String,
    pub usage: EmbeddingUsage,
}

#[derive(Debug, Serialize)]
pub(crate) struct EmbeddingObject {
    pub object: &'static str,
    pub index: usize,
    pub embedding: EmbeddingData,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum EmbeddingData {
    Float(Vec<f32>),
    Base64(String),
}

impl EmbeddingData {
    pub(crate) fn new(v: Vec<f32>, enc: Encoding) -> Self {
        match enc {
            Encoding::Float => EmbeddingData::Float(v),
            Encoding::Base64 => {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                EmbeddingData::Base64(base64(&bytes))
            }
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct EmbeddingUsage {
    pub prompt_tokens: usize,
    pub total_tokens: usize,
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
        // 1.0f32 little-endian: 00 00 80 3f
        assert!(
            matches!(EmbeddingData::new(vec![1.0], Encoding::Base64), EmbeddingData::Base64(s) if s == "AACAPw==")
        );
    }

    #[test]
    fn inputs_forms() {
        let r = |v: Value| serde_json::from_value::<EmbeddingRequest>(v).unwrap();
        assert_eq!(r(json!({"input": "香港"})).inputs().unwrap(), vec!["香港"]);
        assert_eq!(r(json!({"input": ["a", "b"]})).inputs().unwrap().len(), 2);
        for v in [
            json!({"input": []}),
            json!({"input": [[1, 2]]}),
            json!({}),
            json!({"input": "x", "dimensions": 8}),
        ] {
            assert!(r(v.clone()).inputs().is_err(), "{v}");
        }
        assert!(r(json!({"encoding_format": "hex"})).encoding().is_err());
    }
}
