//! The SQLite backend: a directory, one file per writer process.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::checkpoint::Checkpointer;
use super::files::writer_files;
use super::keylock::KeyLock;
use super::read::{self, RowKey};
use super::schema::{self, Mode, map_err};
use super::writer::{Group, Writer, now_nanos};
use super::{CountRow, Counted, Insertion, ManualEntry, StoreError, StoreOptions};
use crate::bangkok::YearMonth;

mod dir;
mod import;

use dir::{apply_max_bytes, claim_slot, prepare_dir, valid_writer_id};

/// Counts a report showed, by row key.
type Snapshot = BTreeMap<RowKey, u64>;

/// Name of the marker file that makes a directory a keymsg store.
pub(crate) const MARKER: &str = "KEYMSG_STORE";

/// The SQLite backend of [`super::Store`] (see the module docs).
#[derive(Debug)]
pub(crate) struct SqliteStore {
    /// Checkpoints our WAL in the background; declared first so that it
    /// stops before the writer's connection closes.
    _checkpointer: Option<Checkpointer>,
    /// `None` for a store opened read-only (reports, audits).
    group: Option<Group>,
    dir: PathBuf,
    own: PathBuf,
    busy: Duration,
    /// The directory's host id and our file's writer id (see `gcounter`).
    host: String,
    writer_id: String,
    /// Holds our writer slot for the life of the store.
    _slot_lock: Option<Mutex<Connection>>,
}

impl SqliteStore {
    /// Open (or create) the store in directory `path`.
    ///
    /// Creates the directory if missing; an existing directory must be empty
    /// or already a store (it has the `KEYMSG_STORE` marker). Claims a writer
    /// file (the first free `w-<n>.sqlite`, or `w-<writer_id>.sqlite`), checks
    /// that every writer file already present is a readable keymsg store of a
    /// known schema, and proves that the directory can be written — so a bad
    /// path fails here, not at the first receipt.
    pub(crate) fn open(
        path: impl AsRef<Path>,
        opts: StoreOptions,
    ) -> Result<SqliteStore, StoreError> {
        Self::open_with(path, opts, false)
    }

    /// [`SqliteStore::open`]; with `journal`, every stored insertion is also
    /// appended to the writer file's journal, in the same transaction.
    pub(crate) fn open_with(
        path: impl AsRef<Path>,
        opts: StoreOptions,
        journal: bool,
    ) -> Result<SqliteStore, StoreError> {
        let dir = path.as_ref().to_path_buf();
        prepare_dir(&dir)?;
        let (own, lock) = match &opts.writer_id {
            Some(id) if !valid_writer_id(id) => return Err(StoreError::BadWriterId(id.clone())),
            Some(id) => (dir.join(format!("w-{id}.sqlite")), None),
            None => {
                let (p, f) = claim_slot(&dir)?;
                (p, Some(Mutex::new(f)))
            }
        };
        let label = own.display().to_string();
        // Before anything is written, and before our own file is created if
        // it is missing: every file must hold what its writer acknowledged.
        super::verify::require_intact(&dir, opts.busy_timeout)?;
        let conn = schema::open_file(&own, Mode::Writer(opts.durability), opts.busy_timeout)?;
        let holds = super::verify::evidence_of(&conn, &label)?;
        // Prove we can write (an existing file on a read-only mount opens fine).
        conn.execute_batch("BEGIN IMMEDIATE; UPDATE schema_version SET version = version; COMMIT;")
            .map_err(|e| map_err(&label, e))?;
        let host = super::files::host_id(&dir)?;
        conn.execute("UPDATE writer SET host = ?1 WHERE host = ''", [&host])
            .map_err(|e| map_err(&label, e))?;
        let (host, writer_id, _) = read::writer_identity(&conn, &label)?;
        apply_max_bytes(&conn, &label, opts.max_file_bytes)?;
        let mut writer = Writer::new(
            conn,
            label.clone(),
            dir.clone(),
            own.clone(),
            KeyLock::open(&dir, opts.busy_timeout)?,
            opts.count_reprints,
            opts.busy_timeout,
        );
        writer.mark = Some(super::verify::Mark::open(&own, holds)?);
        writer.set_journal(journal);
        writer.key_retention_months = opts.key_retention_months;
        // Validate the other files now (and keep them open for key checks).
        writer.refresh_others()?;
        // A process that died between a withdrawal and its hand-over left a
        // refused attempt waiting for a key nobody holds: hand it over now.
        // A failure (another process holding `keys.lock` past the timeout)
        // leaves it for the next open; it never stops this one.
        let _ = writer.recover();
        let group = Group::new(writer);
        let checkpointer = Checkpointer::start(
            &own,
            opts.busy_timeout,
            group.shared_writer(),
            opts.key_retention_months,
        )?;
        Ok(SqliteStore {
            _checkpointer: Some(checkpointer),
            group: Some(group),
            dir,
            own,
            busy: opts.busy_timeout,
            host,
            writer_id,
            _slot_lock: lock,
        })
    }

