//! Pure-Rust GGUF header reading: metadata, tensor table and a completeness check,
//! fast (no weights are read) and safe on truncated, damaged or hostile files.
//!
//! Format (little-endian): magic `GGUF`, version u32, tensor count u64, metadata count
//! u64, the key/values, the tensor infos (name, dims, type, offset), padding to
//! `general.alignment` (default 32), then the tensor data.

mod error;
mod header;
mod reader;
mod types;
mod value;

#[cfg(feature = "pull")]
pub(crate) use error::describe_non_gguf;
pub use error::GgufError;
pub use header::{parse, parse_bytes, read_header, GgufHeader, TensorInfo};
pub use types::{file_type_name, tensor_bytes, tensor_type};
pub use value::{ArrayValue, Value, ValueType, ARRAY_HEAD};
