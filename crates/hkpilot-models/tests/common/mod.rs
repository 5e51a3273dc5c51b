//! Shared harness: tiny real GGUF models written with the crate's own writer, a
//! scratch models directory per test, and where the real default model lives.

#[cfg(feature = "pull")]
pub mod server;

use std::path::{Path, PathBuf};

use hkpilot_models::testing::{GgufWriter, MetaValue};
use hkpilot_models::{ModelStore, DEFAULT_MODEL_FILE};
#[cfg(feature = "pull")]
use sha2::{Digest, Sha256};

pub const TINY_CONTEXT: u32 = 2048;
pub const TINY_VOCAB: usize = 300;
pub const TINY_EMBD: u64 = 64;
pub const TINY_TEMPLATE: &str =
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";

/// A small but complete llama-architecture GGUF file (~160 KB): real metadata, a
/// vocabulary array longer than the reader keeps, and F32 tensors.
pub fn tiny_model_bytes(name: &str) -> Vec<u8> {
    let tokens: Vec<String> = (0..TINY_VOCAB).map(|i| format!("tok{i}")).collect();
    let e = TINY_EMBD;
    let v = TINY_VOCAB as u64;
    let mut w = GgufWriter::new();
    w.kv("general.architecture", MetaValue::Str("llama".into()))
        .kv("general.name", MetaValue::Str(name.into()))
        .kv("general.license", MetaValue::Str("apache-2.0".into()))
        .kv("general.file_type", MetaValue::U32(0))
        .kv("llama.context_length", MetaValue::U32(TINY_CONTEXT))
        .kv("llama.embedding_length", MetaValue::U32(e as u32))
        .kv("llama.block_count", MetaValue::U32(1))
        .kv("llama.attention.head_count", MetaValue::U32(4))
        .kv("llama.attention.head_count_kv", MetaValue::U32(2))
        .kv("llama.rope.freq_base", MetaValue::F32(10000.0))
        .kv("tokenizer.ggml.model", MetaValue::Str("llama".into()))
        .kv("tokenizer.ggml.tokens", MetaValue::ArrStr(tokens))
        .kv(
            "tokenizer.ggml.scores",
            MetaValue::ArrF32(vec![0.0; TINY_VOCAB]),
        )
        .kv(
            "tokenizer.chat_template",
            MetaValue::Str(TINY_TEMPLATE.into()),
        );
    w.tensor("token_embd.weight", &[e, v], ramp(e * v))
        .tensor("output_norm.weight", &[e], vec![1.0; e as usize])
        .tensor("output.weight", &[e, v], ramp(e * v));
    w.to_bytes()
}

/// Parameters in [`tiny_model_bytes`].
pub fn tiny_parameters() -> u64 {
    2 * TINY_EMBD * TINY_VOCAB as u64 + TINY_EMBD
}

fn ramp(n: u64) -> Vec<f32> {
    (0..n).map(|i| (i % 251) as f32 / 251.0).collect()
}

pub fn write_tiny(dir: &Path, file: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create dir");
    let path = dir.join(file);
    std::fs::write(&path, tiny_model_bytes(file)).expect("write tiny model");
    path
}

#[cfg(feature = "pull")]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A fresh models directory and a store over it.
pub fn scratch_store() -> (tempfile::TempDir, ModelStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ModelStore::new(dir.path().join("models"));
    (dir, store)
}

/// Files in a directory, sorted (what a user would see with `ls`).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The real default model (installed by scripts/setup.sh), looked for where the
/// engine tests and the setup script put it.
pub fn smollm2_path() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HKPILOT_TEST_MODEL").map(PathBuf::from),
        std::env::var_os("HKPILOT_MODEL_DIR").map(|d| PathBuf::from(d).join(DEFAULT_MODEL_FILE)),
        Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../.models")
                .join(DEFAULT_MODEL_FILE),
        ),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// The real tiny Llama model from the shared evaluation data.
pub fn stories260k_path() -> Option<PathBuf> {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/models/stories260K.gguf");
    p.is_file().then_some(p)
}
