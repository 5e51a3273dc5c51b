//! Figures in a summary sentence — numbers, dates, money, percentages — checked
//! against its cited spans, across formats and scripts: "HK$1 billion" matches
//! "10億港元", "82%" matches "百分之八十二", "$380,000" matches "38萬港元".
//!
//! Names of people, organisations and legislation are checked too ([`extract_names`]).
//!
//! Values are compared, not strings; a figure the summary rounds ("HK$1.2 billion"
//! for 1,203,000,000) matches when the source value rounds to the written digits.

use crate::names::check_names;
pub use crate::names::extract_names;

/// What a figure is; kinds that can describe the same quantity compare by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    Number,
    Money,
    Percent,
    /// A full date; its value is `yyyymmdd`.
    Date,
    /// A person or an organisation; names carry no value.
    Name,
    /// An ordinance, bill or regulation, or a chapter reference ("Cap. 57", 第57章).
    Ordinance,
}

/// One figure found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub kind: FactKind,
    pub value: f64,
    /// Unit of the last significant digit written, scale included (1e8 for "1.2
    /// billion"): the rounding the writer allowed themselves.
    pub precision: f64,
    /// The text the figure was read from, for messages.
    pub text: String,
}

/// Figures, then names, of `sentence` found in none of `sources` (the quotes of its cited
/// spans). Names are only checked against spans in the sentence's language.
pub fn check_facts(sentence: &str, sources: &[&str]) -> Vec<Fact> {
    let source_facts: Vec<Fact> = sources.iter().flat_map(|s| extract_facts(s)).collect();
    let mut missing: Vec<Fact> = extract_facts(sentence)
        .into_iter()
        .filter(|f| !source_facts.iter().any(|s| matches(f, s)))
        .collect();
    let names = check_names(sentence, sources);
    // "Cap. 57" is read as the number 57 too: one flag for it is enough.
    let in_name = |f: &Fact| names.iter().any(|n| n.text.contains(&f.text));
    missing.retain(|f| !in_name(f));
    missing.extend(names);
    missing
}

/// Whether summary figure `f` is supported by source figure `s`.
fn matches(f: &Fact, s: &Fact) -> bool {
    use FactKind::*;
    match (f.kind, s.kind) {
        (Percent, Percent) | (Number | Money, Number | Money) => close(f, s.value),
        (Date, Date) => f.value == s.value,
        // A year alone in the summary is supported by a full date in that year.
        (Number, Date) => f.value == (s.value / 10_000.0).floor(),
        _ => false,
    }
}

fn close(f: &Fact, source: f64) -> bool {
    (f.value - source).abs() <= f.precision / 2.0 + f.value.abs() * 1e-12
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Every figure of `text`, in order; names are read by [`extract_names`].
pub fn extract_facts(text: &str) -> Vec<Fact> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if starts(&chars, i, "百分之") {
            let from = i + 3;
            if let Some((value, precision, end)) = read_number(&chars, from) {
                out.push(fact(FactKind::Percent, value, precision, &chars[i..end]));
                i = end;
                continue;
            }
        }
        let Some((mut value, mut precision, mut end)) = read_number(&chars, i) else {
            i += 1;
            continue;
        };
        let han_numeral = !is_digit(chars[i]);
        let start = i;
        // Dates first: "2024年3月1日" and "1 March 2024".
        if let Some((date, date_end)) = read_date(&chars, value, end) {
            out.push(fact(FactKind::Date, date, 1.0, &chars[start..date_end]));
            i = date_end;
            continue;
        }
        let money_before = before_is_money(&chars, start);
        let mut j = skip_spaces(&chars, end);
        if let Some((scale, len)) = scale_at(&chars, j) {
            value *= scale;
            precision *= scale;
            end = j + len;
            j = skip_spaces(&chars, end);
        }
        let (kind, len) = if let Some(len) = percent_at(&chars, j) {
            (FactKind::Percent, len)
        } else if let Some(len) = money_after(&chars, j) {
            (FactKind::Money, len)
        } else if money_before {
            (FactKind::Money, 0)
        } else {
            (FactKind::Number, 0)
        };
        if len > 0 {
            end = j + len;
        }
        // A lone Chinese numeral ("一般", "十分") is a word, not a figure; keep it
        // only when a scale, a currency or a percent sign shows it is a quantity.
        if han_numeral
            && kind == FactKind::Number
            && !chars[start..end]
                .iter()
                .any(|c| matches!(c, '萬' | '万' | '億' | '亿'))
        {
            i = end;
            continue;
        }
        out.push(fact(kind, value, precision, &chars[start..end]));
        i = end;
    }
    out
}

