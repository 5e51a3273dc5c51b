//! Translations in SQLite: one row per translation of a document record, its
//! target language as a BCP 47 tag, its result as JSON text (see migration 2).

use async_trait::async_trait;
use hkpilot_core::{DocumentId, Lang, UserId};
use rusqlite::{params, Row};

use super::convert::{constraint, corrupt, new_id, output_by_id, outputs_of_document};
use super::SqliteStore;
use crate::api::TranslationStore;
use crate::error::Result;
use crate::records::{NewTranslation, TranslationRecord};

fn translation_from_row(r: &Row<'_>) -> rusqlite::Result<TranslationRecord> {
    let tag: String = r.get("target_lang")?;
    Ok(TranslationRecord {
        id: r.get("id")?,
        document: DocumentId(r.get("document_id")?),
        document_owner: UserId(r.get("document_owner")?),
        created_by: UserId(r.get("created_by")?),
        to: tag
            .parse::<Lang>()
            .map_err(|_| corrupt("target_lang", &tag))?,
        options: r.get("options")?,
        model: r.get("model")?,
        result: r.get("result")?,
        created_at_ms: r.get("created_at_ms")?,
    })
}

#[async_trait]
impl TranslationStore for SqliteStore {
    async fn add_translation(&self, t: NewTranslation) -> Result<TranslationRecord> {
        self.run(move |c| {
            let record = TranslationRecord {
                id: new_id(),
                document: t.document,
                document_owner: t.document_owner,
                created_by: t.created_by,
                to: t.to,
                options: t.options,
                model: t.model,
                result: t.result,
                created_at_ms: t.created_at_ms,
            };
            c.execute(
                "INSERT INTO translations (id, document_owner, document_id, created_by,
                                           target_lang, options, model, result, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    record.id,
                    record.document_owner.0,
                    record.document.0,
                    record.created_by.0,
                    record.to.tag(),
                    record.options,
                    record.model,
                    record.result,
                    record.created_at_ms,
                ],
            )
            .map_err(|e| {
                constraint(
                    e,
                    "a translation with this id already exists",
                    &format!(
                        "document {} of {} or user {} does not exist",
                        record.document, record.document_owner, record.created_by
                    ),
                )
            })?;
            Ok(record)
        })
        .await
    }

    async fn get_translation(&self, id: &str) -> Result<TranslationRecord> {
        let id = id.to_string();
        self.run(move |c| output_by_id(c, "translations", "translation", &id, translation_from_row))
            .await
    }

    async fn list_translations(
        &self,
        owner: &UserId,
        document: &DocumentId,
    ) -> Result<Vec<TranslationRecord>> {
        let (owner, document) = (owner.clone(), document.clone());
        self.run(move |c| {
            outputs_of_document(
                c,
                "translations",
                &owner.0,
                &document.0,
                translation_from_row,
            )
        })
        .await
    }
}
