//! The layout of a summary as a Word document: title and AI notice, method and
//! fallback note, sources, the sentences with a footnote per citation and their flags
//! marked, the structured sections, and the provenance.

use crate::labels::Labels;
use crate::package::{core, Parts};
use crate::styles::{numbering, settings, styles, Fonts};
use crate::xml::{style, Body, Fmt, Notes, Run};
use crate::SourceInfo;
use hkpilot_core::{DocumentId, SentenceFlag, Summary, SummaryMethod, SummarySentence};

/// Lays the summary out and returns every content part of the package.
pub(crate) fn build(summary: &Summary, sources: &[SourceInfo]) -> Parts {
    let fonts = Fonts::for_lang(summary.lang);
    let mut w = Writer {
        l: Labels::for_lang(summary.lang),
        summary,
        sources,
        body: Body::default(),
        notes: Notes::default(),
    };
    w.head();
    w.sentences();
    w.structured();
    w.provenance();
    let titles: Vec<String> = (0..sources.len()).map(|i| w.title(i)).collect();
    let doc_title = if titles.is_empty() {
        w.l.title.to_string()
    } else {
        format!("{}{}{}", w.l.title, w.l.colon, titles.join(" · "))
    };
    let description = if summary.ai_generated { w.l.notice } else { "" };
    Parts {
        core: core(&doc_title, summary.lang.tag(), description),
        document: w.body.into_part(),
        footnotes: w.notes.into_part(),
        styles: styles(fonts),
        numbering: numbering(),
        settings: settings(fonts),
    }
}

struct Writer<'a> {
    l: Labels,
    summary: &'a Summary,
    sources: &'a [SourceInfo],
    body: Body,
    notes: Notes,
}

