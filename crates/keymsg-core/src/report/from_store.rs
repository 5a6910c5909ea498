//! Building a report straight from an insertion store.

use super::Report;
use crate::bangkok::YearMonth;
use crate::store::Store;
use crate::{Catalog, Result};

/// The report for `month` from `store`: counts and manual entries of `agency`
/// (every agency in the store when `None`, labelled `all`), content in Thai.
pub fn from_store(
    store: &Store,
    catalog: &Catalog,
    month: YearMonth,
    agency: Option<&str>,
) -> Result<Report> {
    let counts = store.month_counts(month, agency)?;
    let manual = store.manual_entries(month, agency)?;
    Ok(Report::build(
        catalog,
        agency.unwrap_or("all"),
        month,
        &counts,
        &manual,
        "th",
    ))
}
