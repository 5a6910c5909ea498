//! Greedy line filling, alignment and receipt frames.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::breaks::breaks_with_spans;
use super::overlong::split_overlong;
use super::truncate::{cut_lazy, probe};
use super::width::{char_width, width};
use super::window::{Paragraph, Prepared, Source, WINDOW_MARGIN, last_safe_end};
use super::{DEFAULT_MAX_INPUT_BYTES, LayoutError, check_input_size, count_work, prepare};
use crate::text::spans::protected_spans;
use crate::vocab::thai::{is_break_space, thai_offset};

/// Horizontal alignment of wrapped lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Flush left; lines are not padded.
    #[default]
    Left,
    /// Centred: padded on the left with half the free columns (rounded down).
    Center,
    /// Flush right: padded on the left with all free columns.
    Right,
}

/// How to wrap text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapOptions {
    /// Line width in display columns (see [`super::width()`]); at least 1.
    pub width: usize,
    /// At most this many lines; the last kept line is truncated with
    /// [`Self::ellipsis`] when text is cut. `None` = unlimited.
    pub max_lines: Option<usize>,
    /// Marks a cut (default `…`, one column).
    pub ellipsis: String,
    /// Alignment within `width` (default left).
    pub align: Align,
    /// Longest text accepted, in UTF-8 bytes (default
    /// `DEFAULT_MAX_INPUT_BYTES`); longer text is an error.
    pub max_input_bytes: usize,
    /// Words to keep whole, added to the built-in word list (see [`Self::words`]).
    pub(crate) words: Vec<String>,
}

impl Default for WrapOptions {
    /// 32 columns (a 58 mm receipt), unlimited lines, `…`, left aligned.
    fn default() -> Self {
        WrapOptions::new(32)
    }
}

impl WrapOptions {
    /// Options for `width` columns, unlimited lines, `…`, left aligned.
    pub fn new(width: usize) -> Self {
        WrapOptions {
            width,
            max_lines: None,
            ellipsis: "…".to_owned(),
            align: Align::Left,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            words: Vec::new(),
        }
    }

    /// Set the line width.
    #[must_use]
    pub fn width(mut self, width: usize) -> Self {
        self.width = width;
        self
    }

    /// Limit the number of lines.
    #[must_use]
    pub fn max_lines(mut self, max_lines: Option<usize>) -> Self {
        self.max_lines = max_lines;
        self
    }

    /// Set the ellipsis used when `max_lines` cuts text.
    #[must_use]
    pub fn ellipsis(mut self, ellipsis: impl Into<String>) -> Self {
        self.ellipsis = ellipsis.into();
        self
    }

    /// Set the alignment.
    #[must_use]
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    /// Set the input limit in bytes.
    #[must_use]
    pub fn max_input_bytes(mut self, max_input_bytes: usize) -> Self {
        self.max_input_bytes = max_input_bytes;
        self
    }

    /// Add words to keep whole (an agency's name, its programmes, local
    /// places the built-in list lacks): no break falls inside one, and the
    /// text around one is segmented as if the list had it. Each is Thai
    /// letters, vowels and marks in NFC, 2 to 64 characters, no spaces;
    /// [`wrap()`] reports another with [`LayoutError::InvalidWord`].
    ///
    /// ```
    /// use keymsg_core::layout::{self, WrapOptions};
    ///
    /// // The list reads the programme's name as คนละ|ครึ่ง|พลัส.
    /// let text = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น";
    /// let plain = layout::wrap(text, &WrapOptions::new(22))?;
    /// assert_eq!(plain, ["โปรดลงทะเบียนผ่านแอปคนละ", "ครึ่งพลัสเท่านั้น"]);
    /// let opts = WrapOptions::new(22).words(["คนละครึ่งพลัส"]);
    /// let lines = layout::wrap(text, &opts)?;
    /// assert_eq!(lines, ["โปรดลงทะเบียนผ่านแอป", "คนละครึ่งพลัสเท่านั้น"]);
    /// # Ok::<(), keymsg_core::layout::LayoutError>(())
    /// ```
    #[must_use]
    pub fn words<S: Into<String>>(mut self, words: impl IntoIterator<Item = S>) -> Self {
        self.words.extend(words.into_iter().map(Into::into));
        self
    }
}

