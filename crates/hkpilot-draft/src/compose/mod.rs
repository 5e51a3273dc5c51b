//! Drafting: a template, the officer's notes and fields, and optional source documents
//! → a complete draft in the template's structure, over `dyn LlmBackend`.
//!
//! ```text
//!   template ─► layout.rs: skeleton cut per section; each section is
//!               Layout (fields filled, placeholders for what is missing — no model),
//!               Notes (model, from notes and fields) or Sources (model, cited)
//!   documents ─► hkpilot_grounded::number_documents → numbered source lines
//!               select.rs: the lines relevant to the section when all do not fit
//!   each model section ─► one pass (prompt.rs; the system message is shared):
//!               grammar-constrained bullets, `[n]` drawn only from the lines shown
//!            ─► hkpilot_grounded::check_citations (invented or unsupported citations
//!               dropped, unsupported sentences flagged), faithfulness of figures and
//!               names against the notes and fields for uncited sections
//!   draft ─► script conversion, Hong Kong usage, termbase renderings (checks.rs),
//!            missing fields as questions, AI label and provenance (markdown.rs renders)
//! ```
//!
//! Missing fields are never invented: the draft carries a visible placeholder and the
//! question to ask. Document text and notes reach the model only neutralised inside
//! their blocks; the model sees no document the officer did not pass.

mod checks;
mod docx;
mod layout;
mod markdown;
mod prompt;
mod select;

pub use checks::{referenced_documents, term_flags, TermFlag};
pub use docx::docx_document;
pub use layout::{bracket_notes, fill, placeholder, section_mode, Fragments, SectionMode};
pub use markdown::{flag_text, DraftLabels};
pub use prompt::{prose_grammar, system_message, user_message, SectionTask};

use crate::fields::{check_fields, unknown_fields, MissingField};
use crate::template::{Section, Template};
use crate::termbase::Termbase;
use crate::translate::prompt_glossary;
use crate::usage::{apply_hk_usage, check_hk_usage, UsageHit};
use futures_util::{stream, StreamExt};
use hkpilot_core::{Document, DocumentId, Lang, Provenance, SentenceFlag, SummarySentence};
use hkpilot_grounded::pass::{numbered_lines, parse_bullets, Note, PassContext};
use hkpilot_grounded::prompt::bullets_grammar;
use hkpilot_grounded::{check_facts, number_documents, CheckedSentence, Flag, GroundedError};
use hkpilot_llm::{ChatMessage, GenerationOptions, LlmBackend, StructuredOutput, Usage};
use hkpilot_text::convert::convert;
use select::SourceIndex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

/// What to draft.
#[derive(Debug, Clone, Copy)]
pub struct DraftInput<'a> {
    pub template: &'a Template,
    /// `en`, `zh-Hant`, or `zh-Hans` (drafted from the Traditional template).
    pub lang: Lang,
    /// The officer's notes: what the document should say.
    pub notes: &'a str,
    /// Field values by field id.
    pub fields: &'a BTreeMap<String, String>,
    /// The source documents passed; the model sees nothing else.
    pub documents: &'a [&'a Document],
    pub termbase: &'a Termbase,
}

/// How to draft.
#[derive(Debug, Clone)]
pub struct DraftOptions {
    /// Tokens one section's pass may use (prompt and output); `None` = the model's
    /// context, at most [`hkpilot_grounded::DEFAULT_WINDOW`].
    pub window: Option<usize>,
    /// Sections drafted at once (the engine batches them).
    pub concurrency: usize,
    pub seed: u64,
    /// 0 = greedy: the same inputs give the same draft.
    pub temperature: f32,
    /// Constrain output with a grammar where the backend can.
    pub constrain: bool,
    /// Most sentences of a section drafted from the sources.
    pub source_sentences: usize,
    /// Most sentences of a section drafted from the notes.
    pub notes_sentences: usize,
}

impl Default for DraftOptions {
    fn default() -> Self {
        DraftOptions {
            window: None,
            concurrency: 4,
            seed: 0,
            temperature: 0.0,
            constrain: true,
            source_sentences: 4,
            notes_sentences: 3,
        }
    }
}

