//! The monthly form: counts entered by hand (`keymsg_engine_record`) and
//! the report (`keymsg_engine_report`).

use std::ffi::c_char;

use keymsg_core::YearMonth;
use keymsg_core::report::Report;

use crate::engine::keymsg_engine;
use crate::enums::keymsg_report_format::*;
use crate::enums::{enum_arg, keymsg_channel, keymsg_report_format};
use crate::error::FfiError;
use crate::ffi::{arg_out, arg_ref, arg_str};
use crate::panic::guard;
use crate::status::keymsg_status;
use crate::string::keymsg_string;

/// A `"YYYY-MM"` month argument.
pub(crate) fn month_arg(text: &str) -> Result<YearMonth, FfiError> {
    text.parse::<YearMonth>()
        .map_err(|e| FfiError::InvalidArgument {
            name: "month",
            reason: e.to_string(),
        })
}

/// Record a count entered by hand for one column of the monthly form
/// (`channel` is a `keymsg_channel`) and month (`"YYYY-MM"`), for the
/// message `message_id`, under the engine's agency. Replaces an earlier
/// entry for the same month, channel and message. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`,
/// `KEYMSG_INVALID_ARGUMENT` (bad month or channel; the engine has no
/// store), `KEYMSG_STORE_*`. Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; each `(pointer, length)` pair is NULL or points
/// to that many bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_record(
    engine: *const keymsg_engine,
    month: *const c_char,
    month_len: usize,
    channel: u32,
    message_id: *const c_char,
    message_id_len: usize,
    count: u64,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let month = arg_str!(month, month_len)?;
        let message_id = arg_str!(message_id, message_id_len)?;
        let month = month_arg(month)?;
        let channel = enum_arg::<keymsg_channel>("channel", channel)?;
        engine
            .inner
            .record(month, channel.into(), message_id, count)?;
        Ok(())
    })
}

/// The monthly report for `month` (`"YYYY-MM"`) in `format` (a
/// `keymsg_report_format`): JSON, CSV and Markdown are UTF-8 text, XLSX is
/// a binary workbook (use the view's `len`; it may contain NUL bytes).
///
/// On success writes a new `keymsg_string` to `*report_out` (free with
/// `keymsg_string_free`). Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT`
/// (bad month or format; the engine has no store), `KEYMSG_STORE_*`,
/// `KEYMSG_REPORT_*`. Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; `month` is NULL or points to `month_len` bytes;
/// `report_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_report(
    engine: *const keymsg_engine,
    month: *const c_char,
    month_len: usize,
    format: u32,
    report_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let month = arg_str!(month, month_len)?;
        let out = arg_out!(report_out)?;
        let month = month_arg(month)?;
        // `format` is checked after the report is built (building has no
        // side effects): checking it first would change which status a call
        // with a bad format and a failing store returns.
        let report = engine.inner.report(month)?;
        out.write(keymsg_string::new_raw(report_bytes(&report, format)?));
        Ok(())
    })
}

/// `report` in `format` (a `keymsg_report_format`), for the report calls.
pub(crate) fn report_bytes(report: &Report, format: u32) -> Result<Vec<u8>, FfiError> {
    Ok(match enum_arg::<keymsg_report_format>("format", format)? {
        KEYMSG_REPORT_FORMAT_JSON => report.to_json().into_bytes(),
        KEYMSG_REPORT_FORMAT_CSV => report.to_csv().into_bytes(),
        KEYMSG_REPORT_FORMAT_MARKDOWN => report.to_markdown().into_bytes(),
        KEYMSG_REPORT_FORMAT_XLSX => report.to_xlsx_bytes().map_err(keymsg_core::Error::from)?,
    })
}
