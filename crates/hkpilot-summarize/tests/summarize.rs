//! Integration tests of the extractive summariser on English, Traditional Chinese
//! and mixed documents written for these tests.

mod common;

use common::{check_citations, doc_from_sections, meta, Section};
use hkpilot_core::{BlockKind, Document, DocumentBuilder, Lang};
use hkpilot_summarize::{summarize_extractive, ExtractiveOptions, Length};
use proptest::prelude::*;
use std::collections::BTreeSet;

const EN: &[Section<'static>] = &[
    (
        "Housing",
        &[
            "The Government will increase the supply of public rental housing over the next five years. New flats will be built on sites released from former industrial land in the New Territories.",
            "Waiting times for public rental housing have grown longer because demand has outpaced construction. The Housing Department will publish the average waiting time every quarter.",
            "Transitional housing projects give families a decent place to live while they wait for a public flat. Non-governmental organisations operate most of these projects with government funding.",
            "Private developers will be asked to include smaller affordable units in large residential sites.",
        ],
    ),
    (
        "Transport",
        &[
            "A new railway line will connect the northern districts with the urban centre by the end of the decade. The line will shorten journeys for commuters who now travel by bus.",
            "Bus companies will receive support to replace diesel buses with electric buses. Charging depots will be built at major bus termini.",
            "Road tolls on the three harbour crossings will be adjusted to spread traffic more evenly. The Transport Department expects shorter queues at the busiest tunnel during peak hours.",
            "Cycling tracks in new towns will be joined up so that residents can cycle safely to railway stations.",
        ],
    ),
    (
        "Education",
        &[
            "Every public primary school will offer coding lessons from the next school year. Teachers will receive training in computational thinking before the lessons begin.",
            "Kindergarten fees will remain free for half-day places under the current scheme. Parents of whole-day pupils will receive a larger subsidy.",
            "Universities will admit more students to programmes in science, technology and medicine. The funding committee will review the places every three years.",
            "Schools with many non-Chinese speaking students will receive extra grants for Chinese language teaching.",
        ],
    ),
    (
        "Health",
        &[
            "Public hospitals will open more evening clinics so that patients can see a doctor after work. Waiting times at accident and emergency departments will be reported every month.",
            "A district health centre will open in every district to provide primary care and health screening. Residents can join the centres free of charge.",
            "The Government will subsidise cancer screening for people aged fifty and above. Early detection saves lives and reduces the cost of treatment.",
            "Elderly patients will be able to use health care vouchers at more clinics in the Greater Bay Area.",
        ],
    ),
];

const ZH: &[Section<'static>] = &[
    (
        "房屋",
        &[
            "政府會在未來五年增加公共租住房屋的供應。新單位會建於新界前工業用地釋出的土地上。",
            "由於需求增長快過建屋速度，輪候公屋的時間越來越長。房屋署會每季公布平均輪候時間。",
            "過渡性房屋讓家庭在輪候公屋期間有一個體面的居所。這些項目大多由非政府機構在政府資助下營運。",
        ],
    ),
    (
        "交通",
        &[
            "一條新鐵路會在本年代結束前連接北部各區和市中心。新鐵路會縮短現時乘搭巴士的市民的通勤時間。",
            "政府會資助巴士公司以電動巴士取代柴油巴士。主要巴士總站會興建充電設施。",
            "三條過海隧道的收費會作出調整，使交通流量分布得更平均。運輸署預計最繁忙的隧道在繁忙時間的車龍會縮短。",
        ],
    ),
    (
        "教育",
        &[
            "所有公營小學會由下個學年起開設編程課。教師會在課程開始前接受運算思維培訓。",
            "半日制幼稚園學額會繼續免費。全日制學童的家長會獲得更多資助。",
            "大學會增加科學、科技和醫學課程的學額。資助委員會每三年檢討一次學額。",
        ],
    ),
    (
        "醫療",
        &[
            "公立醫院會開設更多夜間診所，讓病人下班後也可以求診。急症室的輪候時間會每月公布。",
            "每區都會設立地區康健中心，提供基層醫療和健康檢查。居民可免費登記成為會員。",
            "政府會資助五十歲或以上人士接受癌症篩查。及早發現可以拯救生命，並減低治療費用。",
        ],
    ),
];

