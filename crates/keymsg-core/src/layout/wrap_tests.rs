use super::*;

fn w(text: &str, width: usize) -> Vec<String> {
    wrap(text, &WrapOptions::new(width)).unwrap()
}

#[test]
fn short_text_is_one_line() {
    assert_eq!(w("โทร 1441", 32), ["โทร 1441"]);
    assert_eq!(w("", 32), [""]);
}

#[test]
fn latin_wraps_at_spaces_and_drops_them() {
    assert_eq!(
        w("never share your OTP code", 10),
        ["never", "share your", "OTP code"]
    );
}

#[test]
fn thai_wraps_at_words_not_inside() {
    let lines = w("เจ้าหน้าที่ธนาคารไม่โทรขอรหัสผ่าน", 12);
    for l in &lines {
        assert!(width(l) <= 12, "{lines:?}");
    }
    assert_eq!(lines.concat(), "เจ้าหน้าที่ธนาคารไม่โทรขอรหัสผ่าน");
    assert!(lines[0].starts_with("เจ้าหน้าที่"), "{lines:?}");
}

#[test]
fn hard_breaks_and_empty_paragraphs() {
    assert_eq!(w("ก\n\nข\r\nค", 10), ["ก", "", "ข", "ค"]);
}

#[test]
fn overlong_word_splits_at_clusters() {
    let lines = w("เจ้าหน้าที่", 3);
    assert_eq!(lines, ["เจ้า", "หน้า", "ที่"]);
    // A grapheme wider than the line stands alone.
    assert_eq!(w("😀😀", 1), ["😀", "😀"]);
}

#[test]
fn overlong_entry_splits_at_its_words_then_syllables() {
    // Single word list entries wider than the line: cut between their
    // component words, never at the last cluster that fits.
    assert_eq!(w("ธนาคารแห่งประเทศไทย", 14), ["ธนาคารแห่ง", "ประเทศไทย"]);
    assert_eq!(w("กระทรวงมหาดไทย", 10), ["กระทรวง", "มหาดไทย"]);
    assert_eq!(w("การไฟฟ้าส่วนภูมิภาค", 12), ["การไฟฟ้า", "ส่วนภูมิภาค"]);
    // A word wider than the line, without parts in the list: syllables.
    for l in w("กระทรวงมหาดไทย", 4) {
        assert!(["กระ", "ทรวง", "มหาด", "ไทย"].contains(&l.as_str()), "{l}");
    }
}

#[test]
fn long_hosts_break_after_punctuation_only() {
    assert_eq!(
        w("ตรวจข่าวปลอมที่ antifakenewscenter.com", 20),
        ["ตรวจข่าวปลอมที่", "antifakenewscenter.", "com"]
    );
    assert_eq!(
        w("https://www.thaipoliceonline.go.th/report?id=1", 24),
        ["https://www.", "thaipoliceonline.go.th/", "report?id=1"]
    );
}

#[test]
fn max_lines_truncates_last_line_with_ellipsis() {
    let opts = WrapOptions::new(10).max_lines(Some(2));
    let lines = wrap("never share your OTP code", &opts).unwrap();
    assert_eq!(lines, ["never", "share…"]);
    let opts = WrapOptions::new(12).max_lines(Some(1));
    let lines = wrap("ab\ncd", &opts).unwrap();
    assert_eq!(lines, ["ab…"]);
    assert!(wrap("x", &WrapOptions::new(5).max_lines(Some(0))).is_err());
}

#[test]
fn alignment_pads_by_display_width() {
    let opts = WrapOptions::new(8).align(Align::Right);
    assert_eq!(wrap("น้ำ", &opts).unwrap(), ["      น้ำ"]);
    let opts = WrapOptions::new(8).align(Align::Center);
    assert_eq!(wrap("น้ำ", &opts).unwrap(), ["   น้ำ"]);
}

#[test]
fn frame_draws_rules_and_header() {
    let f = frame(&["ก".to_owned()], 6, Some("หัว"), '-').unwrap();
    assert_eq!(f, ["------", "  หัว", "------", "ก", "------"]);
    assert!(frame(&[], 0, None, '-').is_err());
    assert!(frame(&[], 4, None, '\u{0E48}').is_err());
    assert_eq!(frame(&[], 5, None, '=').unwrap(), ["=====", "====="]);
}

#[test]
fn zero_width_is_an_error() {
    assert_eq!(w("a", 1), ["a"]);
    assert_eq!(
        wrap("a", &WrapOptions::new(0)).unwrap_err(),
        LayoutError::WidthTooSmall(0)
    );
}

/// A width over `MAX_WIDTH` is refused where lines are padded to it: 2^64 - 1
/// spaces would abort. Nothing padded, any width works.
#[test]
fn widths_over_the_limit_are_refused_where_lines_are_padded() {
    use crate::layout::{MAX_WIDTH, TruncateOptions, truncate::truncate_with};
    for width in [MAX_WIDTH + 1, 10_000_000_000_000, usize::MAX] {
        for align in [Align::Center, Align::Right] {
            let opts = WrapOptions::new(width).align(align);
            assert_eq!(
                wrap("กขค", &opts),
                Err(LayoutError::WidthTooLarge {
                    width,
                    max: MAX_WIDTH
                })
            );
        }
        assert_eq!(wrap("กขค", &WrapOptions::new(width)).unwrap(), ["กขค"]);
        assert_eq!(
            truncate_with("กขค", &TruncateOptions::new(width)).unwrap(),
            "กขค"
        );
        assert!(super::frame(&[], width, None, '-').is_err());
    }
    let right = wrap("กขค", &WrapOptions::new(MAX_WIDTH).align(Align::Right)).unwrap();
    assert_eq!(super::width(&right[0]), MAX_WIDTH);
}
