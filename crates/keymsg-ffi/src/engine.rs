//! `keymsg_engine`: selection, layout and counting behind one shared handle.

use std::ffi::c_char;

use keymsg_core::bangkok::YearMonth;
use keymsg_core::engine::{Engine, FooterRequest, PopupRequest, Rendered};
use keymsg_core::store::Durability;
use keymsg_core::{Catalog, Channel, Surface};

use crate::catalog::keymsg_catalog;
use crate::error::FfiError;
use crate::ffi::{Out, boxed, free_boxed, opt_str_arg, ref_arg, str_arg};
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;
use crate::string::{keymsg_str, keymsg_string};

// ---- options -------------------------------------------------------------

/// How hard the insertion store works to keep an acknowledged count
/// (`keymsg_engine_options_set_durability`). Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_durability {
    /// Survives a crash or `kill -9` of the process (the default).
    KEYMSG_DURABILITY_PROCESS = 1,
    /// Also survives a power failure (an fsync per commit group; slower).
    KEYMSG_DURABILITY_POWER = 2,
}

/// A column of the Ministry's monthly form (`keymsg_engine_record`).
/// Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_channel {
    /// Online: web site, Facebook, Instagram, official LINE.
    KEYMSG_CHANNEL_ONLINE = 1,
    /// On Air: broadcast towers, radio, cable TV.
    KEYMSG_CHANNEL_ON_AIR = 2,
    /// On Ground: meetings of officials and local leaders.
    KEYMSG_CHANNEL_ON_GROUND = 3,
    /// Digital Billboard: LED signs.
    KEYMSG_CHANNEL_BILLBOARD = 4,
    /// Community: face-to-face, village heads, volunteers.
    KEYMSG_CHANNEL_COMMUNITY = 5,
    /// Documents and Application: receipts, bills, app pop-ups.
    KEYMSG_CHANNEL_DOCUMENTS = 6,
}

/// Where a message is shown (`keymsg_footer_request.surface`). Passed as a
/// `uint32_t`; 0 in a request means the default (receipt).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_surface {
    /// Footer of a printed receipt.
    KEYMSG_SURFACE_RECEIPT = 1,
    /// Footer of an invoice or bill.
    KEYMSG_SURFACE_INVOICE = 2,
    /// In-app pop-up notification.
    KEYMSG_SURFACE_POPUP = 3,
    /// Push notification payload.
    KEYMSG_SURFACE_PUSH = 4,
    /// A single SMS segment.
    KEYMSG_SURFACE_SMS = 5,
    /// Digital billboard.
    KEYMSG_SURFACE_BILLBOARD = 6,
}

/// Report formats (`keymsg_engine_report`). Passed as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum keymsg_report_format {
    /// JSON: lossless and mergeable (UTF-8 text).
    KEYMSG_REPORT_FORMAT_JSON = 1,
    /// CSV: UTF-8 with a byte-order mark so Excel shows Thai (text).
    KEYMSG_REPORT_FORMAT_CSV = 2,
    /// Markdown, for a quick look (UTF-8 text).
    KEYMSG_REPORT_FORMAT_MARKDOWN = 3,
    /// XLSX workbook, what offices use (binary).
    KEYMSG_REPORT_FORMAT_XLSX = 4,
}

fn invalid(name: &'static str, reason: String) -> FfiError {
    FfiError::InvalidArgument { name, reason }
}

fn durability_from(n: u32) -> Result<Durability, FfiError> {
    match n {
        1 => Ok(Durability::Process),
        2 => Ok(Durability::Power),
        other => Err(invalid(
            "durability",
            format!("{other} is not a keymsg_durability (PROCESS = 1, POWER = 2)"),
        )),
    }
}

pub(crate) fn channel_from(n: u32) -> Result<Channel, FfiError> {
    let i = usize::try_from(n).ok().and_then(|n| n.checked_sub(1));
    i.and_then(|i| Channel::ALL.get(i).copied()).ok_or_else(|| {
        invalid(
            "channel",
            format!("{n} is not a keymsg_channel (1 = ONLINE ... 6 = DOCUMENTS)"),
        )
    })
}

pub(crate) fn surface_from(n: u32) -> Result<Option<Surface>, FfiError> {
    if n == 0 {
        return Ok(None);
    }
    let i = usize::try_from(n - 1).ok();
    i.and_then(|i| Surface::ALL.get(i).copied())
        .map(Some)
        .ok_or_else(|| {
            invalid(
                "request.surface",
                format!("{n} is not a keymsg_surface (0 = default, 1 = RECEIPT ... 6 = BILLBOARD)"),
            )
        })
}

