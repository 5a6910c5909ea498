//! Thai-aware text layout: width, break opportunities, wrap, truncate, fit, encode.
//!
//! Thai is written without spaces between words, stacks vowels and tone marks on
//! a base consonant and writes some vowels (เ แ โ ใ ไ) *before* the consonant they
//! follow in speech. A generic line breaker gets all three wrong; this module
//! finds Thai words with a compiled word list, applies ICU4X's Unicode
//! line-breaking rules to everything else, passes every candidate through a
//! mandatory Thai filter (see `break_opportunities`) and falls back to Thai
//! character clusters, never to raw code points, when a word is wider than
//! the line.
//!
//! All entry points that return text normalise their input to NFC (never NFKC,
//! which would decompose ำ SARA AM).
//!
//! Cost: [`width()`] and [`wrap()`] take time linear in the text. [`truncate()`],
//! and [`wrap()`] with `max_lines` (so `fit()` with a line or size budget),
//! read only a prefix a little longer than their result, so their cost depends
//! on the width, not on the length of the text. [`wrap()`] and
//! `truncate_with` refuse text over `DEFAULT_MAX_INPUT_BYTES` (1 MiB,
//! configurable per call) with [`LayoutError::InputTooLarge`].
//!
//! ```
//! use keymsg_core::layout::{self, WrapOptions};
//!
//! let lines = layout::wrap("อย่าโอนเงินให้คนที่ไม่รู้จัก โทร 1441", &WrapOptions::new(16))?;
//! assert!(lines.iter().all(|l| layout::width(l) <= 16));
//! assert_eq!(layout::width("น้ำ"), 2);
//! # Ok::<(), keymsg_core::layout::LayoutError>(())
//! ```

mod balance;
mod breaks;
mod dict;
mod encode;
mod fit;
mod glue;
mod grapheme;
mod overlong;
mod profile;
mod syllable;
#[cfg(test)]
mod syllable_props;
mod tcc;
mod truncate;
mod units;
mod width;
mod window;
pub(crate) mod words;
mod wrap;

use crate::text::nfc::nfc;
use crate::vocab::clean::is_unsafe_char;

#[cfg(test)]
mod linear_tests;

pub use balance::wrap_balanced;
pub use encode::Encoding;
pub use profile::{Profile, ProfileKind};
pub use truncate::truncate;
unstable_use!(truncate::{TruncateOptions, truncate_with});
pub(crate) use fit::fits_whole;
pub(crate) use glue::glue_breaks;
pub(crate) use profile::COLUMN_WIDTHS;
pub use width::{MAX_WIDTH, width};
pub use wrap::{Align, WrapOptions, wrap};
// The front ends' primitives (see the crate's "Stable and unstable API").
unstable_use!(breaks::{break_opportunities, is_break_opportunity});
unstable_use!(encode::{decode, encode});
unstable_use!(fit::{Fitted, fit});
unstable_use!(profile::MIN_FOOTER_WIDTH);
unstable_use!(tcc::tcc_boundaries);
unstable_use!(width::Measure);
unstable_use!(wrap::frame);

/// The largest text, in UTF-8 bytes, that one call to [`wrap()`] or
/// [`truncate_with`] accepts unless told otherwise
/// ([`WrapOptions::max_input_bytes`], [`TruncateOptions::max_input_bytes`]):
/// 1 MiB, some 350,000 Thai characters — far more than any receipt, pop-up or
/// document paragraph, and little enough that a caller feeding hostile input
/// gets an error instead of a worker busy laying out megabytes.
#[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
pub const DEFAULT_MAX_INPUT_BYTES: usize = 1 << 20;

