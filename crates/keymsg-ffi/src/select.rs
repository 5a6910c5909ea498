//! Selection without layout or counting: which message a request would get,
//! by which rule, and the token to store. This is what the shared selection
//! test vectors (`tests/vectors/selection.json`) check from C.

use std::ffi::c_char;

use keymsg_core::Surface;
use keymsg_core::select::{Request, Selection, hash};

use crate::engine::{keymsg_engine, parse_at, surface_from};
use crate::error::FfiError;
use crate::ffi::{Out, boxed, free_boxed, opt_str_arg, ref_arg, str_arg};
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;
use crate::string::keymsg_str;

/// A selection request for `keymsg_engine_select`. Zero-initialise it and
/// set what you need; NULL / 0 fields take their defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct keymsg_select_request {
    /// A `keymsg_surface`. 0: receipt.
    pub surface: u32,
    /// Language code. NULL: `"th"`.
    pub lang: *const c_char,
    /// Length of `lang` in bytes.
    pub lang_len: usize,
    /// Document key (for `sticky`). NULL: none.
    pub document_key: *const c_char,
    /// Length of `document_key` in bytes.
    pub document_key_len: usize,
    /// Subject key, e.g. a customer or user id (for `cycle`). NULL: none.
    pub subject_key: *const c_char,
    /// Length of `subject_key` in bytes.
    pub subject_key_len: usize,
    /// Whether `sequence` is set.
    pub has_sequence: bool,
    /// Caller's sequence number (for `round-robin`).
    pub sequence: u64,
    /// The instant, RFC 3339. NULL: now.
    pub at: *const c_char,
    /// Length of `at` in bytes.
    pub at_len: usize,
}

/// The outcome of `keymsg_engine_select` (opaque): the message id, the
/// policy that decided and the selection token. Immutable: may be read from
/// any number of threads; free with `keymsg_selection_free`.
#[derive(Debug)]
pub struct keymsg_selection {
    message_id: String,
    policy: String,
    token: String,
}

impl From<Selection> for keymsg_selection {
    fn from(s: Selection) -> Self {
        keymsg_selection {
            message_id: s.message_id,
            policy: s.policy.to_string(),
            token: s.token.as_str().to_owned(),
        }
    }
}

/// Which message `request` would get, without laying it out or counting it
/// (`request` NULL: all defaults). The same selector as the footer and
/// pop-up calls: footers pass the document key, pop-ups the subject key;
/// here both are passed as given.
///
/// On success writes a new `keymsg_selection` to `*selection_out` (free with
/// `keymsg_selection_free`). Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT`
/// (bad surface or instant), `KEYMSG_SELECT_*`. Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; `request` is NULL or a live request whose text
/// fields obey the (pointer, length) rule; `selection_out` is NULL or valid
/// for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_select(
    engine: *const keymsg_engine,
    request: *const keymsg_select_request,
    selection_out: *mut *mut keymsg_selection,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        let out = Out::new("selection_out", selection_out)?;
        // SAFETY: caller contract.
        let req = match unsafe { request.as_ref() } {
            None => Request::new(Surface::Receipt),
            Some(r) => unsafe { select_request(r) }?,
        };
        let selection = engine
            .inner
            .selector()
            .select(&req)
            .map_err(keymsg_core::Error::from)?;
        // SAFETY: caller contract.
        unsafe { out.write(boxed(keymsg_selection::from(selection))) };
        Ok(())
    })
}

