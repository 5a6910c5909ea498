//! Display width and the other budgets text is measured in.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

use super::LayoutError;

/// The widest line keymsg pads or prints, in columns: wider than any printer
/// or screen, and small enough that padding a line to it stays cheap.
/// Profiles, width overrides, aligned `wrap` and `frame` refuse more; a
/// left-aligned `wrap` and `truncate` take any width (nothing is padded).
pub const MAX_WIDTH: usize = 1000;

/// Refuse a width over [`MAX_WIDTH`] where lines are padded to it: a width
/// of 2^63 would ask for that many spaces.
pub(crate) fn check_width(width: usize) -> Result<(), LayoutError> {
    if width > MAX_WIDTH {
        return Err(LayoutError::WidthTooLarge {
            width,
            max: MAX_WIDTH,
        });
    }
    Ok(())
}

/// Display columns of `text`: the sum of each code point's East Asian width.
///
/// Combining marks (Thai vowels above/below, tone marks) count 0, SARA AM ำ
/// counts 1, wide CJK and emoji count 2, control characters count 0. This is
/// what a thermal printer or terminal advances by; bytes, chars and graphemes
/// are not columns (น้ำ is 9 bytes, 3 chars, 1 grapheme... and 2 columns).
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Display columns of one code point (controls count 0).
pub(crate) fn char_width(c: char) -> usize {
    // Fast path for receipt text: printable ASCII is one column; in the Thai
    // block the combining vowels and marks are zero, everything else one
    // (a test checks this against `unicode-width` for both ranges).
    match c {
        ' '..='~' => 1,
        '\u{0E00}'..='\u{0E7F}' => thai_block_width(c),
        _ => c.width().unwrap_or(0),
    }
}

/// [`char_width`] of a character of the Thai block: the combining vowels
/// and marks are zero columns, everything else one.
pub(crate) const fn thai_block_width(c: char) -> usize {
    match c {
        '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' => 0,
        _ => 1,
    }
}

/// Number of extended grapheme clusters (user-perceived characters).
pub(crate) fn graphemes(text: &str) -> usize {
    text.graphemes(true).count()
}

/// UTF-16 code units in one SMS segment when the message is a single segment.
pub(crate) const SMS_UCS2_SINGLE: usize = 70;
/// UTF-16 code units per segment of a concatenated (multi-part) SMS.
pub(crate) const SMS_UCS2_CONCATENATED: usize = 67;

/// SMS segments needed to send `text`.
///
/// keymsg always counts UCS-2 (70 code units in a single segment, 67 per
/// segment once concatenated), also for pure-ASCII text: GSM-7 packing is out
/// of scope, and UCS-2 is an upper bound — a gateway that packs ASCII into
/// GSM-7 can only need the same number of segments or fewer. Empty text needs 0.
pub(crate) fn sms_segments_for_units(units: usize) -> usize {
    if units == 0 {
        0
    } else if units <= SMS_UCS2_SINGLE {
        1
    } else {
        units.div_ceil(SMS_UCS2_CONCATENATED)
    }
}

/// Every budget a text can be measured in, at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Measure {
    /// Display columns (see [`width`]): receipts, billboards.
    pub columns: usize,
    /// Extended grapheme clusters: pop-up title/body limits.
    pub graphemes: usize,
    /// UTF-16 code units: pop-up limits of Java/Kotlin/Swift/JS front ends, SMS.
    pub utf16_units: usize,
    /// UTF-8 bytes: push payloads.
    pub utf8_bytes: usize,
    /// SMS segments, counted as UCS-2 (see [`Measure::of`]).
    pub sms_segments: usize,
}

impl Measure {
    /// Measure `text` as given (no normalisation: callers measure what they send).
    ///
    /// `sms_segments` always assumes UCS-2 — 70 UTF-16 units for one segment,
    /// 67 per segment when concatenated — even for pure-ASCII text, where a
    /// GSM-7 gateway might need fewer: keymsg never promises a message fits in
    /// fewer segments than it will actually take.
    pub fn of(text: &str) -> Measure {
        let utf16_units = text.encode_utf16().count();
        Measure {
            columns: width(text),
            graphemes: graphemes(text),
            utf16_units,
            utf8_bytes: text.len(),
            sms_segments: sms_segments_for_units(utf16_units),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn char_width_fast_path_agrees_with_unicode_width() {
        for c in ('\0'..='\u{7F}').chain('\u{0E00}'..='\u{0E7F}') {
            if !c.is_control() {
                assert_eq!(super::char_width(c), c.width().unwrap_or(0), "{c:?}");
            }
        }
    }

    use super::*;

    #[test]
    fn thai_width_counts_base_letters_and_sara_am_only() {
        assert_eq!(width(""), 0);
        assert_eq!(width("กข"), 2);
        // น ้ ำ: tone mark 0, SARA AM 1.
        assert_eq!(width("น้ำ"), 2);
        // ป ั ๊ ม: two stacked marks count 0.
        assert_eq!(width("ปั๊ม"), 2);
        assert_eq!(width("กี่"), 1);
        assert_eq!(width("เจ้าหน้าที่"), 7);
        assert_eq!(width("ที่ทำงาน"), 6);
        assert_eq!(width("abc 123"), 7);
    }

    #[test]
    fn wide_and_emoji_count_two_controls_zero() {
        assert_eq!(width("日本"), 4);
        assert_eq!(width("😀"), 2);
        assert_eq!(width("a\u{200B}b\u{2060}c"), 3);
        assert_eq!(width("\u{7}"), 0);
    }

    #[test]
    fn measure_reports_every_unit() {
        let m = Measure::of("น้ำ😀");
        assert_eq!(m.columns, 4);
        assert_eq!(m.graphemes, 2);
        assert_eq!(m.utf16_units, 3 + 2);
        assert_eq!(m.utf8_bytes, 9 + 4);
        assert_eq!(m.sms_segments, 1);
    }

    #[test]
    fn sms_segments_follow_ucs2_limits() {
        assert_eq!(Measure::of("").sms_segments, 0);
        assert_eq!(Measure::of(&"ก".repeat(70)).sms_segments, 1);
        assert_eq!(Measure::of(&"ก".repeat(71)).sms_segments, 2);
        assert_eq!(Measure::of(&"ก".repeat(134)).sms_segments, 2);
        assert_eq!(Measure::of(&"ก".repeat(135)).sms_segments, 3);
        // Pure ASCII is still counted as UCS-2 (documented upper bound).
        assert_eq!(Measure::of(&"a".repeat(71)).sms_segments, 2);
    }
}
