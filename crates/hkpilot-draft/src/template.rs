//! Document templates as data: one TOML file per document type and language.
//!
//! A template says what a document of its type is made of (sections in order, each
//! with a heading and instructions for the drafter, and whether its statements need
//! citations to the sources), which facts the officer must supply (fields, each with a
//! bilingual question to ask when it is missing), the register and conventions of the
//! language, and a skeleton showing the layout: `{{field}}` placeholders, and a
//! `{{section:id}}` marker line opening the example of each section (every section
//! once, in order).
//!
//! The built-in templates (`templates/*.toml` in this crate) are compiled into the
//! binary; an administrator's directories are loaded on top of them and replace a
//! built-in template of the same id. Every template is validated when it is loaded, and
//! every error names the file and the field at fault.

use crate::error::DraftError;
use hkpilot_core::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The built-in templates, by file name. Every file in `templates/` must be listed here
/// (a test checks it).
pub const BUILTIN_TEMPLATE_FILES: &[(&str, &str)] = &[
    (
        "public_reply.en.toml",
        include_str!("../templates/public_reply.en.toml"),
    ),
    (
        "public_reply.zh-Hant.toml",
        include_str!("../templates/public_reply.zh-Hant.toml"),
    ),
    ("memo.en.toml", include_str!("../templates/memo.en.toml")),
    (
        "memo.zh-Hant.toml",
        include_str!("../templates/memo.zh-Hant.toml"),
    ),
    (
        "press_release.en.toml",
        include_str!("../templates/press_release.en.toml"),
    ),
    (
        "press_release.zh-Hant.toml",
        include_str!("../templates/press_release.zh-Hant.toml"),
    ),
    (
        "legco_brief.en.toml",
        include_str!("../templates/legco_brief.en.toml"),
    ),
    (
        "legco_brief.zh-Hant.toml",
        include_str!("../templates/legco_brief.zh-Hant.toml"),
    ),
    (
        "legco_reply.en.toml",
        include_str!("../templates/legco_reply.en.toml"),
    ),
    (
        "legco_reply.zh-Hant.toml",
        include_str!("../templates/legco_reply.zh-Hant.toml"),
    ),
    (
        "minutes.en.toml",
        include_str!("../templates/minutes.en.toml"),
    ),
    (
        "minutes.zh-Hant.toml",
        include_str!("../templates/minutes.zh-Hant.toml"),
    ),
    (
        "speech.en.toml",
        include_str!("../templates/speech.en.toml"),
    ),
    (
        "speech.zh-Hant.toml",
        include_str!("../templates/speech.zh-Hant.toml"),
    ),
    (
        "circular.en.toml",
        include_str!("../templates/circular.en.toml"),
    ),
    (
        "circular.zh-Hant.toml",
        include_str!("../templates/circular.zh-Hant.toml"),
    ),
];

/// The document types the built-in templates cover: (type id, English name, Chinese name).
pub const BUILTIN_TYPES: &[(&str, &str, &str)] = &[
    (
        "public_reply",
        "Reply to a member of the public",
        "回覆市民信件",
    ),
    ("memo", "Internal memo / minute", "內部便箋"),
    ("press_release", "Press release", "新聞公報"),
    (
        "legco_brief",
        "Legislative Council Brief",
        "立法會參考資料摘要",
    ),
    (
        "legco_reply",
        "Reply to a Legislative Council question",
        "立法會質詢答覆",
    ),
    ("minutes", "Minutes of meeting", "會議紀錄"),
    ("speech", "Speech", "演辭"),
    ("circular", "Circular", "通告"),
];

/// A validated template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Template {
    /// Unique in a library, e.g. `public_reply.en`.
    pub id: String,
    /// The document type (`public_reply`, `memo`, …); administrators may add types.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// `en` or `zh-Hant` (Simplified drafts are converted from Traditional ones).
    pub language: Lang,
    pub title: String,
    pub description: String,
    pub register: Register,
    /// The facts the officer supplies, in the order a form shows them.
    pub fields: Vec<Field>,
    /// The document's sections, in order.
    pub sections: Vec<Section>,
    /// The layout of a finished document: `{{field}}` placeholders, and a
    /// `{{section:id}}` line before the example of each section.
    pub skeleton: String,
    /// Where the template came from: a path, or `builtin:<file>`.
    pub source: String,
}

/// The register and conventions a draft must follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    /// The tone in a sentence or two.
    pub tone: String,
    /// Conventions the drafter must follow, one per item.
    pub rules: Vec<String>,
    /// How dates are written, as an example (`3 March 2025`, `2025年3月3日`).
    pub date_format: String,
    /// The usual salutation, if the document has one.
    #[serde(default)]
    pub salutation: Option<String>,
    /// The usual complimentary close or ending, if the document has one.
    #[serde(default)]
    pub closing: Option<String>,
}

