//! Format detection: magic bytes decide, the file name only breaks ties between the
//! text formats, so a lying extension cannot send bytes to the wrong parser.

use crate::IngestError;
use hkpilot_core::SourceFormat;

fn extension(file_name: Option<&str>) -> Option<String> {
    let name = file_name?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// Whether the bytes plausibly are text in some encoding (not a binary format).
pub(crate) fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // NUL bytes never occur in UTF-8/Big5/GB18030 text; other C0 controls are rare.
    let bad = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B)))
        .count();
    bad == 0 || (bad as f64) < sample.len() as f64 * 0.001 && !sample.contains(&0)
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let s = String::from_utf8_lossy(head).to_ascii_lowercase();
    let s = s.trim_start_matches('\u{feff}').trim_start();
    s.starts_with("<!doctype html")
        || s.starts_with("<html")
        || s.contains("<html")
        || (s.starts_with('<') && (s.contains("<body") || s.contains("<head")))
}

/// Detects the format of `bytes`. Magic bytes decide; the extension is only a hint.
pub fn detect_format(bytes: &[u8], file_name: Option<&str>) -> Result<SourceFormat, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let ext = extension(file_name);
    // Some producers put junk before the header; readers accept it within 1 KiB.
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(SourceFormat::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(SourceFormat::Docx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(IngestError::UnsupportedFormat {
            hint: Some("legacy Word .doc/.xls (OLE); save it as .docx".into()),
        });
    }
    if !looks_like_text(bytes) {
        return match ext.as_deref() {
            Some("pdf") => Err(IngestError::CorruptPdf {
                detail: "no %PDF header".into(),
            }),
            Some("docx") => Err(IngestError::NotDocx {
                detail: "not a zip archive".into(),
            }),
            Some("txt" | "md" | "markdown" | "text" | "html" | "htm") => Err(IngestError::NotText),
            Some(other) => Err(IngestError::UnsupportedFormat {
                hint: Some(format!(".{other}")),
            }),
            None => Err(IngestError::NotText),
        };
    }
    Ok(match ext.as_deref() {
        Some("md" | "markdown" | "mdown") => SourceFormat::Markdown,
        Some("html" | "htm" | "xhtml") => SourceFormat::Html,
        _ if looks_like_html(bytes) => SourceFormat::Html,
        _ => SourceFormat::Text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_beats_extension() {
        assert_eq!(
            detect_format(b"%PDF-1.7\n...", Some("a.docx")).unwrap(),
            SourceFormat::Pdf
        );
        assert_eq!(
            detect_format(b"PK\x03\x04rest", Some("a.pdf")).unwrap(),
            SourceFormat::Docx
        );
        assert_eq!(
            detect_format(b"# Title", Some("a.md")).unwrap(),
            SourceFormat::Markdown
        );
        assert_eq!(
            detect_format(b"<!DOCTYPE html><p>x", None).unwrap(),
            SourceFormat::Html
        );
        assert_eq!(
            detect_format("你好".as_bytes(), Some("x.txt")).unwrap(),
            SourceFormat::Text
        );
        assert!(matches!(
            detect_format(&[0, 1, 2, 3, 0, 9], Some("a.pdf")),
            Err(IngestError::CorruptPdf { .. })
        ));
        assert!(matches!(
            detect_format(&[0, 1, 2, 3, 0], Some("a.txt")),
            Err(IngestError::NotText)
        ));
    }
}
