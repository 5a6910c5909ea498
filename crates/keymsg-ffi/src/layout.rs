//! Thai-aware width, wrap and truncate for C.

use std::ffi::c_char;
use std::sync::atomic::{AtomicUsize, Ordering};

use keymsg_core::layout::{self, DEFAULT_MAX_INPUT_BYTES, TruncateOptions, WrapOptions};

use crate::enums::{enum_arg, keymsg_encoding};
use crate::ffi::{arg_opt_str, arg_out, arg_str, boxed};
use crate::lines::keymsg_lines;
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;
use crate::string::keymsg_string;

/// The ellipsis used when none is given: U+2026 HORIZONTAL ELLIPSIS.
const DEFAULT_ELLIPSIS: &str = "…";

/// The input limit of `keymsg_wrap` and `keymsg_truncate` in this process.
static MAX_INPUT_BYTES: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_INPUT_BYTES);

/// Set the longest text, in UTF-8 bytes, that `keymsg_wrap` and
/// `keymsg_truncate` accept from now on, in every thread of the process;
/// longer text gets `KEYMSG_LAYOUT_INPUT_TOO_LARGE` instead of a long
/// computation. `0` restores the default, 1 MiB (1048576); `SIZE_MAX`
/// removes the limit. Returns the limit that applied before. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn keymsg_set_max_input_bytes(max_bytes: usize) -> usize {
    guard_value(DEFAULT_MAX_INPUT_BYTES, || {
        let limit = if max_bytes == 0 {
            DEFAULT_MAX_INPUT_BYTES
        } else {
            max_bytes
        };
        MAX_INPUT_BYTES.swap(limit, Ordering::Relaxed)
    })
}

fn max_input_bytes() -> usize {
    MAX_INPUT_BYTES.load(Ordering::Relaxed)
}

/// Display width of `text` in terminal / receipt-printer columns: Thai
/// combining vowels and tone marks count 0, SARA AM 1, East Asian wide
/// characters and emoji 2 (never bytes, code points or graphemes).
///
/// On success writes the width to `*width_out`. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
/// Thread-safe.
///
/// # Safety
/// `text` is NULL or points to `text_len` readable bytes; `width_out` is NULL
/// or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_width(
    text: *const c_char,
    text_len: usize,
    width_out: *mut usize,
) -> keymsg_status {
    guard(|| {
        let text = arg_str!(text, text_len)?;
        let out = arg_out!(width_out)?;
        out.write(layout::width(text));
        Ok(())
    })
}

/// Wrap `text` into lines of at most `width` columns, breaking only where
/// Thai and UAX #14 rules allow (never inside a Thai cluster or word where a
/// break is illegal, never inside a phone number, amount or URL).
///
/// `max_lines` 0 means no limit; otherwise the last line is truncated with
/// the ellipsis if the text does not fit. `ellipsis` is optional text: NULL
/// means `"…"` (then `ellipsis_len` is ignored).
///
/// On success writes a new `keymsg_lines` to `*lines_out` (free it with
/// `keymsg_lines_free`); on error it is untouched. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`,
/// `KEYMSG_INVALID_ARGUMENT`, `KEYMSG_LAYOUT_*` (`KEYMSG_LAYOUT_INPUT_TOO_LARGE`
/// for text over the limit, see `keymsg_set_max_input_bytes`). Thread-safe.
///
/// # Safety
/// Each `(pointer, length)` pair is NULL or points to that many readable
/// bytes; `lines_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_wrap(
    text: *const c_char,
    text_len: usize,
    width: usize,
    max_lines: usize,
    ellipsis: *const c_char,
    ellipsis_len: usize,
    lines_out: *mut *mut keymsg_lines,
) -> keymsg_status {
    guard(|| {
        let text = arg_str!(text, text_len)?;
        let ellipsis = arg_opt_str!(ellipsis, ellipsis_len)?;
        let out = arg_out!(lines_out)?;
        let options = wrap_options(width, max_lines, ellipsis);
        let lines = layout::wrap(text, &options).map_err(keymsg_core::Error::from)?;
        out.write(boxed(keymsg_lines { lines }));
        Ok(())
    })
}

/// The options of `keymsg_wrap`.
fn wrap_options(width: usize, max_lines: usize, ellipsis: Option<&str>) -> WrapOptions {
    WrapOptions::new(width)
        .max_lines((max_lines > 0).then_some(max_lines))
        .ellipsis(ellipsis.unwrap_or(DEFAULT_ELLIPSIS))
        .max_input_bytes(max_input_bytes())
}

