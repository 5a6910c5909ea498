//! [`Store`]: the handle every front end uses, over the SQLite backend (the
//! default, durable) or the in-memory backend (tests, examples, benchmarks).

use std::path::Path;

use time::OffsetDateTime;

use super::memory::MemoryStore;
use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{CountRow, Counted, Insertion, ManualEntry, StoreError, StoreOptions, WriterCounts};
use crate::bangkok::YearMonth;

/// The insertion store: durable, idempotent counting, merged monthly reads.
///
/// `Store` is `Send + Sync`; share one per process (e.g. through an `Arc`), so
/// that all threads share its group commit. See the [module docs](super) for
/// the file layout and the guarantees.
#[derive(Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    // Boxed: the backends are large and the handle is moved around.
    Sqlite(Box<SqliteStore>),
    Memory(Box<MemoryStore>),
    Postgres(Box<PgStore>),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match &$self.backend {
            Backend::Sqlite($s) => $e,
            Backend::Memory($s) => $e,
            Backend::Postgres($s) => $e,
        }
    };
}

impl Store {
    /// Open (or create) the store directory at `path` and claim this
    /// process's writer file. Checks every writer file already present and
    /// proves the directory can be written, so a bad path fails here, not at
    /// the first receipt. A foreign or corrupt file is an error and is never
    /// modified or recreated.
    pub fn open(path: impl AsRef<Path>, opts: StoreOptions) -> Result<Store, StoreError> {
        Ok(Store {
            backend: Backend::Sqlite(Box::new(SqliteStore::open(path, opts)?)),
        })
    }

