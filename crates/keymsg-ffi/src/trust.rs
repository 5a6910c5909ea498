//! Trusted catalogs: `keymsg_load_options` and `keymsg_catalog_load`
//! (signatures, expiry, rollback, last good catalog), the load status a
//! caller reads back, and `keymsg_sign_file`.

use std::ffi::c_char;
use std::path::PathBuf;

use keymsg_core::Catalog;
use keymsg_core::catalog::{LoadOptions, TrustedKey};

use crate::catalog::keymsg_catalog;
use crate::error::catalog_status;
use crate::ffi::{arg_free, arg_mut, arg_opt_ref, arg_opt_str, arg_out, arg_ref, arg_str, boxed};
use crate::panic::{guard, guard_value};
use crate::status::keymsg_status;
use crate::string::keymsg_string;

/// Settings for `keymsg_catalog_load` (opaque, built with setters).
///
/// Defaults: the embedded catalog; no trusted key; no signature required;
/// no state directory (no rollback protection, no last good catalog); not
/// strict.
///
/// Thread safety: use one options object from one thread at a time; it is
/// only read by `keymsg_catalog_load`, so it may be freed right after.
#[derive(Debug, Default)]
pub struct keymsg_load_options {
    inner: LoadOptions,
}

/// Create load options with every setting at its default; write them to
/// `*options_out` (free with `keymsg_load_options_free`).
/// Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_new(
    options_out: *mut *mut keymsg_load_options,
) -> keymsg_status {
    guard(|| {
        let out = arg_out!(options_out)?;
        out.write(boxed(keymsg_load_options::default()));
        Ok(())
    })
}

/// Free load options. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or load options from keymsg, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_free(options: *mut keymsg_load_options) {
    guard_value((), || arg_free!(options))
}

/// The catalog file to load (UTF-8 path; `.toml` or `.json`).
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `path` is NULL or points to `path_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_set_catalog(
    options: *mut keymsg_load_options,
    path: *const c_char,
    path_len: usize,
) -> keymsg_status {
    guard(|| {
        let path = PathBuf::from(arg_str!(path, path_len)?);
        arg_mut!(options)?.inner.catalog = Some(path);
        Ok(())
    })
}

/// The catalog's detached signature (default: the catalog path + `.minisig`).
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `path` is NULL or points to `path_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_set_signature(
    options: *mut keymsg_load_options,
    path: *const c_char,
    path_len: usize,
) -> keymsg_status {
    guard(|| {
        let path = PathBuf::from(arg_str!(path, path_len)?);
        arg_mut!(options)?.inner.signature = Some(path);
        Ok(())
    })
}

/// Trust a minisign public key to sign the catalog (the official base),
/// never the overlay: its base64 form (`RW...`) or the content of a
/// `minisign.pub` file. Call once per key (several during a rotation).
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`, `KEYMSG_CATALOG_BAD_KEY`.
///
/// # Safety
/// `options` is NULL or live; `key` is NULL or points to `key_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_add_trusted_key(
    options: *mut keymsg_load_options,
    key: *const c_char,
    key_len: usize,
) -> keymsg_status {
    guard(|| {
        let key = arg_str!(key, key_len)?;
        let options = arg_mut!(options)?;
        let key = TrustedKey::parse(key, "trusted key")?;
        options.inner.trusted_keys.push(key);
        Ok(())
    })
}

/// Trust a minisign public key to sign the overlay only (an agency's own
/// key), never the base catalog: keys added with
/// `keymsg_load_options_add_trusted_key` sign the base, these the overlay.
/// Call once per key. Errors: `KEYMSG_NULL_PARAMETER`,
/// `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`, `KEYMSG_CATALOG_BAD_KEY`.
///
/// # Safety
/// `options` is NULL or live; `key` is NULL or points to `key_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_add_overlay_key(
    options: *mut keymsg_load_options,
    key: *const c_char,
    key_len: usize,
) -> keymsg_status {
    guard(|| {
        let key = arg_str!(key, key_len)?;
        let options = arg_mut!(options)?;
        let key = TrustedKey::parse(key, "overlay key")?;
        options.inner.overlay_keys.push(key);
        Ok(())
    })
}

