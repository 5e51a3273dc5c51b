//! Evaluation datasets: JSONL files (the L-Eval shape or simple source/summary
//! objects) and line-aligned `PATH.src.txt` / `PATH.tgt.txt` pairs, read into
//! [`EvalItem`]s.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::EvalError;

/// One document to summarise and the reference summaries to score against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalItem {
    /// The item's `id` field when the JSONL line has one, otherwise its 1-based line
    /// number in the file (for pairs, the line number in both files).
    pub id: String,
    /// The document text.
    pub source: String,
    /// One or more reference summaries, never empty and never blank.
    pub references: Vec<String>,
}

/// Keys that may hold the document, in order of preference. `input` comes first
/// because L-Eval lines also carry a `source` field naming the corpus.
const SOURCE_KEYS: [&str; 4] = ["input", "source", "document", "text"];
/// Keys that may hold the reference summaries (a string or an array of strings).
const REFERENCE_KEYS: [&str; 5] = ["outputs", "references", "summary", "reference", "target"];

/// Reads the dataset at `path`, keeping the first `limit` items when one is given.
///
/// `path` may be:
/// - a JSONL file, one object per line, either in the L-Eval shape (`input` is the
///   document; every entry of `outputs` is kept as a reference, `instructions` is
///   ignored) or simple (`source`, `document` or `text` for the document and
///   `summary`, `reference`, `references` or `target` for the reference, a string or an
///   array of strings); an `id` (string or number) is kept; blank lines are skipped;
/// - `PATH.src.txt` or `PATH.tgt.txt`, or the prefix `PATH` itself: line *n* of the
///   `.src.txt` file is a document and line *n* of the `.tgt.txt` file its reference.
///   Trailing blank lines are ignored; the files must otherwise have the same number
///   of lines.
///
/// With a limit, JSONL lines after the last item taken are not read (nor checked).
pub fn load_dataset(path: &Path, limit: Option<usize>) -> Result<Vec<EvalItem>, EvalError> {
    if limit == Some(0) {
        return Err(EvalError::InvalidLimit);
    }
    let max = limit.unwrap_or(usize::MAX);
    let items = match resolve(path)? {
        Layout::Jsonl(file) => read_jsonl(&file, max)?,
        Layout::Pairs { source, target } => read_pairs(&source, &target, max)?,
    };
    if items.is_empty() {
        return Err(EvalError::EmptyDataset {
            path: path.to_path_buf(),
        });
    }
    Ok(items)
}

enum Layout {
    Jsonl(PathBuf),
    Pairs { source: PathBuf, target: PathBuf },
}

fn with_suffix(prefix: &OsString, suffix: &str) -> PathBuf {
    let mut name = prefix.clone();
    name.push(suffix);
    PathBuf::from(name)
}

fn resolve(path: &Path) -> Result<Layout, EvalError> {
    // A path that is not UTF-8 cannot end in `.src.txt` as far as we can tell; it is
    // taken as given.
    if let Some(text) = path.to_str() {
        if let Some(prefix) = text.strip_suffix(".src.txt") {
            return pair_layout(
                path.to_path_buf(),
                PathBuf::from(format!("{prefix}.tgt.txt")),
            );
        }
        if let Some(prefix) = text.strip_suffix(".tgt.txt") {
            return pair_layout(
                PathBuf::from(format!("{prefix}.src.txt")),
                path.to_path_buf(),
            );
        }
    }
    if path.exists() {
        return Ok(Layout::Jsonl(path.to_path_buf()));
    }
    let prefix = path.as_os_str().to_os_string();
    let (source, target) = (
        with_suffix(&prefix, ".src.txt"),
        with_suffix(&prefix, ".tgt.txt"),
    );
    if !source.exists() && !target.exists() {
        return Err(EvalError::NotFound {
            path: path.to_path_buf(),
        });
    }
    pair_layout(source, target)
}

fn pair_layout(source: PathBuf, target: PathBuf) -> Result<Layout, EvalError> {
    for p in [&source, &target] {
        if !p.exists() {
            return Err(EvalError::NotFound { path: p.clone() });
        }
    }
    Ok(Layout::Pairs { source, target })
}

