//! The store directory on disk: the writer files in it, and how a filesystem
//! error on one of them is reported. Below the writer and the backend, which
//! both list the directory.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::StoreError;

/// A filesystem error on `path`, as the store reports it (a full disk is its
/// own error, so callers can tell it apart and retry later).
pub(crate) fn io_err(path: &Path, e: std::io::Error) -> StoreError {
    let p = path.display().to_string();
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => StoreError::ReadOnly {
            path: p,
            detail: e.to_string(),
        },
        ErrorKind::StorageFull => StoreError::DiskFull { path: p },
        _ => StoreError::Io { path: p, source: e },
    }
}

/// Writer files (`w-*.sqlite`) in a store directory, sorted.
pub(crate) fn writer_files(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let e = e.map_err(|e| io_err(dir, e))?;
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("w-") && name.ends_with(".sqlite") {
            v.push(e.path());
        }
    }
    v.sort();
    Ok(v)
}

/// File in a store directory holding the directory's random host id.
pub(crate) const HOST_ID_FILE: &str = "HOST_ID";

/// A new random id: 32 lowercase hex digits (128 bits).
pub(crate) fn random_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Whether `id` is usable as a writer or host id: 1–64 ASCII letters,
/// digits, `-` or `_` (ids become file names and SQL values).
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The store directory's host id, created on first use.
///
/// Made once per directory (a random id, so two hosts never share one even
/// with the same name) and written with a create-new rename, so two
/// processes opening a new store at once agree on it.
pub(crate) fn host_id(dir: &Path) -> Result<String, StoreError> {
    let path = dir.join(HOST_ID_FILE);
    let read = read_host_id;
    if let Some(id) = read(&path)? {
        return Ok(id);
    }
    let id = random_id();
    let tmp = dir.join(format!(".{HOST_ID_FILE}.{id}"));
    fs::write(&tmp, format!("{id}\n")).map_err(|e| io_err(&tmp, e))?;
    // A hard link fails if the name exists: the first process wins.
    let linked = fs::hard_link(&tmp, &path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(id),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            read(&path)?.ok_or_else(|| io_err(&path, e))
        }
        Err(e) => Err(io_err(&path, e)),
    }
}

/// The host id of the store directory whose id file is `p`, if it has one
/// (a read-only open never creates it).
pub(crate) fn read_host_id(p: &Path) -> Result<Option<String>, StoreError> {
    match fs::read_to_string(p) {
        Ok(s) => {
            let id = s.trim().to_owned();
            if valid_id(&id) {
                Ok(Some(id))
            } else {
                Err(StoreError::Corrupt {
                    path: p.display().to_string(),
                    detail: "not a host id (expected 1–64 letters, digits, - or _)".into(),
                })
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(p, e)),
    }
}
