//! The write path: one connection per store, group commit across threads.
//!
//! Concurrent [`count`](super::Store::count) callers queue their insertion;
//! whichever finds no batch in progress becomes the *leader*, takes the whole
//! queue, runs it as one `BEGIN IMMEDIATE … COMMIT` and hands every follower
//! its result (see [`Group`]). A lone caller is its own leader (no thread
//! hand-off), and under load one commit (one `write()` per page, or one
//! `fsync` with [`Durability::Power`](super::Durability::Power)) covers a
//! whole batch.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::Thread;
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, params};

use super::keylock::KeyLock;
use super::schema::{self, map_err};
use super::{Counted, Insertion, StoreError};
use crate::bangkok::YearMonth;

/// Largest batch one commit takes (bounds the latency of the leader).
const MAX_BATCH: usize = 4096;

/// Most times a new leader yields its CPU to the previous batch's callers.
const MAX_SPINS: u32 = 16;

/// A counter row: (month, agency, message, surface, kind, catalog version).
type GroupKey<'a> = (String, &'a str, &'a str, &'a str, &'a str, i64);

/// The connection and what it needs to count.
#[derive(Debug)]
pub(crate) struct Writer {
    /// Our connection to our own writer file.
    pub(super) conn: Connection,
    /// Label for errors (the file path).
    pub(crate) label: String,
    /// Store directory.
    dir: PathBuf,
    /// Our own file, skipped when checking other writers' keys.
    pub(super) own: PathBuf,
    /// Read connections to the other writer files, for cross-file idempotency.
    pub(super) others: HashMap<PathBuf, Connection>,
    /// Serialises keyed batches across the store's processes.
    pub(super) key_lock: Arc<KeyLock>,
    pub(crate) count_reprints: bool,
    busy: Duration,
    /// The directory's modification time at the last full scan of
    /// [`Writer::refresh_others`], when it can be trusted to change if a
    /// file is added.
    scanned_mtime: Option<SystemTime>,
    /// What this writer has acknowledged, kept beside the file so that a
    /// later loss can be detected (see `verify`). `None` for a file opened
    /// without one (tests of the writer alone).
    pub(crate) mark: Option<super::verify::Mark>,
    /// Also append every stored insertion to the `journal` table (a host's
    /// journal, shipped to a fleet store).
    pub(super) journal: bool,
    /// Months idempotency keys are kept (`None`: forever); refused
    /// insertions expire with their key (see `handover`).
    pub(super) key_retention_months: Option<u32>,
}

/// A directory time stamp this much older than the scan that read it is
/// trusted: a file created later gets a newer one. For time stamps with a
/// sub-second part (ext4, xfs, btrfs, APFS: the kernel's clock tick, at most
/// 10 ms).
const MTIME_MARGIN_FINE: Duration = Duration::from_millis(50);

/// The same for whole-second time stamps (FAT has 2 s resolution).
const MTIME_MARGIN_COARSE: Duration = Duration::from_secs(3);

/// Whether a directory time stamp read before a scan started at `scan` is
/// old enough that any later change to the directory must change it.
fn mtime_trusted(mtime: SystemTime, scan: SystemTime) -> bool {
    let fine = mtime
        .duration_since(SystemTime::UNIX_EPOCH)
        .is_ok_and(|d| d.subsec_nanos() != 0);
    let margin = if fine {
        MTIME_MARGIN_FINE
    } else {
        MTIME_MARGIN_COARSE
    };
    scan.duration_since(mtime).is_ok_and(|age| age > margin)
}

impl Writer {
    pub(crate) fn new(
        conn: Connection,
        label: String,
        dir: PathBuf,
        own: PathBuf,
        key_lock: KeyLock,
        count_reprints: bool,
        busy: Duration,
    ) -> Self {
        Self {
            conn,
            label,
            dir,
            own,
            others: HashMap::new(),
            key_lock: Arc::new(key_lock),
            count_reprints,
            busy,
            scanned_mtime: None,
            mark: None,
            journal: false,
            key_retention_months: None,
        }
    }

    /// Journal every stored insertion from now on (see [`Writer::journal`]).
    pub(crate) fn set_journal(&mut self, on: bool) {
        self.journal = on;
    }

