//! `keymsg_engine`: selection, layout and counting behind one shared handle.

use std::ffi::c_char;

use keymsg_core::{Engine, FooterRequest, PopupRequest};

use crate::ffi::{arg_free, arg_opt_ref, arg_out, arg_ref, arg_str, boxed};
use crate::options::{build_engine, keymsg_engine_options};
use crate::panic::{guard, guard_value};
use crate::request::{keymsg_footer_request, keymsg_popup_request};
use crate::result::keymsg_result;
use crate::status::keymsg_status;

/// Selects, lays out and counts key messages (opaque).
///
/// Thread safety: fully thread-safe. One `const keymsg_engine *` may be
/// shared by any number of threads calling footer, pop-up, replay, flush,
/// record and report at once (counts are exact). Only `keymsg_engine_free`
/// must not race with other calls.
#[derive(Debug)]
pub struct keymsg_engine {
    pub(crate) inner: Engine,
}

/// Create an engine. `options` may be NULL for all defaults.
///
/// On success writes the engine to `*engine_out` (free with
/// `keymsg_engine_free`); on error it is untouched. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_ARGUMENT` (empty agency),
/// `KEYMSG_SELECT_UNKNOWN_POLICY`, `KEYMSG_CATALOG_*` (embedded catalog),
/// `KEYMSG_STORE_*` (cannot open or create the store). Thread-safe.
///
/// # Safety
/// `options` is NULL or a live options object not being modified by another
/// thread; `engine_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_new(
    options: *const keymsg_engine_options,
    engine_out: *mut *mut keymsg_engine,
) -> keymsg_status {
    guard(|| {
        let out = arg_out!(engine_out)?;
        let inner = build_engine(arg_opt_ref!(options))?;
        out.write(boxed(keymsg_engine { inner }));
        Ok(())
    })
}

/// Free an engine. Counts are already durable when a footer or pop-up call
/// returns, so nothing is lost. NULL is a no-op.
///
/// # Safety
/// `engine` is NULL or an engine from keymsg, not yet freed, and no other
/// thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_free(engine: *mut keymsg_engine) {
    guard_value((), || arg_free!(engine))
}

/// The footer for a document: select a message, lay it out for the profile
/// and count the insertion (if the engine has a store). `request` may be
/// NULL for all defaults.
///
/// On success writes a new `keymsg_result` to `*result_out` (free with
/// `keymsg_result_free`); on error nothing is written and nothing counted.
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT` (unknown profile, bad
/// instant or surface), `KEYMSG_SELECT_*`, `KEYMSG_LAYOUT_*`,
/// `KEYMSG_STORE_*` (only when the engine fails closed). Thread-safe.
///
/// # Safety
/// `engine` and `request` are NULL or live; the request's text fields obey
/// the `(pointer, length)` rule; `result_out` is NULL or valid for writing one
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_footer(
    engine: *const keymsg_engine,
    request: *const keymsg_footer_request,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let out = arg_out!(result_out)?;
        let req = match arg_opt_ref!(request) {
            // SAFETY: this function's contract: the request's text fields
            // are NULL or point to their lengths' worth of readable bytes.
            Some(r) => unsafe { r.to_core() }?,
            None => FooterRequest::new(),
        };
        let rendered = engine.inner.footer(&req)?;
        out.write(boxed(keymsg_result { inner: rendered }));
        Ok(())
    })
}

/// The pop-up (title + body) for a subject: select, lay out for the pop-up
/// profile, count. `request` may be NULL for all defaults. Results and
/// errors as `keymsg_engine_footer`.
/// Thread-safe.
///
/// # Safety
/// As `keymsg_engine_footer`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_popup(
    engine: *const keymsg_engine,
    request: *const keymsg_popup_request,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let out = arg_out!(result_out)?;
        let req = match arg_opt_ref!(request) {
            // SAFETY: this function's contract (as `keymsg_engine_footer`):
            // the request's text fields obey the (pointer, length) rule.
            Some(r) => unsafe { r.to_core() }?,
            None => PopupRequest::new(),
        };
        let rendered = engine.inner.popup(&req)?;
        out.write(boxed(keymsg_result { inner: rendered }));
        Ok(())
    })
}

/// Reprint: the message of a selection token (from `keymsg_result_token`)
/// laid out again as `request` asks (profile, width, language; NULL: all
/// defaults), even if the catalog's weights changed since. Stored as a
/// reprint, and counted (`keymsg_result_counted` true) only when the engine
/// counts reprints (`keymsg_engine_options_set_count_reprints`; off by
/// default: the first print was counted).
///
/// Results as `keymsg_engine_footer`. Errors also: `KEYMSG_SELECT_BAD_TOKEN`
/// (malformed token), `KEYMSG_SELECT_UNKNOWN_MESSAGE` (the message is no
/// longer in the catalog). Thread-safe.
///
/// # Safety
/// As `keymsg_engine_footer`; `token` is NULL or points to `token_len` bytes;
/// `request` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_replay(
    engine: *const keymsg_engine,
    token: *const c_char,
    token_len: usize,
    request: *const keymsg_footer_request,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let token = arg_str!(token, token_len)?;
        let out = arg_out!(result_out)?;
        let req = match arg_opt_ref!(request) {
            // SAFETY: this function's contract (as `keymsg_engine_footer`):
            // the request's text fields obey the (pointer, length) rule.
            Some(r) => unsafe { r.to_core() }?,
            None => FooterRequest::new(),
        };
        let rendered = engine.inner.replay(token, &req)?;
        out.write(boxed(keymsg_result { inner: rendered }));
        Ok(())
    })
}

/// An explicit durability barrier (e.g. before exit): every count
/// acknowledged so far is durable when this returns. Counts are already
/// committed when footer and pop-up calls return, so this is rarely needed.
/// A no-op without a store. Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_STORE_*`. Thread-safe.
///
/// # Safety
/// `engine` is NULL or a live engine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_flush(engine: *const keymsg_engine) -> keymsg_status {
    guard(|| {
        arg_ref!(engine)?.inner.flush()?;
        Ok(())
    })
}
