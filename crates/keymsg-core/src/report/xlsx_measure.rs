//! How much room text takes on the printed form, so that column widths and
//! row heights can be set before a spreadsheet program ever sees the file:
//! neither Excel nor LibreOffice sizes a row to wrapped text on opening a
//! workbook, and a merged cell is never sized at all.
//!
//! The form names TH Sarabun New; an office without it prints with whatever
//! its system substitutes (Sarabun, Loma or Garuda from Debian's
//! `fonts-thai-tlwg` for Thai, DejaVu Sans for Latin). Every estimate here
//! is the largest of those fonts, so text fits in any of them, with room to
//! spare in the narrower ones.

use crate::layout::{break_opportunities, glue_breaks};

/// Advance widths in hundredths of an em of U+0020..=U+007E: for each
/// character the widest of Loma, Garuda, Laksaman (the Debian font derived
/// from TH Sarabun PSK) and DejaVu Sans. Measured from the fonts' `hmtx`
/// tables (Debian fonts-tlwg 0.7.3, fonts-dejavu 2.37).
const ASCII_REGULAR: [u8; 95] = [
    34, 41, 46, 84, 64, 96, 78, 28, 40, 40, 50, 84, 32, 37, 32, 41, //
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34, 34, 84, 84, 84, 56, //
    102, 69, 69, 73, 78, 67, 62, 78, 76, 32, 50, 67, 56, 87, 75, 79, //
    67, 82, 73, 67, 62, 74, 69, 99, 69, 67, 69, 40, 40, 40, 84, 56, //
    50, 62, 64, 55, 64, 62, 36, 64, 64, 28, 28, 58, 30, 98, 64, 62, //
    64, 64, 42, 53, 40, 64, 60, 82, 60, 60, 53, 64, 34, 64, 84,
];

/// As [`ASCII_REGULAR`], of the bold faces.
const ASCII_BOLD: [u8; 95] = [
    35, 46, 53, 84, 70, 104, 88, 31, 46, 46, 60, 84, 38, 46, 38, 60, //
    70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 40, 40, 84, 84, 84, 59, //
    102, 78, 77, 74, 84, 69, 69, 83, 84, 38, 50, 78, 64, 100, 84, 86, //
    74, 86, 78, 73, 69, 82, 78, 111, 78, 73, 73, 46, 42, 46, 84, 57, //
    50, 68, 72, 60, 72, 68, 44, 72, 72, 35, 35, 67, 35, 105, 72, 69, //
    72, 72, 50, 60, 48, 72, 66, 93, 65, 66, 59, 72, 37, 72, 84,
];

/// Advance widths of U+0E01..=U+0E5B, hundredths of an em: the widest of
/// Loma, Garuda and Laksaman. Vowels and tone marks written above or below
/// take no room (0).
const THAI_REGULAR: [u8; 91] = [
    63, 69, 71, 67, 67, 77, 50, 59, 69, 68, 68, 86, 86, 68, 68, 56, //
    84, 91, 93, 65, 65, 63, 70, 62, 69, 65, 65, 64, 64, 70, 71, 72, //
    67, 63, 54, 61, 62, 67, 57, 64, 67, 62, 66, 71, 61, 62, 59, 54, //
    0, 57, 57, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 63, 35, //
    65, 54, 49, 51, 49, 60, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, //
    68, 68, 69, 76, 76, 68, 76, 78, 74, 79, 116,
];

/// As [`THAI_REGULAR`], of the bold faces.
const THAI_BOLD: [u8; 91] = [
    68, 69, 71, 71, 70, 77, 51, 61, 72, 68, 71, 89, 89, 68, 69, 62, //
    84, 93, 96, 71, 72, 67, 73, 65, 75, 72, 72, 68, 68, 76, 76, 68, //
    72, 66, 56, 68, 66, 69, 60, 70, 75, 66, 72, 76, 67, 66, 63, 54, //
    0, 57, 57, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 65, 36, //
    65, 54, 49, 56, 49, 68, 0, 0, 0, 0, 0, 0, 0, 0, 68, 70, //
    70, 70, 70, 76, 76, 70, 76, 78, 74, 80, 116,
];

/// Line pitch in ems. LibreOffice spaces the lines of a cell by the metrics
/// of the font it substitutes for the cell's font: measured 1.17 em where
/// DejaVu Sans stands in for TH Sarabun New (Loma drawing the Thai), 1.56
/// where Debian's fonts-thai-tlwg maps TH Sarabun to Laksaman; TH Sarabun
/// New itself is smaller.
const LINE_PITCH_EM: f64 = 1.62;

/// Room estimates are multiplied by this. The tables already hold each
/// character's widest advance over the fallback fonts and the form breaks
/// its lines itself, so a line measured to fit does fit; this covers the
/// odd kerning pair.
const SAFETY: f64 = 1.02;

