//! Prints what hkpilot-ingest makes of a file: blocks with kinds and pages, then issues.
//!
//! cargo run -p hkpilot-ingest --example pdf_dump -- FILE [--raw]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: pdf_dump FILE [--raw]");
        return;
    };
    if args.iter().any(|a| a == "--raw") {
        let bytes = std::fs::read(path).expect("read");
        match hkpilot_ingest::pdf::page_texts(&bytes) {
            Ok(pages) => println!("{}", pages.join("\n\u{c}\n")),
            Err(e) => println!("error [{}]: {e}", e.code()),
        }
        return;
    }
    match hkpilot_ingest::ingest_path(std::path::Path::new(path), &Default::default()) {
        Ok(doc) => {
            println!(
                "title: {:?}, pages: {}, languages: {:?}",
                doc.meta.title, doc.meta.page_count, doc.meta.languages
            );
            for b in &doc.blocks {
                let kind = match &b.kind {
                    hkpilot_core::BlockKind::Heading { level } => format!("H{level}"),
                    hkpilot_core::BlockKind::ListItem { level, marker, .. } => {
                        format!("LI{level}{marker:?}")
                    }
                    hkpilot_core::BlockKind::Table { rows } => {
                        format!("TABLE{}x{}", rows.len(), rows.first().map_or(0, Vec::len))
                    }
                    hkpilot_core::BlockKind::Paragraph => "P".into(),
                    hkpilot_core::BlockKind::PageBreak => "----".into(),
                };
                println!("[p{} {kind}] {}", b.page, b.text);
            }
            for i in &doc.issues {
                println!("ISSUE {:?}", i);
            }
        }
        Err(e) => println!("error [{}]: {e}", e.code()),
    }
}
