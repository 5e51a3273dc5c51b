//! A draft as Markdown: the AI label, the questions for the officer, the template's
//! sections in order under their headings, citations as footnotes quoting the source,
//! flags beside the sentences they concern, then the checks, sources and provenance.

use super::{Draft, DraftSection, SectionMode};
use hkpilot_core::{Lang, SentenceFlag, SummarySentence};
use hkpilot_text::convert::convert;
use std::fmt::Write;

/// Every word the rendering adds, in one language.
#[derive(Debug, Clone, Copy)]
pub struct DraftLabels {
    pub notice: &'static str,
    pub questions: &'static str,
    pub checks: &'static str,
    pub sources: &'static str,
    pub provenance: &'static str,
    pub page: &'static str,
    pub no_citation: &'static str,
    pub unsupported: &'static str,
    pub not_in_source: &'static str,
    pub not_in_notes: &'static str,
    pub term: &'static str,
    pub usage_replaced: &'static str,
    pub usage_review: &'static str,
    pub unknown_field: &'static str,
    pub model: &'static str,
    /// ": " or "："
    pub colon: &'static str,
}

const EN: DraftLabels = DraftLabels {
    notice: "AI-generated draft, written by a language model. Check every statement against the sources, fill in the placeholders and answer the questions before use.",
    questions: "Questions before this draft can be finished",
    checks: "Checks",
    sources: "Sources",
    provenance: "Provenance",
    page: "p.",
    no_citation: "no source cited",
    unsupported: "not supported by the cited source",
    not_in_source: "not found in the cited source",
    not_in_notes: "not found in the notes or fields",
    term: "termbase rendering",
    usage_replaced: "Hong Kong usage applied",
    usage_review: "check the wording (Hong Kong usage)",
    unknown_field: "field not in this template (ignored)",
    model: "Model",
    colon: ": ",
};

const ZH: DraftLabels = DraftLabels {
    notice:
        "本草稿由人工智能語言模型撰寫。使用前請與資料來源逐句核對，填妥待填欄位，並回答以下問題。",
    questions: "完成草稿前須回答的問題",
    checks: "核對結果",
    sources: "資料來源",
    provenance: "生成資料",
    page: "頁",
    no_citation: "未註明出處",
    unsupported: "所引原文未能支持此句",
    not_in_source: "所引原文中找不到",
    not_in_notes: "筆記及欄位中找不到",
    term: "詞彙庫譯名",
    usage_replaced: "已改用香港用語",
    usage_review: "請核對用詞（香港用語）",
    unknown_field: "此範本沒有這個欄位（已略去）",
    model: "模型",
    colon: "：",
};

impl DraftLabels {
    pub fn for_lang(lang: Lang) -> DraftLabels {
        match lang {
            Lang::En => EN,
            _ => ZH,
        }
    }
}

/// What the checks found about one sentence of a section written in `mode`, for
/// people (a figure is checked against the cited quotes in a section drafted from the
/// sources, against the notes and fields otherwise).
pub fn flag_text(s: &SummarySentence, mode: SectionMode, l: &DraftLabels) -> Vec<String> {
    let missing = if mode == SectionMode::Sources {
        l.not_in_source
    } else {
        l.not_in_notes
    };
    s.flags
        .iter()
        .map(|f| match f {
            SentenceFlag::NoCitation => l.no_citation.to_string(),
            SentenceFlag::Unsupported => l.unsupported.to_string(),
            SentenceFlag::NotInSource { text, .. } => format!("{missing}{}{text}", l.colon),
        })
        .collect()
}

