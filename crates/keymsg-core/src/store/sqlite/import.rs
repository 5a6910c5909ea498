//! Per-writer counters of a store directory, and imports of other writers'
//! counters (G-counter exports) into writer files of their own.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{OptionalExtension, params};

use super::super::gcounter::Take;
use super::super::schema::{self, Mode, map_err};
use super::super::{StoreError, WriterCounts};
use super::super::{read, verify};
use super::SqliteStore;
use crate::bangkok::YearMonth;

impl SqliteStore {
    /// This store's writer identity: (host id, writer id).
    pub(crate) fn identity(&self) -> (&str, &str) {
        (&self.host, &self.writer_id)
    }

    /// The SQLite side of [`super::super::Store::writer_counts`]: one entry per
    /// writer file with counts or manual entries in `month`.
    pub(crate) fn writer_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<WriterCounts>, StoreError> {
        let mut out = Vec::new();
        self.each_file(|c, l| {
            let (host, writer, epoch) = read::writer_identity(c, l)?;
            // Migrated by a reader before its writer reopened it: the file
            // belongs to this directory's host.
            let host = if host.is_empty() {
                self.host.clone()
            } else {
                host
            };
            let mut m = BTreeMap::new();
            read::month_rows(c, l, month, agency, &mut m)?;
            // An imported writer's agencies may stand at different epochs:
            // one copy per epoch, each with the agencies at it.
            let epochs = read::import_epochs(c, l, month)?;
            let mut by_epoch: BTreeMap<u64, Vec<crate::store::CountRow>> = BTreeMap::new();
            for r in read::to_rows_with_zeros(m) {
                let e = epochs.get(&r.agency).copied().unwrap_or(epoch);
                by_epoch.entry(e).or_default().push(r);
            }
            let mut manual = read::manual_records(c, l, month, agency)?;
            if by_epoch.is_empty() && !manual.is_empty() {
                by_epoch.insert(epoch, Vec::new());
            }
            for (e, counts) in by_epoch {
                out.push(WriterCounts {
                    host: host.clone(),
                    writer: writer.clone(),
                    epoch: e,
                    counts,
                    // Manual entries merge by recording time: with one copy.
                    manual: std::mem::take(&mut manual),
                });
            }
            Ok(())
        })?;
        out.sort_by(|a, b| (&a.host, &a.writer, a.epoch).cmp(&(&b.host, &b.writer, b.epoch)));
        Ok(out)
    }

    /// The SQLite side of [`super::super::Store::import`]: each foreign writer goes
    /// to a writer file of its own (`w-x<writer>.sqlite`), merged by the
    /// G-counter rule, so importing a file again changes nothing. Returns
    /// the number of counters and manual entries that changed.
    pub(crate) fn import(
        &self,
        month: YearMonth,
        writers: &[WriterCounts],
    ) -> Result<u64, StoreError> {
        // Writers of this directory: their live files are already here.
        let mut local = std::collections::BTreeSet::new();
        self.each_file(|c, l| {
            let (_, w, _) = read::writer_identity(c, l)?;
            local.insert(w);
            Ok(())
        })?;
        let mut changed = 0;
        for w in writers {
            if !super::super::files::valid_id(&w.writer) || !super::super::files::valid_id(&w.host)
            {
                return Err(StoreError::BadWriterId(format!("{}/{}", w.host, w.writer)));
            }
            let file = self.dir.join(format!("w-x{}.sqlite", w.writer));
            if local.contains(&w.writer) && !file.exists() {
                continue;
            }
            changed += import_writer(&file, self.busy, month, w)?;
        }
        Ok(changed)
    }
}