impl Writer<'_> {
    /// The display title of source `i`: its title, else its file name, else its id.
    fn title(&self, i: usize) -> String {
        let Some(s) = self.sources.get(i) else {
            return format!("#{}", i + 1);
        };
        let title = s.title.trim();
        if !title.is_empty() {
            return title.to_string();
        }
        match s
            .file_name
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            Some(f) => f.to_string(),
            None => self
                .summary
                .documents
                .get(i)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }

    /// The display title of a cited document; a document the summary does not list
    /// is named by its id.
    fn title_of(&self, doc: &DocumentId) -> String {
        match self.summary.documents.iter().position(|d| d == doc) {
            Some(i) => self.title(i),
            None => doc.to_string(),
        }
    }

    fn labelled(&mut self, label: &str, value: impl Into<String>) {
        let runs = [
            Run::with(format!("{label}{}", self.l.colon), Fmt::BOLD),
            Run::plain(value),
        ];
        self.body.para(None, &runs);
    }

    fn heading(&mut self, text: &str) {
        self.body.para(Some(style::HEADING1), &[Run::plain(text)]);
    }

    fn head(&mut self) {
        let l = self.l;
        self.body.para(Some(style::TITLE), &[Run::plain(l.title)]);
        if self.summary.ai_generated {
            self.body.para(Some(style::NOTICE), &[Run::plain(l.notice)]);
        }
        let method = match &self.summary.method {
            SummaryMethod::Abstractive { model } => l.abstractive(model),
            SummaryMethod::Extractive { algorithm } => l.extractive(algorithm),
        };
        self.labelled(l.method, method);
        if let Some(reason) = &self.summary.provenance.fallback {
            let highlight = Fmt {
                highlight: true,
                ..Fmt::PLAIN
            };
            let runs = [
                Run::with(format!("{}{}", l.note, l.colon), Fmt::FLAG),
                Run::with(l.fallback(reason), highlight),
            ];
            self.body.para(None, &runs);
        }
        self.heading(l.sources);
        for (i, s) in self.sources.iter().enumerate() {
            let line = l.source_line(&self.title(i), s.file_name.as_deref());
            self.body.bullet(&[Run::plain(line)]);
        }
    }

    /// A sentence's runs: its text, each flag as a highlighted marker, then one
    /// footnote reference per citation.
    fn sentence_runs(&mut self, s: &SummarySentence) -> Vec<Run> {
        let mut runs = vec![Run::plain(s.text.as_str())];
        let sep = if s.text.chars().last().is_some_and(is_cjk) {
            ""
        } else {
            " "
        };
        for flag in &s.flags {
            let marker = match flag {
                SentenceFlag::NoCitation => self.l.no_citation.to_string(),
                SentenceFlag::Unsupported => self.l.unsupported.to_string(),
                SentenceFlag::NotInSource { text, .. } => self.l.not_in_source(text),
            };
            runs.push(Run::plain(sep));
            runs.push(Run::with(marker, Fmt::FLAG));
        }
        for c in &s.citations {
            let title = self.title_of(&c.span.doc);
            let text = self
                .l
                .footnote(&title, c.span.page, c.section.as_deref(), &c.quote);
            let id = self.notes.add(&[Run::plain(text)]);
            runs.push(Run::Note(id));
        }
        runs
    }

    fn bullets(&mut self, sentences: &[SummarySentence]) {
        for s in sentences {
            let runs = self.sentence_runs(s);
            self.body.bullet(&runs);
        }
    }

    fn sentences(&mut self) {
        let summary = self.summary;
        self.heading(self.l.overview);
        self.bullets(&summary.sentences);
    }

    /// The structured sections that have items; empty ones are left out.
    fn structured(&mut self) {
        let Some(st) = &self.summary.structured else {
            return;
        };
        let l = self.l;
        let lists = [
            (l.key_points, &st.key_points),
            (l.decisions, &st.decisions),
            (l.figures, &st.figures),
        ];
        for (label, items) in lists {
            if !items.is_empty() {
                self.heading(label);
                self.bullets(items);
            }
        }
        if !st.action_items.is_empty() {
            self.heading(l.action_items);
            for a in &st.action_items {
                let mut runs = self.sentence_runs(&a.item);
                let extra = l.owner_due(a.owner.as_deref(), a.due.as_deref());
                if !extra.is_empty() {
                    runs.push(Run::plain(extra));
                }
                self.body.bullet(&runs);
            }
        }
        if !st.open_questions.is_empty() {
            self.heading(l.open_questions);
            self.bullets(&st.open_questions);
        }
    }

    fn provenance(&mut self) {
        let l = self.l;
        let p = &self.summary.provenance;
        self.heading(l.provenance);
        self.labelled(l.generated_by, "HKPilot");
        let model = match (&p.model, &self.summary.method) {
            (Some(m), _) | (None, SummaryMethod::Abstractive { model: m }) => m.clone(),
            (None, SummaryMethod::Extractive { .. }) => l.no_model.to_string(),
        };
        self.labelled(l.model, model);
        if p.settings.is_empty() {
            self.labelled(l.settings, l.none);
        } else {
            self.body.para(None, &[Run::with(l.settings, Fmt::BOLD)]);
            for (k, v) in &p.settings {
                self.body
                    .bullet(&[Run::plain(format!("{k}{}{v}", l.colon))]);
            }
        }
        self.body
            .para(None, &[Run::with(l.source_hashes, Fmt::BOLD)]);
        let hashes: Vec<&str> = if p.source_hashes.is_empty() {
            self.sources
                .iter()
                .map(|s| s.content_hash.as_str())
                .collect()
        } else {
            p.source_hashes.iter().map(String::as_str).collect()
        };
        for (i, h) in hashes.iter().enumerate() {
            let line = format!("{}{}{h}", self.title(i), l.colon);
            self.body.bullet(&[Run::plain(line)]);
        }
        if !p.stats.is_empty() {
            self.body.para(None, &[Run::with(l.stats, Fmt::BOLD)]);
            for (k, v) in &p.stats {
                self.body
                    .bullet(&[Run::plain(format!("{k}{}{v}", l.colon))]);
            }
        }
    }
}

/// Han characters and CJK punctuation: no space goes between them and a marker.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}
