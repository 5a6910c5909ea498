//! `keymsg_catalog`: a validated, immutable catalog of key messages.

use std::ffi::c_char;

use keymsg_core::Catalog;
use keymsg_core::catalog::Format;

use crate::enums::{enum_arg, keymsg_catalog_format};
use crate::ffi::{arg_bytes, arg_free, arg_out, arg_ref, arg_str, boxed};
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;
use crate::string::keymsg_string;

/// A validated catalog of key messages (opaque).
///
/// Created by `keymsg_catalog_default`, `keymsg_catalog_from_file` or
/// `keymsg_catalog_from_bytes`; freed with `keymsg_catalog_free`.
///
/// Thread safety: immutable once created; a `const keymsg_catalog *` may be
/// used from any number of threads at once. Engines built from a catalog keep
/// their own reference, so the catalog may be freed right after
/// `keymsg_engine_new`. Freeing must not race with other uses of the same
/// pointer.
#[derive(Debug)]
pub struct keymsg_catalog {
    pub(crate) inner: Catalog,
}

/// The catalog embedded in the library (at least 24 Thai/English messages).
///
/// On success writes a new catalog to `*catalog_out` (free it with
/// `keymsg_catalog_free`) and returns `KEYMSG_OK`. On error `*catalog_out` is
/// left untouched. Errors: `KEYMSG_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `catalog_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_default(
    catalog_out: *mut *mut keymsg_catalog,
) -> keymsg_status {
    guard(|| {
        let out = arg_out!(catalog_out)?;
        let inner = Catalog::embedded()?;
        out.write(boxed(keymsg_catalog { inner }));
        Ok(())
    })
}

/// Load and validate a catalog file; the format comes from the extension
/// (`.toml` or `.json`, any case).
///
/// `path` is `path_len` bytes of UTF-8 (no NUL terminator needed, NUL bytes
/// rejected). On success writes a new catalog to `*catalog_out` and returns
/// `KEYMSG_OK`; on error `*catalog_out` is untouched and
/// `keymsg_last_error_message()` explains, naming the file.
///
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL` (the path argument); `KEYMSG_CATALOG_IO` (missing or
/// unreadable file), `KEYMSG_CATALOG_UNKNOWN_FORMAT`,
/// `KEYMSG_CATALOG_TOO_LARGE`, `KEYMSG_CATALOG_INVALID_UTF8`,
/// `KEYMSG_CATALOG_SYNTAX`, `KEYMSG_CATALOG_UNSUPPORTED_SCHEMA`,
/// `KEYMSG_CATALOG_INVALID` (the message then has one line per problem).
/// Thread-safe.
///
/// # Safety
/// `path` is NULL or points to `path_len` readable bytes; `catalog_out` is
/// NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_from_file(
    path: *const c_char,
    path_len: usize,
    catalog_out: *mut *mut keymsg_catalog,
) -> keymsg_status {
    guard(|| {
        let path = arg_str!(path, path_len)?;
        let out = arg_out!(catalog_out)?;
        let inner = Catalog::from_path(path)?;
        out.write(boxed(keymsg_catalog { inner }));
        Ok(())
    })
}

/// Parse and validate a catalog held in memory.
///
/// `bytes` is `len` bytes of catalog text in `format` (a
/// `keymsg_catalog_format` value). The bytes are file content: their UTF-8
/// and syntax are checked by the catalog parser, which reports line and
/// column (errors name the source `<memory>`). On success writes a new
/// catalog to `*catalog_out`; on error it is untouched.
///
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_ARGUMENT` (unknown
/// format), and the `KEYMSG_CATALOG_*` codes of `keymsg_catalog_from_file`
/// except `KEYMSG_CATALOG_IO` and `KEYMSG_CATALOG_UNKNOWN_FORMAT`.
/// Thread-safe.
///
/// # Safety
/// `bytes` is NULL or points to `len` readable bytes; `catalog_out` is NULL
/// or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_from_bytes(
    bytes: *const u8,
    len: usize,
    format: u32,
    catalog_out: *mut *mut keymsg_catalog,
) -> keymsg_status {
    guard(|| {
        let bytes = arg_bytes!(bytes, len)?;
        let out = arg_out!(catalog_out)?;
        let format = enum_arg::<keymsg_catalog_format>("format", format)?;
        let inner = Catalog::from_bytes(bytes, format.into(), "<memory>")?;
        out.write(boxed(keymsg_catalog { inner }));
        Ok(())
    })
}

