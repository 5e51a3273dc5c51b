//! Checks a model file before llama.cpp sees it: llama.cpp may abort the whole process
//! on some malformed files, and its errors do not say what the user should do.
//!
//! We read the GGUF header, skip the metadata, read the tensor table and check the file
//! is long enough to hold every tensor.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use hkpilot_llm::LlmError;

const FETCH_HINT: &str = "download it again (for the default model run scripts/fetch-default-model.sh) or point HKPILOT_MODEL at a complete .gguf file";

fn invalid(path: &Path, reason: impl Into<String>) -> LlmError {
    LlmError::InvalidModelFile {
        path: path.to_path_buf(),
        reason: reason.into(),
        hint: FETCH_HINT.to_string(),
    }
}

/// Fails with `model_not_found` or `invalid_model_file` naming the file.
pub fn check_gguf(path: &Path) -> Result<(), LlmError> {
    let meta = std::fs::metadata(path).map_err(|e| LlmError::ModelNotFound {
        name: path.display().to_string(),
        hint: format!(
            "cannot read the model file ({e}); check the path, or run scripts/fetch-default-model.sh for the default model"
        ),
    })?;
    if !meta.is_file() {
        return Err(invalid(path, "is not a regular file"));
    }
    let size = meta.len();
    let f = File::open(path).map_err(|e| invalid(path, format!("cannot be opened: {e}")))?;
    let mut r = Reader {
        inner: BufReader::new(f),
        pos: 0,
        size,
    };
    let magic = r.bytes::<4>().map_err(|_| {
        invalid(
            path,
            format!("is too short to be a GGUF model ({size} bytes)"),
        )
    })?;
    if &magic != b"GGUF" {
        return Err(invalid(
            path,
            "is not a GGUF model (wrong magic bytes); convert it to GGUF or use a .gguf file",
        ));
    }
    let header = |e: String| invalid(path, format!("has a damaged or truncated header: {e}"));
    let version = r.u32().map_err(header)?;
    if !(2..=3).contains(&version) {
        return Err(invalid(
            path,
            format!("uses GGUF version {version}, which is not supported (2 or 3 are)"),
        ));
    }
    let n_tensors = r.u64().map_err(header)?;
    let n_kv = r.u64().map_err(header)?;
    // Every entry takes at least 8 bytes: absurd counts mean a damaged file.
    if n_tensors > size / 8 || n_kv > size / 8 {
        return Err(header(format!(
            "{n_tensors} tensors / {n_kv} metadata entries"
        )));
    }
    let mut alignment = 32u64;
    for _ in 0..n_kv {
        let key = r.string().map_err(header)?;
        let ty = r.u32().map_err(header)?;
        if key == "general.alignment" && ty == 4 {
            alignment = u64::from(r.u32().map_err(header)?).max(1);
        } else {
            r.skip_value(ty, 0).map_err(header)?;
        }
    }
    let mut data_needed = 0u64;
    for _ in 0..n_tensors {
        let _name = r.string().map_err(header)?;
        let n_dims = r.u32().map_err(header)?;
        if n_dims > 8 {
            return Err(header(format!("a tensor has {n_dims} dimensions")));
        }
        let mut elems = 1u64;
        for _ in 0..n_dims {
            elems = elems.saturating_mul(r.u64().map_err(header)?);
        }
        let ty = r.u32().map_err(header)?;
        let offset = r.u64().map_err(header)?;
        if let Some(bytes) = tensor_bytes(ty, elems) {
            data_needed = data_needed.max(offset.saturating_add(bytes));
        }
    }
    let data_start = r.pos.div_ceil(alignment) * alignment;
    let needed = data_start.saturating_add(data_needed);
    if needed > size {
        return Err(invalid(
            path,
            format!("is truncated: {size} bytes on disk, the tensors need {needed}"),
        ));
    }
    Ok(())
}

/// Bytes of a tensor of `elems` elements of ggml type `ty`; `None` for types we do not
/// know (the check is then skipped for that tensor, llama.cpp still validates it).
fn tensor_bytes(ty: u32, elems: u64) -> Option<u64> {
    // (block size in elements, bytes per block), from ggml's type traits.
    let (blk, bytes) = match ty {
        0 => (1, 4),      // F32
        1 => (1, 2),      // F16
        2 => (32, 18),    // Q4_0
        3 => (32, 20),    // Q4_1
        6 => (32, 22),    // Q5_0
        7 => (32, 24),    // Q5_1
        8 => (32, 34),    // Q8_0
        9 => (32, 36),    // Q8_1
        10 => (256, 84),  // Q2_K
        11 => (256, 110), // Q3_K
        12 => (256, 144), // Q4_K
        13 => (256, 176), // Q5_K
        14 => (256, 210), // Q6_K
        15 => (256, 292), // Q8_K
        24 => (1, 1),     // I8
        25 => (1, 2),     // I16
        26 => (1, 4),     // I32
        27 => (1, 8),     // I64
        28 => (1, 8),     // F64
        30 => (1, 2),     // BF16
        _ => return None,
    };
    Some(elems.div_ceil(blk) * bytes)
}

struct Reader<R> {
    inner: R,
    pos: u64,
    size: u64,
}

impl<R: Read> Reader<R> {
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut b = [0u8; N];
        self.inner
            .read_exact(&mut b)
            .map_err(|_| format!("ends at byte {}", self.pos))?;
        self.pos += N as u64;
        Ok(b)
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.bytes()?))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.bytes()?))
    }
    fn skip(&mut self, n: u64) -> Result<(), String> {
        if self.pos.saturating_add(n) > self.size {
            return Err(format!(
                "a value runs past the end of the file at byte {}",
                self.pos
            ));
        }
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())
            .map_err(|e| e.to_string())?;
        if copied != n {
            return Err(format!("ends at byte {}", self.pos + copied));
        }
        self.pos += n;
        Ok(())
    }
    fn string(&mut self) -> Result<String, String> {
        let n = self.u64()?;
        if n > 1 << 20 || self.pos + n > self.size {
            return Err(format!("a string of {n} bytes at byte {}", self.pos));
        }
        let mut buf = vec![0u8; n as usize];
        self.inner
            .read_exact(&mut buf)
            .map_err(|_| format!("ends at byte {}", self.pos))?;
        self.pos += n;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }
    fn skip_value(&mut self, ty: u32, depth: u32) -> Result<(), String> {
        let fixed = match ty {
            0 | 1 | 7 => 1,
            2 | 3 => 2,
            4..=6 => 4,
            10..=12 => 8,
            8 => {
                let n = self.u64()?;
                return self.skip(n);
            }
            9 if depth == 0 => {
                let elem = self.u32()?;
                let count = self.u64()?;
                let fixed = match elem {
                    0 | 1 | 7 => Some(1),
                    2 | 3 => Some(2),
                    4..=6 => Some(4),
                    10..=12 => Some(8),
                    _ => None,
                };
                return match fixed {
                    Some(w) => self.skip(count.saturating_mul(w)),
                    None => (0..count).try_for_each(|_| self.skip_value(elem, depth + 1)),
                };
            }
            other => return Err(format!("unknown metadata type {other}")),
        };
        self.skip(fixed)
    }
}
