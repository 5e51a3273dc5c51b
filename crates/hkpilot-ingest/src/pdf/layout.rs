//! Glyphs → lines → segments: groups glyphs sharing a baseline, orders them, inserts
//! spaces from gaps (never between Chinese characters) and splits a line into segments
//! at wide gaps, which is what table detection works from.

use super::content::Glyph;
use crate::join::is_cjk_like;

/// A run of text on one line with no wide gap inside.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub x0: f32,
    pub x1: f32,
    pub text: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub y: f32,
    pub x0: f32,
    pub x1: f32,
    pub size: f32,
    pub bold: bool,
    pub segments: Vec<Segment>,
}

impl Line {
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join(" ")
    }
}

/// Gap (in font sizes) above which a line is split into separate segments.
const SEGMENT_GAP: f32 = 1.6;

pub(crate) fn lines(mut glyphs: Vec<Glyph>) -> Vec<Line> {
    glyphs.retain(|g| !g.text.is_empty() && g.size > 0.5 && g.y.is_finite() && g.x0.is_finite());
    let mut counts = [0usize; 4];
    for g in &glyphs {
        counts[g.dir as usize & 3] += 1;
    }
    if counts[1..].iter().all(|&c| c == 0) {
        return lines_one_dir(glyphs);
    }
    // The dominant direction reads first, then text in other directions.
    let mut dirs: Vec<u8> = (0..4).filter(|&d| counts[d as usize] > 0).collect();
    dirs.sort_by_key(|&d| std::cmp::Reverse(counts[d as usize]));
    let mut out = Vec::new();
    for d in dirs {
        let part: Vec<Glyph> = glyphs.iter().filter(|g| g.dir == d).cloned().collect();
        out.extend(lines_one_dir(part));
    }
    out
}

fn lines_one_dir(mut glyphs: Vec<Glyph>) -> Vec<Line> {
    // Baselines first (top of page first), then left to right.
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match groups.last_mut() {
            Some(cur) if (cur[0].y - g.y).abs() <= 0.45 * cur[0].size.max(g.size) => cur.push(g),
            _ => groups.push(vec![g]),
        }
    }
    let mut out: Vec<Line> = groups.into_iter().filter_map(build_line).collect();
    out.sort_by(|a, b| b.y.total_cmp(&a.y));
    out
}

fn build_line(mut gs: Vec<Glyph>) -> Option<Line> {
    gs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let mut segments: Vec<Segment> = Vec::new();
    let mut size_weight: Vec<(f32, usize)> = Vec::new();
    let mut bold_chars = 0usize;
    let mut chars = 0usize;
    let mut prev: Option<&Glyph> = None;
    for g in &gs {
        if let Some(p) = prev {
            // Overprinted duplicates (fake bold, shadows) show the same glyph twice.
            if p.text == g.text && (g.x0 - p.x0).abs() < 0.2 * g.size {
                continue;
            }
        }
        let is_space = g.text.is_blank();
        let n = g.text.char_count();
        if !is_space {
            chars += n;
            if g.bold {
                bold_chars += n;
            }
            match size_weight
                .iter_mut()
                .find(|(s, _)| (s - g.size).abs() < 0.3)
            {
                Some(e) => e.1 += n,
                None => size_weight.push((g.size, n)),
            }
        }
        match (prev, segments.last_mut()) {
            (Some(p), Some(seg)) => {
                let gap = g.x0 - p.x1;
                let size = g.size.max(p.size);
                if gap > SEGMENT_GAP * size && !is_space {
                    segments.push(Segment {
                        x0: g.x0,
                        x1: g.x1,
                        text: own(&g.text),
                    });
                } else {
                    let last = seg.text.chars().next_back().unwrap_or(' ');
                    let first = g.text.first().unwrap_or(' ');
                    let cjk = is_cjk_like(last) || is_cjk_like(first);
                    if gap > 0.18 * size && !cjk && !last.is_whitespace() && !first.is_whitespace()
                    {
                        seg.text.push(' ');
                    }
                    if !(is_space && seg.text.ends_with(' ')) {
                        g.text.push_to(&mut seg.text);
                    }
                    seg.x1 = seg.x1.max(g.x1);
                }
            }
            _ => {
                if !is_space {
                    segments.push(Segment {
                        x0: g.x0,
                        x1: g.x1,
                        text: own(&g.text),
                    });
                }
            }
        }
        if !(is_space && segments.is_empty()) {
            prev = Some(g);
        }
    }
    for s in &mut segments {
        s.text = crate::join::squash_spaces(&s.text);
    }
    segments.retain(|s| !s.text.is_empty());
    if segments.is_empty() {
        return None;
    }
    let size = size_weight
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(gs[0].size, |(s, _)| *s);
    Some(Line {
        y: gs[0].y,
        x0: segments[0].x0,
        x1: segments.last().map_or(0.0, |s| s.x1),
        size,
        bold: chars > 0 && bold_chars * 10 >= chars * 8,
        segments,
    })
}

fn own(t: &super::content::GlyphText) -> String {
    let mut s = String::new();
    t.push_to(&mut s);
    s
}