/// Errors from layout and encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The width or budget given cannot hold anything.
    #[error("width {0} is too small to lay out any text")]
    WidthTooSmall(usize),
    /// A width over [`MAX_WIDTH`] columns where lines are padded to it
    /// (aligned wrap, frames).
    #[error("width {width} is over the limit of {max} columns")]
    WidthTooLarge {
        /// The width asked for.
        width: usize,
        /// [`MAX_WIDTH`].
        max: usize,
    },
    /// A footer (or other key message laid out in columns) narrower than
    /// `MIN_FOOTER_WIDTH`: so narrow that a message would be cut to a few
    /// syllables without its hotline or link.
    #[error(
        "width {width} is below the minimum of {minimum} columns for a key message \
         (narrower, it would be cut before its hotline or link): use {minimum} or more"
    )]
    FooterTooNarrow {
        /// The width asked for.
        width: usize,
        /// `MIN_FOOTER_WIDTH`.
        minimum: usize,
    },
    /// The message had to be cut so far that every phone number, URL and
    /// e-mail address was dropped (`Fitted::truncated_core`): what is left
    /// no longer tells the reader where to check or report. Refused unless
    /// lossy output is allowed; even then it is not counted.
    #[error(
        "message `{message_id}` does not fit profile `{profile}` without losing every \
         hotline and link: use a wider profile or more lines (or allow lossy output, \
         which prints it but never counts it)"
    )]
    TruncatedCore {
        /// The message.
        message_id: String,
        /// The profile it was laid out for.
        profile: String,
    },
    /// The ellipsis alone is wider than the width it must fit in.
    #[error("ellipsis {ellipsis:?} ({ellipsis_width} columns) does not fit in width {width}")]
    EllipsisTooWide {
        /// The ellipsis given.
        ellipsis: String,
        /// Its display width.
        ellipsis_width: usize,
        /// The width it had to fit in.
        width: usize,
    },
    /// The text holds a control character (other than a line feed), which
    /// would reach a printer as a command, or a bidirectional control, which
    /// would reorder what the reader sees.
    #[error(
        "control character U+{code:04X} at char offset {offset} is not allowed in laid-out text"
    )]
    ControlCharacter {
        /// The code point.
        code: u32,
        /// Its char (not byte) offset in the NFC-normalised text.
        offset: usize,
    },
    /// A character has no mapping in the target encoding.
    #[error("character {ch:?} (U+{code:04X}) at char offset {offset} cannot be encoded in {encoding}", code = u32::from(*ch))]
    Unencodable {
        /// The character.
        ch: char,
        /// Its char (not byte) offset in the NFC-normalised text with
        /// zero-width hints removed.
        offset: usize,
        /// The encoding's name.
        encoding: &'static str,
    },
    /// A catalog message, as laid out for a profile, has a character the
    /// output encoding lacks (e.g. a curly quote for a TIS-620 printer).
    #[error(
        "message `{message_id}`: character {ch:?} (U+{code:04X}) at char offset {offset} \
         of the laid-out text cannot be encoded in {encoding}",
        code = u32::from(*ch)
    )]
    MessageUnencodable {
        /// The catalog message id.
        message_id: String,
        /// The character.
        ch: char,
        /// Its char offset in the laid-out lines joined with `\n`.
        offset: usize,
        /// The encoding's name.
        encoding: &'static str,
    },
    /// A byte has no character in the encoding (when decoding).
    #[error("byte {byte:#04x} at offset {offset} is not valid {encoding}")]
    Undecodable {
        /// The byte.
        byte: u8,
        /// Its offset.
        offset: usize,
        /// The encoding's name.
        encoding: &'static str,
    },
    /// A profile definition is invalid.
    #[error("invalid layout profile {name:?}: {reason}")]
    InvalidProfile {
        /// The profile's name (may be empty if the name itself is missing).
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The text is longer than the call's input limit (see
    /// `DEFAULT_MAX_INPUT_BYTES`).
    #[error(
        "text is {len} bytes, over the limit of {max} bytes for one layout call (raise the limit, or split the text)"
    )]
    InputTooLarge {
        /// The text's length in UTF-8 bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A text variant required by a profile is missing.
    #[error("profile {profile:?} needs a {what} but the text has none")]
    MissingVariant {
        /// The profile's name.
        profile: String,
        /// What was missing.
        what: &'static str,
    },
    /// A word given to keep whole ([`WrapOptions::words`],
    /// `TruncateOptions::words`, a catalog's `[layout] words`) is not one:
    /// empty, not Thai, not NFC, with a space, or too long.
    #[error("layout word `{word}`{}: {reason}", offset.map(|o| format!(" at char {o}")).unwrap_or_default())]
    InvalidWord {
        /// The word as given.
        word: String,
        /// Char offset of the offending character, when one is.
        offset: Option<usize>,
        /// What is wrong.
        reason: String,
    },
}

