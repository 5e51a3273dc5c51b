//! Integration tests of the grounded-summary building blocks, in English,
//! Traditional Chinese and mixed text.

use hkpilot_core::{
    content_hash, BlockKind, Document, DocumentBuilder, DocumentMeta, LangProfile, SourceFormat,
};
use hkpilot_grounded::chunk::chunk_by_costs;
use hkpilot_grounded::*;
use hkpilot_llm::testing::EchoBackend;
use std::collections::HashSet;

#[path = "grounded/pipeline.rs"]
mod pipeline;
#[path = "grounded/scripted.rs"]
mod scripted;

/// The real default model, loaded for a test: `scripts/setup.sh` installs it, and a
/// missing one is a setup fault, so the test fails rather than skips.
fn smollm2(n_ctx: u32, parallel: u32) -> hkpilot_llm_llamacpp::LlamaEngine {
    let path = std::env::var_os("HKPILOT_TEST_MODEL")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../.models/SmolLM2-135M-Instruct.Q4_1.gguf")
        });
    assert!(
        path.is_file(),
        "SmolLM2 is not installed at {}: run scripts/setup.sh (or set HKPILOT_TEST_MODEL)",
        path.display()
    );
    let mut c = hkpilot_llm_llamacpp::EngineConfig::new(path);
    c.n_ctx = n_ctx * parallel;
    c.n_parallel = parallel;
    c.n_cache_slots = 1;
    // One thread: cargo test runs two tests at once, and two models on two spin-waiting
    // threads each oversubscribe a 2-core machine and slow every step several-fold.
    c.n_threads = Some(1);
    hkpilot_llm_llamacpp::LlamaEngine::load(c).expect("SmolLM2 loads")
}