/// Free a catalog. NULL is a no-op. Engines created from it are not
/// affected (they hold their own reference).
///
/// # Safety
/// `catalog` is NULL or a catalog returned by keymsg and not yet freed, and
/// no other thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_free(catalog: *mut keymsg_catalog) {
    guard_value((), || arg_free!(catalog))
}

/// The catalog's version number (monotonic, from the file's `version`).
/// Returns 0 if `catalog` is NULL. Thread-safe.
///
/// # Safety
/// `catalog` is NULL or a live catalog.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_version(catalog: *const keymsg_catalog) -> u64 {
    guard_value(0, || arg_ref!(catalog).map_or(0, |c| c.inner.version()))
}

/// The number of messages in the catalog. Returns 0 if `catalog` is NULL.
/// Thread-safe.
///
/// # Safety
/// `catalog` is NULL or a live catalog.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_message_count(catalog: *const keymsg_catalog) -> usize {
    guard_value(0, || {
        arg_ref!(catalog).map_or(0, |c| c.inner.messages().len())
    })
}

/// Serialise a catalog as TOML or JSON (`format` is a
/// `keymsg_catalog_format`), e.g. the embedded default as a starting point
/// for an agency's own file. The text parses back to an equal catalog.
///
/// On success writes a new UTF-8 `keymsg_string` to `*text_out` (free it
/// with `keymsg_string_free`); on error `*text_out` is untouched. Errors:
/// `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_ARGUMENT` (unknown format),
/// `KEYMSG_CATALOG_OTHER` (serialisation failed). Thread-safe.
///
/// # Safety
/// `catalog` is NULL or a live catalog; `text_out` is NULL or valid for
/// writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_to_string(
    catalog: *const keymsg_catalog,
    format: u32,
    text_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let catalog = arg_ref!(catalog)?;
        let out = arg_out!(text_out)?;
        let format = Format::from(enum_arg::<keymsg_catalog_format>("format", format)?);
        let text = catalog
            .inner
            .to_string_as(format)
            .map_err(keymsg_core::Error::from)?;
        out.write(keymsg_string::new_raw(text));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn to_string_round_trips_in_both_formats() {
        let mut cat = ptr::null_mut();
        // SAFETY: every pointer passed is a local out-pointer or an object
        // returned by an earlier call and freed once, after its last use;
        // the string's view is read before the string is freed.
        unsafe {
            assert_eq!(keymsg_catalog_default(&mut cat), keymsg_status::KEYMSG_OK);
            for fmt in [
                keymsg_catalog_format::KEYMSG_CATALOG_FORMAT_TOML,
                keymsg_catalog_format::KEYMSG_CATALOG_FORMAT_JSON,
            ] {
                let mut s = ptr::null_mut();
                assert_eq!(
                    keymsg_catalog_to_string(cat, fmt as u32, &mut s),
                    keymsg_status::KEYMSG_OK
                );
                let view = crate::string::keymsg_string_get(s);
                let bytes = std::slice::from_raw_parts(view.data.cast::<u8>(), view.len);
                let mut back = ptr::null_mut();
                assert_eq!(
                    keymsg_catalog_from_bytes(bytes.as_ptr(), bytes.len(), fmt as u32, &mut back),
                    keymsg_status::KEYMSG_OK,
                    "{}",
                    crate::error::last_error_string()
                );
                assert_eq!((*back).inner.messages(), (*cat).inner.messages());
                assert_eq!((*back).inner.version(), (*cat).inner.version());
                keymsg_catalog_free(back);
                crate::string::keymsg_string_free(s);
            }
            keymsg_catalog_free(cat);
        }
    }
}
