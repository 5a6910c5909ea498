//! `keymsg_status`: the one status code every fallible function returns.
//!
//! Numbers are explicit and never reused: a code that is retired stays
//! reserved. Codes are grouped by area in blocks of 100 (general 0–99,
//! catalog 100–199, layout 200–299, selection 300–399, store 400–499,
//! report 500–599); the last code of each block (`*_OTHER`) is used for an
//! error the core added after this code table was written, so a newer core
//! never makes the C layer guess.
//!
//! Values received *from* C are plain integers (`uint32_t`) and are checked
//! with `keymsg_status::try_from`; an enum value coming from C is never
//! trusted.
//!
//! The codes and their documentation are written once, as the enum below
//! (cbindgen reads it for the header and does not expand macros). Their
//! names and fixed messages are written once, in the `status_table!` after
//! it, which generates `ALL`, `name()`, `message()` and `TryFrom<u32>`; the
//! compiler checks that the two lists agree.

use std::ffi::CStr;

use crate::enums::c_enum_from_u32;
use crate::panic::guard_value;
use crate::string::keymsg_str;

/// Result of every fallible keymsg function. `KEYMSG_OK` (0) is success;
/// anything else is an error, and `keymsg_last_error_message()` then holds a
/// detailed, human-readable description for the calling thread.
///
/// In C the type is a `uint32_t`: compare it with the `KEYMSG_*` constants and
/// treat unknown values as errors (a newer library may return new codes).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum keymsg_status {
    /// Success.
    KEYMSG_OK = 0,
    /// A Rust panic was caught at the C boundary: a bug in keymsg (please
    /// report it with the message). No output was written. Never unwinds into
    /// C and never aborts the host.
    KEYMSG_PANIC = 1,
    /// A required pointer argument was NULL. The message names the parameter.
    KEYMSG_NULL_PARAMETER = 2,
    /// A (pointer, length) text argument is not valid UTF-8. The message names
    /// the parameter and the byte offset.
    KEYMSG_INVALID_UTF8 = 3,
    /// A (pointer, length) text argument contains a NUL byte. The message
    /// names the parameter and the byte offset.
    KEYMSG_INTERIOR_NUL = 4,
    /// An argument is outside its documented range (unknown format, channel
    /// or profile, width 0, malformed month or instant, an engine without a
    /// store asked to record or report, ...). The message names the parameter.
    KEYMSG_INVALID_ARGUMENT = 5,
    /// The caller's `deliver` callback reported that the footer or pop-up
    /// could not be handed over (the printer write failed, ...); its count
    /// was withdrawn, so a retry counts again. (When the withdrawal itself
    /// fails, the store's status is returned instead, and the message says
    /// one undelivered footer stays counted.)
    KEYMSG_UNDELIVERED = 6,
    /// An error of a kind this C layer does not know yet (newer core).
    KEYMSG_ERROR_OTHER = 99,

    /// Catalog: the file could not be read (missing, permission, ...).
    KEYMSG_CATALOG_IO = 100,
    /// Catalog: the file is over the size limit (4 MiB).
    KEYMSG_CATALOG_TOO_LARGE = 101,
    /// Catalog: the file is not UTF-8 (the message gives the byte offset).
    KEYMSG_CATALOG_INVALID_UTF8 = 102,
    /// Catalog: the file name has no `.toml` or `.json` extension.
    KEYMSG_CATALOG_UNKNOWN_FORMAT = 103,
    /// Catalog: TOML/JSON syntax or shape error (message: `file:line:column: ...`).
    KEYMSG_CATALOG_SYNTAX = 104,
    /// Catalog: the file's schema is newer than this library reads.
    KEYMSG_CATALOG_UNSUPPORTED_SCHEMA = 105,
    /// Catalog: the content failed validation. The message has one line per
    /// problem, each naming the file, message id, field and character offset.
    KEYMSG_CATALOG_INVALID = 106,
    /// Catalog: a signature is required and the file has none.
    KEYMSG_CATALOG_SIGNATURE_MISSING = 107,
    /// Catalog: the signature does not verify (the file was changed after
    /// signing, the signature is for another file, or it is damaged).
    KEYMSG_CATALOG_SIGNATURE_INVALID = 108,
    /// Catalog: signed by a key that is not among the trusted keys.
    KEYMSG_CATALOG_UNTRUSTED_KEY = 109,
    /// Catalog: a public or secret key, or its password, is unusable.
    KEYMSG_CATALOG_BAD_KEY = 110,
    /// Catalog: a version older than one already accepted for the same
    /// layer, base or overlay (a replayed old catalog).
    KEYMSG_CATALOG_ROLLBACK = 111,
    /// Catalog: the same version as one already accepted, with other content.
    KEYMSG_CATALOG_VERSION_REUSED = 112,
    /// Catalog: the catalog's `expires` instant has passed.
    KEYMSG_CATALOG_EXPIRED = 113,
    /// Catalog: the trust state directory could not be read or written.
    KEYMSG_CATALOG_STATE = 114,
    /// Catalog: another catalog error (newer core).
    KEYMSG_CATALOG_OTHER = 199,

    /// Layout: the width is out of range: 0 or a line limit of 0 for text
    /// functions, or below the minimum footer width (16 columns) for a key
    /// message.
    KEYMSG_LAYOUT_WIDTH_TOO_SMALL = 200,
    /// Layout: the ellipsis alone is wider than the width.
    KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE = 201,
    /// Layout: the text holds a control character (other than a line feed),
    /// which would reach a printer as a command.
    KEYMSG_LAYOUT_CONTROL_CHARACTER = 202,
    /// Layout: a character has no mapping in the target encoding.
    KEYMSG_LAYOUT_UNENCODABLE = 203,
    /// Layout: a byte has no character in the source encoding.
    KEYMSG_LAYOUT_UNDECODABLE = 204,
    /// Layout: a layout profile definition is invalid.
    KEYMSG_LAYOUT_INVALID_PROFILE = 205,
    /// Layout: a text variant the profile needs (e.g. a pop-up title) is missing.
    KEYMSG_LAYOUT_MISSING_VARIANT = 206,
    /// Layout: the text is longer than the input limit of one layout call
    /// (1 MiB unless changed with `keymsg_set_max_input_bytes`).
    KEYMSG_LAYOUT_INPUT_TOO_LARGE = 207,
    /// Layout: the message had to be cut before every hotline, URL and e-mail
    /// address, so it no longer tells the reader where to check. Use a wider
    /// profile or more lines, or `keymsg_engine_options_set_allow_lossy` (the
    /// text is then returned but never counted).
    KEYMSG_LAYOUT_TRUNCATED_CORE = 208,
    /// Layout: a width over the limit of 1000 columns (`MAX_WIDTH`) where
    /// lines are padded to it (alignment, frames).
    KEYMSG_LAYOUT_WIDTH_TOO_LARGE = 209,
    /// Layout: another layout or encoding error (newer core).
    KEYMSG_LAYOUT_OTHER = 299,

    /// Selection: no message is eligible for the request (surface, language,
    /// validity window, weight).
    KEYMSG_SELECT_NOTHING_ELIGIBLE = 300,
    /// Selection: unknown selection policy name.
    KEYMSG_SELECT_UNKNOWN_POLICY = 301,
    /// Selection: a catalog `[policy]` key that is neither `default` nor a surface.
    KEYMSG_SELECT_UNKNOWN_POLICY_KEY = 302,
    /// Selection: a malformed selection token.
    KEYMSG_SELECT_BAD_TOKEN = 303,
    /// Selection: a token names a message the catalog does not have.
    KEYMSG_SELECT_UNKNOWN_MESSAGE = 304,
    /// Selection: the policy needs a key the request does not have.
    KEYMSG_SELECT_MISSING_KEY = 305,
    /// Selection: the pop-up impression log failed.
    KEYMSG_SELECT_IMPRESSION_LOG = 306,
    /// Selection: another selection error (newer core).
    KEYMSG_SELECT_OTHER = 399,

    /// Store: an SQLite error not covered by a more specific code.
    KEYMSG_STORE_SQLITE = 400,
    /// Store: a file-system error (directory, marker or lock file).
    KEYMSG_STORE_IO = 401,
    /// Store: the disk is full. Nothing was counted by the failed call and
    /// nothing is corrupted; counting works again once space is available.
    KEYMSG_STORE_DISK_FULL = 402,
    /// Store: the file is damaged or not SQLite. keymsg never recreates it:
    /// move it away or restore a backup.
    KEYMSG_STORE_CORRUPT = 403,
    /// Store: the file is an SQLite database but not a keymsg store.
    KEYMSG_STORE_FOREIGN = 404,
    /// Store: the path is not usable as a store directory.
    KEYMSG_STORE_NOT_A_STORE = 405,
    /// Store: written by a newer keymsg; upgrade (the file is left untouched).
    KEYMSG_STORE_NEWER_SCHEMA = 406,
    /// Store: the store cannot be written (permissions, read-only mount).
    KEYMSG_STORE_READ_ONLY = 407,
    /// Store: an invalid writer id.
    KEYMSG_STORE_BAD_WRITER_ID = 408,
    /// Store: another thread panicked while holding the store's lock; the
    /// store refuses further work in this process.
    KEYMSG_STORE_POISONED = 409,
    /// Store: a writer file holds fewer counts than it acknowledged (deleted,
    /// emptied, replaced by an older copy, or its WAL damaged). Nothing was
    /// written; restore the file, or accept the loss with
    /// `keymsg store repair --accept-loss`. The message names the file and
    /// the number of counts missing.
    KEYMSG_STORE_LOST = 410,
    /// Store: another store error (newer core).
    KEYMSG_STORE_OTHER = 499,

    /// Report: reading or writing a report file failed.
    KEYMSG_REPORT_IO = 500,
    /// Report: the text is not a well-formed report.
    KEYMSG_REPORT_JSON = 501,
    /// Report: the JSON has no `schema` field (not a keymsg report?).
    KEYMSG_REPORT_MISSING_SCHEMA = 502,
    /// Report: written with a schema this version cannot read.
    KEYMSG_REPORT_UNSUPPORTED_SCHEMA = 503,
    /// Report: writing the XLSX workbook failed.
    KEYMSG_REPORT_XLSX = 504,
    /// Report: a merge was given no reports.
    KEYMSG_REPORT_NO_REPORTS = 505,
    /// Report: reports for different months were merged.
    KEYMSG_REPORT_MONTH_MISMATCH = 506,
    /// Report: a report without an agency cannot be merged.
    KEYMSG_REPORT_EMPTY_AGENCY = 507,
    /// Report: an amendment for another agency or month.
    KEYMSG_REPORT_AMEND_MISMATCH = 508,
    /// Report: another report error (newer core).
    KEYMSG_REPORT_OTHER = 599,
}

