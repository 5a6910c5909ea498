//! Checking what C hands us: NULL pointers, (pointer, length) UTF-8 text,
//! output pointers. Every exported function validates *all* of its pointer
//! arguments before doing any work, so a call that would fail on a NULL
//! output pointer never has side effects (such as counting an insertion).
//!
//! This module holds every read through a pointer that C gave us. The
//! `unsafe fn`s below do the reads, each under a stated contract; the
//! `arg_*!` macros apply them to a *parameter* of an exported function,
//! whose `# Safety` section is what makes the contract hold. The macros take
//! a parameter name (`ident`), not an expression, so that they cannot be
//! pointed at some other pointer by accident, and they name the parameter
//! in the error (`parameter `engine` is NULL`).

use std::ffi::c_char;

use crate::error::FfiError;

/// A required `const T *` argument.
///
/// # Safety
/// `ptr` is NULL or points to a live, aligned `T` that nothing mutates or
/// frees for `'a`.
pub(crate) unsafe fn ref_arg<'a, T>(name: &'static str, ptr: *const T) -> Result<&'a T, FfiError> {
    // SAFETY: `as_ref` turns NULL into `None`; any other value points to a
    // live, aligned `T` left untouched for 'a, as this function requires.
    unsafe { ptr.as_ref() }.ok_or(FfiError::NullParameter(name))
}

/// A required `T *` argument that the call mutates.
///
/// # Safety
/// `ptr` is NULL or points to a live, aligned `T` that nothing else reads,
/// mutates or frees for `'a` (the object is used by one thread at a time).
pub(crate) unsafe fn mut_arg<'a, T>(
    name: &'static str,
    ptr: *mut T,
) -> Result<&'a mut T, FfiError> {
    // SAFETY: `as_mut` turns NULL into `None`; any other value points to a
    // live, aligned `T` to which this call has exclusive access for 'a, as
    // this function requires.
    unsafe { ptr.as_mut() }.ok_or(FfiError::NullParameter(name))
}

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
    // SAFETY: `ptr` is not NULL (checked above) and, by this function's
    // contract, points to `len` readable bytes valid for 'a.
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
    // SAFETY: `ptr` is not NULL (checked above) and, by this function's
    // contract, points to `len` readable bytes valid for 'a.
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
    // SAFETY: `ptr` is not NULL (checked above) and, by this function's
    // contract, points to `len` readable bytes valid for 'a.
    unsafe { slice(name, ptr, len) }
}

/// # Safety
/// `ptr` is not NULL and points to `len` readable bytes valid and unchanged for `'a`.
unsafe fn slice<'a>(name: &'static str, ptr: *const u8, len: usize) -> Result<&'a [u8], FfiError> {
    if len > isize::MAX as usize {
        return Err(FfiError::InvalidArgument {
            name,
            reason: format!("length {len} is larger than any object"),
        });
    }
    // SAFETY: `from_raw_parts` needs a non-NULL pointer to `len` initialised
    // bytes that are not mutated for 'a (this function's contract) and a
    // total size of at most isize::MAX (checked above). Bytes have
    // alignment 1, so any pointer is aligned.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// # Safety
/// As [`slice`].
unsafe fn checked_str<'a>(
    name: &'static str,
    ptr: *const c_char,
    len: usize,
) -> Result<&'a str, FfiError> {
    // SAFETY: `c_char` and `u8` have the same size and alignment; the
    // pointer and length come with `slice`'s contract from our caller.
    let bytes = unsafe { slice(name, ptr.cast::<u8>(), len) }?;
    // `contains` finds a byte with memchr (a text is searched whole on
    // every call); the offset is looked for only to report one.
    if bytes.contains(&0) {
        let offset = bytes.iter().position(|&b| b == 0).unwrap_or_default();
        return Err(FfiError::InteriorNul { name, offset });
    }
    // The vector check first; std's, which says where the bad byte is,
    // only for the error.
    simdutf8::basic::from_utf8(bytes).or_else(|_| {
        std::str::from_utf8(bytes).map_err(|e| FfiError::InvalidUtf8 {
            name,
            offset: e.valid_up_to(),
        })
    })
}

