//! The Ministry of Interior monthly report on anti-online-scam publicity.
//!
//! A [`Report`] is the paper form as data: agency, month, one [`Row`] per key
//! message with the six channel columns, totals, a breakdown of the Documents
//! and Application column by surface and kind, and the signature block. It is
//! built by [`Engine::report`](crate::Engine::report) from the counts in
//! the engine's store and the manual entries recorded beside them.
//!
//! - Formats: [`Report::to_json`] / [`Report::from_json`] (lossless,
//!   versioned, mergeable), [`Report::to_csv`] (UTF-8 with BOM, RFC 4180,
//!   formula-injection safe), [`Report::to_markdown`], [`Report::to_xlsx_bytes`]
//!   / [`Report::save_xlsx`] (laid out like the paper form, TH Sarabun New 16 pt).
//! - Thai rendering: month names, Buddhist Era years, Thai digits, the
//!   correct form title.
//! - Roll-up: [`merge`] many units' reports into a district or province report,
//!   counting a unit sent twice once.
//!
//! ```
//! use keymsg_core::{Engine, FooterRequest, YearMonth};
//!
//! let engine = Engine::builder().in_memory_store().agency("เทศบาลเมืองตัวอย่าง").build()?;
//! let march = time::macros::datetime!(2026-03-10 09:00 +07:00);
//! engine.footer(&FooterRequest::new().key("INV-2026-000123").at(march))?;
//! let report = engine.report(YearMonth::new(2026, 3)?)?;
//! assert_eq!(report.totals.documents, 1);
//! assert!(report.to_markdown().contains("ประจำเดือน มีนาคม ๒๕๖๙"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod amend;
mod check;
mod csv;
mod deadline;
mod form_options;
mod json;
mod markdown;
mod model;
mod notes;
mod rollup;
mod thai;
mod xlsx;
mod xlsx_measure;

pub use crate::store::WriterCounts;
pub use amend::{Amendment, ChannelDeltas, RowDelta};
pub use deadline::Level;
pub use form_options::FormOptions;
pub use model::{
    BreakdownEntry, CountedOnce, DroppedDuplicate, Report, Row, Signature, Totals, UnitInfo,
};
pub use rollup::merge;
pub(crate) use thai::ALL_AGENCIES;
// The front ends' report plumbing (see the crate's "Stable and unstable API").
unstable_use!(check::MAX_REPORT_BYTES);
unstable_use!(deadline::{deadline, next_deadline});
unstable_use!(model::{MANUAL_KIND, SCHEMA_VERSION});
unstable_use!(rollup::merge_at);
unstable_use!(thai::{Digits, month_heading});

use crate::bangkok::YearMonth;

/// Errors from reporting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// An I/O error writing or reading a report.
    #[error("report `{path}`: {source}")]
    Io {
        /// File path.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The text is not a well-formed report (bad JSON, a missing or unknown
    /// field, a bad month or date).
    #[error("invalid report JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The JSON has no `schema` field, so it is probably not a keymsg report.
    #[error("not a keymsg report: the JSON object has no numeric `schema` field")]
    MissingSchema,
    /// The report was written with a schema this version cannot read.
    #[error(
        "unsupported report schema {found} (this keymsg reads schema {supported}; \
         a newer keymsg wrote it?)"
    )]
    UnsupportedSchema {
        /// The schema in the file.
        found: u64,
        /// The schema this library reads and writes.
        supported: u32,
    },
    /// Writing the XLSX workbook failed.
    #[error("writing XLSX: {0}")]
    Xlsx(#[source] rust_xlsxwriter::XlsxError),
    /// [`merge`] was given no reports, so there is no month to report.
    #[error("nothing to merge: no reports given")]
    NoReports,
    /// A report for another month was given to [`merge`].
    #[error("report of `{agency}` is for {found}, but the roll-up is for {expected}")]
    MonthMismatch {
        /// The unit whose report differs.
        agency: String,
        /// The month of the first report.
        expected: YearMonth,
        /// The month of this report.
        found: YearMonth,
    },
    /// A report read from outside, or a roll-up of such reports, that keymsg
    /// refuses: a control character in a string, a count above
    /// `MAX_COUNT`, totals that are not the sums
    /// of the rows, an instant outside the supported years.
    #[error("invalid report: {what}: {detail}")]
    Invalid {
        /// Which field (or row).
        what: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A report file larger than `MAX_REPORT_BYTES`: refused before it is
    /// read into memory.
    #[error("report is {bytes} bytes, more than the {limit} bytes a report may have")]
    TooLarge {
        /// Its size.
        bytes: u64,
        /// `MAX_REPORT_BYTES`.
        limit: u64,
    },
    /// A report without an agency cannot be keyed in a roll-up.
    #[error("a report for {month} has an empty `agency`; every unit report must name its unit")]
    EmptyAgency {
        /// Its month.
        month: YearMonth,
    },
    /// `Report::amend` was given reports of different agencies or months.
    #[error(
        "cannot amend: the earlier report is `{previous_agency}` {previous_month}, \
         the new one `{agency}` {month}"
    )]
    AmendMismatch {
        /// Agency of the earlier report.
        previous_agency: String,
        /// Month of the earlier report.
        previous_month: YearMonth,
        /// Agency of the new report.
        agency: String,
        /// Month of the new report.
        month: YearMonth,
    },
}

/// The Bangkok date of an instant (for printing `generated_at`).
fn bangkok_date(t: time::OffsetDateTime) -> time::Date {
    crate::bangkok::local_date(t)
}
