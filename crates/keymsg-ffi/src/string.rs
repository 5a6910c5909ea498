//! Strings across the boundary.
//!
//! One convention everywhere:
//! - **inputs** are `(const char *ptr, size_t len)` pairs of UTF-8 without NUL
//!   bytes (checked before use);
//! - **outputs** of variable size are library-owned objects (`keymsg_string`,
//!   `keymsg_lines`, `keymsg_result`, ...) that the caller frees with the
//!   type's `_free` function; their contents are read through borrowed
//!   [`keymsg_str`] views, valid until the owning object is freed.
//!
//! Caller buffers with "required size" reporting were rejected on purpose:
//! calls such as `keymsg_engine_footer` *count* an insertion, so asking twice
//! (once for the size, once for the text) would count twice.

use std::ffi::{CStr, c_char};
use std::ptr;

use crate::ffi::{arg_free, arg_opt_ref, boxed};
use crate::panic::guard_value;

/// A borrowed view of bytes owned by keymsg: `len` bytes at `data`.
///
/// Text is UTF-8. `data` is **not** guaranteed to be NUL-terminated (except
/// for the static strings documented as such), so print it with
/// `printf("%.*s", (int)s.len, s.data)` or copy `len` bytes. The view is
/// valid for as long as the function that returned it says (usually: until
/// the owning object is freed). `data` is NULL only when the function
/// documents it (e.g. an index out of range); then `len` is 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct keymsg_str {
    /// First byte; NULL only where documented.
    pub data: *const c_char,
    /// Number of bytes, not counting any terminating NUL.
    pub len: usize,
}

impl keymsg_str {
    /// The "nothing" view: `{NULL, 0}`.
    pub const EMPTY: keymsg_str = keymsg_str {
        data: ptr::null(),
        len: 0,
    };

    /// A view of static, NUL-terminated text.
    pub(crate) fn from_static(s: &'static CStr) -> keymsg_str {
        keymsg_str {
            data: s.as_ptr(),
            len: s.to_bytes().len(),
        }
    }

    /// A view of `s`; the caller guarantees `s` outlives the view's documented lifetime.
    pub(crate) fn borrow(s: &[u8]) -> keymsg_str {
        keymsg_str {
            data: s.as_ptr().cast(),
            len: s.len(),
        }
    }
}

/// A library-owned byte string (UTF-8 text, except where a function says it
/// returns binary data such as an XLSX report).
///
/// Read it with `keymsg_string_get`; free it with `keymsg_string_free`.
/// Immutable once returned: a `const keymsg_string *` may be read from any
/// number of threads at once; freeing must not race with reading.
#[derive(Debug)]
pub struct keymsg_string {
    bytes: Vec<u8>,
}

impl keymsg_string {
    /// A boxed string, ready to hand to C. A NUL byte is appended (not part
    /// of the view's `len`) so text can also be used as a C string.
    pub(crate) fn new_raw(bytes: impl Into<Vec<u8>>) -> *mut keymsg_string {
        let mut bytes = bytes.into();
        bytes.push(0);
        boxed(keymsg_string { bytes })
    }
}

/// The contents of a `keymsg_string`.
///
/// The view is valid until `s` is freed. `data[len]` is always a NUL byte,
/// so text can be used as a C string; binary outputs (XLSX) may contain NUL
/// bytes before that, so use `len` for them.
/// If `s` is NULL, returns `{NULL, 0}`. Thread-safe.
///
/// # Safety
/// `s` is NULL or a live `keymsg_string` returned by keymsg.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_string_get(s: *const keymsg_string) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(s).map_or(keymsg_str::EMPTY, |s| {
            // The view leaves out the NUL that `new_raw` appended.
            keymsg_str::borrow(s.bytes.split_last().map_or(&[], |(_, b)| b))
        })
    })
}

/// Free a `keymsg_string`. NULL is a no-op. After this call `s` and every
/// view obtained from it are invalid.
///
/// # Safety
/// `s` is NULL or a `keymsg_string` returned by keymsg and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_string_free(s: *mut keymsg_string) {
    guard_value((), || arg_free!(s))
}
