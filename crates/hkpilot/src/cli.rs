//! Command-line arguments. Every setting is also an `HKPILOT_*` environment variable
//! and a config-file key (see `config.rs`); flags win over the environment, which
//! wins over the file.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "hkpilot",
    version,
    about = "HKPilot: a self-hosted, bilingual (English / 中文) document assistant",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    /// Configuration file (TOML). Settings: file < environment < flags.
    #[arg(long, env = "HKPILOT_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Where HKPilot keeps its data (documents, index, database).
    #[arg(long, env = "HKPILOT_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Largest input file accepted, in bytes.
    #[arg(
        long,
        env = "HKPILOT_MAX_FILE_BYTES",
        global = true,
        value_name = "BYTES"
    )]
    pub max_file_bytes: Option<u64>,

    /// Largest number of pages read from one PDF.
    #[arg(long, env = "HKPILOT_MAX_PAGES", global = true, value_name = "N")]
    pub max_pages: Option<u32>,

    /// Where GGUF models are kept (default: <data-dir>/models, plus ./.models where
    /// the project's setup installs the default model).
    #[arg(long, env = "HKPILOT_MODEL_DIR", global = true, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,

    /// The model to use: a name from `hkpilot model list` or a path to a GGUF file.
    /// `serve` takes several, comma-separated; the first is the default.
    #[arg(
        long,
        env = "HKPILOT_MODEL",
        global = true,
        value_name = "MODEL",
        value_delimiter = ','
    )]
    pub model: Vec<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read documents (PDF, DOCX, HTML, Markdown, text) and print their structure.
    Ingest(IngestArgs),
    /// Summarise documents, every sentence cited to its place in the source.
    Summarize(SummarizeArgs),
    /// Serve the OpenAI-compatible API (/v1/...) over the configured models.
    Serve(ServeArgs),
    /// Manage GGUF models: list, pull, info, rm.
    Model(ModelArgs),
    /// Evaluate HKPilot on a dataset: ROUGE, length, citations, cost.
    Eval(EvalArgs),
    /// Translate a document or a text (en, zh-Hant, zh-Hans) with a language model,
    /// structure kept, the termbase enforced and every block checked for gaps.
    Translate(TranslateArgs),
    /// Draft a document (memo, reply, press release, LegCo brief…) from a template,
    /// notes, fields and source documents, every fact cited.
    Draft(DraftArgs),
    /// Rewrite a text: shorten, expand, plain, formal, tone, grammar, or convert
    /// between Traditional and Simplified Chinese; shows what changed.
    Rewrite(RewriteArgs),
    /// Manage the server's accounts on the server itself: create the first
    /// administrator, list, disable and enable users, reset passwords, add departments.
    Admin(AdminArgs),
    /// Check or export the server's hash-chained audit log.
    Audit(AuditArgs),
}

