//! Integration tests of the grounded-summary building blocks, in English,
//! Traditional Chinese and mixed text.

use hkpilot_core::{
    content_hash, BlockKind, Document, DocumentBuilder, DocumentMeta, LangProfile, SourceFormat,
};
use hkpilot_grounded::chunk::chunk_by_costs;
use hkpilot_grounded::*;
use hkpilot_llm::testing::EchoBackend;
use std::collections::HashSet;

fn meta(name: &str) -> DocumentMeta {
    DocumentMeta {
        title: None,
        file_name: Some(name.into()),
        format: SourceFormat::Pdf,
        byte_len: 1,
        content_hash: content_hash(name.as_bytes()),
        languages: LangProfile {
            primary: None,
            latin_share: 0.0,
            han_share: 0.0,
            mixed: false,
        },
        page_count: 0,
        encoding: None,
    }
}

fn heading(b: &mut DocumentBuilder, text: &str) {
    b.push(BlockKind::Heading { level: 1 }, text);
}

fn para(b: &mut DocumentBuilder, text: &str) {
    b.push(BlockKind::Paragraph, text);
}

/// Two pages, English, with two sections.
fn english() -> Document {
    let mut b = DocumentBuilder::new();
    heading(&mut b, "Housing");
    para(
        &mut b,
        "The Government will build 30,000 public flats in 2025. The waiting time for public rental housing fell to 5.3 years.",
    );
    b.page_break();
    heading(&mut b, "Elderly care");
    para(
        &mut b,
        "The Government will spend HK$1 billion on elderly care. Subsidised places will rise by 82% by 1 March 2026.",
    );
    b.finish(true, meta("en"))
}

fn chinese() -> Document {
    let mut b = DocumentBuilder::new();
    heading(&mut b, "醫療");
    para(
        &mut b,
        "政府會撥款10億港元推行長者醫療券計劃。受惠長者比例達百分之八十二。每名長者每年可獲38萬港元以下的資助。",
    );
    para(&mut b, "計劃由2025年1月1日起生效。");
    b.finish(true, meta("zh"))
}

#[test]
fn units_have_exact_spans_pages_and_sections() {
    let en = english();
    let zh = chinese();
    let sources = number_documents(&[&en, &zh]);
    assert_eq!(sources.len(), 4 + 4);
    for u in &sources.units {
        let doc = if u.doc == 0 { &en } else { &zh };
        assert_eq!(
            doc.slice(u.citation.span.start, u.citation.span.end),
            u.text()
        );
        assert_eq!(u.citation.span.doc, doc.id);
    }
    let u3 = sources.get(3).unwrap();
    assert!(u3
        .text()
        .starts_with("The Government will spend HK$1 billion"));
    assert_eq!(u3.citation.span.page, 2);
    assert_eq!(u3.citation.section.as_deref(), Some("Elderly care"));
    let u6 = sources.get(6).unwrap();
    assert_eq!(u6.text(), "受惠長者比例達百分之八十二。");
    assert_eq!(u6.citation.section.as_deref(), Some("醫療"));
    // Sections never span documents or headings.
    assert_ne!(sources.get(2).unwrap().section, u3.section);
    assert_ne!(
        sources.get(4).unwrap().section,
        sources.get(5).unwrap().section
    );
    assert!(sources.get(0).is_none() && sources.get(9).is_none());
}

#[test]
fn rendering_is_one_numbered_line_per_unit() {
    let zh = chinese();
    let sources = number_documents(&[&zh]);
    let text = render_units(&sources.units[..2]);
    assert_eq!(
        text,
        "[1] 政府會撥款10億港元推行長者醫療券計劃。\n[2] 受惠長者比例達百分之八十二。\n"
    );
}

