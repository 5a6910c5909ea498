//! Shipping journal rows to the fleet store, exactly once.
//!
//! One batch of one writer is one transaction: the writer's high-water mark
//! is locked (`FOR UPDATE`), rows at or below it are dropped (another
//! shipper, or an earlier attempt that committed, already has them), the
//! idempotency keys are claimed fleet-wide, the raw rows are inserted
//! (`COPY`; should a row be there already, the batch is redone with
//! `INSERT … ON CONFLICT DO NOTHING`), the counters of the rows actually
//! inserted are added, and the mark moves to the batch's last sequence number. A shipper
//! killed anywhere before `COMMIT` leaves nothing behind; after it, the rows
//! are never taken again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::Client;
use postgres::error::SqlState;

use super::batch::{
    Increments, add_counters, claim_keys_in_order, copy_raw, remember_refused, upsert_raw, withdraw,
};
use super::conn::{Conn, Url};
use crate::bangkok::YearMonth;
use crate::store::StoreError;
use crate::store::journal::{JournalFile, JournalRow, ShippedMarks};

/// Rows per transaction.
pub(crate) const BATCH: usize = 5000;

/// The longest writer id (as `sqlite::dir::valid_writer_id`): a branch's
/// id must still be one, so that its counters can be exported and imported.
const MAX_WRITER_ID: usize = 64;

/// Ships the writer files of one journal directory.
#[derive(Debug)]
pub(crate) struct Shipper {
    url: Url,
    dir: PathBuf,
    dir_host: String,
    busy: Duration,
    client: Option<Conn>,
    marks: Option<ShippedMarks>,
    files: HashMap<PathBuf, JournalFile>,
    /// Months whose raw-row partition is known to exist.
    partitions: HashSet<String>,
    /// The branch each journal file was last found to ship as (see
    /// `identity`): the check starts there, not with the parted writer.
    branches: HashMap<PathBuf, String>,
}

/// What one call shipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Shipped {
    /// Journal rows newly stored in the fleet store.
    pub(crate) rows: u64,
    /// Largest delay between acknowledgement and commit in the fleet store (ns).
    pub(crate) max_lag_ns: i64,
}

impl Shipper {
    pub(crate) fn new(url: Url, dir: &Path, dir_host: String, busy: Duration) -> Shipper {
        Shipper {
            url,
            dir: dir.to_path_buf(),
            dir_host,
            busy,
            client: None,
            marks: None,
            files: HashMap::new(),
            partitions: HashSet::new(),
            branches: HashMap::new(),
        }
    }

    /// Ship everything pending in every writer file of the journal.
    pub(crate) fn ship_all(&mut self) -> Result<Shipped, StoreError> {
        let mut total = Shipped::default();
        for path in crate::store::files::writer_files(&self.dir)? {
            let s = self.ship_file(&path)?;
            total.rows += s.rows;
            total.max_lag_ns = total.max_lag_ns.max(s.max_lag_ns);
        }
        Ok(total)
    }

    /// Ship everything pending in one writer file.
    pub(crate) fn ship_file(&mut self, path: &Path) -> Result<Shipped, StoreError> {
        if !self.files.contains_key(path) {
            match JournalFile::open(path, &self.dir_host, self.busy)? {
                Some(f) => {
                    self.files.insert(path.to_path_buf(), f);
                }
                None => return Ok(Shipped::default()),
            }
        }
        let mut total = Shipped::default();
        loop {
            let r = self.ship_batch(path);
            if r.is_err() {
                // Reconnect next time: the connection may be broken.
                self.client = None;
            }
            let s = r?;
            total.rows += s.rows;
            total.max_lag_ns = total.max_lag_ns.max(s.max_lag_ns);
            if s.rows == 0 {
                return Ok(total);
            }
        }
    }

    fn client(&mut self) -> Result<&mut Client, StoreError> {
        match &mut self.client {
            Some(c) => Ok(c),
            slot => Ok(&mut **slot.insert(self.url.connect()?)),
        }
    }

