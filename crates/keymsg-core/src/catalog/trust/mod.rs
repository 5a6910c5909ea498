//! Trusted loading: signatures, expiry, rollback protection and the last
//! good catalog.
//!
//! [`Catalog::load`] reads a catalog file the way a billing server should:
//!
//! 1. the detached signature (`FILE.minisig`, or [`LoadOptions::signature`])
//!    is verified with the keys trusted for that layer only
//!    ([`LoadOptions::trusted_keys`] for the official base,
//!    [`LoadOptions::overlay_keys`] for the overlay); without one the file
//!    is refused when [`LoadOptions::require_signature`] is set or keys are
//!    trusted for its layer;
//! 2. the file is parsed and validated;
//! 3. an expired catalog (`expires` passed) is refused;
//! 4. with a state directory, a version lower than the highest accepted
//!    for the same layer (base or overlay, whatever issuer the file
//!    declares) is refused, and so is the same version with different
//!    bytes; an accepted file is recorded and copied there. A layer whose
//!    record is missing (`versions.json` deleted) takes its last good
//!    copy's version as the highest accepted.
//!
//! When a file is refused and the state directory holds a last good copy,
//! that copy is served instead (unless [`LoadOptions::strict`]), and
//! [`Catalog::trust`] says so, with the error that refused the new file.

mod sig;
mod state;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;

pub use super::status::{
    Layer, LayerTrust, SignatureInfo, SignatureStatus, TrustStatus, rfc3339_bangkok,
};
pub use sig::{TrustedKey, sign, verify};
pub(crate) use state::{Accepted, Check, StateDir};

use super::error::CatalogError;
use super::load::Format;
use super::model::Catalog;
use super::overlay::Overlay;
use super::validate::{CheckKey, CheckMemo};

/// Name of the state directory kept inside a store directory by default.
pub const STATE_IN_STORE: &str = "catalog-trust";

/// The file that marks a store directory (the store's own marker; a test
/// opens a store and checks that this finds it).
const STORE_MARKER: &str = "KEYMSG_STORE";

/// The default state directory for a store directory: `STORE/catalog-trust`,
/// once the store exists (a directory that is not yet a store is left
/// alone: the store refuses to be created in a non-empty directory). For a
/// PostgreSQL fleet store, pass the host's journal directory (a store
/// directory of its own), as the CLI and `keymsg serve` do: rollback records
/// and the last good catalog are kept per host, so a load never waits on the
/// network (see docs/FLEET.md).
pub fn default_state_dir(store: &Path) -> Option<PathBuf> {
    store
        .join(STORE_MARKER)
        .is_file()
        .then(|| store.join(STATE_IN_STORE))
}

/// How [`Catalog::load`] finds and checks a catalog.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The catalog file (`None`: the embedded default, which is compiled in
    /// and needs no signature).
    pub catalog: Option<PathBuf>,
    /// Its detached signature (default: the catalog path + `.minisig`).
    pub signature: Option<PathBuf>,
    /// Public keys trusted to sign the base (official) catalog; several at
    /// once during a key rotation. They never sign an overlay.
    pub trusted_keys: Vec<TrustedKey>,
    /// Public keys trusted to sign the overlay (an agency's own keys). They
    /// never sign the base: a key kept on an agency's servers must not be
    /// able to put text or numbers in the official catalog.
    pub overlay_keys: Vec<TrustedKey>,
    /// Refuse a file (base or overlay) without a signature by a key trusted
    /// for its layer. A layer with trusted keys requires a signature
    /// whether this is set or not (see [`Catalog::load`]).
    pub require_signature: bool,
    /// Where the highest versions and the last good catalog are kept
    /// (`None`: no rollback protection, no last good catalog).
    pub state: Option<PathBuf>,
    /// Refuse instead of serving the last good catalog.
    pub strict: bool,
    /// The instant expiry is judged at (default: now).
    pub now: Option<OffsetDateTime>,
    /// An agency overlay applied on the base (checked like the base: its
    /// signature is `OVERLAY.minisig`).
    pub overlay: Option<PathBuf>,
    /// Check against the state directory without recording anything in it
    /// (`keymsg check`): the file is judged as a load would judge it.
    pub check_only: bool,
    /// Words kept whole on top of the catalog's own (an agency's
    /// configuration, such as `keymsg.toml`'s `[layout] words`), checked as
    /// [`Catalog::with_layout_words`] checks them. With a state directory,
    /// a check that passed is remembered there, so a later load of the same
    /// messages with the same words does not lay them out again.
    pub layout_words: Vec<String>,
    /// Where [`LoadOptions::layout_words`] come from, naming them in errors
    /// (default: `layout words`).
    pub layout_words_source: Option<String>,
    /// Profiles the caller defined (`keymsg.toml`'s `[[profile_def]]`), that
    /// every message of their surfaces must fit as the built-in ones must
    /// (`Catalog::fit_problems`). An engine built with these profiles does
    /// not check them again; with a state directory, a check that passed is
    /// remembered there, so a later load of the same catalog with the same
    /// profiles does not lay its messages out again.
    pub profiles: Vec<crate::layout::Profile>,
}

