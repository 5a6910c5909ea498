//! The panic guard: every exported function runs its body inside
//! [`guard`] (status-returning functions) or [`guard_value`] (accessors), so
//! a panic becomes `KEYMSG_PANIC` (or the accessor's documented fallback)
//! instead of unwinding into C or aborting the host process.
//!
//! The guard is a call *inside* each function body rather than a macro
//! around the whole function, so cbindgen still sees every signature.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{FfiError, record};
use crate::status::keymsg_status;

/// Run a status-returning body: map its error (or a panic) to a status and
/// record the thread's last error message.
pub(crate) fn guard<F>(body: F) -> keymsg_status
where
    F: FnOnce() -> Result<(), FfiError>,
{
    let result = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => Err(FfiError::Panic(panic_message(payload))),
    };
    // Recording only formats and stores a string; guard it too so that not
    // even an allocation failure turned panic can cross the boundary.
    match catch_unwind(AssertUnwindSafe(|| record(result))) {
        Ok(status) => status,
        Err(payload) => {
            forget_payload(payload);
            keymsg_status::KEYMSG_PANIC
        }
    }
}

/// Run an infallible accessor body; a panic yields `fallback`.
pub(crate) fn guard_value<T, F>(fallback: T, body: F) -> T
where
    F: FnOnce() -> T,
{
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(payload) => {
            forget_payload(payload);
            fallback
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    let msg = if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    };
    forget_payload(payload);
    format!("internal error (panic caught at the C boundary; please report): {msg}")
}

/// Drop a panic payload; a payload whose destructor itself panics is leaked
/// rather than allowed to unwind.
fn forget_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::last_error_string;

    #[test]
    #[allow(clippy::panic)]
    fn panic_becomes_status_and_message() {
        let status = guard(|| panic!("boom {}", 42));
        assert_eq!(status, keymsg_status::KEYMSG_PANIC);
        let msg = last_error_string();
        assert!(msg.contains("boom 42"), "{msg}");
        assert_eq!(guard(|| Ok(())), keymsg_status::KEYMSG_OK);
        assert_eq!(last_error_string(), "");
    }

    #[test]
    #[allow(clippy::panic)]
    fn accessor_panic_gives_fallback() {
        assert_eq!(guard_value(7usize, || panic!("static str")), 7);
        assert_eq!(guard_value(7usize, || 3), 3);
    }
}
