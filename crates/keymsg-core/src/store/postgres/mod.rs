//! The fleet store: PostgreSQL behind a host's local journal.
//!
//! ```text
//! count ─► journal (SQLite store dir, WAL) ─► acknowledged
//!                 │ background shipper (batches, exactly once)
//!                 ▼
//!           PostgreSQL: raw rows (by month) + per-writer counters ─► report
//! ```
//!
//! - **Printing never waits on the network.** [`count`](PgStore::count) is
//!   the journal's count: durable on the host when it returns. A shipper
//!   thread forwards journal rows in batches; with PostgreSQL down, rows
//!   accumulate and are shipped when it is back. When the store is dropped
//!   it ships what is pending for at most [`DROP_WAIT`] (a short-lived CLI
//!   process), leaving the rest to the next process or to `keymsg ship`.
//! - **Exactly once**: see `ship`.
//! - Reads (reports, months, manual entries, marks) go to PostgreSQL and
//!   need it up; they read the counter table, never the raw rows.

mod batch;
mod caps;
mod conn;
mod read;
mod ship;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use postgres::Client;
use time::OffsetDateTime;

pub use caps::PgCapLedger;
use conn::{Conn, Url};
pub(crate) use conn::{is_url, redact};
use ship::Shipper;

use super::sqlite::SqliteStore;
use super::{CountRow, Counted, Insertion, ManualEntry, StoreError, StoreOptions, WriterCounts};
use crate::bangkok::YearMonth;

/// Longest a dropped store waits for its pending rows to ship; with
/// [`STOP_WAIT`], a drop takes at most 200 ms.
pub(crate) const DROP_WAIT: Duration = Duration::from_millis(150);

/// Longest a dropped store then waits for its shipper thread to stop.
const STOP_WAIT: Duration = Duration::from_millis(50);

/// How often the background shipper also ships the journal's other writer
/// files (processes that ended before shipping everything).
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// After a count wakes the shipper, how long it lets more rows arrive before
/// shipping: under load, batches of hundreds of rows instead of a
/// transaction per count, for a few tens of ms of lag.
const LINGER: Duration = Duration::from_millis(25);

