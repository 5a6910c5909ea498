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
//! with [`keymsg_status::from_u32`]; an enum value coming from C is never
//! trusted.

use std::ffi::CStr;

use crate::panic::guard_value;
use crate::string::keymsg_str;

/// Result of every fallible keymsg function. `KEYMSG_OK` (0) is success;
/// anything else is an error, and `keymsg_last_error_message()` then holds a
/// detailed, human-readable description for the calling thread.
///
/// In C the type is a `uint32_t`: compare it with the `KEYMSG_*` constants and
/// treat unknown values as errors (a newer library may return new codes).
#[allow(non_camel_case_types)]
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
    /// An argument is outside its documented range (unknown format number,
    /// width 0, unknown channel, malformed month, ...).
    KEYMSG_INVALID_ARGUMENT = 5,
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
    /// Catalog: another catalog error (newer core).
    KEYMSG_CATALOG_OTHER = 199,

    /// Layout: the width cannot hold any text.
    KEYMSG_LAYOUT_WIDTH_TOO_SMALL = 200,
    /// Layout: another layout or encoding error (newer core).
    KEYMSG_LAYOUT_OTHER = 299,

    /// Selection: no message is eligible for the request (surface, language,
    /// validity window).
    KEYMSG_SELECT_NOTHING_ELIGIBLE = 300,
    /// Selection: another selection error (newer core).
    KEYMSG_SELECT_OTHER = 399,

    /// Store: the SQLite insertion store failed.
    KEYMSG_STORE_SQLITE = 400,
    /// Store: another store error (newer core).
    KEYMSG_STORE_OTHER = 499,

    /// Report: reading or writing a report file failed.
    KEYMSG_REPORT_IO = 500,
    /// Report: another report error (newer core).
    KEYMSG_REPORT_OTHER = 599,
}

use keymsg_status::*;

