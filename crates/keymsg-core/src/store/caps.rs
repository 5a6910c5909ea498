//! Pop-up caps that hold across processes and hosts: per subject, at most
//! k pop-ups per Bangkok day / week and a minimum gap (see
//! [`Caps`](crate::select::Caps)), checked and noted in one transaction of
//! a ledger every process shares.
//!
//! [`CapLedger`] is the interface a store backend implements;
//! [`SqliteCapLedger`] keeps the ledger in `<store dir>/caps.sqlite`, one
//! file for all processes on the host (unlike counts, a cap is a decision
//! that needs everyone's impressions, so it cannot be merged on read), and
//! [`MemoryCapLedger`] is the in-process one, and [`PgCapLedger`] keeps it
//! in a PostgreSQL fleet store for replicas on several hosts.
//! [`open_cap_ledger`] picks the ledger a store location names. A claim is one
//! `BEGIN IMMEDIATE … COMMIT`: two processes claiming for the same subject
//! are serialised by SQLite's write lock, so together they never grant more
//! than the caps allow.
//!
//! A claim is made when a pop-up is *selected* to be shown, not when the app
//! later confirms the impression: only then can two replicas never show one
//! subject more than the cap. A selected pop-up that the app then does not
//! show still uses up its place (the caps err on the side of fewer pop-ups).
//!
//! Subjects are kept under their canonical key (as selection uses it), and
//! only as long as a cap can look back: impressions older than eight days
//! (or the minimum gap, when longer) are deleted as new ones are noted.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration as StdDuration;

use rusqlite::{Connection, TransactionBehavior, params};
use time::{Duration, OffsetDateTime};

use super::StoreError;
use super::schema::map_err;
use crate::select::{CapReason, Caps, ImpressionLog, MemoryLog};

pub use super::postgres::PgCapLedger;

/// The ledger of the store at `location`: a PostgreSQL fleet store's
/// ([`PgCapLedger`]) for a `postgres://` or `postgresql://` URL, else the
/// store directory's ([`SqliteCapLedger`]; the store must exist).
///
/// # Errors
/// A bad URL, a directory that is not a store, or the ledger file cannot
/// be opened. PostgreSQL is contacted at the first claim, not here.
pub fn open_cap_ledger(
    location: &Path,
    busy_timeout: StdDuration,
) -> Result<Box<dyn CapLedger>, StoreError> {
    match location.to_str().filter(|s| super::is_fleet_url(s)) {
        Some(url) => Ok(Box::new(PgCapLedger::open(url)?)),
        None => Ok(Box::new(SqliteCapLedger::open(location, busy_timeout)?)),
    }
}

/// The ledger file's name in the store directory.
pub const CAPS_FILE: &str = "caps.sqlite";

/// What a [`CapLedger::claim`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CapClaim {
    /// The subject may see a pop-up now; the impression has been noted
    /// (durably, for a store's ledger) before this was returned.
    Granted,
    /// A cap holds the subject back: show nothing. Nothing was noted.
    Held {
        /// The cap that applied (the one lasting longest).
        reason: CapReason,
        /// The earliest instant the subject may see a pop-up again.
        retry_at: OffsetDateTime,
    },
}

/// A shared record of pop-up impressions per subject that checks the caps
/// and notes an impression atomically. A PostgreSQL store implements it
/// with one transaction (`SELECT … FOR UPDATE` on the subject) likewise.
pub trait CapLedger: Send + Sync + std::fmt::Debug {
    /// If `caps` let `subject` see a pop-up at `at`, note the impression
    /// and return [`CapClaim::Granted`]; else [`CapClaim::Held`]. Check and
    /// note are one transaction: concurrent claims (any thread, process or
    /// host sharing the ledger) never together exceed the caps.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] (`subject`) for an empty subject key or
    /// (`at`) an instant outside the years keymsg reckons with; a storage
    /// error otherwise (nothing noted).
    fn claim(&self, subject: &str, at: OffsetDateTime, caps: &Caps)
    -> Result<CapClaim, StoreError>;
}

