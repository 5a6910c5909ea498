//! Footers for legacy printers: encoded to TIS-620 or CP874 *before* they
//! are counted, so a footer the printer cannot take is an error and never a
//! count.

use keymsg_core::layout::Encoding;

use keymsg_core::FooterRequest;

use crate::engine::keymsg_engine;
use crate::enums::{c_enum_from_u32, enum_arg};
use crate::ffi::{arg_opt_ref, arg_out, arg_ref, boxed};
use crate::panic::{guard, guard_value};
use crate::request::keymsg_footer_request;
use crate::result::keymsg_result;
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

c_enum_from_u32!(
    keymsg_encoding,
    "a keymsg_encoding (KEYMSG_ENCODING_UTF8 = 1, KEYMSG_ENCODING_TIS620 = 2, KEYMSG_ENCODING_CP874 = 3)",
    [
        KEYMSG_ENCODING_UTF8,
        KEYMSG_ENCODING_TIS620,
        KEYMSG_ENCODING_CP874
    ]
);

impl From<keymsg_encoding> for Encoding {
    fn from(e: keymsg_encoding) -> Encoding {
        match e {
            keymsg_encoding::KEYMSG_ENCODING_UTF8 => Encoding::Utf8,
            keymsg_encoding::KEYMSG_ENCODING_TIS620 => Encoding::Tis620,
            keymsg_encoding::KEYMSG_ENCODING_CP874 => Encoding::Cp874,
        }
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
        let engine = arg_ref!(engine)?;
        let out = arg_out!(result_out)?;
        let mut req = match arg_opt_ref!(request) {
            // SAFETY: this function's contract: the request's text fields
            // are NULL or point to their lengths' worth of readable bytes.
            Some(r) => unsafe { r.to_core() }?,
            None => FooterRequest::new(),
        };
        req.encoding = Some(enum_arg::<keymsg_encoding>("encoding", encoding)?.into());
        let rendered = engine.inner.footer(&req)?;
        out.write(boxed(keymsg_result { inner: rendered }));
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
    guard_value(keymsg_str::EMPTY, || match arg_opt_ref!(result) {
        Some(r) => keymsg_str::borrow(r.inner.bytes()),
        None => keymsg_str::EMPTY,
    })
}