/// Longest pause between attempts while the fleet store is failing.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// State shared with the shipper thread.
#[derive(Debug, Default)]
struct BgState {
    stop: bool,
    /// Incremented on every count: there is something to ship.
    kicks: u64,
    /// The kick number up to which everything was shipped.
    done: u64,
    /// Set when the thread has ended.
    finished: bool,
    /// The last failure, cleared by the next success.
    last_error: Option<String>,
    /// Rows shipped by this process.
    shipped_rows: u64,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<BgState>,
    cv: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, BgState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The PostgreSQL backend of [`super::Store`].
#[derive(Debug)]
pub(crate) struct PgStore {
    journal: SqliteStore,
    url: Url,
    shared: Arc<Shared>,
    /// Connection for reads and manual entries, made on first use.
    reader: Mutex<Option<Conn>>,
    busy: Duration,
    /// How long idempotency keys are kept (see `StoreOptions`).
    key_retention_months: Option<u32>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PgStore {
    /// Open the journal directory and start the shipper. PostgreSQL is not
    /// contacted here: a host prints while it is down. A bad URL fails here.
    pub(crate) fn open(
        url: &str,
        journal: &Path,
        opts: StoreOptions,
    ) -> Result<PgStore, StoreError> {
        let url = Url::parse(url)?;
        let busy = opts.busy_timeout;
        let key_retention_months = opts.key_retention_months;
        let journal = SqliteStore::open_with(journal, opts, true)?;
        let shared = Arc::new(Shared::default());
        let (host, _) = journal.identity();
        let shipper = Shipper::new(url.clone(), journal.path(), host.to_owned(), busy);
        let own = journal.writer_file().to_path_buf();
        let bg = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("keymsg-shipper".into())
            .spawn(move || run_shipper(shipper, own, &bg))
            .map_err(|e| StoreError::Io {
                path: journal.path().display().to_string(),
                source: e,
            })?;
        Ok(PgStore {
            journal,
            url,
            shared,
            reader: Mutex::new(None),
            busy,
            key_retention_months,
            thread: Some(thread),
        })
    }

    /// The journal directory.
    pub(crate) fn path(&self) -> &Path {
        self.journal.path()
    }

    /// This process's journal file.
    pub(crate) fn writer_file(&self) -> &Path {
        self.journal.writer_file()
    }

    /// The journal store (counting, size cap, integrity).
    pub(crate) fn journal(&self) -> &SqliteStore {
        &self.journal
    }

    /// Tell the shipper there is something to ship. Only the first count
    /// after it went idle wakes it (not one wake-up per receipt).
    fn kick(&self) {
        let mut st = self.shared.lock();
        st.kicks += 1;
        if st.kicks == st.done + 1 {
            self.shared.cv.notify_all();
        }
    }

    pub(crate) fn count(&self, ins: &Insertion) -> Result<Counted, StoreError> {
        let c = self.journal.count(ins)?;
        if c != Counted::Duplicate {
            self.kick();
        }
        Ok(c)
    }

    pub(crate) fn count_batch(&self, ins: &[Insertion]) -> Result<Vec<Counted>, StoreError> {
        let c = self.journal.count_batch(ins)?;
        self.kick();
        Ok(c)
    }

    pub(crate) fn withdraw(&self, ins: &Insertion, counted: Counted) -> Result<(), StoreError> {
        self.journal.withdraw(ins, counted)?;
        self.kick();
        Ok(())
    }

    /// Run `f` with the read connection, connecting first if needed; a
    /// failed call drops the connection so the next one reconnects.
    fn with_client<T>(
        &self,
        f: impl FnOnce(&mut Client, &Url) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut g = self
            .reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let client = match &mut *g {
            Some(c) => c,
            slot => &mut **slot.insert(self.url.connect()?),
        };
        let r = f(client, &self.url);
        if r.is_err() {
            *g = None;
        }
        r
    }

    pub(crate) fn month_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        self.with_client(|c, u| read::month_counts(c, u, month, agency))
    }

