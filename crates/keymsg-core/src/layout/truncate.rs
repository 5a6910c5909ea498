//! Truncation at legal breaks, with an ellipsis.
//!
//! The answer depends only on the start of the text: the longest prefix that
//! fits ends well before the first prefix that does not. Truncation therefore
//! reads the text in growing prefixes ([`super::window`]) until one does not
//! fit, then lays out a window that ends a little further on, at a place
//! where cutting the text changes none of the breaks, spans or clusters
//! before it ([`first_safe_end`]). The work depends on the width, not on the
//! length of the text.

use super::breaks::breaks_with_spans;
use super::tcc::tcc_boundaries;
use super::width::width;
use super::window::{Prepared, Source};
use super::window::{WINDOW_MARGIN, first_safe_end};
use super::{DEFAULT_MAX_INPUT_BYTES, LayoutError, check_input_size, count_work, prepare};
use crate::text::spans::protected_spans;
use crate::vocab::thai::is_break_space;

/// How to truncate text (see [`truncate_with`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruncateOptions {
    /// Width in display columns (see [`super::width()`]), ellipsis included.
    pub width: usize,
    /// Appended when text is cut (default `…`, one column).
    pub ellipsis: String,
    /// Longest text accepted, in UTF-8 bytes (default
    /// [`DEFAULT_MAX_INPUT_BYTES`]); longer text is an error.
    pub max_input_bytes: usize,
    /// Words to keep whole, added to the built-in word list (see [`Self::words`]).
    pub(crate) words: Vec<String>,
}

impl TruncateOptions {
    /// Options for `width` columns, `…`, the default input limit.
    pub fn new(width: usize) -> Self {
        TruncateOptions {
            width,
            ellipsis: "…".to_owned(),
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            words: Vec::new(),
        }
    }

    /// Set the ellipsis.
    #[must_use]
    pub fn ellipsis(mut self, ellipsis: impl Into<String>) -> Self {
        self.ellipsis = ellipsis.into();
        self
    }

    /// Set the input limit in bytes.
    #[must_use]
    pub fn max_input_bytes(mut self, max_input_bytes: usize) -> Self {
        self.max_input_bytes = max_input_bytes;
        self
    }

    /// Add words to keep whole, as [`super::WrapOptions::words`]: the cut
    /// never falls inside one (a name that does not fit is dropped whole),
    /// and the text around one is segmented as if the built-in list had it.
    /// [`truncate_with`] reports a word that is not one with
    /// [`LayoutError::InvalidWord`].
    ///
    /// ```
    /// use keymsg_core::layout::{self, TruncateOptions};
    ///
    /// // The list reads the programme's name as คนละ|ครึ่ง|พลัส.
    /// let text = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น";
    /// let plain = layout::truncate_with(text, &TruncateOptions::new(26))?;
    /// assert_eq!(plain, "โปรดลงทะเบียนผ่านแอปคนละครึ่ง…");
    /// let opts = TruncateOptions::new(26).words(["คนละครึ่งพลัส"]);
    /// assert_eq!(layout::truncate_with(text, &opts)?, "โปรดลงทะเบียนผ่านแอป…");
    /// # Ok::<(), keymsg_core::layout::LayoutError>(())
    /// ```
    #[must_use]
    pub fn words<S: Into<String>>(mut self, words: impl IntoIterator<Item = S>) -> Self {
        self.words.extend(words.into_iter().map(Into::into));
        self
    }
}

/// `text` (NFC) if it is at most `width` columns; otherwise the longest prefix
/// ending at a legal break (see `break_opportunities`) whose width
/// plus the ellipsis' fits, followed by the ellipsis.
///
/// Spaces before the cut are dropped. A protected span (1441, ฿5,000.00, a URL)
/// is kept whole or dropped whole — never "144…". Only when no legal break
/// gives a non-empty prefix (one long Thai word) does the cut fall back to
/// Thai character cluster boundaries, still outside protected spans; if even
/// that is empty the result is the ellipsis alone. Line feeds are folded into
/// spaces: the result is one line.
///
/// Only a prefix of the text is read, a little longer than the result (the
/// cost depends on `width`, not on the length of `text`), so a control
/// character in the part that is cut away is dropped with it rather than
/// reported. The input limit is `DEFAULT_MAX_INPUT_BYTES`; see
/// `truncate_with` to change it.
///
/// # Errors
/// [`LayoutError::EllipsisTooWide`] when the text must be cut but the ellipsis
/// alone is wider than `width`; [`LayoutError::ControlCharacter`] for control
/// characters other than line feed and tab in the part read;
/// [`LayoutError::InputTooLarge`].
pub fn truncate(text: &str, width_limit: usize, ellipsis: &str) -> Result<String, LayoutError> {
    truncate_with(text, &TruncateOptions::new(width_limit).ellipsis(ellipsis))
}

