//! Integration tests of the evaluation harness: datasets written to a temporary
//! folder (English, Traditional Chinese, mixed), ROUGE values worked out by hand, and
//! reports.

use std::path::{Path, PathBuf};

use hkpilot_eval::{
    load_dataset, rouge, rouge_multi, systems_table, DocResult, EvalError, Report, Score, Tokenizer,
};

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn err(path: &Path, limit: Option<usize>) -> EvalError {
    load_dataset(path, limit).expect_err("the dataset should be refused")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn assert_score(s: Score, precision: f64, recall: f64, f1: f64) {
    assert!(
        close(s.precision, precision) && close(s.recall, recall) && close(s.f1, f1),
        "{s:?} != ({precision}, {recall}, {f1})"
    );
}

#[test]
fn leval_jsonl_keeps_every_output_as_a_reference() {
    let dir = tempfile::tempdir().unwrap();
    let line1 = r#"{"instructions": ["Summarise."], "outputs": ["The report."], "input": "A long report.", "source": "gov_report_summ", "evaluation": "rouge"}"#;
    let line3 = r#"{"instructions": ["Summarise.", "Again."], "outputs": ["First.", "Second."], "input": "施政報告全文。"}"#;
    let path = write(
        dir.path(),
        "gov.jsonl",
        format!("\u{feff}{line1}\n\n{line3}\n"),
    );
    let items = load_dataset(&path, None).unwrap();
    assert_eq!(items.len(), 2);
    // `input` wins over L-Eval's `source` field, which names the corpus.
    assert_eq!(items[0].source, "A long report.");
    assert_eq!(items[0].references, ["The report."]);
    // Ids are line numbers when the line has none; the blank line 2 is skipped.
    assert_eq!((items[0].id.as_str(), items[1].id.as_str()), ("1", "3"));
    assert_eq!(items[1].references, ["First.", "Second."]);
    assert_eq!(load_dataset(&path, Some(1)).unwrap().len(), 1);
}

#[test]
fn simple_jsonl_keys_ids_and_chinese_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "simple.jsonl",
        concat!(
            r#"{"id": "hk-1", "document": "政府今日公布施政報告。", "summary": "施政報告公布"}"#,
            "\n",
            r#"{"id": 7, "text": "The Bureau replied.", "target": ["It replied.", " ", "A reply."]}"#,
            "\n",
            r#"{"source": "Mixed 中英 text", "reference": "中英"}"#,
            "\n",
        ),
    );
    let items = load_dataset(&path, None).unwrap();
    assert_eq!(items[0].id, "hk-1");
    assert_eq!(items[0].source, "政府今日公布施政報告。");
    assert_eq!(items[0].references, ["施政報告公布"]);
    // Numeric ids are kept; blank references are dropped.
    assert_eq!(items[1].id, "7");
    assert_eq!(items[1].references, ["It replied.", "A reply."]);
    assert_eq!(items[2].source, "Mixed 中英 text");
}

#[test]
fn jsonl_errors_name_the_line_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"source": "Doc.", "summary": "Sum."}"#;
    let path = write(
        dir.path(),
        "bad.jsonl",
        format!("{good}\n{good}\n{{\"source\": \"Doc.\",\n"),
    );
    let e = err(&path, None);
    assert_eq!(e.code(), "bad_json");
    let message = e.to_string();
    assert!(
        message.contains("line 3") && message.contains("column"),
        "{message}"
    );
    // serde_json's own "line 1" (within the JSONL line) is not repeated.
    assert!(!message.contains("line 1"), "{message}");
    // With a limit, the lines after the last item taken are not read.
    assert_eq!(load_dataset(&path, Some(2)).unwrap().len(), 2);

    let path = write(
        dir.path(),
        "noref.jsonl",
        format!("{good}\n{{\"source\": \"Doc.\"}}\n"),
    );
    let e = err(&path, None);
    assert_eq!(e.code(), "bad_item");
    let message = e.to_string();
    assert!(
        message.contains("line 2") && message.contains("summary"),
        "{message}"
    );

    let path = write(dir.path(), "array.jsonl", "[1, 2]\n");
    assert_eq!(err(&path, None).code(), "bad_item");
    let path = write(
        dir.path(),
        "blank.jsonl",
        r#"{"text": "  ", "summary": "Sum."}"#,
    );
    assert_eq!(err(&path, None).code(), "bad_item");

    let mut bytes = format!("{good}\n").into_bytes();
    bytes.extend_from_slice(b"{\"source\": \"\xff\", \"summary\": \"x\"}\n");
    let path = write(dir.path(), "latin1.jsonl", bytes);
    let e = err(&path, None);
    assert_eq!(e.code(), "not_utf8");
    assert!(e.to_string().contains("line 2"), "{e}");
}

