//! Converting Python argument values into core types. Every failure here is an
//! `InvalidArgumentError` naming the parameter (the contract's keyword name).

use std::path::PathBuf;

use keymsg_core::YearMonth;
use keymsg_core::{Channel, Surface};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyString};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{Failure, invalid_argument};

/// A count or size given as a Python int: must not be negative. Ints are
/// taken as `i128` so that any value a caller can mean (a sequence up to
/// 2^64 − 1, as C and HTTP take it) arrives here, and one out of range is an
/// `InvalidArgumentError` naming the parameter, not pyo3's `OverflowError`.
pub(crate) fn non_negative(name: &str, value: i128) -> Result<u64, Failure> {
    if value < 0 {
        return Err(invalid_argument(name, format!("must be >= 0, got {value}")));
    }
    u64::try_from(value).map_err(|_| invalid_argument(name, format!("{value} is too large")))
}

/// Like [`non_negative`], as `usize` (widths, line counts).
pub(crate) fn size(name: &str, value: i128) -> Result<usize, Failure> {
    let v = non_negative(name, value)?;
    usize::try_from(v).map_err(|_| invalid_argument(name, format!("{value} is too large")))
}

/// `"YYYY-MM"` → [`YearMonth`].
pub(crate) fn month(value: &str) -> Result<YearMonth, Failure> {
    value
        .parse::<YearMonth>()
        .map_err(|e| invalid_argument("month", e))
}

/// A surface name (`receipt`, `invoice`, `popup`, `push`, `sms`, `billboard`).
pub(crate) fn surface(value: &str) -> Result<Surface, Failure> {
    value
        .parse::<Surface>()
        .map_err(|e| invalid_argument("surface", e))
}

/// A channel name (`online`, `on-air` or `on_air`, ..., `documents`).
pub(crate) fn channel(value: &str) -> Result<Channel, Failure> {
    value
        .parse::<Channel>()
        .map_err(|e| invalid_argument("channel", e))
}

/// An instant: a timezone-aware `datetime.datetime`, or an RFC 3339 string.
/// A naive datetime is refused: guessing its zone would count insertions in
/// the wrong month near midnight.
pub(crate) fn instant(value: &Bound<'_, PyAny>) -> PyResult<OffsetDateTime> {
    let text: String = if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if value.is_instance_of::<PyDateTime>() {
        if value.getattr("tzinfo")?.is_none() || value.call_method0("utcoffset")?.is_none() {
            return Err(invalid_argument(
                "at",
                "naive datetime: give a timezone (e.g. datetime.timezone.utc)",
            )
            .into());
        }
        value.call_method0("isoformat")?.extract()?
    } else {
        return Err(invalid_argument(
            "at",
            "expected a timezone-aware datetime.datetime or an RFC 3339 string",
        )
        .into());
    };
    OffsetDateTime::parse(&text, &Rfc3339).map_err(|e| {
        invalid_argument("at", format!("`{text}` is not an RFC 3339 instant: {e}")).into()
    })
}

/// A calendar date: a `datetime.date` or a `"YYYY-MM-DD"` string (`signed_on=`).
pub(crate) fn date(name: &str, value: &Bound<'_, PyAny>) -> PyResult<time::Date> {
    let text: String = if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if value.is_instance_of::<PyDate>() && !value.is_instance_of::<PyDateTime>() {
        value.call_method0("isoformat")?.extract()?
    } else {
        return Err(
            invalid_argument(name, "expected a datetime.date or a YYYY-MM-DD string").into(),
        );
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &fmt).map_err(|_| {
        invalid_argument(name, format!("`{text}` is not a date (use YYYY-MM-DD)")).into()
    })
}

/// Where counts go: `None` (not counted), `":memory:"`, or a store directory.
#[derive(Debug)]
pub(crate) enum StoreArg {
    Memory,
    Path(PathBuf),
}

/// Extract a `store=` argument (str or os.PathLike).
pub(crate) fn store(value: &Bound<'_, PyAny>) -> PyResult<StoreArg> {
    if let Ok(s) = value.cast::<PyString>()
        && s.to_cow()? == ":memory:"
    {
        return Ok(StoreArg::Memory);
    }
    match value.extract::<PathBuf>() {
        Ok(p) => Ok(StoreArg::Path(p)),
        Err(_) => Err(invalid_argument(
            "store",
            "expected a directory path (str or os.PathLike), a postgres:// URL or \":memory:\"",
        )
        .into()),
    }
}
