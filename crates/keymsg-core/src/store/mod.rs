//! Durable, idempotent counting of insertions.
//!
//! The default store is embedded SQLite laid out as **one directory with one
//! file per writer process**, merged on read:
//!
//! ```text
//! <dir>/KEYMSG_STORE      marker: this directory belongs to a keymsg store
//! <dir>/keys.lock         lock taken by a process committing idempotency keys
//! <dir>/w-0.sqlite        writer slot 0 (WAL mode: plus -wal and -shm files)
//! <dir>/w-0.lock          advisory lock held by the process writing slot 0
//! <dir>/w-0.mark          what writer 0 acknowledged (32 bytes), to detect loss
//! <dir>/w-1.sqlite ...
//! <dir>/LOSSES.log        losses accepted with `Store::repair_accepting_loss`
//! <dir>/caps.sqlite       pop-up cap ledger shared by all processes (see [`CapLedger`])
//! ```
//!
//! - **No lock convoys**: a process claims a free slot by locking `w-<n>.lock`
//!   (the kernel frees the lock when the process dies, so a restarted worker
//!   reuses the slot and the number of files stays at the peak number of
//!   concurrent processes). A process writes another's file only to hand it
//!   a withdrawn key (below).
//! - **Group commit**: inside a process, concurrent [`Store::count`] calls are
//!   batched by a leader/follower protocol into one `BEGIN IMMEDIATE … COMMIT`,
//!   so many threads share each commit. A call returns only after its batch
//!   has committed (see [`Durability`]); each waiting caller is woken exactly
//!   once, when its own result is ready.
//! - **Aggregates at write time**: every file keeps per-(month, agency, message,
//!   surface, kind, catalog version) counters updated in the same transaction,
//!   so reading a month is a small `GROUP BY` per file, independent of the
//!   number of insertions.
//! - **Idempotency across processes**: keys live in a `keys` table of the
//!   writer file, committed in the same transaction as their count. Before
//!   counting a keyed insertion, the writer checks its own file and every
//!   other writer file in the directory (the directory is listed again
//!   whenever its modification time changed, i.e. a file was added). Keyed
//!   batches of all processes check and commit under one exclusive lock on
//!   `<dir>/keys.lock`, so two processes racing on the same key count it
//!   once: a retry counts once whichever process and file it lands in, even
//!   while the first attempt is still committing. There is no second write
//!   that a `kill -9` could separate from the count (the kernel releases the
//!   lock of a dead process). Batches without keys never take the lock.
//!   Keys expire after [`StoreOptions::key_retention_months`] (13 by default);
//!   counts never do.
//! - **Refused attempts are handed a withdrawn key**: a keyed insertion
//!   answered [`Counted::Duplicate`] is kept (table `refused`, same
//!   transaction as the answer). When the attempt holding the key withdraws
//!   ([`Store::withdraw`], its delivery failed), the key and the count go,
//!   under `keys.lock`, to the oldest refused attempt of that key still
//!   waiting in any writer file, so a retry that printed while the first
//!   attempt was failing counts once. Opening a store hands over what a
//!   crash between the two transactions left behind.
//! - **Checkpoints off the write path**: a background thread checkpoints the
//!   WAL; commits only pause while it completes a checkpoint so that the WAL
//!   can restart, about once per 64 MiB of WAL (a few ms).
//!
//! - **Proof of no loss**: each writer keeps a mark of the counts it has
//!   acknowledged beside its file. Opening a store compares every file with
//!   its mark before anything is written and refuses a file that holds less
//!   ([`StoreError::Lost`], naming the file and the counts missing);
//!   [`Store::verify`] reports, [`Store::repair_accepting_loss`] accepts a
//!   loss explicitly. Readers never checkpoint, so a damaged WAL is never
//!   folded away. [`Store::open_read_only`] reads without writing anything.
//!
//! [`Store::in_memory`] applies the same counting rules in plain maps (nothing
//! persisted), for tests, examples and benchmarks.
//!
//! ```
//! use keymsg_core::store::{Counted, Insertion, Store};
//! use keymsg_core::Surface;
//! use time::macros::datetime;
//!
//! let store = Store::in_memory();
//! // 00:30 on 1 March in Bangkok is still February in UTC: it counts in March.
//! let receipt = Insertion::new(datetime!(2026-02-28 17:30 UTC), "PEA", Surface::Receipt, "aoc-1441")
//!     .with_key("R-000123");
//! assert_eq!(store.count(&receipt)?, Counted::New);
//! assert_eq!(store.count(&receipt)?, Counted::Duplicate); // a retry
//! let rows = store.month_counts("2026-03".parse().unwrap(), None)?;
//! assert_eq!(rows[0].count, 1);
//! # Ok::<(), keymsg_core::store::StoreError>(())
//! ```

