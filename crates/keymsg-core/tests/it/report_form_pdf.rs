//! The monthly form as it prints: the XLSX converted to PDF by LibreOffice
//! (A4 landscape), read back with poppler's `pdftotext -bbox-layout` (every
//! word with its box) and as flat ODS XML (formulas and row heights).
//!
//! Checked: the compact form (`without_zero_rows`) takes at most two pages;
//! the title, agency, month, every heading word (whole, never split), every
//! row, the totals and the signature block are all there; each row's text
//! lies inside its own row — nothing spills into the next row, as happens
//! when a row is shorter than its wrapped text; the totals are `SUM`
//! formulas whose values LibreOffice computes to the report's totals.
//!
//! Needs `soffice` (Debian: `libreoffice-calc-nogui`) and `pdftotext`
//! (`poppler-utils`); set `KEYMSG_SKIP_LIBREOFFICE=1` to skip without them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use keymsg_core::YearMonth;
use keymsg_core::report::{Report, Signature};
use keymsg_core::store::{CountRow, ManualEntry};
use keymsg_core::{Catalog, Channel, Surface};
use time::macros::{date, datetime};

/// The form's correct title (the circulated copy of the Ministry's form has a
/// wrong one), written out here rather than taken from the library.
const FORM_TITLE: &str =
    "แบบรายงานผลการเผยแพร่ข้อมูลเกี่ยวกับการเสริมสร้างการรับรู้ภัยอาชญากรรมออนไลน์ ผ่านช่องทางสื่อสารต่าง ๆ";
/// The dotted line a signature goes on.
const DOTS: &str = "....................................";

const AGENCY: &str = "เทศบาลเมืองตัวอย่าง";
const RADIO: &str = "สปอตวิทยุชุมชน เรื่องแก๊งคอลเซ็นเตอร์";
const MEETING: &str = "ประชุมหมู่บ้าน ชี้แจงภัยบัญชีม้าและการขายซิมการ์ด";

/// A month as a municipality files it: receipts and bills with two
/// messages, a radio spot about a third, two items of its own.
fn compact() -> Report {
    let catalog = Catalog::embedded().unwrap();
    let month: YearMonth = "2026-03".parse().unwrap();
    let counts = [
        (
            "sms-electricity-cutoff",
            Surface::Invoice,
            "electricity-bill",
            12_500,
        ),
        ("sms-water-cutoff", Surface::Invoice, "water-bill", 8_120),
        ("sms-water-cutoff", Surface::Receipt, "water-bill", 1_003),
    ]
    .map(|(id, surface, kind, count)| CountRow {
        agency: AGENCY.into(),
        message_id: id.into(),
        surface,
        kind: kind.into(),
        count,
    });
    let manual = [
        ManualEntry {
            agency: AGENCY.into(),
            month,
            channel: Channel::OnAir,
            message_id: "aoc-1441".into(),
            count: 30,
        },
        ManualEntry::free_text(AGENCY, month, Channel::OnAir, RADIO, 3).unwrap(),
        ManualEntry::free_text(AGENCY, month, Channel::Community, MEETING, 12).unwrap(),
    ];
    Report::build_at(
        &catalog,
        AGENCY,
        month,
        &counts,
        &manual,
        "th",
        datetime!(2026-04-02 09:00 +07:00),
    )
    .with_signature(Signature {
        reporter: Some("นางสาวสมศรี ใจดี".into()),
        position: Some("นักวิชาการคอมพิวเตอร์ชำนาญการ".into()),
        date: Some(date!(2026 - 04 - 05)),
    })
    .without_zero_rows()
}

/// Whether the tools are here; panics when they are missing and the skip
/// variable is not set, so a CI machine without them fails loudly.
fn tools() -> bool {
    let found = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if found("soffice", "--version") && found("pdftotext", "-v") {
        return true;
    }
    if std::env::var("KEYMSG_SKIP_LIBREOFFICE").as_deref() == Ok("1") {
        eprintln!("SKIPPED: soffice or pdftotext missing and KEYMSG_SKIP_LIBREOFFICE=1");
        return false;
    }
    panic!(
        "this test needs LibreOffice (`soffice`) and poppler (`pdftotext`): \
         apt-get install -y --no-install-recommends libreoffice-calc-nogui poppler-utils \
         (or set KEYMSG_SKIP_LIBREOFFICE=1 to skip)"
    );
}

