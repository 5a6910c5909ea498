//! XLSX laid out like the paper form (what offices hand in).
//!
//! Sheet `report`: the title merged across the eight columns, the agency and
//! month lines, the header row, one row per message with the content wrapped,
//! the totals row, the amendment table if any, the signature block on the
//! right, then notes. Counts are numeric cells. Sheet `breakdown`: the
//! Documents and Application counts by message, surface and kind.
//!
//! Font: every cell uses "TH Sarabun New" 16 pt, the cabinet-resolution font
//! of Thai government documents. An XLSX cell format holds one
//! font name only, so fallbacks (TH SarabunPSK, Sarabun, Loma/Garuda from
//! `fonts-thai-tlwg`) are left to the spreadsheet program's font substitution.
//! Paper: A4 landscape, fitted to one page wide, header row repeated.

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use super::notes::{amendment_heading, notes};
use super::thai::{self, Digits};
use super::{Report, ReportError};

/// The font named in every cell.
pub(crate) const FONT_NAME: &str = "TH Sarabun New";
/// Its size in points.
pub(crate) const FONT_SIZE: f64 = 16.0;

/// Width of the content column, in Excel character units.
const CONTENT_WIDTH: f64 = 60.0;
/// Widths of the eight columns.
const WIDTHS: [f64; 8] = [7.0, CONTENT_WIDTH, 11.0, 11.0, 11.0, 13.0, 12.0, 15.0];
/// Points per line of 16 pt TH Sarabun New (its stacked marks need room).
const LINE_HEIGHT: f64 = 24.0;
/// Thai display columns that fit on one line of the content column. An Excel
/// width unit is one digit of the default font (Calibri 11, 7 px); a Thai
/// letter of TH Sarabun New 16 pt is about 9–10 px, so about 0.73 columns per
/// unit. We assume 0.7 so wrapped text is never clipped.
const CONTENT_COLUMNS_PER_LINE: f64 = CONTENT_WIDTH * 0.7;

struct Formats {
    title: Format,
    line: Format,
    header: Format,
    no: Format,
    content: Format,
    count: Format,
    delta: Format,
    total_label: Format,
    total: Format,
    text: Format,
    bold: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new()
            .set_font_name(FONT_NAME)
            .set_font_size(FONT_SIZE);
        let boxed = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        Self {
            title: base
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            line: base.clone().set_align(FormatAlign::Center),
            header: boxed
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            no: boxed.clone().set_align(FormatAlign::Center),
            content: boxed.clone().set_text_wrap(),
            count: boxed.clone().set_num_format("#,##0"),
            delta: boxed.clone().set_num_format("+#,##0;-#,##0;0"),
            total_label: boxed.clone().set_bold().set_align(FormatAlign::Center),
            total: boxed.set_bold().set_num_format("#,##0"),
            text: base.clone(),
            bold: base.set_bold(),
        }
    }
}

impl Report {
    /// The workbook as bytes, headings and dates in Thai digits.
    pub fn to_xlsx_bytes(&self) -> Result<Vec<u8>, ReportError> {
        self.to_xlsx_bytes_with(Digits::Thai)
    }

    /// The workbook as bytes; `digits` applies to headings and dates (counts
    /// are numeric cells).
    pub fn to_xlsx_bytes_with(&self, digits: Digits) -> Result<Vec<u8>, ReportError> {
        let mut wb = self.workbook(digits).map_err(ReportError::Xlsx)?;
        wb.save_to_buffer().map_err(ReportError::Xlsx)
    }

    /// Write the workbook to `path`.
    pub fn save_xlsx(&self, path: impl AsRef<Path>) -> Result<(), ReportError> {
        let bytes = self.to_xlsx_bytes()?;
        super::json::write_file(path.as_ref(), &bytes)
    }

    fn workbook(&self, digits: Digits) -> Result<Workbook, XlsxError> {
        let f = Formats::new();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("report")?;
        self.form_sheet(ws, &f, digits)?;
        let ws = wb.add_worksheet();
        ws.set_name("breakdown")?;
        self.breakdown_sheet(ws, &f)?;
        Ok(wb)
    }

    fn form_sheet(&self, ws: &mut Worksheet, f: &Formats, digits: Digits) -> Result<(), XlsxError> {
        for (col, w) in (0u16..).zip(WIDTHS) {
            ws.set_column_width(col, w)?;
        }
        ws.set_paper_size(9); // A4
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);

        let last = 7u16;
        let mut r: u32 = 0;
        ws.merge_range(r, 0, r, last, thai::FORM_TITLE, &f.title)?;
        ws.set_row_height(r, LINE_HEIGHT * 2.0 + 6.0)?;
        r += 1;
        let agency = format!("{} {}", thai::LABEL_AGENCY, self.agency);
        ws.merge_range(r, 0, r, last, &agency, &f.line)?;
        r += 1;
        ws.merge_range(
            r,
            0,
            r,
            last,
            &thai::month_heading(self.month, digits),
            &f.line,
        )?;
        r += 1;
        if let Some(h) = amendment_heading(self, digits) {
            ws.merge_range(r, 0, r, last, &h, &f.title)?;
            r += 1;
        }
        r += 1;

