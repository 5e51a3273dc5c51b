//! Content-stream interpretation: runs the text operators (BT/ET, Tf, Tm, Td, TD, T*,
//! Tj, TJ, ', ", Tc, Tw, Tz, TL, Ts, Tr) and cm/q/Q, following form XObjects, and
//! yields each glyph with its position, size and boldness.

use super::fonts::{deref, Font};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// The Unicode text of one glyph: almost always one character, so no allocation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GlyphText {
    One(char),
    Many(Box<str>),
}

impl GlyphText {
    pub fn from_str(s: &str) -> GlyphText {
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => GlyphText::One(c),
            _ => GlyphText::Many(s.into()),
        }
    }
    pub fn push_to(&self, out: &mut String) {
        match self {
            GlyphText::One(c) => out.push(*c),
            GlyphText::Many(s) => out.push_str(s),
        }
    }
    pub fn first(&self) -> Option<char> {
        match self {
            GlyphText::One(c) => Some(*c),
            GlyphText::Many(s) => s.chars().next(),
        }
    }
    pub fn is_empty(&self) -> bool {
        matches!(self, GlyphText::Many(s) if s.is_empty())
    }
    pub fn is_blank(&self) -> bool {
        match self {
            GlyphText::One(c) => c.is_whitespace(),
            GlyphText::Many(s) => s.trim().is_empty(),
        }
    }
    pub fn char_count(&self) -> usize {
        match self {
            GlyphText::One(_) => 1,
            GlyphText::Many(s) => s.chars().count(),
        }
    }
}

/// One shown glyph in page space (points, y upwards).
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub text: GlyphText,
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub size: f32,
    pub bold: bool,
    /// Text direction in quarter turns (0 = left to right); x0/x1/y are given in the
    /// frame rotated by it, so rotated table headers and landscape pages lay out too.
    pub dir: u8,
}

#[derive(Debug, Default)]
pub(crate) struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub has_images: bool,
}

type M = [f32; 6];
const ID: M = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &M, b: &M) -> M {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

/// Fonts are parsed once per document, keyed by the font dictionary's object id (or
/// its resource name for direct dictionaries).
pub(crate) type FontCache = HashMap<(Option<ObjectId>, Vec<u8>), Font>;

#[derive(Clone)]
struct State {
    ctm: M,
    font: Option<(Option<ObjectId>, Vec<u8>)>,
    size: f32,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    rise: f32,
    render: i64,
}

struct Ctx<'a> {
    doc: &'a Document,
    cache: &'a mut FontCache,
    out: PageContent,
    glyph_budget: usize,
}

fn font_refs<'a>(
    doc: &'a Document,
    resources: Option<&'a Dictionary>,
) -> HashMap<Vec<u8>, (Option<ObjectId>, &'a Dictionary)> {
    let mut map = HashMap::new();
    let Some(fonts) = resources
        .and_then(|r| r.get(b"Font").ok())
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
    else {
        return map;
    };
    for (name, o) in fonts.iter() {
        let id = o.as_reference().ok();
        if let Ok(d) = deref(doc, o).as_dict() {
            map.insert(name.clone(), (id, d));
        }
    }
    map
}

/// Merges a page's own and inherited resource dictionaries (own wins).
fn page_resources(doc: &Document, page: ObjectId) -> Dictionary {
    let mut merged = Dictionary::new();
    if let Ok((own, inherited)) = doc.get_page_resources(page) {
        for id in inherited.iter().rev() {
            if let Ok(d) = doc.get_dictionary(*id) {
                for (k, v) in d.iter() {
                    merged.set(k.clone(), v.clone());
                }
            }
        }
        if let Some(d) = own {
            for (k, v) in d.iter() {
                merged.set(k.clone(), v.clone());
            }
        }
    }
    merged
}

/// Interprets one page's content streams.
pub(crate) fn page_glyphs(
    doc: &Document,
    page: ObjectId,
    cache: &mut FontCache,
) -> Result<PageContent, lopdf::Error> {
    let data = doc.get_page_content(page)?;
    let resources = page_resources(doc, page);
    let mut ctx = Ctx {
        doc,
        cache,
        out: PageContent::default(),
        glyph_budget: 2_000_000,
    };
    let state = State {
        ctm: ID,
        font: None,
        size: 12.0,
        tc: 0.0,
        tw: 0.0,
        th: 1.0,
        tl: 0.0,
        rise: 0.0,
        render: 0,
    };
    run(&mut ctx, &data, &resources, state.clone(), 0)?;
    annotations(&mut ctx, page, &resources, &state);
    Ok(ctx.out)
}