/// Validate the catalog file at `catalog` and sign it with the minisign
/// secret key file `secret_key` (see [`sign`]), writing the signature to
/// `output` (default: `CATALOG.minisig`). Returns the signature path and the
/// catalog version. An invalid catalog is never signed.
pub fn sign_file(
    catalog: &Path,
    secret_key: &Path,
    password: Option<&str>,
    trusted_comment: Option<&str>,
    output: Option<&Path>,
) -> Result<(PathBuf, u64), CatalogError> {
    let name = catalog.display().to_string();
    let format = Format::from_path(catalog).ok_or_else(|| CatalogError::UnknownFormat {
        source_name: name.clone(),
    })?;
    let bytes = super::load::read_limited(catalog, &name)?;
    let c = Catalog::from_bytes(&bytes, format, &name)?;
    let key_name = secret_key.display().to_string();
    let secret = std::fs::read_to_string(secret_key).map_err(|e| CatalogError::BadKey {
        what: key_name.clone(),
        reason: format!("cannot read: {e}"),
    })?;
    let file_name = catalog
        .file_name()
        .map_or_else(|| name.clone(), |f| f.to_string_lossy().into_owned());
    let sig = sign(
        &bytes,
        &secret,
        password,
        &file_name,
        trusted_comment,
        &key_name,
    )?;
    let out = output.map_or_else(|| sibling_signature(catalog), Path::to_path_buf);
    std::fs::write(&out, sig.as_bytes()).map_err(|error| CatalogError::Io {
        source_name: out.display().to_string(),
        error,
    })?;
    Ok((out, c.version()))
}

const EMBEDDED: &str = "<embedded default catalog>";

impl Catalog {
    /// How the catalog was loaded by [`Catalog::load`]: each layer's
    /// signature, version and expiry, and whether a refused file was
    /// replaced by the last good catalog ([`TrustStatus::fallback`]).
    pub fn trust(&self) -> &TrustStatus {
        &self.inner.trust
    }

    /// The same catalog with `trust` as its load status.
    pub(crate) fn with_trust(self, trust: TrustStatus) -> Catalog {
        self.edited(|inner| inner.trust = trust)
    }