/// Wrap `text` into lines of at most `opts.width` display columns.
///
/// The text is normalised to NFC; `\n` (and `\r\n`) are hard breaks, an empty
/// paragraph gives an empty line. Lines are filled greedily at
/// `break_opportunities`. A unit wider than the line (a long Thai
/// compound, a long URL) is split at Thai character cluster boundaries, then
/// at grapheme boundaries — never between code points; only a single cluster
/// wider than the line (an emoji, or a Thai leading vowel with its consonant
/// such as `โท`, at width 1) makes a line overflow.
///
/// Whitespace at a break is dropped (it does not start the next line), as is
/// trailing whitespace of a paragraph; nothing else is lost or reordered.
/// When `max_lines` cuts the text, the last line is truncated at a legal
/// break and ends with the ellipsis. Alignment pads on the left with spaces.
///
/// The work grows linearly with the text; with `max_lines` only as much of
/// the text is read as those lines need (a control character in the part
/// that is cut away is dropped with it rather than reported).
///
/// # Errors
/// [`LayoutError::WidthTooSmall`] for width 0 or `max_lines` of 0,
/// [`LayoutError::WidthTooLarge`] for a width over [`super::MAX_WIDTH`]
/// with centre or right alignment (lines are padded to the width),
/// [`LayoutError::EllipsisTooWide`], [`LayoutError::ControlCharacter`],
/// [`LayoutError::InputTooLarge`] for text longer than `opts.max_input_bytes`.
pub fn wrap(text: &str, opts: &WrapOptions) -> Result<Vec<String>, LayoutError> {
    checked(text, opts, || wrap_with_words(text, opts))
}

/// What [`wrap()`] and [`super::wrap_balanced`] check before they start, then
/// `f` with the options' words current.
pub(super) fn checked<R>(
    text: &str,
    opts: &WrapOptions,
    f: impl FnOnce() -> Result<R, LayoutError>,
) -> Result<R, LayoutError> {
    if opts.width == 0 || opts.max_lines == Some(0) {
        return Err(LayoutError::WidthTooSmall(opts.width));
    }
    // Aligned lines are padded to the width: only then does it cost memory.
    if opts.align != Align::Left {
        super::width::check_width(opts.width)?;
    }
    check_input_size(text, opts.max_input_bytes)?;
    let words = super::words::from_list(&opts.words)?;
    super::words::with_words(words.as_ref(), f)
}

/// [`wrap()`] once the options' words are current.
fn wrap_with_words(text: &str, opts: &WrapOptions) -> Result<Vec<String>, LayoutError> {
    let out = match opts.max_lines {
        None => {
            let text = prepare(text)?;
            let lines = wrap_ranges(&text, opts.width);
            lines.iter().map(|l| line_text(&text, l)).collect()
        }
        Some(limit) => wrap_limited(text, opts, limit)?,
    };
    Ok(out
        .into_iter()
        .map(|l| align_line(l, opts.width, opts.align))
        .collect())
}

/// The lines of [`wrap()`] when there may be at most `limit` (not aligned).
fn wrap_limited(text: &str, opts: &WrapOptions, limit: usize) -> Result<Vec<String>, LayoutError> {
    let mut src = Prepared::new(text, false);
    let (lines, more) = lines_upto(&mut src, opts.width, limit)?;
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if more && i + 1 == limit {
            // The rest of this paragraph, cut with a forced ellipsis.
            let ellipsis = prepare(&opts.ellipsis)?.replace('\n', " ");
            let fits = |s: &str| width(s) <= opts.width;
            let mut rest = Paragraph::new(&mut src, line.range.start);
            probe(&mut rest, fits)?;
            let (last, _) = cut_lazy(&mut rest, &ellipsis, true, fits)?.ok_or_else(|| {
                LayoutError::EllipsisTooWide {
                    ellipsis: ellipsis.clone(),
                    ellipsis_width: width(&ellipsis),
                    width: opts.width,
                }
            })?;
            out.push(last);
            break;
        }
        out.push(line_text(src.text(), line));
    }
    Ok(out)
}

/// [`wrap()`] with `max_lines`, for [`super::fit()`]: the lines when there are
/// at most `limit`, `None` (having read only what `limit + 1` lines need)
/// when there are more.
pub(crate) fn wrap_within(
    text: &str,
    opts: &WrapOptions,
    limit: usize,
) -> Result<Option<Vec<String>>, LayoutError> {
    let mut src = Prepared::new(text, false);
    let (lines, more) = lines_upto(&mut src, opts.width, limit)?;
    if more {
        return Ok(None);
    }
    let t = src.text();
    Ok(Some(
        lines
            .iter()
            .map(|l| align_line(line_text(t, l), opts.width, opts.align))
            .collect(),
    ))
}

/// A wrapped line's text: spaces at its end dropped, and at its start too
/// when a break (not a paragraph) starts it.
pub(crate) fn line_text(text: &str, line: &LineRange) -> String {
    let mut s = text
        .get(line.range.clone())
        .unwrap_or("")
        .trim_end_matches(is_break_space);
    if !line.first {
        // Spaces at a break never start the next line.
        s = s.trim_start_matches(is_break_space);
    }
    s.to_owned()
}

/// Bytes of a paragraph read before [`lines_upto`] wraps a window of it.
const MIN_WINDOW: usize = 2048;

