//! End-to-end ingestion tests: generated PDFs, DOCX, HTML, Markdown and text in several
//! encodings, hostile input, and (when present) the shared real government PDFs.

mod common;

use common::*;
use hkpilot_core::{BlockKind, Document, IssueKind};
use hkpilot_ingest::{detect_format, ingest_bytes, ingest_path, IngestOptions, SourceFormat};
use proptest::prelude::*;
use std::io::Write;

fn opts() -> IngestOptions {
    IngestOptions::default()
}

fn check_offsets(doc: &Document) {
    for b in doc.text_blocks() {
        assert_eq!(doc.slice(b.start, b.end), b.text);
    }
}

const ZH_PARA: &str =
    "本局已檢視各部門的人手安排，並會於下一財政年度增設十個職位，以應付日益增加的查詢。";

fn letter_pdf() -> Vec<u8> {
    let mut p1 = PageSpec::default();
    p1.items
        .push(item(72.0, 780.0, 18.0, "人手編制 Staffing Review"));
    p1.items.extend(wrapped(72.0, 740.0, 12.0, ZH_PARA, 20));
    p1.items
        .push(item(72.0, 660.0, 12.0, "The Bureau accepts the recom-"));
    p1.items
        .push(item(72.0, 643.2, 12.0, "mendation under Cap. 123 of the"));
    p1.items.push(item(72.0, 626.4, 12.0, "well-"));
    p1.items.push(item(102.0, 626.4, 12.0, "known guidelines."));
    p1.items.push(item(72.0, 590.0, 12.0, "(a) 第一項措施"));
    p1.items.push(item(72.0, 570.0, 12.0, "(b) 第二項措施"));
    // A two-column table: year and number of posts.
    p1.items.push(item(72.0, 530.0, 12.0, "年度"));
    p1.items.push(item(300.0, 530.0, 12.0, "職位數目"));
    p1.items.push(item(72.0, 510.0, 12.0, "2023/24"));
    p1.items.push(item(300.0, 510.0, 12.0, "12"));
    p1.items.push(item(72.0, 490.0, 12.0, "2024/25"));
    p1.items.push(item(300.0, 490.0, 12.0, "15"));
    p1.items.push(item(290.0, 40.0, 10.0, "1"));
    let mut p2 = PageSpec::default();
    p2.items.extend(wrapped(
        72.0,
        780.0,
        12.0,
        "第二頁的內容說明有關安排將於明年四月一日起生效。",
        20,
    ));
    p2.items.push(item(290.0, 40.0, 10.0, "2"));
    let p3 = PageSpec {
        items: vec![],
        image: true,
    };
    let mut p4 = PageSpec::default();
    let mut junk = item(72.0, 780.0, 12.0, "亂碼亂碼亂碼亂碼亂碼亂碼");
    junk.broken = true;
    p4.items.push(junk);
    // Text pages last: the builder drops an empty final page.
    make_pdf(&[p1, p3, p4, p2])
}

#[test]
fn pdf_structure_and_cjk_joining() {
    let doc = ingest_bytes(&letter_pdf(), Some("letter.pdf"), &opts()).unwrap();
    check_offsets(&doc);
    assert_eq!(doc.meta.format, SourceFormat::Pdf);
    assert_eq!(doc.meta.page_count, 4);
    assert_eq!(doc.meta.title.as_deref(), Some("Test letter"));
    let heading = doc
        .blocks
        .iter()
        .find(|b| b.is_heading())
        .expect("a heading");
    assert_eq!(heading.text, "人手編制 Staffing Review");
    assert!(
        doc.text.contains(ZH_PARA),
        "Chinese wrapped without spaces: {}",
        doc.text
    );
    assert!(
        doc.text
            .contains("accepts the recommendation under Cap. 123 of the well-known guidelines."),
        "{}",
        doc.text
    );
    let items: Vec<_> = doc
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::ListItem { marker, .. } => marker.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(items, ["(a)", "(b)"]);
    let table = doc.blocks.iter().find_map(|b| match &b.kind {
        BlockKind::Table { rows } => Some(rows.clone()),
        _ => None,
    });
    let rows = table.expect("a table");
    assert_eq!(rows.len(), 3, "{rows:?}\n{}", doc.text);
    assert_eq!(rows[1][0].text, "2023/24");
    assert_eq!(rows[2][1].text, "15");
    // Page numbers are dropped; the last page's text is on page 4.
    assert!(!doc.text.lines().any(|l| l.trim() == "1" || l.trim() == "2"));
    let p2 = doc
        .blocks
        .iter()
        .find(|b| b.text.starts_with("第二頁"))
        .unwrap();
    assert_eq!(p2.page, 4);
    let kinds: Vec<_> = doc.issues.iter().map(|i| (i.page, i.kind)).collect();
    assert!(kinds.contains(&(Some(2), IssueKind::NeedsOcr)), "{kinds:?}");
    assert!(kinds.contains(&(Some(3), IssueKind::Garbage)), "{kinds:?}");
    assert!(!doc.text.contains('\u{FFFD}'));
}

