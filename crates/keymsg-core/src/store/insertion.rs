//! The insertion record.

use time::OffsetDateTime;

use crate::Surface;
use crate::bangkok::YearMonth;

/// One key message shown once: on a receipt, a bill, a pop-up, ...
///
/// The month it counts in is taken from `at` in Asia/Bangkok
/// ([`Insertion::month`]): 2026-01-31T17:00:00Z counts in February 2026.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    /// When it was shown (any offset; converted to Bangkok time for the month).
    pub at: OffsetDateTime,
    /// Agency or unit that showed it (the report's agency).
    pub agency: String,
    /// Where it was shown.
    pub surface: Surface,
    /// App or document kind (e.g. `electricity-bill`, `PEA Smart Plus`); may be empty.
    pub kind: String,
    /// The message id from the catalog.
    pub message_id: String,
    /// Version of the catalog the message came from.
    pub catalog_version: u64,
    /// A key unique to this insertion (e.g. the receipt number). An insertion
    /// whose key was already counted — also by another process or before a
    /// crash — is not counted again. `None`: every call counts.
    ///
    /// A reprint that should be deduplicated on its own retries needs its own
    /// key (e.g. `R-1042#reprint-1`); reusing the original key makes it a
    /// duplicate.
    pub idempotency_key: Option<String>,
    /// A reprint of a document already counted. Counted only when
    /// [`StoreOptions::count_reprints`](super::StoreOptions::count_reprints) is set.
    pub reprint: bool,
}

impl Insertion {
    /// A first printing, without an idempotency key.
    pub fn new(
        at: OffsetDateTime,
        agency: impl Into<String>,
        surface: Surface,
        message_id: impl Into<String>,
    ) -> Self {
        Self {
            at,
            agency: agency.into(),
            surface,
            kind: String::new(),
            message_id: message_id.into(),
            catalog_version: 0,
            idempotency_key: None,
            reprint: false,
        }
    }

    /// The same insertion with an idempotency key.
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// The same insertion with a kind (app or document type).
    #[must_use]
    pub fn with_kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = kind.into();
        self
    }

    /// The Bangkok month this insertion counts in.
    pub fn month(&self) -> YearMonth {
        YearMonth::of(self.at)
    }
}
