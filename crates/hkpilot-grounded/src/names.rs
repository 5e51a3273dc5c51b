//! Names in a summary sentence (people, organisations, legislation) checked against its
//! cited spans, beside the figures of [`crate::faithful`]. Precision comes before recall:
//! a name is flagged only when the spans plainly lack it.
//!
//! Read as names:
//! - English: runs of Capitalised words, joined inside by "of", "and", "for", "the",
//!   "on" or "&" ("Secretary for Labour and Welfare"), two words or more, or one after a
//!   title ("Mr Chan"); acronyms ("LegCo", "HKSAR", "NGOs"); and "Cap. 57" / "Chapter
//!   57". A run that opens a sentence loses a leading function word ("The", "However");
//!   a single capitalised word, a month or a weekday is not a name.
//! - Chinese: 《…條例》 titles of legislation, 第57章, and words ending in an organisation
//!   or title suffix (教育局, 醫院管理局, 立法會, 陳大文先生, 教育局局長), cut with the
//!   project's jieba segmentation.
//!
//! Matched:
//! - English words are case-folded with possessives and simple plurals dropped, and must
//!   appear in a span as one phrase; a name may also be pieced together from phrases of
//!   two words or more plus single non-head words found in the spans ("Northern Metropolis
//!   Development"), never leaving its head ("Bureau", "Ordinance", "Secretary") alone. An
//!   acronym matches itself or words whose leading letters spell it (EDB: Education
//!   Bureau; LegCo: Legislative Council), and a name matches an acronym in a span the same
//!   way.
//! - Chinese names must be substrings of a span after both sides are folded to Simplified.
//! - Chapter numbers compare across languages: "Cap. 57" matches "第57章".
//!
//! An English name is not looked up in Chinese spans, nor a Chinese name in English ones:
//! across languages names cannot be compared letter by letter, and a false flag costs more
//! than a missed one. So a name is only checked when a cited span shares its language
//! (chapter numbers also when any span gives a chapter number).

use crate::faithful::{Fact, FactKind};
use hkpilot_core::Lang;
use hkpilot_text::convert::convert;
use hkpilot_text::script::{detect_lang, is_han};
use std::collections::HashSet;

mod chinese;
use chinese::{chinese_names, han_chapters};

#[derive(Debug, Clone, PartialEq)]
enum Key {
    /// Folded words of an English name, titles left out; `skip_first` when its first
    /// word opened the sentence and so may be no part of the name.
    Phrase {
        words: Vec<String>,
        skip_first: bool,
    },
    /// An acronym, folded.
    Acronym(String),
    /// A chapter of the Laws of Hong Kong: "57", "57A".
    Cap(String),
    /// A Chinese name folded to Simplified.
    Han(String),
    /// A Chinese qualifier and the generic word after it (陳 + 先生, 房屋 + 委員會).
    HanPair(String, String),
}

#[derive(Debug, Clone)]
struct Name {
    kind: FactKind,
    text: String,
    key: Key,
    latin: bool,
}

const CONNECTORS: &str = "of and for the on &";
const TITLES: &str = "mr mrs ms miss dr prof professor sir madam dame hon";
/// Abbreviations whose full stop ends no sentence ("Mr. Chan", "Cap. 57"); initials
/// ("N.") neither.
const ABBREVIATIONS: &str = "mr mrs ms dr prof st no cap hon jr";
/// Capitalised only because they open a sentence.
const FUNCTION_WORDS: &str = "\
    the a an this that these those its their his her our in on at under for with by \
    from to as after before during since both all each every some many most however \
    meanwhile also moreover furthermore besides when while if although though \
    through among between according following yet but and or so thus hence there \
    here it we they he she where which who whose what how once into over about \
    across without within via unlike despite including regarding separately \
    additionally further overall currently recently today now then only not no more \
    other another such new";
const MONTHS_DAYS: &str = "\
    january february march april may june july august september october november \
    december monday tuesday wednesday thursday friday saturday sunday";
/// Words that carry what a name is; never matched on their own.
const HEADS: &str = "\
    bureau department authority council commission commissioner committee ordinance \
    bill regulation law office board court company corporation limited fund agency \
    secretariat panel association university college hospital police force centre \
    center institute trust foundation bank party government ministry administration \
    division secretary minister director chairman chairperson chief executive judge \
    justice president officer";
const LEGISLATION: &str = "ordinance bill regulation law";

