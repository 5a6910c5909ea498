//! Counted means delivered, from C: the engine counts, hands the footer to
//! the caller's `deliver` callback, and withdraws the count when the
//! callback reports that the hand-over failed (a printer write, a socket).

use std::ffi::c_void;

use keymsg_core::{FooterRequest, PopupRequest, Rendered, Undelivered};

use crate::engine::keymsg_engine;
use crate::error::FfiError;
use crate::ffi::{arg_opt_ref, arg_out, arg_ref, boxed};
use crate::panic::guard;
use crate::request::{keymsg_footer_request, keymsg_popup_request};
use crate::result::keymsg_result;
use crate::status::keymsg_status;

/// The caller's hand-over of a footer or pop-up: print `result` (or send
/// it) and return 0 when it was delivered whole, anything else when it was
/// not. `result` is valid only during the call: read it, do not free it or
/// keep it. `user_data` is what the caller passed along. It may call keymsg
/// again (the same engine included), but must not free the engine, and must
/// not throw a C++ exception or `longjmp` out: catch, and return non-zero
/// (an exception unwinding through keymsg aborts the process).
pub type keymsg_deliver_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, result: *const keymsg_result) -> i32>;

/// Call the caller's `deliver` on a rendered footer: `Err(code)` when it
/// reports a failure.
fn hand_over(
    deliver: unsafe extern "C" fn(*mut c_void, *const keymsg_result) -> i32,
    user_data: *mut c_void,
    rendered: &Rendered,
) -> Result<(), i32> {
    // A result of its own for the callback to read with the accessors (a
    // copy: the engine keeps the footer it returns on success).
    let view = keymsg_result {
        inner: rendered.clone(),
    };
    // SAFETY: the caller's contract for `deliver` (a valid function that
    // reads `result` only during the call); `view` lives across the call.
    let code = unsafe { deliver(user_data, &view) };
    if code == 0 { Ok(()) } else { Err(code) }
}

/// What a failed hand-over becomes at the boundary.
fn undelivered(e: Undelivered<i32>) -> FfiError {
    match e {
        Undelivered::Engine(e) => e.into(),
        Undelivered::Delivery {
            error, withdrawn, ..
        } => match withdrawn {
            Ok(withdrawn) => FfiError::Undelivered {
                code: error,
                withdrawn,
            },
            Err(cause) => FfiError::WithdrawFailed { code: error, cause },
        },
        // A kind this layer does not know yet (newer core).
        _ => FfiError::InvalidArgument {
            name: "deliver",
            reason: "not delivered".into(),
        },
    }
}

/// `keymsg_engine_footer`, then `deliver(user_data, result)`: the footer is
/// counted, handed to `deliver`, and if `deliver` returns non-zero its count
/// is withdrawn (the counter goes back down and the idempotency key is
/// forgotten, so a retry counts again). What is counted is what was
/// delivered; the one window left is a crash between the count and the end
/// of `deliver`.
///
/// On success (`deliver` returned 0) writes the result to `*result_out`
/// (free with `keymsg_result_free`). Errors: those of `keymsg_engine_footer`
/// (nothing counted, `deliver` not called); `KEYMSG_UNDELIVERED` when
/// `deliver` failed (the count was withdrawn, or nothing had been counted:
/// the message says which); a `KEYMSG_STORE_*` status when `deliver`
/// failed and withdrawing the count failed too (the message says so: the
/// store then counts one footer that was not delivered). Nothing is
/// written to `*result_out` on error. Thread-safe (`deliver` runs on the
/// calling thread).
///
/// # Safety
/// As `keymsg_engine_footer`; `deliver` is NULL or a function that may be
/// called once with `user_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_footer_delivered(
    engine: *const keymsg_engine,
    request: *const keymsg_footer_request,
    deliver: keymsg_deliver_fn,
    user_data: *mut c_void,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let deliver = deliver.ok_or(FfiError::NullParameter("deliver"))?;
        let out = arg_out!(result_out)?;
        let req = match arg_opt_ref!(request) {
            // SAFETY: this function's contract: the request's text fields
            // obey the (pointer, length) rule.
            Some(r) => unsafe { r.to_core() }?,
            None => FooterRequest::new(),
        };
        let rendered = engine
            .inner
            .footer_delivered(&req, |r| hand_over(deliver, user_data, r))
            .map_err(undelivered)?;
        out.write(boxed(keymsg_result { inner: rendered }));
        Ok(())
    })
}

/// `keymsg_engine_popup`, then `deliver`, as `keymsg_engine_footer_delivered`
/// does for a footer: a pop-up whose hand-over fails is not counted.
/// Results and errors as `keymsg_engine_footer_delivered`. Thread-safe.
///
/// # Safety
/// As `keymsg_engine_footer_delivered`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_popup_delivered(
    engine: *const keymsg_engine,
    request: *const keymsg_popup_request,
    deliver: keymsg_deliver_fn,
    user_data: *mut c_void,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let deliver = deliver.ok_or(FfiError::NullParameter("deliver"))?;
        let out = arg_out!(result_out)?;
        let req = match arg_opt_ref!(request) {
            // SAFETY: as `keymsg_engine_footer_delivered`.
            Some(r) => unsafe { r.to_core() }?,
            None => PopupRequest::new(),
        };
        let rendered = engine
            .inner
            .popup_delivered(&req, |r| hand_over(deliver, user_data, r))
            .map_err(undelivered)?;
        out.write(boxed(keymsg_result { inner: rendered }));
        Ok(())
    })
}
