//! File format: identification (`application_id`), schema versions and
//! migrations, and mapping SQLite failures to precise [`StoreError`]s.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::{Durability, SqliteError, StoreError};

/// `PRAGMA application_id` of every keymsg store file ("KMSG").
pub(crate) const APPLICATION_ID: i32 = 0x4B4D_5347;

/// WAL frames (pages written) after which a checkpoint is completed under
/// the writer lock so that the WAL restarts (about 64 MiB with 1 KiB pages).
/// Completing costs two disk syncs while commits wait (a few ms on a slow
/// virtual disk), so it should be rare; the WAL's size on disk is the price.
pub(crate) const RESTART_FRAMES: i64 = 64 * 1024;

/// WAL size (pages) at which the writer checkpoints itself, in its commit
/// path. Only a backstop: the background checkpointer restarts the WAL long
/// before (see `checkpoint`).
const WAL_AUTOCHECKPOINT_PAGES: i64 = 4 * RESTART_FRAMES;

/// Size the WAL file is truncated to when it restarts after growing larger
/// (bytes): above the size it normally reaches, so it is not shrunk and
/// regrown on every restart.
const JOURNAL_SIZE_LIMIT: i64 = 128 * 1024 * 1024;

/// Page size of new files (bytes).
const PAGE_SIZE: i64 = 1024;

/// The newest schema this build reads and writes.
pub(crate) const SCHEMA_VERSION: i64 = 3;

/// Migrations, indexed by the version they produce (index 0 → version 1).
/// Each runs in the same transaction as the version bump.
const MIGRATIONS: &[&str] = &[
    // Version 1.
    "CREATE TABLE schema_version (version INTEGER NOT NULL);
     INSERT INTO schema_version (version) VALUES (0);
     -- Counters maintained at write time, one row per group.
     CREATE TABLE counts (
         month TEXT NOT NULL,
         agency TEXT NOT NULL,
         message_id TEXT NOT NULL,
         surface TEXT NOT NULL,
         kind TEXT NOT NULL,
         catalog_version INTEGER NOT NULL,
         counted INTEGER NOT NULL DEFAULT 0,
         reprints INTEGER NOT NULL DEFAULT 0,
         PRIMARY KEY (month, agency, message_id, surface, kind, catalog_version)
     ) WITHOUT ROWID;
     -- Idempotency keys ever counted (or stored as a reprint) by this writer.
     CREATE TABLE keys (
         key TEXT PRIMARY KEY,
         month TEXT NOT NULL,
         counted_at INTEGER NOT NULL
     ) WITHOUT ROWID;
     -- Manual counts for the form's other channels; the newest recording wins.
     CREATE TABLE manual (
         agency TEXT NOT NULL,
         month TEXT NOT NULL,
         channel TEXT NOT NULL,
         message_id TEXT NOT NULL,
         count INTEGER NOT NULL,
         recorded_at INTEGER NOT NULL,
         PRIMARY KEY (agency, month, channel, message_id)
     ) WITHOUT ROWID;
     -- A report was made: when, for which month and agency (NULL = all).
     CREATE TABLE report_marks (
         id INTEGER PRIMARY KEY,
         month TEXT NOT NULL,
         agency TEXT,
         reported_at INTEGER NOT NULL
     );
     -- The counts the report showed (merged over all writer files).
     CREATE TABLE report_snapshot (
         mark INTEGER NOT NULL REFERENCES report_marks(id),
         agency TEXT NOT NULL,
         message_id TEXT NOT NULL,
         surface TEXT NOT NULL,
         kind TEXT NOT NULL,
         count INTEGER NOT NULL,
         PRIMARY KEY (mark, agency, message_id, surface, kind)
     ) WITHOUT ROWID;",
    // Version 2: fleet counting.
    "-- Who this file's counts belong to: a random id made with the file, so a
     -- copy sent twice is recognised by content, never by a name or a date.
     -- `host` is the store directory's id (filled in at open); `epoch` grows
     -- when a count is withdrawn, so a later export of this writer supersedes
     -- an earlier one even where a counter went down.
     CREATE TABLE writer (
         host TEXT NOT NULL DEFAULT '',
         id TEXT NOT NULL,
         epoch INTEGER NOT NULL DEFAULT 0
     );
     INSERT INTO writer (id) VALUES (lower(hex(randomblob(16))));
     -- Stored insertions in commit order, for shipping to a fleet store (only
     -- written when the store is a host's journal). AUTOINCREMENT: a sequence
     -- number is never reused, also after shipped rows are pruned.
     CREATE TABLE journal (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         op INTEGER NOT NULL DEFAULT 0,
         ref_seq INTEGER,
         at INTEGER NOT NULL,
         acked_at INTEGER NOT NULL,
         month TEXT NOT NULL,
         agency TEXT NOT NULL,
         message_id TEXT NOT NULL,
         surface TEXT NOT NULL,
         kind TEXT NOT NULL,
         catalog_version INTEGER NOT NULL,
         key TEXT,
         reprint INTEGER NOT NULL,
         counted INTEGER NOT NULL
     );",
    // Version 3: attempts refused as duplicates, handed the key when the
    // attempt holding it is withdrawn (see `refused`).
    "-- One row per keyed insertion answered \"duplicate\" by this writer:
     -- the whole insertion, so that it can be counted should the attempt
     -- holding its key be withdrawn. `key_month` is the month of that key
     -- (the row expires with it); `handed` is 1 once the row was given the
     -- key and its count (its own withdrawal then takes them back).
     CREATE TABLE refused (
         id INTEGER PRIMARY KEY,
         key TEXT NOT NULL,
         key_month TEXT NOT NULL,
         refused_at INTEGER NOT NULL,
         at INTEGER NOT NULL,
         month TEXT NOT NULL,
         agency TEXT NOT NULL,
         message_id TEXT NOT NULL,
         surface TEXT NOT NULL,
         kind TEXT NOT NULL,
         catalog_version INTEGER NOT NULL,
         reprint INTEGER NOT NULL,
         counts INTEGER NOT NULL,
         handed INTEGER NOT NULL DEFAULT 0
     );
     CREATE INDEX refused_key ON refused (key, handed);
     -- Keys this writer withdrew whose hand-over is not done yet: written
     -- with the withdrawal, deleted once the hand-over ran. What a crash
     -- between the two leaves here is handed over when a store is next
     -- opened (without this, an open would have to check every refused row).
     CREATE TABLE handover (key TEXT PRIMARY KEY);",
];

/// Open (or create) a small file that several connections share (the cap
/// ledger, the journal's shipped marks), in WAL mode with `synchronous`
/// NORMAL, waiting up to `busy` for the others.
///
/// Switching a new file to WAL takes an exclusive lock, and SQLite answers
/// SQLITE_BUSY at once instead of calling the busy handler when another
/// connection holds any lock on it (two processes, or a store's background
/// shipper and an explicit ship, creating the file at the same moment). So
/// the switch is retried here until `busy` has passed.
pub(crate) fn open_shared_wal(path: &Path, busy: Duration) -> Result<Connection, StoreError> {
    let label = path.display().to_string();
    let err = |e| map_err(&label, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    conn.busy_timeout(busy).map_err(err)?;
    let deadline = std::time::Instant::now() + busy;
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;") {
            Ok(()) => return Ok(conn),
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(err(e)),
        }
    }
}

