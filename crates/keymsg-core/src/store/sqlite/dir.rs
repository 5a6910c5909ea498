//! The store directory: its marker, writer slots and file size limit.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use super::super::StoreError;
use super::super::files::io_err;
use super::super::schema::map_err;
use super::MARKER;

/// Largest numbered writer slot tried before giving up.
const MAX_SLOTS: u32 = 10_000;

/// Create the directory and marker, or check that an existing one is ours.
pub(super) fn prepare_dir(dir: &Path) -> Result<(), StoreError> {
    let not_store = |detail: &str| StoreError::NotAStore {
        path: dir.display().to_string(),
        detail: detail.to_owned(),
    };
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(not_store(
                "it is a file; a store is a directory (give a directory path, it is created if missing)",
            ));
        }
        Ok(_) => {
            if dir.join(MARKER).is_file() {
                return Ok(());
            }
            let non_empty = fs::read_dir(dir)
                .map_err(|e| io_err(dir, e))?
                .next()
                .is_some();
            // Another process may be creating this store right now. It
            // writes the marker before any other file, so a marker present
            // after the listing saw files means the files are the store's.
            if dir.join(MARKER).is_file() {
                return Ok(());
            }
            if non_empty {
                return Err(not_store(&format!(
                    "the directory is not empty and has no {MARKER} marker; keymsg will not write into it"
                )));
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        }
        Err(e) => return Err(io_err(dir, e)),
    }
    let marker = dir.join(MARKER);
    fs::write(
        &marker,
        "keymsg insertion store: one SQLite file per writer process (w-*.sqlite).\n\
         Do not delete files here: every file holds counts.\n",
    )
    .map_err(|e| io_err(&marker, e))
}

pub(super) fn valid_writer_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Claim the first free numbered slot: (its database path, the held lock).
///
/// The lock is an SQLite `BEGIN EXCLUSIVE` on `w-<n>.lock` that is never
/// committed: SQLite's POSIX locks are released by the kernel when the
/// process dies, and SQLite also makes two connections of one process
/// conflict, so a slot is held by exactly one live store.
pub(super) fn claim_slot(dir: &Path) -> Result<(PathBuf, Connection), StoreError> {
    for n in 0..MAX_SLOTS {
        let lock_path = dir.join(format!("w-{n}.lock"));
        let label = lock_path.display().to_string();
        let c = Connection::open(&lock_path).map_err(|e| map_err(&label, e))?;
        // A held slot must fail at once, not after rusqlite's default 5 s wait.
        c.busy_timeout(Duration::ZERO)
            .map_err(|e| map_err(&label, e))?;
        match c.execute_batch("BEGIN EXCLUSIVE") {
            Ok(()) => return Ok((dir.join(format!("w-{n}.sqlite")), c)),
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) =>
            {
                continue;
            }
            Err(e) => return Err(map_err(&label, e)),
        }
    }
    Err(StoreError::Io {
        path: dir.display().to_string(),
        source: std::io::Error::other(format!("all {MAX_SLOTS} writer slots are in use")),
    })
}

/// Set SQLite's page limit so the file stays under about `bytes`.
pub(super) fn apply_max_bytes(
    c: &Connection,
    label: &str,
    bytes: Option<u64>,
) -> Result<(), StoreError> {
    let err = |e| map_err(label, e);
    let page: i64 = c
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .map_err(err)?;
    let pages = match bytes {
        Some(b) => i64::try_from(b).unwrap_or(i64::MAX) / page.max(1),
        None => 0xFFFF_FFFE,
    };
    c.pragma_update(None, "max_page_count", pages.max(1))
        .map_err(err)
}
