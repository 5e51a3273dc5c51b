//! Aligned Markdown tables for plain-text terminals: columns padded to the display
//! width of their widest cell (a CJK character is two columns wide).

/// How a column's cells are padded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// Columns a terminal gives `c`: two for East Asian wide characters (CJK ideographs,
/// kana, Hangul, full-width forms and CJK punctuation), one otherwise.
fn char_width(c: char) -> usize {
    let wide = matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A000}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}');
    if wide {
        2
    } else {
        1
    }
}

pub(crate) fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Renders a Markdown table whose columns line up in a monospaced font. A `|` in a
/// cell is escaped and line breaks become spaces, so a cell never breaks the table.
pub(crate) fn render(columns: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let clean = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
    let header: Vec<String> = columns.iter().map(|(h, _)| clean(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .chain(std::iter::once(&header[i]))
                .map(|c| display_width(c))
                .max()
                .unwrap_or(0)
                .max(3)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut out = String::from("|");
        for (i, (_, align)) in columns.iter().enumerate() {
            let cell = cells.get(i).map(String::as_str).unwrap_or("");
            let pad = " ".repeat(widths[i] - display_width(cell));
            match align {
                Align::Left => out.push_str(&format!(" {cell}{pad} |")),
                Align::Right => out.push_str(&format!(" {pad}{cell} |")),
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&header);
    out.push('|');
    for (i, (_, align)) in columns.iter().enumerate() {
        let dashes = "-".repeat(widths[i]);
        match align {
            Align::Left => out.push_str(&format!(" {dashes} |")),
            Align::Right => out.push_str(&format!(" {}: |", &dashes[1..])),
        }
    }
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_with_wide_characters() {
        let table = render(
            &[("id", Align::Left), ("R1", Align::Right)],
            &[
                vec!["施政報告".into(), "1.0".into()],
                vec!["a|b".into(), "25.5".into()],
            ],
        );
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "| id       |   R1 |");
        assert_eq!(lines[1], "| -------- | ---: |");
        assert_eq!(lines[2], "| 施政報告 |  1.0 |");
        assert_eq!(lines[3], "| a\\|b     | 25.5 |");
        assert!(lines
            .iter()
            .all(|l| display_width(l) == display_width(lines[0])));
    }
}