/// An agency overlay to apply on the catalog (the official base): its own
/// messages and hotlines, weights, priorities, windows, policies, disabled
/// base messages, layout words kept whole (`[layout] words`, with
/// `schema = 2` in the overlay); never a change to official text. Checked
/// like the base (signature `OVERLAY.minisig`, expiry, rollback). Problems
/// name the overlay file (`KEYMSG_CATALOG_INVALID`).
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `path` is NULL or points to `path_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_set_overlay(
    options: *mut keymsg_load_options,
    path: *const c_char,
    path_len: usize,
) -> keymsg_status {
    guard(|| {
        let path = PathBuf::from(arg_str!(path, path_len)?);
        arg_mut!(options)?.inner.overlay = Some(path);
        Ok(())
    })
}

/// A word to keep whole when the catalog's messages are laid out, on top of
/// the catalog's own `[layout] words` (an agency's configuration, like
/// `[layout] words` in the CLI's `keymsg.toml`). Repeatable. Checked by
/// `keymsg_catalog_load` as a catalog's words are: a word that is not Thai
/// text in NFC, 2 to 64 characters without spaces, and a message the words
/// push over a profile of its surfaces, are `KEYMSG_CATALOG_INVALID` (the
/// message names `layout.words[k]`, or the message, the profile and the
/// word). With a state directory a check that passed is remembered there,
/// and the next load with the same words and texts does not lay the
/// messages out again.
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `word` is NULL or points to `word_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_add_layout_word(
    options: *mut keymsg_load_options,
    word: *const c_char,
    word_len: usize,
) -> keymsg_status {
    guard(|| {
        let word = arg_str!(word, word_len)?.to_owned();
        arg_mut!(options)?.inner.layout_words.push(word);
        Ok(())
    })
}

/// Refuse a catalog without a valid signature by a trusted key.
/// Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_set_require_signature(
    options: *mut keymsg_load_options,
    yes: bool,
) -> keymsg_status {
    guard(|| {
        arg_mut!(options)?.inner.require_signature = yes;
        Ok(())
    })
}

/// The trust state directory (created when needed): highest versions per
/// issuer and the last good catalog.
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`, `KEYMSG_INTERIOR_NUL`.
///
/// # Safety
/// `options` is NULL or live; `dir` is NULL or points to `dir_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_set_state(
    options: *mut keymsg_load_options,
    dir: *const c_char,
    dir_len: usize,
) -> keymsg_status {
    guard(|| {
        let dir = PathBuf::from(arg_str!(dir, dir_len)?);
        arg_mut!(options)?.inner.state = Some(dir);
        Ok(())
    })
}

/// Fail when the catalog is refused instead of serving the last good one.
/// Errors: `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_load_options_set_strict(
    options: *mut keymsg_load_options,
    yes: bool,
) -> keymsg_status {
    guard(|| {
        arg_mut!(options)?.inner.strict = yes;
        Ok(())
    })
}

/// Load a catalog with signatures, expiry and rollback checked
/// (`options` NULL: the embedded catalog). When the named file is refused
/// and the state directory holds a last good catalog, that one is returned
/// with `KEYMSG_OK`; `keymsg_catalog_fallback_status` then tells why.
///
/// Errors: the `KEYMSG_CATALOG_*` codes (`KEYMSG_CATALOG_SIGNATURE_MISSING`,
/// `..._SIGNATURE_INVALID`, `..._UNTRUSTED_KEY`, `..._ROLLBACK`,
/// `..._VERSION_REUSED`, `..._EXPIRED`, `..._STATE` and those of
/// `keymsg_catalog_from_file`), `KEYMSG_NULL_PARAMETER`.
///
/// # Safety
/// `options` is NULL or live; `catalog_out` is NULL or valid for writing
/// one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_load(
    options: *const keymsg_load_options,
    catalog_out: *mut *mut keymsg_catalog,
) -> keymsg_status {
    guard(|| {
        let out = arg_out!(catalog_out)?;
        let default = LoadOptions::default();
        let options = arg_opt_ref!(options).map_or(&default, |o| &o.inner);
        let inner = Catalog::load(options)?;
        out.write(boxed(keymsg_catalog { inner }));
        Ok(())
    })
}