mod caps;
mod checkpoint;
mod files;
pub(crate) use files::valid_id;
mod gcounter;
mod handle;
mod handover;
mod insertion;
mod journal;
mod keylock;
mod limits;
mod memory;
mod postgres;
mod prometheus;
mod read;
mod schema;
mod sqlite;
mod verify;
mod writer;

use serde::{Deserialize, Serialize};

use crate::bangkok::YearMonth;
use crate::vocab::plural;
use crate::{Channel, Surface};

pub use caps::{
    CAPS_FILE, CapClaim, CapLedger, MemoryCapLedger, PgCapLedger, SqliteCapLedger, open_cap_ledger,
};
pub(crate) use gcounter::{form_inputs, merge_writers};

/// Whether a store location is a PostgreSQL fleet store URL
/// (`postgres://…` or `postgresql://…`) rather than a directory.
pub fn is_fleet_url(location: &str) -> bool {
    postgres::is_url(location)
}
/// `location` as it may be shown or logged: a PostgreSQL URL with its
/// password replaced by `***`; a directory unchanged.
pub fn shown_location(location: &str) -> String {
    if is_fleet_url(location) {
        postgres::redact(location)
    } else {
        location.to_owned()
    }
}

pub use gcounter::{ManualRecord, WriterCounts};

/// How a PostgreSQL fleet store and this host's shipper are doing
/// ([`Store::fleet_status`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FleetStatus {
    /// PostgreSQL answered just now.
    pub reachable: bool,
    /// Why it did not, when it did not.
    pub error: Option<String>,
    /// Journal rows acknowledged on this host and not yet shipped.
    pub pending_rows: u64,
    /// Age in seconds of the oldest of them (0 when nothing is pending).
    pub lag_seconds: f64,
    /// Why this process's last attempt to ship failed, if it did.
    pub ship_error: Option<String>,
    /// Rows this process has shipped.
    pub shipped_rows: u64,
}
pub use handle::Store;
pub use insertion::Insertion;
pub(crate) use limits::check_placement;
pub use limits::{MAX_COUNT, MAX_NAME_CHARS, check_insertion};
pub use prometheus::write_family as prometheus_family;
pub use verify::FileCheck;