/// Map an SQLite error on `path` to the most precise [`StoreError`].
pub(crate) fn map_err(path: &str, e: rusqlite::Error) -> StoreError {
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path,
            detail: e.to_string(),
        },
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly {
                path,
                detail: e.to_string(),
            }
        }
        _ => StoreError::Sqlite {
            path,
            source: SqliteError::new(&e),
        },
    }
}

/// How a file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// This process's own file: create if missing, set WAL and durability.
    Writer(Durability),
    /// Another writer's file (or ours, for reading): must exist already.
    Reader,
}

/// Open another writer's file for reading: `None` if it is still a brand-new
/// empty file (its writer is creating it right now; it holds no counts).
pub(crate) fn open_reader(path: &Path, busy: Duration) -> Result<Option<Connection>, StoreError> {
    match open_file(path, Mode::Reader, busy) {
        Ok(c) => Ok(Some(c)),
        Err(StoreError::Foreign { detail, .. }) if detail == EMPTY => Ok(None),
        Err(e) => Err(e),
    }
}

/// Detail of the error for an empty file opened as a reader.
const EMPTY: &str = "empty database";

/// Open `path`, check that it is a keymsg store (or initialise it if it is a
/// brand-new empty file opened as a writer) and bring its schema up to date.
///
/// A file that is not ours is never modified: identification is read before
/// anything is written.
pub(crate) fn open_file(path: &Path, mode: Mode, busy: Duration) -> Result<Connection, StoreError> {
    let label = path.display().to_string();
    let err = |e| map_err(&label, e);
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if matches!(mode, Mode::Writer(_)) {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let mut conn = match Connection::open_with_flags(path, flags) {
        // A reader of a store on read-only media (an auditor's copy).
        Err(e)
            if mode == Mode::Reader
                && matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied)
                ) =>
        {
            open_read_only(path).map_err(err)?
        }
        // SQLite opens a file it may not write read-only without an error,
        // and a WAL-mode file opened so fails its first read where no `-shm`
        // can be created: read such a file the read-only-media way.
        Ok(c) if mode == Mode::Reader && c.is_readonly(rusqlite::MAIN_DB).map_err(err)? => {
            drop(c);
            open_read_only(path).map_err(err)?
        }
        r => r.map_err(err)?,
    };
    if mode == Mode::Reader {
        // A reader never checkpoints: folding a WAL whose later frames were
        // dropped after damage into the database, and deleting it, would
        // destroy the evidence that acknowledged counts are missing.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .map_err(err)?;
    }
    conn.busy_timeout(busy).map_err(err)?;
    init(&mut conn, &label, matches!(mode, Mode::Writer(_)))?;
    match mode {
        Mode::Writer(d) => {
            // WAL: readers never block the writer; a commit is a write() to
            // the -wal file, which survives the process being killed.
            let jm = wal_mode(&conn, busy).map_err(err)?;
            if !jm.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Sqlite {
                    path: label,
                    source: SqliteError::message(format!(
                        "could not switch to WAL (journal_mode is {jm})"
                    )),
                });
            }
            let sync = match d {
                Durability::Process => "NORMAL",
                Durability::Power => "FULL",
            };
            conn.pragma_update(None, "synchronous", sync).map_err(err)?;
            // Checkpoints run on a background thread (see `checkpoint`); the
            // writer's own auto-checkpoint only bounds the WAL should that
            // thread fall behind.
            conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)
                .map_err(err)?;
            conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)
                .map_err(err)?;
        }
        Mode::Reader => {
            conn.pragma_update(None, "query_only", true).map_err(err)?;
        }
    }
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Open a file on read-only media. SQLite reads a WAL-mode file read-only
/// when its `-wal` and `-shm` files exist (or can be created); when neither
/// exists and none can be created, the file was closed cleanly and holds
/// everything, so it is opened as immutable (no locks, no `-shm`).
fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // Opening succeeds lazily: a first read shows whether the WAL index
    // (`-shm`) can be used.
    let first = Connection::open_with_flags(path, flags).and_then(|c| {
        c.query_row("PRAGMA schema_version", [], |_| Ok(()))
            .map(|()| c)
    });
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if first.is_ok() || Path::new(&wal).exists() {
        return first;
    }
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
}

