//! A host's journal: the store directory a host counts into when its counts
//! go to a fleet store. Every stored insertion is appended, in the same
//! transaction as its count, to the `journal` table of the writer file, with
//! a sequence number that is never reused. The shipper reads the journal
//! here; what has been shipped is remembered in `shipped.sqlite` beside the
//! writer files (only for monitoring: the fleet store's own high-water mark
//! decides what to ship, so a lost or stale mark never loses or doubles a row).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::schema::{self, map_err};

/// The file remembering the last shipped sequence number of each writer.
const SHIPPED_FILE: &str = "shipped.sqlite";

/// One journal row.
#[derive(Debug, Clone)]
pub(crate) struct JournalRow {
    pub(crate) seq: i64,
    /// 0: an insertion; 1: the withdrawal of insertion `ref_seq`.
    pub(crate) op: i16,
    pub(crate) ref_seq: Option<i64>,
    /// When it was shown (ns since the Unix epoch).
    pub(crate) at_ns: i64,
    /// When the host acknowledged it (ns since the Unix epoch).
    pub(crate) acked_ns: i64,
    pub(crate) month: String,
    pub(crate) agency: String,
    pub(crate) message_id: String,
    pub(crate) surface: String,
    pub(crate) kind: String,
    pub(crate) catalog_version: i64,
    pub(crate) key: Option<String>,
    pub(crate) reprint: bool,
    /// Counted on the host (false for a reprint that is not counted).
    pub(crate) counted: bool,
}

/// A writer file of a journal, open for reading.
#[derive(Debug)]
pub(crate) struct JournalFile {
    pub(crate) conn: Connection,
    pub(crate) label: String,
    pub(crate) host: String,
    pub(crate) writer: String,
}

impl JournalFile {
    /// Open `path` for reading; `None` while its writer is still creating it.
    pub(crate) fn open(
        path: &Path,
        dir_host: &str,
        busy: Duration,
    ) -> Result<Option<JournalFile>, StoreError> {
        let Some(conn) = schema::open_reader(path, busy)? else {
            return Ok(None);
        };
        let label = path.display().to_string();
        let (host, writer, _) = super::read::writer_identity(&conn, &label)?;
        let host = if host.is_empty() {
            dir_host.to_owned()
        } else {
            host
        };
        Ok(Some(JournalFile {
            conn,
            label,
            host,
            writer,
        }))
    }

    /// Up to `limit` rows after sequence number `after`, in order.
    pub(crate) fn rows_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<JournalRow>, StoreError> {
        let err = |e| map_err(&self.label, e);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT seq, op, ref_seq, at, acked_at, month, agency, message_id, surface, kind, \
                 catalog_version, key, reprint, counted FROM journal WHERE seq > ?1 \
                 ORDER BY seq LIMIT ?2",
            )
            .map_err(err)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = st
            .query_map(params![after, limit], |r| {
                Ok(JournalRow {
                    seq: r.get(0)?,
                    op: r.get(1)?,
                    ref_seq: r.get(2)?,
                    at_ns: r.get(3)?,
                    acked_ns: r.get(4)?,
                    month: r.get(5)?,
                    agency: r.get(6)?,
                    message_id: r.get(7)?,
                    surface: r.get(8)?,
                    kind: r.get(9)?,
                    catalog_version: r.get(10)?,
                    key: r.get(11)?,
                    reprint: r.get(12)?,
                    counted: r.get(13)?,
                })
            })
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        Ok(rows)
    }

    /// Whether this journal is the one the fleet store shipped up to `seq`:
    /// its row `seq` was acknowledged at `acked_ns` (the fleet's record of
    /// the last row it took). A mark set back by hand is not a divergence:
    /// the row is then found further on.
    pub(crate) fn holds(&self, seq: i64, acked_ns: i64) -> Result<bool, StoreError> {
        let one = |sql: &str| {
            self.conn
                .prepare_cached(sql)
                .and_then(|mut s| s.query_row(params![seq, acked_ns], |r| r.get::<_, bool>(0)))
                .map_err(|e| map_err(&self.label, e))
        };
        // By the primary key; the scan after it runs only when that fails.
        Ok(
            one("SELECT EXISTS (SELECT 1 FROM journal WHERE seq = ?1 AND acked_at = ?2)")?
                || one("SELECT EXISTS (SELECT 1 FROM journal WHERE seq > ?1 AND acked_at = ?2)")?,
        )
    }

    /// Where a journal restored from an older copy parts from the rows the
    /// fleet store has: the row before the first one acknowledged after
    /// `acked_ns` (when the fleet's last row was acknowledged), or the last
    /// row when none was. A scan, run only when a divergence was found.
    pub(crate) fn parted_at(&self, acked_ns: i64) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT coalesce((SELECT min(seq) - 1 FROM journal WHERE acked_at > ?1), \
                 (SELECT max(seq) FROM journal), 0)",
            )
            .and_then(|mut s| s.query_row([acked_ns], |r| r.get::<_, i64>(0)))
            .map_err(|e| map_err(&self.label, e))
    }

    /// When row `seq` was acknowledged, if the journal holds it.
    pub(crate) fn acked_at(&self, seq: i64) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached("SELECT acked_at FROM journal WHERE seq = ?1")
            .and_then(|mut s| s.query_row([seq], |r| r.get::<_, i64>(0)).optional())
            .map_err(|e| map_err(&self.label, e))
    }

    /// Rows after `after`, and when the oldest of them was acknowledged.
    pub(crate) fn pending(&self, after: i64) -> Result<(u64, Option<i64>), StoreError> {
        self.conn
            .prepare_cached("SELECT count(*), min(acked_at) FROM journal WHERE seq > ?1")
            .and_then(|mut s| {
                s.query_row([after], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
                })
            })
            .map(|(n, t)| (u64::try_from(n).unwrap_or(0), t))
            .map_err(|e| map_err(&self.label, e))
    }
}

