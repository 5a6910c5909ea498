//! # keymsg-ffi: the C ABI of keymsg
//!
//! Builds `libkeymsg.so` / `libkeymsg.a`; the header `include/keymsg.h` is
//! generated from this crate's signatures and doc comments by cbindgen
//! (see `build.rs`) and committed. This crate only translates types and
//! errors; all behaviour lives in `keymsg-core`.
//!
//! ## API conventions (the same for every function)
//!
//! - **Status**: every fallible function returns `keymsg_status` (a
//!   `uint32_t` in C): `KEYMSG_OK` (0) or an error code. Codes have explicit
//!   numbers that are never reused. `keymsg_status_message()` gives a fixed
//!   description of a code; `keymsg_last_error_message()` gives the details
//!   of the calling thread's last failed call (e.g. every catalog problem).
//! - **Inputs**: text is `(const char *ptr, size_t len)` UTF-8; NULL, NUL
//!   bytes and invalid UTF-8 are rejected with a status. Integers coming from
//!   C that stand for enum values are checked, never trusted.
//! - **Outputs** come last, as `T **out` (or `size_t *out`), and are written
//!   only when the call returns `KEYMSG_OK`. All pointer arguments are
//!   checked before any work is done, so a failed call has no side effects.
//! - **Ownership**: every object the library returns is freed with its own
//!   `keymsg_<type>_free`; `_free(NULL)` is a no-op. Borrowed `keymsg_str`
//!   views are valid until their owner is freed.
//! - **Panics** are caught inside every function and become `KEYMSG_PANIC`;
//!   nothing unwinds into C and nothing aborts the host.
//! - **Threads**: each type's documentation says what may be shared.

#![deny(missing_docs)]
// Every `unsafe` block says which contract makes it sound.
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)]

// cbindgen emits functions in the order it parses these modules, so they
// are declared in the order the header presents the API (catalog, engine
// options, engine, report, result, ...), not alphabetically.
pub mod catalog;
pub mod encoded;
pub mod options;
pub mod trust;

pub mod engine;
pub mod request;
// Appended after the engine calls it extends (footer, popup).
pub mod delivered;

pub mod report;
pub mod result;

pub mod enums;
pub mod error;
mod ffi;
pub mod form;
pub mod layout;
pub mod lines;
mod panic;
pub mod select;
pub mod status;
pub mod string;
pub mod version;
// Appended last: the header lists the cap ledger after the existing API.
pub mod caps;

pub use caps::{keymsg_cap_claim, keymsg_cap_ledger, keymsg_caps};
pub use catalog::keymsg_catalog;
pub use encoded::keymsg_encoding;
pub use engine::keymsg_engine;
pub use enums::{
    keymsg_catalog_format, keymsg_channel, keymsg_durability, keymsg_key_kind,
    keymsg_report_format, keymsg_surface,
};
pub use form::keymsg_report_options;
pub use lines::keymsg_lines;
pub use options::keymsg_engine_options;
pub use request::{keymsg_footer_request, keymsg_popup_request, keymsg_select_request};
pub use result::keymsg_result;
pub use select::keymsg_selection;
pub use status::keymsg_status;
pub use string::{keymsg_str, keymsg_string};
