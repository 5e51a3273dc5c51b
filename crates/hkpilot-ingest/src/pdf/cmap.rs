//! ToUnicode CMap parsing (bfchar/bfrange/codespacerange): the mapping from character
//! codes to Unicode that CJK CID fonts (Identity-H) depend on.

use std::collections::HashMap;

/// Code → Unicode text, plus the code lengths in bytes the codespace allows.
#[derive(Debug, Default, Clone)]
pub(crate) struct ToUnicode {
    pub map: HashMap<u32, String>,
    /// Code lengths (1..=4 bytes) declared by codespacerange; empty when none declared.
    pub code_lengths: Vec<usize>,
}

fn hex_bytes(tok: &str) -> Option<Vec<u8>> {
    let h: String = tok.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if h.is_empty() {
        return Some(Vec::new());
    }
    // An odd digit count means a trailing 0 (PDF rule for hex strings).
    let h = if h.len() % 2 == 1 { format!("{h}0") } else { h };
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
        .collect()
}

fn code_of(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0u32, |acc, &x| (acc << 8) | x as u32)
}

pub(crate) fn utf16be(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// Splits a CMap into tokens: <hex>, [, ], and bare words.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'<' {
            let end = s[i..].find('>').map_or(s.len(), |e| i + e + 1);
            out.push(&s[i..end]);
            i = end;
        } else if c == b'[' || c == b']' {
            out.push(&s[i..i + 1]);
            i += 1;
        } else if c == b'%' {
            i = s[i..].find('\n').map_or(s.len(), |e| i + e);
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            let start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'<' | b'[' | b']')
            {
                i += 1;
            }
            out.push(&s[start..i]);
        }
    }
    out
}

/// Parses a ToUnicode CMap stream's (decompressed) bytes. Malformed parts are skipped.
pub(crate) fn parse(data: &[u8]) -> ToUnicode {
    let s = String::from_utf8_lossy(data);
    let toks = tokens(&s);
    let mut cm = ToUnicode::default();
    let mut i = 0;
    let hex = |t: &str| {
        if t.starts_with('<') {
            hex_bytes(t)
        } else {
            None
        }
    };
    while i < toks.len() {
        match toks[i] {
            "begincodespacerange" => {
                i += 1;
                while i + 1 < toks.len() && toks[i] != "endcodespacerange" {
                    if let Some(b) = hex(toks[i]) {
                        if (1..=4).contains(&b.len()) && !cm.code_lengths.contains(&b.len()) {
                            cm.code_lengths.push(b.len());
                        }
                    }
                    i += 2;
                }
            }
            "beginbfchar" => {
                i += 1;
                while i + 1 < toks.len() && toks[i] != "endbfchar" {
                    if let (Some(src), Some(dst)) = (hex(toks[i]), hex(toks[i + 1])) {
                        cm.map.insert(code_of(&src), utf16be(&dst));
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < toks.len() && toks[i] != "endbfrange" {
                    let (lo, hi) = match (hex(toks[i]), hex(toks[i + 1])) {
                        (Some(a), Some(b)) => (code_of(&a), code_of(&b)),
                        _ => {
                            i += 1;
                            continue;
                        }
                    };
                    // Cap ranges so a hostile CMap cannot make us allocate billions.
                    let hi = hi.min(lo.saturating_add(0xFFFF));
                    if toks[i + 2] == "[" {
                        let mut j = i + 3;
                        let mut code = lo;
                        while j < toks.len() && toks[j] != "]" {
                            if let Some(d) = hex(toks[j]) {
                                if code <= hi {
                                    cm.map.insert(code, utf16be(&d));
                                }
                                code = code.saturating_add(1);
                            }
                            j += 1;
                        }
                        i = j + 1;
                    } else {
                        if let Some(dst) = hex(toks[i + 2]) {
                            if !dst.is_empty() {
                                let mut units: Vec<u16> = dst
                                    .chunks(2)
                                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                                    .collect();
                                for code in lo..=hi {
                                    cm.map.insert(code, String::from_utf16_lossy(&units));
                                    if let Some(last) = units.last_mut() {
                                        *last = last.wrapping_add(1);
                                    }
                                }
                            }
                        }
                        i += 3;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    cm.code_lengths.sort_unstable();
    cm
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_bfchar_and_bfrange() {
        let cm = super::parse(
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0A1B> <516C> endbfchar\n\
              2 beginbfrange <0010> <0012> <0041> <0020> <0021> [<52D9> <5C40>] endbfrange",
        );
        assert_eq!(cm.code_lengths, vec![2]);
        assert_eq!(cm.map[&0x0A1B], "公");
        assert_eq!(cm.map[&0x0012], "C");
        assert_eq!(cm.map[&0x0021], "局");
    }
}