    /// The connection to our own writer file.
    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Our connection and our mark, borrowed together (a withdrawal lowers
    /// the mark inside its transaction).
    pub(crate) fn conn_and_mark(&mut self) -> (&mut Connection, Option<&mut super::verify::Mark>) {
        (&mut self.conn, self.mark.as_mut())
    }

    /// Open read connections to writer files that appeared since last time.
    ///
    /// Listing the directory costs several system calls, so it is skipped
    /// while the directory's modification time is unchanged since a scan
    /// (creating a file changes it). A time stamp is only trusted once it is
    /// clearly older than the scan (see [`mtime_trusted`]), and never after a scan that
    /// skipped a file still being created (its content changes later
    /// without touching the directory).
    pub(crate) fn refresh_others(&mut self) -> Result<(), StoreError> {
        let mtime = std::fs::metadata(&self.dir).and_then(|m| m.modified()).ok();
        if mtime.is_some() && mtime == self.scanned_mtime {
            return Ok(());
        }
        let scan_start = SystemTime::now();
        let mut complete = true;
        for path in super::files::writer_files(&self.dir)? {
            if path == self.own || self.others.contains_key(&path) {
                continue;
            }
            match schema::open_reader(&path, self.busy)? {
                Some(c) => {
                    self.others.insert(path, c);
                }
                None => complete = false,
            }
        }
        self.scanned_mtime = mtime.filter(|m| complete && mtime_trusted(*m, scan_start));
        Ok(())
    }

    /// The month of `key` if another writer file has already counted it.
    pub(crate) fn seen_elsewhere(&self, key: &str) -> Result<Option<String>, StoreError> {
        for (path, c) in &self.others {
            let hit = c
                .prepare_cached("SELECT month FROM keys WHERE key = ?1")
                .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
                .map_err(|e| map_err(&path.display().to_string(), e))?;
            if hit.is_some() {
                return Ok(hit);
            }
        }
        Ok(None)
    }

    /// Count a batch in one transaction: all or nothing.
    ///
    /// A batch with idempotency keys checks the other writer files and
    /// commits under the store's key lock (see [`KeyLock`]), so no other
    /// process can commit one of its keys between the check and the commit.
    pub(crate) fn run_batch(&mut self, items: &[Insertion]) -> Result<Vec<Counted>, StoreError> {
        let keyed = items.iter().any(|i| i.idempotency_key.is_some());
        let out = if keyed {
            // A handle of our own, so the guard does not borrow `self`.
            let lock = Arc::clone(&self.key_lock);
            let _guard = lock.acquire()?;
            self.keyed_batch(items)?
        } else {
            self.commit_batch(items, &HashMap::new())?
        };
        if let Some(mark) = &mut self.mark {
            // Each new count adds to `counted`, and to `reprints` too when
            // it is a reprint; an uncounted reprint adds to `reprints`.
            let added: u64 = items
                .iter()
                .zip(&out)
                .map(|(i, c)| match c {
                    Counted::New => 1 + u64::from(i.reprint),
                    Counted::Reprint => 1,
                    Counted::Duplicate => 0,
                })
                .sum();
            mark.add_counts(added);
        }
        Ok(out)
    }

    /// The part of a keyed batch that runs under the key lock.
    fn keyed_batch(&mut self, items: &[Insertion]) -> Result<Vec<Counted>, StoreError> {
        self.refresh_others()?;
        let mut elsewhere = HashMap::new();
        if !self.others.is_empty() {
            for k in items.iter().filter_map(|i| i.idempotency_key.as_deref()) {
                if let Some(month) = self.seen_elsewhere(k)? {
                    elsewhere.insert(k, month);
                }
            }
        }
        self.commit_batch(items, &elsewhere)
    }

    /// Commit a batch to our own file; keys in `elsewhere` (with the month
    /// of the key there) are duplicates.
    fn commit_batch(
        &self,
        items: &[Insertion],
        elsewhere: &HashMap<&str, String>,
    ) -> Result<Vec<Counted>, StoreError> {
        let count_reprints = self.count_reprints;
        let journal = self.journal;
        let err = |e| map_err(&self.label, e);
        // BEGIN and COMMIT as cached statements: rusqlite's `Transaction`
        // parses them again for every batch.
        let conn = &self.conn;
        run_cached(conn, "BEGIN IMMEDIATE").map_err(err)?;
        let res = write_batch(conn, items, elsewhere, count_reprints, journal)
            .and_then(|out| run_cached(conn, "COMMIT").map(|()| out));
        if res.is_err() && !conn.is_autocommit() {
            // All or nothing: also after a failed COMMIT (e.g. disk full).
            let _ = conn.execute_batch("ROLLBACK");
        }
        res.map_err(err)
    }
}

/// Run a statement without parameters through the statement cache.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// The body of a batch's transaction: keys, then one upsert per counter row.
///
/// An insertion refused as a duplicate is stored in `refused`, in the same
/// transaction as its answer, so that it can be handed the key and the count
/// should the attempt holding the key be withdrawn (see `refused`). Only a
/// duplicate pays for that write.
fn write_batch(
    conn: &Connection,
    items: &[Insertion],
    elsewhere: &HashMap<&str, String>,
    count_reprints: bool,
    journal: bool,
) -> rusqlite::Result<Vec<Counted>> {
    let now = now_nanos();
    let mut out = Vec::with_capacity(items.len());
    // Counter rows touched by this batch -> (counted, reprints) increments.
    let mut groups: HashMap<GroupKey<'_>, (i64, i64)> = HashMap::new();
    // The month text of the previous item (batches rarely span months).
    let mut month: Option<(YearMonth, String)> = None;
    let mut add_key = conn.prepare_cached(
        "INSERT INTO keys (key, month, counted_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?;
    // A key expires by the later of its insertion's month and this one (see
    // `StoreOptions::key_retention_months`): an insertion dated long ago (a
    // till's wrong clock, a late upload) keeps its key as long as one
    // counted today, so a retry a moment later is still a duplicate.
    let this_month = crate::bangkok::YearMonth::of(crate::bangkok::now());
    let this_month_text = this_month.to_string();
    for ins in items {
        let ym = ins.month();
        let m = match &month {
            Some((prev, text)) if *prev == ym => text.clone(),
            _ => {
                let text = ym.to_string();
                month = Some((ym, text.clone()));
                text
            }
        };
        let key_month = if ym >= this_month {
            &m
        } else {
            &this_month_text
        };
        let counted = !ins.reprint || count_reprints;
        if let Some(k) = ins.idempotency_key.as_deref() {
            let holder = match elsewhere.get(k) {
                Some(month) => Some(month.clone()),
                None if add_key.execute(params![k, key_month, now])? == 0 => Some(
                    conn.prepare_cached("SELECT month FROM keys WHERE key = ?1")?
                        .query_row([k], |r| r.get(0))?,
                ),
                None => None,
            };
            if let Some(holder_month) = holder {
                record_refused(conn, ins, k, &holder_month, &m, counted, now)?;
                out.push(Counted::Duplicate);
                continue;
            }
        }
        let key = (
            m,
            ins.agency.as_str(),
            ins.message_id.as_str(),
            ins.surface.as_str(),
            ins.kind.as_str(),
            i64::try_from(ins.catalog_version).unwrap_or(i64::MAX),
        );
        if journal {
            journal_row(conn, ins, &key.0, counted, now)?;
        }
        let g = groups.entry(key).or_default();
        g.0 += i64::from(counted);
        g.1 += i64::from(ins.reprint);
        out.push(if counted {
            Counted::New
        } else {
            Counted::Reprint
        });
    }
    let mut upsert = conn.prepare_cached(
        "INSERT INTO counts (month, agency, message_id, surface, kind, \
         catalog_version, counted, reprints) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT DO UPDATE SET counted = counted + excluded.counted, \
         reprints = reprints + excluded.reprints",
    )?;
    for ((m, a, id, s, k, v), (c, r)) in &groups {
        upsert.execute(params![m, a, id, s, k, v, c, r])?;
    }
    Ok(out)
}

/// Store an insertion refused as a duplicate of `key` (whose month, where
/// it is held, is `key_month`): `counts` says whether it counts once handed
/// the key (a reprint counts only when reprints are counted).
fn record_refused(
    conn: &Connection,
    ins: &Insertion,
    key: &str,
    key_month: &str,
    month: &str,
    counts: bool,
    now: i64,
) -> rusqlite::Result<()> {
    let at = i64::try_from(ins.at.unix_timestamp_nanos()).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO refused (key, key_month, refused_at, at, month, agency, message_id, \
         surface, kind, catalog_version, reprint, counts) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        key,
        key_month,
        now,
        at,
        month,
        ins.agency,
        ins.message_id,
        ins.surface.as_str(),
        ins.kind,
        i64::try_from(ins.catalog_version).unwrap_or(i64::MAX),
        ins.reprint,
        counts
    ])
    .map(|_| ())
}