/// # Safety
/// The request's text fields obey the (pointer, length) rule.
unsafe fn select_request(r: &keymsg_select_request) -> Result<Request, FfiError> {
    let surface = surface_from(r.surface)?.unwrap_or(Surface::Receipt);
    let mut req = Request::new(surface);
    // SAFETY: caller contract on the fields.
    unsafe {
        if let Some(lang) = opt_str_arg("request.lang", r.lang, r.lang_len)? {
            req = req.lang(lang);
        }
        if let Some(k) = opt_str_arg("request.document_key", r.document_key, r.document_key_len)? {
            req = req.document_key(k);
        }
        if let Some(k) = opt_str_arg("request.subject_key", r.subject_key, r.subject_key_len)? {
            req = req.subject_key(k);
        }
        if let Some(at) = parse_at(opt_str_arg("request.at", r.at, r.at_len)?)? {
            req = req.at(at);
        }
    }
    if r.has_sequence {
        req = req.sequence(r.sequence);
    }
    Ok(req)
}

/// Read a live selection, or return `{NULL, 0}` for NULL.
unsafe fn view(
    s: *const keymsg_selection,
    f: impl FnOnce(&keymsg_selection) -> &str,
) -> keymsg_str {
    // SAFETY: caller contract: NULL or a live selection.
    match unsafe { s.as_ref() } {
        Some(s) => keymsg_str::borrow(f(s).as_bytes()),
        None => keymsg_str::EMPTY,
    }
}

/// The selected message's id. `{NULL, 0}` if `selection` is NULL. The view
/// is valid until the selection is freed.
///
/// # Safety
/// `selection` is NULL or a live selection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_selection_message_id(
    selection: *const keymsg_selection,
) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        view(selection, |s| &s.message_id)
    })
}

/// The policy that decided, after the documented fallbacks (e.g. `sticky`
/// without a document key acts as `round-robin`): `"sticky"`,
/// `"cycle:week"`, `"round-robin"`, ... `{NULL, 0}` if `selection` is NULL.
///
/// # Safety
/// `selection` is NULL or a live selection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_selection_policy(selection: *const keymsg_selection) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        view(selection, |s| &s.policy)
    })
}

/// The selection token to store with the document (see
/// `keymsg_engine_replay`). `{NULL, 0}` if `selection` is NULL.
///
/// # Safety
/// `selection` is NULL or a live selection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_selection_token(selection: *const keymsg_selection) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        view(selection, |s| &s.token)
    })
}

/// Free a selection. NULL is a no-op.
///
/// # Safety
/// `selection` is NULL or a selection from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_selection_free(selection: *mut keymsg_selection) {
    // SAFETY: caller contract.
    guard_value((), || unsafe { free_boxed(selection) })
}

/// Which key hash `keymsg_key_hash` computes (see docs/SELECTION.md).
/// Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_key_kind {
    /// The `sticky` hash of a document key.
    KEYMSG_KEY_DOCUMENT = 1,
    /// The `cycle` hash of a subject key.
    KEYMSG_KEY_SUBJECT = 2,
}

/// The published selection hash of a key: `fmix64(fnv1a64(domain ++
/// canonical(key)))`, so other systems can check or reproduce a choice.
///
/// `kind` is a `keymsg_key_kind`. On success writes the hash to
/// `*hash_out`. Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT` (unknown kind, or a key
/// that is empty once canonicalised, e.g. only spaces: such a key selects
/// as if absent). Thread-safe.
///
/// # Safety
/// `key` is NULL or points to `key_len` bytes; `hash_out` is NULL or valid
/// for writing a `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_key_hash(
    kind: u32,
    key: *const c_char,
    key_len: usize,
    hash_out: *mut u64,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let key = unsafe { str_arg("key", key, key_len) }?;
        let out = Out::new("hash_out", hash_out)?;
        let h = match kind {
            1 => hash::sticky_key_hash(key),
            2 => hash::cycle_key_hash(key),
            other => {
                return Err(FfiError::InvalidArgument {
                    name: "kind",
                    reason: format!("{other} is not a keymsg_key_kind (DOCUMENT = 1, SUBJECT = 2)"),
                });
            }
        };
        let h = h.ok_or_else(|| FfiError::InvalidArgument {
            name: "key",
            reason: "the key is empty once canonicalised (white space only)".into(),
        })?;
        // SAFETY: caller contract.
        unsafe { out.write(h) };
        Ok(())
    })
}