pub(crate) fn meta(name: &str) -> DocumentMeta {
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

pub(crate) fn para(b: &mut DocumentBuilder, text: &str) {
    b.push(BlockKind::Paragraph, text);
}

/// Two pages, English, with two sections.
pub(crate) fn english() -> Document {
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

pub(crate) fn chinese() -> Document {
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

/// Names of people, organisations and legislation checked like figures.
mod names {
    use hkpilot_grounded::faithful::extract_names;
    use hkpilot_grounded::{check_facts, FactKind};

    /// The names and legislation among the facts `sentence` lacks support for.
    fn missing(sentence: &str, sources: &[&str]) -> Vec<(FactKind, String)> {
        check_facts(sentence, sources)
            .into_iter()
            .filter(|f| matches!(f.kind, FactKind::Name | FactKind::Ordinance))
            .map(|f| (f.kind, f.text))
            .collect()
    }

    fn name(text: &str) -> (FactKind, String) {
        (FactKind::Name, text.to_string())
    }

    fn law(text: &str) -> (FactKind, String) {
        (FactKind::Ordinance, text.to_string())
    }

    #[test]
    fn english_names_present_and_missing() {
        let src = [
            "The Education Bureau and the Hospital Authority will launch the scheme, \
                    Mr Chan Tai-man said.",
        ];
        assert!(missing("The Education Bureau will launch the scheme.", &src).is_empty());
        assert!(missing(
            "Mr Chan Tai-man said the Hospital Authority would take part.",
            &src
        )
        .is_empty());
        assert_eq!(
            missing("The Labour Department will launch the scheme.", &src),
            vec![name("Labour Department")]
        );
        assert_eq!(
            missing("Dr Lee Siu-ming said the scheme will start.", &src),
            vec![name("Dr Lee Siu-ming")]
        );
        // Case, plurals, possessives and word order around the name do not matter.
        assert!(missing(
            "The Legislative Council's panel met.",
            &["Panels of the legislative council met."]
        )
        .is_empty());
        // A name pieced from phrases of the span, its head word never alone.
        assert!(missing(
            "Northern Metropolis Development is on track.",
            &["The development of the Northern Metropolis is on track."]
        )
        .is_empty());
        assert_eq!(
            missing(
                "The Social Welfare Department funds it.",
                &["The Social Welfare Bureau funds it through a department."]
            ),
            vec![name("Social Welfare Department")]
        );
    }

    #[test]
    fn acronyms_match_their_expansions() {
        let src = [
            "The Legislative Council approved the Mandatory Provident Fund changes \
                    proposed by the Education Bureau.",
        ];
        assert!(missing("LegCo approved the MPF changes.", &src).is_empty());
        assert!(missing("The EDB proposed the changes.", &src).is_empty());
        assert!(missing(
            "The Education Bureau proposed it.",
            &["The EDB proposed it."]
        )
        .is_empty());
        assert_eq!(
            missing("The ICAC approved the changes.", &src),
            vec![name("ICAC")]
        );
        // Two-letter acronyms need two real words.
        assert!(missing("AI will help.", &["Artificial intelligence will help."]).is_empty());
        assert_eq!(
            missing("AI will help.", &["Extra aid and an increase will help."]),
            vec![name("AI")]
        );
        // Currency signs are not acronyms.
        assert!(extract_names("It costs HK$1 billion.").is_empty());
    }

    #[test]
    fn ordinances_and_chapters() {
        let src = ["Employers must comply with the Employment Ordinance (Cap. 57)."];
        assert!(missing("The Employment Ordinance (Cap. 57) applies.", &src).is_empty());
        // One flag for a wrong chapter, not a second one for its number.
        assert_eq!(
            check_facts("The Minimum Wage Ordinance (Cap. 608) applies.", &src)
                .into_iter()
                .map(|f| (f.kind, f.text))
                .collect::<Vec<_>>(),
            vec![law("Minimum Wage Ordinance"), law("Cap. 608")]
        );
        let kinds: Vec<(FactKind, String)> = extract_names(
            "The Secretary for Labour and Welfare said the Employment (Amendment) Bill \
             amends Chapter 57, and Hong Kong (China) agrees.",
        )
        .into_iter()
        .map(|f| (f.kind, f.text))
        .collect();
        assert_eq!(
            kinds,
            vec![
                name("Secretary for Labour and Welfare"),
                law("Employment (Amendment) Bill"),
                law("Chapter 57"),
                name("Hong Kong"),
            ]
        );
    }

    #[test]
    fn sentence_openers_are_not_names() {
        let src = ["Rents rose in Kowloon City last year."];
        for s in [
            "The rents rose in Kowloon City.",
            "However, rents rose.",
            "This rise was in Kowloon City.",
            "In Kowloon City, rents rose.",
            "Rents rose in January and February.",
        ] {
            assert!(missing(s, &src).is_empty(), "{s}");
            assert!(
                extract_names(s).iter().all(|f| f.text == "Kowloon City"),
                "{s}"
            );
        }
    }

    #[test]
    fn chinese_names_present_and_missing() {
        let src = [
            "教育局與醫院管理局將合作推行計劃，陳大文先生表示，計劃須符合《僱傭條例》（第57章）。",
        ];
        assert!(missing("教育局將推行計劃。", &src).is_empty());
        assert!(missing("醫院管理局和陳大文先生支持計劃。", &src).is_empty());
        assert!(missing("計劃須符合《僱傭條例》（第 57 章）。", &src).is_empty());
        assert_eq!(missing("勞工處將推行計劃。", &src), vec![name("勞工處")]);
        assert_eq!(
            missing("計劃須符合《最低工資條例》（第608章）。", &src),
            vec![law("《最低工資條例》"), law("第608章")]
        );
        assert_eq!(
            missing("李小明先生表示支持。", &src),
            vec![name("李小明先生")]
        );
        // Common words with organisation endings are not names.
        assert!(extract_names("社會各界都會支持，這有好處，有關當局已簽署協議。").is_empty());
    }

    #[test]
    fn simplified_summary_of_traditional_source() {
        let src = ["教育局與醫院管理局將合作推行計劃，須符合《僱傭條例》。"];
        assert!(missing("教育局和医院管理局将合作推行计划。", &src).is_empty());
        assert!(missing("计划须符合《雇佣条例》。", &src).is_empty());
        assert_eq!(missing("劳工处将推行计划。", &src), vec![name("劳工处")]);
        // And the other way round.
        assert!(missing("醫院管理局將推行計劃。", &["医院管理局将推行计划。"]).is_empty());
    }

    #[test]
    fn chapters_match_across_languages() {
        let zh = ["僱主須遵守《僱傭條例》（第57章）。"];
        let en = ["Employers must comply with the Employment Ordinance (Cap. 57)."];
        assert!(missing("The Employment Ordinance (Cap. 57) applies.", &zh).is_empty());
        assert!(missing("《僱傭條例》（第57章）適用。", &en).is_empty());
        assert_eq!(
            missing("The ordinance (Cap. 282) applies.", &zh),
            vec![law("Cap. 282")]
        );
        assert_eq!(
            missing("有關條例（第282章）適用。", &en),
            vec![law("第282章")]
        );
    }

    #[test]
    fn names_across_languages_are_not_flagged() {
        // An English sentence citing Chinese spans, and the other way round: names
        // cannot be compared letter by letter, so none is flagged.
        assert!(missing(
            "The Labour Department will launch it.",
            &["教育局將推出計劃。"]
        )
        .is_empty());
        assert!(missing(
            "勞工處將推出計劃。",
            &["The Education Bureau will launch it."]
        )
        .is_empty());
        // A Latin gloss in a Chinese sentence is not checked against Chinese spans.
        assert!(missing("政府向LegCo提交草案。", &["政府向立法會提交草案。"]).is_empty());
        // Chapter numbers still are, when the span gives one.
        assert!(!missing("Cap. 282 applies.", &["《僱傭條例》（第57章）適用。"]).is_empty());
    }

    /// A short passage written for this test, in the style of a government paper: every
    /// sentence is supported by itself and by the passage, and a faithful rewording of
    /// it raises no flag.
    #[test]
    fn faithful_sentences_raise_no_flags() {
        let passage = "The Chief Executive announced that the HKSAR Government will set up \
            the Northern Metropolis Co-ordination Office. The Secretary for Development, \
            Ms Bernadette Linn, will chair a task force with the Planning Department and the \
            Lands Department. Under the Town Planning Ordinance (Cap. 131), the Town \
            Planning Board will consult the Legislative Council. However, the Government \
            expects the first sites in Hung Shui Kiu to be ready in 2027. The Hong Kong \
            Housing Authority and the MTR Corporation will build homes near the stations.";
        for s in hkpilot_text::sentences::split_sentences(passage) {
            let s = &passage[s];
            assert!(missing(s, &[s]).is_empty(), "{s}");
            assert!(missing(s, &[passage]).is_empty(), "{s}");
        }
        for s in [
            "The Government will set up a Northern Metropolis office.",
            "Ms Linn, Secretary for Development, chairs the task force.",
            "The Planning Department and Lands Department join the task force.",
            "LegCo will be consulted by the Town Planning Board under Cap. 131.",
            "Hung Shui Kiu sites should be ready in 2027.",
            "The Housing Authority and the MTR Corporation will build homes.",
        ] {
            assert!(missing(s, &[passage]).is_empty(), "{s}");
        }
    }
}
