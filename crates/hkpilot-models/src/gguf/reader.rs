//! A bounded little-endian reader: every length read from the file is checked against
//! the bytes that remain before anything is allocated, so damaged or hostile files
//! fail with an error instead of a huge allocation or a panic.

use std::io::{self, Read};

use super::error::GgufError;
use super::value::{ArrayValue, Value, ValueType, ARRAY_HEAD};

/// Longest string accepted (chat templates run to tens of kilobytes, never megabytes).
const MAX_STRING: u64 = 16 << 20;
/// Longest array accepted (vocabularies have a few hundred thousand entries).
const MAX_ARRAY: u64 = 1 << 32;
/// Arrays of arrays are legal; deeper nesting than this is a damaged file.
const MAX_DEPTH: u32 = 3;

pub(crate) struct Reader<R> {
    inner: R,
    pub(crate) pos: u64,
    size: u64,
}

impl<R: Read> Reader<R> {
    pub(crate) fn new(inner: R, size: u64) -> Self {
        Reader {
            inner,
            pos: 0,
            size,
        }
    }

    pub(crate) fn remaining(&self) -> u64 {
        self.size.saturating_sub(self.pos)
    }

    fn eof(&self) -> GgufError {
        GgufError::TruncatedHeader {
            at: self.pos,
            size: self.size,
        }
    }

    pub(crate) fn corrupt(&self, reason: impl Into<String>) -> GgufError {
        GgufError::Corrupt {
            at: self.pos,
            reason: reason.into(),
        }
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), GgufError> {
        match self.inner.read_exact(buf) {
            Ok(()) => {
                self.pos += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(self.eof()),
            Err(e) => Err(GgufError::Io(e)),
        }
    }

    pub(crate) fn bytes<const N: usize>(&mut self) -> Result<[u8; N], GgufError> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, GgufError> {
        Ok(u32::from_le_bytes(self.bytes()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, GgufError> {
        Ok(u64::from_le_bytes(self.bytes()?))
    }

    /// Skips `n` bytes, failing first if they are not there.
    fn skip(&mut self, n: u64) -> Result<(), GgufError> {
        if n > self.remaining() {
            self.pos = self.size;
            return Err(self.eof());
        }
        let copied = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())?;
        self.pos += copied;
        if copied < n {
            return Err(self.eof());
        }
        Ok(())
    }

    fn string_len(&mut self) -> Result<u64, GgufError> {
        let n = self.u64()?;
        // An implausible length is damage; a plausible one past the end is truncation.
        if n > MAX_STRING {
            return Err(self.corrupt(format!("a string claims {n} bytes")));
        }
        if n > self.remaining() {
            return Err(self.eof());
        }
        Ok(n)
    }

    pub(crate) fn string(&mut self) -> Result<String, GgufError> {
        let n = self.string_len()?;
        // Bounded by MAX_STRING and by the bytes left in the file, checked above.
        let mut buf = vec![0u8; n as usize];
        self.fill(&mut buf)?;
        Ok(String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    pub(crate) fn value_type(&mut self) -> Result<ValueType, GgufError> {
        let tag = self.u32()?;
        ValueType::from_tag(tag).ok_or_else(|| self.corrupt(format!("unknown value type {tag}")))
    }

    /// Reads one value of type `ty`; `depth` counts enclosing arrays.
    pub(crate) fn value(&mut self, ty: ValueType, depth: u32) -> Result<Value, GgufError> {
        Ok(match ty {
            ValueType::U8 => Value::Int(i64::from(u8::from_le_bytes(self.bytes()?))),
            ValueType::I8 => Value::Int(i64::from(i8::from_le_bytes(self.bytes()?))),
            ValueType::U16 => Value::Int(i64::from(u16::from_le_bytes(self.bytes()?))),
            ValueType::I16 => Value::Int(i64::from(i16::from_le_bytes(self.bytes()?))),
            ValueType::U32 => Value::Int(i64::from(self.u32()?)),
            ValueType::I32 => Value::Int(i64::from(i32::from_le_bytes(self.bytes()?))),
            ValueType::F32 => Value::Float(widen(f32::from_le_bytes(self.bytes()?))),
            ValueType::Bool => Value::Bool(self.bytes::<1>()?[0] != 0),
            ValueType::String => Value::String(self.string()?),
            ValueType::U64 => {
                let u = self.u64()?;
                i64::try_from(u).map_or(Value::UInt(u), Value::Int)
            }
            ValueType::I64 => Value::Int(i64::from_le_bytes(self.bytes()?)),
            ValueType::F64 => Value::Float(f64::from_le_bytes(self.bytes()?)),
            ValueType::Array => self.array(depth)?,
        })
    }

    fn array(&mut self, depth: u32) -> Result<Value, GgufError> {
        if depth >= MAX_DEPTH {
            return Err(self.corrupt("arrays nested too deeply"));
        }
        let element_type = self.value_type()?;
        let len = self.u64()?;
        if len > MAX_ARRAY {
            return Err(self.corrupt(format!("an array claims {len} elements")));
        }
        // Every element takes at least one byte (strings and arrays at least eight),
        // so a count above the bytes left is a damaged file, caught before looping.
        let min = element_type.fixed_size().unwrap_or(8);
        if len.saturating_mul(min) > self.remaining() {
            return Err(self.eof());
        }
        let keep = len.min(ARRAY_HEAD as u64);
        let mut head = Vec::with_capacity(keep as usize);
        for _ in 0..keep {
            head.push(self.value(element_type, depth + 1)?);
        }
        let rest = len - keep;
        match element_type.fixed_size() {
            Some(w) => self.skip(rest * w)?,
            None if element_type == ValueType::String => {
                for _ in 0..rest {
                    let n = self.string_len()?;
                    self.skip(n)?;
                }
            }
            None => {
                for _ in 0..rest {
                    self.value(element_type, depth + 1)?;
                }
            }
        }
        Ok(Value::Array(ArrayValue {
            element_type,
            len,
            head,
        }))
    }
}

/// An f32 as the f64 with the same shortest decimal form, so 1e-5 reads as 1e-5 and
/// not as 0.000009999999747378752.
fn widen(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}
