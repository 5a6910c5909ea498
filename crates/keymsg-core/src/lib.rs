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
//! - [`catalog`]: messages, loading, validation, the embedded default catalog;
//! - [`select`]: which message to show (sticky, cycle, round-robin, ...);
//! - [`layout`]: Thai-aware width, wrap, truncate, fit and encode;
//! - [`store`]: durable, idempotent counting;
//! - [`report`]: the monthly form.
//!
//! ```
//! let catalog = keymsg_core::Catalog::embedded()?;
//! assert!(catalog.get("aoc-1441").is_some());
//! # Ok::<(), keymsg_core::Error>(())
//! ```

#![warn(missing_docs, unreachable_pub)]

mod bangkok;
pub mod catalog;
mod engine;
mod error;
mod fnv;
#[cfg(test)]
mod layering;
pub mod layout;
pub mod report;
pub mod select;
pub mod store;
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
pub use vocab::{Channel, Surface, UnknownName, escape_controls, is_unsafe_char};
