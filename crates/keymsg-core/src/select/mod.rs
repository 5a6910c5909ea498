//! Selection: which key message to show for a request.

/// Errors from selection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectError {
    /// No message is eligible for the request.
    #[error("no eligible message for surface `{surface}` and language `{lang}`")]
    NothingEligible {
        /// Requested surface.
        surface: crate::Surface,
        /// Requested language.
        lang: String,
    },
}
