//! JSON schema → llama.cpp GBNF.
//!
//! Every repetition the schema leaves open is still bounded where that costs nothing
//! (whitespace, digits of numbers), so even a model that "wants" to ramble is forced to
//! close the value within a predictable number of tokens.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::pattern::{format_pattern, pattern_to_gbnf};
use crate::LlmError;

/// Converts a JSON schema to a GBNF grammar whose start rule is `root`.
pub fn json_schema_to_gbnf(schema: &Value) -> Result<String, LlmError> {
    let mut c = Converter {
        root: schema,
        rules: BTreeMap::new(),
        refs_in_progress: Vec::new(),
    };
    let body = c.visit(schema, "root", 0)?;
    c.rules.insert("root".to_string(), body);
    let mut out = String::new();
    // root first for readability; BTreeMap keeps the rest sorted and deterministic.
    if let Some(r) = c.rules.get("root") {
        out.push_str(&format!("root ::= {r}\n"));
    }
    for (name, body) in &c.rules {
        if name != "root" {
            out.push_str(&format!("{name} ::= {body}\n"));
        }
    }
    Ok(out)
}

const MAX_DEPTH: usize = 64;

/// llama.cpp expands `x{m,n}` into n copies of x: larger bounds would let one request
/// allocate without limit. Upper bounds above this become unbounded (max_tokens still
/// limits the output); lower bounds above it are refused.
pub const MAX_REPEAT_BOUND: usize = 256;

/// Applies [`MAX_REPEAT_BOUND`] to a (min, max) pair from the schema.
fn cap_bounds(
    min: usize,
    max: Option<usize>,
    what: &str,
) -> Result<(usize, Option<usize>), LlmError> {
    if min > MAX_REPEAT_BOUND {
        return Err(bad(format!(
            "{what} above {MAX_REPEAT_BOUND} is not supported"
        )));
    }
    Ok((min, max.filter(|m| *m <= MAX_REPEAT_BOUND)))
}

struct Converter<'a> {
    root: &'a Value,
    rules: BTreeMap<String, String>,
    refs_in_progress: Vec<String>,
}

fn bad(msg: impl Into<String>) -> LlmError {
    LlmError::InvalidRequest(format!("unsupported JSON schema: {}", msg.into()))
}

/// A GBNF double-quoted literal matching exactly `s`.
fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The GBNF literal matching the JSON serialisation of `v`.
fn json_literal(v: &Value) -> String {
    literal(&v.to_string())
}

fn sanitize(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if s.is_empty() {
        "p".to_string()
    } else {
        s
    }
}

fn usize_field(obj: &Map<String, Value>, key: &str) -> Result<Option<usize>, LlmError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .map(|n| Some(n as usize))
            .ok_or_else(|| bad(format!("`{key}` must be a non-negative integer"))),
    }
}

/// `item` repeated between `min` and `max` times, separated by `sep`.
fn repeat_sep(item: &str, sep: &str, min: usize, max: Option<usize>) -> String {
    let tail = |lo: usize, hi: Option<usize>| -> String {
        match hi {
            Some(h) if h == lo => format!("( {sep} {item} ){{{lo}}}"),
            Some(h) => format!("( {sep} {item} ){{{lo},{h}}}"),
            None => format!("( {sep} {item} ){{{lo},}}"),
        }
    };
    if max == Some(0) {
        return String::new();
    }
    if min == 0 {
        let rest = tail(0, max.map(|m| m - 1));
        format!("( {item} {rest} )?")
    } else {
        let rest = tail(min - 1, max.map(|m| m - 1));
        format!("{item} {rest}")
    }
}