    /// Ship the next batch of one file; `rows == 0` when nothing was left.
    fn ship_batch(&mut self, path: &Path) -> Result<Shipped, StoreError> {
        let url = self.url.clone();
        let (host, file_writer) = match self.files.get(path) {
            Some(f) => (f.host.clone(), f.writer.clone()),
            None => return Ok(Shipped::default()),
        };
        let (writer, hwm) = self.identity(path, &host, &file_writer)?;
        let rows = match self.files.get(path) {
            Some(f) => f.rows_after(hwm, BATCH)?,
            None => Vec::new(),
        };
        let Some(last) = rows.last().map(|r| r.seq) else {
            self.remember(&host, &file_writer, hwm)?;
            return Ok(Shipped::default());
        };
        let months: Vec<String> = rows
            .iter()
            .map(|r| r.month.clone())
            .filter(|m| !self.partitions.contains(m))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for m in months {
            self.ensure_partition(&m)?;
        }
        let client = self.client()?;
        let shipped = ingest(client, &url, &host, &writer, &rows, hwm)?;
        self.remember(&host, &file_writer, last)?;
        Ok(shipped)
    }

    /// The fleet identity the journal file at `path` (writer `writer` of
    /// `host`) ships as, and that identity's high-water mark.
    ///
    /// Usually the file's own writer. But a journal restored from an older
    /// copy (a backup, a file replaced and repaired with `--accept-loss`)
    /// acknowledges new rows with sequence numbers the fleet store already
    /// has from the lost rows: shipped under the writer's mark they would be
    /// dropped, and their withdrawals would take back other receipts. The
    /// fleet keeps when the row at its mark was acknowledged; a file without
    /// that row has parted from what was shipped. Its rows after the point
    /// where they part (the last row acknowledged before the fleet's last
    /// row) then ship as a *branch*: a writer of its own (`WRITER-rSEQ`,
    /// `branch_of` the writer) whose mark starts there. The rows before it
    /// were shipped already; the lost rows stay counted.
    fn identity(
        &mut self,
        path: &Path,
        host: &str,
        writer: &str,
    ) -> Result<(String, i64), StoreError> {
        let url = self.url.clone();
        let err = |e: postgres::Error| url.error("reading the high-water mark", &e);
        let mut name = match self.branches.get(path) {
            Some(b) => b.clone(),
            None => writer.to_owned(),
        };
        // A branch of a branch only after another restore: a few at most.
        for _ in 0..16 {
            let client = self.client()?;
            let Some(row) = client
                .query_opt(
                    "SELECT shipped_seq, shipped_acked_at FROM keymsg_writers \
                     WHERE host = $1 AND writer = $2",
                    &[&host, &name],
                )
                .map_err(err)?
            else {
                return Ok((name, 0));
            };
            let (hwm, acked): (i64, Option<i64>) = (row.get(0), row.get(1));
            // Nothing to compare with: a writer shipped before the fleet
            // kept it (schema 5), or nothing shipped yet.
            let Some(acked) = acked else {
                return Ok((name, hwm));
            };
            let Some(file) = self.files.get(path) else {
                return Ok((name, hwm));
            };
            if file.holds(hwm, acked)? {
                if name != writer {
                    self.branches.insert(path.to_path_buf(), name.clone());
                }
                return Ok((name, hwm));
            }
            // Parted. A branch made for this copy before?
            let branches = self
                .client()?
                .query(
                    "SELECT writer, shipped_seq, shipped_acked_at FROM keymsg_writers \
                     WHERE host = $1 AND branch_of = $2 ORDER BY id",
                    &[&host, &name],
                )
                .map_err(err)?;
            let Some(file) = self.files.get(path) else {
                return Ok((name, hwm));
            };
            let mut found = None;
            for b in &branches {
                let (w, seq, at): (String, i64, Option<i64>) = (b.get(0), b.get(1), b.get(2));
                if at.map_or(Ok(true), |at| file.holds(seq, at))? {
                    found = Some(w);
                    break;
                }
            }
            if let Some(w) = found {
                name = w;
                continue;
            }
            let base = file.parted_at(acked)?;
            if base >= hwm {
                // Every row of the file was acknowledged before the fleet's
                // last one (a clock set back?): which of them are new cannot
                // be told, so none is shipped.
                return Err(StoreError::Fleet {
                    store: url.shown.clone(),
                    detail: format!(
                        "journal file {} (writer {host}/{name}) does not hold row {hwm}, the \
                         last one this store took from it: it was restored from an older \
                         copy, and its new rows cannot be told from the old ones by when they \
                         were acknowledged (was the clock set back?). Nothing of it is \
                         shipped: keep the file, and compare it with this writer's rows in \
                         keymsg_raw",
                        file.label
                    ),
                });
            }
            let suffix = format!("-r{base}");
            let keep = MAX_WRITER_ID.saturating_sub(suffix.len());
            let branch = format!("{}{suffix}", name.get(..keep).unwrap_or(&name));
            let base_acked = file.acked_at(base)?;
            self.client()?
                .execute(
                    "INSERT INTO keymsg_writers (host, writer, shipped_seq, shipped_acked_at, \
                     branch_of, branch_base) VALUES ($1, $2, $3, $4, $5, $3) \
                     ON CONFLICT DO NOTHING",
                    &[&host, &branch, &base, &base_acked, &name],
                )
                .map_err(err)?;
            name = branch;
        }
        Err(StoreError::Fleet {
            store: url.shown.clone(),
            detail: format!("journal writer {host}/{writer}: too many restored copies to follow"),
        })
    }

