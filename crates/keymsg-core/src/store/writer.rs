//! The write path: one connection per store, group commit across threads.
//!
//! Concurrent [`count`](super::Store::count) callers queue their insertion;
//! whichever finds no batch in progress becomes the *leader*, takes the whole
//! queue, runs it as one `BEGIN IMMEDIATE … COMMIT` and hands every follower
//! its result. A lone caller is its own leader (no thread hand-off), and
//! under load one commit (one `write()`, or one `fsync` with
//! [`Durability::Power`](super::Durability::Power)) covers a whole batch.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::schema::{self, map_err};
use super::{Counted, Insertion, StoreError};

/// Largest batch one commit takes (bounds the latency of the leader).
const MAX_BATCH: usize = 4096;

/// How many times a new leader yields while waiting for the previous
/// batch's callers to queue again.
const MAX_SPINS: u32 = 32;

/// A counter row: (month, agency, message, surface, kind, catalog version).
type GroupKey<'a> = (String, &'a str, &'a str, &'a str, &'a str, i64);

/// The connection and what it needs to count.
#[derive(Debug)]
pub(crate) struct Writer {
    /// Our connection to our own writer file.
    conn: Connection,
    /// Label for errors (the file path).
    pub(crate) label: String,
    /// Store directory.
    dir: PathBuf,
    /// Our own file, skipped when checking other writers' keys.
    own: PathBuf,
    /// Read connections to the other writer files, for cross-file idempotency.
    others: HashMap<PathBuf, Connection>,
    pub(crate) count_reprints: bool,
    busy: Duration,
}

impl Writer {
    pub(crate) fn new(
        conn: Connection,
        label: String,
        dir: PathBuf,
        own: PathBuf,
        count_reprints: bool,
        busy: Duration,
    ) -> Self {
        Self {
            conn,
            label,
            dir,
            own,
            others: HashMap::new(),
            count_reprints,
            busy,
        }
    }

    /// The connection to our own writer file.
    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Open read connections to writer files that appeared since last time.
    pub(crate) fn refresh_others(&mut self) -> Result<(), StoreError> {
        for path in super::sqlite::writer_files(&self.dir)? {
            if path == self.own || self.others.contains_key(&path) {
                continue;
            }
            if let Some(c) = schema::open_reader(&path, self.busy)? {
                self.others.insert(path, c);
            }
        }
        Ok(())
    }

    /// Whether another writer file has already counted `key`.
    fn seen_elsewhere(&self, key: &str) -> Result<bool, StoreError> {
        for (path, c) in &self.others {
            let label = path.display().to_string();
            let hit = c
                .prepare_cached("SELECT 1 FROM keys WHERE key = ?1")
                .and_then(|mut s| s.query_row([key], |_| Ok(())).optional())
                .map_err(|e| map_err(&label, e))?;
            if hit.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Count a batch in one transaction: all or nothing.
    pub(crate) fn run_batch(&mut self, items: &[Insertion]) -> Result<Vec<Counted>, StoreError> {
        let keyed = items.iter().any(|i| i.idempotency_key.is_some());
        if keyed {
            self.refresh_others()?;
        }
        // Decide cross-file duplicates before taking our write lock.
        let mut elsewhere = HashSet::new();
        if keyed && !self.others.is_empty() {
            for k in items.iter().filter_map(|i| i.idempotency_key.as_deref()) {
                if self.seen_elsewhere(k)? {
                    elsewhere.insert(k);
                }
            }
        }
        let label = self.label.clone();
        let count_reprints = self.count_reprints;
        let err = |e| map_err(&label, e);
        let now = now_nanos();
        let conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut out = Vec::with_capacity(items.len());
        // (month, agency, message, surface, kind, version) -> (counted, reprints)
        let mut groups: HashMap<GroupKey<'_>, (i64, i64)> = HashMap::new();
        {
            let mut add_key = tx
                .prepare_cached(
                    "INSERT INTO keys (key, month, counted_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT DO NOTHING",
                )
                .map_err(err)?;
            for ins in items {
                let month = ins.month().to_string();
                if let Some(k) = ins.idempotency_key.as_deref()
                    && (elsewhere.contains(k)
                        || add_key.execute(params![k, month, now]).map_err(err)? == 0)
                {
                    out.push(Counted::Duplicate);
                    continue;
                }
                let counted = !ins.reprint || count_reprints;
                let g = groups
                    .entry((
                        month,
                        ins.agency.as_str(),
                        ins.message_id.as_str(),
                        ins.surface.as_str(),
                        ins.kind.as_str(),
                        i64::try_from(ins.catalog_version).unwrap_or(i64::MAX),
                    ))
                    .or_default();
                g.0 += i64::from(counted);
                g.1 += i64::from(ins.reprint);
                out.push(if counted {
                    Counted::New
                } else {
                    Counted::Reprint
                });
            }
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO counts (month, agency, message_id, surface, kind, \
                     catalog_version, counted, reprints) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                     ON CONFLICT DO UPDATE SET counted = counted + excluded.counted, \
                     reprints = reprints + excluded.reprints",
                )
                .map_err(err)?;
            for ((m, a, id, s, k, v), (c, r)) in &groups {
                upsert
                    .execute(params![m, a, id, s, k, v, c, r])
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(out)
    }
}

/// Nanoseconds since the Unix epoch (0 if the clock is before 1970).
pub(crate) fn now_nanos() -> i64 {
    let n = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(n).unwrap_or(0)
}

/// Queue, leader flag and finished results shared by callers.
#[derive(Debug, Default)]
struct State {
    queue: Vec<(u64, Insertion)>,
    next_ticket: u64,
    leader: bool,
    /// Size of the previous batch: how many callers were active.
    last_batch: usize,
    done: HashMap<u64, Result<Counted, StoreError>>,
}

/// Group commit: a writer plus the leader/follower queue in front of it.
#[derive(Debug)]
pub(crate) struct Group {
    state: Mutex<State>,
    cv: Condvar,
    writer: Mutex<Writer>,
}

/// Resets the leader flag if the leader unwinds, so followers never hang.
struct LeaderGuard<'a> {
    group: &'a Group,
    armed: bool,
}

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            if let Ok(mut st) = self.group.state.lock() {
                st.leader = false;
            }
            self.group.cv.notify_all();
        }
    }
}