/// Whether `word` is one of the space-separated words of `list`.
fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// Every name of `text`, in order, once each. Names carry no value: `value` and
/// `precision` are 0.
pub fn extract_names(text: &str) -> Vec<Fact> {
    names_of(text).into_iter().map(to_fact).collect()
}

/// Names of `sentence` that none of `sources` supports (see the module notes).
pub(crate) fn check_names(sentence: &str, sources: &[&str]) -> Vec<Fact> {
    let names = names_of(sentence);
    if names.is_empty() {
        return Vec::new();
    }
    let spans: Vec<Span> = sources.iter().map(|s| Span::new(s)).collect();
    let lang = detect_lang(sentence).primary;
    names
        .into_iter()
        .filter(|n| checkable(n, lang, &spans) && !spans.iter().any(|s| s.supports(n)))
        .map(to_fact)
        .collect()
}

fn to_fact(n: Name) -> Fact {
    Fact {
        kind: n.kind,
        value: 0.0,
        precision: 0.0,
        text: n.text,
    }
}

/// Whether the name can be looked up: its script is the sentence's language and a cited
/// span is in that language too. Latin names in a Chinese sentence and Han names in an
/// English one are glosses, not checked; chapter numbers are also checked against any
/// span that gives one.
fn checkable(n: &Name, sentence: Option<Lang>, spans: &[Span]) -> bool {
    let chinese = |l: Option<Lang>| l.map(|l| l != Lang::En);
    let own = chinese(sentence) == Some(!n.latin);
    let same = own && spans.iter().any(|s| chinese(s.lang) == Some(!n.latin));
    same || matches!(n.key, Key::Cap(_)) && spans.iter().any(|s| !s.caps.is_empty())
}

fn names_of(text: &str) -> Vec<Name> {
    let mut out = Vec::new();
    latin_names(text, &mut out);
    chinese_names(text, &mut out);
    let mut seen = Vec::new();
    out.retain(|n| {
        let new = !seen.contains(&n.key);
        seen.push(n.key.clone());
        new
    });
    out
}

/// Case-folded word: possessive and simple plural dropped, so "Councils" and "Council's"
/// both give "council".
fn fold_word(word: &str) -> String {
    let mut w: String = word.to_lowercase().chars().map(plain_letter).collect();
    if w == "&" {
        return "and".into();
    }
    if let Some(s) = w.strip_suffix("'s").or_else(|| w.strip_suffix('\'')) {
        w = s.to_string();
    }
    if w.len() > 4 && w.ends_with("ies") {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.len() > 3 && w.ends_with('s') && !["ss", "us", "is"].iter().any(|e| w.ends_with(e))
    {
        w.pop();
    }
    w
}

/// A Latin letter without its accent (Erkoç and Erkoc are one name), and ’ as '.
fn plain_letter(c: char) -> char {
    const GROUPS: [(&str, char); 12] = [
        ("àáâãäåāă", 'a'),
        ("çćč", 'c'),
        ("èéêëēęě", 'e'),
        ("ğ", 'g'),
        ("ìíîïīı", 'i'),
        ("ñń", 'n'),
        ("òóôõöøōő", 'o'),
        ("śşš", 's'),
        ("ùúûüūůű", 'u'),
        ("ýÿ", 'y'),
        ("źżž", 'z'),
        ("’", '\''),
    ];
    GROUPS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map_or(c, |g| g.1)
}

/// The folded words of a token, split at hyphens ("Tai-man" → "tai", "man").
fn token_words(token: &str) -> impl Iterator<Item = String> + '_ {
    token
        .split(['-', '‑'])
        .filter(|p| !p.is_empty())
        .map(fold_word)
}

/// A Latin word (letters, digits, inner apostrophes and hyphens) or "&".
#[derive(Debug)]
struct Tok<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// Opens a sentence (or a clause after a colon, or a line).
    initial: bool,
    /// Only spaces stand between it and the token before, or a bracket ("Employment
    /// (Amendment) Ordinance"); `bracket` says which: '(' opens, ')' closes.
    joined: bool,
    bracket: Option<char>,
}

