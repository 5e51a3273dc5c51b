//! Another system's summaries of a dataset's items (a peer pipeline, a bigger model
//! run elsewhere), read so that the harness scores them with the same ROUGE, length
//! and cost columns as its own, in the same table.
//!
//! Two formats:
//! - JSONL (`.jsonl`): one object per item with a `summary` string; optional `id`
//!   (string or number: when any line has one, summaries are matched to the dataset's
//!   items by id, otherwise by order), `seconds`, `prompt_tokens`,
//!   `completion_tokens`, and on any line `system` and `model` naming what made them;
//! - any other file: plain text, line *n* is the summary of item *n* (as LCSTS's
//!   line-aligned files are), trailing blank lines ignored.
//!
//! A file may hold more summaries than the items evaluated (a run with `--limit`),
//! never fewer: an item without a summary would be scored as an empty one silently.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::dataset::EvalItem;
use crate::error::EvalError;
use crate::report::{DocResult, Report};
use crate::rouge::Tokenizer;

/// The report's `method` for summaries read from a file.
pub const PREDICTED_METHOD: &str = "predicted";

/// One item's summary from another system.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prediction {
    pub id: Option<String>,
    pub summary: String,
    pub seconds: Option<f64>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
}

/// Another system's summaries, in the order of the dataset's items.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictions {
    /// What made them: the file's `system` field, or the file's name without extension.
    pub system: String,
    /// The file's `model` field, if any.
    pub model: Option<String>,
    /// One per dataset item, in the items' order.
    pub items: Vec<Prediction>,
}

/// Reads the summaries in `path` and lines them up with `items` (by id when the file
/// gives ids, else by order).
pub fn load_predictions(path: &Path, items: &[EvalItem]) -> Result<Predictions, EvalError> {
    let lines = crate::dataset::text_lines(path)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "predictions".to_owned());
    let jsonl = path.extension().is_some_and(|e| e == "jsonl");
    let (read, system, model) = if jsonl {
        read_jsonl(path, &lines)?
    } else {
        (read_lines(lines), None, None)
    };
    let ordered = line_up(path, read, items)?;
    Ok(Predictions {
        system: system.unwrap_or(stem),
        model,
        items: ordered,
    })
}

/// Scores `predictions` against `items`' references as the harness scores its own
/// summaries; there are no citations to count, so those columns stay empty (`-`).
pub fn score_predictions(
    dataset: impl Into<String>,
    predictions: &Predictions,
    items: &[EvalItem],
) -> Report {
    let results = items
        .iter()
        .zip(&predictions.items)
        .map(|(item, p)| {
            let mut r = DocResult::for_summary(
                item.id.clone(),
                &p.summary,
                &item.references,
                Tokenizer::Auto,
            );
            r.method = PREDICTED_METHOD.to_owned();
            r.seconds = p.seconds.unwrap_or(0.0);
            r.prompt_tokens = p.prompt_tokens.unwrap_or(0);
            r.completion_tokens = p.completion_tokens.unwrap_or(0);
            r
        })
        .collect();
    Report::new(
        dataset,
        predictions.system.clone(),
        predictions.model.clone(),
        None,
        results,
    )
}

type Read = (Vec<Prediction>, Option<String>, Option<String>);

fn read_jsonl(path: &Path, lines: &[String]) -> Result<Read, EvalError> {
    let mut out = Vec::new();
    let mut first_without_id = None;
    let (mut system, mut model) = (None, None);
    for (i, line) in lines.iter().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: String| EvalError::BadItem {
            path: path.to_path_buf(),
            line: line_no,
            reason,
        };
        let value: Value = serde_json::from_str(line).map_err(|e| EvalError::BadJson {
            path: path.to_path_buf(),
            line: line_no,
            message: e.to_string(),
        })?;
        let Value::Object(obj) = value else {
            return Err(bad(
                "not a JSON object; each line must hold one object with a `summary` string".into(),
            ));
        };
        let summary = match obj.get("summary") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                return Err(bad(
                    "no `summary` string; each line must give the item's summary as `summary`"
                        .into(),
                ))
            }
        };
        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(bad("`id` must be a string or a number".into())),
        };
        let number = |key: &str| -> Result<Option<f64>, EvalError> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => match n.as_f64() {
                    Some(v) if v >= 0.0 => Ok(Some(v)),
                    _ => Err(bad(format!("`{key}` must not be negative"))),
                },
                Some(_) => Err(bad(format!("`{key}` must be a number"))),
            }
        };
        let seconds = number("seconds")?;
        let prompt_tokens = number("prompt_tokens")?.map(|v| v as u64);
        let completion_tokens = number("completion_tokens")?.map(|v| v as u64);
        if let Some(Value::String(s)) = obj.get("system") {
            system.get_or_insert_with(|| s.clone());
        }
        if let Some(Value::String(s)) = obj.get("model") {
            model.get_or_insert_with(|| s.clone());
        }
        if id.is_none() {
            first_without_id.get_or_insert(line_no);
        }
        out.push(Prediction {
            id,
            summary,
            seconds,
            prompt_tokens,
            completion_tokens,
        });
    }
    if let Some(line) = first_without_id.filter(|_| out.iter().any(|p| p.id.is_some())) {
        return Err(EvalError::BadItem {
            path: path.to_path_buf(),
            line,
            reason: "no `id`, but other lines have one; give every line an id, or none (then line n is item n)".into(),
        });
    }
    Ok((out, system, model))
}

/// Line n is item n's summary (trailing blank lines are already gone).
fn read_lines(lines: Vec<String>) -> Vec<Prediction> {
    lines
        .into_iter()
        .map(|l| Prediction {
            summary: l.trim().to_owned(),
            ..Prediction::default()
        })
        .collect()
}

fn line_up(
    path: &Path,
    read: Vec<Prediction>,
    items: &[EvalItem],
) -> Result<Vec<Prediction>, EvalError> {
    if read.iter().any(|p| p.id.is_some()) {
        let mut by_id: HashMap<String, Prediction> = HashMap::new();
        for p in read {
            if let Some(id) = p.id.clone() {
                if by_id.contains_key(&id) {
                    return Err(EvalError::DuplicatePrediction {
                        path: path.to_path_buf(),
                        id,
                    });
                }
                by_id.insert(id, p);
            }
        }
        return items
            .iter()
            .map(|item| {
                by_id
                    .remove(&item.id)
                    .ok_or_else(|| EvalError::MissingPrediction {
                        path: path.to_path_buf(),
                        id: item.id.clone(),
                    })
            })
            .collect();
    }
    if read.len() < items.len() {
        return Err(EvalError::TooFewPredictions {
            path: path.to_path_buf(),
            found: read.len(),
            needed: items.len(),
        });
    }
    Ok(read.into_iter().take(items.len()).collect())
}
