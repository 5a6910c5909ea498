//! `keymsg_engine_options`: the settings for `keymsg_engine_new`.

use std::ffi::c_char;

use keymsg_core::store::Durability;
use keymsg_core::{Catalog, Engine};

use crate::catalog::keymsg_catalog;
use crate::enums::{enum_arg, keymsg_durability};
use crate::ffi::{arg_free, arg_mut, arg_out, arg_ref, arg_str, boxed};
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;

/// Settings for `keymsg_engine_new` (opaque, built with setters so new
/// settings never change the ABI).
///
/// Defaults: the embedded catalog; no store (nothing is counted); agency
/// `"unknown"`; the catalog's own selection policy; process durability;
/// fail open (text is returned even if counting fails); a message that would
/// lose every hotline and link is refused.
///
/// Thread safety: not synchronised: use one options object from one thread
/// at a time. It is only read by `keymsg_engine_new`, which copies what it
/// needs, so it may be freed right after.
#[derive(Debug, Default)]
pub struct keymsg_engine_options {
    catalog: Option<Catalog>,
    store: Option<Store>,
    journal: Option<String>,
    agency: Option<String>,
    policy: Option<String>,
    durability: Option<Durability>,
    key_retention_months: Option<Option<u32>>,
    fail_closed: Option<bool>,
    allow_lossy: Option<bool>,
    count_reprints: Option<bool>,
}

#[derive(Debug, Clone)]
enum Store {
    Path(String),
    Memory,
}

/// Build an engine from `options` (NULL: every default). Only the settings
/// that were set are passed on, so the core's defaults stay the defaults.
pub(crate) fn build_engine(
    options: Option<&keymsg_engine_options>,
) -> Result<Engine, keymsg_core::Error> {
    let mut b = Engine::builder();
    if let Some(o) = options {
        if let Some(c) = &o.catalog {
            b = b.catalog(c.clone());
        }
        match &o.store {
            Some(Store::Path(p)) => b = b.store_path(p),
            Some(Store::Memory) => b = b.in_memory_store(),
            None => {}
        }
        if let Some(j) = &o.journal {
            b = b.journal_path(j);
        }
        if let Some(a) = &o.agency {
            b = b.agency(a);
        }
        if let Some(p) = &o.policy {
            b = b.policy(p);
        }
        if let Some(d) = o.durability {
            b = b.durability(d);
        }
        if let Some(k) = o.key_retention_months {
            b = b.key_retention_months(k);
        }
        if let Some(f) = o.fail_closed {
            b = b.fail_closed(f);
        }
        if let Some(l) = o.allow_lossy {
            b = b.allow_lossy(l);
        }
        if let Some(c) = o.count_reprints {
            b = b.count_reprints(c);
        }
    }
    b.build()
}

/// Create an options object with every setting at its default.
///
/// On success writes it to `*options_out` (free with
/// `keymsg_engine_options_free`). Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_new(
    options_out: *mut *mut keymsg_engine_options,
) -> keymsg_status {
    guard(|| {
        let out = arg_out!(options_out)?;
        out.write(boxed(keymsg_engine_options::default()));
        Ok(())
    })
}

/// Free an options object. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or an options object from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_free(options: *mut keymsg_engine_options) {
    guard_value((), || arg_free!(options))
}

/// Use `catalog` instead of the embedded default. The options keep their own
/// reference: `catalog` may be freed afterwards.
/// Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` and `catalog` are NULL or live objects from keymsg.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_catalog(
    options: *mut keymsg_engine_options,
    catalog: *const keymsg_catalog,
) -> keymsg_status {
    guard(|| {
        let catalog = arg_ref!(catalog)?.inner.clone();
        arg_mut!(options)?.catalog = Some(catalog);
        Ok(())
    })
}

