//! `keymsg_lines`: an owned list of lines (the output of `keymsg_wrap`).

use crate::ffi::{arg_free, arg_opt_ref};
use crate::panic::guard_value;
use crate::string::keymsg_str;

/// A library-owned list of UTF-8 lines, without line terminators.
///
/// Returned by `keymsg_wrap`; read with `keymsg_lines_count` and
/// `keymsg_lines_get`; freed with `keymsg_lines_free`.
///
/// Thread safety: immutable; a `const keymsg_lines *` may be read from any
/// number of threads at once. Freeing must not race with reading.
#[derive(Debug)]
pub struct keymsg_lines {
    pub(crate) lines: Vec<String>,
}

/// The number of lines. Returns 0 if `lines` is NULL. Thread-safe.
///
/// # Safety
/// `lines` is NULL or a live `keymsg_lines`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_lines_count(lines: *const keymsg_lines) -> usize {
    guard_value(0, || arg_opt_ref!(lines).map_or(0, |l| l.lines.len()))
}

/// Line `index` (0-based), without a line terminator.
///
/// The view is valid until `lines` is freed and is not NUL-terminated.
/// Returns `{NULL, 0}` if `lines` is NULL or `index` is out of range (an
/// empty line is `{non-NULL, 0}`). Thread-safe.
///
/// # Safety
/// `lines` is NULL or a live `keymsg_lines`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_lines_get(lines: *const keymsg_lines, index: usize) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(lines)
            .and_then(|l| l.lines.get(index))
            .map_or(keymsg_str::EMPTY, |s| keymsg_str::borrow(s.as_bytes()))
    })
}

/// Free a `keymsg_lines`. NULL is a no-op.
///
/// # Safety
/// `lines` is NULL or a `keymsg_lines` returned by keymsg and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_lines_free(lines: *mut keymsg_lines) {
    guard_value((), || arg_free!(lines))
}