impl<'a> Converter<'a> {
    /// Adds a shared primitive rule once and returns its name.
    fn prim(&mut self, name: &str) -> String {
        let body = match name {
            "ws" => r#"| " " | "\n" [ ]{0,8}"#,
            "char" => r#"[^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} )"#,
            "string" => r#""\"" char* "\"""#,
            "integer" => r#""-"? ( "0" | [1-9] [0-9]{0,15} )"#,
            "number" => {
                r#""-"? ( "0" | [1-9] [0-9]{0,15} ) ( "." [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,3} )?"#
            }
            "boolean" => r#""true" | "false""#,
            "null" => r#""null""#,
            "value" => "object | array | string | number | boolean | null",
            "object" => {
                r#""{" ws ( string ws ":" ws value ( "," ws string ws ":" ws value )* )? ws "}""#
            }
            "array" => r#""[" ws ( value ( "," ws value )* )? ws "]""#,
            _ => return name.to_string(),
        };
        if !self.rules.contains_key(name) {
            self.rules.insert(name.to_string(), body.to_string());
            // Pull in what the rule refers to.
            let deps: &[&str] = match name {
                "string" => &["char"],
                "value" => &["object", "array", "string", "number", "boolean", "null"],
                "object" => &["ws", "string", "value"],
                "array" => &["ws", "value"],
                _ => &[],
            };
            for d in deps {
                self.prim(d);
            }
        }
        name.to_string()
    }

    fn fresh(&self, hint: &str) -> String {
        let base = sanitize(hint);
        if !self.rules.contains_key(&base) && base != "root" {
            return base;
        }
        (1..)
            .map(|i| format!("{base}-{i}"))
            .find(|n| !self.rules.contains_key(n))
            .unwrap_or(base)
    }

    /// Adds a rule and returns its name.
    fn add(&mut self, hint: &str, body: String) -> String {
        let name = self.fresh(hint);
        self.rules.insert(name.clone(), body);
        name
    }