/// Errors from the insertion store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An SQLite error not covered by a more specific variant.
    #[error("store `{path}`: {source}")]
    Sqlite {
        /// Store file.
        path: String,
        /// SQLite's message.
        source: SqliteError,
    },
    /// A file-system error (creating the directory, the marker or a lock file).
    #[error("store `{path}`: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The disk (or the configured size limit) is full. Nothing was counted by
    /// the failed call and nothing is corrupted; counting works again once
    /// space is available.
    #[error("store `{path}`: disk full (nothing was counted; free space and retry)")]
    DiskFull {
        /// Store file.
        path: String,
    },
    /// The file is not an SQLite database, or SQLite reports it damaged. keymsg
    /// never recreates or overwrites such a file: move it away or restore a backup.
    #[error("store `{path}` is corrupt or not a database: {detail} (the file was left untouched)")]
    Corrupt {
        /// The file.
        path: String,
        /// What SQLite said.
        detail: String,
    },
    /// The file is a valid SQLite database, but not a keymsg store.
    #[error(
        "`{path}` is an SQLite database but not a keymsg store: {detail} (the file was left untouched)"
    )]
    Foreign {
        /// The file.
        path: String,
        /// Why it was rejected.
        detail: String,
    },
    /// The path is not usable as a store directory (a regular file, or a
    /// non-empty directory without the `KEYMSG_STORE` marker).
    #[error("`{path}` is not a keymsg store directory: {detail}")]
    NotAStore {
        /// The path given.
        path: String,
        /// Why it was rejected.
        detail: String,
    },
    /// The file was written by a newer keymsg with a schema this version does
    /// not know. Upgrade keymsg; the file is left untouched.
    #[error(
        "store `{path}` has schema version {found}, this keymsg supports up to {supported}: upgrade keymsg"
    )]
    NewerSchema {
        /// The file.
        path: String,
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The store is read-only or the file cannot be written (permissions, a
    /// read-only mount).
    #[error("store `{path}` cannot be written: {detail}")]
    ReadOnly {
        /// The file.
        path: String,
        /// What failed.
        detail: String,
    },
    /// An explicit `writer_id` contains characters other than ASCII letters,
    /// digits, `-` and `_`, or is empty or longer than 64 bytes.
    #[error("invalid writer id `{0}` (use 1–64 ASCII letters, digits, `-` or `_`)")]
    BadWriterId(String),
    /// `Store::withdraw` found no count of this process matching the
    /// insertion (it was never counted here, or was withdrawn already).
    #[error("store `{path}`: no count of message `{message_id}` by this process to withdraw")]
    NothingToWithdraw {
        /// Store path.
        path: String,
        /// The insertion's message id.
        message_id: String,
    },
    /// A writer file holds less than its writer acknowledged (see
    /// `Store::verify`): WAL frames dropped after damage, a power loss, or
    /// the file deleted, emptied or replaced by an older copy. Nothing was
    /// changed; restore the file, or accept the loss with
    /// `Store::repair_accepting_loss` (`keymsg store repair --accept-loss`).
    #[error(
        "store file `{path}` lost {}: {detail}",
        plural(*missing, "acknowledged count", "acknowledged counts")
    )]
    Lost {
        /// The writer file.
        path: String,
        /// Acknowledged counts and manual entries it no longer holds.
        missing: u64,
        /// What was found.
        detail: String,
    },
    /// An insertion or manual entry the store refuses: an instant outside
    /// the years keymsg reckons with, a count above `MAX_COUNT`, a name
    /// with a control character. Nothing was written.
    #[error("store refuses `{field}`: {detail}")]
    Invalid {
        /// The field of the insertion or entry.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The store cannot do this (e.g. an in-memory store cannot import).
    #[error("store `{store}` cannot {what}")]
    Unsupported {
        /// The store.
        store: String,
        /// What was asked.
        what: String,
    },
    /// The fleet store (PostgreSQL) failed: not reachable, refused the
    /// login, or an SQL error. `store` is the URL without its password;
    /// `detail` says what happened and what to do. Counts already
    /// acknowledged are safe in the host's journal and are shipped later.
    #[error("fleet store `{store}`: {detail}")]
    Fleet {
        /// The store URL (password removed).
        store: String,
        /// What failed and what to do.
        detail: String,
    },
    /// Another thread panicked while holding the store's lock. Kept for
    /// callers that match on it: the store now recovers its locks (an
    /// unfinished transaction is rolled back) and keeps counting.
    #[error("store `{path}`: internal lock poisoned by a panic in another thread")]
    Poisoned {
        /// Store path.
        path: String,
    },
}

/// An SQLite error, as text: opaque so that the SQLite binding keymsg is built
/// on is not part of its API (a new version of it is then not a breaking change).
#[derive(Debug, Clone)]
pub struct SqliteError(String);

impl SqliteError {
    pub(crate) fn new(e: &rusqlite::Error) -> SqliteError {
        SqliteError(e.to_string())
    }

    pub(crate) fn message(message: impl Into<String>) -> SqliteError {
        SqliteError(message.into())
    }
}

impl std::fmt::Display for SqliteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SqliteError {}

