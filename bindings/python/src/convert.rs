//! Converting Python argument values into core types. Every failure here is an
//! `InvalidArgumentError` naming the parameter (the contract's keyword name).

use std::path::PathBuf;

use keymsg_core::Channel;
use keymsg_core::YearMonth;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyString};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{Failure, invalid_argument};

/// A count or size given as a Python int: must not be negative.
pub(crate) fn non_negative(name: &str, value: i64) -> Result<u64, Failure> {
    u64::try_from(value).map_err(|_| invalid_argument(name, format!("must be >= 0, got {value}")))
}

/// Like [`non_negative`], as `usize` (widths, line counts).
pub(crate) fn size(name: &str, value: i64) -> Result<usize, Failure> {
    let v = non_negative(name, value)?;
    usize::try_from(v).map_err(|_| invalid_argument(name, format!("{value} is too large")))
}

/// `"YYYY-MM"` → [`YearMonth`].
pub(crate) fn month(value: &str) -> Result<YearMonth, Failure> {
    value
        .parse::<YearMonth>()
        .map_err(|e| invalid_argument("month", e))
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
