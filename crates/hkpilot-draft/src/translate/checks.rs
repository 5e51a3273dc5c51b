//! Finishing one unit's translation and checking it: script conversion, Hong Kong
//! usage, the termbase post-check (wrong-script renderings replaced by the termbase's
//! form, other misses reported), then the completeness checks — nothing empty, the
//! target language really written, no sentences or figures lost, a plausible length.

use super::plan::{sentence_count, Route, Unit};
use super::prompt::restore_brackets;
use super::types::{Fix, FixKind, Flag, FlagKind, TermMissOut, UnitChecks};
use super::MissReason;
use crate::termbase::Termbase;
use crate::usage::{check_hk_usage, UsageLevel};
use hkpilot_core::Lang;
use hkpilot_grounded::faithful::{check_facts, extract_facts, Fact, FactKind};
use hkpilot_text::convert::convert;
use hkpilot_text::script::detect_lang;

/// What the model gave for one segment of a unit.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Text(String),
    /// No line for it, or an empty one.
    Missing,
    /// The call failed.
    Failed(String),
}

/// One unit, finished and checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitOutcome {
    pub translation: String,
    pub untranslated: bool,
    pub flags: Vec<Flag>,
    pub misses: Vec<TermMissOut>,
    pub fixes: Vec<Fix>,
    pub checks: UnitChecks,
}

impl UnitOutcome {
    /// How bad the result is; the lower of two attempts is kept.
    pub fn score(&self) -> usize {
        let flags: usize = self
            .flags
            .iter()
            .map(|f| match f.kind {
                FlagKind::Empty | FlagKind::ModelError => 100,
                FlagKind::NotTranslated => 50,
                FlagKind::TooShort => 20,
                FlagKind::SentenceGap => 15,
                FlagKind::MissingFigures => 10 + f.items.len(),
                FlagKind::TooLong => 10,
                FlagKind::AddedFigures => 5,
                FlagKind::UsageReview => 0,
            })
            .sum();
        flags + 3 * self.misses.len()
    }

    /// Whether the unit deserves a second attempt.
    pub fn needs_retry(&self) -> bool {
        !self.misses.is_empty() || self.flags.iter().any(|f| f.kind != FlagKind::UsageReview)
    }
}

/// Output characters per source character, by direction: a translation outside
/// [`SHORT`]×…[`LONG`]× the expected ratio is flagged. The ratios are the medians over
/// the 997 FLORES-200 dev pairs (non-space characters): English has 2.81 times the
/// characters of its Traditional Chinese (5th–95th percentile 2.0–3.8), Chinese 0.356
/// times those of its English (0.27–0.50), so the bounds leave honest translations be.
fn expected_ratio(from_chinese: bool, to: Lang) -> f32 {
    match (from_chinese, to.is_chinese()) {
        (true, false) => 2.8,
        (false, true) => 0.36,
        _ => 1.0,
    }
}
const SHORT: f32 = 0.45;
const LONG: f32 = 2.5;
/// Sources shorter than this (non-space characters) are not length-checked.
const RATIO_MIN_CHARS: usize = 12;

#[derive(Debug)]
pub(crate) struct Checker<'a> {
    pub termbase: &'a Termbase,
    pub to: Lang,
}