    /// Remember locally how far a writer is shipped (for monitoring only).
    fn remember(&mut self, host: &str, writer: &str, seq: i64) -> Result<(), StoreError> {
        if self.marks.is_none() {
            self.marks = Some(ShippedMarks::open(&self.dir, self.busy)?);
        }
        match &self.marks {
            Some(m) => m.set(host, writer, seq),
            None => Ok(()),
        }
    }

    /// Create the raw-row partition of `month` if missing.
    fn ensure_partition(&mut self, month: &str) -> Result<(), StoreError> {
        // The month becomes part of a table name: only `YYYY-MM` is accepted.
        let ym: YearMonth = month.parse().map_err(|_| StoreError::Corrupt {
            path: self.dir.display().to_string(),
            detail: format!("bad month `{month}` in the journal"),
        })?;
        let name = format!("keymsg_raw_{}_{:02}", ym.year(), ym.month());
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {name} PARTITION OF keymsg_raw FOR VALUES IN ('{ym}')"
        );
        let url = self.url.clone();
        let client = self.client()?;
        let attached = |c: &mut Client, table: &str| {
            c.query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1) \
                 AND inhparent = 'keymsg_raw'::regclass)",
                &[&table],
            )
            .map(|r| r.get::<_, bool>(0))
        };
        // Two shippers creating the same partition at once: the loser
        // fails; the partition exists either way.
        let created = client.batch_execute(&sql);
        if attached(client, &name).map_err(|e| url.error("checking a monthly partition", &e))? {
            self.partitions.insert(month.to_owned());
            return Ok(());
        }
        let detached = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
            .map(|r| r.get::<_, bool>(0))
            .map_err(|e| url.error("checking a monthly partition", &e))?;
        if !detached {
            return Err(match created {
                Err(e) => url.error("creating a monthly partition", &e),
                Ok(()) => StoreError::Fleet {
                    store: url.shown.clone(),
                    detail: format!("partition {name} was not created"),
                },
            });
        }
        // The month's partition was detached (archived, see docs/FLEET.md)
        // and a late row of that month arrives: it goes to the DEFAULT
        // partition, made when first needed, rather than failing every
        // batch of its writer and holding back the rows behind it. Counters
        // take it as usual. Re-attaching the month means moving its rows
        // out of `keymsg_raw_default` first (PostgreSQL checks).
        let default =
            "CREATE TABLE IF NOT EXISTS keymsg_raw_default PARTITION OF keymsg_raw DEFAULT";
        if let Err(e) = client.batch_execute(default)
            && !attached(client, "keymsg_raw_default").unwrap_or(false)
        {
            return Err(url.error(
                &format!("creating the default partition for rows of detached {name}"),
                &e,
            ));
        }
        self.partitions.insert(month.to_owned());
        Ok(())
    }
}

