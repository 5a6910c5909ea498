//! The Ministry of Interior monthly report.

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
}
