//! Reading a text only as far as a layout needs: truncation and a line limit
//! look at a prefix that grows until the answer is known, never at the whole
//! input (whose length may be anything a caller sends).

use std::borrow::Cow;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, is_nfc_quick};

use super::{LayoutError, prepare};

/// Raw bytes prepared by the first read; each later read doubles it.
const FIRST_READ: usize = 64;

/// A text read on demand: the NFC, control-checked form ([`prepare`]) of a
/// growing prefix of the input.
pub(crate) trait Source {
    /// The prepared text read so far: always a prefix of the prepared whole.
    fn text(&self) -> &str;
    /// Whether [`Self::text`] is the whole (prepared) text.
    fn complete(&self) -> bool;
    /// Read more (about twice as much); no-op once complete.
    ///
    /// # Errors
    /// [`LayoutError::ControlCharacter`] found in the newly read part.
    fn grow(&mut self) -> Result<(), LayoutError>;
}

/// A raw input prepared prefix by prefix.
///
/// Each prefix ends before a character that starts a new normalisation
/// segment (canonical combining class 0 and NFC quick check Yes) and not
/// inside `\r\n`, so its prepared form is a prefix of the prepared whole:
/// nothing after the cut can compose with, reorder or fold into what is
/// before it.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    raw: &'a str,
    /// Line feeds become spaces (truncation's one-line result).
    fold_newlines: bool,
    /// `raw[..raw_end]` has been prepared into `text`.
    raw_end: usize,
    text: Cow<'a, str>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(raw: &'a str, fold_newlines: bool) -> Self {
        Prepared {
            raw,
            fold_newlines,
            raw_end: 0,
            text: Cow::Borrowed(""),
        }
    }
}

impl Source for Prepared<'_> {
    fn text(&self) -> &str {
        &self.text
    }

    fn complete(&self) -> bool {
        self.raw_end >= self.raw.len()
    }

    fn grow(&mut self) -> Result<(), LayoutError> {
        if self.complete() {
            return Ok(());
        }
        let end = segment_start_at_or_after(self.raw, (2 * self.raw_end).max(FIRST_READ));
        let prefix = self.raw.get(..end).unwrap_or(self.raw);
        // Prepared again from the start: reads double, so the total stays
        // linear in what is finally read.
        let mut text = prepare(prefix)?;
        if self.fold_newlines && text.contains('\n') {
            text = Cow::Owned(text.replace('\n', " "));
        }
        self.text = text;
        self.raw_end = end;
        Ok(())
    }
}

/// The first offset at or after `at` where `raw` may be cut for [`Prepared`],
/// or `raw.len()`.
fn segment_start_at_or_after(raw: &str, at: usize) -> usize {
    if at >= raw.len() {
        return raw.len();
    }
    let mut prev = None;
    for (i, c) in raw.char_indices() {
        if i >= at
            && prev != Some('\r')
            && canonical_combining_class(c) == 0
            && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
        {
            return i;
        }
        prev = Some(c);
    }
    raw.len()
}

/// The paragraph of a [`Prepared`] text that starts at byte `start` (up to
/// its line feed), read on demand.
#[derive(Debug)]
pub(crate) struct Paragraph<'s, 'a> {
    src: &'s mut Prepared<'a>,
    start: usize,
}

impl<'s, 'a> Paragraph<'s, 'a> {
    pub(crate) fn new(src: &'s mut Prepared<'a>, start: usize) -> Self {
        Paragraph { src, start }
    }

    fn read(&self) -> &str {
        self.src.text().get(self.start..).unwrap_or("")
    }
}

impl Source for Paragraph<'_, '_> {
    fn text(&self) -> &str {
        let read = self.read();
        read.split('\n').next().unwrap_or(read)
    }

    fn complete(&self) -> bool {
        self.read().contains('\n') || self.src.complete()
    }

    fn grow(&mut self) -> Result<(), LayoutError> {
        self.src.grow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read `raw` to the end in steps; every step's text must be a prefix of
    /// the prepared whole.
    fn steps(raw: &str, fold: bool) -> Vec<String> {
        let mut whole = prepare(raw).unwrap().into_owned();
        if fold {
            whole = whole.replace('\n', " ");
        }
        let mut src = Prepared::new(raw, fold);
        let mut out = Vec::new();
        while !src.complete() {
            src.grow().unwrap();
            assert!(whole.starts_with(src.text()), "{:?}", src.text());
            out.push(src.text().to_owned());
        }
        assert_eq!(src.text(), whole);
        out
    }

    #[test]
    fn prefixes_are_prefixes_of_the_prepared_whole() {
        // Decomposed marks, \r\n at every alignment, tabs, Thai marks out of
        // canonical order (NFC reorders them).
        let unit = "e\u{301}\u{323} ก\u{0E48}\u{0E38}\r\n\tx\u{1100}\u{1161}\u{11A8}";
        for lead in 0..8 {
            let raw = format!("{}{}", "a".repeat(lead), unit.repeat(40));
            let grown = steps(&raw, false);
            assert!(grown.len() > 2, "read in several steps");
            steps(&raw, true);
        }
        assert!(steps("", false).is_empty());
    }

    #[test]
    fn a_control_character_is_found_when_read() {
        let raw = format!("{}\u{7}", "ก".repeat(100));
        let mut src = Prepared::new(&raw, false);
        src.grow().unwrap();
        assert!(!src.complete());
        let mut err = None;
        while !src.complete() {
            if let Err(e) = src.grow() {
                err = Some(e);
                break;
            }
        }
        assert_eq!(
            err,
            Some(LayoutError::ControlCharacter {
                code: 7,
                offset: 100
            })
        );
    }

    #[test]
    fn paragraph_stops_at_its_line_feed() {
        let raw = format!("ab\n{}\ncd", "ก".repeat(50));
        let mut src = Prepared::new(&raw, false);
        src.grow().unwrap();
        let mut p = Paragraph::new(&mut src, 3);
        while !p.complete() {
            p.grow().unwrap();
        }
        assert_eq!(p.text(), "ก".repeat(50));
    }
}
