//! The fixed parts of the package that shape how the text looks: `styles.xml`
//! (fonts, headings, footnotes, the AI notice), `numbering.xml` (the bullet list)
//! and `settings.xml`.

use crate::xml::{style, W_NS, XML_DECL};
use hkpilot_core::Lang;

/// Fonts and language tags for a summary's language. The East Asian font is what
/// Word uses for Han characters and CJK punctuation; both fonts ship with Windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fonts {
    pub latin: &'static str,
    pub east_asia: &'static str,
    /// `w:lang w:eastAsia`: the language Word assumes for Chinese text.
    pub east_asia_lang: &'static str,
}

impl Fonts {
    pub fn for_lang(lang: Lang) -> Fonts {
        match lang {
            Lang::ZhHans => Fonts {
                latin: "Calibri",
                east_asia: "Microsoft YaHei",
                east_asia_lang: "zh-CN",
            },
            // English summaries of Hong Kong documents quote Traditional Chinese.
            Lang::En | Lang::ZhHant => Fonts {
                latin: "Calibri",
                east_asia: "Microsoft JhengHei",
                east_asia_lang: "zh-HK",
            },
        }
    }
}

/// One paragraph or character style.
fn style_xml(kind: &str, id: &str, name: &str, extra: &str, ppr: &str, rpr: &str) -> String {
    let ppr = if ppr.is_empty() {
        String::new()
    } else {
        format!("<w:pPr>{ppr}</w:pPr>")
    };
    let rpr = if rpr.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    format!(
        r#"<w:style w:type="{kind}" w:styleId="{id}"><w:name w:val="{name}"/>{extra}{ppr}{rpr}</w:style>"#
    )
}

/// `word/styles.xml`. Heading names are Word's built-in ones ("heading 1"), so the
/// navigation pane, the table of contents and our own DOCX reader all see them.
pub(crate) fn styles(fonts: Fonts) -> String {
    let Fonts {
        latin,
        east_asia,
        east_asia_lang,
    } = fonts;
    let defaults = format!(
        concat!(
            "<w:docDefaults><w:rPrDefault><w:rPr>",
            r#"<w:rFonts w:ascii="{l}" w:hAnsi="{l}" w:eastAsia="{ea}" w:cs="{l}"/>"#,
            r#"<w:sz w:val="22"/><w:szCs w:val="22"/>"#,
            r#"<w:lang w:val="en-GB" w:eastAsia="{lang}" w:bidi="ar-SA"/>"#,
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>",
            r#"<w:spacing w:after="120" w:line="276" w:lineRule="auto"/>"#,
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
        l = latin,
        ea = east_asia,
        lang = east_asia_lang
    );
    let para = r#"<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>"#;
    let all = [
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#.to_string(),
        r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>"#.to_string(),
        style_xml(
            "paragraph",
            style::TITLE,
            "Title",
            para,
            r#"<w:spacing w:after="240"/>"#,
            r#"<w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="44"/><w:szCs w:val="44"/>"#,
        ),
        style_xml(
            "paragraph",
            style::HEADING1,
            "heading 1",
            para,
            r#"<w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/>"#,
            r#"<w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="32"/><w:szCs w:val="32"/>"#,
        ),
        style_xml(
            "paragraph",
            style::HEADING2,
            "heading 2",
            para,
            r#"<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/>"#,
            r#"<w:b/><w:bCs/><w:color w:val="2F5496"/><w:sz w:val="26"/><w:szCs w:val="26"/>"#,
        ),
        style_xml(
            "paragraph",
            style::HEADING3,
            "heading 3",
            para,
            r#"<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="60"/><w:outlineLvl w:val="2"/>"#,
            r#"<w:b/><w:bCs/><w:color w:val="2F5496"/><w:sz w:val="24"/><w:szCs w:val="24"/>"#,
        ),
        style_xml(
            "paragraph",
            style::NOTICE,
            "AI Notice",
            para,
            concat!(
                r#"<w:pBdr><w:top w:val="single" w:sz="8" w:space="4" w:color="C00000"/>"#,
                r#"<w:left w:val="single" w:sz="8" w:space="4" w:color="C00000"/>"#,
                r#"<w:bottom w:val="single" w:sz="8" w:space="4" w:color="C00000"/>"#,
                r#"<w:right w:val="single" w:sz="8" w:space="4" w:color="C00000"/></w:pBdr>"#,
                r#"<w:shd w:val="clear" w:color="auto" w:fill="FDECEA"/><w:spacing w:after="240"/>"#
            ),
            r#"<w:b/><w:bCs/><w:color w:val="C00000"/>"#,
        ),
        style_xml(
            "paragraph",
            style::LIST_BULLET,
            "List Bullet",
            r#"<w:basedOn w:val="Normal"/><w:qFormat/>"#,
            r#"<w:ind w:left="360" w:hanging="360"/>"#,
            "",
        ),
        style_xml(
            "paragraph",
            style::FOOTNOTE_TEXT,
            "footnote text",
            r#"<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>"#,
            r#"<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>"#,
            r#"<w:sz w:val="18"/><w:szCs w:val="18"/>"#,
        ),
        style_xml(
            "character",
            style::FOOTNOTE_REFERENCE,
            "footnote reference",
            r#"<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>"#,
            "",
            r#"<w:vertAlign w:val="superscript"/>"#,
        ),
    ];
    format!(
        "{XML_DECL}<w:styles xmlns:w=\"{W_NS}\">{defaults}{}</w:styles>",
        all.concat()
    )
}

/// `word/numbering.xml`: one bullet list (numId 1), used by every list paragraph.
pub(crate) fn numbering() -> String {
    format!(
        concat!(
            "{decl}<w:numbering xmlns:w=\"{w}\">",
            r#"<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>"#,
            r#"<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>"#,
            r#"<w:lvlText w:val="•"/><w:lvlJc w:val="left"/>"#,
            r#"<w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>"#,
            r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
        ),
        decl = XML_DECL,
        w = W_NS
    )
}

/// `word/settings.xml`: the footnote separators, Word 2013+ layout (not
/// compatibility mode) and the document's East Asian language.
pub(crate) fn settings(fonts: Fonts) -> String {
    format!(
        concat!(
            "{decl}<w:settings xmlns:w=\"{w}\">",
            r#"<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>"#,
            r#"<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>"#,
            r#"<w:compat><w:compatSetting w:name="compatibilityMode" "#,
            r#"w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
            r#"<w:themeFontLang w:val="en-GB" w:eastAsia="{lang}"/></w:settings>"#
        ),
        decl = XML_DECL,
        w = W_NS,
        lang = fonts.east_asia_lang
    )
}
