//! Integration tests for hkpilot-text: the public API as other crates use it.
use hkpilot_core::Lang;
use hkpilot_text::chunks::chunk_by_budget;
use hkpilot_text::convert::convert;
use hkpilot_text::script::{detect_lang, script_evidence};
use hkpilot_text::sentences::split_sentences;
use hkpilot_text::tokens::estimate_tokens;
use hkpilot_text::words::{terms, terms_folded};
use proptest::prelude::*;

/// Splits `text` and compares the sentences with `expected`, showing both on failure.
#[track_caller]
fn check(text: &str, expected: &[&str]) {
    let got: Vec<&str> = split_sentences(text)
        .into_iter()
        .map(|r| &text[r])
        .collect();
    assert_eq!(got, expected, "\ninput: {text:?}");
}

// ---------------------------------------------------------------- sentences, English

#[test]
fn english_abbreviations_do_not_end_sentences() {
    check(
        "Mr. Chan met Dr. Wong at 3 p.m. today. They agreed.",
        &["Mr. Chan met Dr. Wong at 3 p.m. today.", "They agreed."],
    );
    check(
        "Some measures, e.g. tax relief, i.e. rebates, etc. were cut. Others stayed.",
        &[
            "Some measures, e.g. tax relief, i.e. rebates, etc. were cut.",
            "Others stayed.",
        ],
    );
    check(
        "See Cap. 123, para. 5.2 and s. 3 of the Ordinance. It applies to Art. 23.",
        &[
            "See Cap. 123, para. 5.2 and s. 3 of the Ordinance.",
            "It applies to Art. 23.",
        ],
    );
    check(
        "The Employment Ord. No. 4 applies. Sec. 12 does not. Gov. Lee agreed.",
        &[
            "The Employment Ord. No. 4 applies.",
            "Sec. 12 does not.",
            "Gov. Lee agreed.",
        ],
    );
}

#[test]
fn english_numbers_initials_and_ellipses() {
    check(
        "Revenue rose to HK$1.5 billion, up 3.5%. The outlook is stable.",
        &[
            "Revenue rose to HK$1.5 billion, up 3.5%.",
            "The outlook is stable.",
        ],
    );
    check(
        "The report by J. K. Smith was clear. Next.",
        &["The report by J. K. Smith was clear.", "Next."],
    );
    check(
        "We waited... and waited... Then it came. Really?! Yes.",
        &[
            "We waited... and waited...",
            "Then it came.",
            "Really?!",
            "Yes.",
        ],
    );
    check(
        "Visit www.gov.hk for details. Thanks.",
        &["Visit www.gov.hk for details.", "Thanks."],
    );
}

#[test]
fn english_quotes_and_brackets_stay_with_their_sentence() {
    check(
        "He said \"The plan is ready.\" Then he left. (This was noted.) Done.",
        &[
            "He said \"The plan is ready.\"",
            "Then he left.",
            "(This was noted.)",
            "Done.",
        ],
    );
    check("“Is it?” she asked.", &["“Is it?” she asked."]);
}

// ---------------------------------------------------------------- sentences, Chinese

#[test]
fn chinese_terminators_and_closing_quotes() {
    check(
        "政府今日公布施政報告。房屋局將增加公營房屋供應！市民有何看法？",
        &[
            "政府今日公布施政報告。",
            "房屋局將增加公營房屋供應！",
            "市民有何看法？",
        ],
    );
    check(
        "局長表示：「我們會全力推展。」市民反應正面。",
        &["局長表示：「我們會全力推展。」", "市民反應正面。"],
    );
    check(
        "他問：『真的嗎？！』（待確認。）完。",
        &["他問：『真的嗎？！』", "（待確認。）", "完。"],
    );
    check(
        "第一，增加土地供應；第二，加快建屋。",
        &["第一，增加土地供應；", "第二，加快建屋。"],
    );
    check(
        "報告說“經濟向好。”然後結束",
        &["報告說“經濟向好。”", "然後結束"],
    );
}

#[test]
fn mixed_language_sentences() {
    check(
        "政府推出 Smart Lamppost 計劃，涉及 HK$1.5 億。Mr. Chan 表示支持。",
        &[
            "政府推出 Smart Lamppost 計劃，涉及 HK$1.5 億。",
            "Mr. Chan 表示支持。",
        ],
    );
    check(
        "The Chief Executive said 「香港會更好。」 Officials agreed.",
        &[
            "The Chief Executive said 「香港會更好。」",
            "Officials agreed.",
        ],
    );
    check("It ended.接著是中文。", &["It ended.", "接著是中文。"]);
}

