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