#[test]
fn line_aligned_pairs_by_prefix_source_or_target_path() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lcsts.src.txt",
        "香港天文台發出八號風球。學校停課。\nThe Bureau replied today.\n\n",
    );
    write(dir.path(), "lcsts.tgt.txt", "八號風球\r\nBureau replies\n");
    let prefix = dir.path().join("lcsts");
    let items = load_dataset(&prefix, None).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].source, "香港天文台發出八號風球。學校停課。");
    assert_eq!(items[0].references, ["八號風球"]);
    assert_eq!((items[0].id.as_str(), items[1].id.as_str()), ("1", "2"));
    for name in ["lcsts.src.txt", "lcsts.tgt.txt"] {
        assert_eq!(load_dataset(&dir.path().join(name), None).unwrap(), items);
    }
    assert_eq!(load_dataset(&prefix, Some(1)).unwrap(), items[..1]);
}

#[test]
fn pair_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "uneven.src.txt", "一\n二\n三\n");
    write(dir.path(), "uneven.tgt.txt", "一\n二\n");
    let e = err(&dir.path().join("uneven"), None);
    assert_eq!(e.code(), "line_count_mismatch");
    let message = e.to_string();
    assert!(
        message.contains("3 lines") && message.contains("has 2"),
        "{message}"
    );

    write(dir.path(), "gap.src.txt", "一\n\n三\n");
    write(dir.path(), "gap.tgt.txt", "一\n二\n三\n");
    let e = err(&dir.path().join("gap.tgt.txt"), None);
    assert_eq!(e.code(), "bad_item");
    assert!(e.to_string().contains("gap.src.txt, line 2"), "{e}");

    write(dir.path(), "lonely.src.txt", "一\n");
    let e = err(&dir.path().join("lonely.src.txt"), None);
    assert_eq!(e.code(), "dataset_not_found");
    assert!(e.to_string().contains("lonely.tgt.txt"), "{e}");
}

#[test]
fn missing_empty_and_zero_limit() {
    let dir = tempfile::tempdir().unwrap();
    let e = err(&dir.path().join("nowhere.jsonl"), None);
    assert_eq!(e.code(), "dataset_not_found");
    assert!(e.to_string().contains("nowhere.jsonl"), "{e}");

    let path = write(dir.path(), "empty.jsonl", "\n  \n");
    assert_eq!(err(&path, None).code(), "empty_dataset");
    write(dir.path(), "none.src.txt", "");
    write(dir.path(), "none.tgt.txt", "\n");
    assert_eq!(err(&dir.path().join("none"), None).code(), "empty_dataset");

    let path = write(
        dir.path(),
        "one.jsonl",
        r#"{"source": "Doc.", "summary": "Sum."}"#,
    );
    assert_eq!(err(&path, Some(0)).code(), "invalid_limit");
}

#[test]
fn english_rouge_by_hand() {
    // Unigrams: the, cat shared of three each; bigrams: "the cat" of two each;
    // LCS "the cat".
    let s = rouge("the cat sat", "the cat ran", Tokenizer::Auto);
    assert_score(s.rouge1, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0);
    assert_score(s.rouge2, 0.5, 0.5, 0.5);
    assert_score(s.rouge_l, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0);
    // Case and punctuation are ignored and "cats"/"cat", "running"/"runs" stem alike:
    // [the cat were run] against [a cat run].
    let s = rouge("The CATS were running!", "a cat runs", Tokenizer::English);
    assert_score(s.rouge1, 0.5, 2.0 / 3.0, 4.0 / 7.0);
    assert_score(s.rouge2, 0.0, 0.0, 0.0);
    assert_score(s.rouge_l, 0.5, 2.0 / 3.0, 4.0 / 7.0);
}