/// The kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines (a question as put, a list of points).
    Multiline,
    /// A date, checked loosely (see [`crate::parse_date`]).
    Date,
    /// A file or reference number.
    Reference,
    /// A list, one item per line (attendees, distribution).
    List,
}

/// Text in both languages of the templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    pub en: String,
    #[serde(rename = "zh-Hant")]
    pub zh_hant: String,
}

impl Bilingual {
    /// The text for `lang`; Simplified gets the Traditional text converted.
    pub fn get(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en.clone(),
            Lang::ZhHant => self.zh_hant.clone(),
            Lang::ZhHans => hkpilot_text::convert::convert(&self.zh_hant, Lang::ZhHans),
        }
    }
}

/// A fact the officer supplies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    /// The label on a form, in the template's language.
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// What to ask the officer when the field is missing, in both languages.
    pub question: Bilingual,
    /// An example value.
    #[serde(default)]
    pub example: Option<String>,
}

/// One section of the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    /// The heading as printed (or, for unheaded parts of a letter, its name).
    #[serde(default)]
    pub heading: String,
    /// What the section is for and how to write it: instructions for the drafter.
    pub purpose: String,
    /// Whether the section's factual statements must cite the source documents.
    #[serde(default)]
    pub citations: bool,
    #[serde(default)]
    pub required: bool,
    /// Fields the section uses.
    #[serde(default)]
    pub fields: Vec<String>,
    /// How a draft writes the section, when the template says: `layout` (the
    /// skeleton's fragment, fields filled in), `notes` (the model, from the officer's
    /// notes) or `sources` (the model, cited; needs `citations = true`). Without it the
    /// drafter decides from `citations` and the fragment (see
    /// [`crate::compose::section_mode`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<crate::compose::SectionMode>,
}

/// The file form, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    #[serde(rename = "type")]
    doc_type: String,
    language: String,
    title: String,
    description: String,
    register: Register,
    #[serde(default)]
    fields: Vec<Field>,
    #[serde(default)]
    sections: Vec<Section>,
    #[serde(default)]
    skeleton: String,
}

impl Template {
    /// Parses and validates one template file; `source` names it in errors.
    pub fn parse(source: &str, text: &str) -> Result<Template, DraftError> {
        let raw: RawTemplate = toml::from_str(text).map_err(|e| DraftError::TemplateSyntax {
            file: source.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        validate(source, raw)
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn required_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.required)
    }

    /// The skeleton with the provided field values filled in and the
    /// `{{section:id}}` marker lines dropped; fields not provided keep their
    /// `{{field}}` placeholder, so nothing is invented.
    pub fn fill_skeleton(&self, provided: &BTreeMap<String, String>) -> String {
        let mut out = String::with_capacity(self.skeleton.len());
        for line in self.skeleton.lines() {
            let pieces = placeholders(line.trim());
            if let [Piece::Placeholder(name, _)] = pieces.as_slice() {
                if name.starts_with("section:") {
                    continue;
                }
            }
            for piece in placeholders(line) {
                match piece {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Placeholder(name, raw) => match provided.get(name) {
                        Some(v) if !v.trim().is_empty() && !name.starts_with("section:") => {
                            out.push_str(v.trim())
                        }
                        _ => out.push_str(raw),
                    },
                }
            }
            out.push('\n');
        }
        out
    }
}

fn invalid(source: &str, template: &str, field: String, message: impl Into<String>) -> DraftError {
    DraftError::TemplateInvalid {
        file: source.to_string(),
        template: template.to_string(),
        field,
        message: message.into(),
    }
}

fn is_slug(s: &str, extra: &[char]) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || extra.contains(&c))
}

