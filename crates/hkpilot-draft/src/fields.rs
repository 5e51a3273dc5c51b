//! Checking the fields an officer supplied against a template: a required field that
//! is missing becomes a question to ask, never a value to invent; a date that cannot
//! be read is reported with the value given.
//!
//! Dates are checked loosely: the value must contain one recognisable, possible date
//! (`2025-03-01`, `1/3/2025` (day first, as in Hong Kong), `1 March 2025`,
//! `March 1, 2025`, `Saturday, 1st March 2025`, `2025年3月1日`, `二〇二五年三月一日`);
//! anything else in the value (a time, a weekday, a venue) is left alone.

use crate::template::{Bilingual, FieldKind, Template};
use hkpilot_core::Lang;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A field the draft cannot be finished without, or whose value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingField {
    /// The field id.
    pub field: String,
    /// Its label, in the template's language.
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub problem: FieldProblem,
    /// The template's question, in both languages.
    pub question: Bilingual,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldProblem {
    /// Required and not given (or given empty).
    Missing,
    /// Given, but not a date that can be read or that exists.
    InvalidDate { value: String, reason: DateProblem },
}

impl MissingField {
    /// The question to put to the officer in `lang`, saying what was wrong with a
    /// value that was given.
    pub fn prompt(&self, lang: Lang) -> String {
        let question = self.question.get(lang);
        match &self.problem {
            FieldProblem::Missing => question,
            FieldProblem::InvalidDate { value, reason } => match lang {
                Lang::En => format!("'{value}' {}. {question}", reason.describe(Lang::En)),
                _ => {
                    let text = format!("「{value}」{}。{question}", reason.describe(Lang::ZhHant));
                    if lang == Lang::ZhHans {
                        hkpilot_text::convert::convert(&text, Lang::ZhHans)
                    } else {
                        text
                    }
                }
            },
        }
    }
}

/// Lists the fields to ask about, in the template's order: required fields missing or
/// blank, and date fields (required or not) whose value is not a readable date. Values
/// given for fields the template does not define are ignored (see [`unknown_fields`]).
pub fn check_fields(template: &Template, provided: &BTreeMap<String, String>) -> Vec<MissingField> {
    let mut out = Vec::new();
    for f in &template.fields {
        let value = provided
            .get(&f.id)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty());
        let problem = match value {
            None if f.required => FieldProblem::Missing,
            None => continue,
            Some(v) if f.kind == FieldKind::Date => match parse_date(v) {
                Ok(_) => continue,
                Err(reason) => FieldProblem::InvalidDate {
                    value: v.to_string(),
                    reason,
                },
            },
            Some(_) => continue,
        };
        out.push(MissingField {
            field: f.id.clone(),
            label: f.label.clone(),
            kind: f.kind,
            required: f.required,
            problem,
            question: f.question.clone(),
        });
    }
    out
}

/// The keys of `provided` that the template does not define (a misspelt field name
/// would otherwise be silently ignored).
pub fn unknown_fields<'a>(
    template: &Template,
    provided: &'a BTreeMap<String, String>,
) -> Vec<&'a str> {
    provided
        .keys()
        .filter(|k| template.field(k).is_none())
        .map(String::as_str)
        .collect()
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SimpleDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl SimpleDate {
    /// The date as the templates write it: `3 March 2025` or `2025年3月3日`.
    pub fn format(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!(
                "{} {} {}",
                self.day,
                MONTHS[self.month as usize - 1],
                self.year
            ),
            _ => format!("{}年{}月{}日", self.year, self.month, self.day),
        }
    }
}

impl fmt::Display for SimpleDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Why a value is not a usable date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateProblem {
    /// No date could be recognised in the value.
    NotRecognised,
    /// A date was recognised but does not exist (31 February, month 13) or lies
    /// outside 1900–2100.
    Impossible,
}