const MIXED: &[Section<'static>] = &[
    (
        "Summary 摘要",
        &[
            "The Civil Service Bureau will review the allowance for overtime work in the coming year.",
            "公務員事務局會在來年檢討超時工作津貼，並諮詢各職系的員工代表。",
            "Staff representatives of every grade will be consulted before the review is completed.",
        ],
    ),
    (
        "Next steps 下一步",
        &[
            "檢討結果會在明年年中向立法會公務員及資助機構員工事務委員會匯報。",
            "The Bureau will report the results to the Legislative Council panel by the middle of next year.",
        ],
    ),
];

fn opts(length: Length) -> ExtractiveOptions {
    ExtractiveOptions {
        length,
        ..Default::default()
    }
}

fn all_docs() -> Vec<Document> {
    vec![
        doc_from_sections("en", EN, true),
        doc_from_sections("zh", ZH, true),
        doc_from_sections("mixed", MIXED, false),
    ]
}

const LENGTHS: [Length; 7] = [
    Length::Brief,
    Length::Standard,
    Length::Detailed,
    Length::Sentences(1),
    Length::Sentences(5),
    Length::Chars(60),
    Length::Chars(400),
];

#[test]
fn citations_quote_the_document_in_every_language_and_length() {
    for doc in all_docs() {
        for length in LENGTHS {
            let summary = summarize_extractive(&[&doc], &opts(length)).unwrap();
            assert!(
                !summary.sentences.is_empty(),
                "{} {length}",
                doc.meta.file_name.clone().unwrap()
            );
            assert!(summary.ai_generated);
            assert_eq!(summary.documents, vec![doc.id.clone()]);
            check_citations(&[&doc], &summary);
        }
    }
}

#[test]
fn summary_language_is_what_the_text_is() {
    let en = doc_from_sections("en", EN, false);
    let zh = doc_from_sections("zh", ZH, false);
    let s = summarize_extractive(&[&en], &opts(Length::Standard)).unwrap();
    assert_eq!(s.lang, Lang::En);
    let s = summarize_extractive(&[&zh], &opts(Length::Standard)).unwrap();
    assert_eq!(s.lang, Lang::ZhHant);
    // Asking for a Chinese script on English text cannot convert anything.
    let o = ExtractiveOptions {
        lang: Some(Lang::ZhHans),
        ..opts(Length::Standard)
    };
    assert_eq!(summarize_extractive(&[&en], &o).unwrap().lang, Lang::En);
}

#[test]
fn page_numbers_follow_the_pages() {
    let doc = doc_from_sections("en", EN, true);
    assert_eq!(doc.meta.page_count, 4);
    let summary = summarize_extractive(&[&doc], &opts(Length::Detailed)).unwrap();
    check_citations(&[&doc], &summary);
    let pages: BTreeSet<u32> = summary
        .sentences
        .iter()
        .map(|s| s.citations[0].span.page)
        .collect();
    // Each section is its own page, so a detailed summary cites more than page 1, and
    // every cited page is the page whose range holds the span.
    assert!(pages.len() >= 2, "{pages:?}");
    for s in &summary.sentences {
        let span = &s.citations[0].span;
        let page = doc
            .pages
            .iter()
            .find(|p| p.start <= span.start && span.start < p.end)
            .unwrap();
        assert_eq!(span.page, page.number);
    }
}

#[test]
fn standard_summary_covers_several_sections() {
    for doc in [
        doc_from_sections("en", EN, false),
        doc_from_sections("zh", ZH, false),
    ] {
        let summary = summarize_extractive(&[&doc], &opts(Length::Standard)).unwrap();
        check_citations(&[&doc], &summary);
        let sections: BTreeSet<Option<String>> = summary
            .sentences
            .iter()
            .map(|s| s.citations[0].section.clone())
            .collect();
        assert!(
            sections.len() >= 3,
            "{sections:?} in {:#?}",
            summary.sentences
        );
    }
}

