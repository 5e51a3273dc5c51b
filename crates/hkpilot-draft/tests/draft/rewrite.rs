//! Rewriting: diffs that reconstruct both texts, deterministic script conversion with
//! Hong Kong usage, and model rewrites that keep sentences in place and flag changed
//! figures.

use super::drafter::{Drafter, Script};
use hkpilot_draft::rewrite::{
    diff_markdown, diff_text, new_text, old_text, DiffKind, RewriteFlagKind,
};
use hkpilot_draft::{convert_script, rewrite_text, RewriteOp, RewriteOptions};
use proptest::prelude::*;

#[test]
fn diff_ops_reconstruct_both_texts() {
    let cases = [
        ("", ""),
        ("", "new text"),
        ("old text", ""),
        ("The fee is $30,000.", "The fee is $40,000 a year."),
        ("政府今日公布報告。", "政府昨日公佈了報告。"),
        (
            "Mixed 中英 text, 3.5%.\n\nSecond para.",
            "Mixed 中文 text, 3.6%.\nSecond paragraph.",
        ),
        ("  spaces   kept  ", " spaces kept "),
    ];
    for (a, b) in cases {
        let ops = diff_text(a, b);
        assert_eq!(old_text(&ops), a);
        assert_eq!(new_text(&ops), b);
        // Neighbouring operations are merged.
        assert!(ops.windows(2).all(|w| w[0].kind != w[1].kind), "{ops:?}");
    }
    let ops = diff_text("a big cat", "a large cat");
    let json = serde_json::to_value(&ops).unwrap();
    assert_eq!(json[1]["op"], "delete");
    assert_eq!(json[1]["text"], "big");
    assert_eq!(json[2]["op"], "insert");
    assert_eq!(diff_markdown(&ops), "a ~~big~~**large** cat");
}

proptest! {
    #[test]
    fn any_diff_reconstructs_both_texts(
        a in "[a-c 中文,.\n]{0,40}",
        b in "[a-c 中文,.\n]{0,40}",
    ) {
        let ops = diff_text(&a, &b);
        prop_assert_eq!(old_text(&ops), a);
        prop_assert_eq!(new_text(&ops), b);
    }
}

#[test]
fn to_hant_writes_hong_kong_traditional_chinese() {
    let r = convert_script("我们需要更多信息和软件支持。", &RewriteOp::ToHant).unwrap();
    assert!(r.rewritten.contains("資訊"), "{}", r.rewritten);
    assert!(!r.rewritten.contains("信息"), "{}", r.rewritten);
    assert!(r.rewritten.contains("我們"), "{}", r.rewritten);
    assert!(r.changed && !r.ai_generated);
    assert_eq!(r.diff_unit, "character");
    // Character-level: 们 → 們 is one deletion and one insertion of one character.
    assert!(r
        .diff
        .iter()
        .any(|o| o.kind == DiffKind::Delete && o.text == "们"));
    // Traditional text already in Hong Kong usage comes back unchanged.
    let same = convert_script("政府推出平台。", &RewriteOp::ToHant).unwrap();
    assert!(!same.changed, "{}", same.rewritten);
    let back = convert_script("資訊科技", &RewriteOp::ToHans).unwrap();
    assert_eq!(back.rewritten, "资讯科技");
}

#[tokio::test]
async fn a_model_rewrite_keeps_sentences_in_place_and_shows_the_diff() {
    let backend = Drafter::new(Script::Edits);
    let text =
        "# Notice\n\nThe big hall opens at 9 am. The big lift is closed.\n\n- A big list item.\n";
    let r = rewrite_text(
        text,
        &RewriteOp::Plain,
        &backend,
        &RewriteOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        r.rewritten,
        "# Notice\n\nThe large hall opens at 9 am. The large lift is closed.\n\n- A large list item.\n"
    );
    assert!(r.ai_generated);
    assert_eq!(r.model.as_deref(), Some("scripted"));
    assert_eq!(old_text(&r.diff), text);
    assert_eq!(new_text(&r.diff), r.rewritten);
    assert!(diff_markdown(&r.diff).contains("~~big~~**large**"));
    assert!(r.flags.is_empty(), "{:?}", r.flags);
    // Sentences went numbered; the model saw no heading or list marker.
    let (system, user) = &backend.prompts()[0];
    assert!(system.contains("plain language"), "{system}");
    assert!(user.contains("[1] Notice\n"), "{user}");
    assert!(user.contains("A big list item."), "{user}");
    assert!(!user.contains("- A big"), "{user}");
}

#[tokio::test]
async fn changed_figures_and_skipped_sentences_are_flagged() {
    let backend = Drafter::new(Script::ChangesFigures);
    let r = rewrite_text(
        "The scheme adds 30,000 flats.",
        &RewriteOp::Formal,
        &backend,
        &RewriteOptions::default(),
    )
    .await
    .unwrap();
    assert!(r.rewritten.contains("40,000"));
    let kinds: Vec<RewriteFlagKind> = r.flags.iter().map(|f| f.kind).collect();
    assert!(
        kinds.contains(&RewriteFlagKind::FigureChanged),
        "{:?}",
        r.flags
    );
    assert!(
        kinds.contains(&RewriteFlagKind::FigureDropped),
        "{:?}",
        r.flags
    );

    let backend = Drafter::new(Script::Skips);
    let r = rewrite_text(
        "One big point. Two big points.",
        &RewriteOp::Grammar,
        &backend,
        &RewriteOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(r.rewritten, "One large point. Two big points.");
    assert!(r
        .flags
        .iter()
        .any(|f| f.kind == RewriteFlagKind::Kept && f.text == "Two big points."));

    // Shorten and expand work paragraph by paragraph.
    let backend = Drafter::new(Script::Edits);
    let r = rewrite_text(
        "A big one. Another.\n\nSecond big paragraph.",
        &RewriteOp::Shorten,
        &backend,
        &RewriteOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        r.rewritten,
        "A large one. Another.\n\nSecond large paragraph."
    );
    assert!(backend.prompts()[0]
        .1
        .contains("[1] A big one. Another.\n[2] Second big paragraph."));
}

#[test]
fn bad_operations_are_refused_with_the_list() {
    let e = "summarise".parse::<RewriteOp>().unwrap_err();
    assert_eq!(e.code(), "invalid_rewrite_op");
    assert!(e.to_string().contains("tone:<word>"), "{e}");
}