    /// Load a catalog with signatures, expiry and rollback checked, falling
    /// back to the last good catalog when the file is refused (see the
    /// module documentation), then apply the overlay, if any, checked the
    /// same way. [`Catalog::trust`] tells how it went.
    pub fn load(options: &LoadOptions) -> Result<Catalog, CatalogError> {
        let now = options.now.unwrap_or_else(OffsetDateTime::now_utc);
        let state = options.state.as_ref().map(StateDir::new);
        // With an overlay, every message names its layer.
        let layered = options.overlay.is_some();
        let (base, base_trust) = match &options.catalog {
            None => {
                let c = Catalog::embedded()?;
                let trust = LayerTrust {
                    layer: Layer::Base,
                    source: EMBEDDED.to_owned(),
                    version: c.version(),
                    issuer: c.meta().issuer.clone(),
                    expires: c.meta().expires,
                    signature: SignatureStatus::Embedded,
                    rollback_protected: false,
                    refused: None,
                };
                (c, trust)
            }
            Some(path) => load_layer::<Catalog>(
                Layer::Base,
                path,
                options.signature.as_deref(),
                layered,
                options,
                state.as_ref(),
                now,
            )?,
        };
        let mut layers = vec![base_trust];
        let catalog = match &options.overlay {
            None => base,
            Some(path) => {
                let (overlay, trust) = load_layer::<Overlay>(
                    Layer::Overlay,
                    path,
                    None,
                    true,
                    options,
                    state.as_ref(),
                    now,
                )?;
                layers.push(trust);
                base.with_overlay(&overlay)?
            }
        };
        let source = options.layout_words_source.as_deref();
        let memo = |check| {
            state.as_ref().map(|state| StateMemo {
                state,
                record: !options.check_only,
                check,
            })
        };
        let words_memo = memo(Check::Words);
        let catalog = catalog.with_layout_words_remembered(
            &options.layout_words,
            source.unwrap_or("layout words"),
            words_memo.as_ref().map(|m| m as &dyn CheckMemo),
        )?;
        let profiles_memo = memo(Check::Profiles);
        let catalog = catalog.with_profiles_checked(
            &options.profiles,
            profiles_memo.as_ref().map(|m| m as &dyn CheckMemo),
        )?;
        Ok(catalog.with_trust(TrustStatus { layers }))
    }
}

/// Checks remembered in a state directory (layout words, or defined
/// profiles: `check`); `record: false` (`LoadOptions::check_only`) reads
/// the record but never writes it.
pub(crate) struct StateMemo<'s> {
    pub(crate) state: &'s StateDir,
    pub(crate) record: bool,
    pub(crate) check: Check,
}

impl CheckMemo for StateMemo<'_> {
    fn passed_before(&self, key: &CheckKey) -> bool {
        self.state.checked_before(self.check, key)
    }

    fn passed(&self, key: &CheckKey) {
        if self.record {
            self.state.remember_checked(self.check, key);
        }
    }
}

/// A file one layer is read from: a base catalog or an overlay.
pub(crate) trait LayerFile: Sized {
    fn parse(bytes: &[u8], format: Format, label: &str) -> Result<Self, CatalogError>;
    /// [`LayerFile::parse`] of bytes that passed full validation before.
    fn parse_validated_before(
        bytes: &[u8],
        format: Format,
        label: &str,
    ) -> Result<Self, CatalogError> {
        Self::parse(bytes, format, label)
    }
    fn version(&self) -> u64;
    fn issuer(&self) -> Option<String>;
    fn expires(&self) -> Option<OffsetDateTime>;
}

impl LayerFile for Catalog {
    fn parse(bytes: &[u8], format: Format, label: &str) -> Result<Self, CatalogError> {
        Catalog::from_bytes(bytes, format, label)
    }
    fn parse_validated_before(
        bytes: &[u8],
        format: Format,
        label: &str,
    ) -> Result<Self, CatalogError> {
        Catalog::from_bytes_validated_before(bytes, format, label)
    }
    fn version(&self) -> u64 {
        Catalog::version(self)
    }
    fn issuer(&self) -> Option<String> {
        self.meta().issuer.clone()
    }
    fn expires(&self) -> Option<OffsetDateTime> {
        self.meta().expires
    }
}

impl LayerFile for Overlay {
    fn parse(bytes: &[u8], format: Format, label: &str) -> Result<Self, CatalogError> {
        Overlay::from_bytes(bytes, format, label)
    }
    fn version(&self) -> u64 {
        self.raw.version
    }
    fn issuer(&self) -> Option<String> {
        self.raw.issuer.clone()
    }
    fn expires(&self) -> Option<OffsetDateTime> {
        // A malformed date is reported when the overlay is applied.
        self.raw
            .expires
            .as_deref()
            .and_then(super::validate::parse_expires)
    }
}

