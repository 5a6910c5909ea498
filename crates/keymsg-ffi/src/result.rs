//! `keymsg_result`: a rendered footer or pop-up and its accessors.

use keymsg_core::Rendered;

use crate::ffi::{arg_free, arg_opt_ref};
use crate::panic::guard_value;
use crate::string::keymsg_str;

/// A rendered footer or pop-up (opaque): the text, its lines, the message id,
/// the pop-up title, the selection token and how it was fitted.
///
/// Read with the `keymsg_result_*` accessors; every view they return is
/// valid until the result is freed with `keymsg_result_free`, and is not
/// NUL-terminated. Immutable: may be read from any number of threads at
/// once; freeing must not race with reading.
#[derive(Debug)]
pub struct keymsg_result {
    pub(crate) inner: Rendered,
}

/// The whole text, lines joined by `\n` (no trailing newline).
/// `{NULL, 0}` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_text(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(result).map_or(keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.inner.text.as_bytes())
        })
    })
}

/// The number of lines. 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_line_count(result: *const keymsg_result) -> usize {
    guard_value(0, || {
        arg_opt_ref!(result).map_or(0, |r| r.inner.lines.len())
    })
}

/// Line `index` (0-based). `{NULL, 0}` if `result` is NULL or `index` is out
/// of range.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_line(
    result: *const keymsg_result,
    index: usize,
) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(result).map_or(keymsg_str::EMPTY, |r| {
            r.inner
                .lines
                .get(index)
                .map_or(keymsg_str::EMPTY, |l| keymsg_str::borrow(l.as_bytes()))
        })
    })
}

/// The id of the selected message. `{NULL, 0}` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_message_id(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(result).map_or(keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.inner.message_id.as_bytes())
        })
    })
}

/// The pop-up title. `{NULL, 0}` if there is none (footers) or `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_title(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(result).map_or(keymsg_str::EMPTY, |r| {
            r.inner
                .title
                .as_deref()
                .map_or(keymsg_str::EMPTY, |t| keymsg_str::borrow(t.as_bytes()))
        })
    })
}

/// The selection token: store it with the document and pass it to
/// `keymsg_engine_replay` to reprint the same message. `{NULL, 0}` if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_token(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(result).map_or(keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.inner.token.as_bytes())
        })
    })
}

/// Which variant was used: `"long"` or `"short"`. `{NULL, 0}` if `result`
/// is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_variant(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(result).map_or(keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.inner.fit.variant.as_bytes())
        })
    })
}

/// Whether no variant fitted and the text had to be truncated. `false` if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_truncated(result: *const keymsg_result) -> bool {
    guard_value(false, || {
        arg_opt_ref!(result).map_or(false, |r| r.inner.fit.truncated)
    })
}

/// Whether the cut dropped every hotline, URL and e-mail address of the
/// message (only returned when the engine allows lossy output; such a
/// result is never counted). `false` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_truncated_core(result: *const keymsg_result) -> bool {
    guard_value(false, || {
        arg_opt_ref!(result).map_or(false, |r| r.inner.fit.truncated_core)
    })
}

/// Whether the insertion was counted. `false` if the engine has no store, if
/// counting failed (fail-open; see `keymsg_result_count_error`), for a
/// duplicate idempotency key, an uncounted reprint, a lossy result
/// (`keymsg_result_truncated_core`) or if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_counted(result: *const keymsg_result) -> bool {
    guard_value(false, || {
        arg_opt_ref!(result).map_or(false, |r| r.inner.counted)
    })
}

/// Why counting failed, when the engine is fail-open and it did.
/// `{NULL, 0}` if counting succeeded or was not attempted, or `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_count_error(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(result).map_or(keymsg_str::EMPTY, |r| {
            r.inner
                .count_error
                .as_deref()
                .map_or(keymsg_str::EMPTY, |e| keymsg_str::borrow(e.as_bytes()))
        })
    })
}

/// Free a result. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_free(result: *mut keymsg_result) {
    guard_value((), || arg_free!(result))
}