    /// Open the store in directory `path` for reading only: no writer file
    /// is claimed or created, nothing is written (a store on read-only
    /// media can be reported). Refuses a store that lost acknowledged data.
    pub(crate) fn open_read_only(
        path: impl AsRef<Path>,
        busy: Duration,
    ) -> Result<SqliteStore, StoreError> {
        let dir = path.as_ref().to_path_buf();
        if !dir.join(MARKER).is_file() {
            return Err(StoreError::NotAStore {
                path: dir.display().to_string(),
                detail: format!("no `{MARKER}` marker: not a keymsg store directory"),
            });
        }
        super::verify::require_intact(&dir, busy)?;
        // The directory's host id if it has one (never created here): it
        // names files migrated before their writer reopened them.
        let host =
            super::files::read_host_id(&dir.join(super::files::HOST_ID_FILE))?.unwrap_or_default();
        Ok(SqliteStore {
            _checkpointer: None,
            group: None,
            own: PathBuf::new(),
            dir,
            busy,
            host,
            writer_id: String::new(),
            _slot_lock: None,
        })
    }

    /// The writer side, or [`StoreError::ReadOnly`] for a read-only store.
    fn group(&self) -> Result<&Group, StoreError> {
        self.group.as_ref().ok_or_else(|| StoreError::ReadOnly {
            path: self.dir.display().to_string(),
            detail: "the store was opened read-only".into(),
        })
    }

    /// The SQLite side of [`super::Store::path`].
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// The SQLite side of [`super::Store::writer_file`].
    pub(crate) fn writer_file(&self) -> &Path {
        &self.own
    }

    /// The SQLite side of [`super::Store::count`].
    pub(crate) fn count(&self, insertion: &Insertion) -> Result<Counted, StoreError> {
        self.group()?.count(insertion)
    }

    /// The SQLite side of [`super::Store::count_batch`].
    pub(crate) fn count_batch(&self, insertions: &[Insertion]) -> Result<Vec<Counted>, StoreError> {
        if insertions.is_empty() {
            return Ok(Vec::new());
        }
        self.group()?.writer()?.run_batch(insertions)
    }

    /// The SQLite side of [`super::Store::withdraw`] (see `handover`).
    pub(crate) fn withdraw(&self, ins: &Insertion, counted: Counted) -> Result<(), StoreError> {
        self.group()?.writer()?.withdraw(ins, counted)
    }

    /// The SQLite side of [`super::Store::set_max_file_bytes`].
    pub(crate) fn set_max_file_bytes(&self, bytes: Option<u64>) -> Result<(), StoreError> {
        let mut w = self.group()?.writer()?;
        let label = w.label.clone();
        apply_max_bytes(w.conn(), &label, bytes)
    }

    /// Run `f` on every writer file (a fresh read connection each).
    fn each_file(
        &self,
        mut f: impl FnMut(&Connection, &str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for path in writer_files(&self.dir)? {
            if let Some(c) = schema::open_reader(&path, self.busy)? {
                f(&c, &path.display().to_string())?;
            }
        }
        Ok(())
    }

    fn merged_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<BTreeMap<RowKey, u64>, StoreError> {
        let mut m = BTreeMap::new();
        self.each_file(|c, l| read::month_rows(c, l, month, agency, &mut m))?;
        Ok(m)
    }

    /// The SQLite side of [`super::Store::month_counts`].
    pub(crate) fn month_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        Ok(read::to_rows(self.merged_counts(month, agency)?))
    }

    /// The SQLite side of [`super::Store::record`].
    pub(crate) fn record(&self, entry: &ManualEntry) -> Result<(), StoreError> {
        let mut w = self.group()?.writer()?;
        let label = w.label.clone();
        w.conn()
            .execute(
                "INSERT INTO manual (agency, month, channel, message_id, count, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET \
                 count = excluded.count, recorded_at = excluded.recorded_at",
                params![
                    entry.agency,
                    entry.month.to_string(),
                    entry.channel.as_str(),
                    entry.message_id,
                    i64::try_from(entry.count).unwrap_or(i64::MAX),
                    now_nanos()
                ],
            )
            .map_err(|e| map_err(&label, e))?;
        let rows: i64 = w
            .conn()
            .query_row("SELECT count(*) FROM manual", [], |r| r.get(0))
            .map_err(|e| map_err(&label, e))?;
        if let Some(mark) = &mut w.mark {
            mark.set_manual(u64::try_from(rows).unwrap_or(0));
        }
        Ok(())
    }

