//! `keymsg_cap_ledger`: pop-up frequency caps that hold across processes.

use std::ffi::c_char;

use keymsg_core::select::Caps;
use keymsg_core::store::{CapClaim, CapLedger, MemoryCapLedger, open_cap_ledger};

use crate::ffi::{arg_free, arg_opt_ref, arg_opt_str, arg_out, arg_ref, arg_str, boxed};
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;

/// Per-subject pop-up caps. Zero-initialise it and set the limits you need
/// with their `has_` flag; a limit without its flag is not applied.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct keymsg_caps {
    /// Whether `per_day` applies.
    pub has_per_day: bool,
    /// At most this many pop-ups per subject per Bangkok calendar day.
    pub per_day: u32,
    /// Whether `per_week` applies.
    pub has_per_week: bool,
    /// At most this many per Bangkok week (Monday to Sunday).
    pub per_week: u32,
    /// Whether `min_gap_seconds` applies.
    pub has_min_gap: bool,
    /// At least this many seconds between two pop-ups for a subject.
    pub min_gap_seconds: u32,
}

impl keymsg_caps {
    fn to_core(self) -> Caps {
        Caps {
            per_day: self.has_per_day.then_some(self.per_day),
            per_week: self.has_per_week.then_some(self.per_week),
            min_gap: self
                .has_min_gap
                .then(|| time::Duration::seconds(i64::from(self.min_gap_seconds))),
        }
    }
}

/// What `keymsg_cap_ledger_claim` decided.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct keymsg_cap_claim {
    /// True: show the pop-up (the impression is noted). False: a cap holds
    /// the subject back; show nothing.
    pub granted: bool,
    /// When not granted: the earliest instant (Unix seconds) the subject
    /// may see a pop-up again. 0 when granted.
    pub retry_at_unix: i64,
}

/// A ledger of pop-up impressions shared by every process using the same
/// store directory or PostgreSQL fleet store (opaque). Thread-safe: one ledger may be shared by any
/// number of threads; only `keymsg_cap_ledger_free` must not race.
#[derive(Debug)]
pub struct keymsg_cap_ledger {
    inner: Box<dyn CapLedger>,
}

/// Open the cap ledger of the store directory at `path` (UTF-8; the store
/// must exist: open an engine on it first), or of the PostgreSQL fleet
/// store when `path` is a `postgres://` URL (contacted at the first claim).
/// Every process opening the same store, on any host for PostgreSQL,
/// shares it, so together they never exceed the caps.
///
/// On success writes the ledger to `*ledger_out` (free with
/// `keymsg_cap_ledger_free`). Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_STORE_*`
/// (`KEYMSG_STORE_NOT_A_STORE` when the directory is not a store).
///
/// # Safety
/// `path` is NULL or points to `path_len` bytes; `ledger_out` is NULL or
/// valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_cap_ledger_open(
    path: *const c_char,
    path_len: usize,
    ledger_out: *mut *mut keymsg_cap_ledger,
) -> keymsg_status {
    guard(|| {
        let path = arg_str!(path, path_len)?;
        let out = arg_out!(ledger_out)?;
        let inner = open_cap_ledger(
            std::path::Path::new(path),
            std::time::Duration::from_secs(5),
        )
        .map_err(keymsg_core::Error::from)?;
        out.write(boxed(keymsg_cap_ledger { inner }));
        Ok(())
    })
}

/// An in-process ledger (tests; nothing shared or kept).
/// Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `ledger_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_cap_ledger_in_memory(
    ledger_out: *mut *mut keymsg_cap_ledger,
) -> keymsg_status {
    guard(|| {
        let out = arg_out!(ledger_out)?;
        out.write(boxed(keymsg_cap_ledger {
            inner: Box::new(MemoryCapLedger::new()),
        }));
        Ok(())
    })
}

/// Free a ledger. NULL is a no-op.
///
/// # Safety
/// `ledger` is NULL or a ledger from keymsg, not yet freed, used by no other thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_cap_ledger_free(ledger: *mut keymsg_cap_ledger) {
    guard_value((), || arg_free!(ledger))
}

/// Claim a pop-up for `subject` at `at` (RFC 3339; NULL: now) under `caps`
/// (NULL: no caps): checked and noted in one transaction, so concurrent
/// claims from any thread or process never together exceed the caps. Call
/// it when you are about to show a pop-up; show it only when granted.
///
/// On success writes the decision to `*claim_out`. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`,
/// `KEYMSG_INVALID_ARGUMENT` (empty subject, bad instant), `KEYMSG_STORE_*`
/// (nothing noted). Thread-safe.
///
/// # Safety
/// `ledger` and `caps` are NULL or live; `subject` points to `subject_len`
/// bytes; `at` is NULL or points to `at_len` bytes; `claim_out` is NULL or
/// valid for writing one `keymsg_cap_claim`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_cap_ledger_claim(
    ledger: *const keymsg_cap_ledger,
    subject: *const c_char,
    subject_len: usize,
    caps: *const keymsg_caps,
    at: *const c_char,
    at_len: usize,
    claim_out: *mut keymsg_cap_claim,
) -> keymsg_status {
    guard(|| {
        let ledger = arg_ref!(ledger)?;
        let subject = arg_str!(subject, subject_len)?;
        let caps = arg_opt_ref!(caps).copied().unwrap_or_default().to_core();
        let at = crate::request::parse_at(arg_opt_str!(at, at_len)?)?
            .unwrap_or_else(time::OffsetDateTime::now_utc);
        let out = arg_out!(claim_out)?;
        let claim = ledger
            .inner
            .claim(subject, at, &caps)
            .map_err(|e| match e {
                // A refused subject or instant is the caller's argument.
                keymsg_core::store::StoreError::Invalid { field, detail } => {
                    keymsg_core::Error::InvalidArgument {
                        name: field,
                        reason: detail,
                    }
                }
                other => keymsg_core::Error::from(other),
            })?;
        out.write(match claim {
            CapClaim::Held { retry_at, .. } => keymsg_cap_claim {
                granted: false,
                retry_at_unix: retry_at.unix_timestamp(),
            },
            _ => keymsg_cap_claim {
                granted: true,
                retry_at_unix: 0,
            },
        });
        Ok(())
    })
}
