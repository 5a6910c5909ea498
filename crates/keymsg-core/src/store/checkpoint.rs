//! Background WAL checkpointing.
//!
//! SQLite normally checkpoints (copies the WAL back into the database and
//! syncs it) inside whichever commit crosses 1,000 WAL pages, which stalls that
//! caller — and, with group commit, everyone waiting behind it — for the copy
//! and a disk sync. This thread runs a `PASSIVE` checkpoint from its own
//! connection a few times a second instead (PASSIVE never blocks the writer
//! or readers), so the copying happens off the write path. Under a steady
//! stream of commits a PASSIVE checkpoint never quite catches up, and only a
//! completed checkpoint lets SQLite reset the WAL; so the writer keeps a
//! large auto-checkpoint threshold (16 Ki pages) that finishes the little
//! that is left, about once per 16 MiB of WAL.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::StoreError;
use super::schema::map_err;

/// How often the WAL is checkpointed.
const INTERVAL: Duration = Duration::from_millis(250);

/// A running checkpointer; stops and joins when dropped.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    stop: Option<Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Start checkpointing `path` (already a WAL-mode keymsg file).
    pub(crate) fn start(path: &Path, busy: Duration) -> Result<Self, StoreError> {
        let label = path.display().to_string();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| map_err(&label, e))?;
        conn.busy_timeout(busy).map_err(|e| map_err(&label, e))?;
        let (tx, rx) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name("keymsg-checkpoint".into())
            .spawn(move || {
                loop {
                    match rx.recv_timeout(INTERVAL) {
                        Err(RecvTimeoutError::Timeout) => {
                            // Errors (e.g. disk full) are retried next time;
                            // the WAL stays valid and readable meanwhile.
                            let _ =
                                conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                        }
                        _ => return,
                    }
                }
            })
            .map_err(|e| StoreError::Io {
                path: label,
                source: e,
            })?;
        Ok(Self {
            stop: Some(tx),
            handle: Some(handle),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