        let header_row = r;
        write_header(ws, r, f)?;
        ws.set_repeat_rows(header_row, header_row)?;
        r += 1;
        for (i, row) in self.rows.iter().enumerate() {
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.no)?;
            ws.write_string_with_format(r, 1, &row.content, &f.content)?;
            for (c, n) in (2u16..).zip(row.counts()) {
                ws.write_number_with_format(r, c, n as f64, &f.count)?;
            }
            ws.set_row_height(r, content_height(&row.content))?;
            r += 1;
        }
        ws.merge_range(r, 0, r, 1, thai::LABEL_TOTAL, &f.total_label)?;
        for (c, n) in (2u16..).zip(self.totals.counts()) {
            ws.write_number_with_format(r, c, n as f64, &f.total)?;
        }
        r += 2;

        if let Some(a) = &self.amendment {
            let title = format!("{} — รายการที่เปลี่ยนแปลง", thai::LABEL_AMENDED);
            ws.write_string_with_format(r, 0, &title, &f.bold)?;
            r += 1;
            write_header(ws, r, f)?;
            r += 1;
            for (i, d) in a.rows.iter().enumerate() {
                ws.write_number_with_format(r, 0, (i + 1) as f64, &f.no)?;
                ws.write_string_with_format(r, 1, &d.content, &f.content)?;
                for (c, n) in (2u16..).zip(d.delta.values()) {
                    ws.write_number_with_format(r, c, n as f64, &f.delta)?;
                }
                ws.set_row_height(r, content_height(&d.content))?;
                r += 1;
            }
            ws.merge_range(r, 0, r, 1, thai::LABEL_TOTAL, &f.total_label)?;
            for (c, n) in (2u16..).zip(a.totals.values()) {
                ws.write_number_with_format(r, c, n as f64, &f.delta)?;
            }
            r += 2;
        }

        // Signature block on the right, as on the paper form.
        for s in thai::signature_lines(&self.signature, digits) {
            ws.merge_range(r, 4, r, last, &s, &f.line)?;
            r += 1;
        }

        let notes = notes(self, digits);
        if !notes.is_empty() {
            r += 1;
            for (label, text) in notes {
                ws.write_string_with_format(r, 0, format!("{label}: {text}"), &f.text)?;
                r += 1;
            }
        }
        Ok(())
    }

    fn breakdown_sheet(&self, ws: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        let headings = [
            "message_id",
            thai::HEADING_CONTENT,
            "surface",
            "kind",
            "Documents and Application",
        ];
        for (col, w) in (0u16..).zip([22.0, CONTENT_WIDTH, 12.0, 24.0, 15.0]) {
            ws.set_column_width(col, w)?;
        }
        for (c, h) in (0u16..).zip(headings) {
            ws.write_string_with_format(0, c, h, &f.header)?;
        }
        let mut r = 1u32;
        let mut total = 0u64;
        for e in &self.breakdown {
            let content = self
                .rows
                .iter()
                .find(|row| row.message_id == e.message_id)
                .map_or(e.message_id.as_str(), |row| row.content.as_str());
            ws.write_string_with_format(r, 0, &e.message_id, &f.content)?;
            ws.write_string_with_format(r, 1, content, &f.content)?;
            let surface = e.surface.map_or(super::MANUAL_KIND, |s| s.as_str());
            ws.write_string_with_format(r, 2, surface, &f.content)?;
            ws.write_string_with_format(r, 3, &e.kind, &f.content)?;
            ws.write_number_with_format(r, 4, e.count as f64, &f.count)?;
            ws.set_row_height(r, content_height(content))?;
            total = total.saturating_add(e.count);
            r += 1;
        }
        ws.merge_range(r, 0, r, 3, thai::LABEL_TOTAL, &f.total_label)?;
        ws.write_number_with_format(r, 4, total as f64, &f.total)?;
        Ok(())
    }
}

fn write_header(ws: &mut Worksheet, r: u32, f: &Formats) -> Result<(), XlsxError> {
    for (c, h) in (0u16..).zip(thai::column_headings()) {
        ws.write_string_with_format(r, c, h, &f.header)?;
    }
    ws.set_row_height(r, LINE_HEIGHT * 2.0 + 4.0)?;
    Ok(())
}

/// Row height (points) for wrapped content: display columns (Thai marks are
/// zero-width) over the columns per line, at least one line.
fn content_height(text: &str) -> f64 {
    let cols = text.width() as f64;
    let lines = (cols / CONTENT_COLUMNS_PER_LINE).ceil().max(1.0);
    lines * LINE_HEIGHT + 4.0
}
