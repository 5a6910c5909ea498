//! The trust state directory: the highest catalog version accepted per
//! layer (with the hash of its bytes), and a copy of the last good catalog
//! of each layer, served when a newer file is refused.
//!
//! Versions are recorded per layer (`base`, `overlay`: the slot the file
//! was configured in), never per the `issuer` a file declares: a file
//! names its own issuer, so keying on it let an old catalog with another
//! (or no) issuer escape rollback protection, and let an overlay declaring
//! the official issuer with a huge version block every official update.
//!
//! ```text
//! STATE/versions.json                 {"layers": {"base": {"version": 7, "sha256": "...", "issuer": "PEA", "key_id": "..."}}}
//! STATE/last-good-base.toml           the accepted file, byte for byte
//! STATE/last-good-base.toml.minisig   its signature, when it had one
//! STATE/last-good-base.source         the path it was loaded from
//! STATE/layout-words-checked          the last layout-words check that passed
//! STATE/profiles-checked              the last check of defined profiles that passed
//! STATE/versions.lock                 locked while a load checks and records
//! ```
//!
//! A copy is written only with its record, so a layer without a record
//! whose copy is still there (`versions.json` deleted) takes the copy's
//! version as its floor (see [`StateDir::check`]).
//!
//! Files are replaced atomically (written to a temporary file of a unique
//! name beside, then renamed), so a crash leaves either the old or the new
//! state, never half of one. Checking a file against `versions.json` and
//! recording it (`versions.json`, the copy and its signature) happen under
//! one exclusive lock on `STATE/versions.lock`, taken by every load that
//! records ([`StateDir::lock`]) and by a fallback reading the last good
//! copy: two loads at once (threads or processes) never lose a record or
//! read a copy with another copy's signature. A load waits for the lock
//! at most [`LOCK_WAIT`], then fails naming the lock file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::super::error::CatalogError;
use super::super::load::{Format, declared_version};

const VERSIONS: &str = "versions.json";

/// The lock file of the state directory (see the module documentation).
const LOCK: &str = "versions.lock";

/// How long a load waits for the state directory's lock. A load holds it
/// for a few file writes (milliseconds), so this is many loads queued at
/// once, or a holder that is stuck.
pub(crate) const LOCK_WAIT: Duration = Duration::from_secs(5);

/// How long to sleep between two tries of the lock.
const LOCK_RETRY: Duration = Duration::from_millis(10);

/// Lock `file` (the lock file at `path`), trying until `wait` has passed.
fn acquire(file: std::fs::File, path: &Path, wait: Duration) -> Result<StateLock, CatalogError> {
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(StateLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(LOCK_RETRY);
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(state_err(
                    path,
                    format!(
                        "locked by another load (thread or process) for over {} s; if no \
                         load is running, a stuck process holds it (`fuser -v` on this file \
                         names it)",
                        wait.as_secs_f32()
                    ),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(state_err(path, e)),
        }
    }
}

/// Holds the state directory's lock; the lock is released when it is
/// dropped (the file closed), or when the process dies.
#[derive(Debug)]
pub(crate) struct StateLock {
    _file: std::fs::File,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Versions {
    /// The highest version accepted per layer (`base`, `overlay`).
    #[serde(default)]
    layers: BTreeMap<String, Seen>,
    /// Records of an older keymsg, per declared issuer: read only until the
    /// layer has a record of its own (see [`StateDir::seen`]), and kept so
    /// that they go on protecting a layer they belong to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    issuers: BTreeMap<String, Seen>,
    /// SHA-256 of files that passed full validation, with the keymsg version
    /// that validated them (a newer keymsg validates again).
    #[serde(default)]
    validated: BTreeMap<String, String>,
}

/// Which keymsg validated a file.
const VALIDATOR: &str = env!("CARGO_PKG_VERSION");

/// The file holding the last layout-words check that passed (see
/// [`StateDir::remember_checked`]).
const WORDS_CHECKED: &str = "layout-words-checked";

/// The file holding the last check of defined profiles that passed (see
/// [`StateDir::remember_checked`]).
const PROFILES_CHECKED: &str = "profiles-checked";

/// A check remembered in the state directory, each in a file of its own.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// `[layout] words` on the messages they change.
    Words,
    /// Profiles a caller defined, on every message they serve.
    Profiles,
}

impl Check {
    fn file(self) -> &'static str {
        match self {
            Check::Words => WORDS_CHECKED,
            Check::Profiles => PROFILES_CHECKED,
        }
    }
}

