//! The map-reduce pipeline: a document that fits one pass is summarised in one pass;
//! a longer one is chunked along its structure, each chunk noted concurrently (the
//! instructions are a shared prefix the engine computes once), the notes merged level
//! by level until they fit, then summarised in a final pass. Every level halves the
//! text at least, so the cost stays linear in the document's length.

use crate::chunk::chunk_units;
use crate::cite::{CheckedSentence, Flag};
use crate::numbered::{number_documents, NumberedSources};
use crate::pass::{notes_of, numbered_lines, Note, PassContext, PassResult};
use crate::progress::{Phase, ProgressSink};
use crate::prompt::{system_message, user_message, PassKind, PromptSettings};
use crate::structured;
use crate::GroundedError;
use futures_util::{stream, StreamExt};
use hkpilot_core::{
    ActionItem, Document, Lang, Provenance, SentenceFlag, StructuredSummary, Summary,
    SummaryMethod, SummarySentence,
};
use hkpilot_llm::{ChatMessage, GenerationOptions, LlmBackend, StructuredOutput};
use hkpilot_summarize::Length;
use hkpilot_text::convert::convert;
use hkpilot_text::script::is_han;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What the caller asks for.
#[derive(Debug, Clone)]
pub struct GroundedOptions {
    pub length: Length,
    /// Output language; `None` writes in the documents' main language.
    pub lang: Option<Lang>,
    /// "What does this mean for the Education Bureau": narrows what is kept.
    pub focus: Option<String>,
    /// Tokens one pass may use (prompt and output); `None` = the model's context,
    /// at most [`DEFAULT_WINDOW`].
    pub window: Option<usize>,
    /// Passes in flight at once (the engine batches them).
    pub concurrency: usize,
    pub seed: u64,
    /// 0 = greedy, which makes runs reproducible.
    pub temperature: f32,
    /// Constrain the output shape with a grammar where the backend supports it.
    pub constrain: bool,
    /// Also sort the summary into key points, decisions, figures, action items and
    /// open questions (JSON under a schema).
    pub structured: bool,
}

/// The pass window when none is given: a 4k-token context is what small local models
/// run fast with, and what the pipeline is designed to work within.
pub const DEFAULT_WINDOW: usize = 4096;

impl Default for GroundedOptions {
    fn default() -> Self {
        GroundedOptions {
            length: Length::Standard,
            lang: None,
            focus: None,
            window: None,
            concurrency: 4,
            seed: 0,
            temperature: 0.0,
            constrain: true,
            structured: false,
        }
    }
}

/// Token allowances of one run, from the window and the instructions' size.
#[derive(Debug, Clone, Copy)]
struct Budgets {
    /// Source tokens one map chunk may hold.
    chunk: usize,
    /// Output tokens of a map or reduce pass.
    note_out: usize,
    /// Tokens of items the final pass may hold, and its output allowance.
    final_in: usize,
    final_out: usize,
}

/// Tokens a chat template adds around two messages (role markers, BOS).
const TEMPLATE_TOKENS: usize = 32;
/// Levels of merging before the notes are thinned instead (never reached in
/// practice: each level at least halves them).
const MAX_LEVELS: usize = 8;

