//! Selection without layout or counting: which message a request would get,
//! by which rule, and the token to store. This is what the shared selection
//! test vectors (`tests/vectors/selection.json`) check from C.

use std::ffi::c_char;

use keymsg_core::Surface;
use keymsg_core::select::{Request, Selection, hash};

use crate::engine::keymsg_engine;
use crate::enums::{enum_arg, keymsg_key_kind};
use crate::error::FfiError;
use crate::ffi::{arg_free, arg_opt_ref, arg_out, arg_ref, arg_str, boxed};
use crate::panic::{guard, guard_value};
use crate::request::{keymsg_footer_request, keymsg_select_request};
use crate::status::keymsg_status;
use crate::string::{keymsg_str, keymsg_string};

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
/// pop-up calls: footers pass their key as the document key on receipts and
/// invoices and as the subject key on other surfaces, pop-ups the subject
/// key; here both are passed as given.
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
        let engine = arg_ref!(engine)?;
        let out = arg_out!(selection_out)?;
        let req = match arg_opt_ref!(request) {
            // SAFETY: this function's contract: the request's text fields
            // are NULL or point to their lengths' worth of readable bytes.
            Some(r) => unsafe { r.to_core() }?,
            None => Request::new(Surface::Receipt),
        };
        let selection = engine
            .inner
            .selector()
            .select(&req)
            .map_err(keymsg_core::Error::from)?;
        out.write(boxed(keymsg_selection::from(selection)));
        Ok(())
    })
}

/// Explain a selection as JSON: why each catalog message was or was not
/// eligible for a footer like `request` (surface, key, language, instant,
/// sequence; NULL: all defaults) and the rule that chose. The same JSON as
/// `keymsg explain --json` and Python `Engine.explain`: `surface`, `lang`,
/// `at`, `policy`, `tier`, `candidates`, `chosen`, `rule`. Nothing is laid
/// out or counted, and no round-robin counter moves: `chosen` is what the
/// next footer like `request` gets (except under an unseeded `random`
/// policy, whose draws cannot be foretold).
///
/// On success writes a new UTF-8 `keymsg_string` to `*json_out` (free with
/// `keymsg_string_free`). Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT`
/// (bad surface or instant). Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; `request` is NULL or a live request whose text
/// fields obey the (pointer, length) rule; `json_out` is NULL or valid for
/// writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_explain(
    engine: *const keymsg_engine,
    request: *const keymsg_footer_request,
    json_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let out = arg_out!(json_out)?;
        let req = match arg_opt_ref!(request) {
            // SAFETY: this function's contract: the request's text fields
            // are NULL or point to their lengths' worth of readable bytes.
            Some(r) => unsafe { r.to_core() }?,
            None => keymsg_core::FooterRequest::new(),
        };
        out.write(keymsg_string::new_raw(
            engine.inner.explain(&req)?.to_json(),
        ));
        Ok(())
    })
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
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(selection).map_or(keymsg_str::EMPTY, |s| {
            keymsg_str::borrow(s.message_id.as_bytes())
        })
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
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(selection).map_or(keymsg_str::EMPTY, |s| {
            keymsg_str::borrow(s.policy.as_bytes())
        })
    })
}

/// The selection token to store with the document (see
/// `keymsg_engine_replay`). `{NULL, 0}` if `selection` is NULL.
///
/// # Safety
/// `selection` is NULL or a live selection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_selection_token(selection: *const keymsg_selection) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        arg_opt_ref!(selection).map_or(keymsg_str::EMPTY, |s| {
            keymsg_str::borrow(s.token.as_bytes())
        })
    })
}

/// Free a selection. NULL is a no-op.
///
/// # Safety
/// `selection` is NULL or a selection from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_selection_free(selection: *mut keymsg_selection) {
    guard_value((), || arg_free!(selection))
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
        let key = arg_str!(key, key_len)?;
        let out = arg_out!(hash_out)?;
        let h = match enum_arg::<keymsg_key_kind>("kind", kind)? {
            keymsg_key_kind::KEYMSG_KEY_DOCUMENT => hash::sticky_key_hash(key),
            keymsg_key_kind::KEYMSG_KEY_SUBJECT => hash::cycle_key_hash(key),
        };
        let h = h.ok_or_else(|| FfiError::InvalidArgument {
            name: "key",
            reason: "the key is empty once canonicalised (white space only)".into(),
        })?;
        out.write(h);
        Ok(())
    })
}