#[test]
fn chinese_rouge_is_per_character() {
    // 香港政府 against 香港特區政府: four characters shared; bigrams 香港 and 政府.
    let s = rouge("香港政府", "香港特區政府", Tokenizer::Auto);
    assert_score(s.rouge1, 1.0, 4.0 / 6.0, 0.8);
    assert_score(s.rouge2, 2.0 / 3.0, 0.4, 0.5);
    assert_score(s.rouge_l, 1.0, 4.0 / 6.0, 0.8);
    // Punctuation is not a token: full stops and commas change nothing.
    assert_eq!(rouge("香港，政府。", "香港特區政府", Tokenizer::Auto), s);
}

#[test]
fn mixed_text_is_scored_as_chinese_with_case_kept() {
    // As Chinese: [HKPilot 摘 要 tool] against [hkpilot 摘 要]; the Latin words keep
    // their case, so only 摘 and 要 match.
    let s = rouge("HKPilot 摘要 tool", "hkpilot 摘要", Tokenizer::Auto);
    assert_score(s.rouge1, 0.5, 2.0 / 3.0, 4.0 / 7.0);
    // Forced English drops the Han characters and lower-cases: [hkpilot tool] / [hkpilot].
    let s = rouge("HKPilot 摘要 tool", "hkpilot 摘要", Tokenizer::English);
    assert_score(s.rouge1, 0.5, 1.0, 2.0 / 3.0);
}

#[test]
fn several_references_take_the_best_f1_per_measure() {
    // "a b e f": R1 1/2, R2 1/3, RL 1/2; "d c b a": R1 1, R2 0, RL 1/4.
    let s = rouge_multi("a b c d", &["a b e f", "d c b a"], Tokenizer::English);
    assert_score(s.rouge1, 1.0, 1.0, 1.0);
    assert_score(s.rouge2, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0);
    assert_score(s.rouge_l, 0.5, 0.5, 0.5);
    // On a tie in F1 the first reference's precision and recall are kept.
    let s = rouge_multi("a b", &["a b c d", "a"], Tokenizer::English);
    assert_score(s.rouge1, 1.0, 0.5, 2.0 / 3.0);
    let s = rouge_multi("a b", &["a", "a b c d"], Tokenizer::English);
    assert_score(s.rouge1, 0.5, 1.0, 2.0 / 3.0);
}

#[test]
fn long_references_score_without_trouble() {
    let reference: String = (0..4000).map(|i| format!("w{} ", i % 97)).collect();
    let s = rouge(&reference, &reference, Tokenizer::English);
    assert_score(s.rouge_l, 1.0, 1.0, 1.0);
    let s = rouge("w1 w2 w3", &reference, Tokenizer::English);
    assert_score(
        s.rouge_l,
        1.0,
        3.0 / 4000.0,
        2.0 * (3.0 / 4000.0) / (1.0 + 3.0 / 4000.0),
    );
}

fn sample_report() -> Report {
    let mut first =
        DocResult::for_summary("施政-1", "香港政府", &["香港特區政府"], Tokenizer::Auto);
    first.sentences = 4;
    first.cited_sentences = 3;
    first.citations_total = 4;
    first.citations_supported = 3;
    first.unsupported_sentences = 1;
    first.fact_flags = 2;
    first.seconds = 1.5;
    first.prompt_tokens = 1000;
    first.completion_tokens = 50;
    first.method = "map_reduce".into();
    let mut second =
        DocResult::for_summary("doc-2", "the cat sat", &["the cat ran"], Tokenizer::Auto);
    second.sentences = 1;
    second.seconds = 0.5;
    second.method = "extractive".into();
    second.fallback = Some("model timed out".into());
    Report::new(
        "lcsts-mini",
        "hkpilot-grounded",
        Some("qwen2.5-1.5b".into()),
        Some(42),
        vec![first, second],
    )
}