/// Writes a cited summary of `docs` with `backend`. Fails on model errors; see
/// [`crate::summarize_or_extract`] for the variant that falls back.
pub async fn summarize_grounded(
    docs: &[&Document],
    backend: &dyn LlmBackend,
    opts: &GroundedOptions,
    progress: &dyn ProgressSink,
) -> Result<Summary, GroundedError> {
    let sources = number_documents(docs);
    if sources.is_empty() {
        return Err(GroundedError::NoSources);
    }
    let lang = opts.lang.unwrap_or_else(|| documents_lang(docs));
    let settings = PromptSettings {
        lang,
        focus: opts.focus.clone(),
    };
    let target = opts.length.target_sentences(sources.len());
    let budgets = budgets(backend, opts, &settings, target, lang).await?;
    let ctx = PassContext {
        backend,
        sources: &sources,
        options: GenerationOptions {
            temperature: opts.temperature,
            seed: Some(opts.seed),
            repetition_penalty: 1.1,
            ..Default::default()
        },
        constrain: AtomicBool::new(opts.constrain),
    };
    let mut stats = Stats::default();

    progress.update(Phase::Counting, 0, sources.len());
    let chunks = chunk_units(&sources.units, budgets.chunk, backend).await?;
    let total: usize = chunks.iter().map(|c| c.tokens).sum();
    let as_notes = |r: std::ops::Range<usize>| -> Vec<Note> {
        sources.units[r]
            .iter()
            .map(|u| Note {
                text: u.text().to_string(),
                sources: vec![u.id],
            })
            .collect()
    };

    let mut notes = if total <= budgets.final_in {
        as_notes(0..sources.len())
    } else {
        let map_system = system_message(PassKind::Map, &settings);
        let groups: Vec<(Vec<Note>, usize)> = chunks
            .iter()
            .map(|c| (as_notes(c.units.clone()), c.tokens))
            .collect();
        stats.chunks = groups.len();
        let results = run_level(
            &ctx,
            &map_system,
            groups,
            budgets,
            Phase::Map,
            opts,
            progress,
        )
        .await?;
        stats.add(&results);
        results.iter().flat_map(notes_of).collect()
    };

    // Merge until the notes fit the final pass.
    let reduce_system = system_message(PassKind::Reduce, &settings);
    let mut level = 0;
    loop {
        let costs = note_costs(&notes, backend).await?;
        let sum: usize = costs.iter().sum();
        if sum <= budgets.final_in {
            break;
        }
        level += 1;
        if level > MAX_LEVELS {
            notes = thin(notes, &costs, budgets.final_in);
            stats.thinned = true;
            break;
        }
        // A reduce pass writes up to `note_out` tokens: its input must leave room.
        let groups = pack(notes, &costs, budgets.final_in.min(budgets.chunk));
        let results = run_level(
            &ctx,
            &reduce_system,
            groups,
            budgets,
            Phase::Reduce { level },
            opts,
            progress,
        )
        .await?;
        stats.add(&results);
        let merged: Vec<Note> = results.iter().flat_map(notes_of).collect();
        let merged_sum: usize = note_costs(&merged, backend).await?.iter().sum();
        if merged.is_empty() || merged_sum * 10 >= sum * 9 {
            // The model did not shorten its input: stop merging and thin instead.
            let costs = note_costs(&merged, backend).await?;
            notes = thin(merged, &costs, budgets.final_in);
            stats.thinned = true;
            break;
        }
        notes = merged;
    }
    stats.levels = level;

    progress.update(Phase::Final, 0, 1);
    let final_system = system_message(PassKind::Final, &settings);
    let mut structured = None;
    if opts.structured {
        match structured_pass(&ctx, &final_system, &notes, target, budgets, lang).await? {
            Ok((sections, result)) => {
                stats.add(std::slice::from_ref(&result));
                structured = Some(sections);
            }
            Err((why, result)) => {
                // Malformed JSON: the prose summary below is still given; the
                // provenance says structuring failed and why.
                stats.add(std::slice::from_ref(&result));
                stats.structured_failure = Some(why);
            }
        }
    }
    let sentences: Vec<SummarySentence> = match &structured {
        Some(s) => all_items(s),
        None => {
            let result = ctx
                .run(&final_system, &notes, target, budgets.final_out as u32)
                .await?;
            stats.add(std::slice::from_ref(&result));
            result
                .sentences
                .iter()
                .map(|s| to_summary_sentence(s, lang))
                .collect()
        }
    };
    progress.update(Phase::Final, 1, 1);
    if sentences.is_empty() {
        return Err(GroundedError::NoOutput);
    }
    // Say what language the summary is really in: a model that cannot write the
    // language asked for writes another, and the label must not claim otherwise.
    let written = written_lang(&sentences, lang);
    let mut settings_out = settings_map(opts, lang, budgets, stats.structured_failure.as_deref());
    if written != lang {
        settings_out.insert(
            "language_note".into(),
            format!(
                "asked for {}; the model wrote {}",
                lang.tag(),
                written.tag()
            ),
        );
    }
    Ok(Summary {
        documents: docs.iter().map(|d| d.id.clone()).collect(),
        method: SummaryMethod::Abstractive {
            model: backend.info().name.clone(),
        },
        lang: written,
        sentences,
        ai_generated: true,
        structured,
        provenance: Provenance {
            model: Some(backend.info().name.clone()),
            settings: settings_out,
            source_hashes: docs.iter().map(|d| d.meta.content_hash.clone()).collect(),
            fallback: None,
            stats: stats.into_map(&sources),
        },
    })
}

