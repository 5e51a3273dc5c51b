//! The store on real GGUF files: list, info (tiny models, the shared stories260K
//! model, the real default model installed by scripts/setup.sh), truncated files,
//! and rm's guard for the default model.

use hkpilot_models::{gguf, ModelStore, DEFAULT_MODEL_FILE};

use crate::common::{
    files_in, scratch_store, smollm2_path, stories260k_path, tiny_parameters, write_tiny,
    TINY_CONTEXT, TINY_TEMPLATE, TINY_VOCAB,
};

#[test]
fn list_reports_each_model_from_its_header() {
    let (_tmp, store) = scratch_store();
    write_tiny(store.dir(), "b-model.gguf");
    write_tiny(store.dir(), "a-model.gguf");
    std::fs::write(store.dir().join("notes.txt"), "not a model").expect("write");
    std::fs::write(store.dir().join("c.gguf.part"), [0u8; 10]).expect("write");
    let listing = store.list().expect("list");
    let names: Vec<&str> = listing.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["a-model", "b-model"]);
    let m = &listing.models[0];
    let s = m.summary.as_ref().expect("summary");
    assert_eq!(s.architecture.as_deref(), Some("llama"));
    assert_eq!(s.display_name.as_deref(), Some("a-model.gguf"));
    assert_eq!(s.context_length, Some(u64::from(TINY_CONTEXT)));
    assert_eq!(s.parameters, Some(tiny_parameters()));
    assert_eq!(s.quantization.as_deref(), Some("F32"));
    assert!(s.has_chat_template);
    assert_eq!(m.size, std::fs::metadata(&m.file).expect("meta").len());
    assert_eq!(m.sha256, None, "copied in by hand: no sidecar");
    assert!(!m.is_default);
    assert_eq!(listing.partial_downloads.len(), 1);
    assert_eq!(listing.partial_downloads[0].bytes, 10);
}

#[test]
fn list_of_a_missing_directory_is_empty() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let listing = ModelStore::new(tmp.path().join("never-created"))
        .list()
        .expect("list");
    assert!(listing.models.is_empty() && listing.partial_downloads.is_empty());
}

#[test]
fn a_broken_file_is_listed_with_its_error() {
    let (_tmp, store) = scratch_store();
    let good = write_tiny(store.dir(), "good.gguf");
    let bytes = std::fs::read(&good).expect("read");
    std::fs::write(store.dir().join("cut.gguf"), &bytes[..bytes.len() / 2]).expect("write");
    let listing = store.list().expect("list");
    let cut = listing
        .models
        .iter()
        .find(|m| m.name == "cut")
        .expect("listed");
    assert!(cut.summary.is_none());
    let e = cut.error.as_ref().expect("error");
    assert_eq!(e.code, "truncated_model_file");
    assert!(listing
        .models
        .iter()
        .any(|m| m.name == "good" && m.error.is_none()));
}

#[test]
fn info_gives_the_full_metadata_by_name_or_path() {
    let (_tmp, store) = scratch_store();
    let path = write_tiny(store.dir(), "tiny.gguf");
    let by_name = store.info("tiny").expect("info by name");
    assert_eq!(store.info("tiny.gguf").expect("by file name"), by_name);
    assert_eq!(
        store.info(path.to_str().expect("utf-8")).expect("by path"),
        by_name
    );
    assert_eq!(by_name.gguf_version, 3);
    assert_eq!(by_name.vocab_size, Some(TINY_VOCAB as u64));
    assert_eq!(by_name.embedding_length, Some(64));
    assert_eq!(by_name.head_count_kv, Some(2));
    assert_eq!(by_name.tokenizer.as_deref(), Some("llama"));
    assert_eq!(by_name.license.as_deref(), Some("apache-2.0"));
    assert_eq!(by_name.chat_template.as_deref(), Some(TINY_TEMPLATE));
    assert_eq!(by_name.tensor_count, 3);
    assert_eq!(by_name.tensor_types.len(), 1);
    assert_eq!(by_name.tensor_types[0].parameters, tiny_parameters());
    let tokens = by_name
        .metadata
        .iter()
        .find(|m| m.key == "tokenizer.ggml.tokens")
        .and_then(|m| m.value.as_array())
        .expect("tokens array");
    assert_eq!(tokens.len, TINY_VOCAB as u64);
    assert_eq!(tokens.head.len(), gguf::ARRAY_HEAD);
    assert_eq!(tokens.head[1].as_str(), Some("tok1"));
    let err = store.info("absent").expect_err("no such model");
    assert_eq!(err.code(), "model_not_found");
    assert!(err.is_user_error());
}

