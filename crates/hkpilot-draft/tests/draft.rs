//! Integration tests of the drafting data layer: templates, field checks, the termbase,
//! translation checks, the Hong Kong usage check, and the translation pipeline
//! (`draft/translate.rs`, with the scripted model of `draft/translator.rs`).

use hkpilot_core::Lang;
use hkpilot_draft::{
    check_fields, check_hk_usage, prompt_glossary, DraftError, FieldProblem, MissReason,
    TemplateLibrary, TermKind, Termbase, UsageLevel, BUILTIN_TEMPLATE_FILES, BUILTIN_TYPES,
};
use std::collections::BTreeMap;
use std::path::Path;

/// The translation pipeline with a scripted model.
#[path = "draft/translate.rs"]
mod translate;
#[path = "draft/translator.rs"]
mod translator;

/// Drafting and rewriting with the scripted model of `draft/drafter.rs`.
#[path = "draft/compose.rs"]
mod compose;
#[path = "draft/drafter.rs"]
mod drafter;
#[path = "draft/rewrite.rs"]
mod rewrite;

// ---------------------------------------------------------------- templates

#[test]
fn every_builtin_template_loads_and_validates() {
    let lib = TemplateLibrary::builtin();
    assert_eq!(lib.len(), 16);
    for (ty, _, _) in BUILTIN_TYPES {
        for lang in [Lang::En, Lang::ZhHant] {
            let t = lib
                .find(ty, lang)
                .unwrap_or_else(|| panic!("no {ty} template in {lang}"));
            assert_eq!(t.id, format!("{ty}.{}", lang.tag()));
            assert!(t.source.starts_with("builtin:templates/"), "{}", t.source);
            assert!(
                t.sections.iter().any(|s| s.citations),
                "{}: no section asks for citations",
                t.id
            );
            assert!(t.required_fields().count() >= 2, "{}", t.id);
        }
        // Simplified is served by the Traditional template.
        assert_eq!(lib.find(ty, Lang::ZhHans).unwrap().language, Lang::ZhHant);
    }
    assert_eq!(lib.doc_types().len(), BUILTIN_TYPES.len());
}

#[test]
fn every_template_file_is_registered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut registered: Vec<String> = BUILTIN_TEMPLATE_FILES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    registered.sort();
    assert_eq!(on_disk, registered);
}

#[test]
fn english_and_chinese_templates_of_a_type_share_fields_and_sections() {
    let lib = TemplateLibrary::builtin();
    for (ty, _, _) in BUILTIN_TYPES {
        let en = lib.find(ty, Lang::En).unwrap();
        let zh = lib.find(ty, Lang::ZhHant).unwrap();
        assert_eq!(
            en.fields
                .iter()
                .map(|f| (&f.id, f.required, f.kind))
                .collect::<Vec<_>>(),
            zh.fields
                .iter()
                .map(|f| (&f.id, f.required, f.kind))
                .collect::<Vec<_>>(),
            "{ty}: fields differ"
        );
        assert_eq!(
            en.sections
                .iter()
                .map(|s| (&s.id, s.required, s.citations))
                .collect::<Vec<_>>(),
            zh.sections
                .iter()
                .map(|s| (&s.id, s.required, s.citations))
                .collect::<Vec<_>>(),
            "{ty}: sections differ"
        );
        // Chinese templates carry Chinese labels and headings.
        assert!(zh
            .sections
            .iter()
            .all(|s| s.heading.chars().any(|c| c > '\u{3000}')));
    }
}

#[test]
fn registers_state_the_language_conventions() {
    let lib = TemplateLibrary::builtin();
    for t in lib.iter() {
        let rules = t.register.rules.join("\n");
        match t.language {
            Lang::En => assert!(rules.contains("British spelling"), "{}", t.id),
            _ => assert!(rules.contains("香港用字"), "{}", t.id),
        }
    }
    let reply = lib.get("public_reply.zh-Hant").unwrap();
    let all = format!("{:?}", reply.register);
    for convention in [
        "敬啟者",
        "先生／女士",
        "現謹",
        "本局",
        "如有查詢，請致電",
        "2025年3月1日",
    ] {
        assert!(all.contains(convention), "missing {convention}");
    }
    let circular = lib.get("circular.zh-Hant").unwrap();
    assert!(format!("{:?}", circular.register).contains("特此通告"));
}

