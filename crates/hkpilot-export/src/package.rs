//! The OPC package: content types, relationships, core properties, and the zip that
//! holds them with the document parts.

use crate::error::ExportError;
use crate::xml::{escape, XML_DECL};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The parts that depend on the content; the rest are fixed or derived here.
#[derive(Debug)]
pub(crate) struct Parts {
    pub document: String,
    pub footnotes: String,
    pub styles: String,
    pub numbering: String,
    pub settings: String,
    pub core: String,
}

fn content_types() -> String {
    let over =
        |part: &str, ty: &str| format!(r#"<Override PartName="{part}" ContentType="{ty}"/>"#);
    format!(
        concat!(
            "{decl}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
            r#"<Default Extension="xml" ContentType="application/xml"/>"#,
            "{doc}{styles}{notes}{num}{settings}{core}</Types>"
        ),
        decl = XML_DECL,
        doc = over("/word/document.xml", &format!("{WML}.document.main+xml")),
        styles = over("/word/styles.xml", &format!("{WML}.styles+xml")),
        notes = over("/word/footnotes.xml", &format!("{WML}.footnotes+xml")),
        num = over("/word/numbering.xml", &format!("{WML}.numbering+xml")),
        settings = over("/word/settings.xml", &format!("{WML}.settings+xml")),
        core = over(
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml"
        ),
    )
}

fn relationships(rels: &[(&str, &str)]) -> String {
    let mut out = format!(
        "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    );
    for (i, (ty, target)) in rels.iter().enumerate() {
        out.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="{ty}" Target="{target}"/>"#,
            i + 1
        ));
    }
    out.push_str("</Relationships>");
    out
}

/// `docProps/core.xml`: title, author, language, and the AI label as description
/// and keyword (when there is one), so that file listings and search show it too.
pub(crate) fn core(title: &str, lang: &str, description: &str) -> String {
    format!(
        concat!(
            "{decl}<cp:coreProperties ",
            "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" ",
            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" ",
            "xmlns:dcterms=\"http://purl.org/dc/terms/\" ",
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<dc:title>{title}</dc:title><dc:creator>HKPilot</dc:creator>{keywords}",
            "<dc:description>{description}</dc:description>",
            "<dc:language>{lang}</dc:language></cp:coreProperties>"
        ),
        decl = XML_DECL,
        title = escape(title),
        keywords = if description.is_empty() {
            ""
        } else {
            "<cp:keywords>AI-generated</cp:keywords>"
        },
        description = escape(description),
        lang = escape(lang),
    )
}

/// Zips the parts into a .docx. `[Content_Types].xml` comes first, as Office
/// writes it; timestamps are fixed so that the same summary gives the same bytes.
pub(crate) fn zip_package(parts: &Parts) -> Result<Vec<u8>, ExportError> {
    let root_rels = relationships(&[
        (&format!("{REL}/officeDocument"), "word/document.xml"),
        (
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        ),
    ]);
    let doc_rels = relationships(&[
        (&format!("{REL}/styles"), "styles.xml"),
        (&format!("{REL}/footnotes"), "footnotes.xml"),
        (&format!("{REL}/numbering"), "numbering.xml"),
        (&format!("{REL}/settings"), "settings.xml"),
    ]);
    let files: [(&str, &str); 9] = [
        ("[Content_Types].xml", &content_types()),
        ("_rels/.rels", &root_rels),
        ("docProps/core.xml", &parts.core),
        ("word/document.xml", &parts.document),
        ("word/_rels/document.xml.rels", &doc_rels),
        ("word/styles.xml", &parts.styles),
        ("word/footnotes.xml", &parts.footnotes),
        ("word/numbering.xml", &parts.numbering),
        ("word/settings.xml", &parts.settings),
    ];
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in files {
        let fail = |detail: String| ExportError::Package {
            part: name.to_string(),
            detail,
        };
        zip.start_file(name, options)
            .map_err(|e| fail(e.to_string()))?;
        zip.write_all(text.as_bytes())
            .map_err(|e| fail(e.to_string()))?;
    }
    let cursor = zip.finish().map_err(|e| ExportError::Package {
        part: "zip directory".to_string(),
        detail: e.to_string(),
    })?;
    Ok(cursor.into_inner())
}
