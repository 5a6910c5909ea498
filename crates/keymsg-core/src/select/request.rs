//! What a caller asks for.

use time::OffsetDateTime;

use crate::{Surface, bangkok};

/// A selection request: where the message goes and what identifies it.
///
/// ```
/// use keymsg_core::select::Request;
/// use keymsg_core::Surface;
/// let req = Request::new(Surface::Receipt).lang("en").document_key("INV-2026-000123");
/// assert_eq!(req.lang, "en");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Where the message will be shown.
    pub surface: Surface,
    /// Language code of the text wanted (default `th`).
    pub lang: String,
    /// Document key (receipt or invoice number) for `sticky`.
    pub document_key: Option<String>,
    /// Subject key (customer or user id) for `cycle` and pop-up caps.
    pub subject_key: Option<String>,
    /// Caller's sequence number for `round-robin`.
    pub sequence: Option<u64>,
    /// The instant to select for; `None` = now.
    pub at: Option<OffsetDateTime>,
}

impl Request {
    /// A request for `surface` in Thai, with no keys, at the current instant.
    pub fn new(surface: Surface) -> Self {
        Self {
            surface,
            lang: "th".to_owned(),
            document_key: None,
            subject_key: None,
            sequence: None,
            at: None,
        }
    }

    /// Set the language code (`th`, `en`, ...).
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = lang.into();
        self
    }

    /// Set the document key (receipt or invoice number).
    pub fn document_key(mut self, key: impl Into<String>) -> Self {
        self.document_key = Some(key.into());
        self
    }

    /// Set the subject key (customer or user id).
    pub fn subject_key(mut self, key: impl Into<String>) -> Self {
        self.subject_key = Some(key.into());
        self
    }

    /// Set the caller's sequence number.
    pub fn sequence(mut self, n: u64) -> Self {
        self.sequence = Some(n);
        self
    }

    /// Set the instant (any offset; it is evaluated in Asia/Bangkok).
    pub fn at(mut self, instant: OffsetDateTime) -> Self {
        self.at = Some(instant);
        self
    }

    /// The instant this request is for: `at`, or now.
    pub fn instant(&self) -> OffsetDateTime {
        self.at.unwrap_or_else(bangkok::now)
    }
}
