//! Using the termbase on text: finding its terms, checking that a translation (or a
//! draft) renders every term the way the termbase says, and listing the required
//! renderings for a constrained prompt.
//!
//! Matching: English is case-insensitive (abbreviations and entries marked
//! `case_sensitive` excepted) at word boundaries, across line breaks, with an optional
//! plural `s`; Chinese is by substring after folding Traditional and Simplified to one
//! script, so a Simplified source finds the Traditional entry. Overlaps are settled
//! longest match first (`Secretary for Education` beats `Education`).

use crate::matching::{raw_zh, Normalised};
use crate::termbase::{TermEntry, Termbase};
use hkpilot_core::Lang;
use hkpilot_text::script::script_evidence;
use serde::Serialize;

/// A termbase term found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermHit {
    pub entry: TermEntry,
    /// The text as written.
    pub matched: String,
    /// Byte offsets of `matched` in the text.
    pub start: usize,
    pub end: usize,
    /// The language (and, for Chinese, the script) the match is written in.
    pub lang: Lang,
    /// Matched through an alias rather than the entry's own rendering.
    pub alias: bool,
    /// The termbase form that matched (the rendering or the alias, as the termbase
    /// writes it).
    pub form: String,
}

/// Why a term's rendering is missing from an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissReason {
    /// Neither the rendering nor an acceptable alias appears.
    Absent,
    /// The rendering appears only in the other Chinese script or another character
    /// variant (衛/衞).
    WrongScript,
    /// Only an alias that is not acceptable in output appears.
    UnacceptableAlias,
}

/// A source term whose termbase rendering the output lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermMiss {
    pub entry: TermEntry,
    /// The term as written in the source (first occurrence).
    pub source_text: String,
    /// Byte offset of the first occurrence in the source.
    pub source_offset: usize,
    /// How often the term occurs in the source.
    pub occurrences: usize,
    /// The required rendering in the output language.
    pub expected: String,
    /// Every rendering that would have been accepted.
    pub acceptable: Vec<String>,
    /// What the output has instead, when something close was found.
    pub found: Option<String>,
    pub reason: MissReason,
}

impl Termbase {
    /// Terms of the active scope found in `text`, written in `lang` (Simplified and
    /// Traditional are both found for either Chinese `lang`), in text order.
    pub fn find_terms(&self, text: &str, lang: Lang) -> Vec<TermHit> {
        let candidates = match lang {
            Lang::En => self.english_candidates(text),
            _ => self.chinese_candidates(text, lang),
        };
        self.settle(text, candidates)
    }

    /// Terms of both languages in a text that mixes English and Chinese.
    pub fn find_terms_mixed(&self, text: &str) -> Vec<TermHit> {
        let mut c = self.english_candidates(text);
        c.extend(self.chinese_candidates(text, Lang::ZhHant));
        self.settle(text, c)
    }

