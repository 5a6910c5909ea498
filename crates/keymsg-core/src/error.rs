//! The crate's one error type.
//!
//! Each area (catalog, layout, selection, store, report) has its own error enum
//! with the details a user needs to fix the problem; [`Error`] wraps them so that
//! front ends map errors in one place (C status codes, Python exception classes,
//! CLI exit codes) by matching on the area.

use crate::catalog::CatalogError;
use crate::layout::LayoutError;
use crate::report::ReportError;
use crate::select::SelectError;
use crate::store::StoreError;

/// Any error keymsg can report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A catalog could not be read or failed validation.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Text could not be laid out or encoded for a profile.
    #[error(transparent)]
    Layout(#[from] LayoutError),
    /// No message could be selected, or a selection token was invalid.
    #[error(transparent)]
    Select(#[from] SelectError),
    /// The insertion store failed (I/O, corruption, disk full, ...).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A report could not be built, read, merged or written.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// An argument was out of its documented range.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The parameter name as documented.
        name: &'static str,
        /// What was wrong with it.
        reason: String,
    },
}

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<crate::vocab::UnknownPolicy> for Error {
    fn from(e: crate::vocab::UnknownPolicy) -> Self {
        Error::Select(e.into())
    }
}

impl From<crate::store::BadContent> for Error {
    fn from(e: crate::store::BadContent) -> Self {
        Error::InvalidArgument {
            name: "content",
            reason: e.reason().to_owned(),
        }
    }
}