pub(crate) fn month_from(text: &str) -> Result<YearMonth, FfiError> {
    text.parse::<YearMonth>()
        .map_err(|e| invalid("month", e.to_string()))
}

/// Settings for `keymsg_engine_new` (opaque, built with setters so new
/// settings never change the ABI).
///
/// Defaults: the embedded catalog; no store (nothing is counted); agency
/// `"unknown"`; the catalog's own selection policy; process durability;
/// fail open (text is returned even if counting fails).
///
/// Thread safety: not synchronised: use one options object from one thread
/// at a time. It is only read by `keymsg_engine_new`, which copies what it
/// needs, so it may be freed right after.
#[derive(Debug, Default)]
pub struct keymsg_engine_options {
    catalog: Option<Catalog>,
    store: Option<Store>,
    agency: Option<String>,
    policy: Option<String>,
    durability: Option<Durability>,
    key_retention_months: Option<Option<u32>>,
    fail_closed: Option<bool>,
}

#[derive(Debug, Clone)]
enum Store {
    Path(String),
    Memory,
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
        let out = Out::new("options_out", options_out)?;
        // SAFETY: caller contract.
        unsafe { out.write(boxed(keymsg_engine_options::default())) };
        Ok(())
    })
}

/// Free an options object. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or an options object from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_options_free(options: *mut keymsg_engine_options) {
    // SAFETY: caller contract.
    guard_value((), || unsafe { free_boxed(options) })
}

/// Run `f` on a non-NULL `*mut keymsg_engine_options`.
unsafe fn with_options(
    options: *mut keymsg_engine_options,
    f: impl FnOnce(&mut keymsg_engine_options),
) -> Result<(), FfiError> {
    // SAFETY: caller contract: NULL or a live options object used by one thread.
    let o = unsafe { options.as_mut() }.ok_or(FfiError::NullParameter("options"))?;
    f(o);
    Ok(())
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
        // SAFETY: caller contract.
        let catalog = unsafe { ref_arg("catalog", catalog) }?.inner.clone();
        // SAFETY: caller contract.
        unsafe { with_options(options, |o| o.catalog = Some(catalog)) }
    })
}

/// Count insertions in the store directory at `path` (UTF-8; created if
/// missing; one SQLite file per writer process, safe for many threads and
/// processes). Without a store nothing is counted. The directory is opened
/// by `keymsg_engine_new`, which reports a bad path.
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
        // SAFETY: caller contract.
        let path = unsafe { str_arg("path", path, path_len) }?.to_owned();
        // SAFETY: caller contract.
        unsafe { with_options(options, |o| o.store = Some(Store::Path(path))) }
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
    // SAFETY: caller contract.
    guard(|| unsafe { with_options(options, |o| o.store = Some(Store::Memory)) })
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
        // SAFETY: caller contract.
        let agency = unsafe { str_arg("agency", agency, agency_len) }?.to_owned();
        // SAFETY: caller contract.
        unsafe { with_options(options, |o| o.agency = Some(agency)) }
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
        // SAFETY: caller contract.
        let policy = unsafe { str_arg("policy", policy, policy_len) }?.to_owned();
        // SAFETY: caller contract.
        unsafe { with_options(options, |o| o.policy = Some(policy)) }
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
        let d = durability_from(durability)?;
        // SAFETY: caller contract.
        unsafe { with_options(options, |o| o.durability = Some(d)) }
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
        // SAFETY: caller contract.
        unsafe { with_options(options, |o| o.key_retention_months = Some(months)) }
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
    // SAFETY: caller contract.
    guard(|| unsafe { with_options(options, |o| o.fail_closed = Some(fail_closed)) })
}

// ---- engine --------------------------------------------------------------

/// Selects, lays out and counts key messages (opaque).
///
/// Thread safety: fully thread-safe. One `const keymsg_engine *` may be
/// shared by any number of threads calling footer, pop-up, replay, flush,
/// record and report at once (counts are exact). Only `keymsg_engine_free`
/// must not race with other calls.
#[derive(Debug)]
pub struct keymsg_engine {
    pub(crate) inner: Engine,
}