/// Space a cell keeps between its border and its text, left plus right (pt).
pub(super) const CELL_PADDING_PT: f64 = 6.0;

/// Space kept above and below the lines of a row (pt).
const ROW_PADDING_PT: f64 = 4.0;

/// A font size and weight used on the form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Face {
    /// Size in points.
    pub(super) size: f64,
    /// Bold.
    pub(super) bold: bool,
}

impl Face {
    /// Regular text of `size` points.
    pub(super) const fn regular(size: f64) -> Face {
        Face { size, bold: false }
    }

    /// Bold text of `size` points.
    pub(super) const fn bold(size: f64) -> Face {
        Face { size, bold: true }
    }

    /// Advance of one character in ems (the widest fallback font's).
    fn em(self, c: char) -> f64 {
        let code = u32::from(c);
        let table = |t: &[u8], base: u32| {
            code.checked_sub(base)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| t.get(i))
                .map(|&h| f64::from(h) / 100.0)
        };
        let found = if self.bold {
            table(&ASCII_BOLD, 0x20).or_else(|| table(&THAI_BOLD, 0x0E01))
        } else {
            table(&ASCII_REGULAR, 0x20).or_else(|| table(&THAI_REGULAR, 0x0E01))
        };
        match found {
            Some(em) => em,
            // Zero-width hints and combining marks outside Thai take no room.
            None if matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
                || unicode_normalization::char::is_combining_mark(c) =>
            {
                0.0
            }
            // Anything else (…, “, other scripts): a full em.
            None => 1.0,
        }
    }

    /// Width of `text` on one line, in points, with the safety margin.
    pub(super) fn width(self, text: &str) -> f64 {
        text.chars().map(|c| self.em(c)).sum::<f64>() * self.size * SAFETY
    }

    /// Distance from one line to the next, in points.
    pub(super) fn pitch(self) -> f64 {
        self.size * LINE_PITCH_EM
    }

    /// Height of a row holding `lines` lines of this face, in points.
    pub(super) fn row_height(self, lines: usize) -> f64 {
        lines.max(1) as f64 * self.pitch() + ROW_PADDING_PT
    }

    /// `text` broken into lines that each fit `width` points: greedy
    /// filling at Thai-correct break opportunities (never inside a Thai
    /// word, never after a leading vowel), a hard break at every `\n`,
    /// spaces at a break dropped. A unit wider than the line (a long URL)
    /// is split between grapheme clusters.
    ///
    /// The form writes these lines into its cells itself, joined with
    /// `\n`: the spreadsheet's own line breaker then has nothing to do (it
    /// would break Thai inside words), and the row height is known exactly.
    pub(super) fn wrap(self, text: &str, width: f64) -> Vec<String> {
        let width = width.max(self.size);
        let mut out = Vec::new();
        for paragraph in text.split('\n') {
            let mut cuts = break_opportunities(paragraph);
            cuts.push(paragraph.len());
            // "ของ / ท่าน" reads as badly in a cell as on a receipt.
            glue_breaks(paragraph, &mut cuts, |pair| self.width(pair) <= width);
            let mut line = String::new();
            let mut start = 0usize;
            for end in cuts {
                let piece = paragraph.get(start..end).unwrap_or("");
                start = end;
                let mut joined = line.clone();
                joined.push_str(piece);
                if line.is_empty() || self.width(joined.trim_end()) <= width {
                    line = joined;
                } else {
                    out.push(line.trim_end().to_owned());
                    line = piece.trim_start().to_owned();
                }
                while self.width(line.trim_end()) > width {
                    let (head, tail) = self.split_to_fit(&line, width);
                    out.push(head);
                    line = tail;
                }
            }
            out.push(line.trim_end().to_owned());
        }
        out
    }

    /// The longest run of grapheme clusters of `text` that fits `width`
    /// (at least one), and the rest.
    fn split_to_fit(self, text: &str, width: f64) -> (String, String) {
        use unicode_segmentation::UnicodeSegmentation;
        let mut end = 0usize;
        for (i, g) in text.grapheme_indices(true) {
            let next = i + g.len();
            if end > 0 && self.width(text.get(..next).unwrap_or(text)) > width {
                break;
            }
            end = next;
        }
        let (head, tail) = text.split_at(end.min(text.len()));
        (head.to_owned(), tail.to_owned())
    }

    /// How many lines [`Face::wrap`] makes of `text`.
    #[cfg(test)]
    pub(super) fn lines(self, text: &str, width: f64) -> usize {
        self.wrap(text, width).len()
    }
}