#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub action: AdminAction,

    /// Output format.
    #[arg(
        long,
        value_enum,
        default_value = "md",
        env = "HKPILOT_FORMAT",
        global = true
    )]
    pub format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create a user. The password is read from HKPILOT_PASSWORD, else from the first
    /// line of standard input (so it stays out of shell history and process lists).
    CreateUser {
        #[arg(long, value_name = "NAME")]
        username: String,
        /// Name shown in the page (default: the username).
        #[arg(long = "name", value_name = "TEXT")]
        display_name: Option<String>,
        /// Department id, e.g. `csb`; created if it does not exist.
        #[arg(long, value_name = "ID")]
        department: String,
        /// officer, department_admin or system_admin.
        #[arg(long, default_value = "officer", value_name = "ROLE")]
        role: String,
        /// The department's English name, when it is created now.
        #[arg(long, value_name = "TEXT")]
        department_name_en: Option<String>,
        /// The department's Chinese name, when it is created now.
        #[arg(long, value_name = "TEXT")]
        department_name_zh: Option<String>,
    },
    /// List every user.
    ListUsers,
    /// Disable a user: they cannot sign in and their sessions and keys stop working.
    DisableUser { username: String },
    /// Enable a disabled user again.
    EnableUser { username: String },
    /// Set a new password (HKPILOT_PASSWORD or standard input) and end the user's
    /// sessions.
    ResetPassword { username: String },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub action: AuditAction,
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check every link and hash of the audit log; exit 1 if it was tampered with.
    Verify,
    /// Write the whole log as JSON Lines (to standard output, or -o FILE).
    Export {
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Markdown, for people.
    Md,
    /// JSON, stable, for scripts.
    Json,
    /// Plain text.
    Text,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files to read.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct SummarizeArgs {
    /// Files to summarise; each gets its own summary unless --together is given.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Summary length: brief, standard, detailed, or a number of sentences (5),
    /// characters (300c), words (200w) or bullet points (5b).
    #[arg(long, env = "HKPILOT_SUMMARY_LENGTH", value_name = "LENGTH")]
    pub length: Option<String>,

    /// Output language/script: en, zh-Hant or zh-Hans. Chinese sentences are converted
    /// to the requested script; without a model, English sentences stay English.
    #[arg(long, env = "HKPILOT_SUMMARY_LANG", value_name = "LANG")]
    pub lang: Option<String>,

    /// Summarise all files together as one collection.
    #[arg(long, conflicts_with = "compare")]
    pub together: bool,

    /// Summarise each file with the same settings and show the summaries side by side.
    #[arg(long)]
    pub compare: bool,

    /// With a model: what the summary should concentrate on, e.g. "what this means for
    /// the Education Bureau".
    #[arg(long, env = "HKPILOT_SUMMARY_FOCUS", value_name = "TEXT")]
    pub focus: Option<String>,

    /// With a model: also sort the summary into key points, decisions, figures,
    /// action items (owner, due date) and open questions.
    #[arg(long)]
    pub structured: bool,

    /// With a model: tokens one model pass may use (prompt and output). Longer
    /// documents are summarised chunk by chunk and the notes merged.
    #[arg(long, env = "HKPILOT_SUMMARY_WINDOW", value_name = "TOKENS")]
    pub window: Option<usize>,

    /// With a model: chunks summarised at once (the engine batches them; default 4,
    /// or 1 on machines with two cores or fewer, where batching gains nothing).
    #[arg(long, env = "HKPILOT_SUMMARY_PARALLEL", value_name = "N")]
    pub parallel: Option<usize>,

    /// With a model: sampling seed (greedy decoding is the default, so runs repeat).
    #[arg(long, env = "HKPILOT_SEED", value_name = "N")]
    pub seed: Option<u64>,

    /// Output format. `docx` writes a Word file (see --output).
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: SummaryFormat,

    /// Where to write the output (required for docx; default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// How a summary is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// Markdown, for people.
    Md,
    /// JSON, stable, for scripts.
    Json,
    /// Plain text.
    Text,
    /// A Word document with citations as footnotes.
    Docx,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; any other address needs API keys
    /// (HKPILOT_API_KEYS).
    #[arg(long, env = "HKPILOT_BIND", value_name = "ADDR")]
    pub bind: Option<IpAddr>,

    /// Port to listen on (0 picks a free one and prints it).
    #[arg(long, env = "HKPILOT_PORT", value_name = "PORT")]
    pub port: Option<u16>,

    /// KV cache cells per model, shared by all requests in flight.
    #[arg(long, env = "HKPILOT_CTX_SIZE", value_name = "TOKENS")]
    pub ctx_size: Option<u32>,

    /// Inference threads per model (default: physical cores).
    #[arg(long, env = "HKPILOT_THREADS", value_name = "N")]
    pub threads: Option<u32>,

    /// Requests each model decodes together (default 4); more wait in its queue.
    #[arg(long, env = "HKPILOT_PARALLEL", value_name = "N")]
    pub parallel: Option<u32>,

    /// Tokens one decode step may take from prompts (default 512); 2048 measured
    /// faster with flash attention and many long prompts at once.
    #[arg(long, env = "HKPILOT_BATCH_SIZE", value_name = "TOKENS")]
    pub batch_size: Option<u32>,

    /// Give each of the --parallel requests its own ctx-size / parallel KV cells
    /// instead of one shared pool: faster with many long distinct prompts at once, but
    /// one request can then use only its share of the context.
    #[arg(long, env = "HKPILOT_KV_STREAMS")]
    pub kv_streams: bool,

    /// Flash attention on the CPU: faster prompts when many long requests run at once;
    /// batched output is then not bit-identical to one-at-a-time output.
    #[arg(long, env = "HKPILOT_FLASH_ATTENTION")]
    pub flash_attention: bool,

    /// Largest upload accepted by the page and the API, in megabytes (default 100).
    #[arg(long, env = "HKPILOT_MAX_UPLOAD_MB", value_name = "MB")]
    pub max_upload_mb: Option<u64>,

    /// Mark session cookies Secure: set this when users reach the server over HTTPS
    /// (e.g. behind a TLS-terminating proxy).
    #[arg(long, env = "HKPILOT_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Background jobs (reading uploads, summaries) run at once (default 2).
    #[arg(long, env = "HKPILOT_WORKERS", value_name = "N")]
    pub workers: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub action: ModelAction,

    /// Output format.
    #[arg(
        long,
        value_enum,
        default_value = "md",
        env = "HKPILOT_FORMAT",
        global = true
    )]
    pub format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum ModelAction {
    /// The installed models, with architecture, size, quantisation and context length.
    List,
    /// Download a GGUF model by URL, `owner/repo:file.gguf` or `hf://owner/repo/file.gguf`
    /// (resumable, checked, installed only when complete).
    Pull(PullArgs),
    /// Everything the GGUF header says about a model (no weights are loaded).
    Info {
        /// Model names or paths.
        #[arg(required = true, value_name = "MODEL")]
        models: Vec<String>,
    },
    /// Delete installed models. The default model needs --force.
    Rm {
        /// Model names or paths.
        #[arg(required = true, value_name = "MODEL")]
        models: Vec<String>,
        /// Also delete the default model.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// URL or Hugging Face reference of the GGUF file.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Expected SHA-256 of the file (hex); a mismatch deletes the download.
    #[arg(long, value_name = "HEX")]
    pub sha256: Option<String>,
    /// File name to install under (default: the source's file name).
    #[arg(long = "file", value_name = "NAME.gguf")]
    pub file_name: Option<String>,
    /// Download again even when the model is installed.
    #[arg(long)]
    pub force: bool,
    /// Base URL of the model hub (for mirrors).
    #[arg(long, env = "HKPILOT_HF_ENDPOINT", value_name = "URL")]
    pub hf_endpoint: Option<String>,
    /// Token for gated hub repositories (sent to the hub only).
    #[arg(
        long,
        env = "HKPILOT_HF_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub hf_token: Option<String>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub action: EvalAction,
}

#[derive(Debug, Subcommand)]
pub enum EvalAction {
    /// Summarise every item of a dataset and score the summaries against its
    /// references: ROUGE-1/2/L (character-level for Chinese), length, citation
    /// precision, unsupported sentences, faithfulness flags, seconds and tokens.
    Summarize(EvalSummarizeArgs),
}

/// Which summariser `eval summarize` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalSystem {
    /// The extractive summariser (no model).
    Extractive,
    /// The grounded model pipeline with the configured model (--model), or the
    /// default model when none is configured.
    Model,
    /// Both, compared in one table.
    Both,
    /// Neither: score only the summaries given with --predictions.
    None,
}