#[test]
fn presets_are_ordered_by_length() {
    for doc in all_docs() {
        let n = |length| {
            let s = summarize_extractive(&[&doc], &opts(length)).unwrap();
            (s.sentences.len(), s.text().chars().count())
        };
        let (brief, standard, detailed) =
            (n(Length::Brief), n(Length::Standard), n(Length::Detailed));
        assert!(
            brief.0 <= standard.0 && standard.0 <= detailed.0,
            "{brief:?} {standard:?} {detailed:?}"
        );
        assert!(brief.0 >= 1);
    }
    let doc = doc_from_sections("en", EN, false);
    let brief = summarize_extractive(&[&doc], &opts(Length::Brief)).unwrap();
    let detailed = summarize_extractive(&[&doc], &opts(Length::Detailed)).unwrap();
    assert!(brief.sentences.len() < detailed.sentences.len());
}

#[test]
fn sentence_counts_are_exact() {
    let doc = doc_from_sections("en", EN, false);
    for n in [1, 3, 7] {
        let s = summarize_extractive(&[&doc], &opts(Length::Sentences(n))).unwrap();
        assert_eq!(s.sentences.len(), n);
    }
    // More sentences than the document has: all of its statements, no error.
    let s = summarize_extractive(&[&doc], &opts(Length::Sentences(10_000))).unwrap();
    let paragraphs: usize = EN.iter().map(|(_, p)| p.len()).sum();
    assert!(s.sentences.len() >= paragraphs);
}

#[test]
fn character_budget_is_a_ceiling() {
    for doc in all_docs() {
        for max in [5, 20, 60, 150, 400, 2_000] {
            let s = summarize_extractive(&[&doc], &opts(Length::Chars(max))).unwrap();
            assert!(!s.sentences.is_empty());
            let len = s.text().chars().count();
            assert!(len <= max, "{len} > {max}: {}", s.text());
            check_citations(&[&doc], &s);
        }
    }
    // A generous budget is used, not ignored.
    let doc = doc_from_sections("en", EN, false);
    let s = summarize_extractive(&[&doc], &opts(Length::Chars(1_000))).unwrap();
    assert!(s.text().chars().count() > 500);
}

#[test]
fn simplified_output_converts_chinese_and_keeps_quotes() {
    for doc in [
        doc_from_sections("zh", ZH, true),
        doc_from_sections("mixed", MIXED, false),
    ] {
        for lang in [Lang::ZhHans, Lang::ZhHant] {
            let o = ExtractiveOptions {
                lang: Some(lang),
                ..opts(Length::Detailed)
            };
            let s = summarize_extractive(&[&doc], &o).unwrap();
            check_citations(&[&doc], &s);
            assert_eq!(s.lang, lang);
            for sent in &s.sentences {
                let quote = &sent.citations[0].quote;
                if quote.chars().any(hkpilot_text::script::is_han) {
                    assert_eq!(sent.text, hkpilot_text::convert::convert(quote, lang));
                } else {
                    assert_eq!(&sent.text, quote, "English stays as written");
                }
            }
        }
    }
}

#[test]
fn several_documents_are_summarised_together() {
    let docs = all_docs();
    let refs: Vec<&Document> = docs.iter().collect();
    let s = summarize_extractive(&refs, &opts(Length::Detailed)).unwrap();
    check_citations(&refs, &s);
    assert_eq!(s.documents.len(), 3);
    let cited: BTreeSet<_> = s
        .sentences
        .iter()
        .map(|x| x.citations[0].span.doc.clone())
        .collect();
    assert!(cited.len() >= 2, "{cited:?}");
}

#[test]
fn empty_input_is_a_clear_error() {
    let err = summarize_extractive(&[], &opts(Length::Standard)).unwrap_err();
    assert_eq!(err.code(), "no_documents");
    let empty = DocumentBuilder::new().finish(false, meta("empty"));
    let err = summarize_extractive(&[&empty], &opts(Length::Standard)).unwrap_err();
    assert_eq!(err.code(), "empty_document");
    assert!(err.is_user_error());
    let mut b = DocumentBuilder::new();
    b.push(BlockKind::Heading { level: 1 }, "Annex");
    let only_heading = b.finish(false, meta("heading"));
    let err = summarize_extractive(&[&only_heading], &opts(Length::Standard)).unwrap_err();
    assert_eq!(err.code(), "no_sentences");
    let err = summarize_extractive(&[&only_heading], &opts(Length::Chars(0))).unwrap_err();
    assert_eq!(err.code(), "invalid_length");
}

