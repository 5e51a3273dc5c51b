//! Per-request sampler chains from [`GenerationOptions`].

use hkpilot_llm::{GenerationOptions, LlmError};
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::sampling::LlamaSampler;

/// How many recent tokens the repetition penalty looks at.
const PENALTY_LAST_N: i32 = 64;

/// Builds the chain that picks a token: penalties, then truncation, temperature and
/// the final pick. An output grammar is a separate sampler ([`grammar_sampler`]): the
/// scheduler checks the picked token against it and filters every candidate through
/// it only when that token is refused.
pub(crate) fn build(model: &LlamaModel, opts: &GenerationOptions) -> LlamaSampler {
    let mut chain = Vec::new();
    if (opts.repetition_penalty - 1.0).abs() > f32::EPSILON {
        chain.push(LlamaSampler::penalties(
            model.n_vocab(),
            PENALTY_LAST_N,
            opts.repetition_penalty,
            0.0,
            0.0,
        ));
    }
    if opts.temperature <= 0.0 {
        chain.push(LlamaSampler::greedy());
    } else {
        if opts.top_k > 0 {
            chain.push(LlamaSampler::top_k(opts.top_k.min(i32::MAX as u32) as i32));
        }
        if opts.top_p < 1.0 {
            chain.push(LlamaSampler::top_p(opts.top_p, 1));
        }
        chain.push(LlamaSampler::temp(opts.temperature));
        chain.push(LlamaSampler::dist(opts.seed_u32()));
    }
    LlamaSampler::chain_simple(chain)
}

/// Compiles a GBNF grammar; llama.cpp reports parse errors only to its log, so the
/// message points at the usual causes.
pub(crate) fn grammar_sampler(model: &LlamaModel, grammar: &str) -> Result<LlamaSampler, LlmError> {
    LlamaSampler::grammar(model, grammar, "root").map_err(|e| {
        LlmError::InvalidRequest(format!(
            "the grammar does not compile ({e}); check its syntax, that every rule is defined and that the start rule is `root`"
        ))
    })
}
