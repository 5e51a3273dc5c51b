//! Table detection from geometry: consecutive lines split into two or more aligned
//! segments are rows; segments snap to column starts; tightly spaced lines continue
//! the cells of the row above (multi-line cells).

use super::layout::Line;
use crate::join::{list_marker, push_line};

/// A detected table: the lines it spans [start, end) and its cell texts.
#[derive(Debug)]
pub(crate) struct Table {
    pub start: usize,
    pub end: usize,
    pub rows: Vec<Vec<String>>,
}

fn is_row(l: &Line) -> bool {
    if l.segments.len() < 2 {
        return false;
    }
    // "1.   Text" with a tab after the marker is a list item, not a two-column row.
    !(l.segments.len() == 2
        && list_marker(&format!("{} x", l.segments[0].text))
            .is_some_and(|(m, _, r)| r == "x" && m == l.segments[0].text))
}

pub(crate) fn find(lines: &[Line]) -> Vec<Table> {
    let mut out = Vec::new();
    // Word spaces table rows barely more than lines inside a cell, so gaps cannot tell
    // rows apart: a line with several segments is a new row, and a single aligned
    // segment no further than the usual line distance continues the row above.
    let mut gaps: Vec<f32> = lines
        .windows(2)
        .map(|w| w[0].y - w[1].y)
        .filter(|g| *g > 0.0)
        .collect();
    gaps.sort_by(f32::total_cmp);
    let line_gap = gaps.get(gaps.len() / 4).copied().unwrap_or(f32::MAX);
    let mut i = 0;
    while i < lines.len() {
        if !is_row(&lines[i]) {
            i += 1;
            continue;
        }
        let mut cols: Vec<f32> = lines[i].segments.iter().map(|s| s.x0).collect();
        let tol = 1.5 * lines[i].size;
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut row_lines = 0;
        let mut j = i;
        while j < lines.len() {
            let l = &lines[j];
            let gap = if j > i {
                lines[j - 1].y - l.y
            } else {
                f32::MAX
            };
            let tight = gap < (line_gap * 1.15).max(1.3 * l.size);
            let aligned = l
                .segments
                .iter()
                .all(|s| cols.iter().any(|c| (c - s.x0).abs() < tol) || s.x0 > cols[0] + tol);
            if is_row(l) && (aligned || j == i) {
                for s in &l.segments {
                    if !cols.iter().any(|c| (c - s.x0).abs() < tol) {
                        cols.push(s.x0);
                        cols.sort_by(f32::total_cmp);
                    }
                }
                rows.push(Vec::new());
                row_lines += 1;
            } else if j > i && tight && aligned && !rows.is_empty() {
                // A wrapped cell (one line of a multi-line cell): continues the row above.
            } else {
                break;
            }
            let row = rows.last_mut().expect("a row was pushed");
            for s in &l.segments {
                let col = nearest(&cols, s.x0);
                if row.len() <= col {
                    row.resize(col + 1, String::new());
                }
                push_line(&mut row[col], &s.text);
            }
            j += 1;
        }
        if row_lines >= 2 {
            // A header row with cells only over later columns ("2021/22" over the
            // numbers) has one segment, so it was not taken as a row: take it now.
            let mut start = i;
            if let Some(prev) = i.checked_sub(1).map(|k| &lines[k]) {
                let near = prev.y - lines[i].y < 2.5 * prev.size.max(lines[i].size);
                let over_later = prev
                    .segments
                    .iter()
                    .all(|s| s.x0 > cols[0] + tol && cols.iter().any(|c| (c - s.x0).abs() < tol));
                let prior_end = out.last().map_or(0, |t: &Table| t.end);
                if near && over_later && i > prior_end {
                    let mut row = vec![String::new(); cols.len()];
                    for s in &prev.segments {
                        let col = nearest(&cols, s.x0);
                        push_line(&mut row[col], &s.text);
                    }
                    rows.insert(0, row);
                    start = i - 1;
                }
            }
            let width = cols.len();
            for r in &mut rows {
                r.resize(width, String::new());
            }
            out.push(Table {
                start,
                end: j,
                rows,
            });
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn nearest(cols: &[f32], x: f32) -> usize {
    cols.iter()
        .enumerate()
        .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
        .map_or(0, |(k, _)| k)
}