/// Merge one foreign writer's counters for `month` into its own file.
fn import_writer(
    file: &Path,
    busy: Duration,
    month: YearMonth,
    w: &WriterCounts,
) -> Result<u64, StoreError> {
    let label = file.display().to_string();
    let err = |e| map_err(&label, e);
    let fresh = !file.exists();
    let mut conn = schema::open_file(file, Mode::Writer(super::super::Durability::Process), busy)?;
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(err)?;
    let (host, id, epoch) = read::writer_identity(&tx, &label)?;
    let before = verify::evidence_of(&tx, &label)?;
    let epoch_in = i64::try_from(w.epoch).unwrap_or(i64::MAX);
    let m = month.to_string();
    let mut changed = 0u64;
    // The epoch of the copy each (month, agency) was last taken from: a
    // writer's epoch grows with every withdrawal, in any month or agency,
    // so copies are compared within what they cover (one month, and the
    // agencies they list), not across it.
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS import_epochs (
             month TEXT NOT NULL,
             agency TEXT NOT NULL,
             epoch INTEGER NOT NULL,
             PRIMARY KEY (month, agency)
         ) WITHOUT ROWID",
    )
    .map_err(err)?;
    let legacy_epoch = if fresh || id != w.writer || host != w.host {
        tx.execute(
            "UPDATE writer SET host = ?1, id = ?2, epoch = ?3",
            params![w.host, w.writer, epoch_in],
        )
        .map_err(err)?;
        None
    } else {
        if w.epoch > epoch {
            tx.execute("UPDATE writer SET epoch = ?1", [epoch_in])
                .map_err(err)?;
        }
        // Counters imported before epochs were kept per agency came from a
        // copy of at most the file's epoch then.
        Some(i64::try_from(epoch).unwrap_or(i64::MAX))
    };
    let agencies = w.agencies();
    let mut taken: Vec<&str> = Vec::with_capacity(agencies.len());
    for agency in agencies {
        let recorded: Option<i64> = tx
            .query_row(
                "SELECT epoch FROM import_epochs WHERE month = ?1 AND agency = ?2",
                params![m, agency],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        let held: bool = tx
            .query_row(
                "SELECT count(*) FROM counts WHERE month = ?1 AND agency = ?2",
                params![m, agency],
                |r| r.get::<_, i64>(0),
            )
            .map_err(err)?
            > 0;
        let stored = recorded.or(if held { legacy_epoch } else { None });
        match Take::of(w.epoch, stored.map(|e| u64::try_from(e).unwrap_or(0))) {
            Take::Nothing => continue,
            Take::Max => {}
            Take::Replace => {
                changed += tx
                    .execute(
                        "DELETE FROM counts WHERE month = ?1 AND agency = ?2",
                        params![m, agency],
                    )
                    .map_err(err)? as u64;
                tx.execute(
                    "INSERT INTO import_epochs (month, agency, epoch) VALUES (?1, ?2, ?3) \
                     ON CONFLICT DO UPDATE SET epoch = excluded.epoch",
                    params![m, agency, epoch_in],
                )
                .map_err(err)?;
            }
        }
        taken.push(agency);
    }
    {
        let mut up = tx
            .prepare(
                "INSERT INTO counts (month, agency, message_id, surface, kind, catalog_version, \
                 counted, reprints) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, 0) \
                 ON CONFLICT DO UPDATE SET counted = excluded.counted \
                 WHERE excluded.counted > counts.counted",
            )
            .map_err(err)?;
        for c in w
            .counts
            .iter()
            .filter(|c| taken.contains(&c.agency.as_str()))
        {
            changed += up
                .execute(params![
                    m,
                    c.agency,
                    c.message_id,
                    c.surface.as_str(),
                    c.kind,
                    i64::try_from(c.count).unwrap_or(i64::MAX)
                ])
                .map_err(err)? as u64;
        }
        let mut man = tx
            .prepare(
                "INSERT INTO manual (agency, month, channel, message_id, count, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET \
                 count = excluded.count, recorded_at = excluded.recorded_at \
                 WHERE excluded.recorded_at > manual.recorded_at",
            )
            .map_err(err)?;
        for r in &w.manual {
            changed += man
                .execute(params![
                    r.agency,
                    m,
                    r.channel.as_str(),
                    r.message_id,
                    i64::try_from(r.count).unwrap_or(i64::MAX),
                    r.recorded_at_ns
                ])
                .map_err(err)? as u64;
        }
    }
    // The file gets a mark like any writer file, so that its loss is
    // detected: lowered before a commit that removes counts (a newer epoch),
    // raised after one that adds them.
    let after = verify::evidence_of(&tx, &label)?;
    verify::set_mark(file, before.min(after))?;
    tx.commit().map_err(err)?;
    verify::set_mark(file, after)?;
    Ok(changed)
}