impl StoreError {
    /// An equal error for another caller of the same failed batch (errors
    /// are not `Clone` because the underlying SQLite and I/O errors are not).
    pub(crate) fn replicate(&self) -> StoreError {
        use StoreError as E;
        match self {
            E::Sqlite { path, source } => E::Sqlite {
                path: path.clone(),
                source: source.clone(),
            },
            E::Io { path, source } => E::Io {
                path: path.clone(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
            E::DiskFull { path } => E::DiskFull { path: path.clone() },
            E::Corrupt { path, detail } => E::Corrupt {
                path: path.clone(),
                detail: detail.clone(),
            },
            E::Foreign { path, detail } => E::Foreign {
                path: path.clone(),
                detail: detail.clone(),
            },
            E::NotAStore { path, detail } => E::NotAStore {
                path: path.clone(),
                detail: detail.clone(),
            },
            E::NewerSchema {
                path,
                found,
                supported,
            } => E::NewerSchema {
                path: path.clone(),
                found: *found,
                supported: *supported,
            },
            E::ReadOnly { path, detail } => E::ReadOnly {
                path: path.clone(),
                detail: detail.clone(),
            },
            E::BadWriterId(s) => E::BadWriterId(s.clone()),
            E::NothingToWithdraw { path, message_id } => E::NothingToWithdraw {
                path: path.clone(),
                message_id: message_id.clone(),
            },
            E::Lost {
                path,
                missing,
                detail,
            } => E::Lost {
                path: path.clone(),
                missing: *missing,
                detail: detail.clone(),
            },
            E::Invalid { field, detail } => E::Invalid {
                field,
                detail: detail.clone(),
            },
            E::Poisoned { path } => E::Poisoned { path: path.clone() },
            E::Unsupported { store, what } => E::Unsupported {
                store: store.clone(),
                what: what.clone(),
            },
            E::Fleet { store, detail } => E::Fleet {
                store: store.clone(),
                detail: detail.clone(),
            },
        }
    }
}

/// What [`Store::count`] did with one insertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counted {
    /// Counted (and durable when the call returned).
    New,
    /// The idempotency key had already been seen (in any writer file): nothing
    /// was stored or counted again.
    Duplicate,
    /// A reprint, stored but not counted because
    /// [`StoreOptions::count_reprints`] is off.
    Reprint,
}

/// How much a successful `Store::count` survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Durability {
    /// Survives the process being killed (`kill -9`, a crash, OOM): the commit
    /// is in the OS page cache when the call returns (WAL, `synchronous=NORMAL`).
    /// A power cut may lose the last commits. The default.
    #[default]
    Process,
    /// Also survives power loss: every commit is synced to disk
    /// (`synchronous=FULL`). Several times slower per commit; group commit
    /// shares the cost across concurrent callers.
    Power,
}

/// Default of [`StoreOptions::key_retention_months`].
pub const DEFAULT_KEY_RETENTION_MONTHS: u32 = 13;

/// Options for [`Store::open`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// What an acknowledged count survives.
    pub durability: Durability,
    /// Whether an insertion with `reprint: true` is counted (`false`, the
    /// default: it is stored in the reprint counters but not counted).
    pub count_reprints: bool,
    /// How long a write waits for an SQLite lock held by another connection
    /// (backups, a reader checkpointing) before failing.
    pub busy_timeout: std::time::Duration,
    /// Write to `w-<writer_id>.sqlite` instead of claiming the first free
    /// numbered slot. Processes sharing an id share a file, which is still
    /// correct but contends on SQLite's lock.
    pub writer_id: Option<String>,
    /// Cap each writer file at about this many bytes; when reached, counting
    /// fails with [`StoreError::DiskFull`] (as on a full disk). `None`: no cap.
    pub max_file_bytes: Option<u64>,
    /// How long idempotency keys are kept: the key of an insertion that
    /// counts in month M, counted in month C, is kept until month
    /// max(M, C) + N (Bangkok time) has ended, then deleted by a background
    /// thread (at open and every 6 hours). An insertion dated long ago (a
    /// till's wrong clock, a late upload) keeps its key as long as one
    /// counted the day it is counted. The
    /// insertion's count is never touched; only a retry of it arriving after
    /// that would count again. Keys are most of a store's size (10 million
    /// keyed insertions ≈ 425 MB). `None`: keep every key forever.
    ///
    /// The default, 13 months, keeps keys well past any realistic retry
    /// (minutes to days after the first attempt) and past a year of report
    /// amendments.
    pub key_retention_months: Option<u32>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Process,
            count_reprints: false,
            busy_timeout: std::time::Duration::from_secs(5),
            writer_id: None,
            max_file_bytes: None,
            key_retention_months: Some(DEFAULT_KEY_RETENTION_MONTHS),
        }
    }
}

