//! Drafts in SQLite: one row per draft, owned by its author, its cited documents as a
//! JSON list of ids and its result as JSON text (see migration 3).

use async_trait::async_trait;
use hkpilot_core::{DocumentId, Lang, UserId};
use rusqlite::{params, Row};

use super::convert::{constraint, corrupt, new_id, output_by_id};
use super::SqliteStore;
use crate::api::DraftStore;
use crate::error::Result;
use crate::records::{DraftRecord, NewDraft};

fn draft_from_row(r: &Row<'_>) -> rusqlite::Result<DraftRecord> {
    let tag: String = r.get("lang")?;
    let sources: String = r.get("sources")?;
    let sources: Vec<String> =
        serde_json::from_str(&sources).map_err(|_| corrupt("sources", &sources))?;
    Ok(DraftRecord {
        id: r.get("id")?,
        owner: UserId(r.get("owner")?),
        template: r.get("template")?,
        lang: tag.parse::<Lang>().map_err(|_| corrupt("lang", &tag))?,
        title: r.get("title")?,
        sources: sources.into_iter().map(DocumentId).collect(),
        request: r.get("request")?,
        model: r.get("model")?,
        result: r.get("result")?,
        created_at_ms: r.get("created_at_ms")?,
    })
}

#[async_trait]
impl DraftStore for SqliteStore {
    async fn add_draft(&self, d: NewDraft) -> Result<DraftRecord> {
        self.run(move |c| {
            let record = DraftRecord {
                id: new_id(),
                owner: d.owner,
                template: d.template,
                lang: d.lang,
                title: d.title,
                sources: d.sources,
                request: d.request,
                model: d.model,
                result: d.result,
                created_at_ms: d.created_at_ms,
            };
            let sources: Vec<&str> = record.sources.iter().map(|s| s.0.as_str()).collect();
            let sources = serde_json::to_string(&sources).unwrap_or_else(|_| "[]".into());
            c.execute(
                "INSERT INTO drafts (id, owner, template, lang, title, sources, request,
                                     model, result, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    record.id,
                    record.owner.0,
                    record.template,
                    record.lang.tag(),
                    record.title,
                    sources,
                    record.request,
                    record.model,
                    record.result,
                    record.created_at_ms,
                ],
            )
            .map_err(|e| {
                constraint(
                    e,
                    "a draft with this id already exists",
                    &format!("user {} does not exist", record.owner),
                )
            })?;
            Ok(record)
        })
        .await
    }

    async fn get_draft(&self, id: &str) -> Result<DraftRecord> {
        let id = id.to_string();
        self.run(move |c| output_by_id(c, "drafts", "draft", &id, draft_from_row))
            .await
    }

    async fn list_drafts(&self, owner: &UserId, limit: u32) -> Result<Vec<DraftRecord>> {
        let owner = owner.clone();
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT * FROM drafts WHERE owner = ?1
                 ORDER BY created_at_ms DESC, rowid DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![owner.0, limit], draft_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}