/// `keymsg_wrap`, keeping whole the words in `words` besides the built-in
/// word list's: an agency's name, its programmes, local places. `words` is
/// UTF-8 text with one word per line (`\n`; empty lines are skipped), or
/// NULL for none; each word is Thai letters, vowels and marks in NFC, 2 to
/// 64 characters, without spaces. No line break falls inside one, and the
/// text around one is segmented as if the list had it.
///
/// Results and errors as `keymsg_wrap`; a word that is not one gives
/// `KEYMSG_INVALID_ARGUMENT` (the message names it). Thread-safe.
///
/// # Safety
/// As `keymsg_wrap`; `words` is NULL or points to `words_len` readable bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn keymsg_wrap_with_words(
    text: *const c_char,
    text_len: usize,
    width: usize,
    max_lines: usize,
    ellipsis: *const c_char,
    ellipsis_len: usize,
    words: *const c_char,
    words_len: usize,
    lines_out: *mut *mut keymsg_lines,
) -> keymsg_status {
    guard(|| {
        let text = arg_str!(text, text_len)?;
        let ellipsis = arg_opt_str!(ellipsis, ellipsis_len)?;
        let words = arg_opt_str!(words, words_len)?;
        let out = arg_out!(lines_out)?;
        let options = wrap_options(width, max_lines, ellipsis).words(word_lines(words));
        let lines = layout::wrap(text, &options).map_err(keymsg_core::Error::from)?;
        out.write(boxed(keymsg_lines { lines }));
        Ok(())
    })
}

/// The words of a `words` argument: one per line (`\n` or `\r\n`), empty
/// lines skipped; none for NULL.
fn word_lines(words: Option<&str>) -> impl Iterator<Item = &str> {
    words
        .unwrap_or_default()
        .split('\n')
        .map(|w| w.strip_suffix('\r').unwrap_or(w))
        .filter(|w| !w.is_empty())
}

/// The longest prefix of `text` ending at a legal break whose width plus the
/// ellipsis fits in `width` columns, with the ellipsis appended if anything
/// was cut. A protected span (phone number, amount, URL) is kept whole or
/// dropped whole. `ellipsis` NULL means `"…"`.
///
/// On success writes a new UTF-8 `keymsg_string` to `*text_out` (free it with
/// `keymsg_string_free`); on error it is untouched. Errors as `keymsg_wrap`.
/// Thread-safe.
///
/// # Safety
/// As `keymsg_wrap`; `text_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_truncate(
    text: *const c_char,
    text_len: usize,
    width: usize,
    ellipsis: *const c_char,
    ellipsis_len: usize,
    text_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let text = arg_str!(text, text_len)?;
        let ellipsis = arg_opt_str!(ellipsis, ellipsis_len)?;
        let out = arg_out!(text_out)?;
        let cut = layout::truncate_with(text, &truncate_options(width, ellipsis))
            .map_err(keymsg_core::Error::from)?;
        out.write(keymsg_string::new_raw(cut));
        Ok(())
    })
}

/// The options of `keymsg_truncate`.
fn truncate_options(width: usize, ellipsis: Option<&str>) -> TruncateOptions {
    TruncateOptions::new(width)
        .ellipsis(ellipsis.unwrap_or(DEFAULT_ELLIPSIS))
        .max_input_bytes(max_input_bytes())
}

/// `keymsg_truncate`, keeping whole the words in `words` besides the
/// built-in word list's, as `keymsg_wrap_with_words` does: the cut never
/// falls inside one (a name that does not fit is dropped whole). `words` is
/// UTF-8 text with one word per line (`\n`; empty lines are skipped), or
/// NULL for none; each word is Thai letters, vowels and marks in NFC, 2 to
/// 64 characters, without spaces.
///
/// Results and errors as `keymsg_truncate`; a word that is not one gives
/// `KEYMSG_INVALID_ARGUMENT` (the message names it). Thread-safe.
///
/// # Safety
/// As `keymsg_truncate`; `words` is NULL or points to `words_len` readable
/// bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn keymsg_truncate_with_words(
    text: *const c_char,
    text_len: usize,
    width: usize,
    ellipsis: *const c_char,
    ellipsis_len: usize,
    words: *const c_char,
    words_len: usize,
    text_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let text = arg_str!(text, text_len)?;
        let ellipsis = arg_opt_str!(ellipsis, ellipsis_len)?;
        let words = arg_opt_str!(words, words_len)?;
        let out = arg_out!(text_out)?;
        let options = truncate_options(width, ellipsis).words(word_lines(words));
        let cut = layout::truncate_with(text, &options).map_err(keymsg_core::Error::from)?;
        out.write(keymsg_string::new_raw(cut));
        Ok(())
    })
}

/// Encode `text` for a printer that takes raw bytes: UTF-8, TIS-620 or
/// CP874 (`encoding` is a `keymsg_encoding`). The text is NFC-normalised and
/// zero-width break hints are dropped first; nothing is replaced.
///
/// On success writes a new `keymsg_string` holding the bytes to `*bytes_out`
/// (free with `keymsg_string_free`; use the view's `len`, the bytes are not
/// UTF-8). Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT` (unknown encoding),
/// `KEYMSG_LAYOUT_UNENCODABLE` (a character the encoding lacks; the message
/// gives it and its offset), `KEYMSG_LAYOUT_CONTROL_CHARACTER`. Thread-safe.
///
/// # Safety
/// `text` is NULL or points to `text_len` readable bytes; `bytes_out` is
/// NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_encode(
    text: *const c_char,
    text_len: usize,
    encoding: u32,
    bytes_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let text = arg_str!(text, text_len)?;
        let out = arg_out!(bytes_out)?;
        let encoding = enum_arg::<keymsg_encoding>("encoding", encoding)?;
        let bytes = layout::encode(text, encoding.into()).map_err(keymsg_core::Error::from)?;
        out.write(keymsg_string::new_raw(bytes));
        Ok(())
    })
}