/// Create an engine. `options` may be NULL for all defaults.
///
/// On success writes the engine to `*engine_out` (free with
/// `keymsg_engine_free`); on error it is untouched. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_ARGUMENT` (empty agency),
/// `KEYMSG_SELECT_UNKNOWN_POLICY`, `KEYMSG_CATALOG_*` (embedded catalog),
/// `KEYMSG_STORE_*` (cannot open or create the store). Thread-safe.
///
/// # Safety
/// `options` is NULL or a live options object not being modified by another
/// thread; `engine_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_new(
    options: *const keymsg_engine_options,
    engine_out: *mut *mut keymsg_engine,
) -> keymsg_status {
    guard(|| {
        let out = Out::new("engine_out", engine_out)?;
        let mut b = Engine::builder();
        // SAFETY: caller contract.
        if let Some(o) = unsafe { options.as_ref() } {
            if let Some(c) = &o.catalog {
                b = b.catalog(c.clone());
            }
            match &o.store {
                Some(Store::Path(p)) => b = b.store_path(p),
                Some(Store::Memory) => b = b.in_memory_store(),
                None => {}
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
        }
        let inner = b.build()?;
        // SAFETY: caller contract.
        unsafe { out.write(boxed(keymsg_engine { inner })) };
        Ok(())
    })
}

/// Free an engine. Counts are already durable when a footer or pop-up call
/// returns, so nothing is lost. NULL is a no-op.
///
/// # Safety
/// `engine` is NULL or an engine from keymsg, not yet freed, and no other
/// thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_free(engine: *mut keymsg_engine) {
    // SAFETY: caller contract.
    guard_value((), || unsafe { free_boxed(engine) })
}

/// A footer request for `keymsg_engine_footer` and `keymsg_engine_replay`.
///
/// Zero-initialise it (`keymsg_footer_request req = {0};`) and set what you
/// need: every NULL or 0 field takes its default. Text fields are
/// `(pointer, length)` UTF-8, checked like every other text argument. The
/// request is only read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct keymsg_footer_request {
    /// Document key (receipt or invoice number): the same key gets the same
    /// message on any host, also on reprint. NULL: no key (selection rotates).
    pub key: *const c_char,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// Layout profile: `"receipt-58mm"`, `"receipt-80mm"`,
    /// `"receipt-80mm-42"`, `"invoice-a4"`, ... NULL: `"receipt-58mm"`.
    pub profile: *const c_char,
    /// Length of `profile` in bytes.
    pub profile_len: usize,
    /// Line width in columns, overriding the profile's. 0: the profile's.
    pub width: usize,
    /// Language code, `"th"` or `"en"`. NULL: `"th"`.
    pub lang: *const c_char,
    /// Length of `lang` in bytes.
    pub lang_len: usize,
    /// The instant, RFC 3339 (e.g. `"2026-03-01T09:00:00+07:00"`): chooses by
    /// validity windows and the month counted. NULL: now.
    pub at: *const c_char,
    /// Length of `at` in bytes.
    pub at_len: usize,
    /// A `keymsg_surface`. 0: receipt.
    pub surface: u32,
    /// Document kind recorded with the count (e.g. `"electricity-bill"`).
    /// NULL: none.
    pub kind: *const c_char,
    /// Length of `kind` in bytes.
    pub kind_len: usize,
    /// Idempotency key: a retry with the same key counts once. NULL: none.
    pub idempotency_key: *const c_char,
    /// Length of `idempotency_key` in bytes.
    pub idempotency_key_len: usize,
    /// Whether `sequence` is set.
    pub has_sequence: bool,
    /// Caller's sequence number, for the `round-robin` policy.
    pub sequence: u64,
}

/// A pop-up request for `keymsg_engine_popup`. Zero-initialise it and set
/// what you need; NULL fields take their defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct keymsg_popup_request {
    /// Subject key (user id): each user sees the messages in turn. NULL: no key.
    pub key: *const c_char,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// Language code, `"th"` or `"en"`. NULL: `"th"`.
    pub lang: *const c_char,
    /// Length of `lang` in bytes.
    pub lang_len: usize,
    /// Layout profile. NULL: `"popup"`.
    pub profile: *const c_char,
    /// Length of `profile` in bytes.
    pub profile_len: usize,
    /// The instant, RFC 3339. NULL: now.
    pub at: *const c_char,
    /// Length of `at` in bytes.
    pub at_len: usize,
    /// App kind recorded with the count (e.g. `"PEA Smart Plus"`). NULL: none.
    pub kind: *const c_char,
    /// Length of `kind` in bytes.
    pub kind_len: usize,
    /// Idempotency key: a retry with the same key counts once. NULL: none.
    pub idempotency_key: *const c_char,
    /// Length of `idempotency_key` in bytes.
    pub idempotency_key_len: usize,
}