impl Tok<'_> {
    fn lower(&self) -> String {
        self.text.to_lowercase()
    }
    fn is_acronym(&self) -> bool {
        let upper = self.text.chars().filter(char::is_ascii_uppercase).count();
        let letters = self.text.chars().filter(|c| c.is_alphabetic()).count();
        self.text.starts_with(|c: char| c.is_ascii_uppercase())
            && upper >= 2
            && (letters <= 6 || upper * 2 >= letters)
    }
    fn is_capitalised(&self) -> bool {
        self.text.starts_with(char::is_uppercase)
            && !self.is_acronym()
            && self.text != "I"
            && !listed(MONTHS_DAYS, &self.lower())
    }
    fn is_connector(&self) -> bool {
        listed(CONNECTORS, self.text)
    }
    fn possessive(&self) -> bool {
        self.text.ends_with("'s") || self.text.ends_with("’s") || self.text.ends_with('\'')
    }
}

/// A single capital, as in "Kristy N. Kamarck".
fn is_initial(t: &str) -> bool {
    t.len() == 1 && t.starts_with(|c: char| c.is_ascii_uppercase())
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

fn latin_tokens(text: &str) -> Vec<Tok<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut toks: Vec<Tok> = Vec::new();
    let mut gap_from = 0;
    let mut k = 0;
    while k < chars.len() {
        let (start, c) = chars[k];
        if !is_word_char(c) && c != '&' {
            k += 1;
            continue;
        }
        let mut e = k + 1;
        while c != '&' && e < chars.len() {
            let d = chars[e].1;
            let inner = matches!(d, '\'' | '’' | '-' | '‑')
                && chars.get(e + 1).is_some_and(|n| is_word_char(n.1));
            if is_word_char(d) {
                e += 1;
            } else if inner {
                e += 2;
            } else {
                break;
            }
        }
        let end = chars.get(e).map_or(text.len(), |x| x.0);
        let gap = &text[gap_from..start];
        let after_abbrev = toks
            .last()
            .is_some_and(|p| listed(ABBREVIATIONS, &p.lower()) || is_initial(p.text))
            && gap.trim() == ".";
        let stop = gap.contains([
            '.', '!', '?', ':', ';', '\n', '。', '！', '？', '：', '；', '•',
        ]);
        let initial = toks.is_empty() || (stop && !after_abbrev);
        let bracket = match gap.trim() {
            "(" => Some('('),
            ")" => Some(')'),
            _ => None,
        };
        let spaces = gap.chars().all(|g| g == ' ' || g == '\u{a0}');
        let joined = !initial && (after_abbrev || spaces || bracket.is_some());
        toks.push(Tok {
            text: &text[start..end],
            start,
            end,
            initial,
            joined,
            bracket,
        });
        gap_from = end;
        k = e;
    }
    toks
}

fn latin_names(text: &str, out: &mut Vec<Name>) {
    let toks = latin_tokens(text);
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if let Some(cap) = chapter_ref(text, &toks, i) {
            out.push(Name {
                kind: FactKind::Ordinance,
                text: text[t.start..toks[i + 1].end].to_string(),
                key: Key::Cap(cap),
                latin: true,
            });
            i += 2;
            continue;
        }
        if t.is_acronym() {
            if !ignored_acronym(t, text) {
                let folded = fold_word(t.text);
                out.push(Name {
                    kind: FactKind::Name,
                    text: t.text.to_string(),
                    key: Key::Acronym(folded),
                    latin: true,
                });
            }
            i += 1;
            continue;
        }
        if !t.is_capitalised() {
            i += 1;
            continue;
        }
        let mut last = i;
        let mut j = i + 1;
        while !toks[last].possessive() && j < toks.len() && toks[j].joined {
            let u = &toks[j];
            let chapter = matches!(u.lower().as_str(), "cap" | "chapter");
            if u.is_capitalised() && !chapter {
                last = j;
            } else if !(u.is_connector() && j - last <= 2 && u.bracket.is_none()) {
                break;
            }
            j += 1;
        }
        // A bracket opened inside the name must close inside it: "Hong Kong (China)"
        // gives "Hong Kong".
        let open = (i + 1..=last).rev().find(|&k| toks[k].bracket.is_some());
        if let Some(k) = open.filter(|&k| toks[k].bracket == Some('(')) {
            last = k - 1;
        }
        phrase_name(text, &toks[i..=last], out);
        i = last + 1;
    }
}

/// The chapter number of "Cap. 57" or "Chapter 57A" starting at token `i`.
fn chapter_ref(text: &str, toks: &[Tok], i: usize) -> Option<String> {
    let (t, n) = (&toks[i], toks.get(i + 1)?);
    let chapter = matches!(t.lower().as_str(), "cap" | "chapter")
        && n.text.starts_with(|c: char| c.is_ascii_digit())
        && text[t.end..n.start].trim().trim_end_matches('.').is_empty();
    chapter.then(|| n.text.to_uppercase())
}

