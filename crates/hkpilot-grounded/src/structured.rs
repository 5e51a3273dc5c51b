//! Structured summaries: key points, decisions, figures, action items (with owner
//! and due date) and open questions, written by the model as JSON under a schema the
//! engine enforces, each item citing the numbered lines it rests on. The items go
//! through the same citation and faithfulness checks as prose.

use crate::cite::CitedSentence;
use serde::Deserialize;
use serde_json::{json, Value};

/// The sections, in the order they are shown.
pub const SECTIONS: [&str; 5] = [
    "key_points",
    "decisions",
    "figures",
    "action_items",
    "open_questions",
];

/// Longest item text the schema allows, in characters: one sentence. It also bounds
/// how long a small model can ramble inside a string.
const MAX_TEXT: usize = 240;

/// The JSON schema of the structured final pass. `max_points` bounds key points;
/// the other sections are smaller.
pub fn schema(max_points: usize) -> Value {
    let cites =
        json!({"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 4});
    let text = json!({"type": "string", "minLength": 3, "maxLength": MAX_TEXT});
    let nullable = json!({"anyOf": [{"type": "string", "maxLength": 80}, {"type": "null"}]});
    let item = json!({
        "type": "object",
        "properties": {"text": text, "cites": cites},
        "required": ["text", "cites"]
    });
    let action = json!({
        "type": "object",
        "properties": {"text": text, "owner": nullable, "due": nullable, "cites": cites},
        "required": ["text", "owner", "due", "cites"]
    });
    let list =
        |of: &Value, max: usize| json!({"type": "array", "items": of, "maxItems": max.max(1)});
    let small = (max_points / 2).clamp(1, 8);
    json!({
        "type": "object",
        "properties": {
            "key_points": {"type": "array", "items": item, "minItems": 1, "maxItems": max_points.clamp(1, 30)},
            "decisions": list(&item, small),
            "figures": list(&item, small),
            "action_items": list(&action, small),
            "open_questions": list(&item, small),
        },
        "required": SECTIONS,
    })
}

/// The instructions added to the final pass's system message.
pub const INSTRUCTIONS: &str = "Answer with one JSON object with these keys: \
    \"key_points\" (the main points), \"decisions\" (what has been decided), \"figures\" \
    (the important numbers, amounts and dates), \"action_items\" (what someone must do, \
    with \"owner\" and \"due\" when the lines say, else null) and \"open_questions\" (what \
    is still undecided). Each item has \"text\", one sentence, and \"cites\", the numbers \
    of the lines it is based on. Use empty lists for sections the lines say nothing about.";

#[derive(Debug, Deserialize)]
struct RawItem {
    text: String,
    #[serde(default)]
    cites: Vec<i64>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    due: Option<String>,
}

/// One parsed item: its sentence with pass-local citation numbers, and for action
/// items who and by when.
#[derive(Debug, Clone)]
pub struct ParsedItem {
    pub section: &'static str,
    pub sentence: CitedSentence,
    pub owner: Option<String>,
    pub due: Option<String>,
}

/// Parses the model's JSON. Errors say what was wrong, for the fallback message.
pub fn parse(output: &str) -> Result<Vec<ParsedItem>, String> {
    let value: Value = serde_json::from_str(output.trim())
        .map_err(|e| format!("the model's JSON does not parse ({e})"))?;
    let mut items = Vec::new();
    for section in SECTIONS {
        let Some(list) = value.get(section) else {
            continue;
        };
        let raw: Vec<RawItem> = serde_json::from_value(list.clone())
            .map_err(|e| format!("section {section} has the wrong shape ({e})"))?;
        for r in raw {
            let text = r.text.trim().to_string();
            if text.is_empty() {
                continue;
            }
            let ids = r
                .cites
                .iter()
                // Negative or huge numbers are invented ids: 0 is never a valid one.
                .map(|&c| u32::try_from(c).unwrap_or(0))
                .collect();
            let blank =
                |s: Option<String>| s.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
            items.push(ParsedItem {
                section,
                sentence: CitedSentence { text, ids },
                owner: blank(r.owner),
                due: blank(r.due),
            });
        }
    }
    if items.is_empty() {
        return Err("the model's JSON holds no items".into());
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_compiles_to_a_grammar() {
        let g = hkpilot_llm::structured::json_schema_to_gbnf(&schema(6)).unwrap();
        assert!(g.contains("root"));
    }

    #[test]
    fn parses_sections_and_rejects_junk() {
        let out = r#"{"key_points":[{"text":"Fees rise.","cites":[2]}],"decisions":[],
            "figures":[{"text":"HK$3 billion.","cites":[-1, 3]}],
            "action_items":[{"text":"EDB to consult schools.","owner":"EDB","due":null,"cites":[1]}],
            "open_questions":[]}"#;
        let items = parse(out).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].sentence.ids, vec![0, 3]);
        assert_eq!(items[2].owner.as_deref(), Some("EDB"));
        assert!(parse("{\"key_points\": [").is_err());
        assert!(parse("{}").is_err());
    }
}
