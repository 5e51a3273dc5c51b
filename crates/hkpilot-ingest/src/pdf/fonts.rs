//! PDF fonts as far as text extraction needs them: how bytes split into codes, what
//! Unicode each code means (ToUnicode first, then the simple-font encoding), glyph
//! widths for positions, and whether the face is bold.

use super::cmap::{self, ToUnicode};
use super::content::GlyphText;
use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;

/// Predefined CJK CMaps whose codes are themselves an encoding we can decode, used when
/// a Type0 font has no ToUnicode map (common in older Big5/GB documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predefined {
    None,
    /// UniCNS-UCS2-H, UniGB-UTF16-H, ...: codes are UTF-16 units.
    Ucs2,
    /// ETen-B5-H, B5pc-H, HKscs-B5-H, ...: codes are Big5 bytes.
    Big5,
    /// GBK-EUC-H, GB-EUC-H, GBpc-EUC-H, GBK2K-H: codes are GBK/GB18030 bytes.
    Gbk,
}

fn predefined(name: &[u8]) -> Predefined {
    let n = String::from_utf8_lossy(name).to_ascii_uppercase();
    if n.starts_with("UNI") && (n.contains("UCS2") || n.contains("UTF16")) {
        Predefined::Ucs2
    } else if n.contains("B5") || n.contains("ETEN") || n.contains("HKSCS") {
        Predefined::Big5
    } else if n.starts_with("GB") {
        Predefined::Gbk
    } else {
        Predefined::None
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Font {
    predefined: Predefined,
    /// Type0 (composite) fonts use multi-byte codes; Identity-H means 2 bytes.
    composite: bool,
    to_unicode: Option<ToUnicode>,
    /// ToUnicode's map in glyph form, so showing a glyph does not allocate.
    mapped: HashMap<u32, GlyphText>,
    /// Simple fonts: code → char from the base encoding and /Differences.
    simple: Vec<Option<char>>,
    widths: HashMap<u32, f32>,
    default_width: f32,
    pub bold: bool,
}

pub(crate) fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn name_of<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    d.get(key)
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_name().ok())
}

fn stream_bytes(doc: &Document, o: &Object) -> Option<Vec<u8>> {
    let s = deref(doc, o).as_stream().ok()?;
    s.decompressed_content()
        .ok()
        .or_else(|| Some(s.content.clone()))
}

/// WinAnsiEncoding's 0x80–0x9F block; the rest of it is Latin-1.
const WIN_ANSI_80: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

fn glyph_name_char(name: &[u8]) -> Option<char> {
    let n = std::str::from_utf8(name).ok()?;
    if let Some(hex) = n.strip_prefix("uni").filter(|h| h.len() == 4) {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    }
    if n.len() == 1 {
        return n.chars().next();
    }
    Some(match n {
        "space" => ' ',
        "period" => '.',
        "comma" => ',',
        "colon" => ':',
        "semicolon" => ';',
        "hyphen" | "minus" => '-',
        "endash" => '–',
        "emdash" => '—',
        "bullet" => '•',
        "quotesingle" => '\'',
        "quoteleft" => '‘',
        "quoteright" => '’',
        "quotedblleft" => '“',
        "quotedblright" => '”',
        "parenleft" => '(',
        "parenright" => ')',
        "slash" => '/',
        "ampersand" => '&',
        "percent" => '%',
        "dollar" => '$',
        "at" => '@',
        "numbersign" => '#',
        "question" => '?',
        "exclam" => '!',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        _ => return None,
    })
}