#[test]
fn report_aggregates_and_round_trips_through_json() {
    let report = sample_report();
    assert_eq!(report.items[0].summary_chars, 4);
    assert_eq!(report.items[1].summary, "the cat sat");
    assert_eq!(report.items[0].summary_words, 4);
    assert_eq!(report.items[1].summary_words, 3);
    let m = &report.mean;
    assert_eq!(m.documents, 2);
    assert!(close(m.rouge1, 100.0 * (0.8 + 2.0 / 3.0) / 2.0));
    assert!(close(m.rouge2, 100.0 * (0.5 + 0.5) / 2.0));
    assert!(close(m.summary_chars, (4.0 + 11.0) / 2.0));
    assert_eq!(m.citation_precision, Some(0.75));
    assert_eq!(m.unsupported_sentence_rate, Some(0.2));
    assert_eq!((m.fact_flags, m.fallbacks), (2, 1));
    assert!(close(m.seconds, 2.0));
    assert_eq!((m.prompt_tokens, m.completion_tokens), (1000, 50));

    let json = report.to_json().unwrap();
    assert!(json.contains("\"citation_precision\": 0.75"), "{json}");
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);

    let none = Report::new("d", "extractive", None, None, vec![]);
    assert_eq!(none.mean.citation_precision, None);
    assert_eq!(none.mean.unsupported_sentence_rate, None);
    assert_eq!(none.mean.rouge1, 0.0);
}

#[test]
fn tables_are_aligned_and_show_the_numbers() {
    let report = sample_report();
    let table = report.to_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(
        lines[0].starts_with("| system ") && lines[0].contains(" R1 "),
        "{table}"
    );
    for cell in [
        "hkpilot-grounded",
        "qwen2.5-1.5b",
        "73.3",
        "50.0",
        "75.0%",
        "20.0%",
        "2.00",
    ] {
        assert!(lines[2].contains(cell), "{cell} missing from {table}");
    }
    assert!(
        lines
            .iter()
            .all(|l| l.chars().count() == lines[0].chars().count()),
        "{table}"
    );

    let extractive = Report::new("d", "extractive", None, None, vec![report.items[1].clone()]);
    let both = systems_table(&[report.clone(), extractive]);
    assert_eq!(both.lines().count(), 4);
    assert!(both.lines().nth(3).unwrap().contains(" - "), "{both}");

    let docs = report.to_document_table();
    let lines: Vec<&str> = docs.lines().collect();
    assert_eq!(lines.len(), 4, "{docs}");
    assert!(
        lines[2].starts_with("| 施政-1 ") && lines[2].contains("3/4"),
        "{docs}"
    );
    assert!(lines[3].contains("model timed out"), "{docs}");
    // The Chinese id is two columns per character, so the first column is as wide
    // in display columns (not in characters) on every line.
    let first_bar = |l: &str| l.chars().skip(1).position(|c| c == '|').unwrap();
    assert_eq!(first_bar(lines[2]) + 2, first_bar(lines[3]), "{docs}");
}

/// A two-item dataset: an English report and a Chinese news item.
fn two_items(dir: &Path) -> Vec<hkpilot_eval::EvalItem> {
    let path = write(
        dir,
        "two.jsonl",
        concat!(
            r#"{"id": "en-1", "source": "The Government published the report today.", "summary": "the report was published today"}"#,
            "\n",
            r#"{"id": "zh-1", "source": "政府今日公布施政報告。", "summary": "政府公布施政報告"}"#,
            "\n"
        ),
    );
    load_dataset(&path, None).unwrap()
}