/// Load one layer's file, or its last good copy when the file is refused.
/// `labelled`: errors say `base FILE` / `overlay FILE`.
pub(crate) fn load_layer<T: LayerFile>(
    layer: Layer,
    path: &Path,
    signature: Option<&Path>,
    labelled: bool,
    options: &LoadOptions,
    state: Option<&StateDir>,
    now: OffsetDateTime,
) -> Result<(T, LayerTrust), CatalogError> {
    let source = path.display().to_string();
    let label = if labelled {
        format!("{} {source}", layer.as_str())
    } else {
        source.clone()
    };
    let error = match load_checked::<T>(layer, path, signature, &label, options, state, now) {
        Ok(ok) => return Ok(ok),
        Err(e) => e,
    };
    // A broken state directory is not a reason to serve an old catalog.
    if options.strict || matches!(error, CatalogError::State { .. }) {
        return Err(error);
    }
    let Some(state) = state else {
        return Err(error);
    };
    // Under the lock, so that the copy and its signature are of one file
    // (best effort: a state directory this process cannot write has no
    // writer of its own to wait for; a lock held too long is an error).
    let _lock = match state.lock_for_reading() {
        Ok(lock) => lock,
        Err(CatalogError::State { path, reason }) => {
            return Err(CatalogError::State {
                path,
                reason: format!(
                    "{reason}; so the last good copy cannot stand in for {label}, refused: {}",
                    error.to_string().replace('\n', "; ")
                ),
            });
        }
        Err(e) => return Err(e),
    };
    let Some(good) = state.last_good(layer.as_str())? else {
        return Err(error);
    };
    let copy_label = format!(
        "last good copy of {} ({})",
        good.source,
        good.path.display()
    );
    let checked = (|| {
        if !state.is_recorded(layer.as_str(), &good.bytes)? {
            return Err(CatalogError::State {
                path: good.path.display().to_string(),
                reason: "not the file versions.json records as accepted".to_owned(),
            });
        }
        let sig = check_signature(
            &good.bytes,
            good.signature.as_deref(),
            &good.path.with_extension("minisig"),
            layer,
            options,
            &copy_label,
        )?;
        let c = T::parse(&good.bytes, good.format, &copy_label)?;
        check_expiry(&c, now, &copy_label)?;
        Ok::<_, CatalogError>((c, sig))
    })();
    match checked {
        Ok((c, sig)) => {
            let trust = layer_trust(layer, &source, &c, sig, true, Some(Arc::new(error)));
            Ok((c, trust))
        }
        // The copy cannot stand in either: report why the file was refused.
        Err(_) => Err(error),
    }
}

