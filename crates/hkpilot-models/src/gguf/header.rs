//! Reads a GGUF file's header (metadata and tensor table) and checks that the file is
//! long enough to hold every tensor. No weights are read.

use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use serde::Serialize;

use super::error::{describe_non_gguf, GgufError};
use super::reader::Reader;
use super::types::{file_type_name, tensor_bytes, tensor_type};
use super::value::Value;

/// More tensors or metadata entries than any real model has: a damaged count.
const MAX_COUNT: u64 = 1 << 24;
/// Tensors with more dimensions than this do not exist in ggml.
const MAX_DIMS: u32 = 8;

/// One entry of the tensor table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TensorInfo {
    pub name: String,
    /// Innermost (fastest-varying) dimension first, as ggml counts them.
    pub dims: Vec<u64>,
    /// ggml type tag; see [`TensorInfo::type_name`].
    pub ggml_type: u32,
    /// Offset of the data from the start of the data section.
    pub offset: u64,
}

impl TensorInfo {
    pub fn elements(&self) -> u64 {
        self.dims.iter().fold(1u64, |a, &d| a.saturating_mul(d))
    }

    pub fn type_name(&self) -> &'static str {
        tensor_type(self.ggml_type).0
    }
}

/// Everything in a GGUF header.
#[derive(Debug, Clone, PartialEq)]
pub struct GgufHeader {
    pub version: u32,
    /// Metadata in file order.
    pub metadata: Vec<(String, Value)>,
    pub tensors: Vec<TensorInfo>,
    /// Where tensor data starts (after alignment padding).
    pub data_offset: u64,
    /// File size the tensors need; never more than the file's size once read.
    pub needed_size: u64,
}

impl GgufHeader {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    pub fn get_u64(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(Value::as_u64)
    }

    pub fn architecture(&self) -> Option<&str> {
        self.get_str("general.architecture")
    }

    /// An architecture-specific key, e.g. `arch_u64("context_length")` reads
    /// `llama.context_length` for a Llama model.
    pub fn arch_u64(&self, suffix: &str) -> Option<u64> {
        let arch = self.architecture()?;
        self.get_u64(&format!("{arch}.{suffix}"))
    }

    pub fn context_length(&self) -> Option<u64> {
        self.arch_u64("context_length")
    }

    /// Sum of all tensor elements: the parameter count.
    pub fn parameter_count(&self) -> u64 {
        self.tensors
            .iter()
            .fold(0u64, |a, t| a.saturating_add(t.elements()))
    }

    /// The quantisation name: `general.file_type` when present, else the type holding
    /// the most parameters among the matrices.
    pub fn quantization(&self) -> Option<String> {
        if let Some(name) = self.get_u64("general.file_type").and_then(file_type_name) {
            return Some(name.to_string());
        }
        let mut by_type: Vec<(u32, u64)> = Vec::new();
        for t in self.tensors.iter().filter(|t| t.dims.len() >= 2) {
            match by_type.iter_mut().find(|(ty, _)| *ty == t.ggml_type) {
                Some((_, n)) => *n = n.saturating_add(t.elements()),
                None => by_type.push((t.ggml_type, t.elements())),
            }
        }
        by_type
            .into_iter()
            .max_by_key(|&(_, n)| n)
            .map(|(ty, _)| tensor_type(ty).0.to_string())
    }

    pub fn chat_template(&self) -> Option<&str> {
        self.get_str("tokenizer.chat_template")
    }

    pub fn vocab_size(&self) -> Option<u64> {
        self.get("tokenizer.ggml.tokens")
            .and_then(Value::as_array)
            .map(|a| a.len)
    }
}

/// Reads and checks the header of the GGUF file at `path`.
pub fn read_header(path: &Path) -> Result<GgufHeader, GgufError> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    parse(BufReader::with_capacity(1 << 16, file), size)
}

/// Parses a GGUF header from bytes in memory (the whole file, or at least its header
/// when `size` is the full file's size).
pub fn parse_bytes(bytes: &[u8]) -> Result<GgufHeader, GgufError> {
    parse(bytes, bytes.len() as u64)
}

/// Parses a GGUF header from `input`, a file of `size` bytes.
pub fn parse(mut input: impl Read, size: u64) -> Result<GgufHeader, GgufError> {
    // Peek at the start first, so a file without the magic is described by what it
    // does hold (an HTML page, a zip) rather than reported as a damaged header.
    let mut prefix = Vec::with_capacity(16);
    (&mut input).take(16).read_to_end(&mut prefix)?;
    if !prefix.starts_with(b"GGUF") {
        return Err(GgufError::NotGguf {
            found: describe_non_gguf(&prefix),
        });
    }
    let mut r = Reader::new(Cursor::new(prefix).chain(input), size);
    r.bytes::<4>()?;
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(GgufError::UnsupportedVersion(version));
    }
    let n_tensors = r.u64()?;
    let n_kv = r.u64()?;
    if n_tensors > MAX_COUNT || n_kv > MAX_COUNT {
        return Err(r.corrupt(format!(
            "it claims {n_tensors} tensors and {n_kv} metadata entries"
        )));
    }
    // A tensor entry takes at least 24 bytes and a key/value at least 13: counts that
    // cannot fit in what is left mean the file was cut short.
    if n_tensors * 24 + n_kv * 13 > r.remaining() {
        return Err(GgufError::TruncatedHeader { at: size, size });
    }
    let mut metadata = Vec::with_capacity(n_kv.min(4096) as usize);
    for _ in 0..n_kv {
        let key = r.string()?;
        let ty = r.value_type()?;
        let value = r.value(ty, 0)?;
        metadata.push((key, value));
    }
    let alignment = metadata
        .iter()
        .find(|(k, _)| k == "general.alignment")
        .and_then(|(_, v)| v.as_u64())
        .unwrap_or(32);
    if alignment == 0 || alignment > 1 << 20 {
        return Err(r.corrupt(format!("general.alignment is {alignment}")));
    }
    let mut tensors = Vec::with_capacity(n_tensors.min(65536) as usize);
    let mut data_needed = 0u64;
    for _ in 0..n_tensors {
        let name = r.string()?;
        let n_dims = r.u32()?;
        if n_dims > MAX_DIMS {
            return Err(r.corrupt(format!("tensor {name:?} has {n_dims} dimensions")));
        }
        let mut dims = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            dims.push(r.u64()?);
        }
        let ggml_type = r.u32()?;
        let offset = r.u64()?;
        let t = TensorInfo {
            name,
            dims,
            ggml_type,
            offset,
        };
        if let Some(bytes) = tensor_bytes(ggml_type, t.elements()) {
            data_needed = data_needed.max(offset.saturating_add(bytes));
        }
        tensors.push(t);
    }
    let data_offset = r.pos.div_ceil(alignment).saturating_mul(alignment);
    let needed_size = data_offset.saturating_add(data_needed);
    if needed_size > size {
        return Err(GgufError::TruncatedData {
            size,
            needed: needed_size,
        });
    }
    Ok(GgufHeader {
        version,
        metadata,
        tensors,
        data_offset,
        needed_size,
    })
}