impl Font {
    pub(crate) fn load(doc: &Document, d: &Dictionary) -> Font {
        let subtype = name_of(doc, d, b"Subtype").unwrap_or(b"Type1");
        let composite = subtype == b"Type0";
        let to_unicode = d
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| stream_bytes(doc, o))
            .map(|b| cmap::parse(&b));
        let base = name_of(doc, d, b"BaseFont")
            .map(|b| String::from_utf8_lossy(b).to_lowercase())
            .unwrap_or_default();
        let mut widths = HashMap::new();
        let mut default_width = if composite { 1000.0 } else { 500.0 };
        let mut descriptor = d.get(b"FontDescriptor").ok().map(|o| deref(doc, o));
        if composite {
            let desc = d
                .get(b"DescendantFonts")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok());
            if let Some(cid) = desc {
                if let Some(dw) = cid.get(b"DW").ok().and_then(num) {
                    default_width = dw;
                }
                descriptor = cid.get(b"FontDescriptor").ok().map(|o| deref(doc, o));
                if let Some(w) = cid
                    .get(b"W")
                    .ok()
                    .map(|o| deref(doc, o))
                    .and_then(|o| o.as_array().ok())
                {
                    parse_cid_widths(doc, w, &mut widths);
                }
            }
        } else if let Some(first) = d.get(b"FirstChar").ok().and_then(num) {
            if let Some(w) = d
                .get(b"Widths")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
            {
                for (i, o) in w.iter().enumerate().take(256) {
                    if let Some(v) = num(deref(doc, o)) {
                        widths.insert(first as u32 + i as u32, v);
                    }
                }
            }
        }
        let mut bold = ["bold", "black", "heavy", "semibold", "demi", ",bd", "-bd"]
            .iter()
            .any(|k| base.contains(k));
        if let Some(fd) = descriptor.and_then(|o| o.as_dict().ok()) {
            bold |= fd
                .get(b"FontWeight")
                .ok()
                .and_then(num)
                .is_some_and(|w| w >= 600.0);
            bold |= fd
                .get(b"Flags")
                .ok()
                .and_then(num)
                .is_some_and(|f| (f as u32) & (1 << 18) != 0);
        }
        let mut simple: Vec<Option<char>> = (0u32..256)
            .map(|c| match c {
                0x20..=0x7E => char::from_u32(c),
                0x80..=0x9F => {
                    Some(WIN_ANSI_80[(c - 0x80) as usize]).filter(|&ch| ch != '\u{FFFD}')
                }
                0xA0..=0xFF => char::from_u32(c),
                _ => None,
            })
            .collect();
        if let Some(enc) = d
            .get(b"Encoding")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
        {
            if let Some(diff) = enc
                .get(b"Differences")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
            {
                let mut code = 0usize;
                for o in diff {
                    match deref(doc, o) {
                        Object::Integer(i) => code = (*i).clamp(0, 255) as usize,
                        Object::Name(n) => {
                            if code < 256 {
                                simple[code] = glyph_name_char(n).or(simple[code]);
                            }
                            code += 1;
                        }
                        _ => {}
                    }
                }
            }
        }
        let mapped = to_unicode
            .as_ref()
            .map(|t| {
                t.map
                    .iter()
                    .map(|(k, v)| (*k, GlyphText::from_str(v)))
                    .collect()
            })
            .unwrap_or_default();
        let predefined = if composite {
            d.get(b"Encoding")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_name().ok())
                .map_or(Predefined::None, predefined)
        } else {
            Predefined::None
        };
        Font {
            predefined,
            composite,
            to_unicode,
            mapped,
            simple,
            widths,
            default_width,
            bold,
        }
    }

    /// Splits shown bytes into (code, code length in bytes).
    pub(crate) fn codes(&self, bytes: &[u8]) -> Vec<(u32, usize)> {
        if self.mapped.is_empty() && matches!(self.predefined, Predefined::Big5 | Predefined::Gbk) {
            // Multi-byte legacy encodings: a lead byte 0x81..=0xFE starts a 2-byte code.
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                let l = if (0x81..=0xFE).contains(&bytes[i]) && i + 1 < bytes.len() {
                    2
                } else {
                    1
                };
                out.push((
                    bytes[i..i + l]
                        .iter()
                        .fold(0u32, |a, &b| (a << 8) | b as u32),
                    l,
                ));
                i += l;
            }
            return out;
        }
        let lens: &[usize] = match &self.to_unicode {
            Some(t) if !t.code_lengths.is_empty() && self.composite => &t.code_lengths,
            _ if self.composite => &[2],
            _ => &[1],
        };
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            // With several code lengths, prefer the shortest that the map knows.
            let mut chosen = *lens.last().unwrap_or(&1);
            if lens.len() > 1 {
                for &l in lens {
                    if i + l <= bytes.len() {
                        let c = bytes[i..i + l]
                            .iter()
                            .fold(0u32, |a, &b| (a << 8) | b as u32);
                        if self
                            .to_unicode
                            .as_ref()
                            .is_some_and(|t| t.map.contains_key(&c))
                        {
                            chosen = l;
                            break;
                        }
                    }
                }
            }
            let l = chosen.min(bytes.len() - i);
            let c = bytes[i..i + l]
                .iter()
                .fold(0u32, |a, &b| (a << 8) | b as u32);
            out.push((c, l));
            i += l;
        }
        out
    }

    /// Unicode for one code; U+FFFD when unknown, so garbage detection can see it.
    pub(crate) fn text(&self, code: u32) -> GlyphText {
        if let Some(t) = self.mapped.get(&code) {
            return t.clone();
        }
        if !self.composite {
            if let Some(Some(c)) = self.simple.get(code as usize) {
                return GlyphText::One(*c);
            }
        }
        let legacy = |enc: &'static encoding_rs::Encoding| {
            let bytes: Vec<u8> = if code > 0xFF {
                vec![(code >> 8) as u8, code as u8]
            } else {
                vec![code as u8]
            };
            let (t, _) = enc.decode_without_bom_handling(&bytes);
            GlyphText::from_str(&t)
        };
        match self.predefined {
            Predefined::Ucs2 => GlyphText::One(char::from_u32(code).unwrap_or('\u{FFFD}')),
            Predefined::Big5 => legacy(encoding_rs::BIG5),
            Predefined::Gbk => legacy(encoding_rs::GB18030),
            Predefined::None => GlyphText::One('\u{FFFD}'),
        }
    }

    /// Advance width of a code in text-space thousandths.
    pub(crate) fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }

    pub(crate) fn is_single_byte(&self) -> bool {
        !self.composite
    }
}

fn parse_cid_widths(doc: &Document, w: &[Object], widths: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() {
        let Some(first) = num(deref(doc, &w[i])) else {
            break;
        };
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(65536) {
                    if let Some(v) = num(deref(doc, o)) {
                        widths.insert(first as u32 + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(|x| num(deref(doc, x))))
                else {
                    break;
                };
                let (a, b) = (first as u32, (last as u32).min(first as u32 + 65535));
                for c in a..=b {
                    widths.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
}
