//! End-to-end tests of the `hkpilot` binary: commands, formats, exit codes, config
//! precedence and bad input, run as a user would run them.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

fn hkpilot() -> Command {
    let mut cmd = Command::cargo_bin("hkpilot").unwrap();
    // Tests must not pick up the developer's own settings.
    for (key, _) in std::env::vars() {
        if key.starts_with("HKPILOT_") {
            cmd.env_remove(key);
        }
    }
    // One inference thread: two tests run at once, and two models on two spin-waiting
    // threads each oversubscribe a 2-core machine and slow every step several-fold.
    cmd.env("HKPILOT_THREADS", "1");
    cmd
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("output is not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

#[test]
fn ingest_prints_structure_as_markdown() {
    let out = hkpilot()
        .arg("ingest")
        .arg(samples().join("flexible-work-circular.zh-Hant.md"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(out).unwrap();
    assert!(md.contains("# 檔案處彈性上班時間通告"), "{md}");
    assert!(md.contains("## 三、安排"), "{md}");
    assert!(md.contains("- 申請須最少提前五個工作天"), "{md}");
    assert!(md.contains("zh-Hant"), "{md}");
}

#[test]
fn ingest_json_has_blocks_with_consistent_offsets() {
    let out = hkpilot()
        .args(["ingest", "--format", "json"])
        .arg(samples().join("flexible-work-circular.en.md"))
        .arg(samples().join("mixed-briefing.txt"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert!(v["errors"].as_array().unwrap().is_empty());
    for d in docs {
        let doc = &d["document"];
        let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
        let blocks = doc["blocks"].as_array().unwrap();
        assert!(blocks.len() > 3);
        for b in blocks {
            let (s, e) = (
                b["start"].as_u64().unwrap() as usize,
                b["end"].as_u64().unwrap() as usize,
            );
            let slice: String = text[s..e].iter().collect();
            assert_eq!(slice, b["text"].as_str().unwrap());
        }
    }
    let mixed = &docs[1]["document"]["meta"]["languages"];
    assert_eq!(mixed["mixed"], Value::Bool(true), "{mixed}");
}

#[test]
fn summarize_gives_cited_sentences_in_json() {
    let file = samples().join("flexible-work-circular.en.md");
    let out = hkpilot()
        .args(["summarize", "--format", "json", "--length", "3"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let summary = &v["summaries"][0]["summary"];
    assert_eq!(summary["ai_generated"], Value::Bool(true));
    let sentences = summary["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 3);
    let source = std::fs::read_to_string(&file).unwrap();
    for s in sentences {
        let cites = s["citations"].as_array().unwrap();
        assert!(!cites.is_empty(), "uncited sentence {s}");
        let quote = cites[0]["quote"].as_str().unwrap();
        // An extractive sentence quotes the source: its words are all in the file.
        for word in quote.split_whitespace().take(5) {
            assert!(
                source.contains(word.trim_matches(|c: char| !c.is_alphanumeric())),
                "{word}"
            );
        }
    }
}

#[test]
fn summarize_converts_chinese_script_on_request() {
    let out = hkpilot()
        .args([
            "summarize",
            "--format",
            "json",
            "--length",
            "detailed",
            "--lang",
            "zh-Hans",
        ])
        .arg(samples().join("flexible-work-circular.zh-Hant.md"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let summary = &v["summaries"][0]["summary"];
    assert_eq!(summary["lang"], "zh-Hans");
    let text: String = summary["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect();
    // Traditional-only characters of the source must not survive conversion.
    for trad in ["檔", "員", "時間", "請", "關"] {
        assert!(!text.contains(trad), "{trad} left in {text}");
    }
    assert!(!text.is_empty());
}

#[test]
fn markdown_summary_has_footnotes_and_ai_label() {
    let out = hkpilot()
        .args(["summarize", "--length", "brief"])
        .arg(samples().join("flexible-work-circular.zh-Hant.md"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(out).unwrap();
    assert!(md.contains("人工智能生成"), "{md}");
    assert!(md.contains("[^1]:"), "{md}");
}

#[test]
fn bad_input_exits_2_and_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("broken.pdf");
    std::fs::write(&corrupt, b"%PDF-1.7\n1 0 obj << /Type /Catalog").unwrap();
    let assert = hkpilot()
        .args(["summarize", "--format", "json"])
        .arg(&corrupt)
        .arg(samples().join("mixed-briefing.txt"))
        .assert()
        .code(2);
    let out = assert.get_output();
    let v = json_of(&out.stdout);
    assert_eq!(v["summaries"].as_array().unwrap().len(), 1);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["file"].as_str().unwrap().ends_with("broken.pdf"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.pdf"), "{stderr}");
}

#[test]
fn missing_file_and_empty_file_are_user_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    hkpilot().arg("ingest").arg(&empty).assert().code(2);
    hkpilot()
        .arg("ingest")
        .arg(dir.path().join("no-such-file.pdf"))
        .assert()
        .code(2);
}

#[test]
fn oversized_file_is_refused_by_limit() {
    hkpilot()
        .args(["ingest", "--max-file-bytes", "100"])
        .arg(samples().join("flexible-work-circular.en.md"))
        .assert()
        .code(2);
}

#[test]
fn unknown_language_and_length_are_usage_errors() {
    let file = samples().join("mixed-briefing.txt");
    let out = hkpilot()
        .args(["summarize", "--lang", "fr"])
        .arg(&file)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("zh-Hant"));
    hkpilot()
        .args(["summarize", "--length", "very-long"])
        .arg(&file)
        .assert()
        .code(2);
    hkpilot().args(["summarize"]).assert().code(2);
    // HKPILOT_THREADS reaches every command that runs a model, not only `serve`.
    let out = hkpilot()
        .env("HKPILOT_THREADS", "many")
        .args(["summarize", "--model", "SmolLM2-135M-Instruct.Q4_1"])
        .arg(&file)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&out).contains("HKPILOT_THREADS"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn config_file_is_overridden_by_env_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("hkpilot.toml");
    std::fs::write(&config, "[summarize]\nlength = \"2\"\nlang = \"zh-Hans\"\n").unwrap();
    let file = samples().join("flexible-work-circular.zh-Hant.md");
    let count = |cmd: &mut Command| {
        let out = cmd.assert().success().get_output().stdout.clone();
        let v = json_of(&out);
        let s = &v["summaries"][0]["summary"];
        (
            s["sentences"].as_array().unwrap().len(),
            s["lang"].as_str().unwrap().to_string(),
        )
    };
    // File alone.
    let (n, lang) = count(
        hkpilot()
            .args(["summarize", "--format", "json", "--config"])
            .arg(&config)
            .arg(&file),
    );
    assert_eq!((n, lang.as_str()), (2, "zh-Hans"));
    // Environment beats the file.
    let (n, _) = count(
        hkpilot()
            .env("HKPILOT_SUMMARY_LENGTH", "3")
            .args(["summarize", "--format", "json", "--config"])
            .arg(&config)
            .arg(&file),
    );
    assert_eq!(n, 3);
    // A flag beats both.
    let (n, lang) = count(
        hkpilot()
            .env("HKPILOT_SUMMARY_LENGTH", "3")
            .args([
                "summarize",
                "--format",
                "json",
                "--length",
                "1",
                "--lang",
                "zh-Hant",
                "--config",
            ])
            .arg(&config)
            .arg(&file),
    );
    assert_eq!((n, lang.as_str()), (1, "zh-Hant"));
}

#[test]
fn invalid_config_file_is_a_clear_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[summarize]\nlenght = \"brief\"\n").unwrap();
    let out = hkpilot()
        .args(["summarize", "--config"])
        .arg(&config)
        .arg(samples().join("mixed-briefing.txt"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(stderr.contains("lenght"), "{stderr}");
}

/// The model directory that scripts/setup.sh fills.
fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.models")
}

#[test]
fn model_list_and_info_describe_the_default_model() {
    let out = hkpilot()
        .args(["model", "list", "--format", "json", "--models-dir"])
        .arg(models_dir())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let models = v["models"].as_array().expect("models array");
    let smol = models
        .iter()
        .find(|m| m.to_string().contains("SmolLM2-135M-Instruct"))
        .unwrap_or_else(|| panic!("SmolLM2 not listed (run scripts/setup.sh): {v}"));
    assert!(smol.to_string().contains("llama"), "{smol}");

    let info = hkpilot()
        .args([
            "model",
            "info",
            "SmolLM2-135M-Instruct.Q4_1",
            "--models-dir",
        ])
        .arg(models_dir())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let info = String::from_utf8(info).unwrap();
    assert!(info.contains("8192"), "{info}");

    // A model that is not there is the user's to fix: exit 2, and the store is named.
    hkpilot()
        .args(["model", "info", "no-such-model", "--models-dir"])
        .arg(models_dir())
        .assert()
        .code(2);
}

#[test]
fn model_rm_refuses_the_default_and_a_corrupt_file_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.gguf"), b"GGUF\x03\x00\x00\x00trunc").unwrap();
    let out = hkpilot()
        .args(["model", "info", "broken", "--models-dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("broken.gguf"), "{text}");
    assert!(text.contains("hkpilot model pull"), "{text}");
    hkpilot()
        .args(["model", "rm", "broken", "--model", "broken", "--models-dir"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert!(
        dir.path().join("broken.gguf").exists(),
        "the default model was deleted"
    );
    hkpilot()
        .args(["model", "rm", "broken", "--models-dir"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(!dir.path().join("broken.gguf").exists());
}

/// Sends one HTTP/1.1 request and returns (status, body).
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).to_string();
    let status = raw[9..12].parse().unwrap();
    let body = raw
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

/// A running `hkpilot serve`, killed when dropped.
struct Server {
    child: std::process::Child,
    addr: String,
    /// The server's own data directory, removed after the server stops (fields drop
    /// after `Drop::drop`).
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `hkpilot serve --port 0 ARGS…` and waits for the address it prints.
fn start_server(args: &[&std::ffi::OsStr]) -> Server {
    start_server_with_env(args, &[])
}

/// Like [`start_server`], with extra environment variables.
fn start_server_with_env(args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Server {
    use std::io::BufRead;
    let bin = assert_cmd::cargo::cargo_bin("hkpilot");
    let mut cmd = std::process::Command::new(bin);
    for (key, _) in std::env::vars() {
        if key.starts_with("HKPILOT_") {
            cmd.env_remove(key);
        }
    }
    // A data directory of its own: never the developer's, never another test's.
    let data = tempfile::tempdir().unwrap();
    let mut child = cmd
        .args(["serve", "--port", "0", "--ctx-size", "2048"])
        // One inference thread, as in `hkpilot()`.
        .env("HKPILOT_THREADS", "1")
        .env("HKPILOT_DATA_DIR", data.path())
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut server = Server {
        child,
        addr: String::new(),
        _data: data,
    };
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("listening on http://") {
            server.addr = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            break;
        }
    }
    assert!(!server.addr.is_empty(), "serve printed no address");
    server
}

#[test]
fn serve_answers_openai_requests_with_the_default_model() {
    let server = start_server(&["--models-dir".as_ref(), models_dir().as_os_str()]);
    let addr = server.addr.clone();
    let (status, body) = http(&addr, "GET", "/v1/models", "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("SmolLM2-135M-Instruct"), "{body}");

    let req = serde_json::json!({
        "messages": [{"role": "user", "content": "請用一句話介紹香港。Introduce Hong Kong."}],
        "max_tokens": 8,
        "temperature": 0
    });
    let (status, body) = http(&addr, "POST", "/v1/chat/completions", &req.to_string());
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["usage"]["completion_tokens"], 8, "{v}");
    assert!(v["choices"][0]["message"]["content"].is_string(), "{v}");

    // Bad input gets an OpenAI-style error and the server keeps serving.
    let (status, body) = http(&addr, "POST", "/v1/chat/completions", "{not json");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"error\""), "{body}");
    let (status, _) = http(&addr, "GET", "/healthz", "");
    assert_eq!(status, 200);
}

#[test]
fn serve_takes_the_engine_layout_flags() {
    let out = hkpilot()
        .args(["serve", "--port", "0", "--parallel", "0", "--models-dir"])
        .arg(models_dir())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("must be greater than zero"), "{err}");

    let server = start_server(&[
        "--parallel".as_ref(),
        "2".as_ref(),
        "--kv-streams".as_ref(),
        "--flash-attention".as_ref(),
        "--batch-size".as_ref(),
        "1024".as_ref(),
        "--models-dir".as_ref(),
        models_dir().as_os_str(),
    ]);
    let req = serde_json::json!({
        "messages": [{"role": "user", "content": "施政報告 Policy Address"}],
        "max_tokens": 6,
        "temperature": 0
    });
    let (status, body) = http(
        &server.addr,
        "POST",
        "/v1/chat/completions",
        &req.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["usage"]["completion_tokens"], 6, "{v}");
    // Each of the 2 streams holds half of the 2,048 cells: a longer prompt is refused.
    let long = serde_json::json!({
        "messages": [{"role": "user", "content": "word ".repeat(1500)}],
        "max_tokens": 4
    });
    let (status, body) = http(
        &server.addr,
        "POST",
        "/v1/chat/completions",
        &long.to_string(),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("context_length_exceeded"), "{body}");
}

#[test]
fn serve_refuses_a_public_address_without_api_keys() {
    let out = hkpilot()
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--models-dir"])
        .arg(models_dir())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("HKPILOT_API_KEYS"), "{err}");
}

#[test]
fn serve_forwards_to_a_remote_openai_server_by_name() {
    // The upstream: our own server with the default model, on loopback.
    let upstream = start_server(&["--models-dir".as_ref(), models_dir().as_os_str()]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("hkpilot.toml");
    std::fs::write(
        &config,
        format!(
            "model = [\"upstream\"]\n\n[[remote]]\nname = \"upstream\"\n\
             base_url = \"http://{}/v1\"\nmodel = \"SmolLM2-135M-Instruct.Q4_1\"\n",
            upstream.addr
        ),
    )
    .unwrap();
    let empty_models = dir.path().join("no-models");
    let front = start_server(&[
        "--config".as_ref(),
        config.as_os_str(),
        "--models-dir".as_ref(),
        empty_models.as_os_str(),
    ]);
    let (status, body) = http(&front.addr, "GET", "/v1/models", "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("upstream"), "{body}");
    let req = serde_json::json!({
        "model": "upstream",
        "messages": [{"role": "user", "content": "香港的首都是？ What is the capital of France?"}],
        "max_tokens": 6,
        "temperature": 0
    });
    let (status, body) = http(
        &front.addr,
        "POST",
        "/v1/chat/completions",
        &req.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["choices"][0]["message"]["content"].is_string(), "{v}");
    assert_eq!(v["usage"]["completion_tokens"], 6, "{v}");
}

#[test]
fn serve_works_with_the_official_openai_python_client() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup.sh, which installs the `openai` Python client",
        python.display()
    );
    let server = start_server_with_env(
        &["--models-dir".as_ref(), models_dir().as_os_str()],
        &[("HKPILOT_API_KEYS", "sk-cli-test")],
    );
    let out = std::process::Command::new(python)
        .arg(root.join("crates/hkpilot-http/tests/openai_client.py"))
        .args(["--base-url", &format!("http://{}/v1", server.addr)])
        .args(["--api-key", "sk-cli-test"])
        .args(["--model", "SmolLM2-135M-Instruct.Q4_1", "--real-model"])
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openai client failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `hkpilot eval summarize ARGS… --format json` and returns the parsed output.
fn eval_json(args: &[&std::ffi::OsStr]) -> Value {
    let out = hkpilot()
        .args(["eval", "summarize", "--format", "json"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json_of(&out)
}

/// Checks that every ROUGE value of `report` (items and means) is in range.
fn assert_rouge_in_range(report: &Value) {
    for key in ["rouge1", "rouge2", "rouge_l"] {
        let mean = report["mean"][key].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&mean), "{key} = {mean}");
        for item in report["items"].as_array().unwrap() {
            for part in ["precision", "recall", "f1"] {
                let v = item["rouge"][key][part].as_f64().unwrap();
                assert!((0.0..=1.0).contains(&v), "{key}.{part} = {v} in {item}");
            }
        }
    }
}

#[test]
fn eval_summarize_scores_a_bilingual_jsonl_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("mini.jsonl");
    let lines = [
        serde_json::json!({
            "id": "en-1",
            "source": "The Government announced a new housing policy today. The policy will add 30,000 public flats by 2030.\nOfficials said land supply is the main constraint. Critics said the plan is too slow.",
            "summary": "The Government will add 30,000 public flats by 2030."
        }),
        serde_json::json!({
            "id": "zh-1",
            "source": "政府今日公布新的房屋政策。政策將於二零三零年前增加三萬個公營房屋單位。\n官員表示土地供應是主要限制。批評者認為計劃太慢。",
            "summary": "政府將於二零三零年前增加三萬個公營單位。"
        }),
        serde_json::json!({
            "input": "Schools will reopen on Monday. Classes will run for half a day in the first week.",
            "outputs": ["Schools reopen on Monday with half-day classes.", "Half-day classes from Monday."]
        }),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&dataset, text).unwrap();
    let json_file = dir.path().join("report.json");

    // No model configured: the extractive summariser is evaluated.
    let v = eval_json(&[
        "--dataset".as_ref(),
        dataset.as_os_str(),
        "--output".as_ref(),
        json_file.as_os_str(),
    ]);
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v}");
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report["system"], "hkpilot-extractive");
    assert_eq!(report["mean"]["documents"], 3);
    let items = report["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["en-1", "zh-1", "3"]);
    assert_rouge_in_range(report);
    for item in items {
        assert_eq!(item["method"], "extractive", "{item}");
        assert!(!item["summary"].as_str().unwrap().is_empty(), "{item}");
        assert!(item["sentences"].as_u64().unwrap() >= 1, "{item}");
        assert_eq!(
            item["citations_total"], item["citations_supported"],
            "{item}"
        );
    }
    // Chinese is scored character by character: an extract of the source shares
    // characters with the reference (a word tokeniser would find no tokens at all).
    let zh = &items[1];
    assert!(zh["rouge"]["rouge1"]["f1"].as_f64().unwrap() > 0.1, "{zh}");
    assert!(zh["summary"].as_str().unwrap().contains("政府"), "{zh}");
    // The default length is the reference's length in characters.
    let zh_reference = "政府將於二零三零年前增加三萬個公營單位。".chars().count() as u64;
    assert!(
        zh["summary_chars"].as_u64().unwrap() <= zh_reference,
        "{zh}"
    );
    assert_eq!(report["mean"]["citation_precision"].as_f64(), Some(1.0));

    // --output wrote the same reports.
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    assert_eq!(written["reports"][0]["items"][1]["summary"], zh["summary"]);

    // Markdown: the systems table, then the documents.
    let out = hkpilot()
        .args([
            "eval",
            "summarize",
            "--system",
            "extractive",
            "--limit",
            "2",
            "--dataset",
        ])
        .arg(&dataset)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(out).unwrap();
    assert!(md.contains("citation precision"), "{md}");
    assert!(md.contains("| hkpilot-extractive |"), "{md}");
    assert!(md.contains("| zh-1 "), "{md}");
    assert!(!md.contains("| 3 "), "--limit 2 kept the third item: {md}");
}

#[test]
fn eval_summarize_reads_line_aligned_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("pairs");
    std::fs::write(
        dir.path().join("pairs.src.txt"),
        "日前，政府發文宣布明年起增加公營房屋供應，目標是十年內興建三十萬個單位。\n\
         The Hospital Authority will extend clinic hours from next month. Patients can book online.\n\
         颱風今日襲港，天文台發出八號風球，學校停課，巴士服務暫停。\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pairs.tgt.txt"),
        "政府十年建三十萬公營單位\nClinics open longer from next month\n八號風球學校停課\n",
    )
    .unwrap();
    let v = eval_json(&["--dataset".as_ref(), prefix.as_os_str()]);
    let report = &v["reports"][0];
    assert_eq!(report["mean"]["documents"], 3, "{v}");
    let ids: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_rouge_in_range(report);
    assert!(report["mean"]["rouge1"].as_f64().unwrap() > 0.0, "{report}");

    // Naming the .src.txt file instead of the prefix, with a limit.
    let v = eval_json(&[
        "--dataset".as_ref(),
        dir.path().join("pairs.src.txt").as_os_str(),
        "--limit".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(v["reports"][0]["items"].as_array().unwrap().len(), 2);
}

#[test]
fn eval_summarize_scores_another_systems_predictions_in_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("pairs");
    std::fs::write(
        dir.path().join("pairs.src.txt"),
        "颱風今日襲港，天文台發出八號風球，學校停課。\n\
         The Hospital Authority will extend clinic hours from next month.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pairs.tgt.txt"),
        "八號風球學校停課\nClinics open longer from next month\n",
    )
    .unwrap();
    // A peer's summaries: the first item's reference word for word, the second empty.
    let peer = dir.path().join("peer.jsonl");
    std::fs::write(
        &peer,
        "{\"summary\": \"八號風球學校停課\", \"seconds\": 2, \"system\": \"langchain\"}\n{\"summary\": \"\"}\n",
    )
    .unwrap();
    let v = eval_json(&[
        "--dataset".as_ref(),
        prefix.as_os_str(),
        "--system".as_ref(),
        "extractive".as_ref(),
        "--predictions".as_ref(),
        peer.as_os_str(),
    ]);
    let systems: Vec<&str> = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["system"].as_str().unwrap())
        .collect();
    assert_eq!(systems, ["hkpilot-extractive", "langchain"], "{v}");
    let peer_report = &v["reports"][1];
    assert_eq!(peer_report["items"][0]["rouge"]["rouge1"]["f1"], 1.0, "{v}");
    assert_eq!(peer_report["items"][1]["rouge"]["rouge1"]["f1"], 0.0, "{v}");
    assert_eq!(peer_report["mean"]["rouge1"], 50.0, "{v}");
    assert!(peer_report["mean"]["citation_precision"].is_null(), "{v}");

    // Only the predictions, as a Markdown table.
    let out = hkpilot()
        .args(["eval", "summarize", "--system", "none", "--dataset"])
        .arg(&prefix)
        .arg("--predictions")
        .arg(&peer)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8_lossy(&out);
    assert!(
        table.contains("| langchain") && !table.contains("hkpilot-extractive"),
        "{table}"
    );
    // --system none without predictions, and a file with too few summaries: exit 2.
    hkpilot()
        .args(["eval", "summarize", "--system", "none", "--dataset"])
        .arg(&prefix)
        .assert()
        .code(2);
    let short = dir.path().join("short.txt");
    std::fs::write(&short, "八號風球\n").unwrap();
    let out = hkpilot()
        .args(["eval", "summarize", "--dataset"])
        .arg(&prefix)
        .arg("--predictions")
        .arg(&short)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("short.txt"));
}

#[test]
fn eval_summarize_with_a_missing_dataset_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dataset.jsonl");
    let out = hkpilot()
        .args(["eval", "summarize", "--dataset"])
        .arg(&missing)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&*missing.to_string_lossy()), "{stderr}");
    assert!(out.stdout.is_empty());

    // A malformed line is a dataset problem too.
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"source\": \"Doc.\"}\n").unwrap();
    let out = hkpilot()
        .args(["eval", "summarize", "--dataset"])
        .arg(&bad)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(
        stderr.contains("bad.jsonl") && stderr.contains("line 1"),
        "{stderr}"
    );
}

#[test]
fn eval_summarize_with_the_default_model_is_deterministic() {
    let model = models_dir().join("SmolLM2-135M-Instruct.Q4_1.gguf");
    assert!(
        model.is_file(),
        "{} is missing: run scripts/setup.sh, which installs the default model",
        model.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("tiny.jsonl");
    let lines = [
        serde_json::json!({
            "id": "housing",
            "source": "The Government announced a new housing policy today. The policy will add 30,000 public flats by 2030.\nOfficials said land supply is the main constraint. Critics said the plan is too slow.",
            "summary": "The Government will add 30,000 public flats by 2030."
        }),
        serde_json::json!({
            "id": "schools",
            "source": "The Education Bureau will open ten new schools in 2026. Each school will have 30 classrooms.\nParents welcomed the news. The Bureau said teachers will be hired from March.",
            "summary": "Ten new schools with 30 classrooms each will open in 2026."
        }),
        serde_json::json!({
            "id": "not-read",
            "source": "This item is past the limit.",
            "summary": "Past the limit."
        }),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&dataset, text).unwrap();
    let run = || {
        eval_json(&[
            "--dataset".as_ref(),
            dataset.as_os_str(),
            "--limit".as_ref(),
            "2".as_ref(),
            "--window".as_ref(),
            "1024".as_ref(),
            "--seed".as_ref(),
            "7".as_ref(),
            "--model".as_ref(),
            "SmolLM2-135M-Instruct.Q4_1".as_ref(),
            "--models-dir".as_ref(),
            models_dir().as_os_str(),
        ])
    };
    let first = run();
    let report = &first["reports"][0];
    // A configured model makes `model` the default system.
    assert_eq!(report["system"], "hkpilot-grounded", "{first}");
    assert_eq!(report["model"], "SmolLM2-135M-Instruct.Q4_1", "{first}");
    assert_eq!(report["seed"], 7);
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_rouge_in_range(report);
    for item in items {
        let abstractive = item["method"] == "abstractive";
        assert!(
            abstractive || item["fallback"].is_string(),
            "neither a model summary nor a stated fallback: {item}"
        );
        if abstractive {
            assert!(item["prompt_tokens"].as_u64().unwrap() > 0, "{item}");
            assert!(item["completion_tokens"].as_u64().unwrap() > 0, "{item}");
        }
    }
    let second = run();
    let key = |v: &Value| -> Vec<(Value, Value, Value)> {
        v["reports"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["summary"].clone(),
                    i["rouge"].clone(),
                    i["method"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        key(&first),
        key(&second),
        "the same seed gave different summaries"
    );
}

/// `hkpilot summarize` with the real default model (installed by scripts/setup.sh).
fn summarize_with_model(args: &[&std::ffi::OsStr]) -> std::process::Output {
    hkpilot()
        .arg("--models-dir")
        .arg(models_dir())
        .args(["--model", "SmolLM2-135M-Instruct.Q4_1", "summarize"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn summarize_with_the_default_model_cites_or_flags_every_sentence() {
    let file = samples().join("flexible-work-circular.en.md");
    let out = summarize_with_model(&["--format".as_ref(), "json".as_ref(), file.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let s = &v["summaries"][0]["summary"];
    assert_eq!(s["method"]["kind"], "abstractive", "{s}");
    assert_eq!(s["ai_generated"], true);
    assert_eq!(s["provenance"]["model"], "SmolLM2-135M-Instruct.Q4_1");
    assert_eq!(
        s["provenance"]["source_hashes"][0],
        v["summaries"][0]["documents"][0]["content_hash"]
    );
    assert!(
        s["provenance"]["stats"]["completion_tokens"]
            .as_u64()
            .unwrap()
            > 0
    );
    let sentences = s["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    for sentence in sentences {
        let cited = !sentence["citations"].as_array().unwrap().is_empty();
        let flagged = sentence
            .get("flags")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        assert!(cited || flagged, "{sentence}");
    }
    // The Markdown labels a model summary as written by a language model.
    let md = summarize_with_model(&[file.as_os_str()]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("written by a language model"), "{md}");
}

#[test]
fn a_model_that_does_not_load_falls_back_to_extractive_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.gguf");
    // A GGUF header promising tensors that are not there.
    let mut bytes = b"GGUF".to_vec();
    bytes.extend_from_slice(&3u32.to_le_bytes());
    bytes.extend_from_slice(&5u64.to_le_bytes());
    bytes.extend_from_slice(&0u64.to_le_bytes());
    std::fs::write(&broken, bytes).unwrap();
    let out = hkpilot()
        .arg("--model")
        .arg(&broken)
        .args(["summarize", "--format", "json"])
        .arg(samples().join("flexible-work-circular.zh-Hant.md"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("extractive"), "{stderr}");
    let v = json_of(&out.stdout);
    let s = &v["summaries"][0]["summary"];
    assert_eq!(s["method"]["kind"], "extractive");
    let why = s["provenance"]["fallback"].as_str().unwrap();
    assert!(why.contains("broken.gguf"), "{why}");
}

#[test]
fn an_unknown_model_name_is_a_usage_error() {
    hkpilot()
        .arg("--models-dir")
        .arg(models_dir())
        .args(["--model", "no-such-model", "summarize"])
        .arg(samples().join("flexible-work-circular.en.md"))
        .assert()
        .code(2);
}

#[test]
fn summarize_writes_a_word_file_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("summary.docx");
    hkpilot()
        .args(["summarize", "--format", "docx"])
        .arg(samples().join("flexible-work-circular.zh-Hant.md"))
        .assert()
        .code(2);
    hkpilot()
        .args(["summarize", "--format", "docx", "-o"])
        .arg(&docx)
        .arg(samples().join("flexible-work-circular.zh-Hant.md"))
        .assert()
        .success();
    let out = hkpilot()
        .args(["ingest", "--format", "json"])
        .arg(&docx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = json_of(&out.stdout).to_string();
    assert!(text.contains("人工智能"), "{text}");
    assert!(text.contains("摘要"), "{text}");
    // No temporary file is left beside the output.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn compare_puts_summaries_side_by_side() {
    let out = hkpilot()
        .args(["summarize", "--compare", "--length", "2"])
        .arg(samples().join("flexible-work-circular.en.md"))
        .arg(samples().join("flexible-work-circular.zh-Hant.md"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    let header = md.lines().next().unwrap();
    assert!(header.starts_with("| # |"), "{md}");
    assert_eq!(header.matches(" | ").count(), 2, "{header}");
    assert!(md.lines().nth(2).unwrap().starts_with("| 1 |"), "{md}");
}

// ---------------------------------------------------------------- translate

/// `hkpilot translate` with the real default model (installed by scripts/setup.sh).
fn translate_with_model(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let model = models_dir().join("SmolLM2-135M-Instruct.Q4_1.gguf");
    assert!(
        model.is_file(),
        "{} is missing: run scripts/setup.sh, which installs the default model",
        model.display()
    );
    hkpilot()
        .arg("--models-dir")
        .arg(models_dir())
        .args(["--model", "SmolLM2-135M-Instruct.Q4_1", "translate"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn translate_with_the_default_model_keeps_every_block_and_labels_the_output() {
    // SmolLM2 is a 135M English-only model: the translation is poor. What is checked
    // is what the pipeline guarantees: every block there, in its structure, labelled,
    // and flagged where the checks fail.
    let file = samples().join("flexible-work-circular.zh-Hant.md");
    let out = translate_with_model(&[
        file.as_os_str(),
        "--to".as_ref(),
        "en".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("translated"), "{stderr}");
    let v = json_of(&out.stdout);
    let t = &v["translation"];
    assert_eq!(t["ai_generated"], true);
    assert!(t["notice"]
        .as_str()
        .unwrap()
        .contains("Machine translation (AI-generated)"));
    assert_eq!(t["model"], "SmolLM2-135M-Instruct.Q4_1");
    assert_eq!(t["from"], "zh-Hant");
    assert_eq!(t["to"], "en");
    assert_eq!(v["input"]["kind"], "file");

    let doc = hkpilot()
        .args(["ingest", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let doc = json_of(&doc.stdout);
    let source_blocks = doc["documents"][0]["document"]["blocks"]
        .as_array()
        .unwrap();
    let blocks = t["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), source_blocks.len());
    for (b, s) in blocks.iter().zip(source_blocks) {
        assert_eq!(b["type"], s["type"], "{b}");
        assert_eq!(b["source"], s["text"], "{b}");
        assert!(b["flags"].is_array() && b["term_misses"].is_array(), "{b}");
        // Never dropped: a translation, or the source kept and marked.
        assert!(!b["translation"].as_str().unwrap().trim().is_empty(), "{b}");
        if b["method"] == "untranslated" {
            assert_eq!(b["translation"], b["source"]);
            assert!(!b["flags"].as_array().unwrap().is_empty(), "{b}");
        }
    }
    let list_items = blocks.iter().filter(|b| b["type"] == "list_item").count();
    assert_eq!(list_items, 3);
    let stats = &t["stats"];
    assert!(stats["chunks"].as_u64().unwrap() >= 1);
    assert!(stats["completion_tokens"].as_u64().unwrap() > 0);
    assert!(stats["source_figures"].as_u64().unwrap() > 0);
}

#[test]
fn translate_between_chinese_scripts_needs_no_model_and_is_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notice.md");
    std::fs::write(
        &file,
        "# 资讯科技通告\n\n政府将加强信息科技的发展。\n\n| 项目 | 金额 |\n| --- | --- |\n| 软件 | 38万港元 |\n",
    )
    .unwrap();
    // No model installed at all: conversion does not need one.
    let empty = dir.path().join("no-models");
    let out = hkpilot()
        .arg("--models-dir")
        .arg(&empty)
        .args(["translate", "--to", "zh-Hant"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("no model needed"), "{stderr}");
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("> **Automatic conversion"), "{md}");
    assert!(md.contains("# 資訊科技通告"), "{md}");
    assert!(md.contains("政府將加強資訊科技的發展。"), "{md}");
    assert!(md.contains("| 軟件 | 38萬港元 |"), "{md}");

    let docx = dir.path().join("notice.zh-Hant.docx");
    hkpilot()
        .arg("--models-dir")
        .arg(&empty)
        .args(["translate", "--to", "zh-Hant", "--format", "docx", "-o"])
        .arg(&docx)
        .arg(&file)
        .assert()
        .success();
    let back = hkpilot()
        .args(["ingest", "--format", "json"])
        .arg(&docx)
        .output()
        .unwrap();
    let back = json_of(&back.stdout);
    let blocks = back["documents"][0]["document"]["blocks"]
        .as_array()
        .unwrap();
    assert!(blocks.iter().any(|b| b["type"] == "table"), "{back}");
    assert!(
        blocks
            .iter()
            .any(|b| b["type"] == "heading" && b["text"] == "資訊科技通告"),
        "{back}"
    );
    assert!(back.to_string().contains("Automatic conversion"), "{back}");
}

#[test]
fn translate_without_a_model_or_with_bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("no-models");
    // English to Chinese needs a model; none configured and none installed.
    let out = hkpilot()
        .arg("--models-dir")
        .arg(&empty)
        .args([
            "translate",
            "The office will close at noon.",
            "--to",
            "zh-Hant",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("run scripts/setup.sh or pass --model"),
        "{stderr}"
    );
    // A file name that names no file is not translated as text.
    let out = hkpilot()
        .args(["translate", "no-such-notice.pdf", "--to", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no file no-such-notice.pdf"));
    for args in [
        vec!["translate", "text", "--to", "fr"],
        vec!["translate", "text"],
        vec!["translate", "政府", "--to", "en", "--format", "docx"],
    ] {
        hkpilot().args(&args).assert().code(2);
    }
    // --help says how the argument is read.
    let help = hkpilot().args(["translate", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("not an existing file it is translated as literal text"),
        "{help}"
    );
}

/// `hkpilot draft` with the real default model (installed by scripts/setup.sh).
fn draft_with_model(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let model = models_dir().join("SmolLM2-135M-Instruct.Q4_1.gguf");
    assert!(
        model.is_file(),
        "{} is missing: run scripts/setup.sh, which installs the default model",
        model.display()
    );
    hkpilot()
        .arg("--models-dir")
        .arg(models_dir())
        .args(["--model", "SmolLM2-135M-Instruct.Q4_1", "draft"])
        // Two sentences a section keep the run short on a small machine.
        .args(["--sentences", "2"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn draft_memo_has_every_heading_and_asks_for_missing_fields() {
    let out = draft_with_model(&[
        "--type".as_ref(),
        "memo".as_ref(),
        "--lang".as_ref(),
        "en".as_ref(),
        "--notes".as_ref(),
        "Seek approval to extend flexible working hours to all staff of the Records Office."
            .as_ref(),
        "--field".as_ref(),
        "to=Principal Assistant Secretary (Administration)".as_ref(),
        "--field".as_ref(),
        "subject=Flexible working hours".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let md = String::from_utf8(out.stdout).unwrap();
    // Every section of the template, in order.
    let mut at = 0;
    for h in [
        "Memo header",
        "Subject",
        "Purpose",
        "Background",
        "Issues for consideration",
        "Recommendation / action required",
        "Signature",
        "Attachments and copies",
    ] {
        let h = format!("\n## {h}\n");
        let found = md[at..]
            .find(&h)
            .unwrap_or_else(|| panic!("{h:?} missing or out of order:\n{md}"));
        at += found + h.len();
    }
    // The missing required fields are asked, in the template's order, and stand in
    // the draft as placeholders; the fields given are used.
    let questions = md
        .split("## Questions before this draft can be finished")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_else(|| panic!("no questions:\n{md}"));
    let asked: Vec<&str> = questions
        .lines()
        .filter_map(|l| l.split('`').nth(1))
        .collect();
    assert_eq!(asked, ["from", "our_ref", "date", "signatory"], "{md}");
    assert!(questions.contains("Who signs the memo?"), "{md}");
    assert!(
        md.contains("To: Principal Assistant Secretary (Administration)"),
        "{md}"
    );
    assert!(md.contains("[TO FILL: From]"), "{md}");
    assert!(
        md.contains("\n## Subject\n\nFlexible working hours\n"),
        "{md}"
    );
    // Labelled, with the model named; no sources were given, so nothing is cited and
    // what the model wrote for the sections that need sources is flagged.
    assert!(md.contains("AI-generated draft"), "{md}");
    assert!(md.contains("SmolLM2-135M-Instruct.Q4_1"), "{md}");
    assert!(!md.contains("[^1]"), "{md}");
    for section in ["Background", "Issues for consideration"] {
        let body = md
            .split(&format!("\n## {section}\n"))
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .unwrap();
        assert!(
            body.contains("no source cited") || body.contains("[TO WRITE:"),
            "{section}: {body}"
        );
    }
    assert!(
        stderr.contains("No source documents were passed"),
        "{stderr}"
    );
}

#[test]
fn draft_as_docx_reads_back_through_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("draft.docx");
    let source = samples().join("flexible-work-circular.zh-Hant.md");
    let out = draft_with_model(&[
        "--type".as_ref(),
        "memo".as_ref(),
        "--lang".as_ref(),
        "zh-Hant".as_ref(),
        "--from".as_ref(),
        source.as_os_str(),
        "--notes".as_ref(),
        "請批准所有職員採用彈性上班時間。".as_ref(),
        "--field".as_ref(),
        "subject=彈性上班時間".as_ref(),
        "--format".as_ref(),
        "docx".as_ref(),
        "-o".as_ref(),
        docx.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back = hkpilot()
        .args(["ingest", "--format", "json"])
        .arg(&docx)
        .output()
        .unwrap();
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    let v = json_of(&back.stdout);
    let text = v["documents"][0]["document"]["text"].as_str().unwrap();
    for heading in ["便箋頭", "事由", "目的", "背景", "建議"] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    assert!(text.contains("彈性上班時間"), "{text}");
    assert!(text.contains("［待填："), "{text}");
    assert!(text.contains("人工智能"), "{text}");
    // No temporary file is left beside the output.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn draft_without_a_model_or_with_a_bad_type_exits_2() {
    let empty = tempfile::tempdir().unwrap();
    let out = hkpilot()
        .arg("--models-dir")
        .arg(empty.path())
        .args(["draft", "--type", "memo", "--notes", "Anything."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs a language model"), "{stderr}");
    assert!(stderr.contains("scripts/setup.sh"), "{stderr}");
    let out = hkpilot()
        .args(["draft", "--type", "novel", "--notes", "Anything."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("public_reply") && stderr.contains("memo"),
        "{stderr}"
    );
    let out = hkpilot()
        .args(["draft", "--type", "memo", "--field", "no-equals-sign"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let missing = empty.path().join("missing.pdf");
    let out = hkpilot()
        .args(["draft", "--type", "memo", "--from"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was drafted"));
    // A notes file that is not there is not taken for the notes' text.
    let out = hkpilot()
        .args(["draft", "--type", "memo", "--notes", "no-such-notes.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no notes file"));
}

#[test]
fn draft_rewrite_to_hant_converts_a_simplified_sentence_without_a_model() {
    let empty = tempfile::tempdir().unwrap();
    // No model is installed here: conversion is by rule.
    let out = hkpilot()
        .arg("--models-dir")
        .arg(empty.path())
        .args([
            "rewrite",
            "--op",
            "to-hant",
            "--format",
            "json",
            "政府将通过网络发布更多信息。",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let r = &v["rewrite"];
    assert_eq!(r["rewritten"], "政府將通過網絡發佈更多資訊。", "{r}");
    assert_eq!(r["ai_generated"], false);
    assert_eq!(r["diff_unit"], "character");
    // The operations rebuild both texts.
    let ops = r["diff"].as_array().unwrap();
    let side = |skip: &str| -> String {
        ops.iter()
            .filter(|o| o["op"] != skip)
            .map(|o| o["text"].as_str().unwrap())
            .collect()
    };
    assert_eq!(side("insert"), "政府将通过网络发布更多信息。");
    assert_eq!(side("delete"), "政府將通過網絡發佈更多資訊。");
    // Markdown marks the changes.
    let md = hkpilot()
        .args(["rewrite", "--op", "to-hant", "我们需要更多信息。"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("~~们~~**們**"), "{md}");
    assert!(md.contains("~~信息~~**資訊**"), "{md}");
    // A model operation with no model installed is a clear usage error.
    let out = hkpilot()
        .arg("--models-dir")
        .arg(empty.path())
        .args(["rewrite", "--op", "shorten", "Some text."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = hkpilot()
        .args(["rewrite", "--op", "summarise", "Some text."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