/// A finished draft: every section of the template in order, labelled as generated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// The template id (`memo.en`).
    pub template: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The document type's name in the draft's language.
    pub title: String,
    pub lang: Lang,
    /// Always true: the text was written by a language model.
    pub ai_generated: bool,
    /// Lines of the skeleton before the first section, fields filled in.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub preamble: String,
    pub sections: Vec<DraftSection>,
    /// Fields to ask the officer about (missing, or unusable), with the question.
    pub missing_fields: Vec<FieldQuestion>,
    /// Field names given that the template does not have (likely misspelt).
    pub unknown_fields: Vec<String>,
    /// The documents the draft cites, in citation-number order of `number_documents`.
    pub sources: Vec<DraftSource>,
    /// Termbase terms the draft writes in a form the termbase does not accept.
    pub term_flags: Vec<TermFlag>,
    /// Hong Kong usage: forms replaced in model text, and those left for review.
    pub usage: Vec<UsageNote>,
    /// Things the officer should know about how the draft was made.
    pub warnings: Vec<String>,
    pub provenance: Provenance,
}

/// One section of the draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftSection {
    pub id: String,
    pub heading: String,
    /// How it was written. A section that needs sources is written from the notes
    /// (every sentence flagged as uncited) when no documents were passed.
    pub mode: SectionMode,
    /// Whether the template wants its statements cited.
    pub needs_citations: bool,
    pub required: bool,
    /// The section as it reads in the draft.
    pub text: String,
    /// Model-written sentences with their citations and flags (empty for layout).
    pub sentences: Vec<SummarySentence>,
    /// Fields left as visible placeholders in this section.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub placeholders: Vec<String>,
    /// Why the section is empty or thin, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A field to ask about, with the question in the draft's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldQuestion {
    #[serde(flatten)]
    pub missing: MissingField,
    /// The question as put to the officer.
    pub prompt: String,
}

/// A source document of the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftSource {
    pub id: DocumentId,
    pub title: Option<String>,
    pub file_name: Option<String>,
    pub content_hash: String,
}

impl DraftSource {
    /// The name to show: the title, else the file name, else the id.
    pub fn display(&self) -> String {
        self.title
            .as_deref()
            .or(self.file_name.as_deref())
            .map(str::to_string)
            .unwrap_or_else(|| self.id.to_string())
    }
}

/// A Hong Kong usage correction in model-written text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageNote {
    pub section: String,
    /// True when the form was replaced; false when it is left for a person to judge.
    pub replaced: bool,
    #[serde(flatten)]
    pub hit: UsageHit,
}

/// Why a draft could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("template '{template}' is written in {template_lang}, but a {asked} draft was asked for; use the {asked} template of the type")]
    LanguageMismatch {
        template: String,
        template_lang: Lang,
        asked: Lang,
    },

    #[error("a window of {window} tokens cannot hold the instructions and the output of section '{section}'; use a larger window")]
    WindowTooSmall { window: usize, section: String },

    #[error("{0}")]
    Model(#[from] GroundedError),
}

impl ComposeError {
    /// A stable machine-readable code; messages may change, codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            ComposeError::LanguageMismatch { .. } => "language_mismatch",
            ComposeError::WindowTooSmall { .. } => "window_too_small",
            ComposeError::Model(GroundedError::Llm(e)) => e.code().as_str(),
            ComposeError::Model(e) => e.code(),
        }
    }

    pub fn is_user_error(&self) -> bool {
        match self {
            ComposeError::Model(GroundedError::Llm(e)) => e.is_user_error(),
            ComposeError::Model(_) => false,
            _ => true,
        }
    }
}

impl From<hkpilot_llm::LlmError> for ComposeError {
    fn from(e: hkpilot_llm::LlmError) -> Self {
        ComposeError::Model(GroundedError::Llm(e))
    }
}

/// Tokens a chat template adds around two messages.
const TEMPLATE_TOKENS: usize = 32;
/// Terms listed in the prompt's glossary at most (in order of first appearance).
const MAX_GLOSSARY_TERMS: usize = 60;

