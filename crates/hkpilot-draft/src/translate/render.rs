//! A [`Translation`] as Markdown or plain text: the machine-translation notice with the
//! model and settings first, then the blocks in their structure (headings, list items,
//! tables as tables), each flagged block followed by what to check.

use super::types::{Fix, FixKind, OutKind, TranslatedBlock, Translation};
use std::fmt::Write;

/// Markdown: `#` headings, `-` lists, Markdown tables, flags as `> ⚠` quotes.
pub fn markdown(t: &Translation) -> String {
    let mut out = String::new();
    for line in header(t) {
        let _ = writeln!(out, "> {line}");
    }
    out.push('\n');
    for b in &t.blocks {
        let body = match &b.kind {
            OutKind::PageBreak => continue,
            OutKind::Heading { level } => {
                format!(
                    "{} {}",
                    "#".repeat(usize::from((*level).clamp(1, 6))),
                    text(b)
                )
            }
            OutKind::Paragraph => text(b),
            OutKind::ListItem {
                ordered,
                level,
                marker,
            } => format!(
                "{}{} {}",
                "  ".repeat(usize::from(*level)),
                list_marker(*ordered, marker.as_deref()),
                text(b)
            ),
            OutKind::Table { rows } => {
                let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
                let mut s = String::new();
                for (r, row) in rows.iter().enumerate() {
                    s.push('|');
                    for c in 0..width {
                        let cell = row.get(c).map_or(String::new(), |c| {
                            let t = c.translation.replace('|', "\\|").replace('\n', " ");
                            if c.untranslated {
                                format!("[untranslated] {t}")
                            } else {
                                t
                            }
                        });
                        let _ = write!(s, " {cell} |");
                    }
                    s.push('\n');
                    if r == 0 {
                        s.push('|');
                        s.push_str(&" --- |".repeat(width));
                        s.push('\n');
                    }
                }
                s.trim_end().to_string()
            }
        };
        out.push_str(&body);
        out.push_str("\n\n");
        let notes = notes(b);
        if !notes.is_empty() {
            for n in notes {
                let _ = writeln!(out, "> {n}");
            }
            out.push('\n');
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Plain text: the same content without Markdown syntax.
pub fn text_plain(t: &Translation) -> String {
    let mut out = String::new();
    for line in header(t) {
        let _ = writeln!(out, "{}", line.replace("**", ""));
    }
    out.push('\n');
    for b in &t.blocks {
        let body = match &b.kind {
            OutKind::PageBreak => continue,
            OutKind::Heading { .. } | OutKind::Paragraph => text(b),
            OutKind::ListItem {
                ordered,
                level,
                marker,
            } => {
                let m = match (ordered, marker) {
                    (true, Some(m)) => m.clone(),
                    (true, None) => "1.".into(),
                    _ => "•".into(),
                };
                format!("{}{m} {}", "  ".repeat(usize::from(*level)), text(b))
            }
            OutKind::Table { rows } => rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| c.translation.replace('\n', " "))
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
        };
        out.push_str(&body);
        out.push('\n');
        for n in notes(b) {
            let _ = writeln!(out, "  [!] {}", n.replace("**", "").replace("⚠ ", ""));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The notice, the model and settings, and how many blocks are flagged.
pub fn header(t: &Translation) -> Vec<String> {
    let s = &t.settings;
    let mut lines = vec![format!("**{}**", t.notice)];
    let name = t
        .source
        .file_name
        .as_deref()
        .or(t.title.as_deref())
        .unwrap_or("text");
    lines.push(format!(
        "Source: {name} (SHA-256 {}…)",
        &t.source.content_hash[..t.source.content_hash.len().min(12)]
    ));
    let model = t
        .model
        .as_deref()
        .unwrap_or("none (script conversion only)");
    lines.push(format!(
        "Model: {model} · from {} into {} · window {} tokens, chunks of up to {} tokens, {} at once, temperature {}, seed {} · termbase: {} entries{}",
        t.from.map_or("?", |l| l.tag()),
        t.to.tag(),
        s.window,
        s.chunk_tokens,
        s.concurrency,
        s.temperature,
        s.seed,
        s.termbase_entries,
        s.department.as_deref().map(|d| format!(" ({d})")).unwrap_or_default(),
    ));
    let st = &t.stats;
    let mut check = format!(
        "Checks: {} of {} blocks flagged",
        st.blocks_flagged,
        t.blocks
            .iter()
            .filter(|b| !matches!(b.kind, OutKind::PageBreak))
            .count()
    );
    if st.units_untranslated > 0 {
        let _ = write!(check, ", {} left untranslated", st.units_untranslated);
    }
    if st.source_figures > 0 {
        let _ = write!(
            check,
            "; figures present {}/{}",
            st.source_figures - st.missing_figures,
            st.source_figures
        );
    }
    if st.terms > 0 {
        let _ = write!(
            check,
            "; termbase terms rendered {}/{}",
            st.terms.saturating_sub(st.term_misses),
            st.terms
        );
    }
    lines.push(check);
    lines
}

fn text(b: &TranslatedBlock) -> String {
    if b.method == super::Method::Untranslated {
        format!("[untranslated] {}", b.translation)
    } else {
        b.translation.clone()
    }
}

fn list_marker(ordered: bool, marker: Option<&str>) -> String {
    match (ordered, marker) {
        (true, Some(m))
            if m.trim_end_matches(['.', ')'])
                .chars()
                .all(|c| c.is_ascii_digit())
                && m.len() > 1 =>
        {
            m.to_string()
        }
        (true, Some(m)) => format!("- {m}"),
        (true, None) => "1.".into(),
        (false, _) => "-".into(),
    }
}

/// What to check about a block, one line each.
pub fn notes(b: &TranslatedBlock) -> Vec<String> {
    let at = |cell: Option<[usize; 2]>| {
        cell.map(|[r, c]| format!(" (row {}, column {})", r + 1, c + 1))
            .unwrap_or_default()
    };
    let mut out: Vec<String> = b
        .flags
        .iter()
        .map(|f| format!("⚠ **Check:** {}{}", f.message, at(f.cell)))
        .collect();
    for m in &b.term_misses {
        let found = m
            .found
            .as_deref()
            .map(|f| format!(", found \"{f}\""))
            .unwrap_or_default();
        out.push(format!(
            "⚠ **Term:** \"{}\" must be rendered \"{}\" ({}{found}){}",
            m.source_text,
            m.expected,
            m.reason.label(),
            at(m.cell)
        ));
    }
    out.extend(b.fixes.iter().map(fix_note));
    out
}

fn fix_note(f: &Fix) -> String {
    let why = match f.kind {
        FixKind::TermScript => "the termbase's form",
        FixKind::HkUsage => "Hong Kong usage",
    };
    format!("Corrected: {} → {} ({why})", f.from, f.to)
}
