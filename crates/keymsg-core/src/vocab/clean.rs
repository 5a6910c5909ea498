//! The one rule for characters that may leave keymsg: every string that
//! reaches an output (stdout, stderr, CSV, Markdown, JSON, XLSX, a C string)
//! is text a person reads, never a terminal, printer or spreadsheet command.
//!
//! A character is *unsafe* when it is a C0 or C1 control (line feed
//! included), DEL, the Unicode line or paragraph separator, or a
//! bidirectional formatting control (it reorders what the reader sees, so
//! `1441` can show as `1144`). Names and free text from a caller are checked
//! with [`check_text`] when they come in; a value echoed in an error message
//! (a token, an id, a file name) goes through [`escape_controls`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must never reach an output as itself (see the module docs).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_bidi_control(c)
}

/// Bidirectional formatting controls: ALM, LRM, RLM, the embeddings and
/// overrides U+202A–U+202E and the isolates U+2066–U+2069.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first unsafe character of a value: its code point and char offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UnsafeChar {
    pub(crate) code: u32,
    pub(crate) offset: usize,
}

impl std::fmt::Display for UnsafeChar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "control character U+{:04X} at char offset {} (only printable text is accepted)",
            self.code, self.offset
        )
    }
}

/// `Err` with the first unsafe character of `value`, if any.
pub(crate) fn check_text(value: &str) -> Result<(), UnsafeChar> {
    match value.chars().enumerate().find(|&(_, c)| is_unsafe_char(c)) {
        Some((offset, c)) => Err(UnsafeChar {
            code: u32::from(c),
            offset,
        }),
        None => Ok(()),
    }
}

/// `text` with every unsafe character except line feed written as a visible
/// escape (`\u{1b}`), for messages that echo what a caller sent (a forged
/// token, a message id, a file name). Line feeds are kept: they separate the
/// lines of a multi-line message. Borrowed when nothing needed escaping.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe_char(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c != '\n' && is_unsafe_char(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_separators_are_unsafe() {
        for c in [
            '\0', '\u{7}', '\u{1b}', '\n', '\r', '\t', '\u{7f}', '\u{85}', '\u{9b}', '\u{2028}',
            '\u{2029}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{61c}',
        ] {
            assert!(is_unsafe_char(c), "{c:?}");
        }
        for c in ['a', 'ก', '่', ' ', '\u{200b}', '\u{2060}', '฿', '…'] {
            assert!(!is_unsafe_char(c), "{c:?}");
        }
    }

    #[test]
    fn check_names_the_first_unsafe_character() {
        assert_eq!(check_text("เทศบาล"), Ok(()));
        assert_eq!(
            check_text("ab\u{1b}]0;x\u{7}"),
            Err(UnsafeChar {
                code: 0x1b,
                offset: 2
            })
        );
        assert_eq!(
            check_text("ก\u{202e}1441").unwrap_err().to_string(),
            "control character U+202E at char offset 1 (only printable text is accepted)"
        );
    }

    #[test]
    fn escapes_are_visible_and_keep_line_feeds() {
        assert!(matches!(escape_controls("plain ไทย\n"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("t\u{1b}]0;pwn\u{7}\n\u{202e}x\u{9b}"),
            "t\\u{1b}]0;pwn\\u{7}\n\\u{202e}x\\u{9b}"
        );
        let escaped = escape_controls("\u{0}\u{85}\r\t");
        assert!(!escaped.chars().any(is_unsafe_char), "{escaped}");
    }
}