/// Append one stored insertion to the journal, in the batch's transaction.
pub(crate) fn journal_row(
    conn: &Connection,
    ins: &Insertion,
    month: &str,
    counted: bool,
    now: i64,
) -> rusqlite::Result<()> {
    let at = i64::try_from(ins.at.unix_timestamp_nanos()).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO journal (at, month, agency, message_id, surface, kind, \
         catalog_version, key, reprint, counted, acked_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        at,
        month,
        ins.agency,
        ins.message_id,
        ins.surface.as_str(),
        ins.kind,
        i64::try_from(ins.catalog_version).unwrap_or(i64::MAX),
        ins.idempotency_key,
        ins.reprint,
        counted,
        now
    ])
    .map(|_| ())
}

/// Nanoseconds since the Unix epoch (0 if the clock is before 1970).
pub(crate) fn now_nanos() -> i64 {
    let n = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(n).unwrap_or(0)
}

/// A caller's place in the group commit: where the leader leaves its result.
#[derive(Debug)]
struct Slot {
    /// [`PENDING`], [`DONE`] or [`LEAD`].
    status: AtomicU8,
    result: Mutex<Option<Result<Counted, StoreError>>>,
    /// The waiting caller, woken by [`Slot::finish`] or [`Slot::lead`].
    thread: Thread,
}