/// The first `limit` (at least 1) lines of `src`, and whether more follow,
/// reading only as much as that takes.
///
/// Whole paragraphs are wrapped as they are read. A paragraph that goes on
/// past what has been read is wrapped up to a safe end of what has been
/// read ([`last_safe_end`]), keeping the lines that the greedy fill fixed
/// before the margin (their breaks are the whole text's); when they are not
/// enough, more is read.
fn lines_upto(
    src: &mut Prepared<'_>,
    width_limit: usize,
    limit: usize,
) -> Result<(Vec<LineRange>, bool), LayoutError> {
    let mut lines: Vec<LineRange> = Vec::new();
    let mut start = 0;
    loop {
        let t = src.text();
        let rest = t.get(start..).unwrap_or("");
        let paragraph_end = match rest.find('\n') {
            Some(n) => Some((start + n, false)),
            None if src.complete() => Some((t.len(), true)),
            None => None,
        };
        if let Some((end, last)) = paragraph_end {
            let before = lines.len();
            let paragraph = t.get(start..end).unwrap_or("");
            wrap_paragraph(paragraph, width_limit, &mut |r: Range<usize>, _| {
                lines.push(LineRange {
                    range: r.start + start..r.end + start,
                    first: lines.len() == before,
                });
            });
            if lines.len() == before {
                lines.push(LineRange {
                    range: start..start,
                    first: true,
                });
            }
            if lines.len() > limit {
                lines.truncate(limit);
                return Ok((lines, true));
            }
            if last {
                return Ok((lines, false));
            }
            start = end + 1;
            continue;
        }
        // A short text is read whole rather than wrapped in ever longer
        // windows (catalog texts are a few hundred bytes).
        if rest.len() >= MIN_WINDOW
            && let Some(w) = last_safe_end(rest, WINDOW_MARGIN + 1)
            && let Some(window) = rest.get(..w)
        {
            let exact_before = w - WINDOW_MARGIN;
            let mut fixed = Vec::new();
            wrap_paragraph(window, width_limit, &mut |r: Range<usize>, decided_at| {
                if decided_at < exact_before {
                    fixed.push(r);
                }
            });
            // Every fixed line was ended by the next unit: a line follows it.
            if lines.len() + fixed.len() >= limit {
                lines.extend(fixed.into_iter().enumerate().map(|(i, r)| LineRange {
                    range: r.start + start..r.end + start,
                    first: i == 0,
                }));
                lines.truncate(limit);
                return Ok((lines, true));
            }
        }
        src.grow()?;
    }
}

/// Pad `line` on the left for `align` within `width` columns.
pub(crate) fn align_line(line: String, width_limit: usize, align: Align) -> String {
    if align == Align::Left {
        return line;
    }
    let free = width_limit.saturating_sub(width(&line));
    let pad = match align {
        Align::Left => 0,
        Align::Center => free / 2,
        Align::Right => free,
    };
    if pad == 0 {
        line
    } else {
        let mut s = " ".repeat(pad);
        s.push_str(&line);
        s
    }
}

/// A receipt block: `lines` between two separator rules `width` columns wide,
/// with an optional centred `header` (wrapped if long) and a rule under it.
///
/// ```text
/// --------------------------------
///         ระวังมิจฉาชีพ
/// --------------------------------
/// ...lines...
/// --------------------------------
/// ```
///
/// # Errors
/// [`LayoutError::WidthTooSmall`] when `width` is 0 or narrower than one
/// `separator`, or the separator has no width (a mark or control);
/// [`LayoutError::WidthTooLarge`] over [`super::MAX_WIDTH`].
pub fn frame(
    lines: &[String],
    width_limit: usize,
    header: Option<&str>,
    separator: char,
) -> Result<Vec<String>, LayoutError> {
    let sep_width = char_width(separator);
    if width_limit == 0 || sep_width == 0 || sep_width > width_limit || separator.is_control() {
        return Err(LayoutError::WidthTooSmall(width_limit));
    }
    super::width::check_width(width_limit)?;
    let rule: String = std::iter::repeat_n(separator, width_limit / sep_width).collect();
    let mut out = vec![rule.clone()];
    if let Some(header) = header {
        let opts = WrapOptions::new(width_limit).align(Align::Center);
        out.extend(wrap(header, &opts)?);
        out.push(rule.clone());
    }
    out.extend(lines.iter().cloned());
    out.push(rule);
    Ok(out)
}

/// One wrapped line: its byte range in the prepared text (without the
/// whitespace dropped at its break) and whether it starts its paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineRange {
    pub(crate) range: Range<usize>,
    pub(crate) first: bool,
}