#[test]
fn predictions_by_id_are_scored_like_our_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let items = two_items(dir.path());
    // Out of order, with an extra item the run does not evaluate, numbers as ids.
    let path = write(
        dir.path(),
        "peer-run.jsonl",
        concat!(
            r#"{"id": "zh-1", "summary": "政府公布報告", "seconds": 1.5, "system": "langchain-map-reduce", "model": "SmolLM2"}"#,
            "\n",
            r#"{"id": 7, "summary": "not evaluated"}"#,
            "\n",
            r#"{"id": "en-1", "summary": "The report was published today.", "seconds": 2.5, "prompt_tokens": 40, "completion_tokens": 9}"#,
            "\n"
        ),
    );
    let p = hkpilot_eval::load_predictions(&path, &items).unwrap();
    assert_eq!(p.system, "langchain-map-reduce");
    assert_eq!(p.model.as_deref(), Some("SmolLM2"));
    let report = hkpilot_eval::score_predictions("two.jsonl", &p, &items);
    assert_eq!(report.items[0].id, "en-1");
    // The same words as the reference: a perfect English score, stemming and case aside.
    assert!(close(report.items[0].rouge.rouge1.f1, 1.0));
    // Chinese per character: 6 of the prediction's characters, 6 of 8 in the reference.
    let r1 = report.items[1].rouge.rouge1;
    assert_score(r1, 1.0, 6.0 / 8.0, 2.0 * 0.75 / 1.75);
    assert_eq!(report.items[1].method, "predicted");
    assert!(close(report.mean.seconds, 4.0));
    assert_eq!(
        (report.mean.prompt_tokens, report.mean.completion_tokens),
        (40, 9)
    );
    // No citations to count: the table shows `-`, not 0 % or 100 %.
    assert_eq!(report.mean.citation_precision, None);
    assert_eq!(report.mean.unsupported_sentence_rate, None);
    assert!(systems_table(&[report]).contains("langchain-map-reduce"));
}

#[test]
fn plain_text_predictions_are_line_aligned_and_named_after_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let items = two_items(dir.path());
    let path = write(
        dir.path(),
        "peer.txt",
        "the report was published\n政府公布施政報告\n\n\n",
    );
    let p = hkpilot_eval::load_predictions(&path, &items).unwrap();
    assert_eq!(p.system, "peer");
    assert_eq!(p.items.len(), 2);
    let report = hkpilot_eval::score_predictions("two", &p, &items);
    assert!(close(report.items[1].rouge.rouge1.f1, 1.0));
    // An empty middle line is an empty summary (scored 0), not a shifted file.
    let path = write(dir.path(), "gap.txt", "\n政府公布施政報告\n");
    let p = hkpilot_eval::load_predictions(&path, &items).unwrap();
    assert_eq!(p.items[0].summary, "");
    assert_eq!(p.items[1].summary, "政府公布施政報告");
}

#[test]
fn prediction_files_that_do_not_match_the_items_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let items = two_items(dir.path());
    let load = |name: &str, content: &str| {
        let path = write(dir.path(), name, content);
        hkpilot_eval::load_predictions(&path, &items).expect_err("should be refused")
    };
    let e = load("short.txt", "only one summary\n");
    assert_eq!(e.code(), "too_few_predictions");
    assert!(e.to_string().contains("--limit"), "{e}");
    let e = load("missing.jsonl", "{\"id\": \"en-1\", \"summary\": \"a\"}\n");
    assert_eq!(e.code(), "missing_prediction");
    assert!(e.to_string().contains("zh-1"), "{e}");
    let e = load(
        "twice.jsonl",
        "{\"id\": \"en-1\", \"summary\": \"a\"}\n{\"id\": \"en-1\", \"summary\": \"b\"}\n",
    );
    assert_eq!(e.code(), "duplicate_prediction");
    let e = load(
        "mixed.jsonl",
        "{\"id\": \"en-1\", \"summary\": \"a\"}\n{\"summary\": \"b\"}\n",
    );
    assert_eq!(e.code(), "bad_item");
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = load(
        "nosummary.jsonl",
        "{\"text\": \"a\"}\n{\"summary\": \"b\"}\n",
    );
    assert_eq!(e.code(), "bad_item");
    assert!(e.to_string().contains("`summary`"), "{e}");
    let e = load(
        "negative.jsonl",
        "{\"summary\": \"a\", \"seconds\": -1}\n{\"summary\": \"b\"}\n",
    );
    assert_eq!(e.code(), "bad_item");
    assert!(
        e.to_string().contains("`seconds` must not be negative"),
        "{e}"
    );
    let e = load("bad.jsonl", "{\"summary\": \"a\"\n");
    assert_eq!(e.code(), "bad_json");
    let path = write(dir.path(), "latin1.txt", b"caf\xe9\n\xe9\n".as_slice());
    let e = hkpilot_eval::load_predictions(&path, &items).unwrap_err();
    assert_eq!(e.code(), "not_utf8");
    let e = hkpilot_eval::load_predictions(&dir.path().join("none.txt"), &items).unwrap_err();
    assert_eq!(e.code(), "io_error");
}