fn io_error(path: &Path, source: std::io::Error) -> EvalError {
    EvalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_jsonl(path: &Path, max: usize) -> Result<Vec<EvalItem>, EvalError> {
    let mut reader = BufReader::new(File::open(path).map_err(|e| io_error(path, e))?);
    let mut items = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0;
    while items.len() < max {
        buf.clear();
        if reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| io_error(path, e))?
            == 0
        {
            break;
        }
        line_no += 1;
        let line = std::str::from_utf8(&buf).map_err(|_| EvalError::NotUtf8 {
            path: path.to_path_buf(),
            line: line_no,
        })?;
        let line = line.strip_prefix('\u{feff}').unwrap_or(line).trim();
        if line.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| EvalError::BadJson {
            path: path.to_path_buf(),
            line: line_no,
            message: json_message(&e),
        })?;
        let bad = |reason: String| EvalError::BadItem {
            path: path.to_path_buf(),
            line: line_no,
            reason,
        };
        let Value::Object(object) = value else {
            return Err(bad("expected a JSON object, one item per line".into()));
        };
        items.push(item_from_object(&object, line_no).map_err(bad)?);
    }
    Ok(items)
}

/// serde_json's message with its position given as a column: the line number it
/// would give counts within the one JSONL line, not the file.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let location = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&location) {
        Some(message) => format!("{message}, at column {}", e.column()),
        None => full,
    }
}

fn item_from_object(object: &Map<String, Value>, line_no: usize) -> Result<EvalItem, String> {
    let id = match object.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => line_no.to_string(),
    };
    let source = SOURCE_KEYS
        .iter()
        .find_map(|k| object.get(*k).and_then(Value::as_str))
        .ok_or_else(|| {
            format!(
                "no document text; give it as a string under one of: {}",
                SOURCE_KEYS.join(", ")
            )
        })?;
    if source.trim().is_empty() {
        return Err("the document text is empty; remove the line or fill it in".into());
    }
    let Some((key, value)) = REFERENCE_KEYS
        .iter()
        .find_map(|k| object.get(*k).map(|v| (*k, v)))
    else {
        return Err(format!(
            "no reference summary; give a string or an array of strings under one of: {}",
            REFERENCE_KEYS.join(", ")
        ));
    };
    let references = match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(values) => values
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("`{key}` must hold only strings"))?,
        _ => return Err(format!("`{key}` must be a string or an array of strings")),
    };
    let references: Vec<String> = references
        .into_iter()
        .filter(|r| !r.trim().is_empty())
        .collect();
    if references.is_empty() {
        return Err(format!(
            "`{key}` holds no non-empty reference summary; fill it in or remove the line"
        ));
    }
    Ok(EvalItem {
        id,
        source: source.to_owned(),
        references,
    })
}

/// The file's lines without a byte-order mark or trailing blank lines.
pub(crate) fn text_lines(path: &Path) -> Result<Vec<String>, EvalError> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        EvalError::NotUtf8 {
            path: path.to_path_buf(),
            line: valid.iter().filter(|b| **b == b'\n').count() + 1,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    Ok(lines)
}

fn read_pairs(
    source_path: &Path,
    target_path: &Path,
    max: usize,
) -> Result<Vec<EvalItem>, EvalError> {
    let sources = text_lines(source_path)?;
    let targets = text_lines(target_path)?;
    if sources.len() != targets.len() {
        return Err(EvalError::LineCountMismatch {
            source_path: source_path.to_path_buf(),
            source_lines: sources.len(),
            target_path: target_path.to_path_buf(),
            target_lines: targets.len(),
        });
    }
    let mut items = Vec::new();
    for (i, (source, target)) in sources.into_iter().zip(targets).enumerate() {
        if items.len() == max {
            break;
        }
        let line = i + 1;
        match (source.trim().is_empty(), target.trim().is_empty()) {
            (true, true) => continue,
            (false, false) => {}
            (blank_source, _) => {
                let (path, what) = if blank_source {
                    (source_path, "document")
                } else {
                    (target_path, "reference summary")
                };
                return Err(EvalError::BadItem {
                    path: path.to_path_buf(),
                    line,
                    reason: format!(
                        "the {what} is empty while its pair is not; the files must be line-aligned"
                    ),
                });
            }
        }
        items.push(EvalItem {
            id: line.to_string(),
            source,
            references: vec![target],
        });
    }
    Ok(items)
}
