//! GGUF metadata values as read from a file: scalars kept whole, arrays kept as their
//! length plus their first few elements (a tokenizer's 150k tokens are counted, not
//! stored, so reading a header stays cheap).

use serde::Serialize;
use std::fmt;

/// How many leading array elements are kept; enough for rope factors and the like.
pub const ARRAY_HEAD: usize = 16;

/// A GGUF value type tag, as written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    F32,
    Bool,
    String,
    Array,
    U64,
    I64,
    F64,
}

impl ValueType {
    pub(crate) fn from_tag(tag: u32) -> Option<ValueType> {
        use ValueType::*;
        Some(match tag {
            0 => U8,
            1 => I8,
            2 => U16,
            3 => I16,
            4 => U32,
            5 => I32,
            6 => F32,
            7 => Bool,
            8 => String,
            9 => Array,
            10 => U64,
            11 => I64,
            12 => F64,
            _ => return None,
        })
    }

    /// Bytes of one value of a fixed-size type; `None` for strings and arrays.
    pub(crate) fn fixed_size(self) -> Option<u64> {
        use ValueType::*;
        match self {
            U8 | I8 | Bool => Some(1),
            U16 | I16 => Some(2),
            U32 | I32 | F32 => Some(4),
            U64 | I64 | F64 => Some(8),
            String | Array => None,
        }
    }

    pub fn name(self) -> &'static str {
        use ValueType::*;
        match self {
            U8 => "u8",
            I8 => "i8",
            U16 => "u16",
            I16 => "i16",
            U32 => "u32",
            I32 => "i32",
            F32 => "f32",
            Bool => "bool",
            String => "string",
            Array => "array",
            U64 => "u64",
            I64 => "i64",
            F64 => "f64",
        }
    }
}

/// One metadata value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Int(i64),
    /// u64 values above `i64::MAX` (rare, but legal).
    UInt(u64),
    Float(f64),
    Bool(bool),
    String(String),
    Array(ArrayValue),
}

/// An array: its element type, its full length and its first [`ARRAY_HEAD`] elements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrayValue {
    pub element_type: ValueType,
    pub len: u64,
    pub head: Vec<Value>,
}

impl Value {
    /// Any integer value that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            Value::UInt(u) => Some(*u),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&ArrayValue> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// A short, one-line rendering for listings: long strings are cut, arrays summarised.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::UInt(u) => write!(f, "{u}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::String(s) => {
                let one_line = s.replace('\n', "\\n");
                let n = one_line.chars().count();
                if n > 80 {
                    let cut: String = one_line.chars().take(77).collect();
                    write!(f, "{cut:?}… ({} chars)", s.chars().count())
                } else {
                    write!(f, "{one_line:?}")
                }
            }
            Value::Array(a) => {
                write!(f, "[{}; {}]", a.element_type.name(), a.len)?;
                if a.len <= 8 && !a.head.is_empty() {
                    let items: Vec<String> = a.head.iter().map(|v| v.to_string()).collect();
                    write!(f, " {}", items.join(", "))?;
                }
                Ok(())
            }
        }
    }
}