/// Convert a C pop-up request (NULL: all defaults).
///
/// # Safety
/// `r` is NULL or a live request whose text fields obey the (pointer, length) rule.
unsafe fn popup_request(r: *const keymsg_popup_request) -> Result<PopupRequest, FfiError> {
    // SAFETY: caller contract.
    let Some(r) = (unsafe { r.as_ref() }) else {
        return Ok(PopupRequest::new());
    };
    // SAFETY: caller contract on the fields.
    unsafe {
        Ok(PopupRequest {
            key: owned(opt_str_arg("request.key", r.key, r.key_len)?),
            lang: owned(opt_str_arg("request.lang", r.lang, r.lang_len)?),
            profile: owned(opt_str_arg("request.profile", r.profile, r.profile_len)?),
            at: parse_at(opt_str_arg("request.at", r.at, r.at_len)?)?,
            kind: owned(opt_str_arg("request.kind", r.kind, r.kind_len)?),
            idempotency_key: owned(opt_str_arg(
                "request.idempotency_key",
                r.idempotency_key,
                r.idempotency_key_len,
            )?),
        })
    }
}

pub(crate) fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}

/// Convert a C footer request (NULL: all defaults).
///
/// # Safety
/// `r` is NULL or a live request whose text fields obey the (pointer, length) rule.
pub(crate) unsafe fn footer_request(
    r: *const keymsg_footer_request,
) -> Result<FooterRequest, FfiError> {
    // SAFETY: caller contract.
    let Some(r) = (unsafe { r.as_ref() }) else {
        return Ok(FooterRequest::new());
    };
    // SAFETY: caller contract on the fields.
    unsafe {
        Ok(FooterRequest {
            key: owned(opt_str_arg("request.key", r.key, r.key_len)?),
            profile: owned(opt_str_arg("request.profile", r.profile, r.profile_len)?),
            width: (r.width > 0).then_some(r.width),
            lang: owned(opt_str_arg("request.lang", r.lang, r.lang_len)?),
            at: parse_at(opt_str_arg("request.at", r.at, r.at_len)?)?,
            surface: surface_from(r.surface)?,
            kind: owned(opt_str_arg("request.kind", r.kind, r.kind_len)?),
            idempotency_key: owned(opt_str_arg(
                "request.idempotency_key",
                r.idempotency_key,
                r.idempotency_key_len,
            )?),
            sequence: r.has_sequence.then_some(r.sequence),
            // `keymsg_engine_footer_encoded` sets it.
            encoding: None,
        })
    }
}

pub(crate) fn parse_at(at: Option<&str>) -> Result<Option<time::OffsetDateTime>, FfiError> {
    at.map(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map_err(|e| invalid("at", format!("`{s}` is not an RFC 3339 instant: {e}")))
    })
    .transpose()
}