/// Why the catalog named in the load options is not the one in service:
/// `KEYMSG_OK` when it is (or the catalog was not made by
/// `keymsg_catalog_load`), else the status of the error that refused it
/// (e.g. `KEYMSG_CATALOG_ROLLBACK`) while the last good catalog serves.
/// Returns `KEYMSG_NULL_PARAMETER` if `catalog` is NULL. Thread-safe.
///
/// # Safety
/// `catalog` is NULL or a live catalog.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_fallback_status(
    catalog: *const keymsg_catalog,
) -> keymsg_status {
    guard_value(keymsg_status::KEYMSG_PANIC, || match arg_ref!(catalog) {
        Err(_) => keymsg_status::KEYMSG_NULL_PARAMETER,
        Ok(c) => c
            .inner
            .trust()
            .fallback()
            .map_or(keymsg_status::KEYMSG_OK, |(_, e)| catalog_status(e)),
    })
}

/// How the catalog was loaded, as JSON: an array with one object per layer
/// (`layer`, `source`, `version`, `issuer`, `expires`, `signature` with
/// `status`, `key_id`, `trusted_comment`, `rollback_protected`, `refused`),
/// as `keymsg check --json` prints under `layers`. Writes a new string to
/// `*json_out`. Errors: `KEYMSG_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `catalog` is NULL or live; `json_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn keymsg_catalog_trust_json(
    catalog: *const keymsg_catalog,
    json_out: *mut *mut keymsg_string,
) -> keymsg_status {
    guard(|| {
        let catalog = arg_ref!(catalog)?;
        let out = arg_out!(json_out)?;
        out.write(keymsg_string::new_raw(catalog.inner.trust().to_json()));
        Ok(())
    })
}

/// Validate the catalog file at `catalog` and sign it with the minisign
/// secret key file `secret_key` (as `minisign -G` writes it). `password`
/// (NULL: none) unlocks a password-protected key; `trusted_comment` (NULL:
/// timestamp and file name, as minisign writes); `output` (NULL:
/// `CATALOG.minisig`). The signature verifies with `minisign -V`.
///
/// Errors: `KEYMSG_NULL_PARAMETER`, `KEYMSG_INVALID_UTF8`,
/// `KEYMSG_INTERIOR_NUL`, `KEYMSG_CATALOG_BAD_KEY` (unreadable key, wrong or
/// missing password), `KEYMSG_CATALOG_IO`, and the validation codes of
/// `keymsg_catalog_from_file`. Thread-safe.
///
/// # Safety
/// Each (pointer, length) pair is NULL or points to that many bytes (the
/// optional ones may be NULL).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn keymsg_sign_file(
    catalog: *const c_char,
    catalog_len: usize,
    secret_key: *const c_char,
    secret_key_len: usize,
    password: *const c_char,
    password_len: usize,
    trusted_comment: *const c_char,
    trusted_comment_len: usize,
    output: *const c_char,
    output_len: usize,
) -> keymsg_status {
    guard(|| {
        let catalog = arg_str!(catalog, catalog_len)?;
        let secret_key = arg_str!(secret_key, secret_key_len)?;
        let password = arg_opt_str!(password, password_len)?;
        let trusted_comment = arg_opt_str!(trusted_comment, trusted_comment_len)?;
        let output = arg_opt_str!(output, output_len)?;
        keymsg_core::catalog::sign_file(
            catalog.as_ref(),
            secret_key.as_ref(),
            password,
            trusted_comment,
            output.map(std::path::Path::new),
        )?;
        Ok(())
    })
}