/// A line of a check's file: the keymsg that checked, and what.
fn check_entry(key: &[u8]) -> String {
    format!("{VALIDATOR} {}", hex(key))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    version: u64,
    sha256: String,
    /// The issuer the accepted file declared (for people; never a key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    /// The key that signed it, if it was verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
}

/// What [`StateDir::accept`] records about an accepted file.
pub(crate) struct Accepted<'a> {
    pub(crate) layer: &'a str,
    /// The issuer the file declares (`None`: it declares none).
    pub(crate) issuer: Option<&'a str>,
    /// The key its signature was verified with.
    pub(crate) key_id: Option<&'a str>,
    pub(crate) version: u64,
    pub(crate) bytes: &'a [u8],
    pub(crate) format: Format,
    /// Where it was loaded from.
    pub(crate) source: &'a str,
    /// Its signature, kept beside the copy.
    pub(crate) signature: Option<&'a str>,
}

/// The key an older keymsg recorded a file's version under: its declared
/// issuer, or one per layer for files without one.
fn legacy_issuer_key(layer: &str, issuer: Option<&str>) -> String {
    issuer.map_or_else(|| format!("(no issuer, {layer})"), str::to_owned)
}

/// The state directory.
#[derive(Debug, Clone)]
pub(crate) struct StateDir {
    dir: PathBuf,
}

/// A last good copy read back from the state directory.
pub(crate) struct LastGood {
    pub(crate) bytes: Vec<u8>,
    pub(crate) signature: Option<String>,
    pub(crate) format: Format,
    pub(crate) path: PathBuf,
    pub(crate) source: String,
}