type StructuredOutcome = Result<(StructuredSummary, PassResult), (String, PassResult)>;

/// The final pass as JSON sections. The outer error is a model failure; the inner
/// one a reply that is not the JSON asked for (with what it cost).
async fn structured_pass(
    ctx: &PassContext<'_>,
    system: &str,
    notes: &[Note],
    target: usize,
    budgets: Budgets,
    lang: Lang,
) -> Result<StructuredOutcome, GroundedError> {
    let messages = vec![
        ChatMessage::system(format!("{system}\n{}", structured::INSTRUCTIONS)),
        ChatMessage::user(user_message(&numbered_lines(notes), target)),
    ];
    let schema = StructuredOutput::JsonSchema(structured::schema(target));
    let max = budgets.final_out as u32;
    let completion = ctx.call(messages, Some(schema), max).await?;
    let usage = completion.usage;
    let items = match structured::parse(&completion.text) {
        Ok(items) => items,
        Err(why) => {
            let r = ctx.check(&[], notes, usage);
            return Ok(Err((why, r)));
        }
    };
    let parsed: Vec<_> = items.iter().map(|i| i.sentence.clone()).collect();
    let result = ctx.check_all(&parsed, notes, usage);
    let mut sections = StructuredSummary::default();
    for (item, checked) in items.iter().zip(&result.sentences) {
        let sentence = to_summary_sentence(checked, lang);
        match item.section {
            "decisions" => sections.decisions.push(sentence),
            "figures" => sections.figures.push(sentence),
            "action_items" => sections.action_items.push(ActionItem {
                item: sentence,
                owner: item.owner.clone(),
                due: item.due.clone(),
            }),
            "open_questions" => sections.open_questions.push(sentence),
            _ => sections.key_points.push(sentence),
        }
    }
    Ok(Ok((sections, result)))
}

/// Every item of the sections, in section order: the summary's sentences.
fn all_items(s: &StructuredSummary) -> Vec<SummarySentence> {
    s.key_points
        .iter()
        .chain(&s.decisions)
        .chain(&s.figures)
        .chain(s.action_items.iter().map(|a| &a.item))
        .chain(&s.open_questions)
        .cloned()
        .collect()
}

/// Runs one level's passes, `opts.concurrency` at a time, results in input order.
async fn run_level(
    ctx: &PassContext<'_>,
    system: &str,
    groups: Vec<(Vec<Note>, usize)>,
    budgets: Budgets,
    phase: Phase,
    opts: &GroundedOptions,
    progress: &dyn ProgressSink,
) -> Result<Vec<PassResult>, GroundedError> {
    let total = groups.len();
    let done = AtomicUsize::new(0);
    progress.update(phase, 0, total);
    let concurrency = opts.concurrency.max(1);
    let results: Vec<Result<PassResult, GroundedError>> = stream::iter(groups)
        .map(|(items, tokens)| {
            let done = &done;
            async move {
                // About one bullet per 150 tokens of input, and never more output than
                // half the input, so every level shrinks.
                let bullets = (tokens / 150).clamp(2, 12);
                let max_out = budgets.note_out.min((tokens / 2).max(48));
                let r = ctx.run(system, &items, bullets, max_out as u32).await;
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress.update(phase, d, total);
                r
            }
        })
        .buffered(concurrency)
        .collect()
        .await;
    results.into_iter().collect()
}

