//! The validated, immutable catalog.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use time::OffsetDateTime;

use super::raw::RawCatalog;
use super::status::TrustStatus;
use crate::Surface;
use crate::layout::words::LayoutWords;
use crate::layout::{Fitted, LayoutError, Profile};
use crate::vocab::Text;

/// A validated catalog of key messages. Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct Catalog {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug, Clone)]
pub(crate) struct Inner {
    pub(crate) meta: CatalogMeta,
    pub(crate) messages: Vec<Message>,
    pub(crate) by_id: HashMap<String, usize>,
    /// The file as written (for `keymsg catalog` and re-serialisation).
    pub(crate) raw: RawCatalog,
    /// How it was loaded (signatures, versions, fallback).
    pub(crate) trust: TrustStatus,
    /// `[layout] words`, checked: kept whole when its messages are laid out.
    pub(crate) words: Option<Arc<LayoutWords>>,
    /// Profiles a caller defined that every message of their surfaces was
    /// found to fit, with these messages and words (see
    /// `Catalog::with_profiles_checked`): an engine need not check them again.
    pub(crate) fits: Vec<crate::layout::Profile>,
    /// Base messages an overlay disabled: never selected, but their counts
    /// of the month are still reported under their own text.
    pub(crate) hidden: Vec<Message>,
}

/// Catalog-wide metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogMeta {
    /// Schema of the file it was loaded from.
    pub schema: u32,
    /// Catalog version (monotonic).
    pub version: u64,
    /// Issuer, if stated.
    pub issuer: Option<String>,
    /// The instant the catalog expires, if stated.
    pub expires: Option<OffsetDateTime>,
    /// Allowed phone numbers, ASCII digits only.
    pub allowed_phones: Vec<String>,
    /// Allowed URL hosts, lower case.
    pub allowed_hosts: Vec<String>,
    /// Selection policy names by surface name (and `default`), unparsed.
    pub policy: BTreeMap<String, String>,
}

/// One key message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Stable id.
    pub id: String,
    /// Scam type.
    pub topic: String,
    /// Text by language code; always has `th`.
    pub text: BTreeMap<String, Text>,
    /// Surfaces it may appear on.
    pub surfaces: Vec<Surface>,
    /// Relative weight within its tier (0 = never chosen by weight).
    pub weight: u32,
    /// Priority tier.
    pub priority: i32,
    /// When it may be shown.
    pub window: Window,
}

/// A half-open validity window `[from, until)` of instants; `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    /// First instant the message is valid.
    pub from: Option<OffsetDateTime>,
    /// First instant the message is no longer valid.
    pub until: Option<OffsetDateTime>,
}

impl Window {
    /// Whether `instant` is inside the window.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn contains(&self, instant: OffsetDateTime) -> bool {
        self.from.is_none_or(|f| instant >= f) && self.until.is_none_or(|u| instant < u)
    }
}

impl Message {
    /// Text in `lang`, if the message has it.
    pub fn text(&self, lang: &str) -> Option<&Text> {
        self.text.get(lang)
    }

    /// Whether the message may appear on `surface`.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn allows(&self, surface: Surface) -> bool {
        self.surfaces.contains(&surface)
    }
}

impl Catalog {
    /// The same catalog with `edit` applied to its contents (copied first
    /// when another handle shares them).
    pub(crate) fn edited(self, edit: impl FnOnce(&mut Inner)) -> Catalog {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        edit(&mut inner);
        Catalog {
            inner: Arc::new(inner),
        }
    }

    /// Catalog metadata.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn meta(&self) -> &CatalogMeta {
        &self.inner.meta
    }

    /// Catalog version.
    pub fn version(&self) -> u64 {
        self.inner.meta.version
    }

    /// All messages, in file order.
    pub fn messages(&self) -> &[Message] {
        &self.inner.messages
    }

    /// A base message the overlay disabled (see [`Inner::hidden`]): for the
    /// report, which keeps the text of messages counted before.
    pub(crate) fn hidden(&self, id: &str) -> Option<&Message> {
        self.inner.hidden.iter().find(|m| m.id == id)
    }

    /// The message with `id`.
    pub fn get(&self, id: &str) -> Option<&Message> {
        self.inner
            .by_id
            .get(id)
            .and_then(|&i| self.inner.messages.get(i))
    }

    /// The position of message `id` in [`Catalog::messages`].
    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.inner.by_id.get(id).copied()
    }

    /// The words its messages are laid out with (`[layout] words`).
    pub(crate) fn layout_words(&self) -> Option<&Arc<LayoutWords>> {
        self.inner.words.as_ref()
    }

    /// The words kept whole in its messages (its `[layout] words` and those
    /// added by [`Catalog::with_layout_words`]), each once: what a service
    /// laying out its callers' text with the agency's words passes on.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn layout_word_list(&self) -> Vec<&str> {
        self.layout_words()
            .map(|w| w.words().collect())
            .unwrap_or_default()
    }

    /// Lay out `text`, one of this catalog's message texts, for `profile`
    /// the way footers and pop-ups are: [`fit`](crate::layout::fit) with
    /// the catalog's layout words (its `[layout] words` and those added by
    /// [`Catalog::with_layout_words`]) kept whole. `keymsg preview` shows
    /// these lines.
    ///
    /// # Errors
    /// The errors of [`fit`](crate::layout::fit).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn fit(&self, text: &Text, profile: &Profile) -> Result<Fitted, LayoutError> {
        crate::layout::words::with_words(self.layout_words(), || crate::layout::fit(text, profile))
    }

    /// The file as written, for re-serialisation.
    pub(crate) fn raw(&self) -> &RawCatalog {
        &self.inner.raw
    }

    /// Whether the catalog has expired at `instant`.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn is_expired_at(&self, instant: OffsetDateTime) -> bool {
        self.inner.meta.expires.is_some_and(|e| instant >= e)
    }

    /// [`CatalogError::Expired`](super::CatalogError::Expired) when the
    /// catalog has expired at `at` or now, the later (an `at` in the past
    /// does not bring an expired catalog back). A catalog is checked when it
    /// is loaded, but a long-lived engine or service outlives its `expires`:
    /// the engine asks this for every footer, pop-up and reprint. The clock
    /// is read only for a catalog that expires; then it is one comparison
    /// with the instant parsed at load.
    pub(crate) fn check_not_expired(&self, at: OffsetDateTime) -> Result<(), super::CatalogError> {
        match self.inner.meta.expires {
            Some(e) if at.max(crate::bangkok::now()) >= e => Err(self.expired_error(e)),
            _ => Ok(()),
        }
    }

    #[cold]
    fn expired_error(&self, expires: OffsetDateTime) -> super::CatalogError {
        // The layer whose `expires` it is (an overlay's can be the earlier).
        let source_name = self
            .inner
            .trust
            .layers
            .iter()
            .find(|l| l.expires == Some(expires))
            .or_else(|| self.inner.trust.layers.first())
            .map_or_else(|| "catalog".to_owned(), |l| l.source.clone());
        super::CatalogError::Expired {
            source_name,
            version: self.version(),
            expires: super::status::rfc3339_bangkok(expires),
        }
    }
}