impl Draft {
    /// The draft as Markdown (see the module documentation).
    pub fn to_markdown(&self) -> String {
        let l = DraftLabels::for_lang(self.lang);
        let zh = self.lang.is_chinese();
        let colon = if zh { "：" } else { ": " };
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", self.title);
        let model = self.provenance.model.as_deref().unwrap_or("?");
        let _ = writeln!(
            out,
            "> **{}** {}{colon}{model}\n",
            self.t(l.notice),
            self.t(l.model)
        );
        if !self.missing_fields.is_empty() || !self.unknown_fields.is_empty() {
            let _ = writeln!(out, "## {}\n", self.t(l.questions));
            for q in &self.missing_fields {
                let _ = writeln!(
                    out,
                    "- **{}** (`{}`){colon}{}",
                    q.missing.label, q.missing.field, q.prompt
                );
            }
            for f in &self.unknown_fields {
                let _ = writeln!(out, "- `{f}`{colon}{}", self.t(l.unknown_field));
            }
            out.push('\n');
        }
        if !self.preamble.trim().is_empty() {
            let _ = writeln!(out, "{}\n", hard_breaks(&self.preamble));
        }
        let mut notes = String::new();
        let mut n = 0;
        for s in &self.sections {
            let _ = writeln!(out, "## {}\n", s.heading);
            let body = self.section_body(s, &l, &mut n, &mut notes);
            if !body.trim().is_empty() {
                let _ = writeln!(out, "{body}\n");
            }
            if let Some(note) = &s.note {
                let _ = writeln!(out, "*⚠ {note}*\n");
            }
        }
        let mut checks: Vec<String> = self.warnings.clone();
        for t in &self.term_flags {
            checks.push(format!(
                "{}{colon}{} → {}",
                self.t(l.term),
                t.found,
                t.expected
            ));
        }
        for u in &self.usage {
            let label = if u.replaced {
                l.usage_replaced
            } else {
                l.usage_review
            };
            checks.push(format!(
                "{}{colon}{} → {} ({})",
                self.t(label),
                u.hit.found,
                u.hit.preferred,
                u.hit.note
            ));
        }
        if !checks.is_empty() {
            let _ = writeln!(out, "---\n\n### {}\n", self.t(l.checks));
            for c in checks {
                let _ = writeln!(out, "- ⚠ {c}");
            }
            out.push('\n');
        }
        if !self.sources.is_empty() {
            let _ = writeln!(out, "### {}\n", self.t(l.sources));
            for (i, s) in self.sources.iter().enumerate() {
                let file = match (&s.title, &s.file_name) {
                    (Some(_), Some(f)) => format!(" ({f})"),
                    _ => String::new(),
                };
                let hash: String = s.content_hash.chars().take(16).collect();
                let _ = writeln!(out, "{}. {}{file} — sha256 {hash}…", i + 1, s.display());
            }
            out.push('\n');
        }
        let p = &self.provenance;
        let mut parts = vec![format!("{}{colon}{model}", self.t(l.model))];
        parts.extend(p.settings.iter().map(|(k, v)| format!("{k}={v}")));
        parts.extend(
            p.stats
                .iter()
                .filter(|(_, v)| **v > 0)
                .map(|(k, v)| format!("{k}={v}")),
        );
        let _ = writeln!(
            out,
            "### {}\n\n<sub>{}</sub>",
            self.t(l.provenance),
            parts.join(" · ")
        );
        if !notes.is_empty() {
            let _ = write!(out, "\n{notes}");
        }
        out
    }

    /// A citation as a footnote reads: source, page, section, and the quote.
    pub fn citation_text(&self, c: &hkpilot_core::Citation) -> String {
        let l = DraftLabels::for_lang(self.lang);
        let title = self
            .sources
            .iter()
            .find(|d| d.id == c.span.doc)
            .map(|d| d.display())
            .unwrap_or_else(|| c.span.doc.to_string());
        let section = c
            .section
            .as_ref()
            .map(|h| format!(", § {h}"))
            .unwrap_or_default();
        let quote: String = c.quote.split_whitespace().collect::<Vec<_>>().join(" ");
        format!(
            "{title}, {} {}{section}: “{quote}”",
            self.t(l.page),
            c.span.page
        )
    }