    /// Open the store directory at `path` for reading only (reports,
    /// audits, `metrics`): no writer file is claimed and nothing is written,
    /// so a store on read-only media, or one copied for an auditor, can be
    /// reported. Counting or recording fails with [`StoreError::ReadOnly`].
    /// Like [`Store::open`], refuses a store that lost acknowledged data
    /// ([`StoreError::Lost`]).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Ok(Store {
            backend: Backend::Sqlite(Box::new(SqliteStore::open_read_only(
                path,
                StoreOptions::default().busy_timeout,
            )?)),
        })
    }

    /// Check every writer file of the store at `path` against what its
    /// writer acknowledged (each file's mark), writing nothing. A file that
    /// lost data — WAL frames dropped after damage, a power loss, the file
    /// deleted, emptied or replaced by an older copy — is reported with the
    /// number of counts missing. [`Store::open`] makes the same check and
    /// refuses such a store with [`StoreError::Lost`].
    pub fn verify(path: impl AsRef<Path>) -> Result<Vec<super::FileCheck>, StoreError> {
        let dir = path.as_ref();
        if !dir.join(super::sqlite::MARKER).is_file() {
            return Err(StoreError::NotAStore {
                path: dir.display().to_string(),
                detail: "not a keymsg store directory".into(),
            });
        }
        super::verify::check_store(dir, StoreOptions::default().busy_timeout)
    }

    /// Accept that the files of the store at `path` hold less than was
    /// acknowledged (after [`Store::verify`] or [`StoreError::Lost`], when no
    /// backup can be restored): each failing file's mark is reset to what the
    /// file holds, and one line per loss (time, file, counts given up) is
    /// appended to `LOSSES.log` in the store directory. Returns the losses
    /// accepted. Run it while no other process uses the store.
    pub fn repair_accepting_loss(
        path: impl AsRef<Path>,
    ) -> Result<Vec<super::FileCheck>, StoreError> {
        let dir = path.as_ref();
        Store::verify(dir)?;
        super::verify::accept_loss(dir, StoreOptions::default().busy_timeout)
    }

    /// Open a PostgreSQL fleet store (`postgres://USER[:PASSWORD]@HOST:PORT/DB`
    /// or `postgresql://…`) with this host's journal in directory `journal`.
    ///
    /// Counting never waits on the network: an insertion is acknowledged
    /// once it is durable in the journal (an ordinary store directory, with
    /// the same guarantees), and a background thread ships journal rows to
    /// PostgreSQL exactly once — idempotency keys are unique fleet-wide, so a
    /// key retried on another host counts once there. When the store is
    /// dropped it ships what is pending for at most 200 ms; the rest goes
    /// with the next process or [`Store::ship`]. PostgreSQL is not contacted
    /// here (a host prints while it is down); reads — reports, months,
    /// manual entries — need it. keymsg creates and migrates its tables and
    /// refuses a schema newer than it knows ([`StoreError::NewerSchema`]).
    pub fn open_postgres(
        url: &str,
        journal: impl AsRef<Path>,
        opts: StoreOptions,
    ) -> Result<Store, StoreError> {
        Ok(Store {
            backend: Backend::Postgres(Box::new(PgStore::open(url, journal.as_ref(), opts)?)),
        })
    }

    /// Ship every journal row still pending to the fleet store now, on the
    /// calling thread (for `keymsg ship` from cron); returns the number of
    /// rows newly stored. Exactly once, also when another process ships the
    /// same journal at the same time. Only for a store opened with
    /// [`Store::open_postgres`] ([`StoreError::Unsupported`] otherwise).
    pub fn ship(&self) -> Result<u64, StoreError> {
        match &self.backend {
            Backend::Postgres(s) => s.ship(),
            _ => Err(StoreError::Unsupported {
                store: self.describe(),
                what: "ship (only a postgres:// store with a journal ships)".into(),
            }),
        }
    }

    /// Why the last attempt of the background shipper failed, if it did
    /// (e.g. a wrong password): acknowledged counts are safe in the journal
    /// meanwhile. Always `None` for a store without a fleet store.
    pub fn ship_error(&self) -> Option<String> {
        match &self.backend {
            Backend::Postgres(s) => s.last_ship_error(),
            _ => None,
        }
    }

    /// How the fleet store and this host's shipper are doing (for health
    /// checks and monitoring); `None` for a store without a fleet store.
    /// Contacts PostgreSQL once; its being down is reported, not an error.
    ///
    /// # Errors
    /// The journal's backlog cannot be read.
    pub fn fleet_status(&self) -> Result<Option<super::FleetStatus>, StoreError> {
        match &self.backend {
            Backend::Postgres(s) => s.fleet_status().map(Some),
            _ => Ok(None),
        }
    }

    fn describe(&self) -> String {
        self.path()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string())
    }

    /// An in-memory store for tests, examples and benchmarks: the same
    /// counting rules, nothing persisted, nothing shared with other stores or
    /// processes. Reprints are not counted (see [`Store::in_memory_with`]).
    pub fn in_memory() -> Store {
        Store::in_memory_with(false)
    }

    /// An in-memory store that counts reprints when `count_reprints` is set.
    pub fn in_memory_with(count_reprints: bool) -> Store {
        Store {
            backend: Backend::Memory(Box::new(MemoryStore::new(count_reprints))),
        }
    }

    /// The store directory, or the journal directory of a fleet store
    /// (`None` for an in-memory store).
    pub fn path(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Sqlite(s) => Some(s.path()),
            Backend::Postgres(s) => Some(s.path()),
            Backend::Memory(_) => None,
        }
    }

    /// This process's writer file (of the journal, for a fleet store;
    /// `None` for an in-memory store).
    pub fn writer_file(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Sqlite(s) => Some(s.writer_file()),
            Backend::Postgres(s) => Some(s.writer_file()),
            Backend::Memory(_) => None,
        }
    }

    /// Count one insertion. When this returns `Ok`, the result is committed
    /// with the store's [`Durability`](super::Durability): with the default,
    /// a `kill -9` right after cannot lose it. Concurrent callers share one
    /// commit (group commit), so call this from as many threads as you like.
    pub fn count(&self, insertion: &Insertion) -> Result<Counted, StoreError> {
        super::limits::check_insertion(insertion)?;
        dispatch!(self, s => s.count(insertion))
    }

    /// Count many insertions in one transaction: all are committed, or none
    /// (on error nothing from the batch was counted). Results are in input
    /// order; a key repeated inside the batch counts once.
    pub fn count_batch(&self, insertions: &[Insertion]) -> Result<Vec<Counted>, StoreError> {
        for i in insertions {
            super::limits::check_insertion(i)?;
        }
        dispatch!(self, s => s.count_batch(insertions))
    }

    /// Withdraw a count this store handle made for `insertion` (with the
    /// result `counted` that [`Store::count`] returned), because what was
    /// counted was then not delivered — a write to the printer or to stdout
    /// failed. Counted means delivered: the counter goes back down and an
    /// idempotency key is forgotten, so a retry counts again — or, when a
    /// retry of the same document was answered [`Counted::Duplicate`]
    /// meanwhile (it printed), handed to the oldest such retry, which then
    /// counts instead: printed once, counted once.
    ///
    /// A [`Counted::Duplicate`] whose own delivery failed is withdrawn too:
    /// the store keeps every refused attempt until then, and withdrawing it
    /// makes sure it is never handed a count (or takes back a count it was
    /// handed in the meantime).
    ///
    /// Only for a count just made by this process (its own writer file): a
    /// count made elsewhere is left alone and reported as
    /// [`StoreError::NothingToWithdraw`].
    pub fn withdraw(&self, insertion: &Insertion, counted: Counted) -> Result<(), StoreError> {
        dispatch!(self, s => s.withdraw(insertion, counted))
    }

    /// Make everything counted so far durable. Every [`Store::count`] and
    /// [`Store::count_batch`] already commits before it returns, so for a
    /// store directory this is a no-op kept for front ends that buffer. For
    /// a fleet store it also ships what is pending, waiting at most 150 ms;
    /// it does not fail when shipping does (the rows wait in the journal,
    /// see [`Store::ship_error`]).
    pub fn flush(&self) -> Result<(), StoreError> {
        if let Backend::Postgres(s) = &self.backend {
            s.flush();
        }
        Ok(())
    }

    /// [`Store::flush`] with a longer bound: for a fleet store, ship what is
    /// pending for at most `max` (a service shutting down can afford more
    /// than a CLI process). Stops early when shipping fails; what is not
    /// shipped stays in the journal for the next process or `keymsg ship`.
    pub fn flush_within(&self, max: std::time::Duration) -> Result<(), StoreError> {
        if let Backend::Postgres(s) = &self.backend {
            s.flush_within(max);
        }
        Ok(())
    }

    /// Change the per-file size cap ([`StoreOptions::max_file_bytes`]) at run
    /// time, e.g. to lift it after [`StoreError::DiskFull`]. No effect on an
    /// in-memory store.
    pub fn set_max_file_bytes(&self, bytes: Option<u64>) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.set_max_file_bytes(bytes),
            Backend::Postgres(s) => s.journal().set_max_file_bytes(bytes),
            Backend::Memory(_) => Ok(()),
        }
    }

    /// Counted insertions of a Bangkok month, merged over every writer file,
    /// one row per (agency, message, surface, kind), sorted by those. Each
    /// idempotency key counts once; uncounted reprints are left out.
    /// `agency: None` returns every agency.
    pub fn month_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        dispatch!(self, s => s.month_counts(month, agency))
    }

    /// Each writer's counters and manual entries for a Bangkok month: the
    /// G-counter that unit reports and `keymsg export` carry, so that merging
    /// copies (max per writer, then sum) never counts anything twice. One
    /// entry per writer file with something in `month` (per writer and epoch
    /// for an imported writer, whose agencies may stand at different epochs),
    /// sorted by host, writer and epoch; counters withdrawn to zero are
    /// listed, so that a copy says which agencies it covers. `agency: None`
    /// returns every agency.
    pub fn writer_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<WriterCounts>, StoreError> {
        dispatch!(self, s => s.writer_counts(month, agency))
    }

    /// Load other writers' counters for `month` (from exports or reports of
    /// other hosts) by the same rule: importing a copy again, or an older
    /// copy, changes nothing. Returns how many counters or manual entries
    /// changed. Writers of this store itself are skipped (it holds their
    /// live counters). An in-memory store cannot import
    /// ([`StoreError::Unsupported`]).
    pub fn import(&self, month: YearMonth, writers: &[WriterCounts]) -> Result<u64, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.import(month, writers),
            Backend::Postgres(s) => s.import(month, writers),
            Backend::Memory(_) => Err(StoreError::Unsupported {
                store: ":memory:".into(),
                what: "import".into(),
            }),
        }
    }

    /// Record a manual count for one of the form's channels. Recording again
    /// for the same (agency, month, channel, message) **replaces** the earlier
    /// value — the form asks for a month's total, so entering it again is a
    /// correction, not an addition. Across processes the newest recording wins.
    /// A count above [`MAX_COUNT`](super::MAX_COUNT) is refused.
    pub fn record(&self, entry: &ManualEntry) -> Result<(), StoreError> {
        super::limits::check_entry(entry)?;
        dispatch!(self, s => s.record(entry))
    }

    /// Manual entries for a month (newest recording per agency, channel and
    /// message), sorted by agency, channel, message.
    pub fn manual_entries(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<ManualEntry>, StoreError> {
        dispatch!(self, s => s.manual_entries(month, agency))
    }

    /// Agencies that have counts or manual entries — in `month`, or in any
    /// month for `None` — sorted, each once.
    pub fn agencies(&self, month: Option<YearMonth>) -> Result<Vec<String>, StoreError> {
        dispatch!(self, s => s.agencies(month))
    }

    /// Months that have counts or manual entries, oldest first.
    pub fn months(&self) -> Result<Vec<YearMonth>, StoreError> {
        dispatch!(self, s => s.months())
    }

    /// Remember that a report for `month` (and `agency`, `None` = all
    /// agencies) was made at `at`, with the counts as they are now. Counts
    /// that arrive later (late receipts, a host that was offline) are then
    /// returned by [`Store::counts_since_report`] as an amendment.
    pub fn mark_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.mark_reported(month, agency, at))
    }

    /// When the newest report for (month, agency) was marked, if ever.
    pub fn last_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        dispatch!(self, s => s.last_reported(month, agency))
    }

    /// Counts added since the newest [`Store::mark_reported`] for (month,
    /// agency): current counts minus the counts that report showed, rows
    /// with nothing new left out. Never reported: all counts of the month.
    pub fn counts_since_report(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        dispatch!(self, s => s.counts_since_report(month, agency))
    }

    /// Prometheus text exposition of all-time counters (for monitoring only):
    /// `keymsg_insertions_total` and `keymsg_reprints_total`, labelled by
    /// `agency`, `surface`, `kind` and `message_id`, plus
    /// `keymsg_store_writer_files`. At most 32 distinct `kind` values are
    /// shown (caller text, so unbounded otherwise): the kinds with the most
    /// counts keep their label and the rest are summed under `kind="other"`.
    pub fn prometheus_text(&self) -> Result<String, StoreError> {
        dispatch!(self, s => s.prometheus_text())
    }

    /// Run SQLite's `PRAGMA integrity_check` on every writer file; a damaged
    /// file is reported as [`StoreError::Corrupt`]. Always ok in memory.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.integrity_check(),
            Backend::Postgres(s) => s.journal().integrity_check(),
            Backend::Memory(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_is_send_and_sync() {
        fn assert_both<T: Send + Sync>() {}
        assert_both::<Store>();
    }
}