/// [`truncate()`] with all options.
///
/// # Errors
/// As [`truncate()`]; [`LayoutError::InputTooLarge`] when `text` is longer
/// than `opts.max_input_bytes`; [`LayoutError::InvalidWord`] for a word of
/// [`TruncateOptions::words`] that is not one.
pub fn truncate_with(text: &str, opts: &TruncateOptions) -> Result<String, LayoutError> {
    check_input_size(text, opts.max_input_bytes)?;
    let words = super::words::from_list(&opts.words)?;
    super::words::with_words(words.as_ref(), || truncate_with_words(text, opts))
}

/// [`truncate_with`] once the options' words are current.
fn truncate_with_words(text: &str, opts: &TruncateOptions) -> Result<String, LayoutError> {
    let fits = |s: &str| width(s) <= opts.width;
    let mut src = Prepared::new(text, true);
    probe(&mut src, fits)?;
    let ellipsis = prepare(&opts.ellipsis)?.replace('\n', " ");
    cut_lazy(&mut src, &ellipsis, false, fits)?
        .map(|(s, _)| s)
        .ok_or_else(|| LayoutError::EllipsisTooWide {
            ellipsis: ellipsis.clone(),
            ellipsis_width: width(&ellipsis),
            width: opts.width,
        })
}

/// Read `src` until it is complete or what is read does not fit (then the
/// whole does not fit either: every budget only grows with the text).
pub(crate) fn probe(src: &mut impl Source, fits: impl Fn(&str) -> bool) -> Result<(), LayoutError> {
    while !src.complete() && fits(src.text()) {
        src.grow()?;
    }
    Ok(())
}

/// [`truncate_by`] on a text read on demand, after [`probe`]: reads only as
/// far as needed to know the answer.
///
/// # Errors
/// What [`Source::grow`] finds.
pub(crate) fn cut_lazy(
    src: &mut impl Source,
    ellipsis: &str,
    force: bool,
    fits: impl Fn(&str) -> bool,
) -> Result<Option<(String, bool)>, LayoutError> {
    if src.complete() {
        return Ok(truncate_by(src.text(), ellipsis, force, fits));
    }
    // What was read does not fit, so the text must be cut.
    if !fits(ellipsis) {
        return Ok(None);
    }
    let unfit = short_unfit_prefix(src.text(), &fits);
    loop {
        // Any cut at or after `need` keeps all of `text[..unfit]`, which does
        // not fit: the answer lies before `need`, so a window whose breaks
        // are those of the whole text up to `need` gives the same answer.
        let window = {
            let t = src.text();
            content_end_from(t, unfit)
                .and_then(|need| first_safe_end(t, need + WINDOW_MARGIN + 1))
                .and_then(|w| t.get(..w))
        };
        if let Some(window) = window {
            return Ok(Some(cut(window, ellipsis, false, &fits)));
        }
        if src.complete() {
            return Ok(truncate_by(src.text(), ellipsis, force, fits));
        }
        src.grow()?;
    }
}