#[derive(Debug, Args)]
pub struct EvalSummarizeArgs {
    /// The dataset: a JSONL file (L-Eval lines, or objects with `source` and
    /// `summary`), or line-aligned PATH.src.txt / PATH.tgt.txt files (give either
    /// file or the prefix PATH).
    #[arg(long, value_name = "PATH")]
    pub dataset: PathBuf,

    /// Evaluate only the first N items.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Which summariser to evaluate (default: `model` when a model is configured with
    /// --model / HKPILOT_MODEL, else `extractive`).
    #[arg(long, value_enum)]
    pub system: Option<EvalSystem>,

    /// Another system's summaries of the same items (a peer pipeline, a bigger model
    /// run elsewhere), scored in the same table: JSONL with a `summary` per line (and
    /// optional `id`, `seconds`, `prompt_tokens`, `completion_tokens`, `system`,
    /// `model`), or plain text with line n the summary of item n. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub predictions: Vec<PathBuf>,

    /// Summary length for every item, as for `summarize` (brief, standard, 5, 300c,
    /// 200w…). Default: each item's first reference's length in characters, so
    /// that every system is scored at the reference's length.
    #[arg(long, value_name = "LENGTH")]
    pub length: Option<String>,

    /// Output language/script: en, zh-Hant or zh-Hans (default: the source's). ROUGE
    /// against references in another script means little.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,

