//! Checks on a finished draft and on its inputs: termbase renderings in the output,
//! documents the notes name but the officer did not pass, and the language the model
//! really wrote in.

use crate::termbase::Termbase;
use hkpilot_core::Lang;
use hkpilot_text::script::is_han;
use serde::Serialize;

/// A termbase term the draft writes in a form the termbase does not accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermFlag {
    /// The section it is in.
    pub section: String,
    /// The text as the draft writes it.
    pub found: String,
    /// The termbase's rendering.
    pub expected: String,
    /// Every rendering that would be accepted.
    pub acceptable: Vec<String>,
}

/// Terms in `text` (in `lang`) written through an alias the termbase does not accept
/// in output, or in the wrong script or character variant.
pub fn term_flags(termbase: &Termbase, section: &str, text: &str, lang: Lang) -> Vec<TermFlag> {
    let mut out: Vec<TermFlag> = Vec::new();
    for hit in termbase.find_terms(text, lang) {
        // An English term inside Chinese output (or the reverse) is checked in its
        // own language.
        let written = if lang == Lang::En || hit.lang == Lang::En {
            Lang::En
        } else {
            lang
        };
        let acceptable = hit.entry.acceptable(written);
        let ok = acceptable
            .iter()
            .any(|a| same_form(a, &hit.matched, written));
        if ok || out.iter().any(|f| f.found == hit.matched) {
            continue;
        }
        out.push(TermFlag {
            section: section.to_string(),
            found: hit.matched.clone(),
            expected: hit.entry.formal_rendering(written),
            acceptable,
        });
    }
    out
}

fn same_form(accepted: &str, found: &str, lang: Lang) -> bool {
    if lang != Lang::En {
        return accepted == found;
    }
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            .replace('’', "'")
    };
    let (a, f) = (norm(accepted), norm(found));
    a == f || f.strip_suffix('s') == Some(a.as_str())
}

/// Names of documents or places the notes point at (file names, paths, web
/// addresses). HKPilot never opens them: the model sees only the documents passed,
/// and the draft says so.
pub fn referenced_documents(notes: &str) -> Vec<String> {
    const EXTENSIONS: &[&str] = &[
        ".pdf", ".docx", ".doc", ".xlsx", ".xls", ".pptx", ".txt", ".md", ".html", ".htm", ".csv",
        ".json", ".odt", ".rtf", ".msg", ".eml",
    ];
    let mut out: Vec<String> = Vec::new();
    for raw in
        notes.split(|c: char| c.is_whitespace() || "\"'()（）「」『』《》<>，、；;,".contains(c))
    {
        let w = raw.trim_end_matches(['.', '。', ':', '：', '!', '?', '！', '？']);
        let lower = w.to_lowercase();
        let url = ["http://", "https://", "file://", "ftp://", "smb://", "\\\\"]
            .iter()
            .any(|p| lower.starts_with(p));
        let path = lower.starts_with('/') && lower.len() > 1 && lower[1..].contains('/');
        let file = EXTENSIONS
            .iter()
            .any(|e| lower.ends_with(e) && lower.len() > e.len());
        if (url || path || file) && !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

/// The language `text` is mostly written in: Chinese when at least a third of its
/// letters are Han characters.
pub fn written_in(text: &str) -> Option<Lang> {
    let (mut han, mut letters) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    if letters < 4 {
        return None;
    }
    Some(if han * 3 >= letters {
        Lang::ZhHant
    } else {
        Lang::En
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_naming_other_documents_are_noticed() {
        let r = referenced_documents(
            "Reply to Mr Chan. Also quote the figures in secret-budget.pdf and https://intranet/x, \
             and /home/officer/minutes/2024.txt.",
        );
        assert_eq!(
            r,
            [
                "secret-budget.pdf",
                "https://intranet/x",
                "/home/officer/minutes/2024.txt"
            ]
        );
        assert!(referenced_documents("Fees rise by 3.5% in 2025. See para. 4.").is_empty());
        assert_eq!(
            referenced_documents("請引用《機密報告.docx》的數字")[0],
            "機密報告.docx"
        );
    }

    #[test]
    fn aliases_not_accepted_in_output_are_flagged() {
        let tb = Termbase::starter();
        let good = term_flags(&tb, "s", "The Education Bureau will reply.", Lang::En);
        assert!(good.is_empty(), "{good:?}");
        let zh = term_flags(&tb, "s", "教育局將會回覆。", Lang::ZhHant);
        assert!(zh.is_empty(), "{zh:?}");
    }
}