fn validate(source: &str, raw: RawTemplate) -> Result<Template, DraftError> {
    let id = raw.id.trim().to_string();
    let bad = |field: String, message: String| invalid(source, &id, field, message);

    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(bad(
            "id".into(),
            format!(
                "'{}' is not a valid id: use letters, digits, '_', '-' and '.' only",
                raw.id
            ),
        ));
    }
    if !is_slug(&raw.doc_type, &[]) {
        return Err(bad(
            "type".into(),
            format!(
                "'{}' is not a valid type: use lower-case letters, digits and '_' (e.g. public_reply)",
                raw.doc_type
            ),
        ));
    }
    let language = match raw.language.as_str() {
        "en" => Lang::En,
        "zh-Hant" => Lang::ZhHant,
        other => {
            return Err(bad(
                "language".into(),
                format!("'{other}' is not a template language: use en or zh-Hant"),
            ))
        }
    };
    for (name, value) in [
        ("title", &raw.title),
        ("description", &raw.description),
        ("register.tone", &raw.register.tone),
        ("register.date_format", &raw.register.date_format),
    ] {
        if value.trim().is_empty() {
            return Err(bad(name.into(), "must not be empty".into()));
        }
    }
    if raw.register.rules.is_empty() {
        return Err(bad(
            "register.rules".into(),
            "list at least one convention".into(),
        ));
    }
    if let Some(i) = raw.register.rules.iter().position(|r| r.trim().is_empty()) {
        return Err(bad(
            format!("register.rules[{i}]"),
            "must not be empty".into(),
        ));
    }

    let mut field_ids = HashSet::new();
    for (i, f) in raw.fields.iter().enumerate() {
        let at = |what: &str| format!("fields[{i}] ({}).{what}", f.id);
        if !is_slug(&f.id, &[]) {
            return Err(bad(
                format!("fields[{i}].id"),
                format!(
                    "'{}' is not a valid field id: use lower-case letters, digits and '_'",
                    f.id
                ),
            ));
        }
        if !field_ids.insert(f.id.as_str()) {
            return Err(bad(
                format!("fields[{i}].id"),
                format!("field id '{}' is used twice", f.id),
            ));
        }
        if f.id.starts_with("section") {
            return Err(bad(
                format!("fields[{i}].id"),
                "field ids may not start with 'section'".into(),
            ));
        }
        if f.label.trim().is_empty() {
            return Err(bad(at("label"), "must not be empty".into()));
        }
        if f.question.en.trim().is_empty() {
            return Err(bad(at("question.en"), "must not be empty".into()));
        }
        if f.question.zh_hant.trim().is_empty() {
            return Err(bad(at("question.zh-Hant"), "must not be empty".into()));
        }
    }

    if raw.sections.is_empty() {
        return Err(bad(
            "sections".into(),
            "a template needs at least one section".into(),
        ));
    }
    let mut section_ids = HashSet::new();
    for (i, s) in raw.sections.iter().enumerate() {
        let at = |what: &str| format!("sections[{i}] ({}).{what}", s.id);
        if !is_slug(&s.id, &[]) {
            return Err(bad(
                format!("sections[{i}].id"),
                format!(
                    "'{}' is not a valid section id: use lower-case letters, digits and '_'",
                    s.id
                ),
            ));
        }
        if !section_ids.insert(s.id.as_str()) {
            return Err(bad(
                format!("sections[{i}].id"),
                format!("section id '{}' is used twice", s.id),
            ));
        }
        if s.heading.trim().is_empty() {
            return Err(bad(at("heading"), "every section needs a heading".into()));
        }
        if s.purpose.trim().is_empty() {
            return Err(bad(
                at("purpose"),
                "say what the section is for and how to write it".into(),
            ));
        }
        match (s.mode, s.citations) {
            (Some(crate::compose::SectionMode::Sources), false) => {
                return Err(bad(
                    at("mode"),
                    "mode \"sources\" drafts cited statements: set citations = true".into(),
                ))
            }
            (Some(m), true) if m != crate::compose::SectionMode::Sources => {
                return Err(bad(
                    at("mode"),
                    "a section with citations = true is drafted from the sources: drop mode, or set citations = false".into(),
                ))
            }
            _ => {}
        }
        for (j, f) in s.fields.iter().enumerate() {
            if !field_ids.contains(f.as_str()) {
                return Err(bad(
                    format!("sections[{i}] ({}).fields[{j}]", s.id),
                    format!("unknown field '{f}': it is not defined under [[fields]]"),
                ));
            }
        }
    }

    if raw.skeleton.trim().is_empty() {
        return Err(bad(
            "skeleton".into(),
            "give an example structure of the document".into(),
        ));
    }
    let mut order = Vec::new();
    for piece in placeholders(&raw.skeleton) {
        let Piece::Placeholder(name, _) = piece else {
            continue;
        };
        if let Some(sec) = name.strip_prefix("section:") {
            if !section_ids.contains(sec) {
                return Err(bad(
                    "skeleton".into(),
                    format!("{{{{{name}}}}} names an unknown section '{sec}'"),
                ));
            }
            if order.contains(&sec) {
                return Err(bad(
                    "skeleton".into(),
                    format!("section '{sec}' appears twice"),
                ));
            }
            order.push(sec);
        } else if !field_ids.contains(name) {
            return Err(bad(
                "skeleton".into(),
                format!("{{{{{name}}}}} names an unknown field '{name}'"),
            ));
        }
    }
    let expected: Vec<&str> = raw.sections.iter().map(|s| s.id.as_str()).collect();
    if order != expected {
        return Err(bad(
            "skeleton".into(),
            format!(
                "the skeleton must place every section once, in the order of [[sections]] ({}); it has ({})",
                expected.join(", "),
                order.join(", ")
            ),
        ));
    }

    Ok(Template {
        id,
        doc_type: raw.doc_type,
        language,
        title: raw.title,
        description: raw.description,
        register: raw.register,
        fields: raw.fields,
        sections: raw.sections,
        skeleton: raw.skeleton,
        source: source.to_string(),
    })
}