/// Currency codes ("HK$", "RMB"), times and Roman numerals read like acronyms but are not names.
fn ignored_acronym(t: &Tok, text: &str) -> bool {
    text[t.end..].starts_with('$')
        || ["HKD", "RMB", "USD", "EUR", "GBP", "JPY", "AM", "PM"].contains(&t.text)
        || t.text.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

fn phrase_name(text: &str, mut run: &[Tok], out: &mut Vec<Name>) {
    let opens = run[0].initial;
    while let Some((first, rest)) = run.split_first() {
        let lower = first.lower();
        if lower == "the" || (opens && listed(FUNCTION_WORDS, &lower)) {
            run = rest;
        } else {
            break;
        }
    }
    let Some(first) = run.first() else { return };
    let title = run.iter().any(|t| listed(TITLES, &t.lower()));
    let content: Vec<&Tok> = run
        .iter()
        .filter(|t| !t.is_connector() && !listed(TITLES, &t.lower()))
        .collect();
    if content.len() < 2 && !(title && content.len() == 1) {
        return;
    }
    let words: Vec<String> = run
        .iter()
        .filter(|t| !listed(TITLES, &t.lower()))
        .flat_map(|t| token_words(t.text))
        .collect();
    let last_word = words.last().map(String::as_str).unwrap_or("");
    out.push(Name {
        kind: if listed(LEGISLATION, last_word) {
            FactKind::Ordinance
        } else {
            FactKind::Name
        },
        text: text[first.start..run[run.len() - 1].end].to_string(),
        key: Key::Phrase {
            skip_first: first.initial && !title && content.len() > 2,
            words,
        },
        latin: true,
    });
}

/// A cited span, prepared for look-ups.
struct Span {
    /// Folded words in order, hyphenated words split.
    words: Vec<String>,
    /// The same words lower-cased only, whether each is capitalised, and whether it is
    /// a connector: for spelling acronyms.
    letters: Vec<(String, bool, bool)>,
    /// Folded whole tokens ("covid-19", "legco").
    tokens: HashSet<String>,
    acronyms: Vec<String>,
    caps: Vec<String>,
    /// Folded to Simplified, without white space.
    han: String,
    /// The span's language: English, or Chinese in either script.
    lang: Option<Lang>,
}

impl Span {
    fn new(text: &str) -> Span {
        let toks = latin_tokens(text);
        let mut span = Span {
            words: Vec::new(),
            letters: Vec::new(),
            tokens: HashSet::new(),
            acronyms: Vec::new(),
            caps: Vec::new(),
            han: String::new(),
            lang: detect_lang(text).primary,
        };
        for t in &toks {
            span.tokens.insert(fold_word(t.text));
            if t.is_acronym() {
                span.acronyms.push(fold_word(t.text));
            }
            for part in t.text.split(['-', '‑']).filter(|p| !p.is_empty()) {
                let folded = fold_word(part);
                span.tokens.insert(folded.clone());
                span.words.push(folded);
                let cap = part.starts_with(char::is_uppercase);
                span.letters
                    .push((part.to_lowercase(), cap, t.is_connector()));
            }
        }
        span.caps = (0..toks.len())
            .filter_map(|i| chapter_ref(text, &toks, i))
            .collect();
        if text.chars().any(is_han) {
            span.han = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
            let chars: Vec<char> = text.chars().collect();
            span.caps.extend(han_chapters(&chars).map(|c| c.0));
        }
        span
    }

    fn supports(&self, n: &Name) -> bool {
        match &n.key {
            Key::Phrase { words, skip_first } => {
                self.phrase(words, *skip_first)
                    || self.acronyms.iter().any(|a| spells_name(a, words))
            }
            Key::Acronym(a) => self.tokens.contains(a) || self.spelled(a),
            Key::Cap(c) => self.caps.contains(c),
            Key::Han(h) => self.han.contains(h.as_str()),
            Key::HanPair(q, g) => {
                self.han.contains(&format!("{q}{g}"))
                    || (self.han.contains(q.as_str()) && self.han.contains(g.as_str()))
            }
        }
    }

    fn contains(&self, words: &[String]) -> bool {
        self.words.windows(words.len()).any(|w| w == words)
    }

    /// The name's words covered by phrases of the span (two words or more, not starting or
    /// ending on a connector), connectors between them, and single non-head words found
    /// in the span; the phrases must cover two words at least.
    fn phrase(&self, words: &[String], skip_first: bool) -> bool {
        let n = words.len();
        if n == 1 {
            return self.tokens.contains(&words[0]);
        }
        let connector = |w: &String| listed(CONNECTORS, w);
        // best[i]: most words the phrases cover in a piecing of words[..i].
        let mut best: Vec<Option<usize>> = vec![None; n + 1];
        best[0] = Some(0);
        if skip_first {
            best[1] = Some(0);
        }
        for i in 0..n {
            let Some(c) = best[i] else { continue };
            let mut put = |j: usize, v: usize| best[j] = best[j].max(Some(v));
            if connector(&words[i])
                || (!listed(HEADS, &words[i]) && self.tokens.contains(&words[i]))
            {
                put(i + 1, c);
            }
            if connector(&words[i]) {
                continue;
            }
            for j in i + 2..=n {
                if !connector(&words[j - 1]) && self.contains(&words[i..j]) {
                    put(j, c + j - i);
                }
            }
        }
        best[n].is_some_and(|c| c >= 2)
    }

    /// Whether consecutive words of the span spell acronym `a` by their leading letters.
    fn spelled(&self, a: &str) -> bool {
        let letters: Vec<char> = a.chars().filter(|c| c.is_alphabetic()).collect();
        let short = letters.len() <= 2;
        (0..self.letters.len())
            .filter(|&s| !self.letters[s].2)
            .any(|s| spells(&letters, &self.letters[s..], short, false))
    }
}

/// Whether `letters` spell out `words` from their start, each word giving one leading
/// letter or more and connectors giving some or none; with `all`, every word is used.
/// A `short` (two-letter) acronym takes one letter from each of two real words,
/// capitalised or of four letters or more: "AI" is "artificial intelligence", not "aid"
/// or "an increase".
fn spells(letters: &[char], words: &[(String, bool, bool)], short: bool, all: bool) -> bool {
    if letters.is_empty() {
        return !all || words.iter().all(|w| w.2);
    }
    let Some(((word, cap, connector), rest)) = words.split_first() else {
        return false;
    };
    if *connector && spells(letters, rest, short, all) {
        return true;
    }
    let w: Vec<char> = word.chars().collect();
    let most = if short {
        if *connector || !(*cap || w.len() >= 4) {
            return false;
        }
        1
    } else {
        w.len()
    };
    (1..=most.min(letters.len()))
        .any(|k| w[..k] == letters[..k] && spells(&letters[k..], rest, short, all))
}

/// Whether acronym `a` of a span spells the whole of a name's words (EDB: Education Bureau).
fn spells_name(a: &str, words: &[String]) -> bool {
    let letters: Vec<char> = a.chars().filter(|c| c.is_alphabetic()).collect();
    let words: Vec<(String, bool, bool)> = words
        .iter()
        .map(|w| (w.clone(), true, listed(CONNECTORS, w)))
        .collect();
    letters.len() >= 2 && spells(&letters, &words, false, true)
}

fn fold(text: &str) -> String {
    convert(text, Lang::ZhHans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(words: &str) -> Vec<(String, bool, bool)> {
        words
            .split(' ')
            .map(|w| {
                (
                    w.to_lowercase(),
                    w.starts_with(char::is_uppercase),
                    listed(CONNECTORS, w),
                )
            })
            .collect()
    }

    #[test]
    fn words_fold_case_plurals_possessives_and_accents() {
        assert_eq!(fold_word("Councils"), "council");
        assert_eq!(fold_word("Council’s"), "council");
        assert_eq!(fold_word("Authorities"), "authority");
        assert_eq!(fold_word("Business"), "business");
        assert_eq!(fold_word("Erkoç"), "erkoc");
        assert_eq!(token_words("Tai-man").collect::<Vec<_>>(), ["tai", "man"]);
    }

    #[test]
    fn acronyms_spell_leading_letters() {
        let spell =
            |a: &str, w: &str| spells(&a.chars().collect::<Vec<_>>(), &letters(w), false, true);
        assert!(spell("edb", "Education Bureau"));
        assert!(spell("legco", "Legislative Council"));
        assert!(spell("doj", "Department of Justice"));
        assert!(spell("lwb", "Labour and Welfare Bureau"));
        assert!(spell("hksar", "Hong Kong Special Administrative Region"));
        assert!(!spell("edb", "Environment Bureau"));
        assert!(!spell("hk", "Hong Kong Police"));
    }
}
