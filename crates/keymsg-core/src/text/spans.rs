//! Protected spans: phone numbers, amounts, URLs and e-mail addresses.
//!
//! Layout never breaks inside a protected span and truncation keeps or drops a
//! span whole; catalog validation checks phone numbers and hosts against the
//! catalog's allow-lists.

use std::ops::Range;

/// What a protected span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// A phone number such as `1441`, `02-123-4567` or `๑๔๔๑`.
    Phone,
    /// An amount such as `฿5,000.00` or `5,000 บาท`'s number part.
    Amount,
    /// A URL or bare host such as `thaipoliceonline.go.th`.
    Url,
    /// An e-mail address.
    Email,
}

/// A protected span: a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the text (always on char boundaries).
    pub range: Range<usize>,
    /// What it holds.
    pub kind: SpanKind,
}

/// Every protected span in `text`, in order, non-overlapping.
pub fn protected_spans(text: &str) -> Vec<Span> {
    // Implemented by the catalog/spans work; see module docs.
    let _ = text;
    Vec::new()
}

/// Map Thai digits ๐–๙ to ASCII 0–9, leaving everything else as is.
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{0E50}'..='\u{0E59}' => {
                char::from_u32(c as u32 - 0x0E50 + u32::from(b'0')).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}
