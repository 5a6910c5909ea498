//! The monthly form from C: free-text rows for the other channels, and the
//! report with its options (the compact form, the signature block).

use std::ffi::c_char;

use keymsg_core::report::{FormOptions, Report};

use crate::engine::keymsg_engine;
use crate::enums::{enum_arg, keymsg_channel};
use crate::error::FfiError;
use crate::ffi::{arg_free, arg_mut, arg_opt_ref, arg_out, arg_ref, arg_str, boxed};
use crate::panic::{guard, guard_value};
use crate::report::{month_arg, report_bytes};
use crate::status::keymsg_status;
use crate::string::keymsg_string;

/// Record a count entered by hand for content that is not in the catalog —
/// a community radio spot, a meeting — as a row of its own on the form, for
/// one column (`channel`, a `keymsg_channel`) and month (`"YYYY-MM"`), under
/// the engine's agency. The same content again in the month (white space
/// does not matter) replaces its count. Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT`
/// (bad month or channel; empty content, more than 500 characters or a
/// control character; the engine has no store), `KEYMSG_STORE_*`.
/// Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; each `(pointer, length)` pair is NULL or points
/// to that many bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_record_content(
    engine: *const keymsg_engine,
    month: *const c_char,
    month_len: usize,
    channel: u32,
    content: *const c_char,
    content_len: usize,
    count: u64,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let month = arg_str!(month, month_len)?;
        let content = arg_str!(content, content_len)?;
        let month = month_arg(month)?;
        let channel = enum_arg::<keymsg_channel>("channel", channel)?;
        engine
            .inner
            .record_content(month, channel.into(), content, count)?;
        Ok(())
    })
}

/// How `keymsg_engine_report_with` builds the form (opaque, set with
/// setters). Defaults: the engine's agency, every row, an empty signature
/// block (dotted lines to sign by hand).
///
/// Thread safety: not synchronised; use from one thread at a time. Only
/// read during `keymsg_engine_report_with`, so it may be freed right after.
#[derive(Debug, Default)]
pub struct keymsg_report_options {
    inner: FormOptions,
    agency: AgencyChoice,
}

/// Whose counts the form adds up.
#[derive(Debug, Default)]
enum AgencyChoice {
    /// The engine's agency.
    #[default]
    Engine,
    /// Another agency or unit counting into the same store.
    Named(String),
    /// Every agency in the store (headed ทุกหน่วยงาน when there are several).
    All,
}

/// Create report options with every setting at its default. On success
/// writes them to `*options_out` (free with `keymsg_report_options_free`).
/// Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_new(
    options_out: *mut *mut keymsg_report_options,
) -> keymsg_status {
    guard(|| {
        let out = arg_out!(options_out)?;
        out.write(boxed(keymsg_report_options::default()));
        Ok(())
    })
}

/// Free report options. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or report options from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_free(options: *mut keymsg_report_options) {
    guard_value((), || arg_free!(options))
}

/// Leave out rows with nothing in any column (the compact form agencies
/// file). Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or live report options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_set_omit_zero_rows(
    options: *mut keymsg_report_options,
    omit: bool,
) -> keymsg_status {
    guard(|| {
        let o = &mut arg_mut!(options)?.inner;
        o.omit_zero_rows = omit;
        Ok(())
    })
}

/// Report another agency or unit that counts into the engine's store
/// (UTF-8), instead of the engine's own: what `keymsg report --agency` and
/// Python's `keymsg.report(agency=)` do. Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT`
/// (empty; the options are then unchanged). A control character is refused
/// by `keymsg_engine_report_with`.
///
/// # Safety
/// `options` is NULL or live; `agency` is NULL or points to `agency_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_set_agency(
    options: *mut keymsg_report_options,
    agency: *const c_char,
    agency_len: usize,
) -> keymsg_status {
    guard(|| {
        let agency = arg_str!(agency, agency_len)?;
        let o = arg_mut!(options)?;
        let Some(agency) = named(agency) else {
            return Err(FfiError::InvalidArgument {
                name: "agency",
                reason: "is empty".into(),
            });
        };
        o.agency = AgencyChoice::Named(agency);
        Ok(())
    })
}

