//! The request structs C fills in (`keymsg_footer_request`,
//! `keymsg_popup_request`, `keymsg_select_request`) and their conversion to
//! the core's requests.
//!
//! They are plain `#[repr(C)]` structs that C zero-initialises: every NULL
//! or 0 field takes its default. Their text fields are `(pointer, length)`
//! pairs, checked exactly like text arguments and named `request.<field>` in
//! errors (except `at`, which errors name `at`).

use std::ffi::c_char;

use keymsg_core::select::Request;
use keymsg_core::{FooterRequest, PopupRequest, Surface};

use crate::enums::{enum_arg, keymsg_surface};
use crate::error::FfiError;

/// A text field of a request, as `Result<Option<&str>, FfiError>` (NULL: not
/// given), named `request.<field>` in errors.
macro_rules! field_text {
    ($request:ident, $field:ident, $len:ident) => {{
        let (ptr, len) = ($request.$field, $request.$len);
        // SAFETY: used only inside the requests' `unsafe fn to_core`, whose
        // contract is that every text field is NULL or points to its
        // length's worth of readable bytes for the call.
        unsafe { $crate::ffi::opt_str_arg(concat!("request.", stringify!($field)), ptr, len) }
    }};
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
    /// message on any host, also on reprint. On surfaces other than receipts
    /// and invoices it is the subject key (user or customer id). NULL: no key
    /// (selection rotates).
    pub key: *const c_char,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// Layout profile: `"receipt-58mm"`, `"receipt-80mm"`,
    /// `"receipt-80mm-42"`, `"invoice-a4"`, ... NULL: the surface's own
    /// (`"receipt-58mm"` for receipts, `"invoice-a4"` for invoices,
    /// `"billboard"`, `"popup"`, `"push"`, `"sms"`).
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
    /// validity windows and the month counted. NULL: now. Years 1 to 2399 in
    /// Asia/Bangkok (a later year is most likely a Buddhist Era year); the
    /// footer and explain calls refuse another with `KEYMSG_INVALID_ARGUMENT`.
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

impl keymsg_footer_request {
    /// The core request. Fields are checked in declaration order, so the
    /// first bad one is the one reported.
    ///
    /// # Safety
    /// Every text field is NULL or points to its `_len` readable bytes,
    /// valid for the call (what the exported functions require of callers).
    pub(crate) unsafe fn to_core(self) -> Result<FooterRequest, FfiError> {
        Ok(FooterRequest {
            key: owned(field_text!(self, key, key_len)?),
            profile: owned(field_text!(self, profile, profile_len)?),
            width: (self.width > 0).then_some(self.width),
            lang: owned(field_text!(self, lang, lang_len)?),
            at: parse_at(field_text!(self, at, at_len)?)?,
            surface: surface_field(self.surface)?,
            kind: owned(field_text!(self, kind, kind_len)?),
            idempotency_key: owned(field_text!(self, idempotency_key, idempotency_key_len)?),
            sequence: self.has_sequence.then_some(self.sequence),
            // The C ABI returns UTF-8 text; encoding for a printer is the
            // caller's (keymsg_encode), so there is nothing to refuse here.
            encoding: None,
        })
    }
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

impl keymsg_popup_request {
    /// The core request; fields are checked in declaration order.
    ///
    /// # Safety
    /// As [`keymsg_footer_request::to_core`].
    pub(crate) unsafe fn to_core(self) -> Result<PopupRequest, FfiError> {
        Ok(PopupRequest {
            key: owned(field_text!(self, key, key_len)?),
            lang: owned(field_text!(self, lang, lang_len)?),
            profile: owned(field_text!(self, profile, profile_len)?),
            at: parse_at(field_text!(self, at, at_len)?)?,
            kind: owned(field_text!(self, kind, kind_len)?),
            idempotency_key: owned(field_text!(self, idempotency_key, idempotency_key_len)?),
        })
    }
}

/// A selection request for `keymsg_engine_select`. Zero-initialise it and
/// set what you need; NULL / 0 fields take their defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct keymsg_select_request {
    /// A `keymsg_surface`. 0: receipt.
    pub surface: u32,
    /// Language code. NULL: `"th"`.
    pub lang: *const c_char,
    /// Length of `lang` in bytes.
    pub lang_len: usize,
    /// Document key (for `sticky`). NULL: none.
    pub document_key: *const c_char,
    /// Length of `document_key` in bytes.
    pub document_key_len: usize,
    /// Subject key, e.g. a customer or user id (for `cycle`). NULL: none.
    pub subject_key: *const c_char,
    /// Length of `subject_key` in bytes.
    pub subject_key_len: usize,
    /// Whether `sequence` is set.
    pub has_sequence: bool,
    /// Caller's sequence number (for `round-robin`).
    pub sequence: u64,
    /// The instant, RFC 3339. NULL: now.
    pub at: *const c_char,
    /// Length of `at` in bytes.
    pub at_len: usize,
}

impl keymsg_select_request {
    /// The core request (the surface first, then the fields in declaration
    /// order).
    ///
    /// # Safety
    /// As [`keymsg_footer_request::to_core`].
    pub(crate) unsafe fn to_core(self) -> Result<Request, FfiError> {
        let surface = surface_field(self.surface)?.unwrap_or(Surface::Receipt);
        let mut req = Request::new(surface);
        if let Some(lang) = field_text!(self, lang, lang_len)? {
            req = req.lang(lang);
        }
        if let Some(k) = field_text!(self, document_key, document_key_len)? {
            req = req.document_key(k);
        }
        if let Some(k) = field_text!(self, subject_key, subject_key_len)? {
            req = req.subject_key(k);
        }
        if let Some(at) = parse_at(field_text!(self, at, at_len)?)? {
            req = req.at(at);
        }
        if self.has_sequence {
            req = req.sequence(self.sequence);
        }
        Ok(req)
    }
}

/// The `surface` field: 0 is the default (`None`), else a `keymsg_surface`.
fn surface_field(n: u32) -> Result<Option<Surface>, FfiError> {
    if n == 0 {
        return Ok(None);
    }
    enum_arg::<keymsg_surface>("request.surface", n).map(|s| Some(s.into()))
}

/// The `at` field: an RFC 3339 instant.
pub(crate) fn parse_at(at: Option<&str>) -> Result<Option<time::OffsetDateTime>, FfiError> {
    at.map(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(
            |e| FfiError::InvalidArgument {
                name: "at",
                reason: format!("`{s}` is not an RFC 3339 instant: {e}"),
            },
        )
    })
    .transpose()
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}