/// One batch in one transaction (see the module docs): `rows` are the
/// journal rows after mark `read_after`, in order.
fn ingest(
    client: &mut Client,
    url: &Url,
    host: &str,
    writer: &str,
    rows: &[JournalRow],
    read_after: i64,
) -> Result<Shipped, StoreError> {
    match ingest_with(client, url, host, writer, rows, read_after, RawInsert::Copy)? {
        Some(s) => Ok(s),
        // The transaction was rolled back: nothing of the batch is stored.
        None => ingest_with(
            client,
            url,
            host,
            writer,
            rows,
            read_after,
            RawInsert::Upsert,
        )?
        .ok_or_else(|| StoreError::Fleet {
            store: url.shown.clone(),
            detail: "raw rows conflict even with ON CONFLICT DO NOTHING".into(),
        }),
    }
}

/// How a batch's raw rows are inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawInsert {
    /// `COPY`: fast; fails on a row already present.
    Copy,
    /// `INSERT … ON CONFLICT DO NOTHING`: skips rows already present.
    Upsert,
}

/// [`ingest`] with the raw rows inserted by `raw`; `None` when `COPY` met a
/// row already present (the transaction is rolled back).
fn ingest_with(
    client: &mut Client,
    url: &Url,
    host: &str,
    writer: &str,
    rows: &[JournalRow],
    read_after: i64,
    raw: RawInsert,
) -> Result<Option<Shipped>, StoreError> {
    let Some((last, last_acked)) = rows.last().map(|r| (r.seq, r.acked_ns)) else {
        return Ok(Some(Shipped::default()));
    };
    let err = |e: postgres::Error| url.error("shipping journal rows", &e);
    let mut tx = client.transaction().map_err(err)?;
    tx.execute(
        "INSERT INTO keymsg_writers (host, writer) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&host, &writer],
    )
    .map_err(err)?;
    // The schema is checked again in every batch: a newer keymsg may have
    // migrated it since this connection was made.
    let row = tx
        .query_one(
            "SELECT shipped_seq, (SELECT max(version) FROM keymsg_schema), id, \
             shipped_acked_at, to_char(now() AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM'), \
             imported FROM keymsg_writers WHERE host = $1 AND writer = $2 FOR UPDATE",
            &[&host, &writer],
        )
        .map_err(err)?;
    let (hwm, version, wid): (i64, Option<i64>, i32) = (row.get(0), row.get(1), row.get(2));
    let hwm_acked: Option<i64> = row.get(3);
    // The month claims are made in, by the database's clock: one host's
    // wrong clock (a till two years behind) must not date the fleet's keys.
    let claim_month: String = row.get(4);
    if let Some(v) = version.filter(|v| *v > super::conn::SCHEMA_VERSION) {
        return Err(StoreError::NewerSchema {
            path: url.shown.clone(),
            found: v,
            supported: super::conn::SCHEMA_VERSION,
        });
    }
    if row.get::<_, bool>(5) {
        // `keymsg import` took this writer's counters from an export of its
        // store: its rows shipped too would count twice (import, for its
        // part, skips a writer that ships). Nothing is written.
        return Err(StoreError::Fleet {
            store: url.shown.clone(),
            detail: format!(
                "writer {host}/{writer} was imported into this store (`keymsg import` of an \
                 export of its journal): shipping it too would count its rows twice. Keep \
                 importing its exports, or ship from a new journal directory (new writers)"
            ),
        });
    }
    if hwm < read_after {
        // The mark moved back since it was read (the database restored from
        // a backup?): rows after it were not read. Nothing is written; the
        // next attempt reads from the mark as it is now.
        return Err(StoreError::Fleet {
            store: url.shown.clone(),
            detail: format!(
                "the shipped mark of writer {host}/{writer} moved back from {read_after} to {hwm}; \
                 shipping again from {hwm}"
            ),
        });
    }
    if hwm > read_after
        && let Some(at) = hwm_acked
        && rows.iter().any(|r| r.seq == hwm && r.acked_ns != at)
    {
        // Another copy of this journal shipped meanwhile, with other rows:
        // nothing is written; the next attempt finds which copy this is.
        return Err(StoreError::Fleet {
            store: url.shown.clone(),
            detail: format!(
                "writer {host}/{writer} was shipped meanwhile from another copy of its journal; \
                 shipping again"
            ),
        });
    }
    let rows: Vec<&JournalRow> = rows.iter().filter(|r| r.seq > hwm).collect();
    if rows.is_empty() {
        tx.commit().map_err(err)?;
        return Ok(Some(Shipped::default()));
    }

    // Claim idempotency keys fleet-wide; a key already claimed by another
    // writer (the same invoice retried on another host) does not count again.
    // A claim names the row that made it (writer id, seq), and expires by
    // the later of its insertion's month and the month it is claimed in (an
    // insertion dated long ago, by a till's wrong clock or a late upload,
    // keeps its key as long as one counted today).
    let refused = claim_keys_in_order(&mut tx, wid, &rows, &claim_month).map_err(err)?;
    let now = crate::store::writer::now_nanos();
    let counted: Vec<bool> = rows
        .iter()
        .map(|r| r.op == 0 && r.counted && !refused.contains(&r.seq))
        .collect();
    let inserted: HashSet<i64> = match raw {
        RawInsert::Copy => {
            // Every row is above the mark locked above, so none can be in
            // the table yet: COPY (several times faster than INSERT) adds
            // them all, and a row that is there anyway (a mark and rows out
            // of step) fails the batch with a unique violation instead of
            // counting it twice; the caller then ships it with `Upsert`.
            match copy_raw(&mut tx, wid, now, &rows, &counted) {
                Ok(()) => rows.iter().map(|r| r.seq).collect(),
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => return Ok(None),
                Err(e) => return Err(err(e)),
            }
        }
        RawInsert::Upsert => upsert_raw(&mut tx, wid, now, &rows, &counted).map_err(err)?,
    };
    remember_refused(&mut tx, wid, &rows, &refused, &inserted, &claim_month).map_err(err)?;

    let mut inc: Increments = BTreeMap::new();
    let mut withdrawals = Vec::new();
    let mut max_lag_ns = 0;
    for (i, r) in rows.iter().enumerate() {
        if !inserted.contains(&r.seq) {
            continue;
        }
        max_lag_ns = max_lag_ns.max(now.saturating_sub(r.acked_ns));
        if r.op != 0 {
            withdrawals.push(*r);
            continue;
        }
        let counted = counted.get(i).copied().unwrap_or(false);
        let e = inc
            .entry((
                r.month.clone(),
                r.agency.clone(),
                r.message_id.clone(),
                r.surface.clone(),
                r.kind.clone(),
            ))
            .or_default();
        e.0 += i64::from(counted);
        e.1 += i64::from(r.reprint);
    }
    add_counters(&mut tx, host, writer, &inc).map_err(err)?;
    let mut epoch_bump = 0i64;
    for w in withdrawals {
        epoch_bump +=
            i64::from(withdraw(&mut tx, host, writer, wid, w, &claim_month).map_err(err)?);
    }
    tx.execute(
        "UPDATE keymsg_writers SET shipped_seq = $3, shipped_at = $4, epoch = epoch + $5, \
         shipped_acked_at = $6 WHERE host = $1 AND writer = $2",
        &[&host, &writer, &last, &now, &epoch_bump, &last_acked],
    )
    .map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(Some(Shipped {
        rows: u64::try_from(inserted.len()).unwrap_or(u64::MAX),
        max_lag_ns,
    }))
}