/// Drafts every section of `input.template`. Layout sections need no model; the
/// others are one pass each, `opts.concurrency` at a time.
pub async fn compose_draft(
    input: &DraftInput<'_>,
    backend: &dyn LlmBackend,
    opts: &DraftOptions,
) -> Result<Draft, ComposeError> {
    let template = input.template;
    let lang = input.lang;
    let template_lang = if lang == Lang::En {
        Lang::En
    } else {
        Lang::ZhHant
    };
    if template.language != template_lang {
        return Err(ComposeError::LanguageMismatch {
            template: template.id.clone(),
            template_lang: template.language,
            asked: lang,
        });
    }
    let missing = check_fields(template, input.fields);
    let unknown: Vec<String> = unknown_fields(template, input.fields)
        .into_iter()
        .map(str::to_string)
        .collect();
    let fragments = Fragments::of(template);
    let sources = number_documents(input.documents);
    let index = SourceIndex::new(&sources);
    let supplied: Vec<(String, String)> = template
        .fields
        .iter()
        .filter(|f| !missing.iter().any(|m| m.field == f.id))
        .filter_map(|f| {
            let v = input.fields.get(&f.id)?.trim();
            (!v.is_empty()).then(|| (f.label.clone(), v.to_string()))
        })
        .collect();
    let missing_labels: Vec<String> = missing.iter().map(|m| m.label.clone()).collect();

    // The glossary: termbase terms in everything the draft is made from.
    let mut material = String::from(input.notes);
    for (_, v) in &supplied {
        material.push('\n');
        material.push_str(v);
    }
    for u in &sources.units {
        material.push('\n');
        material.push_str(u.text());
    }
    let mut hits = input.termbase.find_terms_mixed(&material);
    let mut seen: Vec<String> = Vec::new();
    hits.retain(|h| {
        if seen.contains(&h.entry.en) {
            return true; // prompt_glossary lists it once
        }
        if seen.len() >= MAX_GLOSSARY_TERMS {
            return false;
        }
        seen.push(h.entry.en.clone());
        true
    });
    let glossary = prompt_glossary(&hits, lang);
    let system = system_message(template, lang, &glossary);

    let mut warnings = Vec::new();
    for d in referenced_documents(input.notes) {
        warnings.push(match lang {
            Lang::En => format!(
                "The notes mention \"{d}\". HKPilot does not open documents named in notes: \
                 nothing from it is in this draft. Pass it with --from if it should be used."
            ),
            _ => tr(
                lang,
                &format!("筆記提及「{d}」。HKPilot不會開啟筆記中提及的文件，本草稿沒有引用其內容；如須使用，請以 --from 提供該文件。"),
            ),
        });
    }
    let model = backend.info();
    let knows = |code: &str| {
        model.languages.is_empty() || model.languages.iter().any(|l| l.starts_with(code))
    };
    let lang_code = if lang.is_chinese() { "zh" } else { "en" };
    if !knows(lang_code) {
        warnings.push(if lang == Lang::En {
            format!(
                "The model {} lists its languages as {}, not en: expect a poor draft, and check every sentence.",
                model.name,
                model.languages.join(", ")
            )
        } else {
            tr(
                lang,
                &format!(
                    "模型 {} 所列語言為 {}，不包括中文：草稿質素可能欠佳，請逐句核對。",
                    model.name,
                    model.languages.join(", ")
                ),
            )
        });
    }
    if sources.is_empty()
        && template
            .sections
            .iter()
            .any(|s| s.citations && section_mode(s, fragments.get(&s.id)) == SectionMode::Sources)
    {
        warnings.push(tr(
            lang,
            if lang == Lang::En {
                "No source documents were passed: sections that need citations are written from the notes, and their sentences are marked as uncited."
            } else {
                "沒有提供資料來源文件：須附引註的部分按筆記撰寫，其句子均標示為未有引註。"
            },
        ));
    }

    let window = opts
        .window
        .unwrap_or(hkpilot_grounded::DEFAULT_WINDOW)
        .min(backend.info().context_length)
        .max(1);
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
    let shared = Shared {
        ctx: &ctx,
        index: &index,
        system: &system,
        notes: input.notes,
        supplied: &supplied,
        missing: &missing_labels,
        lang,
        window,
    };

    // Lay out what needs no model; queue the rest.
    let mut sections: Vec<DraftSection> = Vec::new();
    let mut jobs: Vec<(usize, Job)> = Vec::new();
    for (i, s) in template.sections.iter().enumerate() {
        let fragment = fragments.get(&s.id);
        let (filled, holes) = fill(fragment, template, input.fields, &missing, template_lang);
        let mut mode = section_mode(s, fragment);
        if mode == SectionMode::Sources && sources.is_empty() {
            mode = SectionMode::Notes;
        }
        sections.push(DraftSection {
            id: s.id.clone(),
            heading: tr(lang, &s.heading),
            mode,
            needs_citations: s.citations,
            required: s.required,
            text: String::new(),
            sentences: Vec::new(),
            placeholders: holes,
            note: None,
        });
        match mode {
            SectionMode::Layout => sections[i].text = tr(lang, &filled),
            _ => jobs.push((
                i,
                Job {
                    section: s,
                    example: filled,
                    cite: mode == SectionMode::Sources,
                    sentences: if mode == SectionMode::Sources {
                        opts.source_sentences
                    } else {
                        opts.notes_sentences
                    }
                    .max(1),
                },
            )),
        }
    }
    let results: Vec<(usize, Result<Written, ComposeError>)> = stream::iter(jobs)
        .map(|(i, job)| {
            let shared = &shared;
            async move { (i, write_section(shared, &job).await) }
        })
        .buffered(opts.concurrency.max(1))
        .collect()
        .await;

    let mut stats = Stats::default();
    let mut usage_notes = Vec::new();
    let mut term_flags_all = Vec::new();
    for (i, r) in results {
        let written = r?;
        stats.add(&written);
        let sec = &mut sections[i];
        let mut sentences = Vec::new();
        for s in &written.sentences {
            let mut out = to_sentence(s, written.cite_required);
            if lang.is_chinese() {
                out.text = convert(&out.text, lang);
            }
            if lang == Lang::ZhHant {
                for hit in check_hk_usage(&out.text) {
                    let replaced = hit.level == crate::usage::UsageLevel::Replace;
                    usage_notes.push(UsageNote {
                        section: sec.id.clone(),
                        replaced,
                        hit,
                    });
                }
                out.text = apply_hk_usage(&out.text);
            }
            sentences.push(out);
        }
        let sep = if lang == Lang::En { " " } else { "" };
        sec.text = sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(sep);
        if let Some(written_lang) = checks::written_in(&sec.text) {
            if written_lang.is_chinese() != lang.is_chinese() {
                warnings.push(if lang == Lang::En {
                    format!(
                        "Section \"{}\": the model wrote in Chinese, not in en as asked.",
                        sec.heading
                    )
                } else {
                    tr(
                        lang,
                        &format!(
                            "「{}」部分：模型以英文撰寫，而非所要求的中文。",
                            sec.heading
                        ),
                    )
                });
            }
        }
        term_flags_all.extend(term_flags(input.termbase, &sec.id, &sec.text, lang));
        if sentences.is_empty() {
            sec.text = match lang {
                Lang::En => format!("[TO WRITE: {}]", sec.heading),
                _ => format!("［待撰寫：{}］", sec.heading),
            };
            sec.note = Some(tr(
                lang,
                if lang == Lang::En {
                    "The model wrote nothing usable for this section: write it yourself."
                } else {
                    "模型未能就此部分寫出可用的內容，請自行撰寫。"
                },
            ));
        }
        sec.sentences = sentences;
    }

    let missing_fields = missing
        .iter()
        .map(|m| FieldQuestion {
            missing: m.clone(),
            prompt: m.prompt(lang),
        })
        .collect();
    let mut settings = BTreeMap::new();
    settings.insert("template".into(), template.id.clone());
    settings.insert("lang".into(), lang.tag().to_string());
    settings.insert("window".into(), window.to_string());
    settings.insert("seed".into(), opts.seed.to_string());
    settings.insert("temperature".into(), opts.temperature.to_string());
    settings.insert("source_sentences".into(), opts.source_sentences.to_string());
    settings.insert("notes_sentences".into(), opts.notes_sentences.to_string());
    settings.insert(
        "constrained".into(),
        ctx.constrain
            .load(std::sync::atomic::Ordering::Relaxed)
            .to_string(),
    );
    if !input.termbase.is_empty() {
        settings.insert("termbase_terms".into(), input.termbase.len().to_string());
    }
    let provenance = Provenance {
        model: Some(backend.info().name.clone()),
        settings,
        source_hashes: input
            .documents
            .iter()
            .map(|d| d.meta.content_hash.clone())
            .collect(),
        fallback: None,
        stats: stats.into_map(sources.len()),
    };
    Ok(Draft {
        template: template.id.clone(),
        doc_type: template.doc_type.clone(),
        title: tr(lang, &template.title),
        lang,
        ai_generated: true,
        preamble: tr(
            lang,
            &fill(
                &fragments.preamble,
                template,
                input.fields,
                &missing,
                template_lang,
            )
            .0,
        ),
        sections,
        missing_fields,
        unknown_fields: unknown,
        sources: input
            .documents
            .iter()
            .map(|d| DraftSource {
                id: d.id.clone(),
                title: d.meta.title.clone(),
                file_name: d.meta.file_name.clone(),
                content_hash: d.meta.content_hash.clone(),
            })
            .collect(),
        term_flags: term_flags_all,
        usage: usage_notes,
        warnings,
        provenance,
    })
}