/// How many times a waiting caller yields before it parks (see [`Slot::wait`]).
const WAIT_YIELDS: u32 = 1024;

/// The caller is waiting.
const PENDING: u8 = 0;
/// The caller's result is in its slot.
const DONE: u8 = 1;
/// The caller is the next leader.
const LEAD: u8 = 2;

impl Slot {
    fn new() -> Self {
        Self {
            status: AtomicU8::new(PENDING),
            result: Mutex::new(None),
            thread: std::thread::current(),
        }
    }

    /// Hand the caller its result and wake it (only it).
    fn finish(&self, r: Result<Counted, StoreError>) {
        *self.result.lock().unwrap_or_else(PoisonError::into_inner) = Some(r);
        self.status.store(DONE, Ordering::Release);
        self.thread.unpark();
    }

    /// Make the caller the next leader and wake it.
    fn lead(&self) {
        self.status.store(LEAD, Ordering::Release);
        self.thread.unpark();
    }

    /// Park until finished or made leader; returns the status seen.
    ///
    /// A commit takes about ten microseconds, less than waking a parked
    /// thread on a virtual machine whose other CPU has gone idle (an
    /// inter-processor interrupt and a VM exit), so the caller first yields
    /// its CPU a few times — to the leader, if they share one — and parks
    /// only if the result is still not there.
    fn wait(&self) -> u8 {
        for _ in 0..WAIT_YIELDS {
            let s = self.status.load(Ordering::Acquire);
            if s != PENDING {
                return s;
            }
            std::thread::yield_now();
        }
        loop {
            let s = self.status.load(Ordering::Acquire);
            if s != PENDING {
                return s;
            }
            // Spurious wake-ups (a stale unpark token) just loop.
            std::thread::park();
        }
    }
}

/// Callers waiting for the next batch, and whether a leader is active.
///
/// Both only change by a push, a drain or a flag flip under the mutex, so
/// the state is consistent even if a thread panicked while holding it.
#[derive(Debug, Default)]
struct State {
    queue: Vec<(Arc<Slot>, Insertion)>,
    leader: bool,
}

/// Group commit: a writer plus the leader/follower queue in front of it.
///
/// A caller queues its insertion and, if no leader is active, becomes the
/// leader; otherwise it parks on its own [`Slot`]. The leader takes the whole
/// queue (at most [`MAX_BATCH`]), commits it, hands leadership to the first
/// caller that queued meanwhile (so the next commit starts while this batch's
/// callers are still being woken), and then wakes exactly this batch's
/// callers. Callers arriving during a commit simply wait for the next batch:
/// no caller is woken more than once per call, and none is woken to find
/// nothing to do (the earlier design woke every waiter with one `Condvar`
/// on each commit, which on 2 cores cost more than the commits).
///
/// Before taking the queue, a leader yields its CPU a few times while callers
/// of the previous batch are still on their way out: with more threads than
/// cores they usually count again at once, and committing them in this batch
/// beats a batch of one followed by another commit.
#[derive(Debug)]
pub(crate) struct Group {
    state: Mutex<State>,
    /// Shared with the background checkpointer, which holds it for the last
    /// step of a checkpoint that lets the WAL restart.
    writer: Arc<Mutex<Writer>>,
    /// Callers given their result that have not yet returned from
    /// [`Group::count`] (woken, but maybe still waiting for a CPU).
    leaving: AtomicUsize,
}

/// Finishes a leader's batch if the leader unwinds, so no caller hangs.
struct BatchGuard<'a> {
    group: &'a Group,
    slots: Vec<Arc<Slot>>,
}