#[tokio::test]
async fn chunks_follow_sections_and_model_token_counts() {
    let en = english();
    let sources = number_documents(&[&en]);
    let echo = EchoBackend::new(100_000);
    // Echo counts one token per char: the whole document fits a big budget.
    let all = chunk_units(&sources.units, 10_000, &echo).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].units, 0..4);
    let total: usize = sources
        .units
        .iter()
        .map(|u| render_unit(u).chars().count())
        .sum();
    assert_eq!(all[0].tokens, total);
    // A budget that holds one section but not two cuts at the heading.
    let section_cost: usize = sources.units[..2]
        .iter()
        .map(|u| render_unit(u).chars().count())
        .sum();
    let two = chunk_units(&sources.units, section_cost + 5, &echo)
        .await
        .unwrap();
    assert_eq!(
        two.iter().map(|c| c.units.clone()).collect::<Vec<_>>(),
        vec![0..2, 2..4]
    );
    assert!(matches!(
        chunk_units(&sources.units, 0, &echo).await,
        Err(e) if e.code() == "invalid_budget"
    ));
}

#[test]
fn oversized_sections_split_at_blocks_then_sentences_never_inside() {
    let zh = chinese();
    let sources = number_documents(&[&zh]);
    // One section: blocks of 3 and 1 units.
    let costs = vec![10, 10, 10, 10];
    let by_block = chunk_by_costs(&sources.units, &costs, 30).unwrap();
    assert_eq!(
        by_block.iter().map(|c| c.units.clone()).collect::<Vec<_>>(),
        vec![0..3, 3..4]
    );
    // The first block no longer fits: it is cut between sentences, and its tail
    // shares a chunk with the next paragraph, which fits beside it.
    let by_sentence = chunk_by_costs(&sources.units, &costs, 25).unwrap();
    assert_eq!(
        by_sentence
            .iter()
            .map(|c| c.units.clone())
            .collect::<Vec<_>>(),
        vec![0..2, 2..4]
    );
    // A sentence above the budget is a chunk of its own, not cut.
    let big = chunk_by_costs(&sources.units, &[5, 100, 5, 5], 20).unwrap();
    assert_eq!(
        big.iter().map(|c| c.units.clone()).collect::<Vec<_>>(),
        vec![0..1, 1..2, 2..4]
    );
    // Every unit lands in exactly one chunk, in order.
    for chunks in [&by_block, &by_sentence, &big] {
        let covered: Vec<usize> = chunks.iter().flat_map(|c| c.units.clone()).collect();
        assert_eq!(covered, (0..4).collect::<Vec<_>>());
    }
}

#[test]
fn citation_markers_in_every_form_are_parsed() {
    let out = "The Government will build flats [1]. Waiting fell [1, 2]. 政府撥款10億港元【3】。\
               Care places rise [3][4]. Nothing cited here.";
    let parsed = parse_cited(out);
    let ids: Vec<Vec<u32>> = parsed.iter().map(|s| s.ids.clone()).collect();
    assert_eq!(ids, vec![vec![1], vec![1, 2], vec![3], vec![3, 4], vec![]]);
    assert_eq!(parsed[0].text, "The Government will build flats.");
    assert_eq!(parsed[2].text, "政府撥款10億港元。");
    // Markers after the full stop belong to the sentence before.
    let after = parse_cited("Flats will be built. [1] Waiting fell. [2]");
    assert_eq!(after.len(), 2);
    assert_eq!(after[0].ids, vec![1]);
    assert_eq!(after[1].ids, vec![2]);
    assert_eq!(after[1].text, "Waiting fell.");
}

#[test]
fn invented_and_unsupported_ids_are_dropped_and_flagged() {
    let en = english();
    let zh = chinese();
    let sources = number_documents(&[&en, &zh]);
    let allowed: HashSet<u32> = [1, 2, 3, 4].into_iter().collect();
    let parsed = parse_cited(
        "The Government will build 30,000 public flats in 2025 [1][99]. \
         Waiting time for public rental housing fell [5]. \
         Elderly care gets HK$1 billion [1]. \
         Public flats are coming.",
    );
    let checked = check_citations(&parsed, &sources, &allowed);
    // Sentence 1: [99] invented, [1] kept.
    assert_eq!(checked[0].ids, vec![1]);
    assert_eq!(
        checked[0].citations[0].span,
        sources.get(1).unwrap().citation.span
    );
    assert_eq!(checked[0].flags, vec![Flag::InventedId(99)]);
    // Sentence 2: 5 exists but was not in the chunk the model saw.
    assert!(checked[1].citations.is_empty());
    assert!(checked[1].flags.contains(&Flag::InventedId(5)));
    assert!(checked[1].flags.contains(&Flag::Unsupported));
    // Sentence 3 cites a span about housing for a claim about elderly care money.
    assert!(checked[2].citations.is_empty());
    assert!(checked[2].flags.contains(&Flag::Unsupported));
    // Sentence 4 cites nothing: flagged, never shown as cited.
    assert_eq!(checked[3].flags, vec![Flag::NoCitation]);
    assert!(!checked[3].is_grounded());
}