/// Filled-in form fields and stamps live in annotation appearance streams, not in the
/// page content; viewers (and pdftotext) show them, so we read them too.
fn annotations(ctx: &mut Ctx<'_>, page: ObjectId, resources: &Dictionary, state: &State) {
    let Ok(annots) = ctx.doc.get_page_annotations(page) else {
        return;
    };
    for a in annots {
        let hidden = a
            .get(b"F")
            .ok()
            .map(num)
            .is_some_and(|f| (f as u32) & 2 != 0);
        let subtype = a
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        if hidden || matches!(subtype, b"Link" | b"Popup") {
            continue;
        }
        let Some(ap) = a
            .get(b"AP")
            .ok()
            .map(|o| deref(ctx.doc, o))
            .and_then(|o| o.as_dict().ok())
        else {
            continue;
        };
        let Some(mut n) = ap.get(b"N").ok().map(|o| deref(ctx.doc, o)) else {
            continue;
        };
        if let Ok(states) = n.as_dict() {
            // Checkboxes and the like: the appearance named by /AS.
            let Some(s) = a
                .get(b"AS")
                .ok()
                .and_then(|o| o.as_name().ok())
                .and_then(|k| states.get(k).ok())
            else {
                continue;
            };
            n = deref(ctx.doc, s);
        }
        let Ok(form) = n.as_stream() else { continue };
        let rect: Vec<f32> = a
            .get(b"Rect")
            .ok()
            .and_then(|o| o.as_array().ok())
            .map(|r| r.iter().map(|o| num(deref(ctx.doc, o))).collect())
            .unwrap_or_default();
        let bbox: Vec<f32> = form
            .dict
            .get(b"BBox")
            .ok()
            .and_then(|o| o.as_array().ok())
            .map(|r| r.iter().map(num).collect())
            .unwrap_or_default();
        if rect.len() != 4 || bbox.len() != 4 {
            continue;
        }
        let Ok(data) = form
            .decompressed_content()
            .or_else(|_| Ok::<_, lopdf::Error>(form.content.clone()))
        else {
            continue;
        };
        let res = form
            .dict
            .get(b"Resources")
            .ok()
            .map(|o| deref(ctx.doc, o))
            .and_then(|o| o.as_dict().ok())
            .cloned()
            .unwrap_or_else(|| resources.clone());
        let mut gs = state.clone();
        gs.ctm = [
            1.0,
            0.0,
            0.0,
            1.0,
            rect[0].min(rect[2]) - bbox[0].min(bbox[2]),
            rect[1].min(rect[3]) - bbox[1].min(bbox[3]),
        ];
        let _ = run(ctx, &data, &res, gs, 1);
    }
}