    /// The SQLite side of [`super::Store::manual_entries`].
    pub(crate) fn manual_entries(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<ManualEntry>, StoreError> {
        let mut m = BTreeMap::new();
        self.each_file(|c, l| read::manual_rows(c, l, month, agency, &mut m))?;
        Ok(m.into_iter()
            .map(|((agency, channel, message_id), (_, count))| ManualEntry {
                agency,
                month,
                channel,
                message_id,
                count,
            })
            .collect())
    }

    /// The SQLite side of [`super::Store::agencies`].
    pub(crate) fn agencies(&self, month: Option<YearMonth>) -> Result<Vec<String>, StoreError> {
        let mut all = std::collections::BTreeSet::new();
        self.each_file(|c, l| {
            all.extend(read::agencies(c, l, month)?);
            Ok(())
        })?;
        Ok(all.into_iter().collect())
    }

    /// The SQLite side of [`super::Store::months`].
    pub(crate) fn months(&self) -> Result<Vec<YearMonth>, StoreError> {
        let mut all = std::collections::BTreeSet::new();
        self.each_file(|c, l| {
            for m in read::months(c, l)? {
                let ym = YearMonth::parse_any_year(&m).map_err(|_| StoreError::Corrupt {
                    path: l.to_owned(),
                    detail: format!("bad month `{m}` in the file"),
                })?;
                all.insert(ym);
            }
            Ok(())
        })?;
        Ok(all.into_iter().collect())
    }

    /// The SQLite side of [`super::Store::mark_reported`].
    pub(crate) fn mark_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let rows = self.merged_counts(month, agency)?;
        let mut w = self.group()?.writer()?;
        let label = w.label.clone();
        let err = |e| map_err(&label, e);
        let tx = w
            .conn()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let at_nanos = i64::try_from(at.unix_timestamp_nanos()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO report_marks (month, agency, reported_at) VALUES (?1, ?2, ?3)",
            params![month.to_string(), agency, at_nanos],
        )
        .map_err(err)?;
        let mark = tx.last_insert_rowid();
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO report_snapshot (mark, agency, message_id, surface, kind, count) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(err)?;
            for ((a, m, s, k), n) in &rows {
                ins.execute(params![
                    mark,
                    a,
                    m,
                    s.as_str(),
                    k,
                    i64::try_from(*n).unwrap_or(i64::MAX)
                ])
                .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// The newest report mark for (month, agency) in any writer file: its
    /// time and the file it lives in.
    fn last_mark(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Option<(i64, Snapshot)>, StoreError> {
        let mut best: Option<(i64, Snapshot)> = None;
        self.each_file(|c, l| {
            if let Some((at, id)) = read::last_mark(c, l, month, agency)?
                && best.as_ref().is_none_or(|(b, _)| at > *b)
            {
                best = Some((at, read::snapshot(c, l, id)?));
            }
            Ok(())
        })?;
        Ok(best)
    }

    /// The SQLite side of [`super::Store::last_reported`].
    pub(crate) fn last_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        Ok(self
            .last_mark(month, agency)?
            .and_then(|(at, _)| OffsetDateTime::from_unix_timestamp_nanos(i128::from(at)).ok()))
    }

    /// The SQLite side of [`super::Store::counts_since_report`].
    pub(crate) fn counts_since_report(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        let mut now = self.merged_counts(month, agency)?;
        if let Some((_, snap)) = self.last_mark(month, agency)? {
            for (k, n) in now.iter_mut() {
                *n = n.saturating_sub(snap.get(k).copied().unwrap_or(0));
            }
        }
        Ok(read::to_rows(now))
    }

    /// The SQLite side of [`super::Store::prometheus_text`].
    pub(crate) fn prometheus_text(&self) -> Result<String, StoreError> {
        let mut totals = BTreeMap::new();
        let mut files = 0usize;
        self.each_file(|c, l| {
            files += 1;
            read::totals(c, l, &mut totals)
        })?;
        Ok(super::prometheus::render(&totals, files))
    }

    /// The SQLite side of [`super::Store::integrity_check`].
    pub(crate) fn integrity_check(&self) -> Result<(), StoreError> {
        self.each_file(|c, l| {
            let msgs: Vec<String> = c
                .prepare("PRAGMA integrity_check")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .map_err(|e| map_err(l, e))?;
            if msgs.len() == 1 && msgs.first().is_some_and(|m| m == "ok") {
                Ok(())
            } else {
                Err(StoreError::Corrupt {
                    path: l.to_owned(),
                    detail: msgs.join("; "),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod poison_tests;

#[cfg(test)]
mod loss_tests;

#[cfg(test)]
mod handover_tests;