use keymsg_status::*;

/// Generates, from `CODE => c"message"` rows in numeric order, the status
/// list (`ALL`), each code's name (its identifier) and message, and
/// `TryFrom<u32>`. Consistency with the enum is checked at compile time:
/// `name()` matches exhaustively, so a code missing from the table does not
/// compile; a code listed twice is an unreachable pattern, denied; and a
/// constant assertion below keeps the rows in numeric order.
macro_rules! status_table {
    ($($code:ident => $message:literal,)+) => {
        c_enum_from_u32!(keymsg_status, "a keymsg_status code", [$($code),+]);

        impl keymsg_status {
            /// The constant's name, e.g. `KEYMSG_CATALOG_INVALID`.
            #[deny(unreachable_patterns)]
            pub fn name(self) -> &'static CStr {
                match self {
                    $($code => const { c_name(concat!(stringify!($code), "\0")) },)+
                }
            }

            /// A short, fixed description of the code (the detail of one
            /// failure is in the thread's last error message).
            #[deny(unreachable_patterns)]
            pub fn message(self) -> &'static CStr {
                match self {
                    $($code => $message,)+
                }
            }
        }
    };
}

/// A status name as a C string, at compile time. The text is an identifier
/// plus one terminating NUL, so the fallback is never taken.
const fn c_name(with_nul: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(with_nul.as_bytes()) {
        Ok(name) => name,
        Err(_) => c"KEYMSG_UNKNOWN",
    }
}