/// Convert `file` with LibreOffice to `to` (e.g. `pdf`, `fods`); the path written.
fn soffice(file: &Path, to: &str) -> PathBuf {
    let dir = file.parent().unwrap();
    let out = dir.join(format!("out-{to}"));
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("lo-profile").display()
        ))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(&out)
        .arg(file)
        .output()
        .unwrap();
    assert!(status.status.success(), "soffice: {status:?}");
    let stem = file.file_stem().unwrap().to_str().unwrap();
    out.join(format!("{stem}.{to}"))
}

/// One word of the PDF with its box (points, origin top left) and its place
/// in reading order: the top of its text line, then its index on the page.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
    line_top: f64,
    order: usize,
}

/// The words of each page, from `pdftotext -bbox-layout`.
fn pdf_words(pdf: &Path) -> Vec<(f64, f64, Vec<Word>)> {
    let out = Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    let mut pages = Vec::new();
    for page in html.split("<page ").skip(1) {
        let head = &page[..page.find('>').unwrap()];
        let (w, h) = (attr(head, "width"), attr(head, "height"));
        let mut words = Vec::new();
        for line in page.split("<line ").skip(1) {
            let line_top = attr(&line[..line.find('>').unwrap()], "yMin");
            for chunk in line.split("<word ").skip(1) {
                let tag_end = chunk.find('>').unwrap();
                let tag = &chunk[..tag_end];
                let text = &chunk[tag_end + 1..chunk.find("</word>").unwrap()];
                words.push(Word {
                    x0: attr(tag, "xMin"),
                    y0: attr(tag, "yMin"),
                    x1: attr(tag, "xMax"),
                    y1: attr(tag, "yMax"),
                    text: unescape(text),
                    line_top,
                    order: words.len(),
                });
            }
        }
        pages.push((w, h, words));
    }
    pages
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The letters of `s` that advance the pen: no spaces, no line breaks, no
/// marks above or below (PDF text extraction splits and reorders those).
fn letters(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            !c.is_whitespace()
                && !unicode_normalization::char::is_combining_mark(c)
                && !matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' | '\u{2060}' | '\u{200B}')
        })
        .collect()
}