fn state_err(path: &Path, reason: impl std::fmt::Display) -> CatalogError {
    CatalogError::State {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ext(format: Format) -> &'static str {
    match format {
        Format::Toml => "toml",
        Format::Json => "json",
    }
}

impl StateDir {
    pub(crate) fn new(dir: impl Into<PathBuf>) -> StateDir {
        StateDir { dir: dir.into() }
    }

    /// Take the state directory's exclusive lock, waiting for another load
    /// (thread or process) to finish recording, for at most [`LOCK_WAIT`]:
    /// then an error naming the lock file (a holder that never lets go, such
    /// as a stopped process, must not hang every load behind it).
    pub(crate) fn lock(&self) -> Result<StateLock, CatalogError> {
        acquire(self.open_lock()?, &self.dir.join(LOCK), LOCK_WAIT)
    }

    /// [`StateDir::lock`] for a load that only reads the state (serving the
    /// last good copy): `None` when the lock file cannot be opened (a state
    /// directory this process cannot write has no writer of its own to
    /// wait for); an error when another holds the lock for too long.
    pub(crate) fn lock_for_reading(&self) -> Result<Option<StateLock>, CatalogError> {
        match self.open_lock() {
            Ok(file) => acquire(file, &self.dir.join(LOCK), LOCK_WAIT).map(Some),
            Err(_) => Ok(None),
        }
    }

    fn open_lock(&self) -> Result<std::fs::File, CatalogError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| state_err(&self.dir, e))?;
        let path = self.dir.join(LOCK);
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| state_err(&path, e))
    }

    fn versions(&self) -> Result<Versions, CatalogError> {
        let path = self.dir.join(VERSIONS);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| state_err(&path, format!("damaged ({e}); refusing to guess"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Versions::default()),
            Err(e) => Err(state_err(&path, e)),
        }
    }

    /// The record that protects `layer`: its own, else (a state directory
    /// written by an older keymsg, per declared issuer) the record whose
    /// hash is that of the layer's last good copy, which is the one the
    /// layer last wrote; else the record of the issuer the file declares,
    /// as the older keymsg would have used.
    fn seen(&self, versions: &Versions, layer: &str, issuer: Option<&str>) -> Option<Seen> {
        if let Some(seen) = versions.layers.get(layer) {
            return Some(seen.clone());
        }
        if versions.issuers.is_empty() {
            return None;
        }
        let copy = self
            .last_good(layer)
            .ok()
            .flatten()
            .map(|g| sha256_hex(&g.bytes));
        copy.and_then(|h| versions.issuers.values().find(|s| s.sha256 == h))
            .or_else(|| versions.issuers.get(&legacy_issuer_key(layer, issuer)))
            .cloned()
    }

    /// Refuse `version` for `layer` when it is lower than the highest
    /// accepted for that layer, or equal with different bytes. `issuer`
    /// (what the file declares) only names it in errors and finds a record
    /// of an older keymsg.
    pub(crate) fn check(
        &self,
        layer: &str,
        issuer: Option<&str>,
        version: u64,
        bytes: &[u8],
        source_name: &str,
    ) -> Result<(), CatalogError> {
        let versions = self.versions()?;
        let seen = match self.seen(&versions, layer, issuer) {
            Some(seen) => seen,
            None => match self.copy_floor(layer)? {
                Some(seen) => seen,
                None => return Ok(()),
            },
        };
        let issuer = issuer.unwrap_or("(none)").to_owned();
        if version < seen.version {
            return Err(CatalogError::Rollback {
                source_name: source_name.to_owned(),
                issuer,
                found: version,
                highest: seen.version,
            });
        }
        if version == seen.version && seen.sha256 != sha256_hex(bytes) {
            return Err(CatalogError::VersionReused {
                source_name: source_name.to_owned(),
                issuer,
                version,
            });
        }
        Ok(())
    }

    /// The layer's last good copy standing in for its record when
    /// `versions.json` has none (deleted, or the layer's entry removed): a
    /// copy is written only with its record, so its version is the highest
    /// the layer accepted, and deleting `versions.json` alone no longer
    /// lets an older file in. Only a floor for [`StateDir::check`]: a copy
    /// without a record is never served ([`StateDir::is_recorded`]), since
    /// it may have been put there by hand. A copy whose version cannot be
    /// read is an error: this state cannot say what the layer accepted.
    fn copy_floor(&self, layer: &str) -> Result<Option<Seen>, CatalogError> {
        let Some(good) = self.last_good(layer)? else {
            return Ok(None);
        };
        let version = declared_version(&good.bytes, good.format).ok_or_else(|| {
            state_err(
                &good.path,
                format!(
                    "{VERSIONS} has no record of the {layer} layer and the version of its last \
                     good copy cannot be read; refusing to guess (remove the state directory to \
                     start afresh)"
                ),
            )
        })?;
        Ok(Some(Seen {
            version,
            sha256: sha256_hex(&good.bytes),
            issuer: None,
            key_id: None,
        }))
    }

    /// Whether `bytes` (the layer's last good copy) are the file the
    /// layer's record names. A copy put in the state directory by hand is
    /// not served, even a validly signed one: it may be an older catalog
    /// than the record says was accepted.
    pub(crate) fn is_recorded(&self, layer: &str, bytes: &[u8]) -> Result<bool, CatalogError> {
        let versions = self.versions()?;
        Ok(self
            .seen(&versions, layer, None)
            .is_some_and(|s| s.sha256 == sha256_hex(bytes)))
    }

    /// Whether these exact bytes passed full validation by this keymsg.
    pub(crate) fn validated_before(&self, bytes: &[u8]) -> bool {
        self.versions().is_ok_and(|v| {
            v.validated
                .get(&sha256_hex(bytes))
                .is_some_and(|w| w == VALIDATOR)
        })
    }

    /// Whether the check `key` (layout words on the messages they change,
    /// see `Catalog::with_layout_words`; or defined profiles on every
    /// message, see `Catalog::fit_problems`) passed on an earlier start of
    /// this keymsg.
    pub(crate) fn checked_before(&self, check: Check, key: &[u8]) -> bool {
        std::fs::read_to_string(self.dir.join(check.file()))
            .is_ok_and(|s| s.trim_end() == check_entry(key))
    }

    /// Remember that the check `key` passed. Its own file (never
    /// `versions.json`, whose rollback records a concurrent start could
    /// otherwise overwrite with an older copy), holding the latest key
    /// only. Best effort: a state directory that cannot be written only
    /// means the check runs again on the next start.
    pub(crate) fn remember_checked(&self, check: Check, key: &[u8]) {
        if std::fs::create_dir_all(&self.dir).is_ok() {
            let _ = write_atomic(
                &self.dir.join(check.file()),
                format!("{}\n", check_entry(key)).as_bytes(),
            );
        }
    }

    /// Record an accepted file: raise the layer's version and keep a copy
    /// as the layer's last good catalog.
    pub(crate) fn accept(&self, file: &Accepted<'_>) -> Result<(), CatalogError> {
        let Accepted {
            layer,
            issuer,
            key_id,
            version,
            bytes,
            format,
            source,
            signature,
        } = *file;
        std::fs::create_dir_all(&self.dir).map_err(|e| state_err(&self.dir, e))?;
        let mut versions = self.versions()?;
        let hash = sha256_hex(bytes);
        let unchanged = versions
            .layers
            .get(layer)
            .is_some_and(|s| s.version == version && s.sha256 == hash)
            && versions
                .validated
                .get(&hash)
                .is_some_and(|w| w == VALIDATOR);
        let stem = format!("last-good-{layer}");
        let copy = self.dir.join(format!("{stem}.{}", ext(format)));
        if unchanged && std::fs::read(&copy).is_ok_and(|b| b == bytes) {
            return Ok(()); // the usual start: nothing to write
        }
        versions.layers.insert(
            layer.to_owned(),
            Seen {
                version,
                sha256: hash.clone(),
                issuer: issuer.map(str::to_owned),
                key_id: key_id.map(str::to_owned),
            },
        );
        let kept = |h: &String| {
            versions.layers.values().any(|s| &s.sha256 == h)
                || versions.issuers.values().any(|s| &s.sha256 == h)
        };
        let validated = std::mem::take(&mut versions.validated);
        versions.validated = validated.into_iter().filter(|(h, _)| kept(h)).collect();
        versions.validated.insert(hash, VALIDATOR.to_owned());
        let json = serde_json::to_vec_pretty(&versions).map_err(|e| state_err(&self.dir, e))?;
        // The other format's copy would be stale: remove it first.
        for f in [Format::Toml, Format::Json] {
            let other = self.dir.join(format!("{stem}.{}", ext(f)));
            if f != format {
                remove_if_present(&other)?;
                remove_if_present(&other.with_extension(format!("{}.minisig", ext(f))))?;
            }
        }
        write_atomic(&copy, bytes)?;
        let sig_path = self.dir.join(format!("{stem}.{}.minisig", ext(format)));
        match signature {
            Some(s) => write_atomic(&sig_path, s.as_bytes())?,
            None => remove_if_present(&sig_path)?,
        }
        write_atomic(&self.dir.join(format!("{stem}.source")), source.as_bytes())?;
        write_atomic(&self.dir.join(VERSIONS), &json)
    }

    /// The layer's last good catalog, if one was kept.
    pub(crate) fn last_good(&self, layer: &str) -> Result<Option<LastGood>, CatalogError> {
        let stem = format!("last-good-{layer}");
        for format in [Format::Toml, Format::Json] {
            let path = self.dir.join(format!("{stem}.{}", ext(format)));
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(state_err(&path, e)),
            };
            let sig_path = self.dir.join(format!("{stem}.{}.minisig", ext(format)));
            let signature = match std::fs::read_to_string(&sig_path) {
                Ok(s) => Some(s),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(state_err(&sig_path, e)),
            };
            let source = std::fs::read_to_string(self.dir.join(format!("{stem}.source")))
                .unwrap_or_else(|_| path.display().to_string());
            return Ok(Some(LastGood {
                bytes,
                signature,
                format,
                path,
                source,
            }));
        }
        Ok(None)
    }
}

fn remove_if_present(path: &Path) -> Result<(), CatalogError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(state_err(path, e)),
    }
}

/// Replace `path` with `bytes` at once: written to a temporary file of a
/// unique name in the same directory (two writers never share one), synced,
/// then renamed over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CatalogError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let write = || -> std::io::Result<()> {
        let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    // A failed write leaves nothing behind: the temporary file removes
    // itself when dropped.
    write().map_err(|e| state_err(path, e))
}