/// The canonical subject key, refused when empty.
pub(super) fn subject_key(subject: &str) -> Result<String, StoreError> {
    let key = crate::select::hash::canonical_key(subject);
    if key.is_empty() {
        return Err(StoreError::Invalid {
            field: "subject",
            detail: "a subject key is needed for pop-up caps".into(),
        });
    }
    Ok(key)
}

pub(super) fn check_at(at: OffsetDateTime) -> Result<OffsetDateTime, StoreError> {
    crate::bangkok::check(at).map_err(|detail| StoreError::Invalid {
        field: "at",
        detail,
    })
}

/// How far back a claim needs to see: a week (eight days covers any Bangkok
/// week start) or the minimum gap, when longer.
pub(super) fn lookback(caps: &Caps) -> Duration {
    let week = Duration::days(8);
    caps.min_gap.map_or(week, |g| g.max(week))
}

/// The decision for `subject` given its impressions in the lookback window.
pub(super) fn decide(
    caps: &Caps,
    subject: &str,
    at: OffsetDateTime,
    seen: &[OffsetDateTime],
) -> Result<CapClaim, StoreError> {
    let log = MemoryLog::new();
    for &t in seen {
        // MemoryLog cannot fail.
        let _ = log.note(subject, t);
    }
    match caps.check(&log, subject, at) {
        Ok(None) => Ok(CapClaim::Granted),
        Ok(Some((reason, retry_at))) => Ok(CapClaim::Held { reason, retry_at }),
        Err(e) => Err(StoreError::Invalid {
            field: "caps",
            detail: e.to_string(),
        }),
    }
}

/// Microseconds since the Unix epoch (fits i64 for every instant keymsg accepts).
pub(super) fn micros(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1000).unwrap_or(i64::MIN)
}

pub(super) fn from_micros(us: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000).ok()
}

/// The in-process ledger: the same rules, nothing shared or persisted.
#[derive(Debug, Default)]
pub struct MemoryCapLedger {
    log: Mutex<Vec<(String, OffsetDateTime)>>,
}

impl MemoryCapLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }
}

impl CapLedger for MemoryCapLedger {
    fn claim(
        &self,
        subject: &str,
        at: OffsetDateTime,
        caps: &Caps,
    ) -> Result<CapClaim, StoreError> {
        let key = subject_key(subject)?;
        let at = check_at(at)?;
        let mut log = self
            .log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let from = at - lookback(caps);
        log.retain(|(_, t)| *t >= from || *t > at);
        let seen: Vec<OffsetDateTime> = log
            .iter()
            .filter(|(s, _)| *s == key)
            .map(|(_, t)| *t)
            .collect();
        let decision = decide(caps, &key, at, &seen)?;
        if decision == CapClaim::Granted {
            log.push((key, at));
        }
        Ok(decision)
    }
}