status_table! {
    KEYMSG_OK => c"success",
    KEYMSG_PANIC => c"internal error: a panic was caught at the C boundary (a keymsg bug)",
    KEYMSG_NULL_PARAMETER => c"a required pointer argument was NULL",
    KEYMSG_INVALID_UTF8 => c"a text argument is not valid UTF-8",
    KEYMSG_INTERIOR_NUL => c"a text argument contains a NUL byte",
    KEYMSG_INVALID_ARGUMENT => c"an argument is outside its documented range",
    KEYMSG_UNDELIVERED => c"not delivered: the count was withdrawn",
    KEYMSG_ERROR_OTHER => c"an error this C API version does not classify",
    KEYMSG_CATALOG_IO => c"catalog file could not be read",
    KEYMSG_CATALOG_TOO_LARGE => c"catalog file is too large",
    KEYMSG_CATALOG_INVALID_UTF8 => c"catalog is not valid UTF-8",
    KEYMSG_CATALOG_UNKNOWN_FORMAT => c"catalog format unknown (use .toml or .json)",
    KEYMSG_CATALOG_SYNTAX => c"catalog syntax error",
    KEYMSG_CATALOG_UNSUPPORTED_SCHEMA => c"catalog schema is newer than this library",
    KEYMSG_CATALOG_INVALID => c"catalog failed validation",
    KEYMSG_CATALOG_SIGNATURE_MISSING => c"catalog is unsigned and a signature is required",
    KEYMSG_CATALOG_SIGNATURE_INVALID => c"catalog signature does not verify",
    KEYMSG_CATALOG_UNTRUSTED_KEY => c"catalog is signed by an untrusted key",
    KEYMSG_CATALOG_BAD_KEY => c"unusable key or password",
    KEYMSG_CATALOG_ROLLBACK => c"catalog version is older than one already accepted",
    KEYMSG_CATALOG_VERSION_REUSED => c"catalog version was already accepted with other content",
    KEYMSG_CATALOG_EXPIRED => c"catalog has expired",
    KEYMSG_CATALOG_STATE => c"catalog trust state could not be read or written",
    KEYMSG_CATALOG_OTHER => c"catalog error",
    KEYMSG_LAYOUT_WIDTH_TOO_SMALL => c"width out of range (too small)",
    KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE => c"ellipsis wider than the width",
    KEYMSG_LAYOUT_CONTROL_CHARACTER => c"control character in text to lay out",
    KEYMSG_LAYOUT_UNENCODABLE => c"character cannot be encoded",
    KEYMSG_LAYOUT_UNDECODABLE => c"byte cannot be decoded",
    KEYMSG_LAYOUT_INVALID_PROFILE => c"invalid layout profile",
    KEYMSG_LAYOUT_MISSING_VARIANT => c"text variant required by the profile is missing",
    KEYMSG_LAYOUT_INPUT_TOO_LARGE => c"text longer than the layout input limit",
    KEYMSG_LAYOUT_TRUNCATED_CORE => c"the message would lose every hotline and link at this width",
    KEYMSG_LAYOUT_WIDTH_TOO_LARGE => c"width is over the limit of 1000 columns",
    KEYMSG_LAYOUT_OTHER => c"layout error",
    KEYMSG_SELECT_NOTHING_ELIGIBLE => c"no message is eligible for the request",
    KEYMSG_SELECT_UNKNOWN_POLICY => c"unknown selection policy",
    KEYMSG_SELECT_UNKNOWN_POLICY_KEY => c"unknown policy key in the catalog",
    KEYMSG_SELECT_BAD_TOKEN => c"invalid selection token",
    KEYMSG_SELECT_UNKNOWN_MESSAGE => c"the token names a message the catalog does not have",
    KEYMSG_SELECT_MISSING_KEY => c"the request lacks a key the policy needs",
    KEYMSG_SELECT_IMPRESSION_LOG => c"pop-up impression log failed",
    KEYMSG_SELECT_OTHER => c"selection error",
    KEYMSG_STORE_SQLITE => c"insertion store (SQLite) error",
    KEYMSG_STORE_IO => c"insertion store file-system error",
    KEYMSG_STORE_DISK_FULL => c"disk full: nothing counted, nothing corrupted",
    KEYMSG_STORE_CORRUPT => c"insertion store is corrupt",
    KEYMSG_STORE_FOREIGN => c"not a keymsg store",
    KEYMSG_STORE_NOT_A_STORE => c"path is not usable as a store",
    KEYMSG_STORE_NEWER_SCHEMA => c"store written by a newer keymsg",
    KEYMSG_STORE_READ_ONLY => c"insertion store is read-only",
    KEYMSG_STORE_BAD_WRITER_ID => c"invalid store writer id",
    KEYMSG_STORE_POISONED => c"insertion store poisoned by an earlier panic",
    KEYMSG_STORE_LOST => c"insertion store lost acknowledged counts",
    KEYMSG_STORE_OTHER => c"insertion store error",
    KEYMSG_REPORT_IO => c"report file could not be read or written",
    KEYMSG_REPORT_JSON => c"malformed report JSON",
    KEYMSG_REPORT_MISSING_SCHEMA => c"report JSON has no schema",
    KEYMSG_REPORT_UNSUPPORTED_SCHEMA => c"report schema not supported",
    KEYMSG_REPORT_XLSX => c"XLSX report could not be written",
    KEYMSG_REPORT_NO_REPORTS => c"no reports to merge",
    KEYMSG_REPORT_MONTH_MISMATCH => c"reports are for different months",
    KEYMSG_REPORT_EMPTY_AGENCY => c"report has no agency",
    KEYMSG_REPORT_AMEND_MISMATCH => c"amendment does not match the report",
    KEYMSG_REPORT_OTHER => c"report error",
}

