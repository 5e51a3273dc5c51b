//! The bilingual termbase: official English and Chinese renderings of bureaux,
//! departments, office holders, ordinances, places and policy terms.
//!
//! Entries live in TOML files (`[[term]]` tables). The starter set
//! (`termbase/starter.toml`) is compiled into the binary; department files merge on
//! top of it with [`Termbase::load`]. A later file may repeat an entry (same English,
//! same Chinese) to replace it (to add aliases, say), but two entries that give one term
//! different renderings in the same scope are an error naming both. Entries with a
//! `department` form that department's scope: they apply, in place of global entries
//! for the same term, once [`Termbase::set_department`] selects the department.
//!
//! An entry's file form:
//!
//! ```toml
//! [[term]]
//! en = "Education Bureau"
//! zh_hant = "教育局"
//! # zh_hans = "教育局"       # optional; otherwise converted from zh_hant
//! kind = "department"      # department | title | ordinance | policy_term | place | body | other
//! aliases_en = [{ text = "EDB", acceptable = true }, "Education Dept"]
//! aliases_zh = []
//! # chapter = "57"          # ordinances: the chapter of the Laws of Hong Kong
//! # department = "EDB"      # scope; a file may also set `department` at the top
//! # case_sensitive = true   # match the English only in this case (Treasury, Gazette)
//! note = "…"
//! ```
//!
//! An alias written as a plain string is recognised in source text but is *not* an
//! acceptable rendering in output; mark it `acceptable = true` to allow it there.

use crate::error::DraftError;
use crate::matching::{fold_zh, norm_en, raw_zh};
use hkpilot_core::Lang;
use hkpilot_text::script::{is_han, script_evidence};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The starter termbase compiled into the binary.
pub const STARTER_TERMBASE: &str = include_str!("../termbase/starter.toml");

/// What a term names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    /// A policy bureau, department, office or agency of the Government.
    Department,
    /// The title of an office holder.
    Title,
    /// An ordinance or other piece of legislation.
    Ordinance,
    /// A recurring policy term, scheme or fund.
    PolicyTerm,
    /// A place or district.
    Place,
    /// A statutory or public body, council, committee or court.
    Body,
    Other,
}

/// Another way of writing a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    pub text: String,
    /// Whether the alias may stand for the term in output (else it is only recognised).
    pub acceptable: bool,
}

/// One termbase entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermEntry {
    pub en: String,
    pub zh_hant: String,
    /// Given in the file, or converted from `zh_hant`.
    pub zh_hans: String,
    pub kind: TermKind,
    /// For ordinances: the chapter number (`57`, `486`).
    pub chapter: Option<String>,
    pub aliases_en: Vec<Alias>,
    pub aliases_zh: Vec<Alias>,
    /// The department whose scope the entry belongs to; `None` is the global scope.
    pub department: Option<String>,
    pub note: Option<String>,
    /// English matched in this case only.
    pub case_sensitive: bool,
    /// Where it was defined: `starter.toml term[12]`.
    pub origin: String,
    #[serde(skip)]
    pub(crate) file: String,
}

impl TermEntry {
    /// The required rendering in `lang`.
    pub fn rendering(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::ZhHant => &self.zh_hant,
            Lang::ZhHans => &self.zh_hans,
        }
    }

    /// The rendering as a document cites it: ordinances with their chapter
    /// (`Employment Ordinance (Cap. 57)`, `《僱傭條例》（第57章）`).
    pub fn formal_rendering(&self, lang: Lang) -> String {
        let name = self.rendering(lang);
        match (&self.chapter, lang) {
            (Some(cap), Lang::En) => format!("{name} (Cap. {cap})"),
            (Some(cap), _) => format!("《{name}》（第{cap}章）"),
            (None, _) => name.to_string(),
        }
    }

    /// The aliases of `lang`'s side, written in `lang`'s script.
    pub fn aliases(&self, lang: Lang) -> Vec<Alias> {
        match lang {
            Lang::En => self.aliases_en.clone(),
            Lang::ZhHant => self.aliases_zh.clone(),
            Lang::ZhHans => self
                .aliases_zh
                .iter()
                .map(|a| Alias {
                    text: hkpilot_text::convert::convert(&a.text, Lang::ZhHans),
                    acceptable: a.acceptable,
                })
                .collect(),
        }
    }

    /// The rendering and the acceptable aliases, in `lang`'s script.
    pub fn acceptable(&self, lang: Lang) -> Vec<String> {
        let mut out = vec![self.rendering(lang).to_string()];
        out.extend(
            self.aliases(lang)
                .into_iter()
                .filter(|a| a.acceptable)
                .map(|a| a.text),
        );
        out
    }

    /// A short label for error messages.
    fn label(&self) -> String {
        format!("{} ({} → {})", self.origin, self.en, self.zh_hant)
    }
}

