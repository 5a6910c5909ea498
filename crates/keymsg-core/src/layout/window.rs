//! Reading a text only as far as a layout needs: truncation and a line limit
//! look at a prefix that grows until the answer is known, never at the whole
//! input (whose length may be anything a caller sends).

use std::borrow::Cow;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, is_nfc_quick};

use super::breaks::{MAX_ABBREVIATION_CONSONANTS, thai_word_char_at};
use super::{LayoutError, prepare};
use crate::vocab::thai::{is_consonant, is_leading_vowel, is_thai_letter_or_sign};

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

/// Bytes before the end of a window within which the window's breaks may
/// differ from the whole text's (a keep-whole word or a silent consonant group
/// cut in two, UAX #14's look-ahead of a few characters): see [`first_safe_end`].
pub(crate) const WINDOW_MARGIN: usize = 64;

/// The first offset `w`, `from <= w < text.len()`, where `text` may be cut
/// without changing anything before `w - WINDOW_MARGIN`: for every text that
/// starts with `text[..w]` and the character at `w`, the break opportunities,
/// protected spans and Thai character cluster boundaries of its prefix
/// `text[..w]` below `w - WINDOW_MARGIN` are its own. `None` if there is none
/// (then the caller reads more text, or all of it).
///
/// This is what lets truncation read a bounded prefix. Safe ends are:
/// - after an ASCII space, before a Latin letter (not `b` or `t`, which may
///   start `baht` or `THB` after an amount), a Thai consonant (not บ, which
///   may start บาท) or a leading vowel: no Thai run, word, cluster or span
///   crosses such a space, the rule for a space before ๆ or ฯ sees a
///   letter either way, and UAX #14 never looks past a space into the word
///   after it to decide a break before the space;
/// - inside a run of Thai letters longer than the dictionary's chunk, at a
///   chunk boundary (before a leading vowel; see [`super::dict::CHUNK_CHARS`])
///   once the run has more consonants than an abbreviation may have;
/// - inside a run of ASCII letters, [`LETTER_RUN`] letters after its start:
///   UAX #14 never breaks between letters, each letter is its own cluster,
///   and no span decision looks that far into a word (an e-mail local part
///   is at most 64 characters, a host label 63; a URL path that runs on is
///   cut to the same prefix).
pub(crate) fn first_safe_end(text: &str, from: usize) -> Option<usize> {
    let mut found = None;
    safe_ends(text, from, |w| {
        found = Some(w);
        false
    });
    found
}

/// The last safe end (see [`first_safe_end`]) at or after `from`.
pub(crate) fn last_safe_end(text: &str, from: usize) -> Option<usize> {
    let mut found = None;
    safe_ends(text, from, |w| {
        found = Some(w);
        true
    });
    found
}

/// ASCII letters a safe end inside a word needs before it: more than the
/// longest e-mail local part, with room to spare (see [`first_safe_end`]).
const LETTER_RUN: usize = 72;

/// Call `f` with each safe end at or after `from`, ascending, while it
/// returns true.
fn safe_ends(text: &str, from: usize, mut f: impl FnMut(usize) -> bool) {
    let bytes = text.as_bytes();
    let after_space_ok = |w: usize| {
        w >= from
            && w.checked_sub(1).and_then(|b| bytes.get(b)) == Some(&b' ')
            && text
                .get(w..)
                .and_then(|t| t.chars().next())
                .is_some_and(may_follow_a_safe_space)
    };
    // Chunk boundaries count from the start of their run: begin there.
    let mut i = (from..text.len())
        .find(|&k| text.is_char_boundary(k))
        .unwrap_or(text.len());
    while i >= 3 && thai_word_char_at(bytes, i - 3) {
        i -= 3;
    }
    // ASCII letters just before `i` (up to LETTER_RUN).
    let mut letters = bytes.get(i.saturating_sub(LETTER_RUN)..i).map_or(0, |b| {
        b.iter()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .count()
    });
    while i < text.len() {
        if after_space_ok(i) && !f(i) {
            return;
        }
        if let Some(&b) = bytes.get(i)
            && b.is_ascii_alphabetic()
        {
            if letters >= LETTER_RUN && i >= from && !f(i) {
                return;
            }
            letters = (letters + 1).min(LETTER_RUN);
            i += 1;
            continue;
        }
        letters = 0;
        if !thai_word_char_at(bytes, i) {
            i += text
                .get(i..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
            continue;
        }
        // A run of Thai letters: its chunk boundaries, as the dictionary
        // segmenter draws them.
        let mut chunk = i;
        let mut j = i;
        loop {
            let target = chunk + 3 * super::dict::CHUNK_CHARS;
            while j < target && thai_word_char_at(bytes, j) {
                j += 3;
            }
            if j < target {
                break;
            }
            while thai_word_char_at(bytes, j) && !leading_vowel_at(bytes, j) {
                j += 3;
            }
            if !thai_word_char_at(bytes, j) {
                break;
            }
            if j >= from && abbreviation_closed(text, j) && !f(j) {
                return;
            }
            chunk = j;
        }
        i = j;
    }
}

/// Whether a safe end may come right after an ASCII space, before `c` (see
/// [`first_safe_end`]).
fn may_follow_a_safe_space(c: char) -> bool {
    (c.is_ascii_alphabetic() && !matches!(c, 'b' | 'B' | 't' | 'T'))
        || (is_consonant(c) && c != 'บ')
        || is_leading_vowel(c)
}

/// Whether the bytes at `i` encode a leading vowel เ แ โ ใ ไ (E0 B9 80..84).
fn leading_vowel_at(b: &[u8], i: usize) -> bool {
    matches!(
        (b.get(i), b.get(i + 1), b.get(i + 2)),
        (Some(0xE0), Some(0xB9), Some(0x80..=0x84))
    )
}

/// Whether the run of Thai letters and dots that byte `w` is inside already
/// has more consonants before `w` than an abbreviation may have, so that no
/// [`abbreviation_ranges`] entry can cover `w`, whatever follows.
fn abbreviation_closed(text: &str, w: usize) -> bool {
    let mut consonants = 0;
    for c in text.get(..w).unwrap_or("").chars().rev() {
        if !(is_thai_letter_or_sign(c) || c == '.') {
            return false;
        }
        consonants += usize::from(is_consonant(c));
        if consonants > MAX_ABBREVIATION_CONSONANTS {
            return true;
        }
    }
    false
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
