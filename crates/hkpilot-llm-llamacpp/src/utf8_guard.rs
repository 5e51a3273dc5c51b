//! Keeps grammar-constrained output valid UTF-8.
//!
//! llama.cpp's grammar decodes token bytes leniently: an overlong or surrogate byte
//! sequence (reachable through byte-fallback tokens) counts as one character for the
//! grammar but is not UTF-8, so the text we return would not match the schema. For
//! constrained requests we mask, before the grammar sees them, every token whose bytes
//! cannot continue the output as valid UTF-8.

use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use llama_cpp_2::token::LlamaToken;

/// Every token's bytes, computed once per model.
#[derive(Debug)]
pub(crate) struct TokenBytes {
    pieces: Vec<Vec<u8>>,
}

impl TokenBytes {
    pub(crate) fn new(model: &LlamaModel) -> Self {
        let vocab = model.vocab();
        let n = model.n_vocab().max(0);
        let pieces = (0..n)
            .map(|id| {
                let t = LlamaToken(id);
                if vocab.is_eog(t) || vocab.is_control(t) {
                    Vec::new()
                } else {
                    vocab.token_to_piece(t, false, None)
                }
            })
            .collect();
        Self { pieces }
    }

    /// Sets the logit of every token that would make `pending` + its bytes invalid
    /// UTF-8 to -inf. `pending` is the incomplete character held by the decoder.
    pub(crate) fn mask_invalid(&self, pending: &[u8], arr: &mut LlamaTokenDataArray) {
        let mut buf = Vec::with_capacity(32);
        for d in &mut arr.data {
            if !self.continues(pending, d.id(), &mut buf) {
                d.set_logit(f32::NEG_INFINITY);
            }
        }
    }

    /// Whether `token`'s bytes may follow `pending` (see [`TokenBytes::mask_invalid`]).
    pub(crate) fn allows(&self, pending: &[u8], token: LlamaToken) -> bool {
        self.continues(pending, token, &mut Vec::with_capacity(32))
    }

    fn continues(&self, pending: &[u8], token: LlamaToken, buf: &mut Vec<u8>) -> bool {
        let Some(piece) = usize::try_from(token.0)
            .ok()
            .and_then(|i| self.pieces.get(i))
        else {
            return true;
        };
        if piece.is_empty() {
            return true;
        }
        buf.clear();
        buf.extend_from_slice(pending);
        buf.extend_from_slice(piece);
        // An incomplete character at the end is fine (error_len() == None).
        match std::str::from_utf8(buf) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        }
    }
}