fn fact(kind: FactKind, value: f64, precision: f64, text: &[char]) -> Fact {
    Fact {
        kind,
        value,
        precision,
        text: text.iter().collect(),
    }
}

fn starts(chars: &[char], at: usize, word: &str) -> bool {
    (at..)
        .zip(word.chars())
        .all(|(k, w)| chars.get(k).is_some_and(|c| c.eq_ignore_ascii_case(&w)))
}

fn skip_spaces(chars: &[char], mut at: usize) -> usize {
    while chars.get(at).is_some_and(|c| *c == ' ' || *c == '\u{a0}') {
        at += 1;
    }
    at
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// A number at `at`: Arabic digits (with thousands commas and a decimal point) or
/// Chinese numerals. Returns the value, the unit of its last significant digit, and
/// where it ends. A number glued to a preceding letter or digit ("A4", "COVID19")
/// is part of a name and is skipped.
pub(crate) fn read_number(chars: &[char], at: usize) -> Option<(f64, f64, usize)> {
    let c = *chars.get(at)?;
    if is_digit(c) {
        if at > 0
            && (chars[at - 1].is_ascii_alphanumeric()
                || is_digit(chars[at - 1])
                || chars[at - 1] == '.')
        {
            return None;
        }
        return Some(read_arabic(chars, at));
    }
    if han_digit(c).is_some() || matches!(c, '十' | '拾') {
        return read_han(chars, at);
    }
    None
}

fn read_arabic(chars: &[char], at: usize) -> (f64, f64, usize) {
    let mut int = String::new();
    let mut frac = String::new();
    let mut k = at;
    while k < chars.len() {
        let c = chars[k];
        if let Some(d) = digit_value(c) {
            int.push(char::from_digit(d, 10).unwrap_or('0'));
        } else if c == ',' && chars.get(k + 1).copied().is_some_and(is_digit) && !int.is_empty() {
            // A thousands separator. The full-width comma is left out on purpose:
            // in Chinese text it separates clauses, not digit groups.
        } else {
            break;
        }
        k += 1;
    }
    if chars.get(k) == Some(&'.') && chars.get(k + 1).copied().is_some_and(is_digit) {
        k += 1;
        while let Some(d) = chars.get(k).and_then(|c| digit_value(*c)) {
            frac.push(char::from_digit(d, 10).unwrap_or('0'));
            k += 1;
        }
    }
    let value: f64 = format!("{int}.{frac}0").parse().unwrap_or(0.0);
    let precision = if frac.is_empty() {
        let zeros = int.len() - int.trim_end_matches('0').len().max(1);
        10f64.powi(zeros as i32)
    } else {
        10f64.powi(-(frac.len() as i32))
    };
    (value, precision, k)
}

fn han_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '兩' | '两' | '貳' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Chinese numerals: "八十二" = 82, "三十八萬" = 380000, "一千二百" = 1200. The large
/// units 萬 and 億 are left to [`scale_at`] when they follow the run.
fn read_han(chars: &[char], at: usize) -> Option<(f64, f64, usize)> {
    let (mut total, mut digit) = (0u64, None::<u64>);
    let mut k = at;
    let mut last_unit = 1u64;
    while let Some(&c) = chars.get(k) {
        if let Some(d) = han_digit(c) {
            digit = Some(d);
            last_unit = 1;
        } else {
            let unit = match c {
                '十' | '拾' => 10,
                '百' | '佰' => 100,
                '千' | '仟' => 1000,
                _ => break,
            };
            total += digit.take().unwrap_or(1) * unit;
            last_unit = unit;
        }
        k += 1;
    }
    total += digit.unwrap_or(0);
    (k > at).then_some((total as f64, last_unit as f64, k))
}

/// A scale word at `at` ("billion", "m", "萬", "億") and its length in chars.
fn scale_at(chars: &[char], at: usize) -> Option<(f64, usize)> {
    const SCALES: [(&str, f64); 12] = [
        ("萬億", 1e12),
        ("万亿", 1e12),
        ("百萬", 1e6),
        ("百万", 1e6),
        ("千萬", 1e7),
        ("千万", 1e7),
        ("萬", 1e4),
        ("万", 1e4),
        ("億", 1e8),
        ("亿", 1e8),
        ("thousand", 1e3),
        ("trillion", 1e12),
    ];
    const WORDS: [(&str, f64); 5] = [
        ("million", 1e6),
        ("billion", 1e9),
        ("bn", 1e9),
        ("mn", 1e6),
        ("m", 1e6),
    ];
    for (w, s) in SCALES {
        if starts(chars, at, w) {
            return Some((s, w.chars().count()));
        }
    }
    for (w, s) in WORDS {
        let n = w.chars().count();
        // English scale words must end there: "m" of "more" is not a million.
        if starts(chars, at, w) && !chars.get(at + n).is_some_and(|c| c.is_alphanumeric()) {
            return Some((s, n));
        }
    }
    None
}

fn percent_at(chars: &[char], at: usize) -> Option<usize> {
    ["%", "％", "per cent", "percent"]
        .iter()
        .find(|w| starts(chars, at, w))
        .map(|w| w.chars().count())
}

fn money_after(chars: &[char], at: usize) -> Option<usize> {
    ["港元", "港幣", "港币", "元", "dollars", "HKD"]
        .iter()
        .find(|w| starts(chars, at, w))
        .map(|w| w.chars().count())
}

/// Whether a currency sign or code stands right before `at` ("HK$", "$", "RMB ").
fn before_is_money(chars: &[char], at: usize) -> bool {
    let mut k = at;
    while k > 0 && chars[k - 1] == ' ' {
        k -= 1;
    }
    let prev: String = chars[k.saturating_sub(3)..k]
        .iter()
        .collect::<String>()
        .to_uppercase();
    prev.ends_with('$') || prev.ends_with("HKD") || prev.ends_with("RMB") || prev.ends_with('￥')
}

/// A date starting with the number just read (`value`, ending at `end`).
fn read_date(chars: &[char], value: f64, end: usize) -> Option<(f64, usize)> {
    // 2024年3月1日
    if chars.get(end) == Some(&'年') && (1900.0..2200.0).contains(&value) {
        let (m, _, e) = read_number(chars, end + 1)?;
        if chars.get(e) != Some(&'月') {
            return None;
        }
        let (d, _, e2) = read_number(chars, e + 1)?;
        if !matches!(chars.get(e2), Some('日' | '號' | '号')) {
            return None;
        }
        return Some((value * 10_000.0 + m * 100.0 + d, e2 + 1));
    }
    // 1 March 2024
    if !(1.0..=31.0).contains(&value) || value.fract() != 0.0 {
        return None;
    }
    let j = skip_spaces(chars, end);
    let (month, len) = MONTHS
        .iter()
        .enumerate()
        .find(|(_, m)| starts(chars, j, m))
        .map(|(i, m)| (i as f64 + 1.0, m.len()))?;
    let k = skip_spaces(chars, j + len);
    let (year, _, e) = read_number(chars, k)?;
    (1900.0..2200.0)
        .contains(&year)
        .then_some((year * 10_000.0 + month * 100.0 + value, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        assert_eq!(
            read_han(&"八十二".chars().collect::<Vec<_>>(), 0).map(|r| r.0),
            Some(82.0)
        );
        assert_eq!(
            read_han(&"一千二百".chars().collect::<Vec<_>>(), 0).map(|r| r.0),
            Some(1200.0)
        );
        assert_eq!(
            read_han(&"十五".chars().collect::<Vec<_>>(), 0).map(|r| r.0),
            Some(15.0)
        );
    }

    #[test]
    fn precision_follows_written_digits() {
        let f = &extract_facts("HK$1.2 billion")[0];
        assert_eq!(f.value, 1.2e9);
        assert_eq!(f.precision, 1e8);
        assert_eq!(f.kind, FactKind::Money);
    }
}
