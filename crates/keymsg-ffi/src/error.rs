//! Errors at the boundary: the one place where `keymsg_core::Error` (and the
//! C layer's own argument errors) become `keymsg_status` codes, and the
//! thread-local "last error message" that carries the details.
//!
//! Convention: every function that returns `keymsg_status` sets the calling
//! thread's last error message — to a detailed description on failure, to
//! the empty string on success. [`keymsg_last_error_message`] reads it.

use std::cell::RefCell;

use keymsg_core::Error;
use keymsg_core::catalog::CatalogError;
use keymsg_core::layout::LayoutError;
use keymsg_core::report::ReportError;
use keymsg_core::select::SelectError;
use keymsg_core::store::StoreError;

use crate::panic::guard_value;
use crate::status::keymsg_status::{self, *};
use crate::string::keymsg_str;

/// An error raised by an exported function.
#[derive(Debug)]
pub(crate) enum FfiError {
    /// A required pointer was NULL.
    NullParameter(&'static str),
    /// A text argument is not UTF-8.
    InvalidUtf8 { name: &'static str, offset: usize },
    /// A text argument contains NUL.
    InteriorNul { name: &'static str, offset: usize },
    /// An argument outside its documented range.
    InvalidArgument { name: &'static str, reason: String },
    /// The caller's delivery failed (its callback's non-zero return); the
    /// count was withdrawn (or there was none).
    Undelivered { code: i32, withdrawn: bool },
    /// The caller's delivery failed and withdrawing its count failed too:
    /// the store's status, with a message saying one footer stays counted.
    WithdrawFailed { code: i32, cause: Error },
    /// An error from the core.
    Core(Error),
    /// A panic caught by the guard.
    Panic(String),
}

impl From<Error> for FfiError {
    fn from(e: Error) -> Self {
        FfiError::Core(e)
    }
}

impl From<CatalogError> for FfiError {
    fn from(e: CatalogError) -> Self {
        FfiError::Core(Error::Catalog(e))
    }
}

impl FfiError {
    /// The status code for this error.
    pub(crate) fn status(&self) -> keymsg_status {
        match self {
            FfiError::NullParameter(_) => KEYMSG_NULL_PARAMETER,
            FfiError::InvalidUtf8 { .. } => KEYMSG_INVALID_UTF8,
            FfiError::InteriorNul { .. } => KEYMSG_INTERIOR_NUL,
            FfiError::InvalidArgument { .. } => KEYMSG_INVALID_ARGUMENT,
            FfiError::Undelivered { .. } => KEYMSG_UNDELIVERED,
            FfiError::WithdrawFailed { cause, .. } => core_status(cause),
            FfiError::Panic(_) => KEYMSG_PANIC,
            FfiError::Core(e) => core_status(e),
        }
    }

    /// The detailed message for this error.
    pub(crate) fn message(&self) -> String {
        match self {
            FfiError::NullParameter(name) => format!("parameter `{name}` is NULL"),
            FfiError::InvalidUtf8 { name, offset } => {
                format!("parameter `{name}` is not valid UTF-8 (first bad byte at offset {offset})")
            }
            FfiError::InteriorNul { name, offset } => {
                format!("parameter `{name}` contains a NUL byte at offset {offset}")
            }
            FfiError::InvalidArgument { name, reason } => {
                format!("invalid argument `{name}`: {reason}")
            }
            FfiError::Undelivered { code, withdrawn } => format!(
                "not delivered: `deliver` returned {code}; {}",
                if *withdrawn {
                    "its count was withdrawn, so a retry counts again"
                } else {
                    "nothing had been counted (no store, a duplicate key or a failed count)"
                }
            ),
            FfiError::WithdrawFailed { code, cause } => format!(
                "not delivered: `deliver` returned {code}, and withdrawing its count failed: \
                 {cause}; the store counts one footer that was not delivered"
            ),
            FfiError::Panic(msg) => msg.clone(),
            // Catalog errors: one line per problem, each naming the file,
            // message id, field and offset (what `keymsg check` prints).
            FfiError::Core(Error::Catalog(e)) => e.lines().join("\n"),
            FfiError::Core(e) => e.to_string(),
        }
    }
}

/// The status of a catalog error (also used for the refusal a catalog
/// served from its last good copy carries).
pub(crate) fn catalog_status(e: &CatalogError) -> keymsg_status {
    match e {
        CatalogError::Io { .. } => KEYMSG_CATALOG_IO,
        CatalogError::TooLarge { .. } => KEYMSG_CATALOG_TOO_LARGE,
        CatalogError::InvalidUtf8 { .. } => KEYMSG_CATALOG_INVALID_UTF8,
        CatalogError::UnknownFormat { .. } => KEYMSG_CATALOG_UNKNOWN_FORMAT,
        CatalogError::Syntax { .. } => KEYMSG_CATALOG_SYNTAX,
        CatalogError::UnsupportedSchema { .. } => KEYMSG_CATALOG_UNSUPPORTED_SCHEMA,
        CatalogError::Invalid { .. } => KEYMSG_CATALOG_INVALID,
        CatalogError::SignatureMissing { .. } => KEYMSG_CATALOG_SIGNATURE_MISSING,
        CatalogError::SignatureInvalid { .. } => KEYMSG_CATALOG_SIGNATURE_INVALID,
        CatalogError::UntrustedKey { .. } => KEYMSG_CATALOG_UNTRUSTED_KEY,
        CatalogError::BadKey { .. } => KEYMSG_CATALOG_BAD_KEY,
        CatalogError::Rollback { .. } => KEYMSG_CATALOG_ROLLBACK,
        CatalogError::VersionReused { .. } => KEYMSG_CATALOG_VERSION_REUSED,
        CatalogError::Expired { .. } => KEYMSG_CATALOG_EXPIRED,
        CatalogError::State { .. } => KEYMSG_CATALOG_STATE,
        _ => KEYMSG_CATALOG_OTHER,
    }
}

/// The one mapping from core errors to status codes: each area has a block
/// of codes, each variant its own code, and `*_OTHER` for variants added to
/// the core after this table.
pub(crate) fn core_status(e: &Error) -> keymsg_status {
    match e {
        Error::Catalog(e) => catalog_status(e),
        Error::Layout(e) => match e {
            LayoutError::WidthTooSmall(_) => KEYMSG_LAYOUT_WIDTH_TOO_SMALL,
            LayoutError::WidthTooLarge { .. } => KEYMSG_LAYOUT_WIDTH_TOO_LARGE,
            LayoutError::EllipsisTooWide { .. } => KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE,
            LayoutError::ControlCharacter { .. } => KEYMSG_LAYOUT_CONTROL_CHARACTER,
            LayoutError::Unencodable { .. } | LayoutError::MessageUnencodable { .. } => {
                KEYMSG_LAYOUT_UNENCODABLE
            }
            LayoutError::Undecodable { .. } => KEYMSG_LAYOUT_UNDECODABLE,
            LayoutError::InvalidProfile { .. } => KEYMSG_LAYOUT_INVALID_PROFILE,
            LayoutError::MissingVariant { .. } => KEYMSG_LAYOUT_MISSING_VARIANT,
            LayoutError::InputTooLarge { .. } => KEYMSG_LAYOUT_INPUT_TOO_LARGE,
            LayoutError::FooterTooNarrow { .. } => KEYMSG_LAYOUT_WIDTH_TOO_SMALL,
            LayoutError::TruncatedCore { .. } => KEYMSG_LAYOUT_TRUNCATED_CORE,
            LayoutError::InvalidWord { .. } => KEYMSG_INVALID_ARGUMENT,
            _ => KEYMSG_LAYOUT_OTHER,
        },
        Error::Select(e) => match e {
            SelectError::NothingEligible { .. } => KEYMSG_SELECT_NOTHING_ELIGIBLE,
            SelectError::UnknownPolicy { .. } => KEYMSG_SELECT_UNKNOWN_POLICY,
            SelectError::UnknownPolicyKey { .. } => KEYMSG_SELECT_UNKNOWN_POLICY_KEY,
            SelectError::BadToken { .. } => KEYMSG_SELECT_BAD_TOKEN,
            SelectError::UnknownMessage { .. } => KEYMSG_SELECT_UNKNOWN_MESSAGE,
            SelectError::MissingKey { .. } => KEYMSG_SELECT_MISSING_KEY,
            SelectError::ImpressionLog(_) => KEYMSG_SELECT_IMPRESSION_LOG,
            _ => KEYMSG_SELECT_OTHER,
        },
        Error::Store(e) => match e {
            StoreError::Sqlite { .. } => KEYMSG_STORE_SQLITE,
            StoreError::Io { .. } => KEYMSG_STORE_IO,
            StoreError::DiskFull { .. } => KEYMSG_STORE_DISK_FULL,
            StoreError::Corrupt { .. } => KEYMSG_STORE_CORRUPT,
            StoreError::Foreign { .. } => KEYMSG_STORE_FOREIGN,
            StoreError::NotAStore { .. } => KEYMSG_STORE_NOT_A_STORE,
            StoreError::NewerSchema { .. } => KEYMSG_STORE_NEWER_SCHEMA,
            StoreError::ReadOnly { .. } => KEYMSG_STORE_READ_ONLY,
            StoreError::BadWriterId(_) => KEYMSG_STORE_BAD_WRITER_ID,
            StoreError::Poisoned { .. } => KEYMSG_STORE_POISONED,
            StoreError::Lost { .. } => KEYMSG_STORE_LOST,
            _ => KEYMSG_STORE_OTHER,
        },
        Error::Report(e) => match e {
            ReportError::Io { .. } => KEYMSG_REPORT_IO,
            ReportError::Json(_) => KEYMSG_REPORT_JSON,
            ReportError::MissingSchema => KEYMSG_REPORT_MISSING_SCHEMA,
            ReportError::UnsupportedSchema { .. } => KEYMSG_REPORT_UNSUPPORTED_SCHEMA,
            ReportError::Xlsx(_) => KEYMSG_REPORT_XLSX,
            ReportError::NoReports => KEYMSG_REPORT_NO_REPORTS,
            ReportError::MonthMismatch { .. } => KEYMSG_REPORT_MONTH_MISMATCH,
            ReportError::EmptyAgency { .. } => KEYMSG_REPORT_EMPTY_AGENCY,
            ReportError::AmendMismatch { .. } => KEYMSG_REPORT_AMEND_MISMATCH,
            _ => KEYMSG_REPORT_OTHER,
        },
        Error::InvalidArgument { .. } => KEYMSG_INVALID_ARGUMENT,
        _ => KEYMSG_ERROR_OTHER,
    }
}

thread_local! {
    /// The calling thread's last error message, NUL-terminated.
    static LAST_ERROR: RefCell<Vec<u8>> = RefCell::new(vec![0]);
}

/// Record the outcome of a call in the thread's last error and return its status.
pub(crate) fn record(result: Result<(), FfiError>) -> keymsg_status {
    match result {
        Ok(()) => {
            // `try_with`: a call from a thread-exit destructor, after this
            // thread's storage is gone, must still report its own outcome.
            let _ = LAST_ERROR.try_with(|cell| {
                let mut buf = cell.borrow_mut();
                buf.clear();
                buf.push(0);
            });
            KEYMSG_OK
        }
        Err(e) => {
            let status = e.status();
            // Only text leaves keymsg: a NUL (which would end the C string
            // early) or any other control or bidi character inside a message
            // (echoed from a token, an id, a file's content) is shown
            // escaped, `\u{1b}`; line feeds separate catalog problems.
            let mut bytes = keymsg_core::escape_controls(&e.message())
                .into_owned()
                .into_bytes();
            bytes.push(0);
            let _ = LAST_ERROR.try_with(|cell| *cell.borrow_mut() = bytes);
            status
        }
    }
}

/// The message recorded for this thread, as a Rust string (tests).
#[cfg(test)]
pub(crate) fn last_error_string() -> String {
    LAST_ERROR.with(|cell| {
        let buf = cell.borrow();
        String::from_utf8_lossy(buf.split_last().map_or(&[], |(_, b)| b)).into_owned()
    })
}

/// The detailed message of the calling thread's most recent failed call.
///
/// Every function that returns `keymsg_status` sets it: to a description of
/// the failure (for `KEYMSG_CATALOG_INVALID`, one line per problem, each
/// naming the file, message id, field and character offset; lines are
/// separated by `\n`), or to the empty string on success.
///
/// The view is NUL-terminated, owned by the library, and valid until the
/// next status-returning keymsg call **on the same thread**; copy it if you
/// need it longer. Never NULL. Thread-safe (each thread has its own message).
#[unsafe(no_mangle)]
pub extern "C" fn keymsg_last_error_message() -> keymsg_str {
    guard_value(keymsg_str::from_static(c""), || {
        LAST_ERROR
            .try_with(|cell| {
                let buf = cell.borrow();
                keymsg_str {
                    data: buf.as_ptr().cast(),
                    len: buf.len().saturating_sub(1),
                }
            })
            .unwrap_or(keymsg_str::from_static(c""))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use keymsg_core::Surface;

    fn status_of(e: impl Into<Error>) -> keymsg_status {
        core_status(&e.into())
    }

    #[test]
    fn each_core_variant_has_its_own_code() {
        assert_eq!(
            status_of(LayoutError::WidthTooSmall(0)),
            KEYMSG_LAYOUT_WIDTH_TOO_SMALL
        );
        assert_eq!(
            status_of(LayoutError::MissingVariant {
                profile: "popup".into(),
                what: "title"
            }),
            KEYMSG_LAYOUT_MISSING_VARIANT
        );
        assert_eq!(
            status_of(LayoutError::InputTooLarge { len: 2, max: 1 }),
            KEYMSG_LAYOUT_INPUT_TOO_LARGE
        );
        assert_eq!(
            status_of(SelectError::NothingEligible {
                surface: Surface::Sms,
                lang: "th".into(),
                at: time::OffsetDateTime::now_utc(),
            }),
            KEYMSG_SELECT_NOTHING_ELIGIBLE
        );
        assert_eq!(
            status_of(SelectError::BadToken {
                token: "x".into(),
                reason: "no prefix"
            }),
            KEYMSG_SELECT_BAD_TOKEN
        );
        assert_eq!(
            status_of(StoreError::BadWriterId("a b".into())),
            KEYMSG_STORE_BAD_WRITER_ID
        );
        assert_eq!(
            status_of(StoreError::Poisoned { path: "p".into() }),
            KEYMSG_STORE_POISONED
        );
        assert_eq!(
            status_of(StoreError::Lost {
                path: "w-0.sqlite".into(),
                missing: 3,
                detail: "deleted".into()
            }),
            KEYMSG_STORE_LOST
        );
        assert_eq!(status_of(ReportError::NoReports), KEYMSG_REPORT_NO_REPORTS);
        assert_eq!(
            status_of(ReportError::MissingSchema),
            KEYMSG_REPORT_MISSING_SCHEMA
        );
        assert_eq!(
            status_of(Error::InvalidArgument {
                name: "x",
                reason: String::new()
            }),
            KEYMSG_INVALID_ARGUMENT
        );
    }

    #[test]
    fn catalog_messages_have_one_line_per_problem() {
        let text = "schema = 1\nversion = 1\n[[messages]]\nid = \"a\"\ntopic = \"t\"\n\
                    [messages.text.th]\nlong = \"\"\n[[messages]]\nid = \"a\"\ntopic = \"t\"\n\
                    [messages.text.th]\nlong = \"x\"\n";
        let err = keymsg_core::Catalog::from_bytes(
            text.as_bytes(),
            keymsg_core::catalog::Format::Toml,
            "c.toml",
        )
        .unwrap_err();
        let e = FfiError::from(err);
        assert_eq!(e.status(), KEYMSG_CATALOG_INVALID);
        let msg = e.message();
        assert_eq!(msg.lines().count(), 2, "{msg}");
        assert!(
            msg.lines().all(|l| l.starts_with("c.toml: message `a`")),
            "{msg}"
        );
    }

    /// `[layout]` in a schema 1 catalog is a content problem; a file of a
    /// newer schema is `KEYMSG_CATALOG_UNSUPPORTED_SCHEMA` even when it has
    /// fields this library does not know.
    #[test]
    fn catalog_schema_statuses() {
        let load = |text: &str| {
            let err = keymsg_core::Catalog::from_bytes(
                text.as_bytes(),
                keymsg_core::catalog::Format::Toml,
                "c.toml",
            )
            .unwrap_err();
            FfiError::from(err)
        };
        let messages =
            "[[messages]]\nid = \"a\"\ntopic = \"t\"\n[messages.text.th]\nlong = \"x\"\n";
        let e = load(&format!("version = 1\n[layout]\nwords = []\n{messages}"));
        assert_eq!(e.status(), KEYMSG_CATALOG_INVALID);
        assert!(e.message().contains("set `schema = 2`"), "{}", e.message());
        let e = load(&format!("schema = 3\nversion = 1\n[shiny]\n{messages}"));
        assert_eq!(e.status(), KEYMSG_CATALOG_UNSUPPORTED_SCHEMA);
        assert!(
            e.message().contains("needs a newer keymsg"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn messages_with_nul_stay_c_strings() {
        let status = record(Err(FfiError::InvalidArgument {
            name: "x",
            reason: "a\0b\u{1b}]0;t\u{7}\u{202e}".into(),
        }));
        assert_eq!(status, KEYMSG_INVALID_ARGUMENT);
        assert_eq!(
            last_error_string(),
            "invalid argument `x`: a\\u{0}b\\u{1b}]0;t\\u{7}\\u{202e}"
        );
    }
}