/// Points to the pixel width Excel stores for a column (at the default
/// Calibri 11: 7 pixels a character plus 5 of padding; 0.75 pt a pixel).
/// Where the spreadsheet program's default font is wider, columns come out
/// wider and fit-to-width printing scales the page down, so the text still
/// fits: this is the narrowest case.
pub(super) fn column_pixels(points: f64) -> u32 {
    // A column is at most 255 characters wide (1790 pixels) in Excel.
    (points / 0.75).ceil().clamp(1.0, 1790.0) as u32
}

/// The points a column of [`column_pixels`]`(points)` gives text.
pub(super) fn text_room(points: f64) -> f64 {
    (points - CELL_PADDING_PT).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_marks_take_no_room_and_wide_letters_do() {
        let f = Face::regular(16.0);
        assert_eq!(f.width("น้ำ"), f.width("นำ"));
        assert!(f.width("ฒ") > f.width("ร"));
        assert!(Face::bold(16.0).width("Community") > f.width("Community"));
        assert!(f.width("…") >= 16.0);
        assert_eq!(f.width("\u{2060}"), 0.0);
    }

    #[test]
    fn lines_follow_width_and_hard_breaks() {
        let f = Face::regular(16.0);
        let text = "หากถูกหลอกให้โอนเงิน โปรดโทรแจ้งธนาคารของท่านทันที แล้วโทร 1441";
        let one = f.width(text) + 1.0;
        assert_eq!(f.lines(text, one), 1);
        assert_eq!(f.lines(text, one / 2.0), 2, "half as wide: two lines");
        assert!(f.lines(text, one / 4.0) >= 4);
        assert_eq!(f.lines("ก\nข\nค", 500.0), 3);
        assert_eq!(f.lines("", 100.0), 1);
        // A URL wider than the line is split, taking the lines it needs.
        let url = "thaipoliceonline.go.th";
        let half = f.width(url) / 2.0 + 1.0;
        let lines = f.wrap(url, half);
        assert!((2..=3).contains(&lines.len()), "{lines:?}");
        assert!(lines.iter().all(|l| f.width(l) <= half));
        assert_eq!(lines.concat(), url);
    }

    #[test]
    fn wrapped_lines_fit_rejoin_and_break_between_words() {
        let f = Face::regular(16.0);
        let text = "ไม่ขาย ไม่ให้เช่าซิมการ์ดหรือบัญชีธนาคาร มิจฉาชีพนำไปหลอกผู้อื่น แจ้งสายด่วน AOC 1441";
        for width in [60.0, 90.0, 150.0, 240.0, 400.0] {
            let lines = f.wrap(text, width);
            for l in &lines {
                assert!(f.width(l) <= width || l.chars().count() == 1, "{l}");
                assert!(!l.starts_with(' ') && !l.ends_with(' '));
            }
            let rejoined: String = lines.concat().split_whitespace().collect();
            let original: String = text.split_whitespace().collect();
            assert_eq!(rejoined, original, "nothing lost at {width}");
        }
        // Never inside ซิมการ์ด or บัญชี, whatever the width.
        for width in (120..400).step_by(7) {
            for l in f.wrap(text, f64::from(width)) {
                assert!(!l.ends_with("ซิ") && !l.starts_with("มการ์ด"), "{l}");
                assert!(!l.ends_with("บัญ") && !l.starts_with("ชี"), "{l}");
            }
        }
    }

    #[test]
    fn a_cell_never_ends_a_line_with_a_word_that_leans_on_the_next() {
        let f = Face::regular(16.0);
        let text = "หากถูกหลอกให้โอนเงิน โปรดโทรแจ้งธนาคารของท่านทันที แล้วโทร 1441 ตลอด 24 ชั่วโมง";
        let mut carried = 0;
        // From the width where both pairs fit on a line (a pair wider than
        // the cell keeps its break).
        let from = f.width("ของท่าน").max(f.width("ตลอด 24 ชั่วโมง")).ceil() as u32;
        for width in (from..400).step_by(3) {
            let lines = f.wrap(text, f64::from(width));
            for pair in lines.windows(2) {
                let [line, next] = pair else { continue };
                assert!(
                    !(line.ends_with("ของ") && next.starts_with("ท่าน")),
                    "ของ / ท่าน at {width} pt: {lines:?}"
                );
                assert!(
                    !(line.ends_with("ตลอด") && next.starts_with("24")),
                    "ตลอด / 24 at {width} pt: {lines:?}"
                );
                carried += usize::from(next.starts_with("ของท่าน"));
            }
        }
        assert!(carried > 0, "some width puts the break before ของท่าน");
    }

    #[test]
    fn rows_are_lines_times_pitch() {
        let f = Face::regular(16.0);
        assert!((f.pitch() - 25.92).abs() < 1e-9);
        assert!(f.row_height(3) > 3.0 * 25.92);
        assert_eq!(f.row_height(0), f.row_height(1));
        assert_eq!(column_pixels(75.0), 100);
        assert_eq!(column_pixels(1e9), 1790);
    }
}