/// [`LayoutError::InputTooLarge`] when `text` is longer than `max` bytes.
pub(crate) fn check_input_size(text: &str, max: usize) -> Result<(), LayoutError> {
    if text.len() > max {
        return Err(LayoutError::InputTooLarge {
            len: text.len(),
            max,
        });
    }
    Ok(())
}

/// Record that a pass read `bytes` bytes of text (normalisation, break
/// finding, span and cluster scans): the scaling tests count this work
/// instead of timing it. Compiled to nothing outside tests.
#[inline]
pub(crate) fn count_work(bytes: usize) {
    #[cfg(test)]
    work::add(bytes);
    #[cfg(not(test))]
    let _ = bytes;
}

/// Per-thread work counter for the scaling tests (see [`count_work`]).
#[cfg(test)]
pub(crate) mod work {
    use std::cell::Cell;

    thread_local! {
        static BYTES: Cell<u64> = const { Cell::new(0) };
    }

    pub(crate) fn add(bytes: usize) {
        BYTES.with(|b| b.set(b.get() + bytes as u64));
    }

    /// The work counted on this thread since the last call.
    pub(crate) fn take() -> u64 {
        BYTES.with(|b| b.replace(0))
    }
}

/// Canonical combining class of a Thai-block code point (Unicode 16: PHINTHU 9,
/// SARA U/UU 103, the tone marks 107, everything else 0). A test checks it
/// against `unicode_normalization` for the whole block.
const fn thai_ccc(c: char) -> u8 {
    match c {
        '\u{0E3A}' => 9,
        '\u{0E38}' | '\u{0E39}' => 103,
        '\u{0E48}'..='\u{0E4B}' => 107,
        _ => 0,
    }
}

/// [`thai_ccc`] of the Thai block by offset from U+0E00.
// Indexing here runs at compile time: out of bounds is a build error.
#[allow(clippy::indexing_slicing)]
const THAI_CCC: [u8; 0x80] = {
    let mut table = [0u8; 0x80];
    let mut k = 0;
    while k < 0x80 {
        table[k] = thai_ccc(crate::vocab::thai::thai_block_char(k));
        k += 1;
    }
    table
};

