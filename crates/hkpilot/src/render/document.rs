//! A document's structure as Markdown (headings, lists, tables, page markers) or as
//! plain text.

use super::md_cell;
use hkpilot_core::{BlockKind, Document};
use std::fmt::Write;
use std::path::Path;

pub fn markdown(file: &Path, doc: &Document) -> String {
    let mut out = String::new();
    let name = file.display().to_string();
    let title = doc.meta.title.as_deref().unwrap_or(&name);
    let langs = languages(doc);
    let _ = writeln!(out, "<!-- hkpilot ingest: {name} -->");
    let _ = writeln!(
        out,
        "> **{}** · {} · {} page(s) · {langs} · id `{}`\n",
        md_cell(title),
        doc.meta.format.name(),
        doc.meta.page_count,
        doc.id
    );
    for issue in &doc.issues {
        let page = issue
            .page
            .map(|p| format!("page {p}: "))
            .unwrap_or_default();
        let _ = writeln!(out, "> ⚠ {page}{}", issue.message);
    }
    if !doc.issues.is_empty() {
        out.push('\n');
    }
    for (i, block) in doc.blocks.iter().enumerate() {
        match &block.kind {
            BlockKind::Heading { level } => {
                let hashes = "#".repeat((*level).clamp(1, 6) as usize);
                let _ = writeln!(out, "{hashes} {}\n", block.text);
            }
            BlockKind::Paragraph => {
                let _ = writeln!(out, "{}\n", block.text);
            }
            BlockKind::ListItem {
                ordered,
                level,
                marker,
            } => {
                let indent = "  ".repeat(*level as usize);
                let bullet = list_bullet(*ordered, marker.as_deref());
                // Items of one list stay together; a blank line ends the list.
                let next_is_item = matches!(
                    doc.blocks.get(i + 1).map(|b| &b.kind),
                    Some(BlockKind::ListItem { .. })
                );
                let end = if next_is_item { "" } else { "\n" };
                let _ = writeln!(out, "{indent}{bullet} {}{end}", block.text);
            }
            BlockKind::Table { rows } => {
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                for (i, row) in rows.iter().enumerate() {
                    let mut cells: Vec<String> = row.iter().map(|c| md_cell(&c.text)).collect();
                    cells.resize(width, String::new());
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                    if i == 0 {
                        let _ = writeln!(out, "|{}|", vec!["---"; width].join("|"));
                    }
                }
                out.push('\n');
            }
            BlockKind::PageBreak => {
                let _ = writeln!(out, "<!-- page {} -->\n", block.page + 1);
            }
        }
    }
    out
}

/// The Markdown bullet for a list item. Plain bullets ("•", "●", "-") become "-";
/// arabic-numbered items keep their number; other markers ("(a)", "一、", "(iv)") stay
/// visible after a "-" so that the officer sees the numbering the source used.
fn list_bullet(ordered: bool, marker: Option<&str>) -> String {
    const PLAIN: &[&str] = &["•", "●", "○", "▪", "■", "◆", "‧", "·", "-", "*", "+", "–"];
    match marker.map(str::trim) {
        None | Some("") if ordered => "1.".to_string(),
        None | Some("") => "-".to_string(),
        Some(m) if PLAIN.contains(&m) => "-".to_string(),
        Some(m) if m.ends_with('.') && m[..m.len() - 1].chars().all(|c| c.is_ascii_digit()) => {
            m.to_string()
        }
        Some(m) => format!("- {m}"),
    }
}

pub fn text(doc: &Document) -> String {
    let mut out = String::with_capacity(doc.text.len() + 1);
    out.push_str(&doc.text);
    out.push('\n');
    out
}

fn languages(doc: &Document) -> String {
    let p = &doc.meta.languages;
    let primary = p.primary.map_or("no text", |l| l.tag());
    if p.mixed {
        format!("{primary} (mixed English/Chinese)")
    } else {
        primary.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::list_bullet;

    #[test]
    fn bullets_keep_numbering_but_not_glyphs() {
        assert_eq!(list_bullet(false, Some("•")), "-");
        assert_eq!(list_bullet(false, None), "-");
        assert_eq!(list_bullet(true, None), "1.");
        assert_eq!(list_bullet(true, Some("12.")), "12.");
        assert_eq!(list_bullet(true, Some("(a)")), "- (a)");
        assert_eq!(list_bullet(true, Some("一、")), "- 一、");
    }
}