fn run(
    ctx: &mut Ctx<'_>,
    data: &[u8],
    resources: &Dictionary,
    mut gs: State,
    depth: u32,
) -> Result<(), lopdf::Error> {
    let content = Content::decode(data)?;
    let fonts = font_refs(ctx.doc, Some(resources));
    let mut stack: Vec<State> = Vec::new();
    let (mut tm, mut tlm) = (ID, ID);
    for op in &content.operations {
        let a = &op.operands;
        let n = |i: usize| a.get(i).map_or(0.0, num);
        match op.operator.as_str() {
            "q" => stack.push(gs.clone()),
            "Q" => {
                if let Some(s) = stack.pop() {
                    gs = s;
                }
            }
            "cm" if a.len() == 6 => gs.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &gs.ctm),
            "BT" => {
                tm = ID;
                tlm = ID;
            }
            "Tf" => {
                gs.size = n(1);
                if let Some(Ok(name)) = a.first().map(|o| o.as_name()) {
                    if let Some((id, d)) = fonts.get(name) {
                        let key = (
                            *id,
                            if id.is_some() {
                                Vec::new()
                            } else {
                                name.to_vec()
                            },
                        );
                        if !ctx.cache.contains_key(&key) {
                            let f = Font::load(ctx.doc, d);
                            ctx.cache.insert(key.clone(), f);
                        }
                        gs.font = Some(key);
                    } else {
                        gs.font = None;
                    }
                }
            }
            "Tc" => gs.tc = n(0),
            "Tw" => gs.tw = n(0),
            "Tz" => gs.th = n(0) / 100.0,
            "TL" => gs.tl = n(0),
            "Ts" => gs.rise = n(0),
            "Tr" => gs.render = n(0) as i64,
            "Td" | "TD" => {
                if op.operator == "TD" {
                    gs.tl = -n(1);
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                tm = tlm;
            }
            "Tm" if a.len() == 6 => {
                tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                tm = tlm;
            }
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                tm = tlm;
            }
            "Tj" | "'" | "\"" => {
                if op.operator != "Tj" {
                    if op.operator == "\"" {
                        gs.tw = n(0);
                        gs.tc = n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                    tm = tlm;
                }
                if let Some(Object::String(s, _)) = a.last() {
                    show(ctx, &gs, &mut tm, s);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = a.first() {
                    for it in items {
                        match it {
                            Object::String(s, _) => show(ctx, &gs, &mut tm, s),
                            o => {
                                let tx = -num(o) / 1000.0 * gs.size * gs.th;
                                tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                            }
                        }
                    }
                }
            }
            "Do" if depth < 8 => {
                let Some(Ok(name)) = a.first().map(|o| o.as_name()) else {
                    continue;
                };
                let xo = resources
                    .get(b"XObject")
                    .ok()
                    .map(|o| deref(ctx.doc, o))
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| d.get(name).ok())
                    .map(|o| deref(ctx.doc, o))
                    .and_then(|o| o.as_stream().ok());
                let Some(xo) = xo else { continue };
                match xo.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()) {
                    Some(b"Image") => ctx.out.has_images = true,
                    Some(b"Form") => {
                        let Ok(inner) = xo
                            .decompressed_content()
                            .or_else(|_| Ok::<_, lopdf::Error>(xo.content.clone()))
                        else {
                            continue;
                        };
                        let res = xo
                            .dict
                            .get(b"Resources")
                            .ok()
                            .map(|o| deref(ctx.doc, o))
                            .and_then(|o| o.as_dict().ok())
                            .cloned()
                            .unwrap_or_else(|| resources.clone());
                        let mut inner_gs = gs.clone();
                        if let Some(m) = xo
                            .dict
                            .get(b"Matrix")
                            .ok()
                            .and_then(|o| o.as_array().ok())
                            .filter(|m| m.len() == 6)
                        {
                            let m: Vec<f32> = m.iter().map(num).collect();
                            inner_gs.ctm = mul(&[m[0], m[1], m[2], m[3], m[4], m[5]], &gs.ctm);
                        }
                        // A broken form is skipped; the rest of the page still counts.
                        let _ = run(ctx, &inner, &res, inner_gs, depth + 1);
                    }
                    _ => {}
                }
            }
            "BI" | "ID" => ctx.out.has_images = true,
            _ => {}
        }
    }
    Ok(())
}

fn show(ctx: &mut Ctx<'_>, gs: &State, tm: &mut M, bytes: &[u8]) {
    let Some(font) = gs.font.as_ref().and_then(|k| ctx.cache.get(k)) else {
        return;
    };
    let invisible = gs.render == 3 || gs.render == 7;
    for (code, len) in font.codes(bytes) {
        let w0 = font.width(code) / 1000.0;
        let word_space = if len == 1 && code == 32 && font.is_single_byte() {
            gs.tw
        } else {
            0.0
        };
        let tx = (w0 * gs.size + gs.tc + word_space) * gs.th;
        let trm = mul(
            &[gs.size * gs.th, 0.0, 0.0, gs.size, 0.0, gs.rise],
            &mul(tm, &gs.ctm),
        );
        let next = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        let end = mul(&next, &gs.ctm);
        if !invisible && ctx.glyph_budget > 0 {
            ctx.glyph_budget -= 1;
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let dir = quarter_turns(trm[0], trm[1]);
            let (x0, y) = rotate(dir, trm[4], trm[5]);
            let (x1, _) = rotate(dir, end[4], end[5]);
            ctx.out.glyphs.push(Glyph {
                text: font.text(code),
                x0,
                x1: x1.max(x0 + 0.01),
                y,
                size,
                bold: font.bold || gs.render == 2,
                dir,
            });
        }
        *tm = next;
    }
}

fn quarter_turns(a: f32, b: f32) -> u8 {
    if a.abs() >= b.abs() {
        if a >= 0.0 {
            0
        } else {
            2
        }
    } else if b > 0.0 {
        1
    } else {
        3
    }
}

/// Maps a page point into the frame where text of direction `dir` runs left to right.
fn rotate(dir: u8, x: f32, y: f32) -> (f32, f32) {
    match dir {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}