impl Drop for BatchGuard<'_> {
    fn drop(&mut self) {
        if self.slots.is_empty() {
            return;
        }
        self.group.pass_on();
        let path = self.group.label();
        self.group
            .leaving
            .fetch_add(self.slots.len(), Ordering::Relaxed);
        for s in self.slots.drain(..) {
            s.finish(Err(StoreError::Poisoned { path: path.clone() }));
        }
    }
}

impl Group {
    pub(crate) fn new(writer: Writer) -> Self {
        Self {
            state: Mutex::new(State::default()),
            writer: Arc::new(Mutex::new(writer)),
            leaving: AtomicUsize::new(0),
        }
    }

    /// The writer, for the background checkpointer (which must not keep it
    /// open after the store is dropped).
    pub(crate) fn shared_writer(&self) -> Weak<Mutex<Writer>> {
        Arc::downgrade(&self.writer)
    }

    /// The writer's label, for errors.
    fn label(&self) -> String {
        self.writer().map(|w| w.label.clone()).unwrap_or_default()
    }

    /// The queue state; never fails (see [`State`]).
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Exclusive access to the writer (for batches, manual entries, reads of
    /// an in-memory store).
    ///
    /// A panic while the lock was held (a bug; none is known) must not stop
    /// this process from counting until it restarts: the lock is recovered,
    /// and a transaction the panic left open is rolled back, so nothing of
    /// the failed batch is half-committed (its callers got an error).
    pub(crate) fn writer(&self) -> Result<MutexGuard<'_, Writer>, StoreError> {
        Ok(self.writer.lock().unwrap_or_else(|poisoned| {
            let w = poisoned.into_inner();
            if !w.conn.is_autocommit() {
                // Errors ignored: a failed rollback leaves the transaction
                // open, and the next BEGIN then fails with a clear error.
                let _ = w.conn.execute_batch("ROLLBACK");
            }
            self.writer.clear_poison();
            w
        }))
    }

    /// Count one insertion, sharing the commit with concurrent callers.
    pub(crate) fn count(&self, ins: &Insertion) -> Result<Counted, StoreError> {
        let slot = Arc::new(Slot::new());
        let mut lead = {
            let mut st = self.state();
            st.queue.push((Arc::clone(&slot), ins.clone()));
            !std::mem::replace(&mut st.leader, true)
        };
        loop {
            if lead {
                self.lead();
            }
            match slot.wait() {
                LEAD => {
                    slot.status.store(PENDING, Ordering::Relaxed);
                    lead = true;
                }
                _ => {
                    self.leaving.fetch_sub(1, Ordering::Relaxed);
                    let r = slot
                        .result
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .take();
                    return r.unwrap_or_else(|| Err(StoreError::Poisoned { path: self.label() }));
                }
            }
        }
    }

    /// As leader: commit one batch from the queue, pass leadership on, and
    /// hand every caller in the batch its result.
    fn lead(&self) {
        // Callers of the previous batch that are still on their way out
        // usually count again at once (a busy till, a worker pool): with
        // more threads than cores they are waiting for a CPU, so yield it
        // to them for a moment and commit them in this batch, rather than
        // committing a batch of one and leaving them for the next.
        let mut spins = 0;
        while spins < MAX_SPINS && self.leaving.load(Ordering::Relaxed) > 0 {
            std::thread::yield_now();
            spins += 1;
        }
        let batch = {
            let mut st = self.state();
            let n = st.queue.len().min(MAX_BATCH);
            st.queue.drain(..n).collect::<Vec<_>>()
        };
        let (slots, items): (Vec<Arc<Slot>>, Vec<Insertion>) = batch.into_iter().unzip();
        let mut guard = BatchGuard { group: self, slots };
        let res = self.writer().and_then(|mut w| w.run_batch(&items));
        let slots = std::mem::take(&mut guard.slots);
        self.leaving.fetch_add(slots.len(), Ordering::Relaxed);
        self.pass_on();
        match res {
            Ok(counted) => {
                for (s, c) in slots.iter().zip(counted) {
                    s.finish(Ok(c));
                }
            }
            Err(e) => {
                for s in &slots {
                    s.finish(Err(e.replicate()));
                }
            }
        }
    }

    /// Make the first queued caller the next leader, or clear the leader flag.
    fn pass_on(&self) {
        let mut st = self.state();
        match st.queue.first() {
            Some((s, _)) => s.lead(),
            None => st.leader = false,
        }
    }
}
