//! The template's skeleton cut into per-section fragments, fields filled in with
//! visible placeholders for what is missing, and the rule that decides how each
//! section is written (filled from fields, drafted from notes, or drafted from sources).

use crate::fields::{FieldProblem, MissingField};
use crate::template::{Section, Template};
use hkpilot_core::Lang;
use hkpilot_text::script::is_han;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a section of a draft is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionMode {
    /// The skeleton's fragment with the fields filled in: no model involved (headers,
    /// subject lines, signatures, fixed closings).
    Layout,
    /// Written by the model from the officer's notes and fields; figures and names
    /// are checked against them.
    Notes,
    /// Written by the model from the numbered source lines, every sentence cited.
    Sources,
}

/// The skeleton split up: the lines before the first section marker, and each
/// section's fragment (the lines after its `{{section:id}}` marker), in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragments {
    pub preamble: String,
    pub sections: Vec<(String, String)>,
}

impl Fragments {
    pub fn of(template: &Template) -> Fragments {
        let mut preamble = Vec::new();
        let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
        for line in template.skeleton.lines() {
            let t = line.trim();
            if let Some(id) = t
                .strip_prefix("{{")
                .and_then(|r| r.strip_suffix("}}"))
                .and_then(|r| r.trim().strip_prefix("section:"))
            {
                sections.push((id.trim().to_string(), Vec::new()));
                continue;
            }
            match sections.last_mut() {
                Some((_, lines)) => lines.push(line),
                None => preamble.push(line),
            }
        }
        Fragments {
            preamble: trim_blank_lines(&preamble),
            sections: sections
                .into_iter()
                .map(|(id, lines)| (id, trim_blank_lines(&lines)))
                .collect(),
        }
    }

    pub fn get(&self, section: &str) -> &str {
        self.sections
            .iter()
            .find(|(id, _)| id == section)
            .map(|(_, f)| f.as_str())
            .unwrap_or("")
    }
}

fn trim_blank_lines(lines: &[&str]) -> String {
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e]
            .iter()
            .map(|l| l.trim_end())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// How a section is written. The template's own `mode` wins; otherwise a section
/// whose statements need citations is drafted from the sources, and one whose example
/// holds notes for the drafter is drafted from the notes — any bracketed note when
/// the section takes no fields, else a note of three words or more ("[the request in
/// one sentence]"). Anything else — fields, fixed wording, short blanks such as
/// "[Mr/Ms Surname]" left for the officer — is laid out as the template shows it.
/// Bracketed text around a field ("[Embargoed until {{embargo}}]") is layout.
pub fn section_mode(section: &Section, fragment: &str) -> SectionMode {
    if let Some(mode) = section.mode {
        return mode;
    }
    if section.citations {
        return SectionMode::Sources;
    }
    let notes: Vec<&str> = bracket_notes(fragment)
        .into_iter()
        .filter(|b| !b.contains("{{") && !b.trim().is_empty())
        .collect();
    let drafted = if section.fields.is_empty() {
        !notes.is_empty()
    } else {
        notes.iter().any(|b| is_instruction(b))
    };
    if drafted {
        SectionMode::Notes
    } else {
        SectionMode::Layout
    }
}

/// The contents of `[…]` and `［…］` notes in a fragment.
pub fn bracket_notes(fragment: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = fragment;
    loop {
        let open = [("[", "]"), ("［", "］")]
            .iter()
            .filter_map(|(o, c)| rest.find(o).map(|i| (i, *o, *c)))
            .min_by_key(|(i, _, _)| *i);
        let Some((i, o, c)) = open else { break };
        let after = &rest[i + o.len()..];
        let Some(j) = after.find(c) else { break };
        out.push(&after[..j]);
        rest = &after[j + c.len()..];
    }
    out
}

fn is_instruction(note: &str) -> bool {
    let han = note.chars().filter(|c| is_han(*c)).count();
    han >= 4 || note.split_whitespace().count() >= 3
}

/// The visible placeholder for a field the officer has not supplied.
pub fn placeholder(label: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("[TO FILL: {label}]"),
        _ => format!("［待填：{label}］"),
    }
}

