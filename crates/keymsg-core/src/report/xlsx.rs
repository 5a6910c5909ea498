//! XLSX laid out like the paper form (what offices hand in), sized so that
//! it prints whole.
//!
//! Sheet `report`: the title merged across the eight columns, the agency and
//! month lines, the header row (repeated on every page), one row per content
//! item, the totals row (`SUM` formulas, with their values cached so a
//! program that does not recalculate still shows them), the amendment table
//! if any, the signature block on the right, then notes. Sheet `breakdown`:
//! the Documents and Application counts by message, surface and kind.
//!
//! Printing: A4 landscape, one page wide, page numbers in the footer. No
//! spreadsheet program sizes rows to wrapped text when it opens a file, so
//! every row height and column width is computed here
//! ([`super::xlsx_measure`]) for the widest font the form may print in:
//! every header word fits its column, every count its cell, and each row is
//! as tall as its wrapped lines.
//!
//! Font: every cell names "TH Sarabun New" (16 pt; headers 12 pt bold), the
//! cabinet-resolution font of Thai government documents. An XLSX cell holds
//! one font name, so the fallbacks — Sarabun, then Loma or Garuda from
//! Debian's `fonts-thai-tlwg`, then the system sans-serif — are the
//! spreadsheet program's font substitution; the sizes above allow for them.

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError};

use super::notes::{amendment_heading, notes};
use super::thai::{self, Digits};
use super::xlsx_measure::{CELL_PADDING_PT, Face, column_pixels, text_room};
use super::{Report, ReportError};

/// The font named in every cell.
pub(crate) const FONT_NAME: &str = "TH Sarabun New";
/// Its size in points.
pub(crate) const FONT_SIZE: f64 = 16.0;
/// Size of the column headings (points): the English channel names are
/// long single words that must each fit their column.
const HEADER_SIZE: f64 = 12.0;

const BODY: Face = Face::regular(FONT_SIZE);
const BOLD: Face = Face::bold(FONT_SIZE);
const HEADER: Face = Face::bold(HEADER_SIZE);