enum Piece<'a> {
    Text(&'a str),
    /// Trimmed name and the raw `{{…}}` text.
    Placeholder(&'a str, &'a str),
}

/// Splits a skeleton into text and `{{name}}` placeholders.
fn placeholders(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        let end = open + 2 + close + 2;
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Placeholder(
            rest[open + 2..open + 2 + close].trim(),
            &rest[open..end],
        ));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The templates available: the built-in set, with administrators' directories on top.
#[derive(Debug, Clone, Default)]
pub struct TemplateLibrary {
    templates: Vec<Template>,
}

impl TemplateLibrary {
    /// An empty library.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in templates. They are validated by the tests, so failing here is a
    /// bug in the build, not a user error.
    pub fn builtin() -> Self {
        let mut lib = Self::empty();
        let parsed = BUILTIN_TEMPLATE_FILES
            .iter()
            .map(|(name, text)| Template::parse(&format!("builtin:templates/{name}"), text))
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("built-in template is invalid: {e}"));
        lib.merge(parsed)
            .unwrap_or_else(|e| panic!("built-in templates clash: {e}"));
        lib
    }

    /// The built-in templates plus each directory in turn (later ones win).
    pub fn with_dirs<P: AsRef<Path>>(dirs: &[P]) -> Result<Self, DraftError> {
        let mut lib = Self::builtin();
        for d in dirs {
            lib.load_dir(d.as_ref())?;
        }
        Ok(lib)
    }

    /// Loads every `*.toml` file of `dir` (not its subdirectories), in file-name order,
    /// and merges them in: a template replaces one of the same id already loaded. Two
    /// files in `dir` with the same id are an error. Nothing is merged unless every
    /// file is valid. Returns how many templates were loaded.
    pub fn load_dir(&mut self, dir: &Path) -> Result<usize, DraftError> {
        let io = |e| DraftError::Io {
            path: dir.to_path_buf(),
            source: e,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut parsed = Vec::with_capacity(files.len());
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| DraftError::Io {
                path: path.clone(),
                source: e,
            })?;
            parsed.push(Template::parse(&path.display().to_string(), &text)?);
        }
        let n = parsed.len();
        self.merge(parsed)?;
        Ok(n)
    }

    /// Adds one template (from the page, say), replacing one of the same id. Returns
    /// the template replaced.
    pub fn insert(&mut self, template: Template) -> Option<Template> {
        match self.templates.iter().position(|t| t.id == template.id) {
            Some(i) => Some(std::mem::replace(&mut self.templates[i], template)),
            None => {
                self.templates.push(template);
                None
            }
        }
    }

    /// Merges templates of one source, refusing an id defined twice within it.
    fn merge(&mut self, batch: Vec<Template>) -> Result<(), DraftError> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for t in &batch {
            if let Some(first) = seen.insert(&t.id, &t.source) {
                return Err(DraftError::DuplicateTemplate {
                    id: t.id.clone(),
                    first: first.to_string(),
                    second: t.source.clone(),
                });
            }
        }
        for t in batch {
            self.insert(t);
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    /// Like [`get`](Self::get), with an error for an unknown id.
    pub fn require(&self, id: &str) -> Result<&Template, DraftError> {
        self.get(id)
            .ok_or_else(|| DraftError::UnknownTemplate(id.to_string()))
    }

    /// The template of a type and language. When several share both (an administrator
    /// added a variant), the conventional id `TYPE.LANG` wins, else the last loaded.
    /// Simplified Chinese is served by the Traditional template (drafts are converted).
    pub fn find(&self, doc_type: &str, lang: Lang) -> Option<&Template> {
        let lang = if lang == Lang::ZhHans {
            Lang::ZhHant
        } else {
            lang
        };
        let conventional = format!("{doc_type}.{}", lang.tag());
        self.get(&conventional).or_else(|| {
            self.templates
                .iter()
                .rev()
                .find(|t| t.doc_type == doc_type && t.language == lang)
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.templates.iter()
    }

    /// The document types present, in first-loaded order.
    pub fn doc_types(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in &self.templates {
            if !out.contains(&t.doc_type.as_str()) {
                out.push(&t.doc_type);
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.templates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }
}