/// Fills the `{{field}}` placeholders of `text`. A field given (and usable) is
/// written as given; a required field missing, or a value that cannot be used (an
/// unreadable date), becomes a visible placeholder; a line whose only placeholders
/// are optional fields not given is dropped, and an optional field missing beside
/// other content is a dash. Returns the text and the ids of fields left as
/// placeholders.
pub fn fill(
    text: &str,
    template: &Template,
    provided: &BTreeMap<String, String>,
    missing: &[MissingField],
    lang: Lang,
) -> (String, Vec<String>) {
    let mut out = Vec::new();
    let mut holes: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut filled = String::new();
        let mut rest = line;
        let mut any_field = false;
        let mut any_value = false;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open + 2..].find("}}") else {
                break;
            };
            filled.push_str(&rest[..open]);
            let name = rest[open + 2..open + 2 + close].trim();
            rest = &rest[open + 2 + close + 2..];
            any_field = true;
            let Some(field) = template.field(name) else {
                filled.push_str(&format!("{{{{{name}}}}}"));
                continue;
            };
            let unusable = missing
                .iter()
                .any(|m| m.field == name && matches!(m.problem, FieldProblem::InvalidDate { .. }));
            let value = provided
                .get(name)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty() && !unusable);
            match value {
                Some(v) => {
                    any_value = true;
                    filled.push_str(&v.replace('\n', "; "));
                }
                None if field.required || unusable => {
                    any_value = true;
                    filled.push_str(&placeholder(&field.label, lang));
                    if !holes.iter().any(|h| h == name) {
                        holes.push(name.to_string());
                    }
                }
                None => filled.push('—'),
            }
        }
        filled.push_str(rest);
        if any_field && !any_value {
            continue;
        }
        out.push(filled.trim_end().to_string());
    }
    // Lines dropped may leave blank lines doubled.
    let mut text = String::new();
    let mut blank = false;
    for l in out {
        if l.trim().is_empty() {
            if !blank && !text.is_empty() {
                text.push('\n');
            }
            blank = true;
            continue;
        }
        blank = false;
        text.push_str(&l);
        text.push('\n');
    }
    (text.trim_end().to_string(), holes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TemplateLibrary;

    #[test]
    fn fragments_follow_the_sections() {
        let lib = TemplateLibrary::builtin();
        for t in lib.iter() {
            let f = Fragments::of(t);
            let ids: Vec<&str> = f.sections.iter().map(|(id, _)| id.as_str()).collect();
            let expected: Vec<&str> = t.sections.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(ids, expected, "{}", t.id);
        }
    }

    #[test]
    fn modes_agree_between_languages() {
        let lib = TemplateLibrary::builtin();
        for ty in lib.doc_types() {
            let en = lib.find(ty, Lang::En).unwrap();
            let zh = lib.find(ty, Lang::ZhHant).unwrap();
            let (fe, fz) = (Fragments::of(en), Fragments::of(zh));
            for (se, sz) in en.sections.iter().zip(&zh.sections) {
                assert_eq!(
                    section_mode(se, fe.get(&se.id)),
                    section_mode(sz, fz.get(&sz.id)),
                    "{ty}: {}",
                    se.id
                );
            }
        }
    }

    #[test]
    fn memo_modes() {
        let lib = TemplateLibrary::builtin();
        let t = lib.find("memo", Lang::En).unwrap();
        let f = Fragments::of(t);
        let modes: Vec<SectionMode> = t
            .sections
            .iter()
            .map(|s| section_mode(s, f.get(&s.id)))
            .collect();
        use SectionMode::*;
        assert_eq!(
            modes,
            [Layout, Layout, Notes, Sources, Sources, Notes, Layout, Layout]
        );
    }

    #[test]
    fn missing_fields_become_placeholders_and_optional_lines_go() {
        let lib = TemplateLibrary::builtin();
        let t = lib.find("memo", Lang::En).unwrap();
        let mut given = BTreeMap::new();
        given.insert("to".to_string(), "PAS(H)".to_string());
        let missing = crate::check_fields(t, &given);
        let f = Fragments::of(t);
        let (text, holes) = fill(f.get("header"), t, &given, &missing, Lang::En);
        assert!(text.contains("To: PAS(H)"), "{text}");
        assert!(text.contains("[TO FILL: From]"), "{text}");
        assert!(holes.contains(&"from".to_string()));
        assert!(!holes.contains(&"to".to_string()));
        let (enc, holes) = fill(f.get("enclosures"), t, &given, &missing, Lang::En);
        assert_eq!(enc, "");
        assert!(holes.is_empty());
        let zh = lib.find("memo", Lang::ZhHant).unwrap();
        let (text, _) = fill(
            Fragments::of(zh).get("signature"),
            zh,
            &given,
            &crate::check_fields(zh, &given),
            Lang::ZhHant,
        );
        assert!(text.contains("［待填：簽署人"), "{text}");
    }

    #[test]
    fn a_template_mode_wins_and_is_checked_against_citations() {
        let text = crate::BUILTIN_TEMPLATE_FILES
            .iter()
            .find(|(n, _)| *n == "memo.en.toml")
            .unwrap()
            .1;
        let purpose = "id = \"purpose\"\nheading = \"Purpose\"\n";
        assert!(text.contains(purpose));
        let laid_out = text.replace(purpose, &format!("{purpose}mode = \"layout\"\n"));
        let t = Template::parse("test", &laid_out).unwrap();
        let s = t.section("purpose").unwrap();
        assert_eq!(
            section_mode(s, "[a long instruction here]"),
            SectionMode::Layout
        );
        let bad = text.replace(purpose, &format!("{purpose}mode = \"sources\"\n"));
        let e = Template::parse("test", &bad).unwrap_err();
        assert!(e.to_string().contains("(purpose).mode"), "{e}");
    }
}