#[test]
fn pdf_predefined_cjk_cmaps_without_to_unicode() {
    let sentence = "香港特別行政區政府公布 2025 年度計劃。";
    let (big5, _, _) = encoding_rs::BIG5.encode(sentence);
    let doc = ingest_bytes(
        &make_legacy_cmap_pdf("ETenms-B5-H", &[(700.0, big5.into_owned())]),
        Some("b5.pdf"),
        &opts(),
    )
    .unwrap();
    assert_eq!(doc.text, sentence);
    let ucs2: Vec<u8> = sentence.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let doc = ingest_bytes(
        &make_legacy_cmap_pdf("UniCNS-UCS2-H", &[(700.0, ucs2)]),
        Some("u.pdf"),
        &opts(),
    )
    .unwrap();
    assert_eq!(doc.text, sentence);
    let simplified = "香港特别行政区政府公布年度计划。";
    let (gbk, _, _) = encoding_rs::GBK.encode(simplified);
    let doc = ingest_bytes(
        &make_legacy_cmap_pdf("GBK-EUC-H", &[(700.0, gbk.into_owned())]),
        Some("g.pdf"),
        &opts(),
    )
    .unwrap();
    assert_eq!(doc.text, simplified);
    // Identity-H without ToUnicode cannot be read: reported, never passed on as text.
    let doc = ingest_bytes(
        &make_legacy_cmap_pdf(
            "Identity-H",
            &[(700.0, vec![0x12, 0x34, 0x56, 0x78, 0x0a, 0xbc])],
        ),
        Some("i.pdf"),
        &opts(),
    )
    .unwrap();
    assert!(doc.text.is_empty());
    assert!(doc.issues.iter().any(|i| i.kind == IssueKind::Garbage));
}

#[test]
fn pdf_progress_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, letter_pdf()).unwrap();
    let mut seen = Vec::new();
    hkpilot_ingest::ingest_path_with_progress(&path, &opts(), &mut |p| {
        seen.push((p.pages_done, p.pages_total))
    })
    .unwrap();
    assert_eq!(seen.last(), Some(&(4, 4)));
}

#[test]
fn pdf_page_limit() {
    let o = IngestOptions {
        max_pages: 2,
        ..opts()
    };
    let e = ingest_bytes(&letter_pdf(), Some("x.pdf"), &o).unwrap_err();
    assert_eq!(e.code(), "too_many_pages");
}

#[test]
fn corrupt_truncated_and_lying_pdfs() {
    let pdf = letter_pdf();
    for cut in [10, 100, pdf.len() / 2, pdf.len() - 30] {
        match ingest_bytes(&pdf[..cut], Some("cut.pdf"), &opts()) {
            Ok(_) => {}
            Err(e) => {
                assert!(e.is_user_error(), "{e}");
                assert_eq!(e.code(), "corrupt_pdf", "{e}");
            }
        }
    }
    // A PDF named .docx is read as a PDF.
    let doc = ingest_bytes(&pdf, Some("really-a-pdf.docx"), &opts()).unwrap();
    assert_eq!(doc.meta.format, SourceFormat::Pdf);
    // Random binary named .pdf is an error, not a panic.
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let e = ingest_bytes(&junk, Some("x.pdf"), &opts()).unwrap_err();
    assert!(e.is_user_error());
    assert!(e.to_string().contains("PDF"), "{e}");
}

