//! Markdown: the form for a quick look (terminal, issue tracker, e-mail).

use std::fmt::Write as _;

use super::Report;
use super::notes::{amendment_heading, notes};
use super::thai::{self, Digits};

impl Report {
    /// The form as Markdown, with Thai digits (see `Report::to_markdown_with`).
    pub fn to_markdown(&self) -> String {
        self.to_markdown_with(Digits::Thai)
    }

    /// The form as Markdown: title, agency, month, the table with totals,
    /// the amendment (if any), the signature block and notes. `digits` applies
    /// to every number written, counts included.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn to_markdown_with(&self, digits: Digits) -> String {
        let mut out = String::with_capacity(512 + self.rows.len() * 300);
        let _ = writeln!(out, "# {}\n", thai::FORM_TITLE);
        let _ = writeln!(out, "{} {}  ", thai::LABEL_AGENCY, cell(&self.agency));
        let _ = writeln!(out, "{}\n", thai::month_heading(self.month, digits));
        if let Some(h) = amendment_heading(self, digits) {
            let _ = writeln!(out, "> **{h}**\n");
        }
        header(&mut out);
        for (i, row) in self.rows.iter().enumerate() {
            let counts: Vec<String> = row
                .counts()
                .iter()
                .map(|&n| thai::number(n, digits))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                digits.apply(&(i + 1).to_string()),
                cell(&row.content),
                counts.join(" | ")
            );
        }
        let totals: Vec<String> = self
            .totals
            .counts()
            .iter()
            .map(|&n| format!("**{}**", thai::number(n, digits)))
            .collect();
        let _ = writeln!(
            out,
            "| | **{}** | {} |",
            thai::LABEL_TOTAL,
            totals.join(" | ")
        );

        if let Some(a) = &self.amendment {
            let _ = writeln!(out, "\n## {} — รายการที่เปลี่ยนแปลง\n", thai::LABEL_AMENDED);
            if a.is_empty() {
                let _ = writeln!(out, "ไม่มีการเปลี่ยนแปลง");
            } else {
                header(&mut out);
                for (i, d) in a.rows.iter().enumerate() {
                    let v: Vec<String> = d
                        .delta
                        .values()
                        .iter()
                        .map(|&n| thai::signed(n, digits))
                        .collect();
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} |",
                        digits.apply(&(i + 1).to_string()),
                        cell(&d.content),
                        v.join(" | ")
                    );
                }
                let v: Vec<String> = a
                    .totals
                    .values()
                    .iter()
                    .map(|&n| thai::signed(n, digits))
                    .collect();
                let _ = writeln!(out, "| | **{}** | {} |", thai::LABEL_TOTAL, v.join(" | "));
            }
        }

        out.push('\n');
        for s in thai::signature_lines(&self.signature, digits) {
            let _ = writeln!(out, "{}  ", cell(&s));
        }
        let notes = notes(self, digits);
        if !notes.is_empty() {
            out.push('\n');
            for (label, text) in notes {
                let _ = writeln!(out, "- **{}**: {}", cell(&label), cell(&text));
            }
        }
        out
    }
}

fn header(out: &mut String) {
    let h = thai::column_headings();
    let _ = writeln!(out, "| {} |", h.join(" | "));
    let _ = writeln!(out, "|---:|---|---:|---:|---:|---:|---:|---:|");
}

/// Text safe inside a table cell: `|` escaped, line breaks as spaces,
/// and Markdown emphasis characters escaped so content shows as written.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
