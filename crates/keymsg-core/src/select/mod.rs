//! Selection: which key message to show for a request.
//!
//! A [`Selector`] is built once from a [`Catalog`](crate::Catalog). For each
//! [`Request`] it keeps the messages whose validity window contains the instant
//! (Asia/Bangkok), that are enabled for the surface, have text in the language
//! and a non-zero weight; the highest priority tier among them wins; then the
//! surface's [`Policy`] picks one:
//!
//! | policy | rule |
//! |---|---|
//! | `sticky` | weighted rendezvous hash of the canonical document key |
//! | `cycle[:day\|week\|month]` | `(hash(subject) + period index) mod n` |
//! | `round-robin` | `sequence mod n`, or an in-process counter |
//! | `time-sliced[:day\|week\|month]` | `period index mod n` |
//! | `random[:seed]` | weighted random |
//!
//! The hashes and arithmetic are specified in `docs/SELECTION.md` so that C and
//! Python reproduce every choice; `tests/vectors/selection.json` holds the
//! shared test vectors.
//!
//! ```
//! use keymsg_core::select::{Request, Selector};
//! use keymsg_core::{Catalog, Surface};
//!
//! let selector = Selector::new(&Catalog::embedded()?)?;
//! let req = Request::new(Surface::Receipt).document_key("INV-2026-000123");
//! let first = selector.select(&req)?;
//! // A reprint gets the same message, and so does the stored token.
//! assert_eq!(selector.select(&req)?.message_id, first.message_id);
//! assert_eq!(selector.replay(first.token.as_str())?.id, first.message_id);
//! # Ok::<(), keymsg_core::Error>(())
//! ```

mod cache;
mod caps;
mod eligibility;
mod explain;
pub mod hash;
mod policy;
mod rendezvous;
mod request;
mod selector;
mod token;

pub use caps::{CapOutcome, CapReason, Caps, ImpressionLog, MemoryLog};
pub use eligibility::Verdict;
pub use explain::{Candidate, Explanation};
pub use policy::{POLICY_KEYS, POLICY_NAMES, Period, Policy, UnknownPolicy, policy_for};
pub use request::Request;
pub use selector::{Pick, Selection, Selector};
pub use token::Token;

use time::OffsetDateTime;

/// Errors from selection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectError {
    /// No message is eligible for the request (window, surface, language,
    /// weight). The caller decides the fallback (no footer, or a fixed text).
    #[error(
        "no eligible message for surface `{surface}` and language `{lang}` at {at} \
         (check validity windows, surfaces, languages and weights; `explain` lists every reason)"
    )]
    NothingEligible {
        /// Requested surface.
        surface: crate::Surface,
        /// Requested language.
        lang: String,
        /// The instant evaluated.
        at: OffsetDateTime,
    },
    /// A policy name that is not one of `POLICY_NAMES`.
    #[error(
        "unknown selection policy `{name}`{} (expected one of: {}, random:<seed>)",
        key.as_deref().map(|k| format!(" for `{k}`")).unwrap_or_default(),
        POLICY_NAMES.join(", ")
    )]
    UnknownPolicy {
        /// The name given.
        name: String,
        /// The `[policy]` key it was given for, if from a catalog.
        key: Option<String>,
    },
    /// A `[policy]` key that is neither `default` nor a surface name.
    #[error(
        "unknown key `{key}` in the catalog's [policy] table (expected one of: {})",
        POLICY_KEYS.join(", ")
    )]
    UnknownPolicyKey {
        /// The key given.
        key: String,
    },
    /// A selection token that is not `k1.<version>.<message id>`.
    #[error("invalid selection token `{token}`: {reason}")]
    BadToken {
        /// The token (first 100 characters).
        token: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A token (or pick) names a message the catalog does not have.
    #[error("the catalog has no message `{id}` (it was removed after the token was issued?)")]
    UnknownMessage {
        /// The message id.
        id: String,
    },
    /// The request lacks a key the operation needs.
    #[error("the request needs a non-empty `{field}` for {needed_for}")]
    MissingKey {
        /// The request field.
        field: &'static str,
        /// What needs it.
        needed_for: &'static str,
    },
    /// The impression log (pop-up caps) failed.
    #[error("impression log: {0}")]
    ImpressionLog(#[source] Box<dyn std::error::Error + Send + Sync>),
}
