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
//!
//! The same thread deletes expired idempotency keys
//! ([`StoreOptions::key_retention_months`](super::StoreOptions::key_retention_months)),
//! and the insertions refused for them (see `handover`):
//! once when the store opens and then every [`PRUNE_INTERVAL`], walking the
//! keys in chunks of [`PRUNE_CHUNK`] so that commits only ever wait for one
//! short delete.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use time::OffsetDateTime;

use super::StoreError;
use super::schema::{RESTART_FRAMES, map_err};
use super::writer::Writer;
use crate::bangkok::YearMonth;

/// How often expired idempotency keys are deleted (and once at open).
const PRUNE_INTERVAL: Duration = Duration::from_secs(6 * 3600);

/// Keys read per step of a prune (followed by one short delete transaction).
const PRUNE_CHUNK: i64 = 1000;

/// How often the WAL is checkpointed (an idle pass costs a few system calls).
const INTERVAL: Duration = Duration::from_millis(20);

/// Frames a pass may leave uncopied before the locked pass is taken anyway.
const SMALL_REST: i64 = 512;

/// Unlocked passes tried to get the uncopied rest small before locking.
const MAX_CATCH_UP: u32 = 4;

/// A running checkpointer (and key pruner); stops and joins when dropped.
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

/// The oldest month whose keys are kept when it is `now` and keys are kept
/// for `months` months; `None` if nothing can be old enough yet.
pub(crate) fn oldest_kept(now: YearMonth, months: u32) -> Option<YearMonth> {
    let index = i64::from(now.year()) * 12 + i64::from(now.month()) - 1 - i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
    YearMonth::new(year, month).ok()
}

/// Whether the thread was asked to stop (or its store is gone).
fn stopping(stop: &Receiver<()>) -> bool {
    !matches!(stop.try_recv(), Err(TryRecvError::Empty))
}

/// Delete the keys of months before `oldest` from our file, a chunk at a
/// time, each delete under the writer lock (no commit of ours interleaves,
/// and none waits for more than one chunk). Returns early when asked to stop.
fn prune(
    conn: &Connection,
    writer: &Weak<Mutex<Writer>>,
    oldest: YearMonth,
    stop: &Receiver<()>,
) -> rusqlite::Result<()> {
    let oldest = oldest.to_string();
    prune_refused(conn, writer, &oldest, stop)?;
    // Every key was stored with a counter row (same transaction) of its
    // month or an earlier one (a key expires by the later of its insertion's
    // month and the month it was counted in), and the counters' primary key
    // starts with the month: a store with no month old enough is done
    // without reading a single key.
    let first: Option<String> =
        conn.query_row("SELECT min(month) FROM counts", [], |r| r.get(0))?;
    if first.is_none_or(|m| m >= oldest) {
        return Ok(());
    }
    let mut after: Option<String> = None;
    loop {
        if stopping(stop) {
            return Ok(());
        }
        // Walk the primary key: each chunk is one short read, no full scan.
        let mut expired = Vec::new();
        let mut seen = 0;
        {
            let mut st = match &after {
                None => conn.prepare_cached("SELECT key, month FROM keys ORDER BY key LIMIT ?2")?,
                Some(_) => conn.prepare_cached(
                    "SELECT key, month FROM keys WHERE key > ?1 ORDER BY key LIMIT ?2",
                )?,
            };
            let mut rows = match &after {
                None => st.query(rusqlite::params![rusqlite::types::Null, PRUNE_CHUNK])?,
                Some(a) => st.query(rusqlite::params![a, PRUNE_CHUNK])?,
            };
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                let month: String = r.get(1)?;
                seen += 1;
                if month < oldest {
                    expired.push(key.clone());
                }
                after = Some(key);
            }
        }
        if !expired.is_empty() {
            let Some(w) = writer.upgrade() else {
                return Ok(());
            };
            let Ok(_no_commits) = w.lock() else {
                return Ok(());
            };
            let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
            {
                let mut del =
                    tx.prepare_cached("DELETE FROM keys WHERE key = ?1 AND month < ?2")?;
                for k in &expired {
                    del.execute(rusqlite::params![k, oldest])?;
                }
            }
            tx.commit()?;
        }
        if seen < PRUNE_CHUNK {
            return Ok(());
        }
    }
}

/// Delete the refused insertions whose key expired (months before
/// `oldest`; see `handover`), a chunk at a time under the writer lock.
fn prune_refused(
    conn: &Connection,
    writer: &Weak<Mutex<Writer>>,
    oldest: &str,
    stop: &Receiver<()>,
) -> rusqlite::Result<()> {
    loop {
        if stopping(stop) {
            return Ok(());
        }
        let Some(w) = writer.upgrade() else {
            return Ok(());
        };
        let Ok(_no_commits) = w.lock() else {
            return Ok(());
        };
        let gone = conn
            .prepare_cached(
                "DELETE FROM refused WHERE id IN \
                 (SELECT id FROM refused WHERE key_month < ?1 LIMIT ?2)",
            )?
            .execute(rusqlite::params![oldest, PRUNE_CHUNK])?;
        if gone < usize::try_from(PRUNE_CHUNK).unwrap_or(usize::MAX) {
            return Ok(());
        }
    }
}

impl Checkpointer {
    /// Start checkpointing `path` (already a WAL-mode keymsg file) whose
    /// commits are made by `writer`.
    pub(crate) fn start(
        path: &Path,
        busy: Duration,
        writer: Weak<Mutex<Writer>>,
        key_retention_months: Option<u32>,
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
                let mut next_prune = Instant::now();
                loop {
                    if let Some(months) = key_retention_months
                        && Instant::now() >= next_prune
                    {
                        if let Some(oldest) =
                            oldest_kept(YearMonth::of(OffsetDateTime::now_utc()), months)
                        {
                            // Errors (e.g. disk full) are retried next time.
                            let _ = prune(&conn, &writer, oldest, &rx);
                        }
                        next_prune = Instant::now() + PRUNE_INTERVAL;
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(s: &str) -> YearMonth {
        s.parse()
            .unwrap_or_else(|_| YearMonth::of(OffsetDateTime::UNIX_EPOCH))
    }

    #[test]
    fn oldest_kept_month_counts_back_across_years() {
        assert_eq!(oldest_kept(ym("2026-11"), 13), Some(ym("2025-10")));
        assert_eq!(oldest_kept(ym("2026-01"), 1), Some(ym("2025-12")));
        assert_eq!(oldest_kept(ym("2026-03"), 0), Some(ym("2026-03")));
        assert_eq!(oldest_kept(ym("0001-05"), 13), None);
        assert_eq!(oldest_kept(ym("2026-03"), u32::MAX), None);
    }
}