/// One-pass fast path of [`prepare`] for the common receipt text: only
/// printable ASCII, `\n` and the Thai block, Thai marks in canonical order.
/// Such text is already NFC (no Thai or ASCII code point is NFC_QC No/Maybe)
/// and has no control to fold, so [`prepare`] returns it unchanged.
fn is_prepared_ascii_thai(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Whole chunks tested at every byte without a branch per byte (what a
    // test holds to the character-by-character reading below), each
    // position reading up to five bytes past its chunk.
    let mut i = 0;
    while let Some(window) = bytes.get(i..i + PREPARED_CHUNK + 5) {
        let bad = window
            .iter()
            .zip(window.get(1..).unwrap_or_default())
            .zip(window.get(2..).unwrap_or_default())
            .zip(window.get(3..).unwrap_or_default())
            .zip(window.get(4..).unwrap_or_default())
            .zip(window.get(5..).unwrap_or_default())
            .take(PREPARED_CHUNK)
            .fold(false, |bad, (((((&a, &b), &c), &d), &e), &f)| {
                bad | not_prepared_at(a, b, c, d, e, f)
            });
        if bad {
            return false;
        }
        i += PREPARED_CHUNK;
    }
    // The rest character by character, from the first character that
    // starts in it (the pairs before it were tested with their chunk).
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    is_prepared_from(bytes, i)
}

/// Bytes [`is_prepared_ascii_thai`] tests together.
const PREPARED_CHUNK: usize = 32;

/// Whether the bytes `a` to `f` from some offset of UTF-8 text show it is
/// not prepared: `a` is neither printable ASCII, `\n`, `E0` (leading a
/// character of the Thai block only when `b` is `B8` or `B9`) nor a
/// continuation byte; or a Thai mark at `a` is followed by one that
/// canonical order puts before it. Continuation bytes and ASCII never look
/// like a character start of the Thai block, so testing every offset tests
/// every character. Written without branches so that a chunk's tests
/// become vector compares.
#[inline]
fn not_prepared_at(a: u8, b: u8, c: u8, d: u8, e: u8, f: u8) -> bool {
    let printable = a.wrapping_sub(b' ') < 0x5F;
    let continuation = a & 0xC0 == 0x80;
    let lead = a == 0xE0;
    let byte_ok = printable | (a == b'\n') | continuation | lead;
    let outside_thai = lead & (b & 0xFE != 0xB8);
    let first = thai_ccc_rank(b, c) * u8::from(lead);
    let second = thai_ccc_rank(e, f) * u8::from(d == 0xE0);
    !byte_ok | outside_thai | ((second != 0) & (first > second))
}

/// The canonical combining class of the Thai-block character `E0 b c` as
/// a rank in the same order ([`thai_ccc`]: PHINTHU 9 → 1, SARA U/UU 103 →
/// 2, tone marks 107 → 3, class 0 → 0), without branches.
#[inline]
fn thai_ccc_rank(b: u8, c: u8) -> u8 {
    let tone = (b == 0xB9) & (c.wrapping_sub(0x88) < 4);
    let below = (b == 0xB8) & (c.wrapping_sub(0xB8) < 2);
    let phinthu = (b == 0xB8) & (c == 0xBA);
    3 * u8::from(tone) + 2 * u8::from(below) + u8::from(phinthu)
}

/// [`is_prepared_ascii_thai`] for `bytes[i..]`, character by character
/// (`i` is a character boundary; the character before it is not compared).
fn is_prepared_from(bytes: &[u8], mut i: usize) -> bool {
    // A byte scan: printable ASCII and `\n` are one byte, the Thai block
    // U+0E00..U+0E7F is E0 B8 80..BF or E0 B9 80..BF.
    let mut last_ccc = 0;
    while let Some(&b) = bytes.get(i) {
        let ccc = match b {
            b' '..=b'~' | b'\n' => {
                i += 1;
                0
            }
            0xE0 => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(&hi @ (0xB8 | 0xB9)), Some(&lo @ 0x80..=0xBF)) => {
                    i += 3;
                    let offset = crate::vocab::thai::thai_offset(hi, lo);
                    THAI_CCC.get(usize::from(offset)).copied().unwrap_or(0)
                }
                _ => return false,
            },
            _ => return false,
        };
        if ccc != 0 && last_ccc > ccc {
            return false;
        }
        last_ccc = ccc;
    }
    true
}

/// The text every layout entry point works on: NFC, `\r\n` and `\r` as `\n`,
/// tab as one space. Any other control character is an error, because it
/// would reach a printer as a command; so is a bidirectional control, which
/// would reorder what the reader sees (a hotline shown backwards).
pub(crate) fn prepare(text: &str) -> Result<std::borrow::Cow<'_, str>, LayoutError> {
    count_work(text.len());
    if is_prepared_ascii_thai(text) {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let text = nfc(text);
    let needs_fix = text.chars().any(|c| c != '\n' && is_unsafe_char(c));
    if !needs_fix {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().enumerate().peekable();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\r' => {
                chars.next_if(|&(_, n)| n == '\n');
                out.push('\n');
            }
            '\t' => out.push(' '),
            '\n' => out.push('\n'),
            c if is_unsafe_char(c) => {
                return Err(LayoutError::ControlCharacter {
                    code: u32::from(c),
                    offset,
                });
            }
            c => out.push(c),
        }
    }
    Ok(std::borrow::Cow::Owned(out))
}