#[test]
fn tables_alone_are_summarised_from_their_rows() {
    let mut b = DocumentBuilder::new();
    b.push(BlockKind::Heading { level: 1 }, "Annex A 附件甲");
    b.push_table(vec![
        vec!["Item 項目".into(), "2024".into(), "2025".into()],
        vec![
            "Overtime allowance paid to staff in all grades".into(),
            "".into(),
            "1,350".into(),
        ],
        vec![
            "向各職系員工發放的超時工作津貼總額".into(),
            "980".into(),
            "1,010".into(),
        ],
    ]);
    b.push(BlockKind::Paragraph, "1,200 1,350 980 1,010");
    let doc = b.finish(false, meta("tables"));
    // Without prose, the rows are the content, whether or not tables were asked for.
    for include_tables in [false, true] {
        let o = ExtractiveOptions {
            include_tables,
            ..opts(Length::Standard)
        };
        let s = summarize_extractive(&[&doc], &o).unwrap();
        check_citations(&[&doc], &s);
        assert!(!s.sentences.is_empty());
        assert!(s
            .sentences
            .iter()
            .all(|x| x.citations[0].quote.contains('|')));
        // Shown without the blank cells that pad the rows.
        assert!(
            s.sentences.iter().all(|x| !x.text.contains("|  |")),
            "{s:?}"
        );
    }

    // Figures alone, with no table and no words, are reported, not summarised.
    let mut b = DocumentBuilder::new();
    b.push(BlockKind::Paragraph, "1,200 1,350 980 1,010");
    let figures = b.finish(false, meta("figures"));
    let err = summarize_extractive(&[&figures], &opts(Length::Standard)).unwrap_err();
    assert_eq!(err.code(), "no_sentences");
}

#[test]
fn short_notes_still_get_a_summary() {
    // Nothing here is a full statement, but an officer's note deserves an answer.
    let mut b = DocumentBuilder::new();
    b.push(BlockKind::Paragraph, "Meeting moved.");
    b.push(BlockKind::Paragraph, "會議改期。");
    let doc = b.finish(false, meta("note"));
    let s = summarize_extractive(&[&doc], &opts(Length::Brief)).unwrap();
    assert_eq!(s.sentences.len(), 1);
    check_citations(&[&doc], &s);
}

/// Text of the shapes officers paste: mixed scripts, punctuation of both, blank
/// lines, stray spaces.
fn arbitrary_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z]{1,12}",
        "[一-龥]{1,8}",
        Just(" ".to_string()),
        Just(". ".to_string()),
        Just("。".to_string()),
        Just("，".to_string()),
        Just("！？".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        "[0-9]{1,5}",
        "[ -~]{1,6}",
        "\\PC{1,4}",
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

fn arbitrary_length() -> impl Strategy<Value = Length> {
    prop_oneof![
        Just(Length::Brief),
        Just(Length::Standard),
        Just(Length::Detailed),
        (1usize..20).prop_map(Length::Sentences),
        (1usize..300).prop_map(Length::Chars),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_text_never_panics_and_cites_in_bounds(
        text in arbitrary_text(),
        length in arbitrary_length(),
        every in 1usize..6,
    ) {
        let mut b = DocumentBuilder::new();
        for (i, para) in text.split('\n').enumerate() {
            if i % every == 0 && i > 0 {
                b.page_break();
            }
            let kind = if i % 4 == 3 { BlockKind::Heading { level: 2 } } else { BlockKind::Paragraph };
            b.push(kind, para);
        }
        let doc = b.finish(true, meta("prop"));
        let lang = [None, Some(Lang::ZhHans), Some(Lang::ZhHant)][every % 3];
        let o = ExtractiveOptions { length, lang, ..Default::default() };
        match summarize_extractive(&[&doc], &o) {
            Ok(s) => {
                prop_assert!(!s.sentences.is_empty());
                check_citations(&[&doc], &s);
                if let Length::Chars(max) = length {
                    prop_assert!(s.text().chars().count() <= max);
                }
                if let Length::Sentences(n) = length {
                    prop_assert!(s.sentences.len() <= n);
                }
            }
            Err(e) => prop_assert!(e.is_user_error()),
        }
    }
}
