//! Summaries written as .docx and read back: through HKPilot's own DOCX reader (the
//! text an officer sees) and part by part (footnotes, references, well-formed XML);
//! and summaries as Markdown and plain text, compared whole (the CLI prints them and
//! the server offers them for download, so every byte is part of the contract).

mod common;

use common::{block_with, check_package, headings, read_back};
use hkpilot_core::{
    content_hash, ActionItem, Citation, DocumentId, Lang, Provenance, SentenceFlag, Span,
    StructuredSummary, Summary, SummaryMethod, SummarySentence,
};
use hkpilot_export::markdown::{flag_text, page_refs, provenance_line, sources_title};
use hkpilot_export::{
    summary_docx, summary_markdown, summary_text, ExportError, SourceInfo, SourceLabel,
};

const TRICKY_QUOTE: &str = r#"Rates < 5% & the "cap" stays."#;

fn source(title: &str, file: &str) -> (DocumentId, SourceInfo) {
    let hash = content_hash(title.as_bytes());
    let info = SourceInfo {
        title: title.to_string(),
        file_name: Some(file.to_string()),
        content_hash: hash.clone(),
    };
    (DocumentId::from_content_hash(&hash), info)
}

fn cite(doc: &DocumentId, page: u32, section: Option<&str>, quote: &str) -> Citation {
    Citation {
        span: Span {
            doc: doc.clone(),
            start: 0,
            end: quote.chars().count(),
            page,
            block: 0,
        },
        quote: quote.to_string(),
        section: section.map(str::to_string),
    }
}

fn flagged(text: &str, citations: Vec<Citation>, flags: Vec<SentenceFlag>) -> SummarySentence {
    SummarySentence {
        text: text.to_string(),
        citations,
        flags,
    }
}

fn summary(lang: Lang, docs: &[&DocumentId], sentences: Vec<SummarySentence>) -> Summary {
    Summary {
        documents: docs.iter().map(|d| (*d).clone()).collect(),
        method: SummaryMethod::Abstractive {
            model: "qwen2.5-7b-instruct-q4_k_m".to_string(),
        },
        lang,
        sentences,
        ai_generated: true,
        structured: None,
        provenance: Provenance::default(),
    }
}