/// The tokens of each note as a numbered line.
async fn note_costs(notes: &[Note], backend: &dyn LlmBackend) -> Result<Vec<usize>, GroundedError> {
    let counts = futures_util::future::join_all(notes.iter().enumerate().map(|(i, n)| {
        let line = format!("[{}] {}\n", i + 1, n.text);
        async move { backend.count_tokens(&line).await }
    }))
    .await;
    Ok(counts.into_iter().collect::<Result<Vec<_>, _>>()?)
}

/// Consecutive notes packed into groups under `budget` tokens (order kept, so a
/// group covers one stretch of the documents).
fn pack(notes: Vec<Note>, costs: &[usize], budget: usize) -> Vec<(Vec<Note>, usize)> {
    let mut groups: Vec<(Vec<Note>, usize)> = Vec::new();
    for (note, &cost) in notes.into_iter().zip(costs) {
        match groups.last_mut() {
            Some((g, t)) if *t + cost <= budget => {
                g.push(note);
                *t += cost;
            }
            _ => groups.push((vec![note], cost)),
        }
    }
    groups
}

/// Keeps notes spread evenly over the documents until they fit `budget`.
fn thin(notes: Vec<Note>, costs: &[usize], budget: usize) -> Vec<Note> {
    let sum: usize = costs.iter().sum();
    if sum <= budget || notes.is_empty() {
        return notes;
    }
    let keep_every = sum.div_ceil(budget.max(1)).max(2);
    notes.into_iter().step_by(keep_every).collect()
}

async fn budgets(
    backend: &dyn LlmBackend,
    opts: &GroundedOptions,
    settings: &PromptSettings,
    target: usize,
    lang: Lang,
) -> Result<Budgets, GroundedError> {
    let context = backend.info().context_length;
    let window = opts.window.unwrap_or(DEFAULT_WINDOW).min(context);
    let mut overhead = 0;
    for kind in [PassKind::Map, PassKind::Reduce, PassKind::Final] {
        let frame = format!("{}{}", system_message(kind, settings), user_message("", 99));
        overhead = overhead.max(backend.count_tokens(&frame).await?);
    }
    overhead += TEMPLATE_TOKENS;
    let note_out = (window / 6).clamp(96, 512);
    // Chinese costs byte-level tokenizers several tokens per character.
    let per_sentence = if lang.is_chinese() { 120 } else { 60 };
    // At least room for a couple of sentences; a window too small for that fails below.
    let mut final_out = (target * per_sentence).max(128).min(window / 2);
    if opts.structured {
        // JSON costs more tokens than bullets: keys, quotes, the citation lists.
        final_out = (final_out * 2).min(window / 2);
    }
    let room = |out: usize| window.checked_sub(overhead + out + 16).filter(|r| *r >= 64);
    let (Some(chunk), Some(final_in)) = (room(note_out), room(final_out)) else {
        return Err(GroundedError::InvalidBudget(window));
    };
    Ok(Budgets {
        chunk,
        note_out,
        final_in,
        final_out,
    })
}

