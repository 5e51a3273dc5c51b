//! Implausible-text detection: replacement characters, private-use code points, control
//! characters and Latin-1 mojibake runs (Big5/GBK bytes read as Latin-1, "¤¤¤å").

fn is_bad(c: char) -> bool {
    let u = c as u32;
    c == '\u{FFFD}'
        || (0xE000..=0xF8FF).contains(&u)
        || u >= 0xF0000
        || (c.is_control() && !matches!(c, '\n' | '\t'))
}

fn is_latin1_sup(c: char) -> bool {
    matches!(c as u32, 0xA1..=0xFF)
        && !matches!(
            c,
            '×' | '÷'
                | '·'
                | '°'
                | '§'
                | '©'
                | '®'
                | '£'
                | '¥'
                | '½'
                | '¼'
                | '¾'
                | '±'
                | 'µ'
                | '¶'
                | '«'
                | '»'
                | '¢'
        )
}

/// Share (0..=1) of characters in `s` that are implausible as text.
pub(crate) fn bad_share(s: &str) -> f32 {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.is_empty() {
        return 0.0;
    }
    let mut bad = chars.iter().filter(|&&c| is_bad(c)).count();
    // Mojibake shows as runs of Latin-1 letters/symbols (real French/German words have at
    // most one or two accented letters among ASCII ones), and broken CJK maps as runs of
    // CJK compatibility ideographs, which real text uses one at a time if at all.
    let (mut run, mut compat) = (0usize, 0usize);
    for &c in chars.iter().chain(std::iter::once(&' ')) {
        if is_latin1_sup(c) {
            run += 1;
        } else {
            if run >= 3 {
                bad += run;
            }
            run = 0;
        }
        if (0xF900..=0xFAFF).contains(&(c as u32)) {
            compat += 1;
        } else {
            if compat >= 2 {
                bad += compat;
            }
            compat = 0;
        }
    }
    bad as f32 / chars.len() as f32
}

#[cfg(test)]
mod tests {
    use super::bad_share;

    #[test]
    fn scores() {
        assert_eq!(bad_share("公務員事務局 Civil Service Bureau"), 0.0);
        assert!(bad_share("¤¤¤å¦r²Å ¤¤¤å") > 0.9);
        assert!(bad_share("\u{FFFD}\u{FFFD}\u{E000}x") > 0.7);
        assert!(bad_share("café naïve") < 0.1);
        assert!(bad_share("\u{F900}\u{F901}\u{F902}\u{F903}") > 0.9);
        assert_eq!(bad_share("金\u{F900}"), 0.0);
    }
}
