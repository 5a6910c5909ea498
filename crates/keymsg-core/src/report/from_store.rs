//! Building a report straight from an insertion store.

use super::thai::ALL_AGENCIES;
use super::{Report, Signature};
use crate::bangkok::YearMonth;
use crate::store::Store;
use crate::{Catalog, Error, Result};

/// How [`from_store_with`] builds the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormOptions {
    /// Leave out rows with nothing in any column ([`Report::without_zero_rows`]).
    pub omit_zero_rows: bool,
    /// The signature block: reporter, position, date signed.
    pub signature: Signature,
}

impl FormOptions {
    /// Every option at its default: all rows, an empty signature block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leave out all-zero rows.
    #[must_use]
    pub fn omit_zero_rows(mut self, yes: bool) -> Self {
        self.omit_zero_rows = yes;
        self
    }

    /// Fill in the signature block.
    #[must_use]
    pub fn signature(mut self, signature: Signature) -> Self {
        self.signature = signature;
        self
    }
}

/// The report for `month` from `store`: counts and manual entries of
/// `agency`, content in Thai.
///
/// - `agency: None` takes every agency in the store; the form is headed
///   with the agency's name when the month has exactly one, else
///   `ทุกหน่วยงาน` ("all agencies").
/// - An `agency` the store has never counted or recorded for (in any month)
///   is an error naming the agencies it has — a typo such as `U` for `u`
///   must not produce an all-zero form that someone signs.
///
/// # Errors
/// [`Error::InvalidArgument`] (`agency`) as above; store errors.
pub fn from_store(
    store: &Store,
    catalog: &Catalog,
    month: YearMonth,
    agency: Option<&str>,
) -> Result<Report> {
    from_store_with(store, catalog, month, agency, &FormOptions::new())
}

/// [`from_store`] with [`FormOptions`].
///
/// # Errors
/// As [`from_store`].
pub fn from_store_with(
    store: &Store,
    catalog: &Catalog,
    month: YearMonth,
    agency: Option<&str>,
    options: &FormOptions,
) -> Result<Report> {
    let label = match agency {
        Some(a) => {
            let known = store.agencies(None)?;
            if !known.iter().any(|k| k == a) {
                return Err(unknown_agency(a, &known));
            }
            a.to_owned()
        }
        None => match store.agencies(Some(month))?.as_slice() {
            [one] => one.clone(),
            _ => ALL_AGENCIES.to_owned(),
        },
    };
    build(store, catalog, month, agency, &label, options)
}

/// The form of `agency` (all when `None`) headed `label`, without checking
/// that the store knows the agency (an engine reports on its own agency,
/// which may not have counted anything yet).
pub(crate) fn build(
    store: &Store,
    catalog: &Catalog,
    month: YearMonth,
    agency: Option<&str>,
    label: &str,
    options: &FormOptions,
) -> Result<Report> {
    let counts = store.month_counts(month, agency)?;
    let manual = store.manual_entries(month, agency)?;
    let mut report = Report::build(catalog, label, month, &counts, &manual, "th")
        .with_signature(options.signature.clone());
    if options.omit_zero_rows {
        report = report.without_zero_rows();
    }
    Ok(report)
}

fn unknown_agency(agency: &str, known: &[String]) -> Error {
    let reason = if known.is_empty() {
        format!("the store has no counts or entries for any agency, so none for `{agency}`")
    } else {
        let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        let hint = known
            .iter()
            .find(|k| k.to_lowercase() == agency.to_lowercase() || k.trim() == agency.trim())
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        format!(
            "the store has nothing for `{agency}`{hint}; it has: {}",
            list.join(", ")
        )
    };
    Error::InvalidArgument {
        name: "agency",
        reason,
    }
}