/// The length of a prefix of `text` (which does not fit) that does not fit
/// either, at most about twice the shortest: more may have been read than the
/// cut needs (a paragraph whose first lines were wrapped).
fn short_unfit_prefix(text: &str, fits: impl Fn(&str) -> bool) -> usize {
    let mut len = 64;
    while len < text.len() {
        let end = (len..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        if !text.get(..end).is_some_and(&fits) {
            return end;
        }
        len = end * 2;
    }
    text.len()
}

/// The end of the first character at or after `from` that is not a break
/// space: any prefix at least that long, trailing spaces dropped, still
/// holds `text[..from]`.
fn content_end_from(text: &str, from: usize) -> Option<usize> {
    text.get(from..)?
        .char_indices()
        .find(|&(_, c)| !is_break_space(c))
        .map(|(i, c)| from + i + c.len_utf8())
}

/// Generic truncation over any monotonic budget `fits` (columns, graphemes,
/// bytes, SMS segments). `text` must already be prepared (NFC, no controls).
///
/// With `force`, the ellipsis is added even when the whole text fits (the
/// caller is dropping text after it). Returns the result and whether anything
/// was cut, or `None` when a cut is needed and the ellipsis alone does not fit.
pub(crate) fn truncate_by(
    text: &str,
    ellipsis: &str,
    force: bool,
    fits: impl Fn(&str) -> bool,
) -> Option<(String, bool)> {
    if !force && fits(text) {
        return Some((text.to_owned(), false));
    }
    if !fits(ellipsis) {
        return None;
    }
    Some(cut(text, ellipsis, force, &fits))
}

/// The cut of [`truncate_by`] once it is known that one is needed.
fn cut(text: &str, ellipsis: &str, force: bool, fits: impl Fn(&str) -> bool) -> (String, bool) {
    count_work(text.len());
    let spans = protected_spans(text);
    let mut candidates = breaks_with_spans(text, &spans);
    if force {
        candidates.push(text.len());
    }
    let with_ellipsis = |p: usize| -> String {
        let prefix = text.get(..p).unwrap_or("").trim_end_matches(is_break_space);
        let mut s = String::with_capacity(prefix.len() + ellipsis.len());
        s.push_str(prefix);
        s.push_str(ellipsis);
        s
    };
    // `fits` is monotonic in the prefix length, so binary search.
    let best = |cands: &[usize]| -> Option<usize> {
        let n = cands.partition_point(|&p| fits(&with_ellipsis(p)));
        n.checked_sub(1).and_then(|i| cands.get(i).copied())
    };
    let cut = best(&candidates).or_else(|| {
        // Cluster boundaries outside every span (both ascend: one sweep).
        let mut span_iter = spans.iter().peekable();
        let tcc: Vec<usize> = tcc_boundaries(text)
            .into_iter()
            .filter(|&p| {
                while span_iter.next_if(|s| s.range.end <= p).is_some() {}
                span_iter.peek().is_none_or(|s| s.range.start >= p)
            })
            .collect();
        best(&tcc)
    });
    (with_ellipsis(cut.unwrap_or(0)), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_text_is_returned_whole() {
        assert_eq!(truncate("โทร 1441", 8, "…").unwrap(), "โทร 1441");
        assert_eq!(truncate("", 0, "…").unwrap(), "");
        assert_eq!(truncate("น้ำ", 2, "…").unwrap(), "น้ำ");
    }

    #[test]
    fn cuts_at_a_word_boundary_and_drops_the_space() {
        let t = "อย่าโอนเงินให้คนแปลกหน้า";
        let out = truncate(t, 10, "…").unwrap();
        assert!(out.ends_with('…'));
        assert!(width(&out) <= 10);
        let body = out.strip_suffix('…').unwrap();
        assert!(t.starts_with(body));
        assert!(crate::layout::is_break_opportunity(t, body.len()), "{out}");
        // Never a fragment of a word: the cut is after อย่า, โอน, เงิน or ให้.
        assert!(["อย่า", "อย่าโอน", "อย่าโอนเงิน"].contains(&body), "{out}");

        let out = truncate("call the bank now", 12, "...").unwrap();
        assert_eq!(out, "call the...");
    }

    #[test]
    fn long_single_word_falls_back_to_clusters() {
        // A word break (บัญชี|ของ|คุณ) is preferred ...
        assert_eq!(truncate("บัญชีของคุณ", 7, "…").unwrap(), "บัญชีของ…");
        // ... and when there is none, cut at a cluster (never inside one).
        assert_eq!(truncate("เจ้าหน้าที่", 5, "…").unwrap(), "เจ้าห…");
        assert_eq!(truncate("supercalifragilistic", 5, "…").unwrap(), "supe…");
        assert_eq!(truncate("ประชาสัมพันธ์", 4, "…").unwrap(), "ประ…");
        assert_eq!(truncate("ประชาสัมพันธ์", 3, "…").unwrap(), "ป…");
    }

    #[test]
    fn ellipsis_too_wide_is_an_error_only_when_cutting() {
        assert!(matches!(
            truncate("ก".repeat(10).as_str(), 2, "..."),
            Err(LayoutError::EllipsisTooWide {
                ellipsis_width: 3,
                width: 2,
                ..
            })
        ));
        assert_eq!(truncate("กข", 2, "...").unwrap(), "กข");
    }

    #[test]
    fn line_feeds_fold_to_spaces() {
        assert_eq!(truncate("ab\ncd", 10, "…").unwrap(), "ab cd");
    }

    #[test]
    fn forced_ellipsis_even_when_it_fits() {
        let (s, cut) = truncate_by("ab cd", "…", true, |s| width(s) <= 10).unwrap();
        assert_eq!(s, "ab cd…");
        assert!(cut);
    }
}