impl Checker<'_> {
    /// A unit routed to the model, from its segments' sources and the model's pieces.
    pub fn model_unit(&self, unit: &Unit, sources: &[String], pieces: &[Piece]) -> UnitOutcome {
        let mut texts = Vec::new();
        let (mut missing, mut failed) = (0, None);
        for (i, src) in sources.iter().enumerate() {
            match pieces.get(i).unwrap_or(&Piece::Missing) {
                Piece::Text(t) if !t.trim().is_empty() => texts.push(restore_brackets(src, t)),
                other => {
                    if let Piece::Failed(e) = other {
                        failed = Some(e.clone());
                    }
                    missing += 1;
                    texts.push(src.clone());
                }
            }
        }
        let mut o = UnitOutcome::default();
        if missing > 0 {
            let all = missing == sources.len();
            let (kind, why) = match &failed {
                Some(e) => (FlagKind::ModelError, format!("the model call failed ({e})")),
                None => (FlagKind::Empty, "the model returned nothing".to_string()),
            };
            let what = if all {
                "the source text is kept, untranslated"
            } else {
                "for part of the text; that part is kept in the source language"
            };
            o.flags.push(flag(kind, format!("{why}: {what}"), vec![]));
            if all {
                o.translation = unit.text.clone();
                o.untranslated = true;
                o.checks = self.source_counts(unit);
                return o;
            }
        }
        o.translation = super::plan::join(&texts, self.to);
        self.finish(unit, &mut o);
        self.check(unit, &mut o);
        o
    }

    /// A unit that needs no model: copied, or kept and converted to the target script.
    pub fn kept_unit(&self, unit: &Unit) -> UnitOutcome {
        let mut o = UnitOutcome {
            translation: unit.text.clone(),
            ..Default::default()
        };
        if unit.route == Route::Kept && self.to.is_chinese() && unit.lang != Some(self.to) {
            // The unit is known to be Simplified (by the document, when it shows no
            // script of its own): convert all of it, not only what shows the script.
            o.translation = match self.to {
                Lang::ZhHant => hkpilot_text::convert::to_hant(&unit.text),
                _ => convert(&unit.text, self.to),
            };
            self.finish(unit, &mut o);
        }
        o
    }

    fn source_counts(&self, unit: &Unit) -> UnitChecks {
        UnitChecks {
            source_sentences: sentence_count(&unit.text),
            source_figures: figures(&unit.text).len(),
            terms: self.term_count(unit),
            ..Default::default()
        }
    }

    fn term_count(&self, unit: &Unit) -> usize {
        let Some(lang) = unit.lang else { return 0 };
        let hits = self.termbase.find_terms(&unit.text, lang);
        let mut names: Vec<&str> = hits.iter().map(|h| h.entry.en.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }

    /// Script, Hong Kong usage and termbase renderings.
    fn finish(&self, unit: &Unit, o: &mut UnitOutcome) {
        if self.to.is_chinese() {
            o.translation = convert(&o.translation, self.to);
        }
        if self.to == Lang::ZhHant {
            let hits = check_hk_usage(&o.translation);
            for h in hits.iter().filter(|h| h.level == UsageLevel::Replace) {
                push_fix(&mut o.fixes, FixKind::HkUsage, &h.found, &h.preferred);
            }
            let review: Vec<String> = hits
                .iter()
                .filter(|h| h.level == UsageLevel::Review)
                .map(|h| format!("{} → {}", h.found, h.preferred))
                .collect();
            if !review.is_empty() {
                let msg = "words that may not be Hong Kong usage in this meaning; check them";
                o.flags
                    .push(flag(FlagKind::UsageReview, msg.into(), review));
            }
            o.translation = crate::usage::apply_hk_usage(&o.translation);
        }
        let Some(from) = unit.lang else { return };
        let tb = self.termbase;
        let mut misses = tb.check_translation(&unit.text, from, &o.translation, self.to);
        let mut fixed = false;
        for m in &misses {
            let Some(found) = m.found.as_deref() else {
                continue;
            };
            let same_length = found.chars().count() == m.expected.chars().count();
            if m.reason == MissReason::WrongScript && same_length && found != m.expected {
                o.translation = o.translation.replace(found, &m.expected);
                push_fix(&mut o.fixes, FixKind::TermScript, found, &m.expected);
                fixed = true;
            }
        }
        if fixed {
            misses = tb.check_translation(&unit.text, from, &o.translation, self.to);
        }
        o.misses = misses
            .into_iter()
            .map(|m| TermMissOut {
                term: m.entry.en.clone(),
                source_text: m.source_text,
                expected: m.expected,
                found: m.found,
                reason: m.reason,
                cell: None,
            })
            .collect();
    }

    /// The completeness checks.
    fn check(&self, unit: &Unit, o: &mut UnitOutcome) {
        let (s, t) = (unit.text.as_str(), o.translation.as_str());
        let from_chinese = unit.lang.is_some_and(Lang::is_chinese);
        let mut c = self.source_counts(unit);
        c.output_sentences = sentence_count(t);

        let out_lang = detect_lang(t).primary;
        let not_translated = out_lang.map(Lang::is_chinese) != Some(self.to.is_chinese());
        if not_translated {
            let msg = "the output is not in the target language: it was probably not translated";
            o.flags
                .push(flag(FlagKind::NotTranslated, msg.into(), vec![]));
        }
        let (src_n, out_n) = (c.source_sentences, c.output_sentences);
        if src_n >= 2 && out_n + src_n / 3 < src_n {
            let msg = format!(
                "{src_n} sentences in the source, {out_n} in the translation: some may be missing"
            );
            o.flags.push(flag(FlagKind::SentenceGap, msg, vec![]));
        }

        let missing = numeric(check_facts(s, &[t]));
        c.missing_figures = missing.len().min(c.source_figures);
        if !missing.is_empty() {
            let items: Vec<String> = missing.into_iter().map(|f| f.text).collect();
            let msg = format!(
                "figures of the source missing from the translation: {}",
                items.join(", ")
            );
            o.flags.push(flag(FlagKind::MissingFigures, msg, items));
        }
        let added: Vec<String> = numeric(check_facts(t, &[s]))
            .into_iter()
            // "十八" is a word the figure reader skips, so an "18" in the English is not
            // an invention: only money, percentages, dates and large numbers count.
            .filter(|f| !(from_chinese && f.kind == FactKind::Number && f.value.abs() < 10_000.0))
            .map(|f| f.text)
            .collect();
        if !added.is_empty() {
            let msg = format!(
                "figures in the translation that the source does not have: {}",
                added.join(", ")
            );
            o.flags.push(flag(FlagKind::AddedFigures, msg, added));
        }

        let chars = |x: &str| x.chars().filter(|c| !c.is_whitespace()).count();
        let (sc, tc) = (chars(s), chars(t));
        // The ratio of a text left in the source language says nothing more.
        if sc >= RATIO_MIN_CHARS && !not_translated {
            let ratio = tc as f32 / sc as f32;
            c.length_ratio = Some((ratio * 100.0).round() / 100.0);
            let expected = expected_ratio(from_chinese, self.to);
            if ratio < expected * SHORT {
                let msg = format!("the translation is much shorter than the source ({ratio:.2} characters per source character, expected about {expected}): text may have been left out");
                o.flags.push(flag(FlagKind::TooShort, msg, vec![]));
            } else if ratio > expected * LONG {
                let msg = format!("the translation is much longer than the source ({ratio:.2} characters per source character, expected about {expected}): text may have been added");
                o.flags.push(flag(FlagKind::TooLong, msg, vec![]));
            }
        }
        o.checks = c;
    }
}

/// Figures only: names and ordinances are the termbase's to check across languages.
fn numeric(facts: Vec<Fact>) -> Vec<Fact> {
    facts
        .into_iter()
        .filter(|f| !matches!(f.kind, FactKind::Name | FactKind::Ordinance))
        .collect()
}

fn figures(text: &str) -> Vec<Fact> {
    numeric(extract_facts(text))
}

fn flag(kind: FlagKind, message: String, items: Vec<String>) -> Flag {
    Flag {
        kind,
        message,
        items,
        cell: None,
    }
}

fn push_fix(fixes: &mut Vec<Fix>, kind: FixKind, from: &str, to: &str) {
    let fix = Fix {
        kind,
        from: from.to_string(),
        to: to.to_string(),
    };
    if !fixes.contains(&fix) {
        fixes.push(fix);
    }
}
