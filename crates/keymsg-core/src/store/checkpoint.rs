//! Background WAL checkpointing.
//!
//! SQLite normally checkpoints (copies the WAL back into the database and
//! syncs both files) inside whichever commit crosses 1,000 WAL pages, which
//! stalls that caller — and, with group commit, everyone waiting behind it —
//! for the copy and two disk syncs. This thread does the work instead:
//!
//! - Every [`INTERVAL`] it runs a `PASSIVE` checkpoint from its own
//!   connection. PASSIVE never blocks the writer or readers, so the copying
//!   and syncing happen off the write path.
//! - Under a steady stream of commits a PASSIVE checkpoint never quite
//!   catches up, and only a *completed* checkpoint lets SQLite restart the
//!   WAL from its beginning. So once the WAL holds [`RESTART_FRAMES`] frames,
//!   the thread takes the store's writer lock (no commit can start) and runs
//!   one more PASSIVE checkpoint, which then completes. It has only the
//!   frames written since its previous pass to copy and sync, so commits
//!   wait for a short moment instead of for a whole checkpoint; the next
//!   commit restarts the WAL.
//!
//! The writer's own auto-checkpoint stays on with a large threshold, as a
//! backstop should this thread fall behind (a slow disk).

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::StoreError;
use super::schema::map_err;
use super::writer::Writer;

/// How often the WAL is checkpointed (an idle pass costs a few system calls).
const INTERVAL: Duration = Duration::from_millis(20);

/// WAL frames (pages written) after which a checkpoint is completed under
/// the writer lock so that the WAL restarts (about 64 MiB with 1 KiB pages).
/// Completing costs two disk syncs while commits wait (a few ms on a slow
/// virtual disk), so it should be rare; the WAL's size on disk is the price.
pub(crate) const RESTART_FRAMES: i64 = 64 * 1024;

/// Frames a pass may leave uncopied before the locked pass is taken anyway.
const SMALL_REST: i64 = 512;

/// Unlocked passes tried to get the uncopied rest small before locking.
const MAX_CATCH_UP: u32 = 4;

/// A running checkpointer; stops and joins when dropped.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    stop: Option<Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

/// `PRAGMA wal_checkpoint(PASSIVE)`: (frames in the WAL, frames copied).
fn passive(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })
}

/// One round: checkpoint, and complete it under the writer lock once the
/// WAL is large. Errors (e.g. disk full) are retried next round; the WAL
/// stays valid and readable meanwhile.
fn round(conn: &Connection, writer: &Weak<Mutex<Writer>>) {
    let Ok((mut log, mut copied)) = passive(conn) else {
        return;
    };
    if log < RESTART_FRAMES {
        return;
    }
    let mut tries = 0;
    while log - copied > SMALL_REST && tries < MAX_CATCH_UP {
        let Ok(r) = passive(conn) else { return };
        (log, copied) = r;
        tries += 1;
    }
    if let Some(w) = writer.upgrade()
        && let Ok(_no_commits) = w.lock()
    {
        let _ = passive(conn);
    }
}

impl Checkpointer {
    /// Start checkpointing `path` (already a WAL-mode keymsg file) whose
    /// commits are made by `writer`.
    pub(crate) fn start(
        path: &Path,
        busy: Duration,
        writer: Weak<Mutex<Writer>>,
    ) -> Result<Self, StoreError> {
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
                        Err(RecvTimeoutError::Timeout) => round(&conn, &writer),
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