#[test]
fn newlines() {
    check(
        "Title without stop\n\nFirst line\nsame sentence. Second.",
        &[
            "Title without stop",
            "First line\nsame sentence.",
            "Second.",
        ],
    );
    check(
        "標題\n\n正文第一句\n仍是同一句。",
        &["標題", "正文第一句\n仍是同一句。"],
    );
    check("   \n\n  ", &[]);
    check("", &[]);
}

// ---------------------------------------------------------------- language detection

#[test]
fn detects_languages_and_scripts() {
    let cases: &[(&str, Option<Lang>, bool)] = &[
        (
            "The Government will increase the supply of public housing next year.",
            Some(Lang::En),
            false,
        ),
        (
            "政府明年會增加公營房屋供應，並加快審批這些項目。",
            Some(Lang::ZhHant),
            false,
        ),
        (
            "政府明年会增加公营房屋供应，并加快审批这些项目。",
            Some(Lang::ZhHans),
            false,
        ),
        (
            "政府將推出 digital identity 計劃，讓市民在網上辦理更多服務。",
            Some(Lang::ZhHant),
            true,
        ),
        (
            "The Policy Address (施政報告) covers housing (房屋) and land supply (土地供應).",
            Some(Lang::En),
            true,
        ),
        (
            "The new scheme, known as 「智方便」, lets residents use one login for all services.",
            Some(Lang::En),
            false,
        ),
        ("2025", None, false),
    ];
    for (text, primary, mixed) in cases {
        let p = detect_lang(text);
        assert_eq!(p.primary, *primary, "{text}");
        assert_eq!(p.mixed, *mixed, "{text}: {p:?}");
        assert!((0.0..=1.0).contains(&p.latin_share) && (0.0..=1.0).contains(&p.han_share));
    }
}

#[test]
fn script_evidence_counts_one_script_characters_only() {
    let e = script_evidence("這個說法");
    assert_eq!((e.han, e.trad_only, e.simp_only), (4, 3, 0));
    let e = script_evidence("这个说法");
    assert_eq!((e.trad_only, e.simp_only), (0, 3));
    // A Traditional paper quoting a Simplified passage at length is mixed.
    let mixed = detect_lang("這個報告說明了問題。这个报告说明了问题。");
    assert!(mixed.mixed, "{mixed:?}");
    assert_eq!(mixed.primary, Some(Lang::ZhHant));
}

// ---------------------------------------------------------------- conversion

#[test]
fn converts_simplified_to_hong_kong_traditional() {
    let cases = [
        ("软件", "軟件"),
        ("头发", "頭髮"),
        ("信息科技发展", "資訊科技發展"),
        ("政府信息网", "政府資訊網"),
        ("计算机", "電腦"),
        ("网络", "網絡"),
        ("发展", "發展"),
        ("为市民服务", "為市民服務"),
        ("只有一台电脑", "只有一台電腦"),
        ("皇后大道东", "皇后大道東"),
        ("以后会", "以後會"),
    ];
    for (simp, hk) in cases {
        assert_eq!(convert(simp, Lang::ZhHant), hk, "{simp}");
    }
}

#[test]
fn converts_traditional_to_simplified() {
    let cases = [
        ("軟件", "软件"),
        ("頭髮", "头发"),
        ("發展", "发展"),
        ("為市民服務", "为市民服务"),
        ("施政報告", "施政报告"),
        // Place names alone and in a sentence of a Traditional document.
        ("黃大仙區", "黄大仙区"),
        ("黃大仙", "黄大仙"),
        ("本局在黃大仙區設立辦事處。", "本局在黄大仙区设立办事处。"),
    ];
    for (hk, simp) in cases {
        assert_eq!(convert(hk, Lang::ZhHans), simp, "{hk}");
    }
}