// `ALL` (and so `keymsg_status_name` lookups and the tests) relies on the
// table being in numeric order; a row out of place fails the build.
const _: () = {
    let mut rest = keymsg_status::ALL;
    while let [first, tail @ ..] = rest {
        if let [second, ..] = tail {
            assert!(
                (*first as u32) < (*second as u32),
                "status_table! rows must be in numeric order"
            );
        }
        rest = tail;
    }
};

/// A short, fixed English description of a status code, e.g.
/// `"catalog failed validation"`.
///
/// `status` is any integer: unknown codes give `"unknown keymsg_status code"`.
/// The returned view points to static storage (never freed, valid forever)
/// and is NUL-terminated. For the details of a particular failure use
/// `keymsg_last_error_message()`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn keymsg_status_message(status: u32) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        keymsg_status::try_from(status).map_or(
            keymsg_str::from_static(c"unknown keymsg_status code"),
            |s| keymsg_str::from_static(s.message()),
        )
    })
}

/// The name of a status code's constant, e.g. `"KEYMSG_CATALOG_INVALID"`,
/// for logs.
///
/// `status` is any integer: unknown codes give `"KEYMSG_UNKNOWN"`. The
/// returned view points to static storage (valid forever) and is
/// NUL-terminated. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn keymsg_status_name(status: u32) -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || {
        keymsg_status::try_from(status).map_or(keymsg_str::from_static(c"KEYMSG_UNKNOWN"), |s| {
            keymsg_str::from_static(s.name())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_sorted_and_round_trip() {
        let mut seen = HashSet::new();
        let mut last = None;
        for &s in keymsg_status::ALL {
            let n = s as u32;
            assert!(seen.insert(n), "duplicate code {n}");
            assert!(
                last.is_none_or(|l| l < n),
                "ALL not in numeric order at {n}"
            );
            last = Some(n);
            assert_eq!(keymsg_status::try_from(n).ok(), Some(s));
            assert!(s.name().to_str().unwrap().starts_with("KEYMSG_"));
            assert!(!s.message().to_bytes().is_empty());
        }
        assert_eq!(KEYMSG_OK as u32, 0);
        assert_eq!(keymsg_status::try_from(7).ok(), None);
        assert_eq!(keymsg_status::try_from(u32::MAX).ok(), None);
    }

    #[test]
    fn every_area_has_an_other_code() {
        // The block's last number is reserved for "newer core" errors.
        for n in [99, 199, 299, 399, 499, 599] {
            assert!(keymsg_status::try_from(n).ok().is_some(), "{n}");
        }
    }
}