#[test]
fn encrypted_pdf_is_a_clear_error() {
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <4141414141414141414141414141414141414141414141414141414141414141> /U <4242424242424242424242424242424242424242424242424242424242424242> >>",
    ];
    for (i, o) in objs.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objs.len() + 1
    ));
    for o in &offsets {
        pdf.push_str(&format!("{o:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n{xref}\n%%EOF\n",
        objs.len() + 1
    ));
    let e = ingest_bytes(pdf.as_bytes(), Some("locked.pdf"), &opts()).unwrap_err();
    assert_eq!(e.code(), "encrypted_pdf", "{e}");
    assert!(e.to_string().contains("remove the password"));
}

#[test]
fn docx_structure() {
    let body = r#"
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>年度報告 Annual Report</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>背景</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="a3"/></w:pPr><w:r><w:t>Details &amp; scope</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">本署致力 </w:t></w:r><w:r><w:t>提升服務。</w:t></w:r><w:r><w:br/><w:t>Second line.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>列表項目</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>項目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Amount</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>薪酬</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>HK$1,000</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
    let doc = ingest_bytes(&make_docx(body), Some("r.docx"), &opts()).unwrap();
    check_offsets(&doc);
    let kinds: Vec<_> = doc
        .blocks
        .iter()
        .map(|b| (b.kind.clone(), b.text.clone()))
        .collect();
    assert_eq!(
        kinds[0],
        (
            BlockKind::Heading { level: 1 },
            "年度報告 Annual Report".to_string()
        )
    );
    assert_eq!(
        kinds[1],
        (BlockKind::Heading { level: 1 }, "背景".to_string())
    );
    assert_eq!(
        kinds[2],
        (
            BlockKind::Heading { level: 2 },
            "Details & scope".to_string()
        )
    );
    assert_eq!(kinds[3].1, "本署致力 提升服務。\nSecond line.");
    assert!(matches!(kinds[4].0, BlockKind::ListItem { level: 1, .. }));
    match &kinds[5].0 {
        BlockKind::Table { rows } => {
            assert_eq!(rows[1][1].text, "HK$1,000");
        }
        k => panic!("expected table, got {k:?}"),
    }
}

#[test]
fn docx_bad_input() {
    let e = ingest_bytes(
        b"PK\x03\x04 this is not really a zip",
        Some("a.docx"),
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_docx");
    let e = ingest_bytes(
        &[0x00, 0x01, 0x02, 0xFF, 0x00, 0x10],
        Some("a.docx"),
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_docx");
    // A zip without word/document.xml.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"hi").unwrap();
        z.finish().unwrap();
    }
    let e = ingest_bytes(&buf.into_inner(), Some("a.docx"), &opts()).unwrap_err();
    assert_eq!(e.code(), "not_docx");
}

#[test]
fn docx_zip_bomb_is_refused() {
    // 160 MiB of zeros streamed through the deflate writer: about 160 KiB on disk.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        z.start_file("word/document.xml", o).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..160 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
    }
    let bomb = buf.into_inner();
    assert!(bomb.len() < 2 << 20);
    let e = ingest_bytes(&bomb, Some("bomb.docx"), &opts()).unwrap_err();
    assert_eq!(e.code(), "zip_bomb", "{e}");
    let small = IngestOptions {
        max_unpacked_bytes: 1 << 20,
        ..opts()
    };
    let e = ingest_bytes(&bomb, Some("bomb.docx"), &small).unwrap_err();
    assert_eq!(e.code(), "zip_bomb");
}

#[test]
fn html_structure_and_charset() {
    let html = r#"<!DOCTYPE html><html><head><meta charset="big5"><title>通告 Notice</title><style>p{}</style></head>
<body><nav>Skip me</nav><h1>公告</h1><p>第一段<br>second line</p>
<ul><li>甲<ul><li>乙</li></ul></li></ul><ol><li>one</li><li>two</li></ol>
<table><tr><th>項目</th><th>數目</th></tr><tr><td>A</td><td>1</td></tr></table><script>alert(1)</script></body></html>"#;
    let (bytes, _, _) = encoding_rs::BIG5.encode(html);
    let doc = ingest_bytes(&bytes, Some("n.html"), &opts()).unwrap();
    check_offsets(&doc);
    assert_eq!(doc.meta.title.as_deref(), Some("通告 Notice"));
    assert_eq!(doc.meta.encoding.as_deref(), Some("Big5"));
    assert!(!doc.text.contains("Skip me") && !doc.text.contains("alert"));
    let b: Vec<_> = doc
        .blocks
        .iter()
        .map(|b| (&b.kind, b.text.as_str()))
        .collect();
    assert_eq!(b[0], (&BlockKind::Heading { level: 1 }, "公告"));
    assert_eq!(b[1].1, "第一段\nsecond line");
    assert!(matches!(
        b[2].0,
        BlockKind::ListItem {
            level: 0,
            ordered: false,
            ..
        }
    ));
    assert!(matches!(b[3].0, BlockKind::ListItem { level: 1, .. }) && b[3].1 == "乙");
    assert!(
        matches!(b[5].0, BlockKind::ListItem { ordered: true, marker: Some(m), .. } if m == "2.")
    );
    assert!(matches!(b[6].0, BlockKind::Table { .. }));
}

