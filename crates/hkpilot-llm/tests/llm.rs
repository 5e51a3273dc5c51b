//! Integration tests of the public model-layer API through `dyn LlmBackend`.

use std::sync::Arc;

use futures_util::StreamExt;
use hkpilot_llm::testing::EchoBackend;
use hkpilot_llm::{
    ChatMessage, ChatRequest, CompletionRequest, ErrorCode, FinishReason, LlmBackend, StreamEvent,
};

fn backend() -> Arc<dyn LlmBackend> {
    Arc::new(EchoBackend::new(64))
}

#[tokio::test]
async fn chat_streams_and_collects() {
    let b = backend();
    let mut stream = b
        .chat_stream(ChatRequest::new(vec![ChatMessage::user("hello")]))
        .await
        .unwrap();
    let mut text = String::new();
    let mut done = None;
    while let Some(ev) = stream.next().await {
        match ev.unwrap() {
            StreamEvent::Delta { text: t, .. } => text.push_str(&t),
            StreamEvent::Done {
                finish_reason,
                usage,
            } => done = Some((finish_reason, usage)),
        }
    }
    assert_eq!(text, "hello");
    let (reason, usage) = done.unwrap();
    assert_eq!(reason, FinishReason::Stop);
    assert_eq!(usage.completion_tokens, 5);
}

#[tokio::test]
async fn options_are_honoured() {
    let b = backend();
    let mut req = CompletionRequest::new("abcdef");
    req.options.max_tokens = Some(3);
    let c = b.complete(req.clone()).await.unwrap();
    assert_eq!(
        (c.text.as_str(), c.finish_reason),
        ("abc", FinishReason::Length)
    );

    req.options.max_tokens = None;
    req.options.stop = vec!["cd".into()];
    assert_eq!(b.complete(req.clone()).await.unwrap().text, "ab");

    req.options.temperature = f32::NAN;
    let e = b.complete(req).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.to_string().contains("temperature"), "{e}");
}

#[tokio::test]
async fn long_prompt_is_context_length_exceeded() {
    let b = backend();
    let e = b
        .complete(CompletionRequest::new("x".repeat(100)))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ContextLengthExceeded);
    assert_eq!(e.code().as_str(), "context_length_exceeded");
    assert!(e.to_string().contains("shorten"), "{e}");
}

#[tokio::test]
async fn embeddings_and_tokens() {
    let b = backend();
    assert_eq!(b.count_tokens("香港 HK").await.unwrap(), 5);
    let v = b.embed(&["abc".into(), "abc".into()]).await.unwrap();
    assert_eq!(v[0], v[1]);
}

#[test]
fn structured_grammar_for_schema_and_raw_grammar() {
    use hkpilot_llm::structured::grammar_for;
    use hkpilot_llm::StructuredOutput;
    let g = grammar_for(&StructuredOutput::JsonSchema(serde_json::json!({
        "type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]
    })))
    .unwrap();
    assert!(g.contains("root ::="));
    let e = grammar_for(&StructuredOutput::Grammar("x ::= \"a\"".into())).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
}

#[test]
fn grammars_with_huge_repetitions_are_refused() {
    use hkpilot_llm::structured::grammar_for;
    use hkpilot_llm::StructuredOutput;
    let e = grammar_for(&StructuredOutput::Grammar(
        "root ::= \"a\"{0,100000000}".into(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.to_string().contains("100000000"), "{e}");
    assert!(grammar_for(&StructuredOutput::Grammar("root ::= [a-z]{1,8}".into())).is_ok());
}