#[test]
fn conversion_leaves_what_needs_no_conversion() {
    let hk = "香港的數碼平台已經推出。Policy Address 2025.";
    assert_eq!(convert(hk, Lang::ZhHant), hk);
    assert_eq!(convert("Plain English.", Lang::ZhHans), "Plain English.");
    // Sentences of shared characters only (信息科技) follow the script of the document.
    assert_eq!(
        convert("信息科技。这个计划很好。", Lang::ZhHant),
        "資訊科技。這個計劃很好。"
    );
    assert_eq!(
        convert("信息科技。這個計劃很好。", Lang::ZhHant),
        "信息科技。這個計劃很好。"
    );
    // Only the Simplified sentence of a mixed text is converted.
    assert_eq!(
        convert("數碼平台已經推出。这个计划很好。", Lang::ZhHant),
        "數碼平台已經推出。這個計劃很好。"
    );
}

// ---------------------------------------------------------------- terms

#[test]
fn traditional_keywords_come_out_as_words() {
    let t = terms("「政府今日公布施政報告，房屋局將增加公營房屋供應。」");
    for w in ["施政報告", "房屋局", "房屋", "公營", "政府", "供應"] {
        assert!(t.iter().any(|x| x == w), "{w} missing from {t:?}");
    }
    for stop in ["的", "將", "，"] {
        assert!(!t.iter().any(|x| x == stop), "{stop} in {t:?}");
    }
    // Folded terms match the Simplified spelling of the same text.
    assert_eq!(terms_folded("施政報告"), terms("施政报告"));
}

#[test]
fn english_terms_are_stemmed_without_stop_words() {
    assert_eq!(
        terms("The Housing Bureau is building 30,000 public housing flats in 2025."),
        ["hous", "bureau", "build", "30000", "public", "hous", "flat", "2025"]
    );
    assert!(terms("the of and is").is_empty());
    assert_eq!(
        terms("政府推出 Smart Lamppost 計劃"),
        ["政府", "推出", "smart", "lamppost", "計劃"]
    );
}

// ---------------------------------------------------------------- tokens and chunks

#[test]
fn token_estimates_are_in_a_sane_range() {
    // ~45 Qwen tokens for this English sentence, ~25 for the Chinese one.
    let en = estimate_tokens("The Government will increase the supply of public housing by 30 per cent over the next five years, the Chief Executive said in his Policy Address on Wednesday.");
    assert!((25..=50).contains(&en), "{en}");
    let zh = estimate_tokens("政府今日公布施政報告，房屋局將增加公營房屋供應。");
    assert!((12..=30).contains(&zh), "{zh}");
}

#[test]
fn chunks_cover_sentences_within_budget() {
    let text = "第一句。第二句。第三句。Fourth sentence here. Fifth one.";
    let s = split_sentences(text);
    let chunks = chunk_by_budget(text, &s, 8);
    assert!(chunks.len() > 1 && chunks.len() < s.len(), "{chunks:?}");
    assert_eq!(chunks.first().map(|r| r.start), s.first().map(|r| r.start));
    assert_eq!(chunks.last().map(|r| r.end), s.last().map(|r| r.end));
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sentence_ranges_are_well_formed(text in "(\\PC|[ \n。！？；.!?「」『』“”()Mr\\.3a]){0,80}") {
        let ranges = split_sentences(&text);
        let mut prev_end = 0;
        for r in &ranges {
            prop_assert!(r.start < r.end);
            prop_assert!(r.start >= prev_end);
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let s = &text[r.clone()];
            prop_assert_eq!(s.trim(), s);
            prev_end = r.end;
        }
        // Nothing but whitespace is lost between sentences.
        let kept: usize = ranges.iter().map(|r| r.len()).sum();
        let non_ws: usize = text.chars().filter(|c| !c.is_whitespace()).map(char::len_utf8).sum();
        prop_assert!(kept >= non_ws);
    }

    #[test]
    fn terms_never_panic_and_are_never_empty(text in "\\PC{0,80}") {
        for t in terms(&text) {
            prop_assert!(!t.is_empty());
            prop_assert!(!t.chars().any(char::is_whitespace));
        }
        let _ = terms_folded(&text);
        let _ = estimate_tokens(&text);
        let _ = detect_lang(&text);
    }

    #[test]
    fn conversion_never_panics(text in "(\\PC|[软件信息计算机頭髮發展])*") {
        let _ = convert(&text, Lang::ZhHant);
        let _ = convert(&text, Lang::ZhHans);
        prop_assert_eq!(convert(&text, Lang::En), text);
    }
}
