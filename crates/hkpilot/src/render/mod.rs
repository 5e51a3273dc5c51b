//! Turning documents and summaries into Markdown and plain text for people. JSON
//! output is the serde form of the core types and needs no renderer.

pub mod document;
pub mod summary;

/// Escapes text for a Markdown table cell.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}