/// The language the sentences are written in: `asked` when they are in its script
/// (Chinese when at least a third of their letters are Han characters).
fn written_lang(sentences: &[SummarySentence], asked: Lang) -> Lang {
    let (mut han, mut letters) = (0usize, 0usize);
    for c in sentences.iter().flat_map(|s| s.text.chars()) {
        if is_han(c) {
            han += 1;
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    let chinese = han * 3 >= letters.max(1);
    match (asked.is_chinese(), chinese) {
        (true, false) => Lang::En,
        (false, true) => Lang::ZhHant,
        _ => asked,
    }
}

/// The documents' main language, Chinese when any document is mainly Chinese.
fn documents_lang(docs: &[&Document]) -> Lang {
    docs.iter()
        .filter_map(|d| d.meta.languages.primary)
        .find(|l| l.is_chinese())
        .unwrap_or(Lang::En)
}

fn to_summary_sentence(s: &CheckedSentence, lang: Lang) -> SummarySentence {
    let text = if lang.is_chinese() {
        // The model may mix scripts; the reader asked for one.
        convert(&s.text, lang)
    } else {
        s.text.clone()
    };
    let flags = s
        .flags
        .iter()
        .filter_map(|f| match f {
            Flag::NoCitation => Some(SentenceFlag::NoCitation),
            Flag::Unsupported => Some(SentenceFlag::Unsupported),
            Flag::FactNotInSource(fact) => Some(SentenceFlag::NotInSource {
                what: format!("{:?}", fact.kind).to_lowercase(),
                text: fact.text.clone(),
            }),
            // Dropped citations are counted in the stats; the sentence keeps the rest.
            Flag::InventedId(_) | Flag::UnsupportedCitation(_) => None,
        })
        .collect();
    SummarySentence {
        text,
        citations: s.citations.clone(),
        flags,
    }
}

fn settings_map(
    opts: &GroundedOptions,
    lang: Lang,
    b: Budgets,
    structured_failure: Option<&str>,
) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    if opts.structured {
        let v = structured_failure.map_or("yes".to_string(), |why| format!("failed: {why}"));
        m.insert("structured".into(), v);
    }
    m.insert("length".into(), opts.length.to_string());
    m.insert("lang".into(), lang.tag().to_string());
    if let Some(f) = &opts.focus {
        m.insert("focus".into(), f.clone());
    }
    m.insert("seed".into(), opts.seed.to_string());
    m.insert("temperature".into(), opts.temperature.to_string());
    m.insert("chunk_tokens".into(), b.chunk.to_string());
    m.insert("concurrency".into(), opts.concurrency.to_string());
    m
}

/// Counts over a run, reported in the summary's provenance.
#[derive(Debug, Default)]
struct Stats {
    calls: usize,
    prompt_tokens: usize,
    cached_prompt_tokens: usize,
    completion_tokens: usize,
    chunks: usize,
    levels: usize,
    cited: usize,
    kept: usize,
    thinned: bool,
    structured_failure: Option<String>,
}

impl Stats {
    fn add(&mut self, results: &[PassResult]) {
        for r in results {
            self.calls += 1;
            self.prompt_tokens += r.usage.prompt_tokens;
            self.cached_prompt_tokens += r.usage.cached_prompt_tokens;
            self.completion_tokens += r.usage.completion_tokens;
            self.cited += r.cited;
            self.kept += r.kept;
        }
    }

    fn into_map(self, sources: &NumberedSources) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for (k, v) in [
            ("model_calls", self.calls),
            ("prompt_tokens", self.prompt_tokens),
            ("cached_prompt_tokens", self.cached_prompt_tokens),
            ("completion_tokens", self.completion_tokens),
            ("chunks", self.chunks),
            ("merge_levels", self.levels),
            ("source_sentences", sources.len()),
            ("citations_cited", self.cited),
            ("citations_kept", self.kept),
            ("notes_thinned", usize::from(self.thinned)),
        ] {
            m.insert(k.to_string(), v as u64);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(i: u32) -> Note {
        Note {
            text: format!("n{i}"),
            sources: vec![i],
        }
    }

    #[test]
    fn pack_keeps_order_and_budget() {
        let notes: Vec<Note> = (1..=5).map(note).collect();
        let g = pack(notes, &[3, 3, 3, 3, 3], 7);
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].0.len(), 2);
        assert!(g.iter().all(|(_, t)| *t <= 7));
    }

    #[test]
    fn thin_fits_the_budget() {
        let notes: Vec<Note> = (1..=10).map(note).collect();
        let kept = thin(notes, &[10; 10], 40);
        assert!(kept.len() * 10 <= 40, "{}", kept.len());
        assert_eq!(kept[0].sources, vec![1]);
    }
}
