//! temporary repro
use hkpilot_llm::{ChatMessage, ChatRequest, LlmBackend};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};
#[tokio::main]
async fn main() {
    let mut c = EngineConfig::new(".models/SmolLM2-135M-Instruct.Q4_1.gguf");
    c.n_ctx = 2048;
    c.n_threads = Some(2);
    c.n_parallel = 1;
    let e = LlamaEngine::load(c).unwrap();
    let prompts = ["香港的首都是甚麼？請簡短回答。", "What is the capital of France? Answer briefly.", "Write a haiku about rain.", "請用一句話介紹香港。", "List three fruits.", "Explain photosynthesis in one sentence.", "你好嗎？", "Translate 'good morning' to French."];
    let mut diff = 0;
    for p in prompts {
        let mut r = ChatRequest::new(vec![ChatMessage::system("You are a helpful assistant."), ChatMessage::user(p)]);
        r.options.max_tokens = Some(16);
        let a = e.chat(r.clone()).await.unwrap();
        let b = e.chat(r.clone()).await.unwrap();
        println!("{p}: same={} cached={} {:?} | {:?}", a.tokens == b.tokens, b.usage.cached_prompt_tokens, a.text, b.text);
        if a.tokens != b.tokens { diff += 1; }
    }
    println!("diff {diff}");
}
