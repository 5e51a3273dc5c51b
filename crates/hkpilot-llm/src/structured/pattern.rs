//! A string schema's `pattern` (and the common `format`s) → GBNF for the string's
//! characters, so constrained decoding can only produce strings the pattern matches.
//!
//! The regex is parsed by `regex-syntax` (the `regex` crate's own parser) and its
//! syntax tree is written out as GBNF. The grammar works on the JSON text, so every
//! character is matched in its JSON form (`"` as `\"`), and classes never admit the
//! characters JSON would have to escape (`"`, `\`, controls): a class such as `[^a]`
//! then means "any character but `a` that needs no escape", a strict subset of the
//! regex's meaning, never a superset. Look-arounds and back-references do not exist in
//! this syntax; word boundaries and anchors other than at the two ends are refused.

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

use super::gbnf::MAX_REPEAT_BOUND;
use crate::LlmError;

/// Longest pattern accepted (the grammar grows with it).
const MAX_PATTERN_LEN: usize = 1024;

/// The GBNF expression for the characters of a JSON string that `pattern` matches
/// (without the quotes). JSON Schema patterns are unanchored: without `^` / `$` the
/// match may be preceded / followed by any characters, which `any_char` stands for.
pub(crate) fn pattern_to_gbnf(pattern: &str, any_char: &str) -> Result<String, LlmError> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(bad(pattern, "longer than 1024 bytes"));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(true)
        .build()
        .parse(pattern)
        .map_err(|e| bad(pattern, &e.to_string().replace('\n', " ")))?;
    let mut parts: Vec<&Hir> = match hir.kind() {
        HirKind::Concat(items) => items.iter().collect(),
        _ => vec![&hir],
    };
    let anchored_start = parts
        .first()
        .is_some_and(|h| matches!(h.kind(), HirKind::Look(Look::Start)));
    if anchored_start {
        parts.remove(0);
    }
    let anchored_end = parts
        .last()
        .is_some_and(|h| matches!(h.kind(), HirKind::Look(Look::End)));
    if anchored_end {
        parts.pop();
    }
    let mut out = Vec::new();
    if !anchored_start {
        out.push(format!("{any_char}*"));
    }
    for p in parts {
        out.push(expr(p, pattern)?);
    }
    if !anchored_end {
        out.push(format!("{any_char}*"));
    }
    let body = out.join(" ");
    Ok(if body.trim().is_empty() {
        "\"\"".to_string()
    } else {
        format!("( {body} )")
    })
}

/// The regex of a JSON Schema `format` the grammar can enforce; `None` for formats
/// that stay annotations (as JSON Schema allows).
pub(crate) fn format_pattern(format: &str) -> Option<&'static str> {
    Some(match format {
        "date" => r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        "time" => {
            r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$"
        }
        "date-time" => {
            r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$"
        }
        "uuid" => r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        _ => return None,
    })
}

fn bad(pattern: &str, why: &str) -> LlmError {
    LlmError::InvalidRequest(format!(
        "unsupported JSON schema: pattern {pattern:?}: {why}"
    ))
}

fn expr(hir: &Hir, pattern: &str) -> Result<String, LlmError> {
    Ok(match hir.kind() {
        HirKind::Empty => "\"\"".to_string(),
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0)
                .map_err(|_| bad(pattern, "matches bytes that are not UTF-8"))?;
            json_literal(text)
        }
        HirKind::Class(Class::Unicode(c)) => class(c, pattern)?,
        HirKind::Class(Class::Bytes(_)) => {
            return Err(bad(pattern, "byte classes are not supported"))
        }
        HirKind::Look(_) => {
            return Err(bad(
                pattern,
                "anchors and word boundaries are supported only as ^ at the start and $ at the end",
            ))
        }
        HirKind::Repetition(rep) => {
            let inner = expr(&rep.sub, pattern)?;
            if rep.min as usize > MAX_REPEAT_BOUND {
                return Err(bad(
                    pattern,
                    &format!("repetition counts above {MAX_REPEAT_BOUND} are not supported"),
                ));
            }
            let max = rep.max.filter(|m| *m as usize <= MAX_REPEAT_BOUND);
            match (rep.min, max) {
                (0, None) => format!("( {inner} )*"),
                (1, None) => format!("( {inner} )+"),
                (0, Some(1)) => format!("( {inner} )?"),
                (lo, Some(hi)) if lo == hi => format!("( {inner} ){{{lo}}}"),
                (lo, Some(hi)) => format!("( {inner} ){{{lo},{hi}}}"),
                (lo, None) => format!("( {inner} ){{{lo},}}"),
            }
        }
        HirKind::Capture(cap) => format!("( {} )", expr(&cap.sub, pattern)?),
        HirKind::Concat(items) => {
            let parts: Result<Vec<_>, _> = items.iter().map(|h| expr(h, pattern)).collect();
            format!("( {} )", parts?.join(" "))
        }
        HirKind::Alternation(items) => {
            let parts: Result<Vec<_>, _> = items.iter().map(|h| expr(h, pattern)).collect();
            format!("( {} )", parts?.join(" | "))
        }
    })
}

