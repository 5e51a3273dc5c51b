//! The official OpenAI Python client against the server: chat (plain and streamed),
//! completions, embeddings, models and errors, asserted in tests/openai_client.py.
//! Uses SmolLM2 when installed (scripts/setup.sh installs it), else the tiny model.

use std::process::Command;
use std::sync::Arc;

use hkpilot_http::Backends;
use hkpilot_llm::LlmBackend;
use hkpilot_llm_llamacpp::EngineConfig;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_openai_python_client() {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup.sh, which creates .venv with the pinned `openai` Python client",
        python.display()
    );
    let (engine, real) = match smollm2_path() {
        Some(p) => {
            let mut c = EngineConfig::new(p);
            c.name = Some("smollm2".into());
            c.n_ctx = 2048;
            // One thread: cargo test runs two tests at once, and two models on two spin-waiting
            // threads each oversubscribe a 2-core machine and slow every step several-fold.
            c.n_threads = Some(1);
            (load(c), true)
        }
        None => {
            eprintln!("note: SmolLM2 not installed; the Python client test uses the tiny model");
            (load(engine_config(tiny_model())), false)
        }
    };
    let name = engine.info().name.clone();
    let b = Backends::single(engine as Arc<dyn LlmBackend>);
    let s = Server::start(b, vec!["sk-python-test".into()]).await;
    let script = root.join("crates/hkpilot-http/tests/openai_client.py");
    let mut cmd = Command::new(&python);
    cmd.arg(&script)
        .args(["--base-url", &format!("{}/v1", s.base)])
        .args(["--api-key", "sk-python-test", "--model", &name]);
    if real {
        cmd.arg("--real-model");
    }
    // Loopback only: no proxy from the environment.
    for v in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(v);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost");
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .expect("run the Python client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "openai_client.py failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("all checks passed"), "{stdout}\n{stderr}");
    eprintln!("{stdout}");
}