/// A4 landscape is 842 pt wide; margins of 0.3 inch leave this for the
/// columns (a little less, for pixel rounding).
const PRINT_WIDTH_PT: f64 = 795.0;
/// Left and right page margins (inches).
const SIDE_MARGIN_IN: f64 = 0.3;
/// The content column never gets narrower than this (points); if the count
/// columns leave less, fit-to-width printing shrinks the page instead.
const MIN_CONTENT_PT: f64 = 240.0;
/// Narrowest count column (points).
const MIN_COUNT_PT: f64 = 44.0;
/// Height of the spacer rows (points).
const GAP_PT: f64 = 8.0;
/// The page footer: page n of N.
const FOOTER: &str = "&Cหน้า &P / &N";

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
            line: base
                .clone()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            header: boxed
                .clone()
                .set_bold()
                .set_font_size(HEADER_SIZE)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            no: boxed.clone().set_align(FormatAlign::Center),
            content: boxed.clone().set_text_wrap(),
            count: boxed.clone().set_num_format("#,##0"),
            delta: boxed.clone().set_num_format("+#,##0;-#,##0;0"),
            total_label: boxed
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            total: boxed
                .set_bold()
                .set_num_format("#,##0")
                .set_align(FormatAlign::VerticalCenter),
            text: base.clone().set_text_wrap().set_align(FormatAlign::Top),
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
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
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

    /// Column widths (points) of the form: each count column as wide as its
    /// longest heading word and its widest number, the number column as
    /// its heading, the content column the rest of the page.
    fn form_widths(&self) -> [f64; 8] {
        let headings = thai::column_headings();
        let word = |h: &str| {
            h.split_whitespace()
                .map(|w| HEADER.width(w))
                .fold(0.0, f64::max)
        };
        let mut widths = [0.0f64; 8];
        let n = self.rows.len().max(1);
        widths[0] = word(headings[0]).max(BODY.width(&n.to_string())) + CELL_PADDING_PT;
        let deltas = self.amendment.as_ref();
        for (i, w) in widths.iter_mut().enumerate().skip(2) {
            let c = i - 2;
            let heading = headings.get(i).map_or(0.0, |h| word(h));
            let mut need = heading.max(BOLD.width(&thai::number(
                self.totals.counts().get(c).copied().unwrap_or(0),
                Digits::Arabic,
            )));
            for row in &self.rows {
                let v = row.counts().get(c).copied().unwrap_or(0);
                need = need.max(BODY.width(&thai::number(v, Digits::Arabic)));
            }
            if let Some(a) = deltas {
                for d in a
                    .rows
                    .iter()
                    .map(|r| r.delta.values())
                    .chain([a.totals.values()])
                {
                    let v = d.get(c).copied().unwrap_or(0);
                    need = need.max(BODY.width(&thai::signed(v, Digits::Arabic)));
                }
            }
            *w = (need + CELL_PADDING_PT).max(MIN_COUNT_PT);
        }
        let others: f64 = widths.iter().sum();
        widths[1] = (PRINT_WIDTH_PT - others).max(MIN_CONTENT_PT);
        widths
    }

    fn form_sheet(&self, ws: &mut Worksheet, f: &Formats, digits: Digits) -> Result<(), XlsxError> {
        let widths = self.form_widths();
        for (col, w) in (0u16..).zip(widths) {
            ws.set_column_width_pixels(col, column_pixels(w))?;
        }
        let full: f64 = widths.iter().sum();
        print_setup(ws);

        let last = 7u16;
        let mut r: u32 = 0;
        // A merged line across the form, as tall as its wrapped text.
        let merged_line = |ws: &mut Worksheet,
                           r: u32,
                           text: &str,
                           format: &Format,
                           face: Face|
         -> Result<(), XlsxError> {
            let lines = face.wrap(text, text_room(full));
            ws.merge_range(r, 0, r, last, &lines.join("\n"), format)?;
            ws.set_row_height(r, face.row_height(lines.len()))?;
            Ok(())
        };
        merged_line(ws, r, thai::FORM_TITLE, &f.title, BOLD)?;
        r += 1;
        let agency = format!("{} {}", thai::LABEL_AGENCY, self.agency);
        merged_line(ws, r, &agency, &f.line, BODY)?;
        r += 1;
        merged_line(
            ws,
            r,
            &thai::month_heading(self.month, digits),
            &f.line,
            BODY,
        )?;
        r += 1;
        if let Some(h) = amendment_heading(self, digits) {
            merged_line(ws, r, &h, &f.title, BOLD)?;
            r += 1;
        }
        ws.set_row_height(r, GAP_PT)?;
        r += 1;

        let header_row = r;
        write_header(ws, r, f, &widths)?;
        ws.set_repeat_rows(header_row, header_row)?;
        r += 1;
        let first = r;
        for (i, row) in self.rows.iter().enumerate() {
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.no)?;
            let lines = BODY.wrap(&row.content, text_room(widths[1]));
            ws.write_string_with_format(r, 1, lines.join("\n"), &f.content)?;
            for (c, n) in (2u16..).zip(row.counts()) {
                ws.write_number_with_format(r, c, n as f64, &f.count)?;
            }
            ws.set_row_height(r, BODY.row_height(lines.len()))?;
            r += 1;
        }
        self.totals_row(ws, f, r, first)?;
        r += 1;
        ws.set_row_height(r, GAP_PT * 2.0)?;
        r += 1;

        if let Some(a) = &self.amendment {
            let title = format!("{} — รายการที่เปลี่ยนแปลง", thai::LABEL_AMENDED);
            let lines = BOLD.wrap(&title, text_room(full));
            ws.merge_range(r, 0, r, last, &lines.join("\n"), &f.bold)?;
            ws.set_row_height(r, BOLD.row_height(lines.len()))?;
            r += 1;
            write_header(ws, r, f, &widths)?;
            r += 1;
            for (i, d) in a.rows.iter().enumerate() {
                ws.write_number_with_format(r, 0, (i + 1) as f64, &f.no)?;
                let lines = BODY.wrap(&d.content, text_room(widths[1]));
                ws.write_string_with_format(r, 1, lines.join("\n"), &f.content)?;
                for (c, n) in (2u16..).zip(d.delta.values()) {
                    ws.write_number_with_format(r, c, n as f64, &f.delta)?;
                }
                ws.set_row_height(r, BODY.row_height(lines.len()))?;
                r += 1;
            }
            ws.merge_range(r, 0, r, 1, thai::LABEL_TOTAL, &f.total_label)?;
            for (c, n) in (2u16..).zip(a.totals.values()) {
                ws.write_number_with_format(r, c, n as f64, &f.delta)?;
            }
            ws.set_row_height(r, BOLD.row_height(1))?;
            r += 2;
        }

        // Signature block on the right, as on the paper form: as many of the
        // right-hand columns as its longest line needs.
        let lines = thai::signature_lines(&self.signature, digits);
        let longest = lines.iter().map(|s| BODY.width(s)).fold(0.0, f64::max);
        let mut from = 4usize;
        while from > 1 && text_room(widths.iter().skip(from).sum()) < longest {
            from -= 1;
        }
        let room = text_room(widths.iter().skip(from).sum());
        let from_col = u16::try_from(from).unwrap_or(4);
        for s in lines {
            let wrapped = BODY.wrap(&s, room);
            ws.merge_range(r, from_col, r, last, &wrapped.join("\n"), &f.line)?;
            ws.set_row_height(r, BODY.row_height(wrapped.len()))?;
            r += 1;
        }

        let notes = notes(self, digits);
        if !notes.is_empty() {
            ws.set_row_height(r, GAP_PT)?;
            r += 1;
            for (label, text) in notes {
                let lines = BODY.wrap(&format!("{label}: {text}"), text_room(full));
                ws.merge_range(r, 0, r, last, &lines.join("\n"), &f.text)?;
                ws.set_row_height(r, BODY.row_height(lines.len()))?;
                r += 1;
            }
        }
        Ok(())
    }

    /// The totals row: `SUM` over the rows above (so a corrected cell adds
    /// up), each with its value cached for programs that do not recalculate.
    fn totals_row(
        &self,
        ws: &mut Worksheet,
        f: &Formats,
        r: u32,
        first: u32,
    ) -> Result<(), XlsxError> {
        ws.merge_range(r, 0, r, 1, thai::LABEL_TOTAL, &f.total_label)?;
        for ((c, letter), n) in (2u16..).zip('C'..='H').zip(self.totals.counts()) {
            if self.rows.is_empty() {
                ws.write_number_with_format(r, c, 0.0, &f.total)?;
                continue;
            }
            // Rows are 1-based in formulas.
            let formula = Formula::new(format!("=SUM({letter}{}:{letter}{r})", first + 1))
                .set_result(n.to_string());
            ws.write_formula_with_format(r, c, formula, &f.total)?;
        }
        ws.set_row_height(r, BOLD.row_height(1))?;
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
        let word = |h: &str| {
            h.split_whitespace()
                .map(|w| HEADER.width(w))
                .fold(0.0, f64::max)
        };
        let mut widths = [150.0, 0.0, 0.0, 0.0, 0.0];
        let total: u64 = self
            .breakdown
            .iter()
            .fold(0u64, |t, e| t.saturating_add(e.count));
        for (i, w) in widths.iter_mut().enumerate().skip(2) {
            let mut need = headings.get(i).map_or(0.0, |h| word(h));
            for e in &self.breakdown {
                let cell = match i {
                    2 => e
                        .surface
                        .map_or(super::MANUAL_KIND, |s| s.as_str())
                        .to_owned(),
                    3 => e.kind.clone(),
                    _ => thai::number(e.count, Digits::Arabic),
                };
                // Kinds may be long: they wrap at 160 pt.
                need = need.max(BODY.width(&cell).min(160.0));
            }
            if i == 4 {
                need = need.max(BOLD.width(&thai::number(total, Digits::Arabic)));
            }
            *w = (need + CELL_PADDING_PT).max(MIN_COUNT_PT);
        }
        let others: f64 = widths.iter().sum();
        widths[1] = (PRINT_WIDTH_PT - others).max(MIN_CONTENT_PT);
        for (col, w) in (0u16..).zip(widths) {
            ws.set_column_width_pixels(col, column_pixels(w))?;
        }
        print_setup(ws);
        let mut header_lines = 1;
        for ((c, h), w) in (0u16..).zip(headings).zip(widths) {
            let lines = HEADER.wrap(h, text_room(w));
            ws.write_string_with_format(0, c, lines.join("\n"), &f.header)?;
            header_lines = header_lines.max(lines.len());
        }
        ws.set_row_height(0, HEADER.row_height(header_lines))?;
        ws.set_repeat_rows(0, 0)?;
        let mut r = 1u32;
        for e in &self.breakdown {
            let content = self
                .rows
                .iter()
                .find(|row| row.message_id == e.message_id)
                .map_or(e.message_id.as_str(), |row| row.content.as_str());
            let surface = e.surface.map_or(super::MANUAL_KIND, |s| s.as_str());
            let mut lines = 1;
            for (c, (text, w)) in (0u16..).zip([
                (e.message_id.as_str(), widths[0]),
                (content, widths[1]),
                (surface, widths[2]),
                (e.kind.as_str(), widths[3]),
            ]) {
                let wrapped = BODY.wrap(text, text_room(w));
                ws.write_string_with_format(r, c, wrapped.join("\n"), &f.content)?;
                lines = lines.max(wrapped.len());
            }
            ws.write_number_with_format(r, 4, e.count as f64, &f.count)?;
            ws.set_row_height(r, BODY.row_height(lines))?;
            r += 1;
        }
        ws.merge_range(r, 0, r, 3, thai::LABEL_TOTAL, &f.total_label)?;
        if self.breakdown.is_empty() {
            ws.write_number_with_format(r, 4, 0.0, &f.total)?;
        } else {
            let formula = Formula::new(format!("=SUM(E2:E{r})")).set_result(total.to_string());
            ws.write_formula_with_format(r, 4, formula, &f.total)?;
        }
        ws.set_row_height(r, BOLD.row_height(1))?;
        Ok(())
    }
}

/// A4 landscape, one page wide, centred, page numbers in the footer.
fn print_setup(ws: &mut Worksheet) {
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_margins(SIDE_MARGIN_IN, SIDE_MARGIN_IN, 0.4, 0.5, 0.2, 0.25);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer(FOOTER);
}

/// The column headings, each wrapped in its column at word boundaries; the
/// row as tall as the heading with the most lines.
fn write_header(
    ws: &mut Worksheet,
    r: u32,
    f: &Formats,
    widths: &[f64; 8],
) -> Result<(), XlsxError> {
    let mut lines = 1;
    for ((c, h), w) in (0u16..).zip(thai::column_headings()).zip(widths) {
        let wrapped = HEADER.wrap(h, text_room(*w));
        ws.write_string_with_format(r, c, wrapped.join("\n"), &f.header)?;
        lines = lines.max(wrapped.len());
    }
    ws.set_row_height(r, HEADER.row_height(lines))?;
    Ok(())
}
