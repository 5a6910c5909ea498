//! The monthly form: counts entered by hand (`keymsg_engine_record`), the
//! report (`keymsg_engine_report`, `keymsg_engine_report_signed`) and the
//! monitoring counters (`keymsg_engine_metrics`).

use std::ffi::c_char;

use keymsg_core::YearMonth;
use keymsg_core::report::{FormOptions, Report, Signature};

use crate::engine::keymsg_engine;
use crate::enums::keymsg_report_format::*;
use crate::enums::{enum_arg, keymsg_channel, keymsg_report_format};
use crate::error::FfiError;
use crate::ffi::{arg_opt_ref, arg_out, arg_ref, arg_str, opt_str_arg};
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

/// The store's all-time counters in the Prometheus text format, for
/// monitoring (`keymsg_insertions_total`, `keymsg_reprints_total`, labelled
/// by agency, surface, kind and message, and `keymsg_store_writer_files`);
/// the monthly form comes from `keymsg_engine_report`.
///
/// On success writes a new UTF-8 `keymsg_string` to `*text_out` (free with
/// `keymsg_string_free`). Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_ARGUMENT` (the engine has no store), `KEYMSG_STORE_*`.
/// Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; `text_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_metrics(
    engine: *const keymsg_engine,
    text_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let out = arg_out!(text_out)?;
        out.write(keymsg_string::new_raw(engine.inner.metrics()?));
        Ok(())
    })
}

/// The signature block of a report (`keymsg_engine_report_signed`).
/// Zero-initialise it and set what you need; NULL fields stay empty (the
/// office signs by hand). Text fields are `(pointer, length)` UTF-8.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct keymsg_report_signature {
    /// Name of the reporter (ผู้รายงาน). NULL: none.
    pub reporter: *const c_char,
    /// Length of `reporter` in bytes.
    pub reporter_len: usize,
    /// The reporter's position (ตำแหน่ง). NULL: none.
    pub position: *const c_char,
    /// Length of `position` in bytes.
    pub position_len: usize,
    /// Date signed, `"YYYY-MM-DD"` (Common Era), from the first day of the
    /// reported month to two years after its last day (March 2026:
    /// 2026-03-01 to 2028-03-31). NULL: none.
    pub signed_on: *const c_char,
    /// Length of `signed_on` in bytes.
    pub signed_on_len: usize,
}

/// As `keymsg_engine_report`, with the form's signature block filled in
/// from `signature` (NULL: left empty, as `keymsg_engine_report`).
///
/// Errors: those of `keymsg_engine_report`, and `KEYMSG_INVALID_ARGUMENT`
/// for a `signed_on` that is not a `YYYY-MM-DD` date (named
/// `signature.signed_on`) or is outside the month's window (named
/// `signed_on`). Thread-safe.
///
/// # Safety
/// As `keymsg_engine_report`; `signature` is NULL or a live struct whose
/// text fields are NULL or point to their lengths' worth of readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_report_signed(
    engine: *const keymsg_engine,
    month: *const c_char,
    month_len: usize,
    format: u32,
    signature: *const keymsg_report_signature,
    report_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let month = arg_str!(month, month_len)?;
        let out = arg_out!(report_out)?;
        let month = month_arg(month)?;
        let sig = match arg_opt_ref!(signature) {
            // SAFETY: this function's contract: every text field is NULL or
            // points to its length's worth of readable bytes.
            Some(s) => unsafe { s.to_core() }?,
            None => Signature::default(),
        };
        // `report_with` checks the date signed against the month.
        let report = engine
            .inner
            .report_with(month, &FormOptions::new().signature(sig))?;
        out.write(keymsg_string::new_raw(report_bytes(&report, format)?));
        Ok(())
    })
}

impl keymsg_report_signature {
    /// The core signature; fields are checked in declaration order.
    ///
    /// # Safety
    /// Every text field is NULL or points to its `_len` readable bytes.
    unsafe fn to_core(self) -> Result<Signature, FfiError> {
        // SAFETY: the caller's contract above (each field NULL or readable).
        let reporter =
            unsafe { opt_str_arg("signature.reporter", self.reporter, self.reporter_len) }?;
        // SAFETY: as above.
        let position =
            unsafe { opt_str_arg("signature.position", self.position, self.position_len) }?;
        // SAFETY: as above.
        let signed_on =
            unsafe { opt_str_arg("signature.signed_on", self.signed_on, self.signed_on_len) }?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let date = signed_on
            .map(|d| {
                time::Date::parse(d, &fmt).map_err(|_| FfiError::InvalidArgument {
                    name: "signature.signed_on",
                    reason: format!("`{d}` is not a date (use YYYY-MM-DD)"),
                })
            })
            .transpose()?;
        Ok(Signature {
            reporter: reporter.map(str::to_owned),
            position: position.map(str::to_owned),
            date,
        })
    }
}
