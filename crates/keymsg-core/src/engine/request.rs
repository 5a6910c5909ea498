//! Engine requests and the rendered result.

use serde::Serialize;
use time::OffsetDateTime;

use super::cache::Prepared;
use crate::Surface;
use crate::layout::Encoding;

/// Default language.
pub(crate) const DEFAULT_LANG: &str = "th";

/// A footer request. Every field is optional; see each for its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FooterRequest {
    /// Document key (receipt or invoice number): the same key always gets the
    /// same message (`sticky`). Without it, selection rotates.
    pub key: Option<String>,
    /// Layout profile name (default: the surface's, see `Surface::default_profile`).
    pub profile: Option<String>,
    /// Override the profile's width in columns.
    pub width: Option<usize>,
    /// Language code (default `th`).
    pub lang: Option<String>,
    /// The instant (default now): selects by validity windows and the month counted.
    pub at: Option<OffsetDateTime>,
    /// Surface (default receipt).
    pub surface: Option<Surface>,
    /// Document or app kind recorded with the count (e.g. `electricity-bill`):
    /// plain text (no control or bidi characters) of at most 256 characters.
    pub kind: Option<String>,
    /// Idempotency key: a retry with the same key counts once. Not empty,
    /// plain text of at most 256 characters (an invoice number, a UUID).
    pub idempotency_key: Option<String>,
    /// Caller's sequence number (for the `round-robin` policy).
    pub sequence: Option<u64>,
    /// The printer's byte encoding (default: the profile's, UTF-8 unless it
    /// says otherwise). With TIS-620 or CP874 the text is encoded before the
    /// insertion is counted ([`Rendered::encoded`]), a cut ends with `...`
    /// when the encoding has no `…`, and a message the encoding cannot hold
    /// is an error — never a count for a footer that was not printed.
    pub encoding: Option<Encoding>,
}

impl FooterRequest {
    /// A request with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the document key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Set the profile name.
    pub fn profile_name(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// Set the width in columns.
    pub fn width(mut self, width: usize) -> Self {
        self.width = Some(width);
        self
    }

    /// Set the language.
    pub fn lang_code(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Set the instant.
    pub fn at(mut self, at: OffsetDateTime) -> Self {
        self.at = Some(at);
        self
    }

    /// Set the output encoding.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    pub(crate) fn lang(&self) -> &str {
        self.lang.as_deref().unwrap_or(DEFAULT_LANG)
    }

    pub(crate) fn profile(&self, surface: Surface) -> &str {
        self.profile.as_deref().unwrap_or(surface.default_profile())
    }
}

/// A pop-up request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PopupRequest {
    /// Subject key (user or customer id): each subject sees a different
    /// message each period (`cycle`).
    pub key: Option<String>,
    /// Language code (default `th`).
    pub lang: Option<String>,
    /// Profile name (default `popup`).
    pub profile: Option<String>,
    /// The instant (default now).
    pub at: Option<OffsetDateTime>,
    /// App name recorded with the count (e.g. `PEA Smart Plus`), as
    /// [`FooterRequest::kind`].
    pub kind: Option<String>,
    /// Idempotency key, as [`FooterRequest::idempotency_key`].
    pub idempotency_key: Option<String>,
}

impl PopupRequest {
    /// A request with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the subject key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Set the language.
    pub fn lang_code(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    pub(crate) fn lang(&self) -> &str {
        self.lang.as_deref().unwrap_or(DEFAULT_LANG)
    }

    pub(crate) fn profile(&self) -> &str {
        self.profile
            .as_deref()
            .unwrap_or(Surface::Popup.default_profile())
    }
}

/// How the text was fitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fit {
    /// The variant used: `long` or `short`.
    pub variant: String,
    /// Whether text had to be cut (the last resort).
    pub truncated: bool,
    /// Whether the cut dropped every hotline, URL and e-mail address of the
    /// message. Such a result is only returned when lossy output is allowed
    /// ([`EngineBuilder::allow_lossy`](super::EngineBuilder::allow_lossy)),
    /// and is never counted.
    pub truncated_core: bool,
}

/// A rendered footer or pop-up. Field names are the interface contract's
/// (`--json` output, Python attributes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Rendered {
    /// The message shown.
    pub message_id: String,
    /// The lines joined with `\n`.
    pub text: String,
    /// The laid-out lines.
    pub lines: Vec<String>,
    /// The pop-up title, when the profile has one.
    pub title: Option<String>,
    /// Selection token to store with the document for an exact reprint.
    pub token: String,
    /// Which variant was used and whether it was truncated.
    pub fit: Fit,
    /// Whether this call counted an insertion (false without a store, for a
    /// duplicate idempotency key, an uncounted reprint, a lossy result
    /// (`fit.truncated_core`), or a counting error).
    pub counted: bool,
    /// The counting error, when counting failed and the engine fails open.
    pub count_error: Option<String>,
    /// `text` in the single-byte encoding the request asked for (TIS-620 or
    /// CP874; zero-width hints removed), made before the insertion was
    /// counted. `None` for UTF-8: use `text`. See [`Rendered::bytes`].
    #[serde(skip)]
    pub encoded: Option<Vec<u8>>,
}

impl Rendered {
    pub(crate) fn new(p: &Prepared) -> Self {
        Rendered {
            message_id: p.message_id.clone(),
            text: p.text.clone(),
            lines: p.lines.clone(),
            title: p.title.clone(),
            token: p.token.clone(),
            fit: Fit {
                variant: p.variant.to_owned(),
                truncated: p.truncated,
                truncated_core: p.truncated_core,
            },
            counted: false,
            count_error: None,
            encoded: p.encoded.clone(),
        }
    }

    /// The bytes to send to the printer: [`Rendered::encoded`] when a
    /// single-byte encoding was asked for, else `text` as UTF-8.
    pub fn bytes(&self) -> &[u8] {
        self.encoded.as_deref().unwrap_or(self.text.as_bytes())
    }
}