#[test]
fn chinese_and_mixed_sentences_are_checked_across_scripts() {
    let zh = chinese();
    let sources = number_documents(&[&zh]);
    let allowed: HashSet<u32> = (1..=4).collect();
    // Simplified summary of a Traditional source, a figure in another format.
    let checked = check_citations(
        &parse_cited("政府拨款10亿港元推行长者医疗券计划[1]。受惠長者比例為82%【2】。"),
        &sources,
        &allowed,
    );
    assert!(checked[0].is_grounded(), "{:?}", checked[0]);
    assert!(checked[1].is_grounded(), "{:?}", checked[1]);
    // A wrong figure is flagged even though the words match.
    let wrong = check_citations(
        &parse_cited("受惠長者比例達百分之七十二[2]。"),
        &sources,
        &allowed,
    );
    assert_eq!(wrong[0].ids, vec![2]);
    assert!(matches!(&wrong[0].flags[..], [Flag::FactNotInSource(f)] if f.value == 72.0));
}

#[test]
fn figures_match_across_formats_and_scripts() {
    assert!(check_facts(
        "The Government will spend HK$1 billion.",
        &["政府會撥款10億港元。"]
    )
    .is_empty());
    assert!(check_facts("HK$1.2 billion was set aside.", &["撥款1,203,000,000元。"]).is_empty());
    assert!(check_facts(
        "Each elder gets up to $380,000.",
        &["每名長者可獲38萬港元。"]
    )
    .is_empty());
    assert!(check_facts("82% of elders benefit.", &["受惠長者比例達百分之八十二。"]).is_empty());
    assert!(check_facts(
        "It starts on 1 January 2025.",
        &["計劃由2025年1月1日起生效。"]
    )
    .is_empty());
    assert!(check_facts("It starts in 2025.", &["計劃由2025年1月1日起生效。"]).is_empty());
    let missing = check_facts(
        "It costs HK$2 billion and covers 90%.",
        &["撥款10億港元，覆蓋百分之八十二。"],
    );
    let values: Vec<f64> = missing.iter().map(|f| f.value).collect();
    assert_eq!(values, vec![2e9, 90.0]);
    // A percentage is not the same as a plain number.
    assert_eq!(
        check_facts("Rents rose 5%.", &["There were 5 cases."]).len(),
        1
    );
    // Words that contain numerals are not figures.
    assert!(extract_facts("一般市民十分關注。").is_empty());
}

#[test]
fn figures_are_extracted_with_kinds() {
    let facts = extract_facts("HK$380,000 (38萬港元), 百分之八十二, 5.3 years, 2025年1月1日");
    let kinds: Vec<(FactKind, f64)> = facts.iter().map(|f| (f.kind, f.value)).collect();
    assert_eq!(
        kinds,
        vec![
            (FactKind::Money, 380_000.0),
            (FactKind::Money, 380_000.0),
            (FactKind::Percent, 82.0),
            (FactKind::Number, 5.3),
            (FactKind::Date, 20_250_101.0),
        ]
    );
}

#[test]
fn error_codes_are_stable() {
    assert_eq!(GroundedError::NoSources.code(), "no_sources");
    assert_eq!(GroundedError::InvalidBudget(0).code(), "invalid_budget");
    assert_eq!(
        GroundedError::Llm(hkpilot_llm::LlmError::Cancelled).code(),
        "llm_error"
    );
}
