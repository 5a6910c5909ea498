//! Layout edge cases: width 0 and 1, the empty string, a 1 MB text and a
//! URL wider than the line give a documented result or a clear error — never
//! a panic or a hang.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use keymsg_core::layout::{LayoutError, WrapOptions, truncate, width, wrap};
use unicode_normalization::char::is_combining_mark;

#[test]
fn width_zero_is_a_clear_error() {
    assert!(matches!(
        wrap("โทร 1441", &WrapOptions::new(0)),
        Err(LayoutError::WidthTooSmall(0))
    ));
}

#[test]
fn width_one_overflows_whole_clusters_and_keeps_thai_rules() {
    let lines = wrap("น้ำเป็นสิ่งจำเป็น เด็กๆ", &WrapOptions::new(1)).unwrap();
    assert_eq!(lines.concat(), "น้ำเป็นสิ่งจำเป็นเด็กๆ");
    for l in &lines {
        let first = l.chars().next().unwrap();
        let last = l.chars().next_back().unwrap();
        assert!(!"เแโใไ".contains(last), "{lines:?}");
        assert!(
            !("ะาำๅๆ".contains(first) || is_combining_mark(first)),
            "{lines:?}"
        );
    }
    // Each line is one Thai character cluster: wider than 1 only when the
    // cluster itself is (น้ำ, เป็น).
    assert!(lines.contains(&"เป็น".to_owned()), "{lines:?}");
}

#[test]
fn empty_text_is_one_empty_line() {
    assert_eq!(
        wrap("", &WrapOptions::new(32)).unwrap(),
        vec![String::new()]
    );
    assert_eq!(truncate("", 32, "…").unwrap(), "");
    assert_eq!(width(""), 0);
}

#[test]
fn one_megabyte_of_thai_wraps_completely() {
    let sentence = "ถูกหลอกโอนเงิน โทรแจ้งธนาคารทันที แล้วโทร 1441 ";
    let big = sentence.repeat(1_000_000 / sentence.len() + 1);
    assert!(big.len() > 1_000_000);
    let lines = wrap(&big, &WrapOptions::new(32)).unwrap();
    assert!(lines.iter().all(|l| width(l) <= 32));
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(squeeze(&lines.concat()), squeeze(&big));
}

#[test]
fn a_url_wider_than_the_line() {
    let url = format!("https://thaipoliceonline.go.th/{}", "a".repeat(169));
    assert_eq!(width(&url), 200);
    // Wrapping: a unit wider than the line is split at grapheme boundaries
    // (the only way to print it at all); nothing is lost.
    let lines = wrap(&url, &WrapOptions::new(32)).unwrap();
    assert!(lines.iter().all(|l| width(l) <= 32));
    assert_eq!(lines.concat(), url);
    // Truncating: a protected span is kept whole or dropped whole, never cut.
    assert_eq!(truncate(&url, 32, "…").unwrap(), "…");
    let text = format!("แจ้งความที่ {url}");
    assert_eq!(truncate(&text, 32, "…").unwrap(), "แจ้งความที่…");
}
