//! What the templates see: records turned into plain, display-ready values (times in
//! Hong Kong time, owners by name, citations as block offsets).

use std::collections::HashMap;

use hkpilot_core::{BlockKind, Document, SentenceFlag, Summary, SummaryMethod, UserId};
use hkpilot_service::Service;
use hkpilot_store::{DocumentRecord, SummaryRecord};
use serde::Serialize;

/// Unix milliseconds as `YYYY-MM-DD HH:MM` in Hong Kong time (UTC+8, no DST).
pub(crate) fn hk_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = hkpilot_core::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Display names of users, looked up once per page.
pub(crate) struct Names<'a> {
    service: &'a Service,
    cache: HashMap<UserId, String>,
}

impl<'a> Names<'a> {
    pub fn new(service: &'a Service) -> Self {
        Names {
            service,
            cache: HashMap::new(),
        }
    }

    pub async fn of(&mut self, id: &UserId) -> String {
        if let Some(n) = self.cache.get(id) {
            return n.clone();
        }
        let name = match self.service.store().get_user(id).await {
            Ok(u) => u.display_name,
            Err(_) => id.0.clone(),
        };
        self.cache.insert(id.clone(), name.clone());
        name
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct DocRow {
    pub id: String,
    pub title: String,
    pub file_name: String,
    /// The language by its own name, for people.
    pub lang: String,
    /// The BCP 47 tag, for `lang` attributes (empty when not known yet).
    pub lang_tag: &'static str,
    pub pages: u32,
    /// A word key: `uploaded_state`, `ingesting`, `ready`, `failed`.
    pub state: &'static str,
    pub error: Option<String>,
    pub owner: String,
    pub shared: bool,
    pub created: String,
    pub job_id: Option<String>,
    pub can_share: bool,
    pub issues: Vec<String>,
}

impl DocRow {
    pub fn new(d: &DocumentRecord, owner: String, job_id: Option<String>, mine: bool) -> DocRow {
        DocRow {
            id: d.id.0.clone(),
            title: d.title.clone(),
            file_name: d.file_name.clone(),
            lang: d.lang.map_or("—", lang_name).to_string(),
            lang_tag: d.lang.map_or("", |l| l.tag()),
            pages: d.pages,
            state: match d.state {
                hkpilot_store::DocumentState::Uploaded => "uploaded_state",
                hkpilot_store::DocumentState::Ingesting => "ingesting",
                hkpilot_store::DocumentState::Ready => "ready",
                hkpilot_store::DocumentState::Failed => "failed",
            },
            error: d.error.clone(),
            owner,
            shared: d.shared_with.is_some(),
            created: hk_time(d.created_at_ms),
            job_id,
            can_share: mine,
            issues: Vec::new(),
        }
    }
}

/// A language by its own name, as officers know them.
pub(crate) fn lang_name(lang: hkpilot_core::Lang) -> &'static str {
    match lang {
        hkpilot_core::Lang::En => "English",
        hkpilot_core::Lang::ZhHant => "繁體中文",
        hkpilot_core::Lang::ZhHans => "简体中文",
    }
}

/// One block of the source, as the page shows it.
#[derive(Debug, Serialize)]
pub(crate) struct BlockView {
    pub kind: &'static str,
    pub index: usize,
    pub start: usize,
    pub page: u32,
    pub text: String,
    pub rows: Vec<Vec<String>>,
}

/// The document's blocks with a page marker before each new page.
pub(crate) fn blocks(doc: &Document) -> Vec<BlockView> {
    let mut out = Vec::new();
    let mut page = 0;
    for b in &doc.blocks {
        if matches!(b.kind, BlockKind::PageBreak) {
            continue;
        }
        if b.page != page && doc.meta.page_count > 1 {
            page = b.page;
            out.push(BlockView {
                kind: "page",
                index: b.index,
                start: b.start,
                page,
                text: String::new(),
                rows: Vec::new(),
            });
        }
        let (kind, rows) = match &b.kind {
            BlockKind::Heading { .. } => ("heading", Vec::new()),
            BlockKind::Table { rows } => (
                "table",
                rows.iter()
                    .map(|r| r.iter().map(|c| c.text.clone()).collect())
                    .collect(),
            ),
            BlockKind::ListItem { .. } => ("item", Vec::new()),
            _ => ("paragraph", Vec::new()),
        };
        let text = match &b.kind {
            BlockKind::ListItem {
                marker: Some(m), ..
            } if !b.text.starts_with(m.as_str()) => {
                format!("{m} {}", b.text)
            }
            _ => b.text.clone(),
        };
        out.push(BlockView {
            kind,
            index: b.index,
            start: b.start,
            page: b.page,
            text,
            rows,
        });
    }
    out
}

#[derive(Debug, Serialize)]
pub(crate) struct CiteView {
    pub block: usize,
    pub start: usize,
    pub end: usize,
    pub page: u32,
    pub quote: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct SentenceView {
    pub text: String,
    pub cites: Vec<CiteView>,
    pub flags: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SummaryView {
    pub id: String,
    pub how: String,
    pub created: String,
    pub by: String,
    pub lang: &'static str,
    pub fallback: Option<String>,
    pub sentences: Vec<SentenceView>,
}

/// How a summary was made, in a few words.
pub(crate) fn how(summary: &Summary, zh: bool) -> String {
    match (&summary.method, zh) {
        (SummaryMethod::Extractive { .. }, false) => "key sentences of the source".into(),
        (SummaryMethod::Extractive { .. }, true) => "原文重點句子".into(),
        (SummaryMethod::Abstractive { model }, false) => format!("written by {model}"),
        (SummaryMethod::Abstractive { model }, true) => format!("由 {model} 撰寫"),
    }
}

pub(crate) fn summary_view(
    record: &SummaryRecord,
    summary: &Summary,
    by: String,
    zh: bool,
) -> SummaryView {
    let flag = |f: &SentenceFlag| match (f, zh) {
        (SentenceFlag::NoCitation, false) => "no source cited".to_string(),
        (SentenceFlag::NoCitation, true) => "未註明出處".to_string(),
        (SentenceFlag::Unsupported, false) => "not supported by the cited source".to_string(),
        (SentenceFlag::Unsupported, true) => "所引原文未能支持此句".to_string(),
        (SentenceFlag::NotInSource { text, .. }, false) => {
            format!("not found in the cited source: {text}")
        }
        (SentenceFlag::NotInSource { text, .. }, true) => format!("所引原文中找不到：{text}"),
    };
    SummaryView {
        id: record.id.clone(),
        how: how(summary, zh),
        created: hk_time(record.created_at_ms),
        by,
        lang: summary.lang.tag(),
        fallback: summary.provenance.fallback.clone(),
        sentences: summary
            .sentences
            .iter()
            .map(|s| SentenceView {
                text: s.text.clone(),
                cites: s
                    .citations
                    .iter()
                    .map(|c| CiteView {
                        block: c.span.block,
                        start: c.span.start,
                        end: c.span.end,
                        page: c.span.page,
                        quote: c.quote.chars().take(160).collect(),
                    })
                    .collect(),
                flags: s.flags.iter().map(flag).collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hong_kong_time_is_utc_plus_eight() {
        assert_eq!(hk_time(0), "1970-01-01 08:00");
        // 2026-11-26 07:36:06 UTC
        assert_eq!(hk_time(1_795_678_566_000), "2026-11-26 15:36");
        assert_eq!(hk_time(951_782_400_000), "2000-02-29 08:00");
    }
}