/// A required `T *out` argument. Checked before any work is done; written
/// with [`Out::write`] only once the call has succeeded.
pub(crate) struct Out<T> {
    ptr: *mut T,
}

impl<T> Out<T> {
    /// Check the output pointer.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for one write of a `T` (aligned, allocated)
    /// until the exported function returns. The `Out` must not outlive that
    /// call: it is made and used inside one function body.
    pub(crate) unsafe fn new(name: &'static str, ptr: *mut T) -> Result<Out<T>, FfiError> {
        if ptr.is_null() {
            return Err(FfiError::NullParameter(name));
        }
        Ok(Out { ptr })
    }

    /// Store the output; consumes the `Out`, so it is written at most once.
    pub(crate) fn write(self, value: T) {
        // SAFETY: `ptr` is not NULL (checked in `new`) and valid for a
        // write of `T` during the call, which is `new`'s contract.
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
/// `ptr` is NULL or came from [`boxed`] with the same `T`, was not freed
/// yet, and no other thread is using it.
pub(crate) unsafe fn free_boxed<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: `ptr` came from `Box::into_raw` (in `boxed`) for this `T`
        // and is freed only once, with no other user: this function's contract.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// `const T *param` → `Result<&T, FfiError>`: NULL is `KEYMSG_NULL_PARAMETER`.
macro_rules! arg_ref {
    ($p:ident) => {{
        let ptr = $p;
        // SAFETY: `$p` is a parameter of the exported function this expands
        // in, whose `# Safety` section requires it to be NULL or a live
        // object that is not freed during the call; `ref_arg` handles NULL.
        unsafe { $crate::ffi::ref_arg(stringify!($p), ptr) }
    }};
}

/// `const T *param` → `Option<&T>`, for parameters where NULL has a meaning
/// (all defaults, or an accessor's documented fallback).
macro_rules! arg_opt_ref {
    ($p:ident) => {{
        let ptr = $p;
        // SAFETY: `$p` is a parameter of the exported function this expands
        // in, whose `# Safety` section requires it to be NULL or a live
        // object that is not freed during the call; NULL becomes `None`.
        unsafe { ptr.as_ref() }
    }};
}

/// `T *param` → `Result<&mut T, FfiError>` (objects documented as used by one
/// thread at a time, such as `keymsg_engine_options`).
macro_rules! arg_mut {
    ($p:ident) => {{
        let ptr = $p;
        // SAFETY: `$p` is a parameter of the exported function this expands
        // in, whose `# Safety` section requires it to be NULL or a live
        // object used by no other thread during the call; `mut_arg` handles NULL.
        unsafe { $crate::ffi::mut_arg(stringify!($p), ptr) }
    }};
}

/// `(const char *param, size_t len)` → `Result<&str, FfiError>`: the
/// required UTF-8 text checks of [`str_arg`](crate::ffi::str_arg).
macro_rules! arg_str {
    ($p:ident, $len:ident) => {{
        let (ptr, len) = ($p, $len);
        // SAFETY: `$p` and `$len` are parameters of the exported function
        // this expands in, whose `# Safety` section requires `$p` to be NULL
        // or to point to `$len` readable bytes for the call.
        unsafe { $crate::ffi::str_arg(stringify!($p), ptr, len) }
    }};
}

/// As `arg_str!`, but NULL means "not given" (`Ok(None)`).
macro_rules! arg_opt_str {
    ($p:ident, $len:ident) => {{
        let (ptr, len) = ($p, $len);
        // SAFETY: `$p` and `$len` are parameters of the exported function
        // this expands in, whose `# Safety` section requires `$p` to be NULL
        // or to point to `$len` readable bytes for the call.
        unsafe { $crate::ffi::opt_str_arg(stringify!($p), ptr, len) }
    }};
}

/// `(const uint8_t *param, size_t len)` → `Result<&[u8], FfiError>`.
macro_rules! arg_bytes {
    ($p:ident, $len:ident) => {{
        let (ptr, len) = ($p, $len);
        // SAFETY: `$p` and `$len` are parameters of the exported function
        // this expands in, whose `# Safety` section requires `$p` to be NULL
        // or to point to `$len` readable bytes for the call.
        unsafe { $crate::ffi::bytes_arg(stringify!($p), ptr, len) }
    }};
}

/// `T *param_out` → `Result<Out<T>, FfiError>`: checked before any work.
macro_rules! arg_out {
    ($p:ident) => {{
        let ptr = $p;
        // SAFETY: `$p` is a parameter of the exported function this expands
        // in, whose `# Safety` section requires it to be NULL or valid for
        // writing one value; the `Out` is used only inside that call.
        unsafe { $crate::ffi::Out::new(stringify!($p), ptr) }
    }};
}

/// Free the object passed as `param` to a `keymsg_<type>_free` function.
macro_rules! arg_free {
    ($p:ident) => {{
        let ptr = $p;
        // SAFETY: `$p` is the parameter of a `keymsg_<type>_free` function,
        // whose `# Safety` section requires it to be NULL or an object that
        // keymsg returned (made by `boxed`), not yet freed and not in use by
        // another thread.
        unsafe { $crate::ffi::free_boxed(ptr) }
    }};
}

pub(crate) use {
    arg_bytes, arg_free, arg_mut, arg_opt_ref, arg_opt_str, arg_out, arg_ref, arg_str,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &[u8]) -> Result<&str, FfiError> {
        // SAFETY: `b` is a live slice: `len` readable bytes for the call.
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
        // SAFETY: NULL is allowed and rejected before any read.
        let null = unsafe { str_arg("text", std::ptr::null(), 0) };
        assert!(matches!(null, Err(FfiError::NullParameter("text"))));
        // SAFETY: NULL is allowed and means "not given"; `len` is not read.
        let absent = unsafe { opt_str_arg("key", std::ptr::null(), 5) };
        assert!(matches!(absent, Ok(None)));
    }

    /// The vector check agrees with std's on texts longer than its blocks:
    /// every byte of a Thai text with ASCII in it, replaced in turn by a
    /// byte that breaks the UTF-8 there, gives std's verdict and offset.
    #[test]
    fn long_texts_are_checked_like_std() {
        let text = "โทร 1441 ทันทีถ้าสงสัยว่าถูกหลอก อย่าโอนเงินให้คนที่ไม่รู้จัก ".repeat(4);
        assert_eq!(s(text.as_bytes()).unwrap(), text);
        for k in 0..text.len() {
            for bad in [0xFF, 0x80, 0xE0] {
                let mut bytes = text.clone().into_bytes();
                if let Some(b) = bytes.get_mut(k) {
                    *b = bad;
                }
                match (s(&bytes), std::str::from_utf8(&bytes)) {
                    (Ok(ours), Ok(std)) => assert_eq!(ours, std),
                    (Err(FfiError::InvalidUtf8 { offset, .. }), Err(e)) => {
                        assert_eq!(offset, e.valid_up_to(), "byte {k} set to {bad:#x}");
                    }
                    (ours, std) => panic!("byte {k} set to {bad:#x}: {ours:?} against {std:?}"),
                }
            }
        }
    }

    #[test]
    fn null_outputs_are_rejected_before_work() {
        // SAFETY: NULL is allowed and rejected; nothing is written.
        let out = unsafe { Out::<*mut u8>::new("out", std::ptr::null_mut()) };
        assert!(matches!(out, Err(FfiError::NullParameter("out"))));
    }
}