/// The GBNF literal for `text` as it appears inside a JSON string.
fn json_literal(text: &str) -> String {
    let json = serde_json::to_string(text).unwrap_or_default();
    let inner = &json[1..json.len() - 1];
    let mut out = String::from("\"");
    for ch in inner.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A character class minus what a JSON string must escape, as a GBNF class.
fn class(c: &ClassUnicode, pattern: &str) -> Result<String, LlmError> {
    let mut allowed = c.clone();
    allowed.difference(&ClassUnicode::new([
        ClassUnicodeRange::new('\0', '\u{1f}'),
        ClassUnicodeRange::new('"', '"'),
        ClassUnicodeRange::new('\\', '\\'),
        ClassUnicodeRange::new('\u{7f}', '\u{7f}'),
    ]));
    if allowed.ranges().is_empty() {
        return Err(bad(
            pattern,
            "a character class admits only characters JSON must escape",
        ));
    }
    let mut out = String::from("[");
    for r in allowed.ranges() {
        out.push_str(&escape_char(r.start()));
        if r.end() != r.start() {
            out.push('-');
            out.push_str(&escape_char(r.end()));
        }
    }
    out.push(']');
    Ok(out)
}

/// A class member as a GBNF escape, so `]`, `-`, `^` never need special care.
fn escape_char(c: char) -> String {
    let n = c as u32;
    if n <= 0xFFFF {
        format!("\\u{n:04X}")
    } else {
        format!("\\U{n:08X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_pattern_has_no_free_ends() {
        let g = pattern_to_gbnf(r"^[A-Z]{2}\d{3}$", "char").unwrap();
        assert!(!g.contains("char*"), "{g}");
        assert!(g.contains("{2}") && g.contains("{3}"), "{g}");
    }

    #[test]
    fn unanchored_pattern_allows_text_around_the_match() {
        let g = pattern_to_gbnf("abc", "char").unwrap();
        assert_eq!(g, "( char* \"abc\" char* )");
    }

    #[test]
    fn quotes_and_backslashes_are_matched_in_their_json_form() {
        let g = pattern_to_gbnf(r#"^a"b\\c$"#, "char").unwrap();
        // JSON text a\"b\\c, written as a GBNF literal.
        assert_eq!(g, r#"( "a\\\"b\\\\c" )"#);
    }

    #[test]
    fn classes_never_admit_characters_json_escapes() {
        let g = pattern_to_gbnf("^[^a]$", "char").unwrap();
        for escaped in ["\\u0022", "\\u005C", "\\u0000", "\\u001F"] {
            assert!(!g.contains(escaped), "{escaped} in {g}");
        }
        assert!(g.contains("\\u0062"), "b is admitted: {g}");
    }

    #[test]
    fn unsupported_patterns_are_invalid_requests() {
        for p in [r"\bword\b", "a^b", "(unclosed", &"a".repeat(2000)] {
            let e = pattern_to_gbnf(p, "char").unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InvalidRequest, "{p}: {e}");
        }
    }

    #[test]
    fn chinese_literals_pass_through() {
        let g = pattern_to_gbnf("^第[0-9]+號$", "char").unwrap();
        assert!(g.contains("\"第\"") && g.contains("\"號\""), "{g}");
    }
}
