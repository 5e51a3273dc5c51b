//! Lines → blocks: paragraphs (joined without spaces between Chinese characters),
//! list items, headings by font size relative to the body text and by boldness.

use super::layout::Line;
use super::tables::Table;
use crate::join::{list_marker, push_line};
use hkpilot_core::BlockKind;

/// A block ready for the builder: kind and text, or a table.
#[derive(Debug)]
pub(crate) enum PageBlock {
    Text(BlockKind, String),
    Table(Vec<Vec<String>>),
}

/// Document-wide font facts for heading levels.
#[derive(Debug, Clone)]
pub(crate) struct FontStats {
    pub body: f32,
    /// Distinct sizes clearly above body text, largest first.
    pub heading_sizes: Vec<f32>,
}

pub(crate) fn font_stats(pages: &[Vec<Line>]) -> FontStats {
    let mut hist: Vec<(f32, usize)> = Vec::new();
    for l in pages.iter().flatten() {
        let n: usize = l.segments.iter().map(|s| s.text.chars().count()).sum();
        let s = (l.size * 2.0).round() / 2.0;
        match hist.iter_mut().find(|(x, _)| *x == s) {
            Some(e) => e.1 += n,
            None => hist.push((s, n)),
        }
    }
    let body = hist
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(12.0, |(s, _)| *s);
    let mut heading_sizes: Vec<f32> = hist
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| *s >= body * 1.15)
        .collect();
    heading_sizes.sort_by(|a, b| b.total_cmp(a));
    FontStats {
        body,
        heading_sizes,
    }
}

fn heading_level(l: &Line, text: &str, st: &FontStats) -> Option<u8> {
    let n = text.chars().count();
    let ends_sentence =
        text.ends_with(['。', '，', ',', ';', '；']) || (text.ends_with('.') && n > 40);
    if n == 0 || n > 120 || ends_sentence {
        return None;
    }
    let size = (l.size * 2.0).round() / 2.0;
    if size >= st.body * 1.15 {
        let rank = st
            .heading_sizes
            .iter()
            .position(|s| *s <= size)
            .unwrap_or(0);
        return Some((rank as u8 + 1).min(3));
    }
    if l.bold && n <= 80 && text.chars().any(|c| c.is_alphanumeric()) && reads_as_title(text) {
        return Some((st.heading_sizes.len() as u8 + 1).min(4));
    }
    None
}

/// Whether a bold line of body size reads as a title rather than emphasised prose
/// (instructions set in bold, a sentence's bold tail): titles start with a capital,
/// a digit or a Han character, and hold no sentence end other than a leading number
/// ("1. Purpose", "GENERAL", "三、安排" pass; "to you." and "Stop. Put down" do not).
fn reads_as_title(text: &str) -> bool {
    // Skip a leading enumeration such as "1." or "(a)" or "IV." before looking for
    // sentence ends.
    let body = match text.split_once(' ') {
        Some((head, rest)) if head.chars().count() <= 5 && head.ends_with(['.', ')']) => rest,
        _ => text,
    };
    let starts_lower = body
        .chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase);
    !starts_lower && !body.trim_end().ends_with('.') && !body.contains(". ")
}

pub(crate) fn blocks(lines: &[Line], tables: &[Table], st: &FontStats) -> Vec<PageBlock> {
    // Typical distance between lines of one paragraph: the smallest common gap.
    let mut gaps: Vec<f32> = lines
        .windows(2)
        .filter_map(|w| Some(w[0].y - w[1].y).filter(|g| *g > 0.0 && *g < 3.0 * w_size(w)))
        .collect();
    gaps.sort_by(f32::total_cmp);
    let line_gap = gaps.get(gaps.len() / 4).copied().unwrap_or(st.body * 1.2);
    let left = lines.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
    let right = lines.iter().map(|l| l.x1).fold(0.0, f32::max);

    let mut out = Vec::new();
    let mut cur: Option<(BlockKind, String, usize)> = None; // kind, text, index of last line
    let mut ti = 0;
    let mut i = 0;
    let flush = |cur: &mut Option<(BlockKind, String, usize)>, out: &mut Vec<PageBlock>| {
        if let Some((k, t, _)) = cur.take() {
            out.push(PageBlock::Text(k, t));
        }
    };
    while i < lines.len() {
        if let Some(t) = tables.get(ti).filter(|t| t.start == i) {
            flush(&mut cur, &mut out);
            out.push(PageBlock::Table(t.rows.clone()));
            i = t.end;
            ti += 1;
            continue;
        }
        let l = &lines[i];
        let text = l.text();
        let heading = heading_level(l, &text, st);
        let marker = list_marker(&text);
        let continues = match &cur {
            Some((kind, acc, last)) => {
                let p = &lines[*last];
                let gap = p.y - l.y;
                let same_style = (p.size - l.size).abs() < 0.6 && p.bold == l.bold;
                let p_text = p.text();
                let p_short = p.x1 < right - 4.0 * p.size
                    && p_text.ends_with(['。', '.', ':', '：', '；', ';', '?', '？', '!', '！']);
                let indent_start =
                    l.x0 > p.x0 + 1.5 * l.size && !matches!(kind, BlockKind::ListItem { .. });
                let is_heading_block = matches!(kind, BlockKind::Heading { .. });
                *last + 1 == i
                    && gap < line_gap * 1.35 + 0.5
                    && same_style
                    && marker.is_none()
                    && !p_short
                    && !indent_start
                    && (!is_heading_block || acc.chars().count() < 60)
                    && (heading.is_none() || is_heading_block)
            }
            None => false,
        };
        if continues {
            if let Some((_, acc, last)) = cur.as_mut() {
                push_line(acc, &text);
                *last = i;
            }
        } else {
            flush(&mut cur, &mut out);
            let kind = if let Some((m, ordered, _)) = &marker {
                let level = ((l.x0 - left) / (2.0 * l.size)).clamp(0.0, 5.0) as u8;
                BlockKind::ListItem {
                    ordered: *ordered,
                    level,
                    marker: Some(m.clone()),
                }
            } else if let Some(level) = heading {
                BlockKind::Heading { level }
            } else {
                BlockKind::Paragraph
            };
            cur = Some((kind, text.trim().to_string(), i));
        }
        i += 1;
    }
    flush(&mut cur, &mut out);
    out
}

fn w_size(w: &[Line]) -> f32 {
    w[0].size.max(w[1].size)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bold_prose_is_not_a_title() {
        assert!(super::reads_as_title("GENERAL"));
        assert!(super::reads_as_title("1. Purpose of this circular"));
        assert!(super::reads_as_title("三、安排"));
        assert!(super::reads_as_title("(a) Eligibility"));
        assert!(!super::reads_as_title("to you."));
        assert!(!super::reads_as_title("assigned to you."));
        assert!(!super::reads_as_title(
            "Officer Recruitment Examination. This examination centre is (English"
        ));
    }
}