    fn english_candidates(&self, text: &str) -> Vec<Candidate<'_>> {
        let lower = Normalised::english(text, true);
        let cased = Normalised::english(text, false);
        let mut out = Vec::new();
        for i in self.active() {
            for k in &self.keys[i].en {
                let hay = if k.case_sensitive { &cased } else { &lower };
                for (s, e) in hay.find(&k.pattern, true, k.plural) {
                    out.push(Candidate {
                        start: s,
                        end: e,
                        entry: i,
                        alias: !k.canonical,
                        lang: Lang::En,
                        form: &k.text,
                    });
                }
            }
        }
        out
    }

    fn chinese_candidates(&self, text: &str, lang: Lang) -> Vec<Candidate<'_>> {
        if !text.chars().any(hkpilot_text::script::is_han) {
            return Vec::new();
        }
        let folded = Normalised::chinese(text);
        let raw = Normalised::raw_chinese(text);
        let mut out = Vec::new();
        for i in self.active() {
            for k in &self.keys[i].zh {
                let mut spans = folded.find(&k.folded, false, false);
                spans.extend(raw.find(&k.raw, false, false));
                for (s, e) in spans {
                    let ev = script_evidence(&text[s..e]);
                    let script = if ev.simp_only > ev.trad_only {
                        Lang::ZhHans
                    } else if ev.trad_only > 0 {
                        Lang::ZhHant
                    } else {
                        lang
                    };
                    out.push(Candidate {
                        start: s,
                        end: e,
                        entry: i,
                        alias: !k.canonical,
                        lang: script,
                        form: &k.text,
                    });
                }
            }
        }
        out
    }

    /// Longest first, then leftmost, then canonical before alias; overlaps dropped.
    fn settle(&self, text: &str, mut c: Vec<Candidate<'_>>) -> Vec<TermHit> {
        c.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
                .then(a.alias.cmp(&b.alias))
        });
        // Bytes already covered by a chosen hit.
        let mut taken = vec![false; text.len()];
        let mut hits = Vec::new();
        for x in c {
            if taken[x.start..x.end].contains(&true) {
                continue;
            }
            taken[x.start..x.end].fill(true);
            hits.push(TermHit {
                entry: self.entries[x.entry].clone(),
                matched: text[x.start..x.end].to_string(),
                start: x.start,
                end: x.end,
                lang: x.lang,
                alias: x.alias,
                form: x.form.to_string(),
            });
        }
        hits.sort_by_key(|h| h.start);
        hits
    }

    /// Checks that `output` (in `output_lang`) renders every termbase term found in
    /// `source` (in `source_lang`) as the termbase says: its rendering, or an alias
    /// marked acceptable, at least once, as a term of its own (教育局 inside 教育局局長
    /// is the Secretary, not the Bureau). One miss per term, in source order.
    pub fn check_translation(
        &self,
        source: &str,
        source_lang: Lang,
        output: &str,
        output_lang: Lang,
    ) -> Vec<TermMiss> {
        let in_source = self.find_terms(source, source_lang);
        let in_output = self.find_terms(output, output_lang);
        let same = |a: &TermEntry, b: &TermEntry| a.en == b.en && a.department == b.department;

        let mut misses: Vec<TermMiss> = Vec::new();
        let mut checked: Vec<&TermEntry> = Vec::new();
        for h in &in_source {
            let e = &h.entry;
            if checked.iter().any(|c| same(c, e)) {
                if let Some(m) = misses.iter_mut().find(|m| same(&m.entry, e)) {
                    m.occurrences += 1;
                }
                continue;
            }
            checked.push(e);
            let acceptable = e.acceptable(output_lang);
            let rendered: Vec<&TermHit> = in_output.iter().filter(|o| same(&o.entry, e)).collect();
            let is_acceptable = |o: &TermHit| match output_lang {
                Lang::En => acceptable.iter().any(|a| a == &o.form),
                _ => acceptable.iter().any(|a| raw_zh(a) == raw_zh(&o.matched)),
            };
            if rendered.iter().any(|o| is_acceptable(o)) {
                continue;
            }
            let (reason, found) = match rendered.first() {
                None => (MissReason::Absent, None),
                // Chinese matched through the entry's own rendering or an acceptable
                // alias, but not in the output's script or variant.
                Some(o)
                    if output_lang != Lang::En
                        && e.aliases_zh
                            .iter()
                            .all(|a| a.acceptable || raw_zh(&a.text) != raw_zh(&o.form)) =>
                {
                    (MissReason::WrongScript, Some(o.matched.clone()))
                }
                Some(o) => (MissReason::UnacceptableAlias, Some(o.matched.clone())),
            };
            misses.push(TermMiss {
                entry: e.clone(),
                source_text: h.matched.clone(),
                source_offset: h.start,
                occurrences: 1,
                expected: e.rendering(output_lang).to_string(),
                acceptable,
                found,
                reason,
            });
        }
        misses
    }
}

#[derive(Debug)]
struct Candidate<'a> {
    start: usize,
    end: usize,
    entry: usize,
    alias: bool,
    lang: Lang,
    form: &'a str,
}

/// "source → required rendering" lines, one per term in order of first appearance, for
/// a prompt that constrains a model's terminology. Ordinances carry their chapter;
/// acceptable alternatives are named.
pub fn prompt_glossary(hits: &[TermHit], target_lang: Lang) -> String {
    let mut seen: Vec<(&str, Option<&str>)> = Vec::new();
    let mut out = String::new();
    for h in hits {
        let id = (h.entry.en.as_str(), h.entry.department.as_deref());
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let source = h.entry.formal_rendering(h.lang);
        let target = h.entry.formal_rendering(target_lang);
        out.push_str(&source);
        out.push_str(" → ");
        out.push_str(&target);
        let also: Vec<String> = h
            .entry
            .aliases(target_lang)
            .into_iter()
            .filter(|a| a.acceptable)
            .map(|a| a.text)
            .collect();
        if !also.is_empty() {
            match target_lang {
                Lang::En => out.push_str(&format!(" (also acceptable: {})", also.join(", "))),
                _ => out.push_str(&format!("（亦可用：{}）", also.join("、"))),
            }
        }
        out.push('\n');
    }
    out
}
