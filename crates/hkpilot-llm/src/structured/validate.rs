//! Checks a JSON value against the schema subset that [`super::json_schema_to_gbnf`]
//! supports, with the same meaning (objects with `properties` admit no other keys).

use serde_json::Value;

/// `Ok(())` when `value` matches `schema`; otherwise the path and reason of the first
/// mismatch.
pub fn validate(value: &Value, schema: &Value) -> Result<(), String> {
    check(value, schema, schema, "$", 0)
}

fn check(v: &Value, s: &Value, root: &Value, path: &str, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err(format!("{path}: schema nests too deeply"));
    }
    let obj = match s {
        Value::Bool(true) => return Ok(()),
        Value::Bool(false) => return Err(format!("{path}: no value allowed")),
        Value::Object(o) => o,
        _ => return Err(format!("{path}: schema is not an object")),
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix("#/$defs/")
            .and_then(|n| root.get("$defs").and_then(|d| d.get(n)))
            .or_else(|| {
                r.strip_prefix("#/definitions/")
                    .and_then(|n| root.get("definitions").and_then(|d| d.get(n)))
            })
            .ok_or_else(|| format!("{path}: unresolvable $ref {r}"))?;
        return check(v, target, root, path, depth + 1);
    }
    if let Some(c) = obj.get("const") {
        return if v == c {
            Ok(())
        } else {
            Err(format!("{path}: expected {c}, got {v}"))
        };
    }
    if let Some(e) = obj.get("enum").and_then(Value::as_array) {
        return if e.contains(v) {
            Ok(())
        } else {
            Err(format!(
                "{path}: {v} is not one of {}",
                Value::Array(e.clone())
            ))
        };
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = obj.get(key).and_then(Value::as_array) {
            return if list
                .iter()
                .any(|s| check(v, s, root, path, depth + 1).is_ok())
            {
                Ok(())
            } else {
                Err(format!("{path}: matches none of {key}"))
            };
        }
    }
    let types: Vec<&str> = match obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ if obj.contains_key("properties") => vec!["object"],
        _ if obj.contains_key("items") => vec!["array"],
        _ => return Ok(()),
    };
    let mut last_err = format!("{path}: {v} is not of type {types:?}");
    for t in types {
        match check_type(v, t, obj, root, path, depth) {
            Ok(()) => return Ok(()),
            Err(e) => last_err = e,
        }
    }
    Err(last_err)
}

fn check_type(
    v: &Value,
    t: &str,
    obj: &serde_json::Map<String, Value>,
    root: &Value,
    path: &str,
    depth: usize,
) -> Result<(), String> {
    let num = |k: &str| obj.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let wrong = || Err(format!("{path}: {v} is not {t}"));
    match (t, v) {
        ("string", Value::String(s)) => {
            let n = s.chars().count();
            if num("minLength").is_some_and(|m| n < m) || num("maxLength").is_some_and(|m| n > m) {
                return Err(format!("{path}: string length {n} out of bounds"));
            }
            let pattern = obj.get("pattern").and_then(Value::as_str).or_else(|| {
                obj.get("format")
                    .and_then(Value::as_str)
                    .and_then(super::pattern::format_pattern)
            });
            if let Some(p) = pattern {
                let re = regex::Regex::new(p).map_err(|e| format!("{path}: bad pattern: {e}"))?;
                if !re.is_match(s) {
                    return Err(format!("{path}: {s:?} does not match {p:?}"));
                }
            }
            Ok(())
        }
        ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
        ("number", Value::Number(_)) => Ok(()),
        ("boolean", Value::Bool(_)) => Ok(()),
        ("null", Value::Null) => Ok(()),
        ("array", Value::Array(items)) => {
            if num("minItems").is_some_and(|m| items.len() < m)
                || num("maxItems").is_some_and(|m| items.len() > m)
            {
                return Err(format!("{path}: {} items out of bounds", items.len()));
            }
            if let Some(item_schema) = obj.get("items") {
                for (i, it) in items.iter().enumerate() {
                    check(it, item_schema, root, &format!("{path}[{i}]"), depth + 1)?;
                }
            }
            Ok(())
        }
        ("object", Value::Object(map)) => {
            let Some(props) = obj.get("properties").and_then(Value::as_object) else {
                return Ok(());
            };
            if let Some(req) = obj.get("required").and_then(Value::as_array) {
                for r in req.iter().filter_map(Value::as_str) {
                    if !map.contains_key(r) {
                        return Err(format!("{path}: missing required property {r:?}"));
                    }
                }
            }
            for (k, val) in map {
                let sub = props
                    .get(k)
                    .ok_or_else(|| format!("{path}: unexpected property {k:?}"))?;
                check(val, sub, root, &format!("{path}.{k}"), depth + 1)?;
            }
            Ok(())
        }
        _ => wrong(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checks_the_subset() {
        let s = json!({"type": "object", "properties": {
            "a": {"type": "string", "maxLength": 3},
            "b": {"type": "array", "items": {"type": "integer"}, "maxItems": 2},
            "c": {"enum": ["x", 1]}
        }, "required": ["a"]});
        assert!(validate(&json!({"a": "abc", "b": [1, 2], "c": 1}), &s).is_ok());
        assert!(validate(&json!({"b": []}), &s).is_err());
        assert!(validate(&json!({"a": "abcd"}), &s).is_err());
        assert!(validate(&json!({"a": "a", "b": [1, 2, 3]}), &s).is_err());
        assert!(validate(&json!({"a": "a", "z": 1}), &s).is_err());
        assert!(validate(&json!({"a": "a", "c": "y"}), &s).is_err());
    }
}