    /// With a model: tokens one model pass may use (prompt and output).
    #[arg(long, value_name = "TOKENS")]
    pub window: Option<usize>,

    /// With a model: chunks summarised at once (default 4; 1 on machines with two
    /// cores or fewer, where batching gains nothing).
    #[arg(long, value_name = "N")]
    pub parallel: Option<usize>,

    /// With a model: sampling seed; the same seed gives the same summaries.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,

    /// Output format: md and text print the systems table, then one table per system
    /// with a row per document; json prints the reports with every item.
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: OutputFormat,

    /// Also write the reports as JSON to FILE, whatever --format is.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
If FILE|TEXT is not an existing file it is translated as literal text (an argument \
that looks like a file name but does not exist is an error); `-` reads standard input. \
A model is needed (--model / HKPILOT_MODEL); with none configured the default model \
installed by scripts/setup.sh is used. Every output is labelled as machine translation; \
blocks that fail the completeness or termbase checks are flagged, never dropped, and \
the exit code is still 0.")]
pub struct TranslateArgs {
    /// The file to translate (PDF, DOCX, HTML, Markdown, text), `-` for standard
    /// input, or the text itself when no file of that name exists.
    #[arg(value_name = "FILE|TEXT")]
    pub input: String,

    /// Target language: en, zh-Hant (Hong Kong usage) or zh-Hans.
    #[arg(long, env = "HKPILOT_TRANSLATE_TO", value_name = "LANG")]
    pub to: Option<String>,

    /// Output format. `docx` writes a Word file (see --output).
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: TranslateFormat,

    /// Where to write the output (required for docx; default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Termbase files (TOML) merged on top of the built-in starter termbase.
    #[arg(
        long,
        env = "HKPILOT_TERMBASE",
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub termbase: Vec<PathBuf>,

    /// The department whose termbase entries apply (in place of global ones).
    #[arg(long, env = "HKPILOT_DEPARTMENT", value_name = "DEPT")]
    pub department: Option<String>,

    /// Tokens one model request may use (prompt and output; default 2048).
    #[arg(long, env = "HKPILOT_TRANSLATE_WINDOW", value_name = "TOKENS")]
    pub window: Option<usize>,

    /// Source tokens per chunk (default: derived from the window, at most 384).
    #[arg(long, env = "HKPILOT_TRANSLATE_CHUNK_TOKENS", value_name = "TOKENS")]
    pub chunk_tokens: Option<usize>,

    /// Chunks translated at once (the engine batches them; default 4).
    #[arg(long, env = "HKPILOT_TRANSLATE_PARALLEL", value_name = "N")]
    pub parallel: Option<usize>,

    /// Sampling seed (decoding is greedy, so runs repeat).
    #[arg(long, env = "HKPILOT_SEED", value_name = "N")]
    pub seed: Option<u64>,
}

/// How a translation is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranslateFormat {
    /// Markdown (headings, lists, tables), flags as quotes.
    Md,
    /// JSON, stable: every block with source, translation, flags and term misses.
    Json,
    /// Plain text.
    Text,
    /// A Word document (headings, lists, tables; flags highlighted).
    Docx,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Fields are given as --field key=value (repeat the flag; \\n in a value is a line \
break). Required fields that are missing are listed as questions and appear in the \
draft as visible placeholders ([TO FILL: …] / ［待填：…］), never invented. A model is \
needed (--model / HKPILOT_MODEL); with none configured the default model installed by \
scripts/setup.sh is used. Every draft is labelled as AI-generated.")]
pub struct DraftArgs {
    /// The document type: public_reply, memo, press_release, legco_brief,
    /// legco_reply, minutes, speech, circular (or one an administrator added).
    #[arg(long = "type", value_name = "TYPE")]
    pub doc_type: String,