/// Template text in the draft's script (Simplified drafts use the Traditional template).
fn tr(lang: Lang, text: &str) -> String {
    if lang == Lang::ZhHans {
        convert(text, Lang::ZhHans)
    } else {
        text.to_string()
    }
}

/// What every section's pass shares.
struct Shared<'a> {
    ctx: &'a PassContext<'a>,
    index: &'a SourceIndex,
    system: &'a str,
    notes: &'a str,
    supplied: &'a [(String, String)],
    missing: &'a [String],
    lang: Lang,
    window: usize,
}

struct Job<'a> {
    section: &'a Section,
    /// The template's example of the section, fields filled in.
    example: String,
    cite: bool,
    sentences: usize,
}

/// One section as the model wrote it, checked.
struct Written {
    sentences: Vec<CheckedSentence>,
    /// The template wants citations but there were no sources to cite.
    cite_required: bool,
    usage: Usage,
    calls: u64,
    shown: usize,
    cited: usize,
    kept: usize,
}

async fn write_section(sh: &Shared<'_>, job: &Job<'_>) -> Result<Written, ComposeError> {
    let per_sentence = if sh.lang.is_chinese() { 120 } else { 60 };
    let out_tokens = (job.sentences * per_sentence).clamp(96, (sh.window / 3).max(96));
    let task_message = |lines: &str| -> String {
        user_message(&SectionTask {
            section: job.section,
            source_lines: lines,
            notes: sh.notes,
            fields: sh.supplied,
            missing: sh.missing,
            example: &job.example,
            sentences: job.sentences,
            cite: job.cite,
        })
    };
    let frame = format!("{}{}", sh.system, task_message(""));
    let overhead = sh.ctx.backend.count_tokens(&frame).await? + TEMPLATE_TOKENS;
    let Some(budget) = sh
        .window
        .checked_sub(overhead + out_tokens + 16)
        .filter(|b| !job.cite || *b >= 64)
    else {
        return Err(ComposeError::WindowTooSmall {
            window: sh.window,
            section: job.section.id.clone(),
        });
    };

    let mut items: Vec<Note> = Vec::new();
    let mut lines = String::new();
    if job.cite {
        let query = format!(
            "{} {} {}",
            job.section.heading, job.section.purpose, sh.notes
        );
        let mut chosen = sh.index.select(&query, budget);
        // The estimate may undercount for this model's tokenizer: check, and drop the
        // least relevant lines until the real count fits.
        for _ in 0..8 {
            items = chosen
                .iter()
                .map(|&i| {
                    let u = &sh.ctx.sources.units[i];
                    Note {
                        text: u.text().to_string(),
                        sources: vec![u.id],
                    }
                })
                .collect();
            lines = numbered_lines(&items);
            if sh.ctx.backend.count_tokens(&lines).await? <= budget || chosen.is_empty() {
                break;
            }
            let drop = (chosen.len() / 6).max(1);
            let order = sh.index.least_relevant_first(&query, &chosen);
            let gone: Vec<usize> = order.into_iter().take(drop).collect();
            chosen.retain(|i| !gone.contains(i));
        }
    }
    let messages = vec![
        ChatMessage::system(sh.system),
        ChatMessage::user(task_message(&lines)),
    ];
    let shape = if job.cite {
        bullets_grammar(job.sentences, items.len())
    } else {
        prose_grammar(job.sentences)
    };
    let completion = sh
        .ctx
        .call(
            messages,
            Some(StructuredOutput::Grammar(shape)),
            out_tokens as u32,
        )
        .await?;
    let mut parsed = parse_bullets(&completion.text);
    parsed.truncate(job.sentences);
    if job.cite {
        let r = sh.ctx.check(&parsed, &items, completion.usage);
        return Ok(Written {
            sentences: r.sentences,
            cite_required: false,
            usage: r.usage,
            calls: 1,
            shown: items.len(),
            cited: r.cited,
            kept: r.kept,
        });
    }
    // Written from the notes: figures and names are checked against what the
    // officer gave (notes, fields, the template's own wording).
    let mut reference = vec![sh.notes.to_string(), job.example.clone()];
    reference.extend(sh.supplied.iter().map(|(_, v)| v.clone()));
    let refs: Vec<&str> = reference.iter().map(String::as_str).collect();
    let mut seen = std::collections::HashSet::new();
    let sentences = parsed
        .iter()
        .filter(|s| seen.insert(s.text.to_lowercase()))
        .map(|s| CheckedSentence {
            text: s.text.clone(),
            ids: Vec::new(),
            citations: Vec::new(),
            flags: check_facts(&s.text, &refs)
                .into_iter()
                .map(Flag::FactNotInSource)
                .collect(),
        })
        .collect();
    Ok(Written {
        sentences,
        cite_required: job.section.citations,
        usage: completion.usage,
        calls: 1,
        shown: 0,
        cited: 0,
        kept: 0,
    })
}