/// Counted insertions of one message for one month, grouped by agency, surface and kind.
/// This is what the monthly report reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRow {
    /// Agency or unit that showed the message.
    pub agency: String,
    /// The message id.
    pub message_id: String,
    /// Where it was shown.
    pub surface: Surface,
    /// App or document kind (e.g. `electricity-bill`, `PEA Smart Plus`); may be empty.
    pub kind: String,
    /// Number of counted insertions.
    pub count: u64,
}

/// Start of the `message_id` of a free-text [`ManualEntry`]: the rest of the
/// id is the content itself. Catalog ids never contain `:`, so a free-text
/// row can never be mistaken for a message.
pub const FREE_TEXT_PREFIX: &str = "text:";

/// Longest free-text content, in characters (a radio spot's title and
/// subject, not a script).
pub const MAX_FREE_TEXT_CHARS: usize = 500;

/// The content of a free-text row's id (`text:<content>`), else `None`.
pub fn free_text(message_id: &str) -> Option<&str> {
    message_id.strip_prefix(FREE_TEXT_PREFIX)
}

/// A count entered by hand for one of the form's channels (usually not
/// `Documents`, which keymsg counts itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualEntry {
    /// Agency or unit.
    pub agency: String,
    /// Report month.
    pub month: YearMonth,
    /// Form column.
    pub channel: Channel,
    /// The message (content row) it belongs to.
    pub message_id: String,
    /// The count.
    pub count: u64,
}

/// Why free-text content was refused ([`ManualEntry::free_text`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadContent(String);

impl BadContent {
    /// What is wrong with the content.
    pub fn reason(&self) -> &str {
        &self.0
    }
}

impl ManualEntry {
    /// A hand count for content that is not in the catalog — a community
    /// radio spot, a meeting — shown as its own row of the form with
    /// `content` as its text. The content is normalised (NFC, white space
    /// collapsed, trimmed), so recording the same content again in a month
    /// corrects the same row instead of adding one.
    ///
    /// # Errors
    /// [`BadContent`] for empty content, more than [`MAX_FREE_TEXT_CHARS`]
    /// characters, or a control or bidi character (the crate's [`Error`]
    /// reports it as an invalid `content` argument).
    ///
    /// [`Error`]: crate::Error
    pub fn free_text(
        agency: impl Into<String>,
        month: YearMonth,
        channel: Channel,
        content: &str,
        count: u64,
    ) -> Result<ManualEntry, BadContent> {
        use unicode_normalization::UnicodeNormalization;
        let bad = BadContent;
        let text: String = content.nfc().collect();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(bad("is empty".to_owned()));
        }
        let chars = text.chars().count();
        if chars > MAX_FREE_TEXT_CHARS {
            return Err(bad(format!(
                "has {chars} characters, over the limit of {MAX_FREE_TEXT_CHARS}"
            )));
        }
        if let Some((i, c)) = text
            .chars()
            .enumerate()
            .find(|&(_, c)| crate::vocab::clean::is_unsafe_char(c))
        {
            return Err(bad(format!(
                "has the control character U+{:04X} at char offset {i}",
                u32::from(c)
            )));
        }
        Ok(ManualEntry {
            agency: agency.into(),
            month,
            channel,
            message_id: format!("{FREE_TEXT_PREFIX}{text}"),
            count,
        })
    }

    /// The content of a free-text entry ([`ManualEntry::free_text`]).
    pub fn content(&self) -> Option<&str> {
        free_text(&self.message_id)
    }
}