/// Count insertions in the store directory at `path` (UTF-8; created if
/// missing; one SQLite file per writer process, safe for many threads and
/// processes), or in a PostgreSQL fleet store when `path` is a
/// `postgres://USER@HOST:PORT/DB` URL (insertions are then acknowledged in
/// the journal directory, see `keymsg_engine_options_set_journal_path`, and
/// shipped in the background). Without a store nothing is counted. The
/// store is opened by `keymsg_engine_new`, which reports a bad path.
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `path` is NULL or points to `path_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_store_path(
    options: *mut keymsg_engine_options,
    path: *const c_char,
    path_len: usize,
) -> keymsg_status {
    guard(|| {
        let path = arg_str!(path, path_len)?.to_owned();
        arg_mut!(options)?.store = Some(Store::Path(path));
        Ok(())
    })
}

/// The host's journal directory for a `postgres://` store (UTF-8; created
/// if missing): insertions are acknowledged there, so printing never waits
/// on the network. Default: `$KEYMSG_JOURNAL`. Ignored for other stores.
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `path` is NULL or points to `path_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_journal_path(
    options: *mut keymsg_engine_options,
    path: *const c_char,
    path_len: usize,
) -> keymsg_status {
    guard(|| {
        let path = arg_str!(path, path_len)?.to_owned();
        arg_mut!(options)?.journal = Some(path);
        Ok(())
    })
}

/// Count insertions in a private in-memory store (for tests; lost when the
/// engine is freed). Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or a live options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_in_memory_store(
    options: *mut keymsg_engine_options,
) -> keymsg_status {
    guard(|| {
        arg_mut!(options)?.store = Some(Store::Memory);
        Ok(())
    })
}

/// The agency or unit recorded with every insertion and named on reports
/// (UTF-8). Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `agency` is NULL or points to `agency_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_agency(
    options: *mut keymsg_engine_options,
    agency: *const c_char,
    agency_len: usize,
) -> keymsg_status {
    guard(|| {
        let agency = arg_str!(agency, agency_len)?.to_owned();
        arg_mut!(options)?.agency = Some(agency);
        Ok(())
    })
}

/// Override the catalog's selection policy for every surface: `"sticky"`,
/// `"cycle[:day|week|month]"`, `"round-robin"`,
/// `"time-sliced[:day|week|month]"` or `"random[:seed]"`. An unknown name
/// is reported by `keymsg_engine_new` (`KEYMSG_SELECT_UNKNOWN_POLICY`).
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `policy` is NULL or points to `policy_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_policy(
    options: *mut keymsg_engine_options,
    policy: *const c_char,
    policy_len: usize,
) -> keymsg_status {
    guard(|| {
        let policy = arg_str!(policy, policy_len)?.to_owned();
        arg_mut!(options)?.policy = Some(policy);
        Ok(())
    })
}

/// Durability of counts: a `keymsg_durability` value. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_ARGUMENT` (unknown value).
///
/// # Safety
/// `options` is NULL or a live options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_durability(
    options: *mut keymsg_engine_options,
    durability: u32,
) -> keymsg_status {
    guard(|| {
        let d = enum_arg::<keymsg_durability>("durability", durability)?;
        arg_mut!(options)?.durability = Some(d.into());
        Ok(())
    })
}

/// How long the store keeps idempotency keys: the key of an insertion
/// counted in month M is kept until month M + `months` has ended (Bangkok
/// time), then deleted in the background; only a retry arriving later would
/// count again. Counts are never deleted. `0` keeps keys forever. Default 13.
/// Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or a live options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_key_retention_months(
    options: *mut keymsg_engine_options,
    months: u32,
) -> keymsg_status {
    guard(|| {
        let months = (months != 0).then_some(months);
        arg_mut!(options)?.key_retention_months = Some(months);
        Ok(())
    })
}

/// Fail closed (`true`): when counting fails, footer and pop-up calls fail
/// with the store's status instead of returning text. Default (`false`,
/// fail open): the text is returned with `keymsg_result_counted` false and
/// `keymsg_result_count_error` set, so a receipt never fails to print
/// because of the store. Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or a live options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_fail_closed(
    options: *mut keymsg_engine_options,
    fail_closed: bool,
) -> keymsg_status {
    guard(|| {
        arg_mut!(options)?.fail_closed = Some(fail_closed);
        Ok(())
    })
}

/// Allow lossy output (`true`): a message cut before every hotline, URL and
/// e-mail address is returned (`keymsg_result_truncated_core` true) instead
/// of failing with `KEYMSG_LAYOUT_TRUNCATED_CORE`. Such a result is never
/// counted: it no longer carries the message. Default `false`. Errors:
/// `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or a live options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_allow_lossy(
    options: *mut keymsg_engine_options,
    allow_lossy: bool,
) -> keymsg_status {
    guard(|| {
        arg_mut!(options)?.allow_lossy = Some(allow_lossy);
        Ok(())
    })
}

/// Count reprints (`true`): `keymsg_engine_replay` then counts an insertion
/// like a first print. Default `false`: a reprint is stored as a reprint but
/// not counted (the first print was). Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or a live options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_set_count_reprints(
    options: *mut keymsg_engine_options,
    count_reprints: bool,
) -> keymsg_status {
    guard(|| {
        arg_mut!(options)?.count_reprints = Some(count_reprints);
        Ok(())
    })
}
