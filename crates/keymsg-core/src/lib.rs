//! # keymsg-core
//!
//! Anti-online-scam key messages for the foot of Thai receipts, invoices and
//! bills and for citizen-app pop-ups — the "Documents and Application" channel
//! of the Ministry of Interior's monthly awareness report.
//!
//! The data flow:
//!
//! ```text
//! catalog ─► select(request) ─► render(message, profile) ─► count(insertion) ─► report(month)
//! ```
//!
//! - [`Engine`]: the one entry point: select, lay out, count, report;
//! - [`catalog`]: messages, loading, validation, the embedded default catalog;
//! - [`layout`]: Thai-aware width, wrap and truncate;
//! - [`report`]: the monthly form.
//!
//! ## Stable and unstable API
//!
//! What this page lists is the stable API: it follows semver. keymsg's own
//! front ends (the `keymsg` command, the C library, the Python package and
//! the HTTP service) also use the crate's internals: the `store` and
//! `select` modules, report roll-ups, layout primitives and catalog trust
//! plumbing. They are public only with the `unstable` feature, which carries
//! no semver promise (the front ends pin this crate's exact version).
//!
//! ```
//! let catalog = keymsg_core::Catalog::embedded()?;
//! assert!(catalog.get("aoc-1441").is_some());
//! # Ok::<(), keymsg_core::Error>(())
//! ```

#![warn(missing_docs, unreachable_pub)]
// Without `unstable`, items written `pub` for the front ends are crate-private:
// neither reachable nor necessarily used inside the crate.
#![cfg_attr(
    not(feature = "unstable"),
    allow(unreachable_pub, dead_code, unused_imports)
)]

/// `pub use` with the `unstable` feature, `pub(crate) use` without it.
macro_rules! unstable_use {
    ($($path:tt)*) => {
        #[cfg(feature = "unstable")]
        pub use $($path)*;
        #[cfg(not(feature = "unstable"))]
        #[allow(unused_imports)]
        pub(crate) use $($path)*;
    };
}

mod bangkok;
pub mod catalog;
mod engine;
mod error;
mod fnv;
#[cfg(test)]
mod layering;
pub mod layout;
pub mod report;
#[cfg(feature = "unstable")]
pub mod select;
#[cfg(not(feature = "unstable"))]
mod select;
#[cfg(feature = "unstable")]
pub mod store;
#[cfg(not(feature = "unstable"))]
mod store;
#[cfg(test)]
mod test_rng;
mod text;
mod vocab;

// The READMEs' Rust examples run as doctests so they stay true.
#[cfg(all(doctest, keymsg_repo_readme))]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;

pub use bangkok::{BadMonth, YearMonth};
pub use catalog::Catalog;
pub use engine::{Engine, EngineBuilder, Fit, FooterRequest, PopupRequest, Rendered, Undelivered};
pub use error::{Error, Result};
pub use select::SelectError;
pub use store::{Durability, SqliteError, StoreError};
pub use vocab::{Channel, Surface, UnknownName};
unstable_use!(vocab::{escape_controls, is_unsafe_char});