impl keymsg_status {
    /// Every code, in numeric order. Tests check the numbers are unique and
    /// that each has a name and a message.
    pub const ALL: &'static [keymsg_status] = &[
        KEYMSG_OK,
        KEYMSG_PANIC,
        KEYMSG_NULL_PARAMETER,
        KEYMSG_INVALID_UTF8,
        KEYMSG_INTERIOR_NUL,
        KEYMSG_INVALID_ARGUMENT,
        KEYMSG_ERROR_OTHER,
        KEYMSG_CATALOG_IO,
        KEYMSG_CATALOG_TOO_LARGE,
        KEYMSG_CATALOG_INVALID_UTF8,
        KEYMSG_CATALOG_UNKNOWN_FORMAT,
        KEYMSG_CATALOG_SYNTAX,
        KEYMSG_CATALOG_UNSUPPORTED_SCHEMA,
        KEYMSG_CATALOG_INVALID,
        KEYMSG_CATALOG_OTHER,
        KEYMSG_LAYOUT_WIDTH_TOO_SMALL,
        KEYMSG_LAYOUT_OTHER,
        KEYMSG_SELECT_NOTHING_ELIGIBLE,
        KEYMSG_SELECT_OTHER,
        KEYMSG_STORE_SQLITE,
        KEYMSG_STORE_OTHER,
        KEYMSG_REPORT_IO,
        KEYMSG_REPORT_OTHER,
    ];

    /// The code for an integer received from C, if it is one.
    pub fn from_u32(code: u32) -> Option<keymsg_status> {
        Self::ALL.iter().copied().find(|s| *s as u32 == code)
    }

    /// The constant's name, e.g. `KEYMSG_CATALOG_INVALID`.
    pub fn name(self) -> &'static CStr {
        match self {
            KEYMSG_OK => c"KEYMSG_OK",
            KEYMSG_PANIC => c"KEYMSG_PANIC",
            KEYMSG_NULL_PARAMETER => c"KEYMSG_NULL_PARAMETER",
            KEYMSG_INVALID_UTF8 => c"KEYMSG_INVALID_UTF8",
            KEYMSG_INTERIOR_NUL => c"KEYMSG_INTERIOR_NUL",
            KEYMSG_INVALID_ARGUMENT => c"KEYMSG_INVALID_ARGUMENT",
            KEYMSG_ERROR_OTHER => c"KEYMSG_ERROR_OTHER",
            KEYMSG_CATALOG_IO => c"KEYMSG_CATALOG_IO",
            KEYMSG_CATALOG_TOO_LARGE => c"KEYMSG_CATALOG_TOO_LARGE",
            KEYMSG_CATALOG_INVALID_UTF8 => c"KEYMSG_CATALOG_INVALID_UTF8",
            KEYMSG_CATALOG_UNKNOWN_FORMAT => c"KEYMSG_CATALOG_UNKNOWN_FORMAT",
            KEYMSG_CATALOG_SYNTAX => c"KEYMSG_CATALOG_SYNTAX",
            KEYMSG_CATALOG_UNSUPPORTED_SCHEMA => c"KEYMSG_CATALOG_UNSUPPORTED_SCHEMA",
            KEYMSG_CATALOG_INVALID => c"KEYMSG_CATALOG_INVALID",
            KEYMSG_CATALOG_OTHER => c"KEYMSG_CATALOG_OTHER",
            KEYMSG_LAYOUT_WIDTH_TOO_SMALL => c"KEYMSG_LAYOUT_WIDTH_TOO_SMALL",
            KEYMSG_LAYOUT_OTHER => c"KEYMSG_LAYOUT_OTHER",
            KEYMSG_SELECT_NOTHING_ELIGIBLE => c"KEYMSG_SELECT_NOTHING_ELIGIBLE",
            KEYMSG_SELECT_OTHER => c"KEYMSG_SELECT_OTHER",
            KEYMSG_STORE_SQLITE => c"KEYMSG_STORE_SQLITE",
            KEYMSG_STORE_OTHER => c"KEYMSG_STORE_OTHER",
            KEYMSG_REPORT_IO => c"KEYMSG_REPORT_IO",
            KEYMSG_REPORT_OTHER => c"KEYMSG_REPORT_OTHER",
        }
    }

    /// A short, fixed description of the code (the detail of one failure is
    /// in the thread's last error message).
    pub fn message(self) -> &'static CStr {
        match self {
            KEYMSG_OK => c"success",
            KEYMSG_PANIC => c"internal error: a panic was caught at the C boundary (a keymsg bug)",
            KEYMSG_NULL_PARAMETER => c"a required pointer argument was NULL",
            KEYMSG_INVALID_UTF8 => c"a text argument is not valid UTF-8",
            KEYMSG_INTERIOR_NUL => c"a text argument contains a NUL byte",
            KEYMSG_INVALID_ARGUMENT => c"an argument is outside its documented range",
            KEYMSG_ERROR_OTHER => c"an error this C API version does not classify",
            KEYMSG_CATALOG_IO => c"catalog file could not be read",
            KEYMSG_CATALOG_TOO_LARGE => c"catalog file is too large",
            KEYMSG_CATALOG_INVALID_UTF8 => c"catalog is not valid UTF-8",
            KEYMSG_CATALOG_UNKNOWN_FORMAT => c"catalog format unknown (use .toml or .json)",
            KEYMSG_CATALOG_SYNTAX => c"catalog syntax error",
            KEYMSG_CATALOG_UNSUPPORTED_SCHEMA => c"catalog schema is newer than this library",
            KEYMSG_CATALOG_INVALID => c"catalog failed validation",
            KEYMSG_CATALOG_OTHER => c"catalog error",
            KEYMSG_LAYOUT_WIDTH_TOO_SMALL => c"width too small to lay out any text",
            KEYMSG_LAYOUT_OTHER => c"layout error",
            KEYMSG_SELECT_NOTHING_ELIGIBLE => c"no message is eligible for the request",
            KEYMSG_SELECT_OTHER => c"selection error",
            KEYMSG_STORE_SQLITE => c"insertion store (SQLite) error",
            KEYMSG_STORE_OTHER => c"insertion store error",
            KEYMSG_REPORT_IO => c"report file could not be read or written",
            KEYMSG_REPORT_OTHER => c"report error",
        }
    }
}

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
        keymsg_status::from_u32(status).map_or(
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
        keymsg_status::from_u32(status).map_or(keymsg_str::from_static(c"KEYMSG_UNKNOWN"), |s| {
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
            assert_eq!(keymsg_status::from_u32(n), Some(s));
            assert!(s.name().to_str().unwrap().starts_with("KEYMSG_"));
            assert!(!s.message().to_bytes().is_empty());
        }
        assert_eq!(KEYMSG_OK as u32, 0);
        assert_eq!(keymsg_status::from_u32(7), None);
        assert_eq!(keymsg_status::from_u32(u32::MAX), None);
    }

    #[test]
    fn every_area_has_an_other_code() {
        // The block's last number is reserved for "newer core" errors.
        for n in [99, 199, 299, 399, 499, 599] {
            assert!(keymsg_status::from_u32(n).is_some(), "{n}");
        }
    }
}