/// The footer for a document: select a message, lay it out for the profile
/// and count the insertion (if the engine has a store). `request` may be
/// NULL for all defaults.
///
/// On success writes a new `keymsg_result` to `*result_out` (free with
/// `keymsg_result_free`); on error nothing is written and nothing counted.
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT` (unknown profile, bad
/// instant or surface), `KEYMSG_SELECT_*`, `KEYMSG_LAYOUT_*`,
/// `KEYMSG_STORE_*` (only when the engine fails closed). Thread-safe.
///
/// # Safety
/// `engine` and `request` are NULL or live; the request's text fields obey
/// the `(pointer, length)` rule; `result_out` is NULL or valid for writing one
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_footer(
    engine: *const keymsg_engine,
    request: *const keymsg_footer_request,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        let out = Out::new("result_out", result_out)?;
        // SAFETY: caller contract.
        let req = unsafe { footer_request(request) }?;
        let rendered = engine.inner.footer(&req)?;
        // SAFETY: caller contract.
        unsafe { out.write(boxed(keymsg_result { inner: rendered })) };
        Ok(())
    })
}

/// The pop-up (title + body) for a subject: select, lay out for the pop-up
/// profile, count. `request` may be NULL for all defaults. Results and
/// errors as `keymsg_engine_footer`.
/// Thread-safe.
///
/// # Safety
/// As `keymsg_engine_footer`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_popup(
    engine: *const keymsg_engine,
    request: *const keymsg_popup_request,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        let out = Out::new("result_out", result_out)?;
        // SAFETY: caller contract.
        let req = unsafe { popup_request(request) }?;
        let rendered = engine.inner.popup(&req)?;
        // SAFETY: caller contract.
        unsafe { out.write(boxed(keymsg_result { inner: rendered })) };
        Ok(())
    })
}

/// Reprint: the message of a selection token (from `keymsg_result_token`)
/// laid out again as `request` asks (profile, width, language; NULL: all
/// defaults), even if the catalog's weights changed since. Counted as a
/// reprint.
///
/// Results as `keymsg_engine_footer`. Errors also: `KEYMSG_SELECT_BAD_TOKEN`
/// (malformed token), `KEYMSG_SELECT_UNKNOWN_MESSAGE` (the message is no
/// longer in the catalog). Thread-safe.
///
/// # Safety
/// As `keymsg_engine_footer`; `token` is NULL or points to `token_len` bytes;
/// `request` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_replay(
    engine: *const keymsg_engine,
    token: *const c_char,
    token_len: usize,
    request: *const keymsg_footer_request,
    result_out: *mut *mut keymsg_result,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        // SAFETY: caller contract.
        let token = unsafe { str_arg("token", token, token_len) }?;
        let out = Out::new("result_out", result_out)?;
        // SAFETY: caller contract.
        let req = unsafe { footer_request(request) }?;
        let rendered = engine.inner.replay(token, &req)?;
        // SAFETY: caller contract.
        unsafe { out.write(boxed(keymsg_result { inner: rendered })) };
        Ok(())
    })
}

/// An explicit durability barrier (e.g. before exit): every count
/// acknowledged so far is durable when this returns. Counts are already
/// committed when footer and pop-up calls return, so this is rarely needed.
/// A no-op without a store. Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_STORE_*`. Thread-safe.
///
/// # Safety
/// `engine` is NULL or a live engine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_flush(engine: *const keymsg_engine) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        engine.inner.flush()?;
        Ok(())
    })
}

/// Record a count entered by hand for one column of the monthly form
/// (`channel` is a `keymsg_channel`) and month (`"YYYY-MM"`), for the
/// message `message_id`, under the engine's agency. Replaces an earlier
/// entry for the same month, channel and message. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`,
/// `KEYMSG_INVALID_ARGUMENT` (bad month or channel; the engine has no
/// store), `KEYMSG_STORE_*`. Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; each `(pointer, length)` pair is NULL or points
/// to that many bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_record(
    engine: *const keymsg_engine,
    month: *const c_char,
    month_len: usize,
    channel: u32,
    message_id: *const c_char,
    message_id_len: usize,
    count: u64,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        // SAFETY: caller contract.
        let month = unsafe { str_arg("month", month, month_len) }?;
        // SAFETY: caller contract.
        let message_id = unsafe { str_arg("message_id", message_id, message_id_len) }?;
        let month = month_from(month)?;
        let channel = channel_from(channel)?;
        engine.inner.record(month, channel, message_id, count)?;
        Ok(())
    })
}

/// The monthly report for `month` (`"YYYY-MM"`) in `format` (a
/// `keymsg_report_format`): JSON, CSV and Markdown are UTF-8 text, XLSX is
/// a binary workbook (use the view's `len`; it may contain NUL bytes).
///
/// On success writes a new `keymsg_string` to `*report_out` (free with
/// `keymsg_string_free`). Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_INVALID_ARGUMENT`
/// (bad month or format; the engine has no store), `KEYMSG_STORE_*`,
/// `KEYMSG_REPORT_*`. Thread-safe.
///
/// # Safety
/// `engine` is NULL or live; `month` is NULL or points to `month_len` bytes;
/// `report_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_engine_report(
    engine: *const keymsg_engine,
    month: *const c_char,
    month_len: usize,
    format: u32,
    report_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        // SAFETY: caller contract.
        let engine = unsafe { ref_arg("engine", engine) }?;
        // SAFETY: caller contract.
        let month = unsafe { str_arg("month", month, month_len) }?;
        let out = Out::new("report_out", report_out)?;
        let month = month_from(month)?;
        let report = engine.inner.report(month)?;
        let bytes: Vec<u8> = match format {
            1 => report.to_json().into_bytes(),
            2 => report.to_csv().into_bytes(),
            3 => report.to_markdown().into_bytes(),
            4 => report.to_xlsx_bytes().map_err(keymsg_core::Error::from)?,
            other => {
                return Err(invalid(
                    "format",
                    format!(
                        "{other} is not a keymsg_report_format (JSON = 1, CSV = 2, MARKDOWN = 3, XLSX = 4)"
                    ),
                ));
            }
        };
        // SAFETY: caller contract.
        unsafe { out.write(keymsg_string::new_raw(bytes)) };
        Ok(())
    })
}