    /// The draft as plain text: the notice, the questions, each section under its
    /// heading with citations as `[n]` and flags in brackets, then the citations,
    /// checks and provenance.
    pub fn to_text(&self) -> String {
        let l = DraftLabels::for_lang(self.lang);
        let zh = self.lang.is_chinese();
        let colon = if zh { "：" } else { ": " };
        let mut out = String::new();
        let model = self.provenance.model.as_deref().unwrap_or("?");
        let _ = writeln!(
            out,
            "{}\n[{} {}{colon}{model}]\n",
            self.title,
            self.t(l.notice),
            self.t(l.model)
        );
        if !self.missing_fields.is_empty() {
            let _ = writeln!(out, "{}{colon}", self.t(l.questions));
            for q in &self.missing_fields {
                let _ = writeln!(out, "  - {}{colon}{}", q.missing.label, q.prompt);
            }
            out.push('\n');
        }
        if !self.preamble.trim().is_empty() {
            let _ = writeln!(out, "{}\n", self.preamble);
        }
        let mut cites = Vec::new();
        for s in &self.sections {
            let _ = writeln!(out, "{}\n", s.heading);
            if s.mode == SectionMode::Layout || s.sentences.is_empty() {
                if !s.text.trim().is_empty() {
                    let _ = writeln!(out, "{}\n", s.text);
                }
            } else {
                let mut body = String::new();
                for (i, sentence) in s.sentences.iter().enumerate() {
                    if i > 0 && !zh {
                        body.push(' ');
                    }
                    body.push_str(&sentence.text);
                    for c in &sentence.citations {
                        cites.push(self.citation_text(c));
                        let _ = write!(body, "[{}]", cites.len());
                    }
                    for f in flag_text(sentence, s.mode, &l) {
                        let _ = write!(body, " [⚠ {}]", self.t(&f));
                    }
                }
                let _ = writeln!(out, "{body}\n");
            }
            if let Some(note) = &s.note {
                let _ = writeln!(out, "[⚠ {note}]\n");
            }
        }
        if !cites.is_empty() {
            let _ = writeln!(out, "{}{colon}", self.t(l.sources));
            for (i, c) in cites.iter().enumerate() {
                let _ = writeln!(out, "  [{}] {c}", i + 1);
            }
            out.push('\n');
        }
        if !self.warnings.is_empty() || !self.term_flags.is_empty() {
            let _ = writeln!(out, "{}{colon}", self.t(l.checks));
            for w in &self.warnings {
                let _ = writeln!(out, "  ⚠ {w}");
            }
            for t in &self.term_flags {
                let _ = writeln!(
                    out,
                    "  ⚠ {}{colon}{} → {}",
                    self.t(l.term),
                    t.found,
                    t.expected
                );
            }
        }
        out
    }

    /// A fixed label in the draft's script.
    pub fn t(&self, s: &str) -> String {
        if self.lang == Lang::ZhHans {
            convert(s, Lang::ZhHans)
        } else {
            s.to_string()
        }
    }

    fn section_body(
        &self,
        s: &DraftSection,
        l: &DraftLabels,
        n: &mut usize,
        notes: &mut String,
    ) -> String {
        if s.mode == SectionMode::Layout || s.sentences.is_empty() {
            return hard_breaks(&s.text);
        }
        let zh = self.lang.is_chinese();
        let mut body = String::new();
        for (i, sentence) in s.sentences.iter().enumerate() {
            if i > 0 && !zh {
                body.push(' ');
            }
            body.push_str(&sentence.text);
            for c in &sentence.citations {
                *n += 1;
                let _ = write!(body, "[^{}]", *n);
                let _ = writeln!(notes, "[^{}]: {}", *n, self.citation_text(c));
            }
            let flags = flag_text(sentence, s.mode, l);
            if !flags.is_empty() {
                let _ = write!(body, " *⚠ {}*", self.t(&flags.join("; ")));
            }
        }
        body
    }
}

/// Lines of laid-out text as Markdown hard line breaks; blank lines stay paragraph
/// breaks.
fn hard_breaks(text: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line.trim_end());
        let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
        if i + 1 < lines.len() {
            if !line.trim().is_empty() && !next_blank {
                out.push('\\');
            }
            out.push('\n');
        }
    }
    out
}