#[test]
fn info_on_a_truncated_file_names_it_and_says_what_to_do() {
    let (_tmp, store) = scratch_store();
    let good = write_tiny(store.dir(), "tiny.gguf");
    let bytes = std::fs::read(&good).expect("read");
    // Cut inside the metadata, inside the tensor table, and inside the weights.
    for cut in [40, 3_000, bytes.len() - 1] {
        let file = format!("cut-{cut}.gguf");
        std::fs::write(store.dir().join(&file), &bytes[..cut]).expect("write");
        let err = store.info(&file).expect_err("truncated");
        assert_eq!(err.code(), "truncated_model_file", "{cut}: {err}");
        assert!(err.is_user_error());
        let msg = err.to_string();
        assert!(
            msg.contains(&file) && msg.contains("hkpilot model pull"),
            "{msg}"
        );
    }
    std::fs::write(
        store.dir().join("page.gguf"),
        "<html>502 Bad Gateway</html>",
    )
    .expect("write");
    let err = store.info("page").expect_err("html");
    assert_eq!(err.code(), "not_gguf");
    assert!(err.to_string().contains("HTML"), "{err}");
}

#[test]
fn rm_deletes_model_and_sidecar_but_guards_the_default() {
    let (_tmp, store) = scratch_store();
    write_tiny(store.dir(), "keep-me.gguf");
    write_tiny(store.dir(), "other.gguf");
    std::fs::write(store.dir().join("other.gguf.json"), "{}").expect("sidecar");
    let store = store.with_default_model("keep-me");

    let err = store
        .remove("keep-me", false)
        .expect_err("default is protected");
    assert_eq!(err.code(), "default_model_protected");
    assert!(err.to_string().contains("--force"), "{err}");
    assert!(store.dir().join("keep-me.gguf").is_file());

    let removed = store.remove("other", false).expect("rm other");
    assert!(removed.sidecar_removed);
    assert_eq!(files_in(store.dir()), ["keep-me.gguf"]);

    let removed = store.remove("keep-me.gguf", true).expect("forced");
    assert!(!removed.sidecar_removed);
    assert!(files_in(store.dir()).is_empty());
    assert_eq!(
        store.remove("keep-me", true).expect_err("gone").code(),
        "model_not_found"
    );
}

#[test]
fn without_configuration_the_project_default_model_is_protected() {
    let (_tmp, store) = scratch_store();
    write_tiny(store.dir(), DEFAULT_MODEL_FILE);
    let listing = store.list().expect("list");
    assert!(listing.models[0].is_default);
    let err = store
        .remove("SmolLM2-135M-Instruct.Q4_1", false)
        .expect_err("guarded");
    assert_eq!(err.code(), "default_model_protected");
}

#[test]
fn rm_refuses_files_that_are_not_models() {
    let (_tmp, store) = scratch_store();
    std::fs::create_dir_all(store.dir()).expect("dir");
    let notes = store.dir().join("notes.txt");
    std::fs::write(&notes, "keep").expect("write");
    let err = store
        .remove(notes.to_str().expect("utf-8"), true)
        .expect_err("not a model");
    assert_eq!(err.code(), "model_not_found");
    assert!(notes.is_file());
}

#[test]
fn discover_also_finds_the_checkout_models_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let checkout = tmp.path().join("repo");
    write_tiny(&checkout.join(".models"), "setup-installed.gguf");
    let store = ModelStore::discover(None, &data, &checkout);
    assert_eq!(store.dir(), data.join("models"));
    let listing = store.list().expect("list");
    assert_eq!(listing.models.len(), 1);
    assert_eq!(listing.models[0].name, "setup-installed");
    assert!(store.info("setup-installed").is_ok());
    // A configured directory is used alone.
    let configured = ModelStore::discover(Some(tmp.path().join("mine")), &data, &checkout);
    assert!(configured.list().expect("list").models.is_empty());
}

#[test]
fn stories260k_from_the_shared_data_reads_as_llama() {
    // The shared evaluation data sits beside the project (../shared), as in CI.
    let path = stories260k_path().expect(
        "../shared/data/models/stories260K.gguf is missing: the shared data must sit beside the project",
    );
    let d = hkpilot_models::details(&path, false).expect("info");
    assert_eq!(d.summary.architecture.as_deref(), Some("llama"));
    assert_eq!(d.embedding_length, Some(64));
    assert_eq!(d.block_count, Some(5));
    assert_eq!(d.vocab_size, Some(512));
    assert!(d.summary.context_length.is_some());
}

#[test]
fn real_default_model_reads_as_smollm2() {
    // scripts/setup.sh installs the model; a missing one is a setup fault, not a pass.
    let path = smollm2_path()
        .expect("SmolLM2 is not installed: run scripts/setup.sh (or set HKPILOT_TEST_MODEL)");
    let store = ModelStore::new(path.parent().expect("dir"));
    let listing = store.list().expect("list");
    let m = listing
        .models
        .iter()
        .find(|m| m.file == path)
        .expect("default model listed");
    assert!(m.is_default);
    let s = m.summary.as_ref().expect("readable");
    assert_eq!(s.architecture.as_deref(), Some("llama"));
    assert_eq!(s.context_length, Some(8192));
    assert_eq!(s.quantization.as_deref(), Some("Q4_1"));
    assert!(s.has_chat_template);
    let params = s.parameters.expect("parameters");
    assert!((130_000_000..140_000_000).contains(&params), "{params}");
    let d = store.info("SmolLM2-135M-Instruct.Q4_1").expect("info");
    assert_eq!(d.vocab_size, Some(49_152));
    assert!(d.chat_template.expect("template").contains("<|im_start|>"));
}
