//! Footers for legacy printers: encoded to TIS-620 or CP874 *before* they
//! are counted, so a footer the printer cannot take is an error and never a
//! count.

use keymsg_core::layout::Encoding;

use crate::engine::{footer_request, keymsg_engine, keymsg_footer_request, keymsg_result};
use crate::error::FfiError;
use crate::ffi::{Out, boxed, ref_arg};
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;
use crate::string::keymsg_str;

/// A printer's byte encoding (`keymsg_engine_footer_encoded`). Passed as a
/// `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_encoding {
    /// UTF-8 (every character).
    KEYMSG_ENCODING_UTF8 = 1,
    /// TIS-620: ASCII and Thai; a cut ends with `...` (it has no `…`).
    KEYMSG_ENCODING_TIS620 = 2,
    /// Windows code page 874: TIS-620 plus € … ‘ ’ “ ” • – — and no-break space.
    KEYMSG_ENCODING_CP874 = 3,
}

fn encoding_from(n: u32) -> Result<Encoding, FfiError> {
    match n {
        1 => Ok(Encoding::Utf8),
        2 => Ok(Encoding::Tis620),
        3 => Ok(Encoding::Cp874),
        other => Err(FfiError::InvalidArgument {
            name: "encoding",
            reason: format!("{other} is not a keymsg_encoding (UTF8 = 1, TIS620 = 2, CP874 = 3)"),
        }),
    }
}

/// `keymsg_engine_footer` for a printer that speaks `encoding` (a
/// `keymsg_encoding`): the footer is laid out and encoded before the
/// insertion is counted — `keymsg_result_encoded` gives the bytes to send —
/// so a message the encoding cannot hold fails with
/// `KEYMSG_LAYOUT_UNENCODABLE` (the message names the catalog message and
/// the character) and nothing is counted.
///
/// Errors: those of `keymsg_engine_footer`, and `KEYMSG_INVALID_ARGUMENT`
/// for an unknown encoding. Thread-safe.
///
/// # Safety
/// As `keymsg_engine_footer`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_footer_encoded(
    engine: *const keymsg_engine,
    request: *const keymsg_footer_request,
    encoding: u32,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        let out = Out::new("result_out", result_out)?;
        // SAFETY: caller contract.
        let mut req = unsafe { footer_request(request) }?;
        req.encoding = Some(encoding_from(encoding)?);
        let rendered = engine.inner.footer(&req)?;
        // SAFETY: caller contract.
        unsafe { out.write(boxed(keymsg_result { inner: rendered })) };
        Ok(())
    })
}

/// The bytes to print: the text in the encoding asked for with
/// `keymsg_engine_footer_encoded` (lines separated by `\n`, 0x0A), else the
/// UTF-8 text. `{NULL, 0}` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_encoded(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        // SAFETY: caller contract: NULL or a live result.
        match unsafe { result.as_ref() } {
            Some(r) => keymsg_str::borrow(r.inner.bytes()),
            None => keymsg_str::EMPTY,
        }
    })
}
