//! A minimal GGUF v3 writer: metadata key/values and F32 tensors.
//!
//! Format (little-endian): magic "GGUF", version u32, tensor count u64, kv count u64,
//! the key/values, the tensor infos (name, dims innermost-first, type, offset), padding
//! to the alignment, then the tensor data, each tensor aligned.

use std::io::{self, Write};

pub const GGUF_MAGIC: &[u8; 4] = b"GGUF";
pub const GGUF_VERSION: u32 = 3;
pub const ALIGNMENT: usize = 32;

/// A metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    U32(u32),
    I32(i32),
    F32(f32),
    Bool(bool),
    Str(String),
    ArrStr(Vec<String>),
    ArrF32(Vec<f32>),
    ArrI32(Vec<i32>),
}

// GGUF value type tags.
const T_U32: u32 = 4;
const T_I32: u32 = 5;
const T_F32: u32 = 6;
const T_BOOL: u32 = 7;
const T_STR: u32 = 8;
const T_ARR: u32 = 9;
// ggml tensor type tag for f32.
const GGML_TYPE_F32: u32 = 0;

/// An F32 tensor; `dims` innermost (fastest-varying) first, as ggml counts them.
#[derive(Debug, Clone)]
pub struct Tensor {
    pub name: String,
    pub dims: Vec<u64>,
    pub data: Vec<f32>,
}

/// Collects metadata and tensors, then writes the file in one go.
#[derive(Debug, Default)]
pub struct GgufWriter {
    kv: Vec<(String, MetaValue)>,
    tensors: Vec<Tensor>,
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    w.write_all(&(s.len() as u64).to_le_bytes())?;
    w.write_all(s.as_bytes())
}

fn pad(w: &mut impl Write, written: usize) -> io::Result<usize> {
    let n = (ALIGNMENT - written % ALIGNMENT) % ALIGNMENT;
    w.write_all(&vec![0u8; n])?;
    Ok(n)
}

/// Counts bytes so padding can be computed without seeking.
struct Counting<W> {
    inner: W,
    n: usize,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let k = self.inner.write(buf)?;
        self.n += k;
        Ok(k)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl GgufWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn kv(&mut self, key: &str, value: MetaValue) -> &mut Self {
        self.kv.push((key.to_string(), value));
        self
    }

    pub fn tensor(&mut self, name: &str, dims: &[u64], data: Vec<f32>) -> &mut Self {
        debug_assert_eq!(dims.iter().product::<u64>() as usize, data.len(), "{name}");
        self.tensors.push(Tensor {
            name: name.to_string(),
            dims: dims.to_vec(),
            data,
        });
        self
    }

    pub fn write_to(&self, out: impl Write) -> io::Result<()> {
        let mut w = Counting { inner: out, n: 0 };
        w.write_all(GGUF_MAGIC)?;
        w.write_all(&GGUF_VERSION.to_le_bytes())?;
        w.write_all(&(self.tensors.len() as u64).to_le_bytes())?;
        w.write_all(&(self.kv.len() as u64).to_le_bytes())?;
        for (k, v) in &self.kv {
            put_str(&mut w, k)?;
            write_value(&mut w, v)?;
        }
        let mut offset = 0usize;
        for t in &self.tensors {
            put_str(&mut w, &t.name)?;
            w.write_all(&(t.dims.len() as u32).to_le_bytes())?;
            for d in &t.dims {
                w.write_all(&d.to_le_bytes())?;
            }
            w.write_all(&GGML_TYPE_F32.to_le_bytes())?;
            w.write_all(&(offset as u64).to_le_bytes())?;
            let bytes = t.data.len() * 4;
            offset += bytes + (ALIGNMENT - bytes % ALIGNMENT) % ALIGNMENT;
        }
        let n = w.n;
        pad(&mut w, n)?;
        for t in &self.tensors {
            let mut buf = Vec::with_capacity(t.data.len() * 4);
            for x in &t.data {
                buf.extend_from_slice(&x.to_le_bytes());
            }
            w.write_all(&buf)?;
            pad(&mut w, buf.len())?;
        }
        w.flush()
    }

    pub fn write_file(&self, path: &std::path::Path) -> io::Result<()> {
        let f = std::fs::File::create(path)?;
        self.write_to(io::BufWriter::new(f))
    }
}

fn write_value(w: &mut impl Write, v: &MetaValue) -> io::Result<()> {
    match v {
        MetaValue::U32(x) => {
            w.write_all(&T_U32.to_le_bytes())?;
            w.write_all(&x.to_le_bytes())
        }
        MetaValue::I32(x) => {
            w.write_all(&T_I32.to_le_bytes())?;
            w.write_all(&x.to_le_bytes())
        }
        MetaValue::F32(x) => {
            w.write_all(&T_F32.to_le_bytes())?;
            w.write_all(&x.to_le_bytes())
        }
        MetaValue::Bool(x) => {
            w.write_all(&T_BOOL.to_le_bytes())?;
            w.write_all(&[u8::from(*x)])
        }
        MetaValue::Str(s) => {
            w.write_all(&T_STR.to_le_bytes())?;
            put_str(w, s)
        }
        MetaValue::ArrStr(a) => {
            w.write_all(&T_ARR.to_le_bytes())?;
            w.write_all(&T_STR.to_le_bytes())?;
            w.write_all(&(a.len() as u64).to_le_bytes())?;
            a.iter().try_for_each(|s| put_str(w, s))
        }
        MetaValue::ArrF32(a) => {
            w.write_all(&T_ARR.to_le_bytes())?;
            w.write_all(&T_F32.to_le_bytes())?;
            w.write_all(&(a.len() as u64).to_le_bytes())?;
            a.iter().try_for_each(|x| w.write_all(&x.to_le_bytes()))
        }
        MetaValue::ArrI32(a) => {
            w.write_all(&T_ARR.to_le_bytes())?;
            w.write_all(&T_I32.to_le_bytes())?;
            w.write_all(&(a.len() as u64).to_le_bytes())?;
            a.iter().try_for_each(|x| w.write_all(&x.to_le_bytes()))
        }
    }
}