#[allow(clippy::too_many_arguments)]
fn load_checked<T: LayerFile>(
    layer: Layer,
    path: &Path,
    signature: Option<&Path>,
    label: &str,
    options: &LoadOptions,
    state: Option<&StateDir>,
    now: OffsetDateTime,
) -> Result<(T, LayerTrust), CatalogError> {
    let source = path.display().to_string();
    let format = Format::from_path(path).ok_or_else(|| CatalogError::UnknownFormat {
        source_name: label.to_owned(),
    })?;
    let bytes = super::load::read_limited(path, label)?;
    let sig_path = signature.map_or_else(|| sibling_signature(path), Path::to_path_buf);
    let sig_text = match std::fs::read_to_string(&sig_path) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && signature.is_none() => None,
        Err(e) => {
            return Err(CatalogError::SignatureInvalid {
                source_name: label.to_owned(),
                reason: format!("cannot read signature {}: {e}", sig_path.display()),
            });
        }
    };
    let sig = check_signature(
        &bytes,
        sig_text.as_deref(),
        &sig_path,
        layer,
        options,
        label,
    )?;
    // The exact bytes passed full validation on an earlier start: skip the
    // layout rule (most of the cost; every footer is laid out when served).
    let c = if state.is_some_and(|s| s.validated_before(&bytes)) {
        T::parse_validated_before(&bytes, format, label)?
    } else {
        T::parse(&bytes, format, label)?
    };
    check_expiry(&c, now, label)?;
    if let Some(state) = state {
        // Checked and recorded under one lock: a load recording at the same
        // time could otherwise overwrite this record with an older one.
        // `check_only` writes nothing, so it needs none (and works on a
        // state directory it cannot write).
        let _lock = if options.check_only {
            None
        } else {
            Some(state.lock()?)
        };
        let issuer = c.issuer();
        state.check(
            layer.as_str(),
            issuer.as_deref(),
            c.version(),
            &bytes,
            label,
        )?;
        if options.check_only {
            let trust = layer_trust(layer, &source, &c, sig, true, None);
            return Ok((c, trust));
        }
        let (kept_sig, key_id) = match &sig {
            SignatureStatus::Verified(info) => (sig_text.as_deref(), Some(info.key_id.as_str())),
            SignatureStatus::NotChecked => (sig_text.as_deref(), None),
            _ => (None, None),
        };
        state.accept(&Accepted {
            layer: layer.as_str(),
            issuer: issuer.as_deref(),
            key_id,
            version: c.version(),
            bytes: &bytes,
            format,
            source: &source,
            signature: kept_sig,
        })?;
    }
    let trust = layer_trust(layer, &source, &c, sig, state.is_some(), None);
    Ok((c, trust))
}

fn layer_trust<T: LayerFile>(
    layer: Layer,
    source: &str,
    c: &T,
    signature: SignatureStatus,
    rollback_protected: bool,
    refused: Option<Arc<CatalogError>>,
) -> LayerTrust {
    LayerTrust {
        layer,
        source: source.to_owned(),
        version: c.version(),
        issuer: c.issuer(),
        expires: c.expires(),
        signature,
        rollback_protected,
        refused,
    }
}

/// `catalog.toml` → `catalog.toml.minisig`, as `minisign -S` writes it.
pub fn sibling_signature(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".minisig");
    PathBuf::from(s)
}

/// Verify a layer's signature with the keys trusted for that layer only: a
/// key trusted to sign an agency overlay is not trusted to sign the base.
///
/// Trusting a key for a layer requires a signature for that layer: else
/// deleting the `.minisig` would turn a forged file, refused for its bad
/// signature, into an accepted unsigned one.
fn check_signature(
    bytes: &[u8],
    sig_text: Option<&str>,
    sig_path: &Path,
    layer: Layer,
    options: &LoadOptions,
    source: &str,
) -> Result<SignatureStatus, CatalogError> {
    let (keys, how) = match layer {
        Layer::Base => (&options.trusted_keys, "--trusted-key or `[trust] keys`"),
        Layer::Overlay => (
            &options.overlay_keys,
            "--overlay-key or `[trust] overlay_keys`",
        ),
    };
    let required = options.require_signature || !keys.is_empty();
    match sig_text {
        Some(s) if !keys.is_empty() => {
            Ok(SignatureStatus::Verified(verify(bytes, s, keys, source)?))
        }
        Some(_) if options.require_signature => Err(CatalogError::BadKey {
            what: format!("trusted keys for the {}", layer.as_str()),
            reason: format!(
                "a signature is required but no key is trusted for the {} ({how})",
                layer.as_str()
            ),
        }),
        Some(_) => Ok(SignatureStatus::NotChecked),
        None if required => Err(CatalogError::SignatureMissing {
            source_name: source.to_owned(),
            signature: sig_path.display().to_string(),
        }),
        None => Ok(SignatureStatus::Unsigned),
    }
}

fn check_expiry<T: LayerFile>(
    c: &T,
    now: OffsetDateTime,
    source: &str,
) -> Result<(), CatalogError> {
    match c.expires() {
        Some(e) if now >= e => Err(CatalogError::Expired {
            source_name: source.to_owned(),
            version: c.version(),
            expires: rfc3339_bangkok(e),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "words_memo_tests.rs"]
mod words_memo_tests;