/// The words in reading order: by text line, top to bottom, then as
/// pdftotext put them on the line.
fn text_of(words: &[&Word]) -> String {
    let mut sorted: Vec<&&Word> = words.iter().collect();
    sorted.sort_by(|a, b| {
        a.line_top
            .total_cmp(&b.line_top)
            .then(a.order.cmp(&b.order))
    });
    sorted.iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn the_compact_form_prints_whole_on_two_landscape_pages() {
    if !tools() {
        return;
    }
    let report = compact();
    assert_eq!(
        report.rows.len(),
        5,
        "three catalog rows, two of the agency's own"
    );
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("form.xlsx");
    report.save_xlsx(&xlsx).unwrap();
    let pages = pdf_words(&soffice(&xlsx, "pdf"));

    // A4 landscape; the form first, then the breakdown sheet.
    for (w, h, _) in &pages {
        assert!(
            (w - 841.9).abs() < 1.0 && (h - 595.3).abs() < 1.0,
            "{w} x {h}"
        );
    }
    let is_form = |words: &[Word]| words.iter().any(|w| w.text == "ลำดับ");
    let form: Vec<&Vec<Word>> = pages.iter().map(|p| &p.2).filter(|w| is_form(w)).collect();
    assert!(
        (1..=2).contains(&form.len()),
        "the compact form takes {} pages",
        form.len()
    );
    assert!(is_form(&pages[0].2), "the form comes first");
    assert!(
        pages
            .last()
            .unwrap()
            .2
            .iter()
            .any(|w| w.text == "message_id"),
        "the breakdown prints after it"
    );
    let everything: String = form
        .iter()
        .map(|p| letters(&text_of(&p.iter().collect::<Vec<_>>())))
        .collect();

    // Title, agency, month, signature block: all there.
    for text in [
        FORM_TITLE.to_owned(),
        format!("หน่วยงาน {AGENCY}"),
        "ประจำเดือน มีนาคม ๒๕๖๙".to_owned(),
        "( นางสาวสมศรี ใจดี )".to_owned(),
        "ตำแหน่ง นักวิชาการคอมพิวเตอร์ชำนาญการ".to_owned(),
        "วันที่ ๕ เมษายน ๒๕๖๙".to_owned(),
        format!("ลงชื่อ {DOTS}"),
    ] {
        assert!(everything.contains(&letters(&text)), "missing: {text}");
    }
    // Every heading word whole: wrapped at spaces only ("Community", never "Communi" + "ty").
    for page in &form {
        let headings = [
            "ลำดับ",
            "เนื้อหา/รายละเอียดในการเผยแพร่",
            "Online",
            "On Air",
            "On Ground",
            "Digital Billboard",
            "Community",
            "Documents and Application",
        ];
        for thai_heading in &headings[..2] {
            let text = letters(&text_of(&page.iter().collect::<Vec<_>>()));
            assert!(text.contains(&letters(thai_heading)), "{thai_heading}");
        }
        // pdftotext splits Thai at marks, so whole words are checked on the
        // English channel names.
        for heading in &headings[2..] {
            for word in heading.split(' ') {
                assert!(
                    page.iter().any(|w| letters(&w.text) == letters(word)),
                    "heading word {word:?} is not whole"
                );
            }
        }
    }

    // Each row's text inside its own row. Row numbers sit in the ลำดับ
    // column; a row ends where the next number (or the totals, or the page
    // footer) starts.
    let mut seen = 0;
    for page in &form {
        let head = page.iter().find(|w| w.text == "ลำดับ").unwrap();
        let online = page.iter().find(|w| w.text == "Online").unwrap();
        let centre = (head.x0 + head.x1) / 2.0;
        let mut numbers: Vec<(f64, usize)> = page
            .iter()
            .filter(|w| w.y0 > head.y1 && ((w.x0 + w.x1) / 2.0 - centre).abs() < 12.0)
            .filter_map(|w| w.text.parse().ok().map(|n| (w.y0, n)))
            .collect();
        numbers.sort_by(|a, b| a.0.total_cmp(&b.0));
        let stops: Vec<f64> = page
            .iter()
            .filter(|w| w.text == "รวม" || w.text == "หน้า")
            .map(|w| w.y0)
            .collect();
        for (i, &(top, n)) in numbers.iter().enumerate() {
            let bottom = numbers.get(i + 1).map(|x| x.0).unwrap_or_else(|| {
                stops
                    .iter()
                    .copied()
                    .filter(|&s| s > top)
                    .fold(f64::MAX, f64::min)
            });
            let cell: Vec<&Word> = page
                .iter()
                .filter(|w| {
                    w.x0 > head.x1 && w.x1 < online.x0 && w.y0 >= top - 3.0 && w.y0 < bottom - 3.0
                })
                .collect();
            let row = &report.rows[n - 1];
            assert_eq!(
                letters(&text_of(&cell)),
                letters(&row.content),
                "row {n}: its text is not all inside its own row"
            );
            for w in &cell {
                assert!(
                    w.y1 <= bottom + 1.0,
                    "row {n}: {:?} spills below the row",
                    w.text
                );
            }
            // Its counts, on its first line.
            let counts: Vec<String> = page
                .iter()
                .filter(|w| w.x0 >= online.x0 - 2.0 && (w.y0 - top).abs() < 4.0)
                .map(|w| w.text.replace(',', ""))
                .collect();
            let want: Vec<String> = row.counts().iter().map(u64::to_string).collect();
            assert_eq!(counts, want, "row {n}");
            seen += 1;
        }
    }
    assert_eq!(seen, report.rows.len(), "every row printed once");

    // The totals row, then the signature block below it, on the last page.
    let last = form.last().unwrap();
    let total = last.iter().find(|w| w.text == "รวม").expect("totals row");
    let totals: Vec<String> = last
        .iter()
        .filter(|w| w.x0 > total.x1 && (w.y0 - total.y0).abs() < 6.0)
        .map(|w| w.text.replace(',', ""))
        .collect();
    let want: Vec<String> = report.totals.counts().iter().map(u64::to_string).collect();
    assert_eq!(totals, want);
    let signed = last
        .iter()
        .find(|w| w.text == "ลงชื่อ")
        .expect("signature on the last page of the form");
    assert!(signed.y0 > total.y1, "signature below the totals");
}

#[test]
fn totals_are_sum_formulas_and_rows_are_as_tall_as_their_lines() {
    if !tools() {
        return;
    }
    let report = compact();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("form.xlsx");
    report.save_xlsx(&xlsx).unwrap();
    // Flat ODS: LibreOffice's own reading of the workbook, as XML.
    let fods = std::fs::read_to_string(soffice(&xlsx, "fods")).unwrap();
    let first = 6; // title, agency, month, spacer, header
    let last = first + report.rows.len() - 1;
    for (letter, total) in ('C'..='H').zip(report.totals.counts()) {
        let formula = format!("of:=SUM([.{letter}{first}:.{letter}{last}])");
        let at = fods
            .find(&formula)
            .unwrap_or_else(|| panic!("no {formula} in the totals row"));
        let cell_end = at + fods[at..].find('>').unwrap();
        let cell = &fods[at..cell_end];
        assert!(
            cell.contains(&format!("office:value=\"{total}\"")),
            "{formula} should compute {total}: {cell}"
        );
    }
    // Row heights as LibreOffice read them, against the lines it shows in
    // each content cell (one paragraph per line): at least 1.56 em a line,
    // the tallest line pitch measured for a font standing in for TH Sarabun
    // New (Laksaman, from Debian's fonts-thai-tlwg).
    let styles = row_styles(&fods);
    let sheet = &fods[fods.find("table:name=\"report\"").unwrap()..];
    let sheet = &sheet[..sheet.find("</table:table>").unwrap()];
    let mut index = 0usize;
    let mut checked = 0;
    for chunk in sheet.split("<table:table-row ").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap()];
        let style = between(tag, "table:style-name=\"", "\"").unwrap_or_default();
        let repeat: usize = between(tag, "table:number-rows-repeated=\"", "\"")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        index += 1; // 1-based, as in the formulas
        if (first..=last).contains(&index) {
            let body = &chunk[..chunk.find("</table:table-row>").unwrap_or(chunk.len())];
            // The second cell is the content.
            let cells: Vec<&str> = body.split("<table:table-cell").skip(1).collect();
            let lines = cells[1].matches("<text:p").count().max(1);
            let height = styles
                .iter()
                .find(|(name, _)| name == style)
                .map(|(_, h)| *h)
                .unwrap_or_else(|| panic!("row {index}: no height for style {style}"));
            let needed = lines as f64 * 16.0 * 1.56;
            assert!(
                height >= needed,
                "row {index}: {height:.1} pt for {lines} lines (needs {needed:.1})"
            );
            checked += 1;
        }
        index += repeat - 1;
    }
    assert_eq!(checked, report.rows.len());
}

/// `(style name, row height in points)` of every table-row style.
fn row_styles(fods: &str) -> Vec<(String, f64)> {
    fods.split("<style:style ")
        .skip(1)
        .filter(|s| s.contains("style:family=\"table-row\""))
        .filter_map(|s| {
            let name = between(s, "style:name=\"", "\"")?.to_owned();
            let h = between(s, "style:row-height=\"", "\"")?;
            let (value, unit) = h.split_at(h.find(|c: char| c.is_ascii_alphabetic())?);
            let v: f64 = value.parse().ok()?;
            let pt = match unit {
                "cm" => v / 2.54 * 72.0,
                "mm" => v / 25.4 * 72.0,
                "in" => v * 72.0,
                "pt" => v,
                _ => return None,
            };
            Some((name, pt))
        })
        .collect()
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let to = from + s[from..].find(end)?;
    s.get(from..to)
}
