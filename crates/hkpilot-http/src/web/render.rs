//! Server-side rendering: the templates, embedded in the binary, with HTML escaping on
//! for every value (document text and file names are data, never markup), and the
//! `t(key)` function for the page's words in the reader's language.

use std::sync::OnceLock;

use minijinja::{Environment, State, Value};
use serde::Serialize;

use super::i18n::{self, PageLang};

/// The templates, by name. Their names end in `.html`, which turns auto-escaping on.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("error.html", include_str!("templates/error.html")),
    ("library.html", include_str!("templates/library.html")),
    ("document.html", include_str!("templates/document.html")),
    ("draft.html", include_str!("templates/draft.html")),
    ("draft_view.html", include_str!("templates/draft_view.html")),
    ("rewrite.html", include_str!("templates/rewrite.html")),
    (
        "admin_users.html",
        include_str!("templates/admin_users.html"),
    ),
    (
        "admin_audit.html",
        include_str!("templates/admin_audit.html"),
    ),
];

pub(crate) const APP_CSS: &str = include_str!("assets/app.css");
pub(crate) const APP_JS: &str = include_str!("assets/app.js");

/// Changes whenever the assets change, so browsers never keep a stale copy.
pub(crate) fn asset_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(APP_CSS);
        h.update(APP_JS);
        hex::encode(&h.finalize()[..6])
    })
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name} does not parse: {e}"));
        }
        env.add_function("t", translate);
        env.add_function("page_label", page_label);
        env
    })
}

/// The page's language (the `html_lang` variable).
fn page_lang(state: &State) -> PageLang {
    state
        .lookup("html_lang")
        .and_then(|v| v.as_str().and_then(PageLang::parse))
        .unwrap_or_default()
}

/// `page_label(n)`: "Page 3" or "第 3 頁"; the Chinese wraps the number, so it cannot
/// be a word followed by the number.
fn page_label(state: &State, n: i64) -> String {
    i18n::word(page_lang(state), "page_n").replace("{n}", &n.to_string())
}

/// `t("key")`: the word in the page's language (the `html_lang` variable).
fn translate(state: &State, key: &str) -> String {
    let lang = page_lang(state);
    let w = i18n::word(lang, key);
    if w.is_empty() {
        key.to_string()
    } else {
        w.to_string()
    }
}

/// What every page knows: who is reading, in which language, the CSRF token.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageFrame {
    pub html_lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_label: &'static str,
    pub csrf: String,
    pub path: String,
    pub user: Option<FrameUser>,
    pub asset_version: &'static str,
    pub js_strings: serde_json::Value,
}

/// The signed-in user as the header shows them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FrameUser {
    pub display_name: String,
    pub can_admin: bool,
}

impl PageFrame {
    pub fn new(lang: PageLang, csrf: String, path: String, user: Option<FrameUser>) -> Self {
        PageFrame {
            html_lang: lang.code(),
            other_lang: lang.other().code(),
            other_lang_label: lang.other().own_name(),
            csrf,
            path,
            user,
            asset_version: asset_version(),
            js_strings: i18n::script_words(lang),
        }
    }
}

/// Renders `template` with the frame and the page's own values merged.
pub(crate) fn render(
    template: &str,
    frame: &PageFrame,
    page: impl Serialize,
) -> Result<String, minijinja::Error> {
    let ctx =
        minijinja::context! { ..Value::from_serialize(frame), ..Value::from_serialize(&page) };
    environment().get_template(template)?.render(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")` / `t('…')` in a template names a word both languages have.
    #[test]
    fn every_word_a_template_uses_is_translated() {
        let mut missing = Vec::new();
        for (name, source) in TEMPLATES {
            for quote in ['"', '\''] {
                let open = format!("t({quote}");
                let mut rest = *source;
                while let Some(i) = rest.find(&open) {
                    rest = &rest[i + open.len()..];
                    let Some(end) = rest.find(quote) else { break };
                    let key = &rest[..end];
                    if !i18n::has(key) {
                        missing.push(format!("{name}: {key}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "untranslated: {missing:?}");
    }

    #[test]
    fn values_are_escaped_and_words_follow_the_language() {
        let frame = PageFrame::new(PageLang::ZhHant, "tok".into(), "/".into(), None);
        let html = render(
            "error.html",
            &frame,
            minijinja::context! { title => "<script>alert(1)</script>", message => "施政報告 & <b>" },
        )
        .unwrap();
        assert!(!html.contains("<script>alert(1)"), "{html}");
        // minijinja escapes `/` too (`&#x2f;`), so no `</script>` can close anything.
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "{html}"
        );
        assert!(html.contains("施政報告 &amp; &lt;b&gt;"));
        assert!(html.contains("返回文件庫"), "Chinese words: {html}");
        assert!(html.contains(r#"<html lang="zh-Hant">"#));
    }

    #[test]
    fn page_labels_wrap_the_number_in_chinese() {
        let env = environment();
        let tmpl = env
            .template_from_str("{{ page_label(3) }}")
            .expect("inline template");
        let en = tmpl
            .render(minijinja::context! { html_lang => "en" })
            .unwrap();
        let zh = tmpl
            .render(minijinja::context! { html_lang => "zh-Hant" })
            .unwrap();
        assert_eq!(en, "Page 3");
        assert_eq!(zh, "第 3 頁");
    }
}
