//! Durable, idempotent counting of insertions.

use serde::{Deserialize, Serialize};

use crate::bangkok::YearMonth;
use crate::{Channel, Surface};

/// Errors from the insertion store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An SQLite error.
    #[error("store `{path}`: {source}")]
    Sqlite {
        /// Store path.
        path: String,
        /// Underlying error.
        source: rusqlite::Error,
    },
}

/// Counted insertions of one message for one month, grouped by agency, surface and kind.
/// This is what the monthly report reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRow {
    /// Agency or unit that showed the message.
    pub agency: String,
    /// The message id.
    pub message_id: String,
    /// Where it was shown.
    pub surface: Surface,
    /// App or document kind (e.g. `electricity-bill`, `PEA Smart Plus`); may be empty.
    pub kind: String,
    /// Number of counted insertions.
    pub count: u64,
}

/// A count entered by hand for one of the form's channels (usually not
/// `Documents`, which keymsg counts itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualEntry {
    /// Agency or unit.
    pub agency: String,
    /// Report month.
    pub month: YearMonth,
    /// Form column.
    pub channel: Channel,
    /// The message (content row) it belongs to.
    pub message_id: String,
    /// The count.
    pub count: u64,
}
