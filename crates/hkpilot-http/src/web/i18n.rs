//! The page's words in English and Traditional Chinese. One table, so a missing
//! translation is a test failure rather than a blank on the page.

use serde::{Deserialize, Serialize};

/// The language the page is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PageLang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-Hant")]
    ZhHant,
}

impl PageLang {
    pub fn code(self) -> &'static str {
        match self {
            PageLang::En => "en",
            PageLang::ZhHant => "zh-Hant",
        }
    }

    pub fn parse(code: &str) -> Option<PageLang> {
        match code {
            "en" => Some(PageLang::En),
            "zh-Hant" | "zh-hant" | "zh-HK" | "zh-TW" => Some(PageLang::ZhHant),
            _ => None,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> PageLang {
        match self {
            PageLang::En => PageLang::ZhHant,
            PageLang::ZhHant => PageLang::En,
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            PageLang::En => "English",
            PageLang::ZhHant => "繁體中文",
        }
    }

    /// From an `Accept-Language` header: Chinese when it prefers any Chinese.
    pub fn from_accept_language(header: &str) -> PageLang {
        let first = header
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if first.starts_with("zh") {
            PageLang::ZhHant
        } else {
            PageLang::En
        }
    }
}

/// (key, English, Traditional Chinese).
const WORDS: &[(&str, &str, &str)] = &[
    ("skip_to_content", "Skip to content", "跳至內容"),
    ("main_navigation", "Main navigation", "主要導覽"),
    ("library", "Library", "文件庫"),
    ("users", "Users", "用戶"),
    ("audit_log", "Audit log", "審計記錄"),
    ("sign_in", "Sign in", "登入"),
    ("sign_out", "Sign out", "登出"),
    ("username", "Username", "用戶名稱"),
    ("password", "Password", "密碼"),
    ("footer_ai", "Text marked AI-generated was written by a language model: check it against the source before use.", "標示為「人工智能生成」的文字由語言模型撰寫，使用前請與原文核對。"),
    ("back_to_library", "Back to the library", "返回文件庫"),
    ("upload", "Upload", "上載"),
    ("drop_here", "Drop files here, or choose them below.", "將檔案拖放到此處，或在下方選擇。"),
    ("choose_files", "Files (PDF, Word, HTML, Markdown, text)", "檔案（PDF、Word、HTML、Markdown、純文字）"),
    ("upload_limits", "Largest file:", "檔案大小上限："),
    ("documents", "Documents", "文件"),
    ("title", "Title", "標題"),
    ("language", "Language", "語言"),
    ("pages", "Pages", "頁數"),
    ("page_n", "Page {n}", "第 {n} 頁"),
    ("status", "Status", "狀態"),
    ("owner", "Owner", "擁有人"),
    ("uploaded", "Uploaded", "上載時間"),
    ("shared_with_department", "Shared with the department", "已與部門共用"),
    ("share_with_department", "Share with my department", "與我的部門共用"),
    ("unshare", "Stop sharing", "停止共用"),
    ("no_documents", "No documents yet: upload one above.", "尚未有文件：請在上方上載。"),
    ("uploading", "Uploading…", "上載中…"),
    ("processing", "Reading the document…", "正在讀取文件…"),
    ("upload_failed", "The upload failed: check the connection and try again.", "上載失敗：請檢查網絡連線後再試。"),
    ("uploaded_state", "Uploaded", "已上載"),
    ("ingesting", "Reading", "讀取中"),
    ("ready", "Ready", "可用"),
    ("failed", "Failed", "失敗"),
    ("queued", "Waiting", "等候中"),
    ("running", "Working", "處理中"),
    ("succeeded", "Done", "完成"),
    ("cancelled", "Cancelled", "已取消"),
    ("ingest", "Reading the document", "讀取文件"),
    ("summarize", "Summary", "摘要"),
    ("counting", "Measuring", "計算篇幅"),
    ("map", "Reading sections", "閱讀各部分"),
    ("reduce", "Merging notes", "合併要點"),
    ("final", "Writing the summary", "撰寫摘要"),
    ("extracting", "Extracting text", "擷取文字"),
    ("download_original", "Download original", "下載原檔"),
    ("summarise", "Summarise", "撮要"),
    ("method", "Method", "方法"),
    ("method_extractive", "Key sentences (no model)", "重點句子（不用模型）"),
    ("method_model", "Written by the model", "由模型撰寫"),
    ("length", "Length", "長度"),
    ("length_short", "Short", "簡短"),
    ("length_medium", "Medium", "中等"),
    ("length_long", "Long", "詳細"),
    ("summary_language", "Summary language", "摘要語言"),
    ("same_as_document", "Same as the document", "與文件相同"),
    ("focus", "Focus (optional)", "重點（選填）"),
    ("focus_hint", "e.g. housing supply", "例如：房屋供應"),
    ("progress", "Progress", "進度"),
    ("summary", "Summary", "摘要"),
    ("ai_generated", "AI-generated", "人工智能生成"),
    ("source_passage", "Source passage", "原文段落"),
    ("source", "Source", "原文"),
    ("copy", "Copy", "複製"),
    ("copied", "Copied", "已複製"),
    ("download_md", "Download Markdown", "下載 Markdown"),
    ("download_docx", "Download Word", "下載 Word"),
    ("no_summary_yet", "No summary yet: choose the options above and press Summarise.", "尚未有摘要：請選擇上方選項，然後按「撮要」。"),
    ("history", "Earlier summaries", "過往摘要"),
    ("name", "Name", "姓名"),
    ("department", "Department", "部門"),
    ("role", "Role", "角色"),
    ("officer", "Officer", "人員"),
    ("department_admin", "Department administrator", "部門管理員"),
    ("system_admin", "System administrator", "系統管理員"),
    ("disabled", "Disabled", "已停用"),
    ("active", "Active", "使用中"),
    ("disable", "Disable", "停用"),
    ("new_user", "New user", "新增用戶"),
    ("create", "Create", "建立"),
    ("export", "Export (JSON Lines)", "匯出（JSON Lines）"),
    ("when", "When", "時間"),
    ("who", "Who", "用戶"),
    ("action", "Action", "操作"),
    ("detail", "Detail", "詳情"),
    ("address", "Address", "位址"),
    ("not_found", "Not found", "找不到"),
    ("session_form_expired", "The sign-in form expired: please sign in again.", "登入表格已過期，請重新登入。"),
    ("locked_out", "Too many failed sign-ins: wait before trying again", "登入失敗次數過多，請稍候再試"),
    ("bad_credentials", "Wrong username or password.", "用戶名稱或密碼錯誤。"),
    ("created", "Created:", "已建立："),
    ("new_department", "New department", "新增部門"),
    ("department_id", "Department id (e.g. csb)", "部門代號（例如 csb）"),
    ("name_english", "Name in English", "英文名稱"),
    ("name_chinese", "Name in Chinese", "中文名稱"),
    ("chain_intact", "The audit chain is intact", "審計記錄鏈完整"),
    ("chain_broken", "The audit chain is broken at event", "審計記錄鏈於以下事件斷開"),
    ("department_events_only", "Events by users of your department.", "只顯示 貴部門用戶的事件。"),
    ("forbidden", "Not allowed", "不獲准許"),
    ("translate", "Translate", "翻譯"),
    ("translate_into", "Translate into", "譯成"),
    ("translation", "Translation", "譯文"),
    ("machine_translation", "Machine translation", "機器翻譯"),
    ("translate_no_model", "No language model is configured: only conversion between Traditional and Simplified Chinese is available.", "伺服器未設定語言模型：只可在繁體與簡體中文之間轉換。"),
    ("no_translation_yet", "No translation yet: choose a language above and press Translate.", "尚未有譯文：請在上方選擇語言，然後按「翻譯」。"),
    ("earlier_translations", "Earlier translations", "過往譯文"),
    ("blocks_to_check", "Blocks to check", "需核對的段落"),
    ("check_block", "Check", "請核對"),
    ("untranslated", "Untranslated", "未翻譯"),
    ("planning", "Preparing", "準備中"),
    ("translating", "Translating", "翻譯中"),
    ("retrying", "Retranslating flagged blocks", "重譯需核對的段落"),
    ("draft", "Draft", "草擬"),
    ("draft_needs_model", "Drafting needs a language model, and none is configured on this server: ask the administrator.", "草擬需要語言模型，但本伺服器未有設定：請聯絡管理員。"),
    ("draft_type", "Type of document", "文件類型"),
    ("draft_language", "Language of the draft", "草稿語言"),
    ("draft_choose", "Show its fields", "顯示欄位"),
    ("draft_fields", "Fields", "欄位"),
    ("required", "required", "必填"),
    ("draft_missing_hint", "A required field left empty is shown in the draft as a placeholder, with the question to answer.", "必填欄位如留空，草稿會以預留位置顯示，並列出需回答的問題。"),
    ("draft_notes", "Notes: what the draft should say", "備註：草稿應表達的內容"),
    ("draft_sources", "Source documents", "來源文件"),
    ("draft_no_sources", "No ready documents in your library: the draft will be written from your notes and fields.", "文件庫中未有可用文件：草稿會按你的備註及欄位撰寫。"),
    ("draft_submit", "Write the draft", "撰寫草稿"),
    ("my_drafts", "My drafts", "我的草稿"),
    ("drafting", "Drafting", "草擬中"),
    ("reading", "Reading the sources", "讀取來源文件"),
    ("no_drafts", "No drafts yet.", "尚未有草稿。"),
    ("draft_created", "Created", "建立時間"),
    ("draft_ai_notice", "AI-generated draft: check every statement against its sources, answer the questions and review the flagged sentences before use.", "人工智能生成的草稿：使用前請與來源核對每項陳述、回答問題，並檢查已標示的句子。"),
    ("draft_questions", "Questions for you", "待你回答的問題"),
    ("draft_checks", "Checks", "核對事項"),
    ("draft_rewrite", "Rewrite this draft", "改寫此草稿"),
    ("rewrite", "Rewrite", "改寫"),
    ("rewrite_needs_model", "No language model runs on this server: only the Traditional ↔ Simplified conversions work.", "此伺服器未有運行語言模型：只可進行繁簡轉換。"),
    ("rewrite_text", "Text to rewrite", "要改寫的文字"),
    ("rewrite_limit", "characters at most:", "字數上限："),
    ("rewrite_op", "How to rewrite it", "改寫方式"),
    ("op_shorten", "Shorter", "精簡"),
    ("op_expand", "Fuller", "擴充"),
    ("op_plain", "Plainer", "淺白"),
    ("op_formal", "More formal", "更正式"),
    ("op_tone", "Another tone", "改變語氣"),
    ("op_grammar", "Fix grammar and spelling", "修正文法及錯字"),
    ("op_to_hant", "To Traditional Chinese", "轉為繁體中文"),
    ("op_to_hans", "To Simplified Chinese", "轉為簡體中文"),
    ("rewrite_tone_word", "Tone (for “Another tone”)", "語氣（適用於「改變語氣」）"),
    ("rewrite_submit", "Rewrite", "改寫"),
    ("rewrite_result", "Result", "結果"),
    ("rewrite_ai_notice", "AI-generated rewrite: check it against the original before use.", "人工智能生成的改寫：使用前請與原文核對。"),
    ("rewrite_unchanged", "Nothing changed.", "沒有改動。"),
    ("rewrite_new_text", "Rewritten text", "改寫後的文字"),
    ("rewrite_changes", "What changed", "改動之處"),
    ("rewrite_legend", "Inserted text is underlined, deleted text struck through.", "新增的文字加底線，刪去的文字加刪除線。"),
];

/// `key` in `lang`; the key itself when the table lacks it (a test keeps that from
/// happening for every key a template uses).
pub fn word(lang: PageLang, key: &str) -> &'static str {
    match WORDS.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, zh)) => match lang {
            PageLang::En => en,
            PageLang::ZhHant => zh,
        },
        None => "",
    }
}

/// Whether the table has `key`.
#[cfg(test)]
pub fn has(key: &str) -> bool {
    WORDS.iter().any(|(k, _, _)| *k == key)
}

/// The words the page's script needs, as a JSON object.
pub fn script_words(lang: PageLang) -> serde_json::Value {
    const FOR_SCRIPT: &[&str] = &[
        "uploading",
        "processing",
        "upload_failed",
        "ready",
        "failed",
        "queued",
        "running",
        "succeeded",
        "cancelled",
        "counting",
        "map",
        "reduce",
        "final",
        "extracting",
        "planning",
        "translating",
        "retrying",
        "reading",
        "drafting",
        "copied",
    ];
    FOR_SCRIPT
        .iter()
        .map(|k| (k.to_string(), serde_json::Value::from(word(lang, k))))
        .collect::<serde_json::Map<_, _>>()
        .into()
}
