//! Test support shipped with the crate: a minimal GGUF v3 writer (metadata key/values
//! and F32 tensors), so tests here and in the engine crate make real GGUF files
//! without downloads.
//!
//! Layout written: magic, version, tensor count, key/value count, the key/values, the
//! tensor infos (name, dims innermost-first, type, offset), padding to the alignment,
//! then each tensor's data, each padded to the alignment.

use std::io::{self, Write};

pub const GGUF_MAGIC: &[u8; 4] = b"GGUF";
pub const GGUF_VERSION: u32 = 3;
pub const ALIGNMENT: usize = 32;

/// A metadata value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    U32(u32),
    I32(i32),
    U64(u64),
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
const T_U64: u32 = 10;
/// ggml's tensor type tag for f32.
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
            offset += padded(t.data.len() * 4);
        }
        let n = w.n;
        pad(&mut w, n)?;
        for t in &self.tensors {
            let buf: Vec<u8> = t.data.iter().flat_map(|x| x.to_le_bytes()).collect();
            w.write_all(&buf)?;
            pad(&mut w, buf.len())?;
        }
        w.flush()
    }

    /// The whole file as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        self.write_to(&mut out).expect("write to memory");
        out
    }

    pub fn write_file(&self, path: &std::path::Path) -> io::Result<()> {
        let f = std::fs::File::create(path)?;
        self.write_to(io::BufWriter::new(f))
    }
}

fn padded(n: usize) -> usize {
    n.div_ceil(ALIGNMENT) * ALIGNMENT
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    w.write_all(&(s.len() as u64).to_le_bytes())?;
    w.write_all(s.as_bytes())
}

fn pad(w: &mut impl Write, written: usize) -> io::Result<()> {
    w.write_all(&vec![0u8; padded(written) - written])
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

fn array_header(w: &mut impl Write, elem: u32, len: usize) -> io::Result<()> {
    w.write_all(&T_ARR.to_le_bytes())?;
    w.write_all(&elem.to_le_bytes())?;
    w.write_all(&(len as u64).to_le_bytes())
}

fn write_value(w: &mut impl Write, v: &MetaValue) -> io::Result<()> {
    let scalar = |w: &mut dyn Write, tag: u32, bytes: &[u8]| {
        w.write_all(&tag.to_le_bytes())?;
        w.write_all(bytes)
    };
    match v {
        MetaValue::U32(x) => scalar(w, T_U32, &x.to_le_bytes()),
        MetaValue::I32(x) => scalar(w, T_I32, &x.to_le_bytes()),
        MetaValue::U64(x) => scalar(w, T_U64, &x.to_le_bytes()),
        MetaValue::F32(x) => scalar(w, T_F32, &x.to_le_bytes()),
        MetaValue::Bool(x) => scalar(w, T_BOOL, &[u8::from(*x)]),
        MetaValue::Str(s) => {
            w.write_all(&T_STR.to_le_bytes())?;
            put_str(w, s)
        }
        MetaValue::ArrStr(a) => {
            array_header(w, T_STR, a.len())?;
            a.iter().try_for_each(|s| put_str(w, s))
        }
        MetaValue::ArrF32(a) => {
            array_header(w, T_F32, a.len())?;
            a.iter().try_for_each(|x| w.write_all(&x.to_le_bytes()))
        }
        MetaValue::ArrI32(a) => {
            array_header(w, T_I32, a.len())?;
            a.iter().try_for_each(|x| w.write_all(&x.to_le_bytes()))
        }
    }
}