impl DateProblem {
    pub fn describe(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (DateProblem::NotRecognised, Lang::En) => "is not a date that can be read",
            (DateProblem::Impossible, Lang::En) => "is not a possible date",
            (DateProblem::NotRecognised, _) => "不是可辨認的日期",
            (DateProblem::Impossible, _) => "不是有效的日期",
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Finds the date in `value` (see the module documentation for the forms read).
pub fn parse_date(value: &str) -> Result<SimpleDate, DateProblem> {
    let text: String = value.chars().map(fold_digit).collect();
    let mut impossible = false;
    let candidates = [chinese_date(&text), numeric_date(&text), worded_date(&text)];
    for (y, m, d) in candidates.into_iter().flatten() {
        match checked(y, m, d) {
            Some(date) => return Ok(date),
            None => impossible = true,
        }
    }
    Err(if impossible {
        DateProblem::Impossible
    } else {
        DateProblem::NotRecognised
    })
}

fn fold_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).unwrap_or(c),
        _ => c,
    }
}

fn checked(year: i64, month: i64, day: i64) -> Option<SimpleDate> {
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (day <= days).then_some(SimpleDate {
        year: year as i32,
        month: month as u32,
        day: day as u32,
    })
}

/// `2025年3月1日`, `2025年03月01號`, `二〇二五年三月一日`.
fn chinese_date(text: &str) -> Option<(i64, i64, i64)> {
    let year_at = text.find('年')?;
    let before: Vec<char> = text[..year_at].chars().collect();
    let digits: String = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit() || chinese_digit(**c).is_some())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let year = if digits.chars().all(|c| c.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        // Year written digit by digit: 二〇二五.
        digits
            .chars()
            .try_fold(0i64, |acc, c| Some(acc * 10 + chinese_digit(c)?))?
    };
    let rest = &text[year_at + '年'.len_utf8()..];
    let month_at = rest.find('月')?;
    let month = small_number(rest[..month_at].trim())?;
    let rest = &rest[month_at + '月'.len_utf8()..];
    let day_at = rest.find(['日', '號'])?;
    let day = small_number(rest[..day_at].trim())?;
    Some((year, month, day))
}

fn chinese_digit(c: char) -> Option<i64> {
    Some(match c {
        '〇' | '零' | '○' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 1–99 in ASCII digits or Chinese numerals (三, 十, 十二, 二十, 三十一).
fn small_number(s: &str) -> Option<i64> {
    if !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => chinese_digit(*d),
        ['十', d] => Some(10 + chinese_digit(*d)?),
        [t, '十'] => Some(chinese_digit(*t)? * 10),
        [t, '十', d] => Some(chinese_digit(*t)? * 10 + chinese_digit(*d)?),
        _ => None,
    }
}

/// `2025-03-01`, `2025/3/1`, `1/3/2025`, `01.03.2025`, `1-3-25` (day first).
fn numeric_date(text: &str) -> Option<(i64, i64, i64)> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let (a, j) = digit_run(&chars, i);
        if let Some(&sep) = chars.get(j).filter(|c| matches!(c, '-' | '/' | '.')) {
            let (b, k) = digit_run(&chars, j + 1);
            if !b.is_empty() && chars.get(k) == Some(&sep) {
                let (c, l) = digit_run(&chars, k + 1);
                let after_ok = chars.get(l).is_none_or(|c| !c.is_ascii_alphanumeric());
                if !c.is_empty() && after_ok {
                    let n = |s: &str| s.parse::<i64>().ok();
                    if a.len() == 4 {
                        return Some((n(&a)?, n(&b)?, n(&c)?));
                    }
                    if a.len() <= 2 && b.len() <= 2 {
                        let year = match c.len() {
                            4 => n(&c)?,
                            2 => 2000 + n(&c)?,
                            _ => return None,
                        };
                        return Some((year, n(&b)?, n(&a)?));
                    }
                }
            }
        }
        i = j.max(i + 1);
    }
    None
}