    /// Returns a GBNF expression for `schema`.
    fn visit(&mut self, schema: &Value, hint: &str, depth: usize) -> Result<String, LlmError> {
        if depth > MAX_DEPTH {
            return Err(bad("the schema nests too deeply"));
        }
        let obj = match schema {
            Value::Bool(true) => return Ok(self.prim("value")),
            Value::Bool(false) => return Err(bad("`false` schema admits no value")),
            Value::Object(o) => o,
            _ => return Err(bad("a schema must be an object or a boolean")),
        };
        if let Some(r) = obj.get("$ref") {
            return self.visit_ref(r, depth);
        }
        if let Some(c) = obj.get("const") {
            return Ok(json_literal(c));
        }
        if let Some(e) = obj.get("enum") {
            let items = e
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(|| bad("`enum` must be a non-empty array"))?;
            let alts: Vec<String> = items.iter().map(json_literal).collect();
            return Ok(format!("( {} )", alts.join(" | ")));
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(list) = obj.get(key) {
                let list = list
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| bad(format!("`{key}` must be a non-empty array")))?;
                let mut alts = Vec::new();
                for (i, s) in list.iter().enumerate() {
                    alts.push(self.visit(s, &format!("{hint}-{i}"), depth + 1)?);
                }
                return Ok(format!("( {} )", alts.join(" | ")));
            }
        }
        if obj.contains_key("allOf") || obj.contains_key("not") || obj.contains_key("if") {
            return Err(bad(
                "allOf / not / if are not supported; flatten the schema",
            ));
        }
        match obj.get("type") {
            Some(Value::String(t)) => self.visit_type(t, obj, hint, depth),
            Some(Value::Array(ts)) => {
                let mut alts = Vec::new();
                for t in ts {
                    let t = t
                        .as_str()
                        .ok_or_else(|| bad("`type` entries must be strings"))?;
                    alts.push(self.visit_type(t, obj, hint, depth)?);
                }
                if alts.is_empty() {
                    return Err(bad("`type` must not be empty"));
                }
                Ok(format!("( {} )", alts.join(" | ")))
            }
            Some(_) => Err(bad("`type` must be a string or an array of strings")),
            None if obj.contains_key("properties") => self.visit_type("object", obj, hint, depth),
            None if obj.contains_key("items") => self.visit_type("array", obj, hint, depth),
            None => Ok(self.prim("value")),
        }
    }

    fn visit_ref(&mut self, r: &Value, depth: usize) -> Result<String, LlmError> {
        let r = r.as_str().ok_or_else(|| bad("`$ref` must be a string"))?;
        let path = r
            .strip_prefix("#/$defs/")
            .map(|n| ("$defs", n))
            .or_else(|| r.strip_prefix("#/definitions/").map(|n| ("definitions", n)))
            .ok_or_else(|| {
                bad(format!(
                    "only local $refs into #/$defs are supported, got {r}"
                ))
            })?;
        let name = format!("ref-{}", sanitize(path.1));
        if self.rules.contains_key(&name) || self.refs_in_progress.contains(&name) {
            return Ok(name);
        }
        let target = self
            .root
            .get(path.0)
            .and_then(|d| d.get(path.1))
            .ok_or_else(|| bad(format!("$ref {r} points nowhere")))?;
        self.refs_in_progress.push(name.clone());
        let body = self.visit(target, &name, depth + 1);
        self.refs_in_progress.pop();
        self.rules.insert(name.clone(), body?);
        Ok(name)
    }

    fn visit_type(
        &mut self,
        t: &str,
        obj: &Map<String, Value>,
        hint: &str,
        depth: usize,
    ) -> Result<String, LlmError> {
        match t {
            "string" => {
                let pattern = match obj.get("pattern") {
                    Some(Value::String(p)) => Some(p.as_str()),
                    Some(_) => return Err(bad("`pattern` must be a string")),
                    None => obj
                        .get("format")
                        .and_then(Value::as_str)
                        .and_then(format_pattern),
                };
                if let Some(p) = pattern {
                    if obj.contains_key("minLength") || obj.contains_key("maxLength") {
                        return Err(bad(
                            "`pattern` or `format` together with minLength/maxLength is not supported; put the length into the pattern",
                        ));
                    }
                    let ch = self.prim("char");
                    let inner = pattern_to_gbnf(p, &ch)?;
                    return Ok(self.add(&format!("{hint}-string"), format!(r#""\"" {inner} "\"""#)));
                }
                let min = usize_field(obj, "minLength")?.unwrap_or(0);
                let max = usize_field(obj, "maxLength")?;
                if max.is_some_and(|m| m < min) {
                    return Err(bad("maxLength is below minLength"));
                }
                let (min, max) = cap_bounds(min, max, "minLength")?;
                if min == 0 && max.is_none() {
                    return Ok(self.prim("string"));
                }
                let ch = self.prim("char");
                let rep = match max {
                    Some(m) => format!("{ch}{{{min},{m}}}"),
                    None => format!("{ch}{{{min},}}"),
                };
                Ok(self.add(&format!("{hint}-string"), format!(r#""\"" {rep} "\"""#)))
            }
            "integer" => Ok(self.prim("integer")),
            "number" => Ok(self.prim("number")),
            "boolean" => Ok(self.prim("boolean")),
            "null" => Ok(self.prim("null")),
            "array" => {
                let ws = self.prim("ws");
                let item = match obj.get("items") {
                    None => self.prim("value"),
                    Some(s) => {
                        let e = self.visit(s, &format!("{hint}-item"), depth + 1)?;
                        self.add(&format!("{hint}-item"), e)
                    }
                };
                let min = usize_field(obj, "minItems")?.unwrap_or(0);
                let max = usize_field(obj, "maxItems")?;
                if max.is_some_and(|m| m < min) {
                    return Err(bad("maxItems is below minItems"));
                }
                let (min, max) = cap_bounds(min, max, "minItems")?;
                let inner = repeat_sep(&item, &format!(r#""," {ws}"#), min, max);
                Ok(self.add(hint, format!(r#""[" {ws} {inner} {ws} "]""#)))
            }
            "object" => self.visit_object(obj, hint, depth),
            other => Err(bad(format!("unknown type {other:?}"))),
        }
    }

    fn visit_object(
        &mut self,
        obj: &Map<String, Value>,
        hint: &str,
        depth: usize,
    ) -> Result<String, LlmError> {
        let ws = self.prim("ws");
        let Some(props) = obj.get("properties") else {
            return Ok(self.prim("object"));
        };
        let props = props
            .as_object()
            .ok_or_else(|| bad("`properties` must be an object"))?;
        let required: Vec<&str> = match obj.get("required") {
            None => Vec::new(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            Some(_) => return Err(bad("`required` must be an array of strings")),
        };
        for r in &required {
            if !props.contains_key(*r) {
                return Err(bad(format!(
                    "required property {r:?} is not in `properties`"
                )));
            }
        }
        // One rule per property: "key" ws ":" ws value.
        let mut req = Vec::new();
        let mut opt = Vec::new();
        for (key, sub) in props {
            let vhint = format!("{hint}-{key}");
            let v = self.visit(sub, &vhint, depth + 1)?;
            let kv = self.add(
                &format!("{vhint}-kv"),
                format!(
                    "{} {ws} \":\" {ws} {v}",
                    json_literal(&Value::String(key.clone()))
                ),
            );
            if required.contains(&key.as_str()) {
                req.push(kv);
            } else {
                opt.push(kv);
            }
        }
        let sep = format!(r#""," {ws}"#);
        let mut body = req.join(&format!(" {sep} "));
        if !opt.is_empty() {
            // Optional properties keep their order; rest(i, comma) chooses, for each
            // remaining one, to emit it or skip it. 2n small rules instead of 2^n paths.
            let n = opt.len();
            let names: Vec<[String; 2]> = (0..n)
                .map(|i| {
                    let a = self.fresh(&format!("{hint}-rest{i}-a"));
                    self.rules.insert(a.clone(), String::new());
                    let b = self.fresh(&format!("{hint}-rest{i}-b"));
                    self.rules.insert(b.clone(), String::new());
                    [a, b]
                })
                .collect();
            for i in 0..n {
                for comma in [false, true] {
                    let pre = if comma {
                        format!("{sep} ")
                    } else {
                        String::new()
                    };
                    // GBNF allows no empty alternative at the end of a line, hence `( … )?`.
                    let rule = if i + 1 == n {
                        format!("( {pre}{} )?", opt[i])
                    } else {
                        format!(
                            "{pre}{} {} | {}",
                            opt[i],
                            names[i + 1][1],
                            names[i + 1][usize::from(comma)]
                        )
                    };
                    self.rules
                        .insert(names[i][usize::from(comma)].clone(), rule);
                }
            }
            let start = &names[0][usize::from(!req.is_empty())];
            body = format!("{body} {start}");
        }
        Ok(self.add(hint, format!(r#""{{" {ws} {body} {ws} "}}""#)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn object_with_required_and_optional() {
        let g = json_schema_to_gbnf(&json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 5},
                "age": {"type": "integer"},
                "tag": {"enum": ["a", "b"]}
            },
            "required": ["name"]
        }))
        .unwrap();
        assert!(g.starts_with("root ::= "), "{g}");
        assert!(g.contains(r#""\"name\"""#), "{g}");
        assert!(g.contains("char{0,5}"), "{g}");
        assert!(g.contains(r#""\"a\"" | "\"b\"""#), "{g}");
    }

    #[test]
    fn refs_and_arrays() {
        let g = json_schema_to_gbnf(&json!({
            "type": "array", "minItems": 1, "maxItems": 3,
            "items": {"$ref": "#/$defs/pt"},
            "$defs": {"pt": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}}
        }))
        .unwrap();
        assert!(g.contains("ref-pt ::="), "{g}");
        assert!(g.contains("{0,2}"), "{g}");
    }

    #[test]
    fn huge_repetition_bounds_are_capped() {
        let g =
            json_schema_to_gbnf(&json!({"type": "string", "maxLength": 1_000_000_000u64})).unwrap();
        assert!(!g.contains("1000000000"), "{g}");
        let e = json_schema_to_gbnf(&json!({"type": "array", "minItems": 100000})).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidRequest);
    }

    #[test]
    fn unsupported_is_an_invalid_request() {
        for s in [
            json!({"allOf": []}),
            json!({"type": "date"}),
            json!({"$ref": "http://x"}),
        ] {
            let e = json_schema_to_gbnf(&s).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InvalidRequest, "{e}");
        }
    }
}
