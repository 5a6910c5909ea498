//! What a caller chooses about the form built from a store.

use super::Signature;

/// How a form is built from a store (`Report::from_store_with`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormOptions {
    /// Leave out rows with nothing in any column (`Report::without_zero_rows`).
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