/// An English pattern of an entry, ready for matching.
#[derive(Debug, Clone)]
pub(crate) struct EnKey {
    /// Normalised, lower-cased unless `case_sensitive`.
    pub pattern: String,
    /// Lower-cased, for conflicts.
    pub key: String,
    pub case_sensitive: bool,
    pub plural: bool,
    pub canonical: bool,
    pub text: String,
}

/// A Chinese pattern of an entry, ready for matching.
#[derive(Debug, Clone)]
pub(crate) struct ZhKey {
    /// Folded to Simplified (also the conflict key).
    pub folded: String,
    /// Script kept, brackets folded.
    pub raw: String,
    pub canonical: bool,
    pub text: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub en: Vec<EnKey>,
    pub zh: Vec<ZhKey>,
}

/// A single word with two or more capitals (EDB, LegCo, HyD) is an abbreviation:
/// matched in its own case, with no plural.
fn is_abbreviation(s: &str) -> bool {
    !s.contains(' ') && s.chars().filter(char::is_ascii_uppercase).count() >= 2
}

impl Keys {
    fn of(e: &TermEntry) -> Keys {
        let mut en = Vec::new();
        let canonical = Alias {
            text: e.en.clone(),
            acceptable: true,
        };
        for (i, a) in std::iter::once(&canonical).chain(&e.aliases_en).enumerate() {
            let abbr = is_abbreviation(&a.text);
            let case_sensitive = e.case_sensitive || abbr;
            en.push(EnKey {
                pattern: norm_en(&a.text, !case_sensitive),
                key: norm_en(&a.text, true),
                case_sensitive,
                plural: !abbr && a.text.ends_with(|c: char| c.is_ascii_lowercase()),
                canonical: i == 0,
                text: a.text.clone(),
            });
        }
        let mut zh = Vec::new();
        let mut push = |text: &str, canonical: bool| {
            let folded = fold_zh(text);
            if zh.iter().any(|k: &ZhKey| k.raw == raw_zh(text)) {
                return;
            }
            zh.push(ZhKey {
                folded,
                raw: raw_zh(text),
                canonical,
                text: text.to_string(),
            });
        };
        push(&e.zh_hant, true);
        push(&e.zh_hans, true);
        for a in &e.aliases_zh {
            push(&a.text, false);
        }
        Keys { en, zh }
    }

    fn en_key(&self) -> &str {
        &self.en[0].key
    }