    pub(crate) fn writer_counts(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<WriterCounts>, StoreError> {
        self.with_client(|c, u| read::writer_counts(c, u, month, agency))
    }

    pub(crate) fn import(&self, month: YearMonth, w: &[WriterCounts]) -> Result<u64, StoreError> {
        self.with_client(|c, u| read::import(c, u, month, w))
    }

    pub(crate) fn record(&self, e: &ManualEntry) -> Result<(), StoreError> {
        let (host, writer) = self.journal.identity();
        let now = super::writer::now_nanos();
        self.with_client(|c, u| read::record(c, u, e, now, host, writer))
    }

    pub(crate) fn manual_entries(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<ManualEntry>, StoreError> {
        self.with_client(|c, u| read::manual_entries(c, u, month, agency))
    }

    pub(crate) fn months(&self) -> Result<Vec<YearMonth>, StoreError> {
        self.with_client(read::months)
    }

    pub(crate) fn agencies(&self, month: Option<YearMonth>) -> Result<Vec<String>, StoreError> {
        self.with_client(|c, u| read::agencies(c, u, month))
    }

    pub(crate) fn mark_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.with_client(|c, u| read::mark_reported(c, u, month, agency, at))
    }

    pub(crate) fn last_reported(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let m = self.with_client(|c, u| read::last_mark(c, u, month, agency))?;
        Ok(m.and_then(|(at, _)| OffsetDateTime::from_unix_timestamp_nanos(i128::from(at)).ok()))
    }

    pub(crate) fn counts_since_report(
        &self,
        month: YearMonth,
        agency: Option<&str>,
    ) -> Result<Vec<CountRow>, StoreError> {
        self.with_client(|c, u| {
            let mut now = read::month_map(c, u, month, agency)?;
            if let Some((_, snap)) = read::last_mark(c, u, month, agency)? {
                for (k, n) in now.iter_mut() {
                    *n = n.saturating_sub(snap.get(k).copied().unwrap_or(0));
                }
            }
            Ok(super::read::to_rows(now))
        })
    }

    /// Ship everything pending in the journal now, on the calling thread,
    /// then expire the fleet's idempotency keys older than the retention.
    pub(crate) fn ship(&self) -> Result<u64, StoreError> {
        let (host, _) = self.journal.identity();
        let mut s = Shipper::new(self.url.clone(), self.path(), host.to_owned(), self.busy);
        let rows = s.ship_all()?.rows;
        let Some(months) = self.key_retention_months else {
            return Ok(rows);
        };
        self.with_client(|c, u| {
            // The month by the database's clock, not this host's: a host
            // whose clock runs a year ahead must not expire every host's
            // keys of this month.
            let now: String = c
                .query_one(
                    "SELECT to_char(now() AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM')",
                    &[],
                )
                .map_err(|e| u.error("reading the database's clock", &e))?
                .get(0);
            let now: YearMonth = now.parse().map_err(|_| StoreError::Fleet {
                store: u.shown.clone(),
                detail: format!("the database's clock gives month `{now}`"),
            })?;
            let Some(oldest) = super::checkpoint::oldest_kept(now, months) else {
                return Ok(());
            };
            let oldest = oldest.to_string();
            // Rows refused for an expired key wait for nothing: a retry of
            // that document counts anew.
            c.execute("DELETE FROM keymsg_keys WHERE month < $1", &[&oldest])
                .and_then(|_| {
                    c.execute(
                        "DELETE FROM keymsg_refused WHERE key_month < $1",
                        &[&oldest],
                    )
                })
                .map(|_| ())
                .map_err(|e| u.error("expiring idempotency keys", &e))
        })?;
        Ok(rows)
    }

    /// Prometheus text: fleet totals (when PostgreSQL answers) and this
    /// host's journal backlog and shipper state (always).
    pub(crate) fn prometheus_text(&self) -> Result<String, StoreError> {
        let (host, _) = self.journal.identity();
        let backlog = super::journal::backlog(self.path(), host, self.busy)?;
        let fleet = self.with_client(read::totals);
        let (last_error, shipped) = {
            let st = self.shared.lock();
            (st.last_error.is_some(), st.shipped_rows)
        };
        let mut out = match &fleet {
            Ok((totals, writers)) => super::prometheus::render(totals, *writers),
            Err(_) => String::new(),
        };
        let lag = backlog.oldest_ns.map_or(0.0, |t| {
            let ns = super::writer::now_nanos().saturating_sub(t).max(0);
            // Seconds for display; precision loss is irrelevant at this scale.
            ns as f64 / 1e9
        });
        super::prometheus::gauges(
            &mut out,
            &[
                (
                    "keymsg_journal_pending_rows",
                    "Journal rows acknowledged on this host and not yet shipped to the fleet store.",
                    backlog.rows as f64,
                ),
                (
                    "keymsg_shipper_lag_seconds",
                    "Age of the oldest journal row not yet shipped (0 when everything is shipped).",
                    lag,
                ),
                (
                    "keymsg_fleet_store_up",
                    "1 when the fleet store (PostgreSQL) answered this scrape, else 0.",
                    if fleet.is_ok() { 1.0 } else { 0.0 },
                ),
                (
                    "keymsg_shipper_failing",
                    "1 when this process's last attempt to ship failed.",
                    if last_error { 1.0 } else { 0.0 },
                ),
                (
                    "keymsg_shipped_rows",
                    "Journal rows this process has shipped.",
                    shipped as f64,
                ),
            ],
        );
        Ok(out)
    }

    /// The last shipping failure of this process, if the last attempt failed.
    pub(crate) fn last_ship_error(&self) -> Option<String> {
        self.shared.lock().last_error.clone()
    }

    /// The journal's backlog, the shipper's state and whether PostgreSQL
    /// answers now (one `SELECT 1`).
    pub(crate) fn fleet_status(&self) -> Result<super::FleetStatus, StoreError> {
        let (host, _) = self.journal.identity();
        let backlog = super::journal::backlog(self.path(), host, self.busy)?;
        let lag_seconds = backlog.oldest_ns.map_or(0.0, |t| {
            let ns = super::writer::now_nanos().saturating_sub(t).max(0);
            // Seconds for display; precision loss is irrelevant at this scale.
            ns as f64 / 1e9
        });
        let reachable = self.with_client(|c, u| {
            c.simple_query("SELECT 1")
                .map(|_| ())
                .map_err(|e| u.error("checking the fleet store", &e))
        });
        let (ship_error, shipped_rows) = {
            let st = self.shared.lock();
            (st.last_error.clone(), st.shipped_rows)
        };
        Ok(super::FleetStatus {
            reachable: reachable.as_ref().is_ok(),
            error: reachable.err().map(|e| e.to_string()),
            pending_rows: backlog.rows,
            lag_seconds,
            ship_error,
            shipped_rows,
        })
    }
}

impl PgStore {
    /// Ask the shipper to ship now and wait until it has, it failed, or
    /// `max` passed. Returns the state lock.
    fn wait_shipped(&self, max: Duration) -> MutexGuard<'_, BgState> {
        let deadline = Instant::now() + max;
        let mut st = self.shared.lock();
        st.kicks += 1;
        let target = st.kicks;
        self.shared.cv.notify_all();
        while st.done < target && st.last_error.is_none() && !st.finished {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            st = match self.shared.cv.wait_timeout(st, left) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        st
    }