    /// The draft's language: en, zh-Hant, or zh-Hans (from the Traditional template).
    #[arg(long, env = "HKPILOT_DRAFT_LANG", value_name = "LANG")]
    pub lang: Option<String>,

    /// Source documents the draft may cite (PDF, DOCX, HTML, Markdown, text). The
    /// model sees these and nothing else.
    #[arg(long = "from", value_name = "FILE", num_args = 1..)]
    pub from: Vec<PathBuf>,

    /// The officer's notes: what the document should say. A file, `-` for standard
    /// input, or the text itself.
    #[arg(long, value_name = "TEXT|FILE")]
    pub notes: Option<String>,

    /// A field of the template, as key=value (to, date, subject, signatory…).
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,

    /// Output format. `docx` writes a Word file (see --output).
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: DraftFormat,

    /// Where to write the output (required for docx; default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Directories of administrators' templates (TOML), loaded over the built-in ones.
    #[arg(
        long,
        env = "HKPILOT_TEMPLATES",
        value_name = "DIR",
        value_delimiter = ','
    )]
    pub templates: Vec<PathBuf>,

    /// Termbase files (TOML) merged on top of the built-in starter termbase.
    #[arg(
        long,
        env = "HKPILOT_TERMBASE",
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub termbase: Vec<PathBuf>,

    /// The department whose termbase entries apply (in place of global ones).
    #[arg(long, env = "HKPILOT_DEPARTMENT", value_name = "DEPT")]
    pub department: Option<String>,

    /// Tokens one section's model pass may use (prompt and output; default 4096).
    #[arg(long, env = "HKPILOT_DRAFT_WINDOW", value_name = "TOKENS")]
    pub window: Option<usize>,

    /// Sections drafted at once (the engine batches them; default 4).
    #[arg(long, env = "HKPILOT_DRAFT_PARALLEL", value_name = "N")]
    pub parallel: Option<usize>,

    /// Most sentences the model writes for one section (default 4 for sections drafted
    /// from the sources, 3 for the others).
    #[arg(long, env = "HKPILOT_DRAFT_SENTENCES", value_name = "N")]
    pub sentences: Option<usize>,

    /// Sampling seed (decoding is greedy, so runs repeat).
    #[arg(long, env = "HKPILOT_SEED", value_name = "N")]
    pub seed: Option<u64>,
}

/// How a draft is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DraftFormat {
    /// Markdown: the template's sections, citations as footnotes.
    Md,
    /// JSON, stable: sections with sentences, citations, flags, missing fields.
    Json,
    /// Plain text, citations as [n].
    Text,
    /// A Word document, citations as footnotes.
    Docx,
}

#[derive(Debug, Args)]
#[command(after_help = "\
to-hant and to-hans convert by rule (OpenCC, Hong Kong usage for Traditional) and need \
no model; the other operations use the model (--model / HKPILOT_MODEL, else the \
default model). Figures and names the model changed or dropped are flagged.")]
pub struct RewriteArgs {
    /// What to do: shorten, expand, plain, formal, tone:<word>, grammar, to-hant,
    /// to-hans.
    #[arg(long, value_name = "OP")]
    pub op: String,

    /// The file to rewrite, `-` for standard input, or the text itself when no file of
    /// that name exists.
    #[arg(value_name = "FILE|TEXT")]
    pub input: String,

    /// Output format: md (result, diff, checks), json (with the diff as operations), or
    /// text (the result alone).
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: RewriteFormat,

    /// Where to write the output (default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Tokens one model pass may use (prompt and output; default 4096).
    #[arg(long, env = "HKPILOT_DRAFT_WINDOW", value_name = "TOKENS")]
    pub window: Option<usize>,

    /// Sampling seed (decoding is greedy, so runs repeat).
    #[arg(long, env = "HKPILOT_SEED", value_name = "N")]
    pub seed: Option<u64>,
}

/// How a rewrite is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RewriteFormat {
    /// Markdown: the result, the changes (~~deleted~~ **inserted**), the checks.
    Md,
    /// JSON, stable: the result and the diff as equal / insert / delete operations.
    Json,
    /// The rewritten text alone.
    Text,
}