/// Report every agency in the engine's store together (the form is headed
/// with the agency's name, or ทุกหน่วยงาน for several): what `keymsg report`
/// without `--agency` and Python's `keymsg.report(agency=None)` do. Errors:
/// `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or live report options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_set_all_agencies(
    options: *mut keymsg_report_options,
) -> keymsg_status {
    guard(|| {
        arg_mut!(options)?.agency = AgencyChoice::All;
        Ok(())
    })
}

/// A signature-block text: trimmed; empty means "leave the dotted line".
fn named(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The reporter's name in the signature block (UTF-8). Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `name` is NULL or points to `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_set_reporter(
    options: *mut keymsg_report_options,
    name: *const c_char,
    name_len: usize,
) -> keymsg_status {
    guard(|| {
        let name = arg_str!(name, name_len)?;
        let o = &mut arg_mut!(options)?.inner;
        o.signature.reporter = named(name);
        Ok(())
    })
}

/// The reporter's position (ตำแหน่ง) in the signature block (UTF-8).
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `position` is NULL or points to `position_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_set_position(
    options: *mut keymsg_report_options,
    position: *const c_char,
    position_len: usize,
) -> keymsg_status {
    guard(|| {
        let position = arg_str!(position, position_len)?;
        let o = &mut arg_mut!(options)?.inner;
        o.signature.position = named(position);
        Ok(())
    })
}

/// The date the form is signed, `"YYYY-MM-DD"` (printed in Thai, Buddhist
/// Era). Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT` (not a date; the options
/// are then unchanged). `keymsg_engine_report_with` refuses a date outside
/// the reported month's window: from its first day to two years after its
/// last day (March 2026: 2026-03-01 to 2028-03-31).
///
/// # Safety
/// `options` is NULL or live; `date` is NULL or points to `date_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_report_options_set_signed_on(
    options: *mut keymsg_report_options,
    date: *const c_char,
    date_len: usize,
) -> keymsg_status {
    guard(|| {
        let text = arg_str!(date, date_len)?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let parsed = time::Date::parse(text, &fmt).map_err(|_| FfiError::InvalidArgument {
            name: "date",
            reason: format!("`{text}` is not a date (use YYYY-MM-DD)"),
        });
        let o = &mut arg_mut!(options)?.inner;
        o.signature.date = Some(parsed?);
        Ok(())
    })
}

/// `keymsg_engine_report` with options (`NULL`: the defaults): the month's
/// form in `format` (a `keymsg_report_format`) for the engine's agency, or
/// the agency the options name (`keymsg_report_options_set_agency`,
/// `keymsg_report_options_set_all_agencies`). Results and errors as
/// `keymsg_engine_report`; also `KEYMSG_INVALID_ARGUMENT` for an agency
/// with a control character, or a signed-on date outside the month's window
/// (`keymsg_report_options_set_signed_on`; named `signed_on`). Thread-safe.
///
/// # Safety
/// As `keymsg_engine_report`; `options` is NULL or live report options not
/// being modified by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_report_with(
    engine: *const keymsg_engine,
    month: *const c_char,
    month_len: usize,
    format: u32,
    options: *const keymsg_report_options,
    report_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let engine = arg_ref!(engine)?;
        let month = arg_str!(month, month_len)?;
        let out = arg_out!(report_out)?;
        let month = month_arg(month)?;
        let defaults = keymsg_report_options::default();
        let options = arg_opt_ref!(options).unwrap_or(&defaults);
        let report = match &options.agency {
            AgencyChoice::Engine => engine.inner.report_with(month, &options.inner)?,
            AgencyChoice::Named(a) => other_agency(engine, month, Some(a), &options.inner)?,
            AgencyChoice::All => other_agency(engine, month, None, &options.inner)?,
        };
        out.write(keymsg_string::new_raw(report_bytes(&report, format)?));
        Ok(())
    })
}

/// The form of `agency` (`None`: every agency) from the engine's store.
fn other_agency(
    engine: &keymsg_engine,
    month: keymsg_core::YearMonth,
    agency: Option<&str>,
    options: &FormOptions,
) -> Result<Report, FfiError> {
    let store = engine.inner.store().ok_or(FfiError::InvalidArgument {
        name: "store",
        reason: "this engine has no store; set one with keymsg_engine_options_set_store_path"
            .into(),
    })?;
    Ok(Report::from_store_with(
        store,
        engine.inner.catalog(),
        month,
        agency,
        options,
    )?)
}