const GOOD: &str = r#"
id = "notice.en"
type = "notice"
language = "en"
title = "Notice"
description = "A short notice."
skeleton = """
{{section:body}}
{{subject}}
"""

[register]
tone = "Plain."
date_format = "3 March 2025"
rules = ["Use British spelling."]

[[fields]]
id = "subject"
label = "Subject"
kind = "text"
required = true
question.en = "What is the subject?"
question.zh-Hant = "標題是甚麼？"

[[sections]]
id = "body"
heading = "Body"
purpose = "The notice."
citations = true
required = true
fields = ["subject"]
"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn load_err(name: &str, text: &str) -> (DraftError, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, text);
    let err = TemplateLibrary::builtin()
        .load_dir(dir.path())
        .expect_err("the template should be refused");
    let msg = err.to_string();
    (err, msg)
}

#[test]
fn administrator_templates_load_and_override_by_id() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notice.toml", GOOD);
    let replaced = GOOD
        .replace("notice.en", "public_reply.en")
        .replace("type = \"notice\"", "type = \"public_reply\"");
    write(dir.path(), "reply.toml", &replaced);
    write(dir.path(), "README.md", "not a template");

    let mut lib = TemplateLibrary::builtin();
    assert_eq!(lib.load_dir(dir.path()).unwrap(), 2);
    assert_eq!(lib.len(), 17);
    let reply = lib.get("public_reply.en").unwrap();
    assert!(reply.source.ends_with("reply.toml"), "{}", reply.source);
    assert_eq!(reply.sections.len(), 1);
    let notice = lib.find("notice", Lang::En).unwrap();
    let filled = notice.fill_skeleton(&BTreeMap::from([("subject".into(), "Typhoon".into())]));
    assert_eq!(filled.trim(), "Typhoon");
}

#[test]
fn a_section_without_heading_is_refused_naming_the_file() {
    let (err, msg) = load_err("bad.toml", &GOOD.replace("heading = \"Body\"\n", ""));
    assert_eq!(err.code(), "template_invalid");
    assert!(msg.contains("bad.toml"), "{msg}");
    assert!(msg.contains("sections[0] (body).heading"), "{msg}");
}

#[test]
fn an_unknown_field_is_refused_naming_the_file() {
    let (err, msg) = load_err(
        "unknown.toml",
        &GOOD.replace(
            "fields = [\"subject\"]",
            "fields = [\"subject\", \"addressee\"]",
        ),
    );
    assert_eq!(err.code(), "template_invalid");
    assert!(msg.contains("unknown.toml"), "{msg}");
    assert!(msg.contains("unknown field 'addressee'"), "{msg}");

    let (_, msg) = load_err("skel.toml", &GOOD.replace("{{subject}}", "{{signatory}}"));
    assert!(
        msg.contains("skel.toml") && msg.contains("signatory"),
        "{msg}"
    );
}

#[test]
fn a_bad_language_is_refused_naming_the_file() {
    let (err, msg) = load_err(
        "lang.toml",
        &GOOD.replace("language = \"en\"", "language = \"fr\""),
    );
    assert_eq!(err.code(), "template_invalid");
    assert!(msg.contains("lang.toml"), "{msg}");
    assert!(msg.contains("language") && msg.contains("'fr'"), "{msg}");
    // zh-Hans templates are not kept: drafts are converted from zh-Hant.
    let (_, msg) = load_err(
        "hans.toml",
        &GOOD.replace("language = \"en\"", "language = \"zh-Hans\""),
    );
    assert!(msg.contains("en or zh-Hant"), "{msg}");
}

#[test]
fn malformed_and_duplicate_templates_are_refused() {
    let (err, msg) = load_err("broken.toml", "id = \"x\"\nthis is not toml");
    assert_eq!(err.code(), "template_syntax");
    assert!(msg.contains("broken.toml"), "{msg}");

    let (err, msg) = load_err(
        "typo.toml",
        &GOOD.replace(
            "purpose = \"The notice.\"",
            "purpose = \"The notice.\"\nheadng = \"x\"",
        ),
    );
    assert_eq!(err.code(), "template_syntax");
    assert!(msg.contains("typo.toml") && msg.contains("headng"), "{msg}");

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.toml", GOOD);
    write(dir.path(), "b.toml", GOOD);
    let mut lib = TemplateLibrary::builtin();
    let err = lib.load_dir(dir.path()).unwrap_err();
    assert_eq!(err.code(), "duplicate_template");
    let msg = err.to_string();
    assert!(msg.contains("a.toml") && msg.contains("b.toml"), "{msg}");
    assert_eq!(lib.len(), 16, "nothing merged after an error");

    assert_eq!(lib.require("nope").unwrap_err().code(), "unknown_template");
}