/// Switch to WAL; returns the journal mode now in effect.
///
/// The switch writes the file header from inside a read transaction, and
/// SQLite fails such an upgrade at once (without waiting in the busy
/// handler, to avoid a deadlock) when another connection holds the write
/// lock — e.g. another process opening the same file. So a busy failure is
/// retried here until the busy timeout.
fn wal_mode(conn: &Connection, busy: Duration) -> rusqlite::Result<String> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && start.elapsed() < busy =>
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            r => return r,
        }
    }
}

/// Identify, initialise or migrate a connection's database.
pub(crate) fn init(conn: &mut Connection, label: &str, may_create: bool) -> Result<(), StoreError> {
    let err = |e| map_err(label, e);
    // Reading the header first: a text file fails here with "not a database".
    // Both reads in one read transaction: another process may be creating
    // this file right now, and two separate reads could see its id missing
    // but its tables present.
    let (app_id, tables) = {
        let tx = conn.transaction().map_err(err)?;
        let app_id: i32 = tx
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(err)?;
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(err)?;
        tx.commit().map_err(err)?;
        (app_id, tables)
    };
    if app_id == 0 && tables == 0 {
        if !may_create {
            return Err(StoreError::Foreign {
                path: label.to_owned(),
                detail: EMPTY.to_owned(),
            });
        }
        // A brand-new file. Small pages: every WAL commit writes each page it
        // touched in full, and a count touches ~3 pages, so 1 KiB pages cut
        // the bytes written per commit (and the write-back stalls) by 4.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(err)?;
        // Claim it and create the schema atomically.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let again: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(err)?;
        if again == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
    } else if app_id != APPLICATION_ID {
        return Err(StoreError::Foreign {
            path: label.to_owned(),
            detail: if app_id == 0 {
                format!("{tables} tables but no keymsg application_id")
            } else {
                format!("application_id is {app_id:#x}, not keymsg's {APPLICATION_ID:#x}")
            },
        });
    }
    // A file its writer has claimed but not yet given tables holds no
    // counts: a reader leaves it alone (migrating it from here would hold a
    // write lock on another process's file while that process sets it up).
    if !may_create && version(conn, label)? == 0 {
        return Err(StoreError::Foreign {
            path: label.to_owned(),
            detail: EMPTY.to_owned(),
        });
    }
    migrate(conn, label)
}

/// The file's schema version (0 for a claimed file without tables yet).
fn version(conn: &Connection, label: &str) -> Result<i64, StoreError> {
    let err = |e| map_err(label, e);
    let has: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .map_err(err)?;
    if has == 0 {
        return Ok(0);
    }
    conn.query_row("SELECT max(version) FROM schema_version", [], |r| {
        r.get::<_, Option<i64>>(0)
    })
    .map_err(err)
    .map(|v| v.unwrap_or(0))
}

/// Apply the migrations the file lacks, each in its own transaction;
/// refuse a newer schema.
fn migrate(conn: &mut Connection, label: &str) -> Result<(), StoreError> {
    let err = |e| map_err(label, e);
    loop {
        let v = version(conn, label)?;
        if v > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: label.to_owned(),
                found: v,
                supported: SCHEMA_VERSION,
            });
        }
        if v == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        // Re-read under the write lock: another process may have migrated.
        if version(&tx, label)? == v {
            let sql = usize::try_from(v)
                .ok()
                .and_then(|i| MIGRATIONS.get(i))
                .ok_or_else(|| StoreError::Foreign {
                    path: label.to_owned(),
                    detail: format!("unknown schema version {v}"),
                })?;
            tx.execute_batch(sql).map_err(err)?;
            tx.execute("UPDATE schema_version SET version = ?1", [v + 1])
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
    }
}