#[test]
fn english_summary_with_footnotes_flags_and_sections() {
    let (pa, pa_info) = source("Policy Address 2024", "policy-address-2024.pdf");
    let (lc, lc_info) = source("LegCo Paper CB(1)123/24", "cb1-123.docx");
    let s1 = "The Government will build 30,000 public housing flats by 2027.";
    let s2 = "Rates stay below 5 per cent under the cap.";
    let s3 = "The scheme will cost HK$3 billion.";
    let s4 = "Officers welcomed the plan.";
    let mut sum = summary(
        Lang::En,
        &[&pa, &lc],
        vec![
            SummarySentence::cited(
                s1,
                vec![
                    cite(
                        &pa,
                        12,
                        Some("Housing"),
                        "We will build 30 000 flats by 2027.",
                    ),
                    cite(&lc, 2, None, "The target is 30 000 units."),
                ],
            ),
            SummarySentence::cited(s2, vec![cite(&lc, 4, Some("Rates"), TRICKY_QUOTE)]),
            flagged(
                s3,
                vec![cite(&pa, 15, None, "The scheme is funded.")],
                vec![
                    SentenceFlag::Unsupported,
                    SentenceFlag::NotInSource {
                        what: "money".into(),
                        text: "HK$3 billion".into(),
                    },
                ],
            ),
            flagged(s4, vec![], vec![SentenceFlag::NoCitation]),
        ],
    );
    let key = SummarySentence::cited(
        "Housing supply rises.",
        vec![cite(&pa, 12, None, "More flats.")],
    );
    sum.structured = Some(StructuredSummary {
        key_points: vec![key.clone()],
        decisions: vec![SummarySentence::cited("The plan was approved.", vec![])],
        figures: vec![SummarySentence::cited("30,000 flats.", vec![])],
        action_items: vec![ActionItem {
            item: SummarySentence::cited("Identify sites.", vec![cite(&lc, 5, None, "Sites.")]),
            owner: Some("Housing Department".into()),
            due: Some("31 March 2025".into()),
        }],
        open_questions: vec![SummarySentence::cited("How is it funded?", vec![])],
    });
    sum.provenance = Provenance {
        model: Some("qwen2.5-7b-instruct-q4_k_m".into()),
        settings: [("length".to_string(), "standard".to_string())].into(),
        source_hashes: vec![pa_info.content_hash.clone(), lc_info.content_hash.clone()],
        fallback: None,
        stats: [("model_calls".to_string(), 3u64)].into(),
    };
    let bytes = summary_docx(&sum, &[pa_info.clone(), lc_info.clone()]).unwrap();

    let doc = read_back(&bytes);
    assert_eq!(
        doc.meta.title.as_deref(),
        Some("Summary: Policy Address 2024 · LegCo Paper CB(1)123/24")
    );
    assert_eq!(
        headings(&doc),
        [
            "Summary",
            "Sources",
            "Overview",
            "Key points",
            "Decisions",
            "Figures",
            "Action items",
            "Open questions",
            "Provenance"
        ]
    );
    block_with(&doc, "AI-generated — check against the sources before use");
    block_with(&doc, "由人工智能生成，使用前請核對原文");
    block_with(
        &doc,
        "Method: written by the language model qwen2.5-7b-instruct-q4_k_m",
    );
    block_with(&doc, "Policy Address 2024 (policy-address-2024.pdf)");
    for s in [s1, s2] {
        assert_eq!(block_with(&doc, s), s, "a cited sentence carries no marker");
    }
    assert_eq!(
        block_with(&doc, s3),
        format!("{s3} [unsupported] [not in source: HK$3 billion]")
    );
    assert_eq!(block_with(&doc, s4), format!("{s4} [no citation]"));
    block_with(
        &doc,
        "Identify sites. (owner: Housing Department; due: 31 March 2025)",
    );
    block_with(&doc, "length: standard");
    block_with(
        &doc,
        &format!("Policy Address 2024: {}", pa_info.content_hash),
    );
    block_with(&doc, "model_calls: 3");
    assert!(
        !doc.text.contains("Note:"),
        "no fallback note without a fallback"
    );

    let (parts, notes) = check_package(&bytes);
    assert_eq!(notes.len(), 6, "one footnote per citation: {notes:?}");
    assert_eq!(
        notes[0],
        " Policy Address 2024, p. 12, § Housing: “We will build 30 000 flats by 2027.”"
    );
    assert_eq!(
        notes[1],
        " LegCo Paper CB(1)123/24, p. 2: “The target is 30 000 units.”"
    );
    assert_eq!(
        notes[2],
        format!(" LegCo Paper CB(1)123/24, p. 4, § Rates: “{TRICKY_QUOTE}”")
    );
    assert!(parts["word/footnotes.xml"].contains("Rates &lt; 5% &amp; the &quot;cap&quot; stays."));
    let styles = &parts["word/styles.xml"];
    assert!(styles.contains(r#"w:eastAsia="Microsoft JhengHei""#));
    assert!(styles.contains(r#"w:eastAsia="zh-HK""#));
    assert!(parts["word/document.xml"].contains(r#"<w:highlight w:val="yellow"/>"#));
}

#[test]
fn traditional_chinese_summary_with_fallback_note() {
    let (doc_id, info) = source("二零二四年施政報告", "policy-address-2024-tc.pdf");
    let s1 = "政府會在二零二七年前興建三萬個公營房屋單位。";
    let s2 = "計劃涉及三十億港元。";
    let mut sum = summary(
        Lang::ZhHant,
        &[&doc_id],
        vec![
            SummarySentence::cited(s1, vec![cite(&doc_id, 3, Some("房屋"), "興建三萬個單位。")]),
            flagged(
                s2,
                vec![cite(&doc_id, 5, None, "計劃已獲撥款。")],
                vec![
                    SentenceFlag::Unsupported,
                    SentenceFlag::NotInSource {
                        what: "money".into(),
                        text: "三十億港元".into(),
                    },
                ],
            ),
        ],
    );
    sum.method = SummaryMethod::Extractive {
        algorithm: "lexrank-sections-mmr".into(),
    };
    sum.provenance.fallback = Some("model unavailable".into());
    sum.structured = Some(StructuredSummary {
        key_points: vec![SummarySentence::cited(
            s1,
            vec![cite(&doc_id, 3, None, "興建。")],
        )],
        action_items: vec![ActionItem {
            item: SummarySentence::cited("物色土地。", vec![]),
            owner: Some("房屋署".into()),
            due: None,
        }],
        ..Default::default()
    });
    let bytes = summary_docx(&sum, &[info]).unwrap();

    let doc = read_back(&bytes);
    assert_eq!(
        headings(&doc),
        ["摘要", "資料來源", "概覽", "要點", "跟進事項", "生成記錄"]
    );
    block_with(&doc, "由人工智能生成，使用前請核對原文 / AI-generated");
    block_with(
        &doc,
        "方法：摘錄——句子選自原文，未經改寫（lexrank-sections-mmr）",
    );
    block_with(
        &doc,
        "注意：未能按要求由語言模型撰寫摘要（model unavailable），現改為顯示摘錄摘要。",
    );
    assert_eq!(
        block_with(&doc, s2),
        format!("{s2}[未獲原文支持][原文未見：三十億港元]")
    );
    block_with(&doc, "物色土地。（負責人：房屋署）");
    block_with(&doc, "模型：無（摘錄摘要）");

    let (_, notes) = check_package(&bytes);
    assert_eq!(
        notes[0],
        " 二零二四年施政報告，第 3 頁，〈房屋〉：「興建三萬個單位。」"
    );
    assert_eq!(notes.len(), 3);
}

#[test]
fn mixed_language_summary_keeps_both_scripts() {
    let (doc_id, info) = source("Budget 2024–25 財政預算案", "budget.pdf");
    let zh = "政府將推出「新資本投資者入境計劃」。";
    let en = "The Northern Metropolis remains a priority.";
    let sum = summary(
        Lang::En,
        &[&doc_id],
        vec![
            SummarySentence::cited(zh, vec![cite(&doc_id, 7, Some("投資推廣"), "推出新計劃。")]),
            flagged(en, vec![], vec![SentenceFlag::Unsupported]),
        ],
    );
    let bytes = summary_docx(&sum, &[info]).unwrap();
    let doc = read_back(&bytes);
    assert_eq!(block_with(&doc, zh), zh);
    assert_eq!(block_with(&doc, en), format!("{en} [unsupported]"));
    // No provenance model recorded: the method's model is named.
    block_with(&doc, "Model: qwen2.5-7b-instruct-q4_k_m");
    let (_, notes) = check_package(&bytes);
    assert_eq!(
        notes,
        [" Budget 2024–25 財政預算案, p. 7, § 投資推廣: “推出新計劃。”"]
    );
}

#[test]
fn simplified_chinese_gets_simplified_labels_and_fonts() {
    let (doc_id, info) = source("政策文件", "policy.txt");
    let sum = summary(
        Lang::ZhHans,
        &[&doc_id],
        vec![SummarySentence::cited(
            "政府将增加供应。",
            vec![cite(&doc_id, 1, None, "增加供应。")],
        )],
    );
    let bytes = summary_docx(&sum, &[info]).unwrap();
    assert_eq!(
        headings(&read_back(&bytes))[..3],
        ["摘要", "资料来源", "概览"]
    );
    let (parts, notes) = check_package(&bytes);
    assert_eq!(notes, [" 政策文件，第 1 页：“增加供应。”"]);
    assert!(parts["word/styles.xml"].contains(r#"w:eastAsia="Microsoft YaHei""#));
    assert!(parts["word/styles.xml"].contains(r#"w:eastAsia="zh-CN""#));
}

#[test]
fn characters_xml_cannot_hold_are_dropped_and_output_is_stable() {
    let (doc_id, info) = source("Control\u{1}chars", "c.txt");
    let sum = summary(
        Lang::En,
        &[&doc_id],
        vec![SummarySentence::cited(
            "Line one\u{b}\tand\nline two.",
            vec![cite(&doc_id, 0, None, "quote\u{0}with NUL")],
        )],
    );
    let bytes = summary_docx(&sum, std::slice::from_ref(&info)).unwrap();
    let (_, notes) = check_package(&bytes);
    assert_eq!(
        notes,
        [" Controlchars: “quotewith NUL”"],
        "page 0 is left out"
    );
    block_with(&read_back(&bytes), "Line one");
    assert_eq!(
        bytes,
        summary_docx(&sum, &[info]).unwrap(),
        "same input, same bytes"
    );
}

#[test]
fn sources_must_match_the_summary_documents() {
    let (a, a_info) = source("A", "a.txt");
    let (_, b_info) = source("B", "b.txt");
    let sum = summary(Lang::En, &[&a], vec![]);
    let err = summary_docx(&sum, &[]).unwrap_err();
    assert_eq!(err.code(), "source_count_mismatch");
    let err = summary_docx(&sum, &[b_info]).unwrap_err();
    assert_eq!(err.code(), "source_mismatch");
    assert!(matches!(err, ExportError::SourceMismatch { index: 0, .. }));
    assert!(summary_docx(&sum, &[a_info]).is_ok());
}

#[test]
#[should_panic(expected = "is not well-formed")]
fn the_checker_itself_rejects_broken_xml() {
    common::parse("broken", r#"<a x="1"><b></a>"#);
}

#[test]
#[should_panic(expected = "is not well-formed")]
fn the_checker_itself_rejects_duplicate_attributes() {
    common::parse("broken", r#"<a x="1" x="2"/>"#);
}

#[test]
fn a_structured_document_keeps_headings_lists_and_tables() {
    use hkpilot_core::BlockKind;
    use hkpilot_export::{document_docx, DocxBlock, DocxDocument};
    let doc = DocxDocument {
        title: "Translation: Flexible working hours".into(),
        lang: Lang::En,
        notice: Some("Machine translation (AI-generated): check it before use.".into()),
        details: vec![("Model".into(), "SmolLM2".into())],
        blocks: vec![
            DocxBlock::Heading {
                level: 1,
                text: "Flexible working hours".into(),
            },
            DocxBlock::Paragraph {
                text: TRICKY_QUOTE.into(),
            },
            DocxBlock::ListItem {
                level: 0,
                marker: None,
                text: "Apply five days ahead.".into(),
            },
            DocxBlock::ListItem {
                level: 1,
                marker: Some("(a)".into()),
                text: "In writing.".into(),
            },
            DocxBlock::Heading {
                level: 2,
                text: "Figures".into(),
            },
            DocxBlock::Table {
                rows: vec![
                    vec!["Item".into(), "Number".into()],
                    vec!["Officers".into()],
                ],
            },
            DocxBlock::Heading {
                level: 4,
                text: "By district".into(),
            },
            DocxBlock::PageBreak,
            DocxBlock::Flag {
                text: "Check: figures missing".into(),
            },
        ],
    };
    let bytes = document_docx(&doc).unwrap();
    assert_eq!(bytes, document_docx(&doc).unwrap(), "reproducible");
    check_package(&bytes);
    let back = read_back(&bytes);
    assert_eq!(
        headings(&back),
        ["Flexible working hours", "Figures", "By district"]
    );
    // Levels beyond three stay at the third.
    let levels: Vec<u8> = back
        .blocks
        .iter()
        .filter_map(|b| match b.kind {
            BlockKind::Heading { level } => Some(level),
            _ => None,
        })
        .collect();
    assert_eq!(levels, [1, 2, 3]);
    assert!(block_with(&back, "Machine translation").contains("AI-generated"));
    assert_eq!(block_with(&back, "Rates"), TRICKY_QUOTE);
    assert!(block_with(&back, "In writing").contains("(a)"));
    let table = back
        .blocks
        .iter()
        .find_map(|b| match &b.kind {
            BlockKind::Table { rows } => Some(rows.clone()),
            _ => None,
        })
        .expect("the table reads back as a table");
    assert_eq!(table.len(), 2);
    assert_eq!(table[0][1].text, "Number");
    assert_eq!(table[1][0].text, "Officers");
    assert!(block_with(&back, "Check:").contains("figures missing"));
}

#[test]
fn a_draft_keeps_its_sections_and_cites_in_footnotes() {
    use hkpilot_export::{draft_docx, DraftBlock, DraftDocx, DraftRun};
    let doc = DraftDocx {
        title: "內部便箋".into(),
        lang: Lang::ZhHant,
        notice: Some("本草稿由人工智能語言模型撰寫 / AI-generated draft".into()),
        details: vec![("待答問題".into(), "便箋發給誰？".into())],
        blocks: vec![
            DraftBlock::Heading {
                level: 1,
                text: "便箋頭".into(),
            },
            DraftBlock::Paragraph(vec![DraftRun::Text(
                "發文者：［待填：發文者］\n致：首席助理秘書長".into(),
            )]),
            DraftBlock::Heading {
                level: 1,
                text: "背景".into(),
            },
            DraftBlock::Paragraph(vec![
                DraftRun::Text("房屋署將興建30,000個單位。".into()),
                DraftRun::Footnote(format!("Paper, 頁 1: “{TRICKY_QUOTE}”")),
                DraftRun::Text("輪候時間縮短。".into()),
                DraftRun::Flag("[未獲原文支持]".into()),
            ]),
            DraftBlock::Bullet(vec![
                DraftRun::Bold("注意：".into()),
                DraftRun::Text("second".into()),
                DraftRun::Footnote("Second note".into()),
            ]),
        ],
    };
    let bytes = draft_docx(&doc).unwrap();
    assert_eq!(bytes, draft_docx(&doc).unwrap(), "not reproducible");
    let (parts, notes) = check_package(&bytes);
    assert_eq!(notes.len(), 2);
    assert!(notes[0].contains(TRICKY_QUOTE), "{}", notes[0]);
    assert!(parts["docProps/core.xml"].contains("AI-generated"));
    let back = read_back(&bytes);
    assert_eq!(headings(&back), ["內部便箋", "便箋頭", "背景"]);
    assert!(block_with(&back, "房屋署將興建").contains("[未獲原文支持]"));
    assert!(back.text.contains("［待填：發文者］"));
}

// ------------------------------------------------------------ Markdown and text

/// An English model summary in sections: two sources (one without a title), flags,
/// an action item with owner and due date, and a citation of a document no label
/// names.
fn english_structured() -> (Summary, Vec<SourceLabel>) {
    let (pa, pa_info) = source("Policy Address 2024", "policy-address-2024.pdf");
    let (lc, lc_info) = source("LegCo Paper CB(1)123/24", "cb1-123.docx");
    let stray = DocumentId("0123456789abcdef".into());
    let mut sum = summary(Lang::En, &[&pa, &lc], vec![]);
    sum.structured = Some(StructuredSummary {
        key_points: vec![
            SummarySentence::cited(
                "The Government will build 30,000 flats by 2027.",
                vec![
                    cite(&pa, 12, Some("Housing"), "We will build 30 000 flats."),
                    cite(&lc, 2, None, "The target is 30 000 units."),
                ],
            ),
            flagged(
                "The scheme will cost HK$3 billion.",
                vec![cite(&pa, 15, None, "The scheme is funded.")],
                vec![
                    SentenceFlag::Unsupported,
                    SentenceFlag::NotInSource {
                        what: "money".into(),
                        text: "HK$3 billion".into(),
                    },
                ],
            ),
        ],
        decisions: vec![flagged(
            "The plan was approved.",
            vec![],
            vec![SentenceFlag::NoCitation],
        )],
        figures: vec![],
        action_items: vec![
            ActionItem {
                item: SummarySentence::cited(
                    "Identify sites.",
                    vec![cite(&stray, 5, None, "Sites.")],
                ),
                owner: Some("Housing Department".into()),
                due: Some("31 March 2025".into()),
            },
            ActionItem {
                item: SummarySentence::cited("Consult the public.", vec![]),
                owner: None,
                due: None,
            },
        ],
        open_questions: vec![SummarySentence::cited("How is it funded?", vec![])],
    });
    sum.provenance = Provenance {
        model: Some("qwen2.5-7b-instruct-q4_k_m".into()),
        settings: [
            ("length".to_string(), "standard".to_string()),
            ("lang".to_string(), "en".to_string()),
        ]
        .into(),
        source_hashes: vec![pa_info.content_hash, lc_info.content_hash],
        fallback: None,
        stats: [("model_calls".to_string(), 3u64)].into(),
    };
    let sources = vec![
        SourceLabel::new(
            pa,
            Some("Policy Address 2024"),
            "docs/policy-address-2024.pdf",
        ),
        SourceLabel::new(lc, None, "docs/cb1-123.docx"),
    ];
    (sum, sources)
}

/// A Traditional Chinese extractive summary given instead of a model one (fallback
/// note), plain (no sections), one sentence flagged.
fn traditional_chinese_fallback() -> (Summary, Vec<SourceLabel>) {
    let (doc_id, info) = source("二零二四年施政報告", "policy-address-2024-tc.pdf");
    let mut sum = summary(
        Lang::ZhHant,
        &[&doc_id],
        vec![
            SummarySentence::cited(
                "政府會在二零二七年前興建三萬個公營房屋單位。",
                vec![cite(&doc_id, 3, Some("房屋"), "興建三萬個單位。")],
            ),
            flagged(
                "計劃涉及三十億港元。",
                vec![
                    cite(&doc_id, 5, None, "計劃已獲撥款。"),
                    cite(&doc_id, 6, None, "撥款。"),
                ],
                vec![
                    SentenceFlag::Unsupported,
                    SentenceFlag::NotInSource {
                        what: "money".into(),
                        text: "三十億港元".into(),
                    },
                ],
            ),
            flagged("市民反應正面。", vec![], vec![SentenceFlag::NoCitation]),
        ],
    );
    sum.method = SummaryMethod::Extractive {
        algorithm: "lexrank-sections-mmr".into(),
    };
    sum.provenance.fallback = Some("the model could not be loaded (no file)".into());
    sum.provenance.source_hashes = vec![info.content_hash];
    let sources = vec![SourceLabel::new(
        doc_id,
        Some("二零二四年施政報告"),
        "文件/施政報告.pdf",
    )];
    (sum, sources)
}

#[test]
fn english_structured_summary_as_markdown() {
    let (sum, sources) = english_structured();
    let hashes = sum.provenance.source_hashes.clone();
    let (h1, h2) = (&hashes[0][..19], &hashes[1][..19]);
    let expected = format!(
        "## Summary: Policy Address 2024 · docs/cb1-123.docx

*AI-generated summary written by a language model; each point links to the source it is based on, and points the checks could not confirm are marked. Check it against the original before use. — abstractive (qwen2.5-7b-instruct-q4_k_m)*


### Key points

- The Government will build 30,000 flats by 2027.[^1][^2]
- The scheme will cost HK$3 billion.[^3] *⚠ not supported by the cited source ⚠ not found in the cited source: HK$3 billion*

### Decisions

- The plan was approved. *⚠ no source cited*

### Action items

- Identify sites. (owner: Housing Department; due: 31 March 2025)[^4]
- Consult the public.

### Open questions

- How is it funded?

<sub>abstractive (qwen2.5-7b-instruct-q4_k_m) · lang=en, length=standard · sources {h1} {h2}</sub>

[^1]: docs/policy-address-2024.pdf, p. 12, § Housing, characters 0–27
[^2]: docs/cb1-123.docx, p. 2, characters 0–27
[^3]: docs/policy-address-2024.pdf, p. 15, characters 0–21
[^4]: 0123456789abcdef, p. 5, characters 0–6

"
    );
    assert_eq!(summary_markdown(&sum, &sources), expected);
}

#[test]
fn english_structured_summary_as_text() {
    let (sum, sources) = english_structured();
    let hashes = sum.provenance.source_hashes.clone();
    let (h1, h2) = (&hashes[0][..19], &hashes[1][..19]);
    let expected = format!(
        "Summary: Policy Address 2024 · docs/cb1-123.docx
[AI-generated summary written by a language model; each point links to the source it is based on, and points the checks could not confirm are marked. Check it against the original before use. — abstractive (qwen2.5-7b-instruct-q4_k_m)]


Key points:
* The Government will build 30,000 flats by 2027. (p. 12, p. 2)
* The scheme will cost HK$3 billion. (p. 15) ⚠ not supported by the cited source ⚠ not found in the cited source: HK$3 billion

Decisions:
* The plan was approved. ⚠ no source cited

Action items:
* Identify sites. (owner: Housing Department; due: 31 March 2025) (p. 5)
* Consult the public.

Open questions:
* How is it funded?

abstractive (qwen2.5-7b-instruct-q4_k_m) · lang=en, length=standard · sources {h1} {h2}
"
    );
    assert_eq!(summary_text(&sum, &sources), expected);
}

#[test]
fn traditional_chinese_fallback_summary_as_markdown_and_text() {
    let (sum, sources) = traditional_chinese_fallback();
    let h = &sum.provenance.source_hashes[0][..19];
    let md = format!(
        "## 摘要: 二零二四年施政報告

*本摘要由人工智能生成，每一要點均引自原文並附出處。使用前請與原文核對。 — extractive (lexrank-sections-mmr)*

> **Note:** the model could not be loaded (no file)

- 政府會在二零二七年前興建三萬個公營房屋單位。[^1]
- 計劃涉及三十億港元。[^2][^3] *⚠ 所引原文未能支持此句 ⚠ 所引原文中找不到: 三十億港元*
- 市民反應正面。 *⚠ 未註明出處*

<sub>extractive (lexrank-sections-mmr) · sources {h}</sub>

[^1]: 文件/施政報告.pdf, 頁 3, § 房屋, 字元 0–8
[^2]: 文件/施政報告.pdf, 頁 5, 字元 0–7
[^3]: 文件/施政報告.pdf, 頁 6, 字元 0–3

"
    );
    assert_eq!(summary_markdown(&sum, &sources), md);
    let text = format!(
        "摘要: 二零二四年施政報告
[本摘要由人工智能生成，每一要點均引自原文並附出處。使用前請與原文核對。 — extractive (lexrank-sections-mmr)]

Note: the model could not be loaded (no file)

* 政府會在二零二七年前興建三萬個公營房屋單位。 (頁 3)
* 計劃涉及三十億港元。 (頁 5, 頁 6) ⚠ 所引原文未能支持此句 ⚠ 所引原文中找不到: 三十億港元
* 市民反應正面。 ⚠ 未註明出處

extractive (lexrank-sections-mmr) · sources {h}
"
    );
    assert_eq!(summary_text(&sum, &sources), text);
}

#[test]
fn traditional_chinese_sections_and_action_items() {
    let (mut sum, sources) = traditional_chinese_fallback();
    let first = sum.sentences[0].clone();
    sum.structured = Some(StructuredSummary {
        key_points: vec![first],
        figures: vec![SummarySentence::cited("三萬個單位。", vec![])],
        action_items: vec![ActionItem {
            item: SummarySentence::cited("物色土地。", vec![]),
            owner: Some("房屋署".into()),
            due: Some("二零二五年三月".into()),
        }],
        ..Default::default()
    });
    let md = summary_markdown(&sum, &sources);
    let body: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("###") || l.starts_with("- "))
        .collect();
    assert_eq!(
        body,
        [
            "### 要點",
            "- 政府會在二零二七年前興建三萬個公營房屋單位。[^1]",
            "### 數字",
            "- 三萬個單位。",
            "### 跟進事項",
            "- 物色土地。 (負責: 房屋署; 限期: 二零二五年三月)",
        ],
        "the sections replace the plain sentences: {md}"
    );
    assert!(
        md.ends_with("[^1]: 文件/施政報告.pdf, 頁 3, § 房屋, 字元 0–8\n\n"),
        "{md}"
    );
    let text = summary_text(&sum, &sources);
    assert!(
        text.contains("\n要點:\n* 政府會在二零二七年前興建三萬個公營房屋單位。 (頁 3)\n"),
        "{text}"
    );
    assert!(
        text.contains("\n跟進事項:\n* 物色土地。 (負責: 房屋署; 限期: 二零二五年三月)\n"),
        "{text}"
    );
}

#[test]
fn simplified_chinese_labels_and_no_footnotes_without_citations() {
    let (doc_id, _) = source("政策文件", "policy.txt");
    let sum = summary(
        Lang::ZhHans,
        &[&doc_id],
        vec![flagged(
            "政府将增加供应。",
            vec![],
            vec![SentenceFlag::NoCitation],
        )],
    );
    let sources = [SourceLabel::new(doc_id, None, "policy.txt")];
    let md = summary_markdown(&sum, &sources);
    assert!(
        md.starts_with("## 摘要: policy.txt\n\n*本摘要由人工智能语言模型撰写，"),
        "{md}"
    );
    assert!(md.contains("\n- 政府将增加供应。 *⚠ 未注明出处*\n"), "{md}");
    assert!(
        md.ends_with("</sub>\n"),
        "no footnote list without citations: {md}"
    );
    assert!(
        !md.contains("> **Note:**"),
        "no fallback note without a fallback"
    );
}

#[test]
fn the_pieces_for_other_layouts_match_the_full_renderings() {
    let (sum, sources) = traditional_chinese_fallback();
    let s = &sum.sentences[1];
    assert_eq!(page_refs(s, Lang::ZhHant), " (頁 5, 頁 6)");
    assert_eq!(page_refs(s, Lang::En), " (p. 5, p. 6)");
    assert_eq!(page_refs(&sum.sentences[2], Lang::En), "");
    assert_eq!(
        flag_text(s, Lang::En),
        " ⚠ not supported by the cited source ⚠ not found in the cited source: 三十億港元"
    );
    assert_eq!(flag_text(&sum.sentences[0], Lang::ZhHant), "");
    assert_eq!(sources_title(&sources), "二零二四年施政報告");
    let text = summary_text(&sum, &sources);
    let line = format!(
        "* {}{}{}\n",
        s.text,
        page_refs(s, sum.lang),
        flag_text(s, sum.lang)
    );
    assert!(text.contains(&line), "{text}");
    assert!(
        text.ends_with(&format!("\n{}\n", provenance_line(&sum))),
        "{text}"
    );
    assert_eq!(
        SourceLabel::new(DocumentId("x".into()), None, "a/b.md"),
        SourceLabel {
            id: DocumentId("x".into()),
            title: "a/b.md".into(),
            file: "a/b.md".into(),
        }
    );
}