// ---------------------------------------------------------------- fields

#[test]
fn check_fields_asks_for_missing_fields_in_both_languages() {
    let lib = TemplateLibrary::builtin();
    let t = lib.get("public_reply.en").unwrap();
    let mut given = BTreeMap::new();
    given.insert("addressee".to_string(), "Mr CHAN Tai-man".to_string());
    given.insert("subject".to_string(), "Parking permit".to_string());
    given.insert("our_ref".to_string(), "  ".to_string()); // blank is missing
    given.insert("their_date".to_string(), "31 February 2025".to_string());

    let missing = check_fields(t, &given);
    let ids: Vec<&str> = missing.iter().map(|m| m.field.as_str()).collect();
    assert_eq!(
        ids,
        [
            "our_ref",
            "date",
            "their_date",
            "signatory",
            "signatory_title"
        ]
    );
    let our_ref = &missing[0];
    assert_eq!(our_ref.problem, FieldProblem::Missing);
    assert!(our_ref.prompt(Lang::En).contains("file reference"));
    assert!(our_ref.prompt(Lang::ZhHant).contains("檔號"));
    assert!(our_ref.prompt(Lang::ZhHans).contains("档号"));
    let bad_date = &missing[2];
    assert!(!bad_date.required);
    assert!(matches!(bad_date.problem, FieldProblem::InvalidDate { .. }));
    assert!(bad_date.prompt(Lang::En).contains("'31 February 2025'"));
    assert!(bad_date
        .prompt(Lang::ZhHant)
        .contains("「31 February 2025」"));

    // Everything given: nothing to ask; Chinese dates are read.
    let zh = lib.get("public_reply.zh-Hant").unwrap();
    let full: BTreeMap<String, String> = [
        ("addressee", "陳大文先生"),
        ("our_ref", "HD/1/2025"),
        ("date", "2025年3月10日"),
        ("subject", "申請泊車證"),
        ("signatory", "黃志明"),
        ("signatory_title", "房屋署署長"),
        ("their_date", "二〇二五年三月一日"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert!(check_fields(zh, &full).is_empty());
    assert!(hkpilot_draft::unknown_fields(zh, &full).is_empty());
}

// ---------------------------------------------------------------- termbase

#[test]
fn the_starter_termbase_loads() {
    let tb = Termbase::starter();
    assert!(tb.len() >= 120, "{} entries", tb.len());
    let edb = tb
        .entries()
        .iter()
        .find(|e| e.en == "Education Bureau")
        .unwrap();
    assert_eq!(edb.zh_hant, "教育局");
    assert_eq!(edb.zh_hans, "教育局");
    let hb = tb
        .entries()
        .iter()
        .find(|e| e.en == "Health Bureau")
        .unwrap();
    assert_eq!(hb.zh_hans, "医务卫生局");
    let eo = tb
        .entries()
        .iter()
        .find(|e| e.en == "Employment Ordinance")
        .unwrap();
    assert_eq!(eo.kind, TermKind::Ordinance);
    assert_eq!(
        eo.formal_rendering(Lang::En),
        "Employment Ordinance (Cap. 57)"
    );
    assert_eq!(eo.formal_rendering(Lang::ZhHant), "《僱傭條例》（第57章）");
    for kind in [
        TermKind::Department,
        TermKind::Title,
        TermKind::Ordinance,
        TermKind::PolicyTerm,
        TermKind::Place,
        TermKind::Body,
    ] {
        assert!(tb.entries().iter().any(|e| e.kind == kind), "{kind:?}");
    }
}

fn tb_with(files: &[(&str, &str)]) -> Result<Termbase, DraftError> {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = files
        .iter()
        .map(|(name, text)| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    Termbase::load(&paths)
}

#[test]
fn conflicting_entries_are_refused_naming_both() {
    let err = tb_with(&[(
        "edb.toml",
        "[[term]]\nen = \"Education Bureau\"\nzh_hant = \"教育部\"\nkind = \"department\"\n",
    )])
    .unwrap_err();
    assert_eq!(err.code(), "termbase_conflict");
    let msg = err.to_string();
    assert!(msg.contains("starter.toml term["), "{msg}");
    assert!(msg.contains("edb.toml term[0]"), "{msg}");
    assert!(msg.contains("教育局") && msg.contains("教育部"), "{msg}");

    // Vice versa: one Chinese term, two English renderings (across scripts too).
    let err = tb_with(&[(
        "x.toml",
        "[[term]]\nen = \"Ministry of Education\"\nzh_hant = \"教育局\"\nkind = \"department\"\n",
    )])
    .unwrap_err();
    assert!(err.to_string().contains("two English renderings"), "{err}");

    // An alias naming two terms.
    let err = tb_with(&[(
        "y.toml",
        "[[term]]\nen = \"Education Board\"\nzh_hant = \"教育委員會\"\nkind = \"body\"\naliases_en = [\"EDB\"]\n",
    )])
    .unwrap_err();
    assert!(err.to_string().contains("'EDB' would name both"), "{err}");

    // Within one extension file.
    let err = tb_with(&[(
        "z.toml",
        "[[term]]\nen = \"Widget Office\"\nzh_hant = \"小器辦\"\nkind = \"department\"\n\
         [[term]]\nen = \"Widget Office\"\nzh_hant = \"小器處\"\nkind = \"department\"\n",
    )])
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("z.toml term[0]") && msg.contains("z.toml term[1]"),
        "{msg}"
    );
}

#[test]
fn department_files_extend_override_and_scope() {
    let tb = tb_with(&[(
        "hd.toml",
        r#"
department = "HD"

[[term]]
en = "Estate Management Advisory Committee"
zh_hant = "邨管理諮詢委員會"
kind = "body"

[[term]]
en = "Housing Department"
zh_hant = "房屋署"
kind = "department"
aliases_en = [{ text = "HD", acceptable = true }]
"#,
    )])
    .unwrap();
    // Department entries apply only once the department is selected.
    let text = "The Estate Management Advisory Committee met the HD.";
    assert!(tb.find_terms(text, Lang::En).is_empty());
    let hd = tb.clone().with_department(Some("HD"));
    let hits = hd.find_terms(text, Lang::En);
    let found: Vec<&str> = hits.iter().map(|h| h.matched.as_str()).collect();
    assert_eq!(found, ["Estate Management Advisory Committee", "HD"]);

    // A later global file may repeat an entry to add aliases; same-file repeats are refused.
    let tb = tb_with(&[(
        "more.toml",
        "[[term]]\nen = \"Housing Department\"\nzh_hant = \"房屋署\"\nkind = \"department\"\naliases_en = [{ text = \"HD\", acceptable = true }]\n",
    )])
    .unwrap();
    assert_eq!(tb.find_terms("Ask the HD.", Lang::En).len(), 1);
    let err = tb_with(&[(
        "twice.toml",
        "[[term]]\nen = \"Foo Office\"\nzh_hant = \"甲辦\"\nkind = \"other\"\n[[term]]\nen = \"Foo Office\"\nzh_hant = \"甲辦\"\nkind = \"other\"\n",
    )])
    .unwrap_err();
    assert_eq!(err.code(), "termbase_invalid");
}

#[test]
fn invalid_entries_are_refused() {
    for (text, needle) in [
        (
            "[[term]]\nen = \"Foo\"\nzh_hant = \"教育部门\"\nkind = \"other\"\n",
            "Simplified",
        ),
        (
            "[[term]]\nen = \"Foo\"\nzh_hant = \"甲\"\nkind = \"other\"\nchapter = \"57\"\n",
            "chapter",
        ),
        (
            "[[term]]\nen = \"Foo\"\nzh_hant = \"甲\"\nkind = \"ministry\"\n",
            "ministry",
        ),
        (
            "[[term]]\nen = \"Foo\"\nzh_hant = \"甲\"\nkind = \"other\"\naliases_en = [\"甲乙\"]\n",
            "wrong list",
        ),
    ] {
        let err = tb_with(&[("bad.toml", text)]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bad.toml"), "{msg}");
        assert!(msg.contains(needle), "{msg}");
    }
}

// ---------------------------------------------------------------- finding terms

fn matched(hits: &[hkpilot_draft::TermHit]) -> Vec<(&str, &str)> {
    hits.iter()
        .map(|h| (h.matched.as_str(), h.entry.en.as_str()))
        .collect()
}

#[test]
fn find_terms_in_english() {
    let tb = Termbase::starter();
    let text = "The Secretary for Education wrote to the education\nbureau about the \
                Employment Ordinance (Cap. 57); EDB replied. Edb is not an abbreviation. \
                Residents of public rental housing and two District Councils.";
    let hits = tb.find_terms(text, Lang::En);
    assert_eq!(
        matched(&hits),
        [
            ("Secretary for Education", "Secretary for Education"),
            ("education\nbureau", "Education Bureau"),
            ("Employment Ordinance", "Employment Ordinance"),
            ("EDB", "Education Bureau"),
            ("public rental housing", "public rental housing"),
            ("District Councils", "District Council"),
        ]
    );
    assert_eq!(&text[hits[1].start..hits[1].end], "education\nbureau");
    assert!(hits[3].alias && !hits[0].alias);
    // Word boundaries: no match inside a longer word.
    assert!(tb
        .find_terms("Kowloonia and Treasury-like", Lang::En)
        .iter()
        .all(|h| h.entry.en != "Kowloon"));
    // Case-sensitive entries.
    assert!(tb.find_terms("the treasury of ideas", Lang::En).is_empty());
    assert_eq!(tb.find_terms("the Treasury paid", Lang::En).len(), 1);
}

#[test]
fn find_terms_in_traditional_simplified_and_mixed_text() {
    let tb = Termbase::starter();
    let trad = "教育局局長表示，教育局會按《僱傭條例》處理；公屋居民及醫務衞生局亦會參與。";
    let hits = tb.find_terms(trad, Lang::ZhHant);
    assert_eq!(
        matched(&hits),
        [
            ("教育局局長", "Secretary for Education"),
            ("教育局", "Education Bureau"),
            ("僱傭條例", "Employment Ordinance"),
            ("公屋", "public rental housing"),
            ("醫務衞生局", "Health Bureau"),
        ]
    );
    assert!(hits.iter().all(|h| h.lang == Lang::ZhHant));
    assert_eq!(&trad[hits[2].start..hits[2].end], "僱傭條例");

    let simp = "教育局和医务卫生局将根据《个人资料（私隐）条例》处理。";
    let hits = tb.find_terms(simp, Lang::ZhHans);
    assert_eq!(
        matched(&hits),
        [
            ("教育局", "Education Bureau"),
            ("医务卫生局", "Health Bureau"),
            ("个人资料（私隐）条例", "Personal Data (Privacy) Ordinance"),
        ]
    );
    assert_eq!(hits[1].lang, Lang::ZhHans);
    // A Simplified text is found with a Traditional `lang` too, and vice versa.
    assert_eq!(tb.find_terms(simp, Lang::ZhHant).len(), 3);

    // Both scripts in one text, and English with Chinese.
    let both = "房屋署與房屋局，以及医院管理局。";
    let hits = tb.find_terms(both, Lang::ZhHant);
    assert_eq!(
        matched(&hits),
        [
            ("房屋署", "Housing Department"),
            ("房屋局", "Housing Bureau"),
            ("医院管理局", "Hospital Authority"),
        ]
    );
    let mixed = "The Housing Department (房屋署) and the Northern Metropolis 北部都會區.";
    let hits = tb.find_terms_mixed(mixed);
    assert_eq!(
        matched(&hits),
        [
            ("Housing Department", "Housing Department"),
            ("房屋署", "Housing Department"),
            ("Northern Metropolis", "Northern Metropolis"),
            ("北部都會區", "Northern Metropolis"),
        ]
    );
    assert_eq!(hits[0].lang, Lang::En);
    assert_eq!(hits[1].lang, Lang::ZhHant);
}

// ---------------------------------------------------------------- translation checks

#[test]
fn check_translation_requires_the_termbase_rendering() {
    let tb = Termbase::starter();
    let source = "The Education Bureau will write to schools. The Education Bureau said so.";

    let misses = tb.check_translation(source, Lang::En, "教育部將致函學校。", Lang::ZhHant);
    assert_eq!(misses.len(), 1, "{misses:?}");
    let m = &misses[0];
    assert_eq!(m.entry.en, "Education Bureau");
    assert_eq!(m.expected, "教育局");
    assert_eq!(m.reason, MissReason::Absent);
    assert_eq!(m.occurrences, 2);
    assert_eq!(m.source_offset, 4);

    assert!(tb
        .check_translation(source, Lang::En, "教育局將致函學校。", Lang::ZhHant)
        .is_empty());
    // 教育局 inside 教育局局長 names the Secretary, not the Bureau.
    let misses = tb.check_translation(source, Lang::En, "教育局局長將致函學校。", Lang::ZhHant);
    assert_eq!(misses.len(), 1);
    assert_eq!(misses[0].reason, MissReason::Absent);
    // Simplified output wants the Simplified rendering.
    assert!(tb
        .check_translation(source, Lang::En, "教育局将致函学校。", Lang::ZhHans)
        .is_empty());

    // Chinese → English, through an acceptable alias and a plural.
    let zh = "公屋輪候時間及區議會的意見。";
    assert!(tb
        .check_translation(
            zh,
            Lang::ZhHant,
            "Waiting time for PRH and views of District Councils.",
            Lang::En
        )
        .is_empty());
    let misses = tb.check_translation(
        zh,
        Lang::ZhHant,
        "Waiting time for public housing.",
        Lang::En,
    );
    let expected: Vec<&str> = misses.iter().map(|m| m.expected.as_str()).collect();
    assert_eq!(expected, ["public rental housing", "District Council"]);
}

#[test]
fn check_translation_reports_wrong_script_and_unacceptable_aliases() {
    let tb = Termbase::starter();
    // The Health Bureau written with 衛 rather than the Hong Kong 衞, or in Simplified.
    let misses = tb.check_translation(
        "The Health Bureau replied.",
        Lang::En,
        "医务卫生局回覆。",
        Lang::ZhHant,
    );
    assert_eq!(misses.len(), 1);
    assert_eq!(misses[0].reason, MissReason::WrongScript);
    assert_eq!(misses[0].found.as_deref(), Some("医务卫生局"));
    assert_eq!(misses[0].expected, "醫務衞生局");

    // 北都 is recognised but not acceptable in output.
    let misses = tb.check_translation(
        "The Northern Metropolis will grow.",
        Lang::En,
        "北都會發展。",
        Lang::ZhHant,
    );
    assert_eq!(misses.len(), 1);
    assert_eq!(misses[0].reason, MissReason::UnacceptableAlias);
    assert_eq!(misses[0].found.as_deref(), Some("北都"));
    assert!(tb
        .check_translation(
            "北都會發展。",
            Lang::ZhHant,
            "The Northern Metropolis will grow.",
            Lang::En
        )
        .is_empty());
}

#[test]
fn prompt_glossary_lists_required_renderings() {
    let tb = Termbase::starter();
    let source =
        "The Education Bureau, the Employment Ordinance and public rental housing. EDB again.";
    let hits = tb.find_terms(source, Lang::En);
    let glossary = prompt_glossary(&hits, Lang::ZhHant);
    assert_eq!(
        glossary,
        "Education Bureau → 教育局\n\
         Employment Ordinance (Cap. 57) → 《僱傭條例》（第57章）\n\
         public rental housing → 公共租住房屋（亦可用：公屋）\n"
    );
    let back = prompt_glossary(&tb.find_terms("教育局", Lang::ZhHant), Lang::En);
    assert_eq!(back, "教育局 → Education Bureau (also acceptable: EDB)\n");
}

// ---------------------------------------------------------------- Hong Kong usage

#[test]
fn hk_usage_flags_mainland_and_taiwan_forms() {
    let text = "政府會更新信息系統的軟體，並改善網路。";
    let hits = check_hk_usage(text);
    let pairs: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h.found.as_str(), h.preferred.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [("信息", "資訊"), ("軟體", "軟件"), ("網路", "網絡")]
    );
    assert_eq!(&text[hits[0].offset..hits[0].offset + "信息".len()], "信息");
    assert!(hits.iter().all(|h| h.level == UsageLevel::Replace));

    assert!(check_hk_usage("政府會更新資訊系統的軟件，並改善網絡。").is_empty());
    let review = check_hk_usage("提升服務質量");
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].level, UsageLevel::Review);
    assert_eq!(review[0].preferred, "質素");
}