impl Group {
    pub(crate) fn new(writer: Writer) -> Self {
        Self {
            state: Mutex::new(State::default()),
            cv: Condvar::new(),
            writer: Mutex::new(writer),
        }
    }

    fn poisoned(&self) -> StoreError {
        StoreError::Poisoned {
            path: self
                .writer
                .lock()
                .map(|w| w.label.clone())
                .unwrap_or_default(),
        }
    }

    /// Exclusive access to the writer (for batches, manual entries, reads of
    /// an in-memory store).
    pub(crate) fn writer(&self) -> Result<MutexGuard<'_, Writer>, StoreError> {
        self.writer.lock().map_err(|_| StoreError::Poisoned {
            path: String::new(),
        })
    }

    /// Count one insertion, sharing the commit with concurrent callers.
    pub(crate) fn count(&self, ins: &Insertion) -> Result<Counted, StoreError> {
        let mut st = self.state.lock().map_err(|_| self.poisoned())?;
        let ticket = st.next_ticket;
        st.next_ticket = st.next_ticket.wrapping_add(1);
        st.queue.push((ticket, ins.clone()));
        loop {
            if let Some(r) = st.done.remove(&ticket) {
                return r;
            }
            if st.leader {
                st = self.cv.wait(st).map_err(|_| self.poisoned())?;
                continue;
            }
            st.leader = true;
            // Callers that got their results from the previous commit are
            // about to queue again: give them a moment (a few yields, at
            // most tens of microseconds) so the batch stays as large as the
            // number of active callers. A lone caller (last batch of 1) never waits.
            let target = st.last_batch.min(MAX_BATCH);
            let mut spins = 0;
            while st.queue.len() < target && spins < MAX_SPINS {
                drop(st);
                std::thread::yield_now();
                spins += 1;
                st = self.state.lock().map_err(|_| self.poisoned())?;
            }
            st.last_batch = st.queue.len().min(MAX_BATCH);
            let batch: Vec<(u64, Insertion)> = if st.queue.len() > MAX_BATCH {
                st.queue.drain(..MAX_BATCH).collect()
            } else {
                std::mem::take(&mut st.queue)
            };
            drop(st);
            let mut guard = LeaderGuard {
                group: self,
                armed: true,
            };
            let results = self.commit(batch);
            st = self.state.lock().map_err(|_| self.poisoned())?;
            guard.armed = false;
            st.leader = false;
            st.done.extend(results);
            self.cv.notify_all();
        }
    }

    /// Run one batch and give every ticket its own result.
    fn commit(&self, batch: Vec<(u64, Insertion)>) -> Vec<(u64, Result<Counted, StoreError>)> {
        let (tickets, items): (Vec<u64>, Vec<Insertion>) = batch.into_iter().unzip();
        let res = self.writer().and_then(|mut w| w.run_batch(&items));
        match res {
            Ok(counted) => tickets
                .into_iter()
                .zip(counted.into_iter().map(Ok))
                .collect(),
            Err(e) => tickets
                .into_iter()
                .map(|t| (t, Err(e.replicate())))
                .collect(),
        }
    }
}
