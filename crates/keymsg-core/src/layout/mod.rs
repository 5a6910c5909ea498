//! Thai-aware text layout: width, break opportunities, wrap, truncate, fit, encode.

/// Errors from layout and encoding.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The width or budget given cannot hold anything.
    #[error("width {0} is too small to lay out any text")]
    WidthTooSmall(usize),
}