/// The journal's record of what was shipped: writer → last shipped sequence.
#[derive(Debug)]
pub(crate) struct ShippedMarks {
    conn: Connection,
    label: String,
}

impl ShippedMarks {
    /// Open (or create) `<dir>/shipped.sqlite`.
    pub(crate) fn open(dir: &Path, busy: Duration) -> Result<ShippedMarks, StoreError> {
        let path: PathBuf = dir.join(SHIPPED_FILE);
        let label = path.display().to_string();
        // Monitoring only (see the module docs): NORMAL, no sync per batch.
        let conn = schema::open_shared_wal(&path, busy)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS shipped (
                 host TEXT NOT NULL,
                 writer TEXT NOT NULL,
                 seq INTEGER NOT NULL,
                 shipped_at INTEGER NOT NULL,
                 PRIMARY KEY (host, writer)
             ) WITHOUT ROWID;",
        )
        .map_err(|e| map_err(&label, e))?;
        Ok(ShippedMarks { conn, label })
    }

    /// The last sequence number known shipped for a writer (0: none).
    pub(crate) fn get(&self, host: &str, writer: &str) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("SELECT seq FROM shipped WHERE host = ?1 AND writer = ?2")
            .and_then(|mut s| s.query_row([host, writer], |r| r.get(0)).optional())
            .map(|v| v.unwrap_or(0))
            .map_err(|e| map_err(&self.label, e))
    }

    /// Remember that a writer is shipped up to `seq` (never moves back).
    pub(crate) fn set(&self, host: &str, writer: &str, seq: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO shipped (host, writer, seq, shipped_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT DO UPDATE SET seq = max(seq, excluded.seq), \
                 shipped_at = excluded.shipped_at",
            )
            .and_then(|mut s| s.execute(params![host, writer, seq, super::writer::now_nanos()]))
            .map(|_| ())
            .map_err(|e| map_err(&self.label, e))
    }
}

/// What a journal still holds to ship.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Backlog {
    /// Rows not yet shipped (as far as this host knows).
    pub(crate) rows: u64,
    /// Acknowledgement time of the oldest of them (ns since the Unix epoch).
    pub(crate) oldest_ns: Option<i64>,
}

/// The backlog of every writer file in journal `dir`.
pub(crate) fn backlog(dir: &Path, dir_host: &str, busy: Duration) -> Result<Backlog, StoreError> {
    let marks = ShippedMarks::open(dir, busy)?;
    let mut b = Backlog::default();
    for path in super::files::writer_files(dir)? {
        let Some(f) = JournalFile::open(&path, dir_host, busy)? else {
            continue;
        };
        let (n, oldest) = f.pending(marks.get(&f.host, &f.writer)?)?;
        b.rows += n;
        b.oldest_ns = match (b.oldest_ns, oldest) {
            (Some(a), Some(o)) => Some(a.min(o)),
            (a, o) => a.or(o),
        };
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The background shipper and an explicit ship (or `fleet status`) may
    /// create `shipped.sqlite` at the same moment: both opens must succeed.
    #[test]
    fn two_opens_racing_on_a_new_directory_both_succeed() {
        for _ in 0..200 {
            let dir = tempfile::tempdir().unwrap();
            let barrier = std::sync::Barrier::new(2);
            std::thread::scope(|s| {
                let open = || {
                    barrier.wait();
                    ShippedMarks::open(dir.path(), Duration::from_secs(5)).map(|m| {
                        m.set("h", "w", 1).unwrap();
                    })
                };
                let a = s.spawn(open);
                let b = s.spawn(open);
                a.join().unwrap().unwrap();
                b.join().unwrap().unwrap();
            });
        }
    }
}