#[test]
fn markdown_structure() {
    let md = "# 標題 Title\n\n第一段文字，\n接續下一行。\n\n- item one\n  - nested 項目\n\n1. first\n2. second\n\n| 年度 | 數目 |\n|---|---|\n| 2024 | 3 |\n";
    let doc = ingest_bytes(md.as_bytes(), Some("n.md"), &opts()).unwrap();
    check_offsets(&doc);
    assert_eq!(doc.meta.format, SourceFormat::Markdown);
    assert_eq!(doc.meta.title.as_deref(), Some("標題 Title"));
    assert!(
        doc.text.contains("第一段文字，接續下一行。"),
        "{}",
        doc.text
    );
    assert!(doc.blocks.iter().any(
        |b| matches!(&b.kind, BlockKind::ListItem { level: 1, .. }) && b.text == "nested 項目"
    ));
    assert!(doc.blocks.iter().any(|b| matches!(&b.kind, BlockKind::ListItem { ordered: true, marker: Some(m), .. } if m == "2.")));
    assert!(doc
        .blocks
        .iter()
        .any(|b| matches!(&b.kind, BlockKind::Table { rows } if rows[1][0].text == "2024")));
}

const ZH_TEXT: &str = "政府今日公布新措施，協助中小企業應對經濟挑戰。\n有關措施包括延長還款期及提供\n額外資助。\n\n市民如有查詢，可致電熱線或瀏覽網頁。當局會密切留意情況，並適時作出調整。";