/// The ledger of a SQLite store directory (`<dir>/caps.sqlite`), shared by
/// every process that opens it. `Send + Sync`; one per process is enough.
#[derive(Debug)]
pub struct SqliteCapLedger {
    path: PathBuf,
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS impressions (
        subject TEXT NOT NULL,
        at_us INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS impressions_subject_at ON impressions (subject, at_us);
";

impl SqliteCapLedger {
    /// Open (or create) the ledger of the store directory `dir`, which must
    /// already be a keymsg store (open it with [`Store::open`](super::Store::open) first).
    pub fn open(dir: impl AsRef<Path>, busy_timeout: StdDuration) -> Result<Self, StoreError> {
        let dir = dir.as_ref();
        if !dir.join(super::sqlite::MARKER).is_file() {
            return Err(StoreError::NotAStore {
                path: dir.display().to_string(),
                detail: "not a keymsg store directory (open it as a store first)".into(),
            });
        }
        let path = dir.join(CAPS_FILE);
        let label = path.display().to_string();
        // WAL: readers never block the writer; NORMAL: a granted claim
        // survives the process being killed (as counts do by default).
        let conn = super::schema::open_shared_wal(&path, busy_timeout)?;
        conn.execute_batch(SCHEMA).map_err(|e| map_err(&label, e))?;
        Ok(SqliteCapLedger {
            path,
            conn: Mutex::new(conn),
        })
    }

    /// The ledger file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl CapLedger for SqliteCapLedger {
    fn claim(
        &self,
        subject: &str,
        at: OffsetDateTime,
        caps: &Caps,
    ) -> Result<CapClaim, StoreError> {
        let key = subject_key(subject)?;
        let at = check_at(at)?;
        let label = self.path.display().to_string();
        let err = |e| map_err(&label, e);
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let from = micros(at - lookback(caps));
        let seen: Vec<OffsetDateTime> = {
            let mut stmt = tx
                .prepare_cached("SELECT at_us FROM impressions WHERE subject = ?1 AND at_us >= ?2")
                .map_err(err)?;
            let rows = stmt
                .query_map(params![key, from], |r| r.get::<_, i64>(0))
                .map_err(err)?;
            let mut v = Vec::new();
            for r in rows {
                if let Some(t) = from_micros(r.map_err(err)?) {
                    v.push(t);
                }
            }
            v
        };
        let decision = decide(caps, &key, at, &seen)?;
        if decision == CapClaim::Granted {
            tx.prepare_cached("INSERT INTO impressions (subject, at_us) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute(params![key, micros(at)]))
                .map_err(err)?;
            // Forget what no cap can look back to any more (by the clock,
            // so a claim for a far-off instant cannot erase the present).
            let horizon = at.min(crate::bangkok::now()) - lookback(caps);
            tx.prepare_cached("DELETE FROM impressions WHERE subject = ?1 AND at_us < ?2")
                .and_then(|mut s| s.execute(params![key, micros(horizon)]))
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn caps(day: u32) -> Caps {
        Caps {
            per_day: Some(day),
            per_week: None,
            min_gap: None,
        }
    }

    #[test]
    fn memory_ledger_holds_after_k_per_day_and_resets_next_day() {
        let l = MemoryCapLedger::new();
        let t = datetime!(2026-03-02 03:00 UTC);
        assert_eq!(l.claim("u1", t, &caps(2)).unwrap(), CapClaim::Granted);
        assert_eq!(l.claim(" U1 ", t, &caps(2)).unwrap(), CapClaim::Granted);
        match l.claim("u1", t, &caps(2)).unwrap() {
            CapClaim::Held { retry_at, .. } => {
                // Next Bangkok midnight.
                assert_eq!(retry_at, datetime!(2026-03-02 17:00 UTC));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(l.claim("u2", t, &caps(2)).unwrap(), CapClaim::Granted);
        let next = datetime!(2026-03-02 17:00 UTC);
        assert_eq!(l.claim("u1", next, &caps(2)).unwrap(), CapClaim::Granted);
        assert!(l.claim("", t, &caps(2)).is_err());
    }

    #[test]
    fn sqlite_ledger_is_shared_between_handles() {
        let dir = tempfile::tempdir().unwrap();
        let _store = super::super::Store::open(dir.path(), Default::default()).unwrap();
        let a = SqliteCapLedger::open(dir.path(), StdDuration::from_secs(5)).unwrap();
        let b = SqliteCapLedger::open(dir.path(), StdDuration::from_secs(5)).unwrap();
        let c = Caps {
            per_day: None,
            per_week: Some(3),
            min_gap: Some(Duration::minutes(10)),
        };
        let t = datetime!(2026-03-04 03:00 UTC);
        assert_eq!(a.claim("u", t, &c).unwrap(), CapClaim::Granted);
        assert!(matches!(
            b.claim("u", t + Duration::minutes(5), &c).unwrap(),
            CapClaim::Held {
                reason: CapReason::MinGap { .. },
                ..
            }
        ));
        assert_eq!(
            b.claim("u", t + Duration::minutes(10), &c).unwrap(),
            CapClaim::Granted
        );
        assert_eq!(
            a.claim("u", t + Duration::minutes(20), &c).unwrap(),
            CapClaim::Granted
        );
        assert!(matches!(
            a.claim("u", t + Duration::hours(5), &c).unwrap(),
            CapClaim::Held {
                reason: CapReason::PerWeek { limit: 3, seen: 3 },
                ..
            }
        ));
        let not_store = tempfile::tempdir().unwrap();
        assert!(SqliteCapLedger::open(not_store.path(), StdDuration::from_secs(1)).is_err());
    }
}