fn digit_run(chars: &[char], from: usize) -> (String, usize) {
    let mut j = from;
    while j < chars.len() && chars[j].is_ascii_digit() {
        j += 1;
    }
    (chars[from.min(j)..j].iter().collect(), j)
}

/// `1 March 2025`, `1st of March, 2025`, `March 1, 2025`, `Mar 1 2025`.
fn worded_date(text: &str) -> Option<(i64, i64, i64)> {
    // Words and numbers, lower-cased; ordinal suffixes and "of" dropped.
    let mut toks: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        let w = w.to_ascii_lowercase();
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            let suffix = &w[digits.len()..];
            if matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
                toks.push(digits.to_string());
                continue;
            }
        }
        if w != "of" {
            toks.push(w);
        }
    }
    let num = |s: &String| -> Option<i64> {
        (s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let year = |s: &String| num(s).filter(|_| s.len() == 4);
    let day = |s: &String| num(s).filter(|_| s.len() <= 2);
    for (i, t) in toks.iter().enumerate() {
        let Some(month) = month_number(t) else {
            continue;
        };
        // Day Month Year
        if i > 0 {
            if let (Some(d), Some(y)) = (day(&toks[i - 1]), toks.get(i + 1).and_then(year)) {
                return Some((y, month, d));
            }
        }
        // Month Day Year
        if let (Some(d), Some(y)) = (
            toks.get(i + 1).and_then(day),
            toks.get(i + 2).and_then(year),
        ) {
            return Some((y, month, d));
        }
    }
    None
}

fn month_number(word: &str) -> Option<i64> {
    MONTHS
        .iter()
        .position(|m| {
            let m = m.to_ascii_lowercase();
            m == word || (word.len() == 3 && m.starts_with(word))
        })
        .map(|i| i as i64 + 1)
        .or_else(|| (word == "sept").then_some(9))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> (i32, u32, u32) {
        let d = parse_date(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        (d.year, d.month, d.day)
    }

    #[test]
    fn reads_the_usual_forms() {
        assert_eq!(ymd("2025-03-01"), (2025, 3, 1));
        assert_eq!(ymd("1/3/2025"), (2025, 3, 1));
        assert_eq!(ymd("01.03.2025"), (2025, 3, 1));
        assert_eq!(ymd("1 March 2025"), (2025, 3, 1));
        assert_eq!(ymd("Saturday, 1st March 2025, 2:30 pm"), (2025, 3, 1));
        assert_eq!(ymd("March 1, 2025"), (2025, 3, 1));
        assert_eq!(ymd("1 Sept 2025"), (2025, 9, 1));
        assert_eq!(ymd("2025年3月1日（星期六）"), (2025, 3, 1));
        assert_eq!(ymd("２０２５年３月１日"), (2025, 3, 1));
        assert_eq!(ymd("二〇二五年三月三十一日"), (2025, 3, 31));
        assert_eq!(ymd("2024年2月29日"), (2024, 2, 29));
    }

    #[test]
    fn refuses_impossible_and_unreadable() {
        assert_eq!(parse_date("31 February 2025"), Err(DateProblem::Impossible));
        assert_eq!(parse_date("2025年13月1日"), Err(DateProblem::Impossible));
        assert_eq!(parse_date("2023-02-29"), Err(DateProblem::Impossible));
        assert_eq!(parse_date("next Tuesday"), Err(DateProblem::NotRecognised));
        assert_eq!(parse_date("TBC"), Err(DateProblem::NotRecognised));
        assert_eq!(parse_date("Cap. 57"), Err(DateProblem::NotRecognised));
    }

    #[test]
    fn formats_both_ways() {
        let d = parse_date("2025-03-01").unwrap();
        assert_eq!(d.format(Lang::En), "1 March 2025");
        assert_eq!(d.format(Lang::ZhHant), "2025年3月1日");
        assert_eq!(d.to_string(), "2025-03-01");
    }
}