    fn zh_key(&self) -> &str {
        &self.zh[0].folded
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    term: Vec<RawEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawAlias {
    Plain(String),
    Marked {
        text: String,
        #[serde(default)]
        acceptable: bool,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    en: String,
    zh_hant: String,
    #[serde(default)]
    zh_hans: Option<String>,
    kind: TermKind,
    #[serde(default)]
    chapter: Option<String>,
    #[serde(default)]
    aliases_en: Vec<RawAlias>,
    #[serde(default)]
    aliases_zh: Vec<RawAlias>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    case_sensitive: bool,
}

/// The termbase: entries of every scope, and the department whose scope is active.
#[derive(Debug, Clone, Default)]
pub struct Termbase {
    pub(crate) entries: Vec<TermEntry>,
    pub(crate) keys: Vec<Keys>,
    department: Option<String>,
}

fn scope_name(d: &Option<String>) -> String {
    match d {
        None => "global scope".to_string(),
        Some(d) => format!("department {d}"),
    }
}

impl Termbase {
    /// A termbase with no entries.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The starter set. It is checked by the tests, so failing here is a bug in the
    /// build, not a user error.
    pub fn starter() -> Self {
        let mut tb = Self::empty();
        tb.merge_str("builtin:termbase/starter.toml", STARTER_TERMBASE)
            .unwrap_or_else(|e| panic!("the starter termbase is invalid: {e}"));
        tb
    }

    /// The starter set with each file merged on top, in order.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Result<Self, DraftError> {
        let mut tb = Self::starter();
        for p in paths {
            tb.merge_file(p.as_ref())?;
        }
        Ok(tb)
    }

    /// Merges one termbase file; on error nothing of it is merged.
    pub fn merge_file(&mut self, path: &Path) -> Result<usize, DraftError> {
        let text = std::fs::read_to_string(path).map_err(|e| DraftError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        self.merge_str(&path.display().to_string(), &text)
    }

    /// Merges termbase text; `file` names it in errors. Returns the number of entries
    /// read. On error nothing of it is merged.
    pub fn merge_str(&mut self, file: &str, text: &str) -> Result<usize, DraftError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| DraftError::TermbaseSyntax {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let short = Path::new(file)
            .file_name()
            .map_or(file.to_string(), |n| n.to_string_lossy().into_owned());
        let mut next = self.clone();
        let n = raw.term.len();
        for (i, r) in raw.term.into_iter().enumerate() {
            let entry = build_entry(file, &short, i, r, raw.department.as_deref())?;
            next.add(entry)?;
        }
        *self = next;
        Ok(n)
    }

    fn add(&mut self, e: TermEntry) -> Result<(), DraftError> {
        let keys = Keys::of(&e);
        // The same term again (same English, same Chinese, same scope): a later file
        // replaces it; within one file it is a mistake.
        if let Some(x) = (0..self.entries.len()).find(|&x| {
            self.entries[x].department == e.department
                && self.keys[x].en_key() == keys.en_key()
                && self.keys[x].zh_key() == keys.zh_key()
        }) {
            if self.entries[x].file == e.file {
                return Err(DraftError::TermInvalid {
                    file: e.file.clone(),
                    entry: format!("{} ({})", e.origin, e.en),
                    message: format!(
                        "the same term is already defined at {}",
                        self.entries[x].origin
                    ),
                });
            }
            self.entries.remove(x);
            self.keys.remove(x);
        }
        for (y, other) in self.entries.iter().enumerate() {
            if other.department != e.department {
                continue;
            }
            if let Some(detail) = clash(&e, &keys, other, &self.keys[y]) {
                return Err(DraftError::TermConflict {
                    scope: scope_name(&e.department),
                    first: other.label(),
                    second: e.label(),
                    detail,
                });
            }
        }
        self.entries.push(e);
        self.keys.push(keys);
        Ok(())
    }

    /// Selects the department whose entries apply (in place of global entries for the
    /// same terms); `None` leaves the global scope alone.
    pub fn set_department(&mut self, department: Option<&str>) {
        self.department = department.map(str::to_string);
    }

    pub fn with_department(mut self, department: Option<&str>) -> Self {
        self.set_department(department);
        self
    }

    pub fn department(&self) -> Option<&str> {
        self.department.as_deref()
    }

    /// Every entry of every scope.
    pub fn entries(&self) -> &[TermEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries that apply now: the global scope, less the terms the active
    /// department redefines, plus the department's entries.
    pub(crate) fn active(&self) -> Vec<usize> {
        let dept: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.department.is_some() && self.entries[i].department == self.department)
            .collect();
        let mut out: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].department.is_none())
            .filter(|&i| {
                !dept
                    .iter()
                    .any(|&d| shares_key(&self.keys[i], &self.keys[d]))
            })
            .collect();
        out.extend(dept);
        out
    }

    /// The entries that apply now (see [`set_department`](Self::set_department)).
    pub fn active_entries(&self) -> Vec<&TermEntry> {
        self.active()
            .into_iter()
            .map(|i| &self.entries[i])
            .collect()
    }
}

fn shares_key(a: &Keys, b: &Keys) -> bool {
    a.en.iter().any(|x| b.en.iter().any(|y| x.key == y.key))
        || a.zh
            .iter()
            .any(|x| b.zh.iter().any(|y| x.folded == y.folded))
}

/// Why entries `e` and `o` (same scope, different terms) cannot both stand.
fn clash(e: &TermEntry, ek: &Keys, o: &TermEntry, ok: &Keys) -> Option<String> {
    if ek.en_key() == ok.en_key() {
        return Some(format!(
            "the same English term '{}' has two Chinese renderings, {} and {}",
            e.en, o.zh_hant, e.zh_hant
        ));
    }
    if ek.zh_key() == ok.zh_key() {
        return Some(format!(
            "the same Chinese term {} has two English renderings, '{}' and '{}'",
            e.zh_hant, o.en, e.en
        ));
    }
    for a in &ek.en {
        if let Some(b) = ok.en.iter().find(|b| b.key == a.key) {
            return Some(format!(
                "'{}' would name both '{}' and '{}'",
                if a.canonical { &b.text } else { &a.text },
                o.en,
                e.en
            ));
        }
    }
    for a in &ek.zh {
        if let Some(b) = ok.zh.iter().find(|b| b.folded == a.folded) {
            return Some(format!(
                "{} would name both {} and {}",
                if a.canonical { &b.text } else { &a.text },
                o.zh_hant,
                e.zh_hant
            ));
        }
    }
    None
}

fn build_entry(
    file: &str,
    short: &str,
    i: usize,
    r: RawEntry,
    file_department: Option<&str>,
) -> Result<TermEntry, DraftError> {
    let origin = format!("{short} term[{i}]");
    let bad = |message: String| DraftError::TermInvalid {
        file: file.to_string(),
        entry: format!("term[{i}] ({})", r.en.trim()),
        message,
    };
    let en = r.en.split_whitespace().collect::<Vec<_>>().join(" ");
    if en.is_empty() {
        return Err(bad("en must not be empty".into()));
    }
    if en.chars().any(is_han) {
        return Err(bad(format!("en '{en}' contains Chinese characters")));
    }
    let zh_hant = r.zh_hant.trim().to_string();
    if !zh_hant.chars().any(is_han) {
        return Err(bad(format!(
            "zh_hant '{zh_hant}' has no Chinese characters"
        )));
    }
    if script_evidence(&zh_hant).chinese_script() == Lang::ZhHans {
        return Err(bad(format!(
            "zh_hant '{zh_hant}' is written in Simplified characters"
        )));
    }
    let zh_hans = match r.zh_hans.as_deref().map(str::trim) {
        Some(s) => {
            let e = script_evidence(s);
            if !s.chars().any(is_han) || e.trad_only > e.simp_only {
                return Err(bad(format!(
                    "zh_hans '{s}' is not written in Simplified characters"
                )));
            }
            s.to_string()
        }
        None => hkpilot_text::convert::convert(&zh_hant, Lang::ZhHans),
    };
    if let Some(cap) = &r.chapter {
        if r.kind != TermKind::Ordinance {
            return Err(bad("chapter is only for kind = \"ordinance\"".into()));
        }
        let digits = cap.trim_end_matches(|c: char| c.is_ascii_uppercase());
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad(format!(
                "chapter '{cap}' is not a chapter number (57, 486, 57A)"
            )));
        }
    }
    let alias = |a: RawAlias, chinese: bool| -> Result<Alias, DraftError> {
        let (text, acceptable) = match a {
            RawAlias::Plain(t) => (t, false),
            RawAlias::Marked { text, acceptable } => (text, acceptable),
        };
        let text = text.trim().to_string();
        if text.is_empty() {
            return Err(bad("an alias is empty".into()));
        }
        if chinese != text.chars().any(is_han) {
            return Err(bad(format!(
                "alias '{text}' is in the wrong list: Chinese aliases go in aliases_zh, English ones in aliases_en"
            )));
        }
        Ok(Alias { text, acceptable })
    };
    let aliases_en = r
        .aliases_en
        .into_iter()
        .map(|a| alias(a, false))
        .collect::<Result<Vec<_>, _>>()?;
    let aliases_zh = r
        .aliases_zh
        .into_iter()
        .map(|a| alias(a, true))
        .collect::<Result<Vec<_>, _>>()?;
    let department = r
        .department
        .or(file_department.map(str::to_string))
        .map(|d| d.trim().to_string());
    if department.as_deref() == Some("") {
        return Err(bad("department must not be empty".into()));
    }
    Ok(TermEntry {
        en,
        zh_hant,
        zh_hans,
        kind: r.kind,
        chapter: r.chapter,
        aliases_en,
        aliases_zh,
        department,
        note: r.note.filter(|n| !n.trim().is_empty()),
        case_sensitive: r.case_sensitive,
        origin,
        file: file.to_string(),
    })
}
