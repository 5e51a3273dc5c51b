//! Fixture builders: small PDFs written with lopdf (a Type0 Identity-H font with a
//! ToUnicode CMap, like Word's CJK output), DOCX archives written with zip, and the
//! path to the shared real-document set when it is present.

use lopdf::{dictionary, Document, Object, Stream, StringFormat};
use std::io::Write;
use std::path::PathBuf;

/// One piece of text on a page: x, y, font size, text; `broken` draws it with a font
/// that has no ToUnicode map (its text cannot be recovered).
#[derive(Debug, Clone)]
pub struct Item {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
    pub broken: bool,
}

pub fn item(x: f32, y: f32, size: f32, text: &str) -> Item {
    Item {
        x,
        y,
        size,
        text: text.to_string(),
        broken: false,
    }
}

/// A page: its items, and whether it shows an image (a scan) instead.
#[derive(Debug, Clone, Default)]
pub struct PageSpec {
    pub items: Vec<Item>,
    pub image: bool,
}

fn hex(codes: &[u16]) -> Vec<u8> {
    codes.iter().flat_map(|c| c.to_be_bytes()).collect()
}

/// Writes a PDF. Codes are indexes into the set of characters used, mapped back to
/// Unicode by the ToUnicode CMap; ASCII advances 0.5 em, everything else 1 em.
pub fn make_pdf(pages: &[PageSpec]) -> Vec<u8> {
    let mut chars: Vec<char> = pages
        .iter()
        .flat_map(|p| p.items.iter())
        .flat_map(|i| i.text.chars())
        .collect();
    chars.sort_unstable();
    chars.dedup();
    let code = |c: char| chars.binary_search(&c).unwrap() as u16 + 1;
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut cmap = String::from("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for &c in chunk {
            let mut u = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut u)
                .iter()
                .map(|x| format!("{x:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{units}>\n", code(c)));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let tu = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let mut w: Vec<Object> = Vec::new();
    for &c in &chars {
        w.push(Object::Integer(code(c) as i64));
        w.push(Object::Array(vec![Object::Integer(if c.is_ascii() {
            500
        } else {
            1000
        })]));
    }
    let mut font = |with_tu: bool| {
        let desc = doc.add_object(dictionary! {
            "Type" => "FontDescriptor", "FontName" => "TestMing", "Flags" => 4,
            "FontBBox" => vec![0.into(), (-200).into(), 1000.into(), 800.into()],
            "ItalicAngle" => 0, "Ascent" => 800, "Descent" => -200, "CapHeight" => 700, "StemV" => 80,
        });
        let cid = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "TestMing",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("CNS1"), "Supplement" => 0 },
            "FontDescriptor" => desc, "DW" => 1000, "W" => w.clone(),
        });
        let mut d = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "TestMing", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![cid.into()],
        };
        if with_tu {
            d.set("ToUnicode", tu);
        }
        doc.add_object(d)
    };
    let good = font(true);
    let bad = font(false);
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0, 255, 255, 0],
    ));
    let mut kids = Vec::new();
    for p in pages {
        let mut ops = String::new();
        let mut body: Vec<u8> = Vec::new();
        for it in &p.items {
            let codes: Vec<u16> = it.text.chars().map(code).collect();
            let s = Object::String(hex(&codes), StringFormat::Hexadecimal);
            let mut enc = Vec::new();
            let _ = lopdf::content::Content {
                operations: vec![lopdf::content::Operation::new("Tj", vec![s])],
            }
            .encode()
            .map(|b| enc = b);
            body.extend_from_slice(
                format!(
                    "BT /{} {} Tf {} {} Td ",
                    if it.broken { "F2" } else { "F1" },
                    it.size,
                    it.x,
                    it.y
                )
                .as_bytes(),
            );
            body.extend_from_slice(&enc);
            body.extend_from_slice(b" ET\n");
        }
        if p.image {
            ops.push_str("q 500 0 0 700 50 70 cm /Im1 Do Q\n");
        }
        body.extend_from_slice(ops.as_bytes());
        let content = doc.add_object(Stream::new(dictionary! {}, body));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => good, "F2" => bad }, "XObject" => dictionary! { "Im1" => image } },
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let info = doc.add_object(dictionary! { "Title" => Object::string_literal("Test letter") });
    doc.trailer.set("Info", info);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Lays out paragraphs as wrapped lines from the top of a page (`width` characters a line).
pub fn wrapped(x: f32, top: f32, size: f32, text: &str, width: usize) -> Vec<Item> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width)
        .enumerate()
        .map(|(i, c)| {
            item(
                x,
                top - i as f32 * size * 1.4,
                size,
                &c.iter().collect::<String>(),
            )
        })
        .collect()
}

/// A DOCX with the given document.xml body (inside <w:body>) and a styles part.
pub fn make_docx(body: &str) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
        z.start_file("word/styles.xml", o).unwrap();
        z.write_all(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="標題 2"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style></w:styles>"#
                .as_bytes(),
        )
        .unwrap();
        z.start_file("word/document.xml", o).unwrap();
        let doc = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        z.write_all(doc.as_bytes()).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// The shared real-document folder, when this checkout has one beside it.
pub fn shared_pdf_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/hk-gov-pdf");
    dir.is_dir().then_some(dir)
}

/// A one-page PDF whose Type0 font uses a predefined CMap (`encoding`, e.g.
/// "ETenms-B5-H" or "UniCNS-UCS2-H") and no ToUnicode: `lines` are (y, raw code bytes).
pub fn make_legacy_cmap_pdf(encoding: &str, lines: &[(f32, Vec<u8>)]) -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "MingLiU",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("CNS1"), "Supplement" => 0 },
        "DW" => 1000,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "MingLiU", "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
        "DescendantFonts" => vec![cid.into()],
    });
    let mut body = Vec::new();
    for (y, bytes) in lines {
        body.extend_from_slice(format!("BT /F1 12 Tf 72 {y} Td ").as_bytes());
        let op = lopdf::content::Content {
            operations: vec![lopdf::content::Operation::new(
                "Tj",
                vec![Object::String(bytes.clone(), StringFormat::Hexadecimal)],
            )],
        };
        body.extend_from_slice(&op.encode().unwrap());
        body.extend_from_slice(b" ET\n");
    }
    let content = doc.add_object(Stream::new(dictionary! {}, body));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content, "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}