    /// Ship what this process acknowledged, waiting at most [`DROP_WAIT`].
    /// Never fails: what is not shipped stays in the journal (see
    /// [`PgStore::last_ship_error`]).
    pub(crate) fn flush(&self) {
        self.flush_within(DROP_WAIT);
    }

    /// Ship what this process acknowledged, waiting at most `max`.
    pub(crate) fn flush_within(&self, max: Duration) {
        drop(self.wait_shipped(max));
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Ship what this process acknowledged, for a bounded time.
        let mut st = self.wait_shipped(DROP_WAIT);
        st.stop = true;
        self.shared.cv.notify_all();
        // Join the thread when it stops promptly (it usually waits on the
        // condition variable). One stuck in a connection attempt is left to
        // end by itself: a transaction cut short by the process exiting is
        // rolled back by PostgreSQL.
        let deadline = Instant::now() + STOP_WAIT;
        while !st.finished {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            st = match self.shared.cv.wait_timeout(st, left) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        drop(st);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The shipper thread: ship on every kick (own file) and every
/// [`SWEEP_EVERY`] (all files), back off while the fleet store fails.
fn run_shipper(mut shipper: Shipper, own: PathBuf, shared: &Shared) {
    let mut last_sweep: Option<Instant> = None;
    let mut backoff = Duration::ZERO;
    loop {
        let target = {
            let mut st = shared.lock();
            let deadline = Instant::now() + SWEEP_EVERY.max(backoff);
            while !st.stop && st.kicks == st.done {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                st = match shared.cv.wait_timeout(st, left) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                };
            }
            if st.stop {
                st.finished = true;
                shared.cv.notify_all();
                return;
            }
            // Let more rows arrive before shipping them as one batch.
            let until = Instant::now() + LINGER;
            while !st.stop {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                st = match shared.cv.wait_timeout(st, left) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                };
            }
            st.kicks
        };
        let sweep = last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY);
        let res = if sweep {
            shipper.ship_all()
        } else {
            shipper.ship_file(&own)
        };
        let mut st = shared.lock();
        match res {
            Ok(s) => {
                if sweep {
                    last_sweep = Some(Instant::now());
                }
                st.done = st.done.max(target);
                st.shipped_rows += s.rows;
                st.last_error = None;
                backoff = Duration::ZERO;
            }
            Err(e) => {
                st.last_error = Some(e.to_string());
                backoff = (backoff * 2).clamp(Duration::from_millis(100), MAX_BACKOFF);
            }
        }
        shared.cv.notify_all();
        if !backoff.is_zero() {
            let until = Instant::now() + backoff;
            while !st.stop {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                st = match shared.cv.wait_timeout(st, left) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                };
            }
        }
    }
}