#[cfg(test)]
mod prepare_tests {
    use super::*;

    #[test]
    fn thai_fast_path_matches_unicode_data() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{IsNormalized, is_nfc_quick};
        for c in '\u{0E00}'..='\u{0E7F}' {
            assert_eq!(thai_ccc(c), canonical_combining_class(c), "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
        }
        // Tone mark before SARA U is out of canonical order: NFC reorders it.
        let unordered = "\u{0E01}\u{0E48}\u{0E38}";
        assert!(!is_prepared_ascii_thai(unordered));
        assert_eq!(prepare(unordered).unwrap(), "\u{0E01}\u{0E38}\u{0E48}");
        assert!(is_prepared_ascii_thai("\u{0E01}\u{0E38}\u{0E48} ok\nไม่"));
        assert!(!is_prepared_ascii_thai("a\tb"));
        assert!(!is_prepared_ascii_thai("e\u{301}"));
    }

    #[test]
    fn chunked_scan_agrees_with_the_character_reading() {
        // The ranks order the Thai block as its combining classes do.
        let rank = |k: u8| thai_ccc_rank(0xB8 + (k >> 6), 0x80 | (k & 0x3F));
        for a in 0..0x80u8 {
            assert_eq!(rank(a) == 0, THAI_CCC[usize::from(a)] == 0, "{a:#x}");
            for b in 0..0x80u8 {
                let (ca, cb) = (THAI_CCC[usize::from(a)], THAI_CCC[usize::from(b)]);
                assert_eq!(rank(a) > rank(b), ca > cb, "{a:#x} {b:#x}");
            }
        }
        // Random texts of every length around the chunk size, mostly
        // prepared, with one character that may break it anywhere.
        let alphabet: Vec<char> = "ab ~.1\nกขเไาำะิีฺุู่้๊๋์ั็ๆฯ๑".chars().collect();
        let breakers = [
            '\t', '\u{7f}', '\u{0E80}', '\u{0800}', 'é', '🙂', '\u{0E38}', '\u{0E3A}', '\u{0E48}',
            '\r',
        ];
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let (mut prepared, mut not) = (0, 0);
        for _ in 0..50_000 {
            let len = next(110);
            let mut text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            if next(2) == 0 {
                let at = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .nth(next(len + 1))
                    .unwrap_or(text.len());
                text.insert(at, breakers[next(breakers.len())]);
            }
            let want = is_prepared_from(text.as_bytes(), 0);
            assert_eq!(is_prepared_ascii_thai(&text), want, "{text:?}");
            if want { prepared += 1 } else { not += 1 }
        }
        assert!(prepared > 5_000 && not > 5_000, "{prepared} {not}");
    }

    #[test]
    fn nfc_composes_and_keeps_sara_am() {
        // e + combining acute composes; ำ is already NFC and must stay one char.
        assert_eq!(prepare("e\u{301}").unwrap(), "\u{e9}");
        assert_eq!(prepare("น้ำ").unwrap(), "น้ำ");
        // NFKC would turn ำ into ํ + า; NFC must not.
        assert_eq!(prepare("\u{0E33}").unwrap().chars().count(), 1);
    }

    #[test]
    fn controls_are_folded_or_rejected() {
        assert_eq!(prepare("a\r\nb\rc\td").unwrap(), "a\nb\nc d");
        assert_eq!(
            prepare("ab\u{1b}[0m").unwrap_err(),
            LayoutError::ControlCharacter {
                code: 0x1b,
                offset: 2
            }
        );
        assert!(prepare("x\u{85}").is_err());
        // A right-to-left override would show `1441` reversed.
        assert_eq!(
            prepare("โทร \u{202e}1441").unwrap_err(),
            LayoutError::ControlCharacter {
                code: 0x202e,
                offset: 4
            }
        );
    }
}