fn to_sentence(s: &CheckedSentence, cite_required: bool) -> SummarySentence {
    let mut flags: Vec<SentenceFlag> = Vec::new();
    if cite_required {
        flags.push(SentenceFlag::NoCitation);
    }
    for f in &s.flags {
        match f {
            Flag::NoCitation => flags.push(SentenceFlag::NoCitation),
            Flag::Unsupported => flags.push(SentenceFlag::Unsupported),
            Flag::FactNotInSource(fact) => flags.push(SentenceFlag::NotInSource {
                what: format!("{:?}", fact.kind).to_lowercase(),
                text: fact.text.clone(),
            }),
            Flag::InventedId(_) | Flag::UnsupportedCitation(_) => {}
        }
    }
    flags.dedup();
    SummarySentence {
        text: s.text.clone(),
        citations: s.citations.clone(),
        flags,
    }
}

#[derive(Debug, Default)]
struct Stats {
    calls: u64,
    prompt_tokens: u64,
    completion_tokens: u64,
    cached_prompt_tokens: u64,
    sentences: u64,
    cited_sentences: u64,
    flagged_sentences: u64,
    citations_dropped: u64,
    lines_shown_max: u64,
}

impl Stats {
    fn add(&mut self, w: &Written) {
        self.calls += w.calls;
        self.prompt_tokens += w.usage.prompt_tokens as u64;
        self.completion_tokens += w.usage.completion_tokens as u64;
        self.cached_prompt_tokens += w.usage.cached_prompt_tokens as u64;
        self.sentences += w.sentences.len() as u64;
        self.cited_sentences += w
            .sentences
            .iter()
            .filter(|s| !s.citations.is_empty())
            .count() as u64;
        self.flagged_sentences += w
            .sentences
            .iter()
            .filter(|s| !s.flags.is_empty() || w.cite_required)
            .count() as u64;
        self.citations_dropped += w.cited.saturating_sub(w.kept) as u64;
        self.lines_shown_max = self.lines_shown_max.max(w.shown as u64);
    }

    fn into_map(self, source_lines: usize) -> BTreeMap<String, u64> {
        BTreeMap::from([
            ("model_calls".to_string(), self.calls),
            ("prompt_tokens".to_string(), self.prompt_tokens),
            ("completion_tokens".to_string(), self.completion_tokens),
            (
                "cached_prompt_tokens".to_string(),
                self.cached_prompt_tokens,
            ),
            ("sentences".to_string(), self.sentences),
            ("cited_sentences".to_string(), self.cited_sentences),
            ("flagged_sentences".to_string(), self.flagged_sentences),
            ("citations_dropped".to_string(), self.citations_dropped),
            ("source_lines".to_string(), source_lines as u64),
            ("source_lines_shown_max".to_string(), self.lines_shown_max),
        ])
    }
}