// ---- result --------------------------------------------------------------

/// A rendered footer or pop-up (opaque): the text, its lines, the message id,
/// the pop-up title, the selection token and how it was fitted.
///
/// Read with the `keymsg_result_*` accessors; every view they return is
/// valid until the result is freed with `keymsg_result_free`, and is not
/// NUL-terminated. Immutable: may be read from any number of threads at
/// once; freeing must not race with reading.
#[derive(Debug)]
pub struct keymsg_result {
    pub(crate) inner: Rendered,
}

/// Read a live result, or return `fallback` for NULL.
unsafe fn read_result<T>(
    result: *const keymsg_result,
    fallback: T,
    f: impl FnOnce(&Rendered) -> T,
) -> T {
    // SAFETY: caller contract: NULL or a live result.
    match unsafe { result.as_ref() } {
        Some(r) => f(&r.inner),
        None => fallback,
    }
}

/// The whole text, lines joined by `\n` (no trailing newline).
/// `{NULL, 0}` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_text(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        read_result(result, keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.text.as_bytes())
        })
    })
}

/// The number of lines. 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_line_count(result: *const keymsg_result) -> usize {
    guard_value(0, || unsafe { read_result(result, 0, |r| r.lines.len()) })
}

/// Line `index` (0-based). `{NULL, 0}` if `result` is NULL or `index` is out
/// of range.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_line(
    result: *const keymsg_result,
    index: usize,
) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        read_result(result, keymsg_str::EMPTY, |r| {
            r.lines
                .get(index)
                .map_or(keymsg_str::EMPTY, |l| keymsg_str::borrow(l.as_bytes()))
        })
    })
}

/// The id of the selected message. `{NULL, 0}` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_message_id(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        read_result(result, keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.message_id.as_bytes())
        })
    })
}

/// The pop-up title. `{NULL, 0}` if there is none (footers) or `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_title(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        read_result(result, keymsg_str::EMPTY, |r| {
            r.title
                .as_deref()
                .map_or(keymsg_str::EMPTY, |t| keymsg_str::borrow(t.as_bytes()))
        })
    })
}

/// The selection token: store it with the document and pass it to
/// `keymsg_engine_replay` to reprint the same message. `{NULL, 0}` if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_token(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        read_result(result, keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.token.as_bytes())
        })
    })
}

/// Which variant was used: `"long"` or `"short"`. `{NULL, 0}` if `result`
/// is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_variant(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        read_result(result, keymsg_str::EMPTY, |r| {
            keymsg_str::borrow(r.fit.variant.as_bytes())
        })
    })
}

/// Whether no variant fitted and the text had to be truncated. `false` if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_truncated(result: *const keymsg_result) -> bool {
    guard_value(false, || unsafe {
        read_result(result, false, |r| r.fit.truncated)
    })
}

/// Whether the insertion was counted. `false` if the engine has no store, if
/// counting failed (fail-open; see `keymsg_result_count_error`) or if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_counted(result: *const keymsg_result) -> bool {
    guard_value(false, || unsafe {
        read_result(result, false, |r| r.counted)
    })
}

/// Why counting failed, when the engine is fail-open and it did.
/// `{NULL, 0}` if counting succeeded or was not attempted, or `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_count_error(result: *const keymsg_result) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || unsafe {
        read_result(result, keymsg_str::EMPTY, |r| {
            r.count_error
                .as_deref()
                .map_or(keymsg_str::EMPTY, |e| keymsg_str::borrow(e.as_bytes()))
        })
    })
}

/// Free a result. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_result_free(result: *mut keymsg_result) {
    // SAFETY: caller contract.
    guard_value((), || unsafe { free_boxed(result) })
}