#[test]
fn text_encodings() {
    for enc in [encoding_rs::UTF_8, encoding_rs::BIG5] {
        let (bytes, _, bad) = enc.encode(ZH_TEXT);
        assert!(!bad);
        let doc = ingest_bytes(&bytes, Some("a.txt"), &opts()).unwrap();
        assert_eq!(doc.meta.encoding.as_deref(), Some(enc.name()));
        assert!(
            doc.text.contains("有關措施包括延長還款期及提供額外資助。"),
            "{}",
            doc.text
        );
        assert_eq!(doc.blocks.len(), 2);
    }
    let simplified = "政府今日公布新措施，协助中小企业应对经济挑战。有关措施包括延长还款期及提供额外资助。市民如有查询，可致电热线或浏览网页。";
    let (bytes, _, _) = encoding_rs::GB18030.encode(simplified);
    let doc = ingest_bytes(&bytes, Some("a.txt"), &opts()).unwrap();
    assert!(
        matches!(doc.meta.encoding.as_deref(), Some("GBK" | "gb18030")),
        "{:?}",
        doc.meta.encoding
    );
    assert_eq!(doc.text, simplified);
    // UTF-16 with BOM.
    let mut u16 = vec![0xFF, 0xFE];
    u16.extend(ZH_TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let doc = ingest_bytes(&u16, Some("a.txt"), &opts()).unwrap();
    assert_eq!(doc.meta.encoding.as_deref(), Some("UTF-16LE"));
    assert!(doc.text.starts_with("政府今日"));
    // UTF-8 with BOM.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice("Hello 你好".as_bytes());
    let doc = ingest_bytes(&bom, Some("a.txt"), &opts()).unwrap();
    assert_eq!(doc.text, "Hello 你好");
}

#[test]
fn bad_input_errors() {
    assert_eq!(
        ingest_bytes(b"", Some("a.pdf"), &opts())
            .unwrap_err()
            .code(),
        "empty_file"
    );
    let bin: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
    let e = ingest_bytes(&bin, Some("notes.txt"), &opts()).unwrap_err();
    assert_eq!(e.code(), "not_text");
    assert!(e.to_string().starts_with("not text"));
    let e = ingest_bytes(
        b"tiny",
        None,
        &IngestOptions {
            max_bytes: 2,
            ..opts()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "file_too_large");
    assert_eq!(
        detect_format(b"%PDF-1.4", Some("x.txt")).unwrap(),
        SourceFormat::Pdf
    );
}

#[test]
fn huge_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.pdf");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(2 << 30).unwrap(); // sparse: no disk, and it must not be read
    let e = ingest_path(&path, &opts()).unwrap_err();
    assert_eq!(e.code(), "file_too_large");
    assert!(e.to_string().contains("limit"));
    let e = ingest_path(&dir.path().join("missing.pdf"), &opts()).unwrap_err();
    assert_eq!(e.code(), "io_error");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000), ext in 0usize..7) {
        let name = ["a.pdf", "a.docx", "a.html", "a.md", "a.txt", "a", "a.bin"][ext];
        let _ = ingest_bytes(&bytes, Some(name), &opts());
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend_from_slice(&bytes);
        let _ = ingest_bytes(&pdf, Some(name), &opts());
    }

    #[test]
    fn mangled_pdfs_never_panic(cut in 0usize..100_000, flips in proptest::collection::vec((0usize..100_000, any::<u8>()), 0..8)) {
        let mut pdf = letter_pdf();
        for (at, v) in flips {
            let n = pdf.len();
            pdf[at % n] = v;
        }
        let n = pdf.len();
        pdf.truncate(cut % (n + 1));
        if let Err(e) = ingest_bytes(&pdf, Some("m.pdf"), &opts()) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

fn squash(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Order-insensitive character overlap: table reading order legitimately differs.
fn bag_similarity(a: &[char], b: &[char]) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in a {
        *counts.entry(*c).or_insert(0i64) += 1;
    }
    let shared = b
        .iter()
        .filter(|c| {
            counts
                .get_mut(*c)
                .map(|n| {
                    *n -= 1;
                    *n >= 0
                })
                .unwrap_or(false)
        })
        .count();
    shared as f64 / a.len().max(b.len()).max(1) as f64
}

#[test]
fn real_government_pdfs() {
    let Some(dir) = shared_pdf_dir() else {
        eprintln!("note: shared/data/hk-gov-pdf not found beside the repo; real-PDF test skipped");
        return;
    };
    let have_pdftotext = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !have_pdftotext {
        eprintln!("note: pdftotext not on PATH; similarity checks skipped");
    }
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut tables_in_01 = 0;
    for path in &files {
        let doc = ingest_path(path, &opts()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        check_offsets(&doc);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "csb-reply-01.pdf" {
            tables_in_01 = doc.blocks.iter().filter(|b| matches!(&b.kind, BlockKind::Table { rows } if rows.iter().flatten().any(|c| c.text.contains("招聘年度")))).count();
        }
        if !have_pdftotext {
            continue;
        }
        let out = std::process::Command::new("pdftotext")
            .arg(path)
            .arg("-")
            .output()
            .unwrap();
        let reference = String::from_utf8_lossy(&out.stdout).into_owned();
        let pages = hkpilot_ingest::pdf::page_texts(&std::fs::read(path).unwrap()).unwrap();
        for (i, r) in reference.split('\u{c}').enumerate() {
            if r.trim().is_empty() || r.contains('\u{FFFD}') {
                continue;
            }
            let ours = pages.get(i).map_or("", String::as_str);
            let sim = bag_similarity(&squash(ours), &squash(r));
            assert!(sim >= 0.97, "{name} page {}: similarity {sim:.3}", i + 1);
            let han = r.chars().any(hkpilot_text::script::is_han);
            assert!(
                !han || ours.chars().any(hkpilot_text::script::is_han),
                "{name} page {}: Han text lost",
                i + 1
            );
            assert!(
                !doc.issues.iter().any(|x| x.page == Some(i as u32 + 1)
                    && matches!(x.kind, IssueKind::Garbage | IssueKind::PartlyGarbage)),
                "{name} page {}: garbage flagged on a clean page",
                i + 1
            );
        }
    }
    assert!(
        tables_in_01 >= 1,
        "csb-reply-01.pdf: the 招聘年度/人數 table was not found"
    );
}