/// Wrap prepared text (NFC, no controls but `\n`) into line ranges.
pub(crate) fn wrap_ranges(text: &str, width_limit: usize) -> Vec<LineRange> {
    // About the number of lines (a line holds `width_limit` columns of one
    // byte, or fewer of Thai's three): no growing on the way.
    let mut out = Vec::with_capacity(text.len() / width_limit.max(1) + 1);
    let mut start = 0;
    // `memchr`'s vector search; `str::split` reads a word at a time.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
    for end in ends {
        let paragraph = text.get(start..end).unwrap_or_default();
        let before = out.len();
        wrap_paragraph(paragraph, width_limit, &mut |r: Range<usize>, _| {
            out.push(LineRange {
                range: r.start + start..r.end + start,
                first: out.len() == before,
            });
        });
        if out.len() == before {
            out.push(LineRange {
                range: start..start,
                first: true,
            });
        }
        start = end + 1;
    }
    out
}

/// The width by [`char_width`] of U+0E00 + `k`: 0 for the Thai combining
/// vowels and marks, 1 for the rest of the block.
// Indexing here runs at compile time: out of bounds is a build error.
#[allow(clippy::indexing_slicing)]
const THAI_WIDTH: [u8; 0x80] = {
    let mut table = [0u8; 0x80];
    let mut k = 0;
    while k < 0x80 {
        table[k] = super::width::thai_block_width(crate::vocab::thai::thai_block_char(k)) as u8;
        k += 1;
    }
    table
};

/// A unit's content length in bytes (up to the end of its last character
/// that is not a break space: trailing spaces are dropped at a break), the
/// content's width and the whole unit's width, in one pass.
fn unit_widths(unit: &str) -> (usize, usize, usize) {
    let (mut content_len, mut content_w, mut full_w) = (0, 0, 0);
    let bytes = unit.as_bytes();
    let mut i = 0;
    // Printable ASCII and the Thai block by their bytes (what `char_width`
    // answers for them); anything else decoded.
    while let Some(&b) = bytes.get(i) {
        let (len, w, space) = match b {
            b' ' => (1, 1, true),
            0x21..=0x7E => (1, 1, false),
            0xE0 if let Some(&[hi @ (0xB8 | 0xB9), lo]) = bytes.get(i + 1..i + 3) => {
                let width = THAI_WIDTH.get(usize::from(thai_offset(hi, lo))).copied();
                (3, usize::from(width.unwrap_or(1)), false)
            }
            _ => {
                let c = unit.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
                (c.len_utf8(), char_width(c), is_break_space(c))
            }
        };
        full_w += w;
        i += len;
        if !space {
            content_len = i;
            content_w = full_w;
        }
    }
    (content_len, content_w, full_w)
}

/// Greedy fill of one paragraph; `emit` receives line ranges in order, each
/// with the offset the fill had read to when it fixed the line (the end of
/// the unit that did not fit on it, or `p.len()` for the last line).
fn wrap_paragraph(p: &str, width_limit: usize, emit: &mut impl FnMut(Range<usize>, usize)) {
    count_work(p.len());
    let spans = protected_spans(p);
    let mut bounds = breaks_with_spans(p, &spans);
    bounds.push(p.len());
    let slice_width = |r: Range<usize>| p.get(r).map_or(0, width);
    // A leaning word rides to the next line with the word it governs.
    super::glue::glue_breaks(p, &mut bounds, |pair| width(pair) <= width_limit);
    // Current line: start, end of content, width up to the last unit's end.
    let mut line: Option<(usize, usize, usize)> = None;
    let mut unit_start = 0;
    for unit_end in bounds {
        let unit = p.get(unit_start..unit_end).unwrap_or("");
        let (content_len, content_w, full_w) = unit_widths(unit);
        let content_end = unit_start + content_len;
        match line {
            Some((ls, le, lw)) if lw + content_w <= width_limit => {
                let le = if content_end > unit_start {
                    content_end
                } else {
                    le
                };
                line = Some((ls, le, lw + full_w));
            }
            _ => {
                if let Some((ls, le, _)) = line.take() {
                    emit(ls..le, unit_end);
                }
                if content_w <= width_limit {
                    // An all-space unit at paragraph start is kept (indentation).
                    let le = if content_end > unit_start {
                        content_end
                    } else {
                        unit_end
                    };
                    line = Some((unit_start, le, full_w));
                } else {
                    let pieces = split_overlong(p, unit_start..content_end, width_limit);
                    let n = pieces.len();
                    for (i, piece) in pieces.into_iter().enumerate() {
                        if i + 1 == n {
                            let w = slice_width(piece.start..unit_end);
                            line = Some((piece.start, piece.end, w));
                        } else {
                            emit(piece, unit_end);
                        }
                    }
                }
            }
        }
        unit_start = unit_end;
    }
    if let Some((ls, le, _)) = line {
        emit(ls..le, p.len());
    }
}

#[cfg(test)]
#[path = "wrap_tests.rs"]
mod tests;
