//! Checking what C hands us: NULL pointers, (pointer, length) UTF-8 text,
//! output pointers. Every exported function validates *all* of its pointer
//! arguments before doing any work, so a call that would fail on a NULL
//! output pointer never has side effects (such as counting an insertion).

use std::ffi::c_char;

use crate::error::FfiError;

/// A required `(ptr, len)` UTF-8 text argument: non-NULL, no NUL byte, valid UTF-8.
///
/// # Safety
/// If `ptr` is not NULL it points to `len` readable bytes that stay valid
/// and unchanged for `'a`.
pub(crate) unsafe fn str_arg<'a>(
    name: &'static str,
    ptr: *const c_char,
    len: usize,
) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::NullParameter(name));
    }
    // SAFETY: ptr is non-NULL; the caller guarantees `len` readable bytes.
    unsafe { checked_str(name, ptr, len) }
}

/// An optional `(ptr, len)` text argument: NULL means "not given" (`len` is
/// then ignored); otherwise as [`str_arg`].
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    name: &'static str,
    ptr: *const c_char,
    len: usize,
) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: ptr is non-NULL; the caller guarantees `len` readable bytes.
    unsafe { checked_str(name, ptr, len) }.map(Some)
}

/// A required `(ptr, len)` byte argument (file contents); NULL is an error.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn bytes_arg<'a>(
    name: &'static str,
    ptr: *const u8,
    len: usize,
) -> Result<&'a [u8], FfiError> {
    if ptr.is_null() {
        return Err(FfiError::NullParameter(name));
    }
    // SAFETY: as `checked_str`.
    unsafe { slice(name, ptr, len) }
}

unsafe fn slice<'a>(name: &'static str, ptr: *const u8, len: usize) -> Result<&'a [u8], FfiError> {
    if len > isize::MAX as usize {
        return Err(FfiError::InvalidArgument {
            name,
            reason: format!("length {len} is larger than any object"),
        });
    }
    // SAFETY: ptr is non-NULL and, by the caller's contract, points to `len`
    // readable bytes valid for 'a; len fits in isize.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

unsafe fn checked_str<'a>(
    name: &'static str,
    ptr: *const c_char,
    len: usize,
) -> Result<&'a str, FfiError> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { slice(name, ptr.cast::<u8>(), len) }?;
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(FfiError::InteriorNul { name, offset });
    }
    std::str::from_utf8(bytes).map_err(|e| FfiError::InvalidUtf8 {
        name,
        offset: e.valid_up_to(),
    })
}

/// A required `const T *` argument.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` for `'a`.
pub(crate) unsafe fn ref_arg<'a, T>(name: &'static str, ptr: *const T) -> Result<&'a T, FfiError> {
    // SAFETY: caller contract.
    unsafe { ptr.as_ref() }.ok_or(FfiError::NullParameter(name))
}

/// A required `T **out` argument. Checked before any work is done; written
/// with [`Out::write`] only once the call has succeeded.
pub(crate) struct Out<T> {
    ptr: *mut T,
}

impl<T> Out<T> {
    /// Check the output pointer.
    pub(crate) fn new(name: &'static str, ptr: *mut T) -> Result<Out<T>, FfiError> {
        if ptr.is_null() {
            return Err(FfiError::NullParameter(name));
        }
        Ok(Out { ptr })
    }

    /// Store the output.
    ///
    /// # Safety
    /// The pointer given to [`Out::new`] is valid for a write of `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL (checked in new); writable by the caller's contract.
        // `write` does not drop whatever garbage the caller left there.
        unsafe { self.ptr.write(value) }
    }
}

/// A boxed value as an owned pointer for C.
pub(crate) fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Free a pointer made by [`boxed`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`boxed`] with the same `T` and was not freed.
pub(crate) unsafe fn free_boxed<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: caller contract.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &[u8]) -> Result<&str, FfiError> {
        unsafe { str_arg("text", b.as_ptr().cast(), b.len()) }
    }

    #[test]
    fn text_arguments_are_checked() {
        assert_eq!(s("ก".as_bytes()).unwrap(), "ก");
        assert_eq!(s(b"").unwrap(), "");
        assert!(matches!(
            s(b"ab\0c"),
            Err(FfiError::InteriorNul { offset: 2, .. })
        ));
        // A lone continuation byte after one valid Thai letter (3 bytes).
        assert!(matches!(
            s(b"\xe0\xb8\x81\x80"),
            Err(FfiError::InvalidUtf8 { offset: 3, .. })
        ));
        // Truncated Thai letter.
        assert!(matches!(
            s(b"\xe0\xb8"),
            Err(FfiError::InvalidUtf8 { offset: 0, .. })
        ));
        assert!(matches!(
            unsafe { str_arg("text", std::ptr::null(), 0) },
            Err(FfiError::NullParameter("text"))
        ));
        assert!(matches!(
            unsafe { opt_str_arg("key", std::ptr::null(), 5) },
            Ok(None)
        ));
    }

    #[test]
    fn null_outputs_are_rejected_before_work() {
        assert!(matches!(
            Out::<*mut u8>::new("out", std::ptr::null_mut()),
            Err(FfiError::NullParameter("out"))
        ));
    }
}
