//! Proof that a store lost nothing, or a statement of what it lost.
//!
//! Each writer file `w-<n>.sqlite` has a *mark* `w-<n>.mark` beside it: the
//! number of counts (insertions and reprints) and of manual entries its
//! writer has acknowledged. The writer rewrites the 32-byte mark after every
//! commit that adds counts, and *before* a commit that removes one (a
//! withdrawal), so the mark never claims more than the file holds — except
//! when the file has lost data:
//!
//! - WAL frames dropped because a checksum failed (damaged bytes, a torn
//!   write): SQLite silently recovers only the frames before the damage;
//! - the file deleted, emptied, or replaced by an older copy;
//! - a power loss in [`Durability::Process`](super::Durability::Process)
//!   that dropped the file's last writes but not the mark's (the kernel
//!   writes pages back in any order).
//!
//! Opening a store compares every file with its mark before anything is
//! written, and refuses with [`StoreError::Lost`] naming the file and the
//! number of counts missing. Nothing is repaired or recreated silently:
//! [`Store::repair_accepting_loss`](super::Store::repair_accepting_loss)
//! resets the marks to what the files hold and appends what was given up to
//! `LOSSES.log` in the store directory.
//!
//! Readers open files with checkpoint-on-close disabled, so a reader never
//! folds a damaged WAL into the database and deletes the evidence.
//!
//! The mark is as durable as the page cache (it is never synced): after a
//! power loss it can lag behind the file, which only weakens detection, but
//! it never leads it unless the file lost data.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;
use super::files::{io_err, writer_files};
use super::schema::{self, map_err};
use crate::fnv::fnv1a64;
use crate::vocab::plural;

/// First bytes of a mark file.
const MAGIC: &[u8; 8] = b"KMSGMARK";

/// Size of a mark file.
const MARK_LEN: usize = 32;

/// Name of the log of accepted losses in the store directory.
pub(crate) const LOSSES_LOG: &str = "LOSSES.log";

/// What a writer file holds (or has acknowledged): counts and manual entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// Insertions and reprints counted (the sum of both counters).
    pub(crate) counts: u64,
    /// Manual entry rows.
    pub(crate) manual: u64,
}

impl Evidence {
    /// The smaller of each part.
    pub(crate) fn min(self, other: Evidence) -> Evidence {
        Evidence {
            counts: self.counts.min(other.counts),
            manual: self.manual.min(other.manual),
        }
    }

    fn encode(self) -> [u8; MARK_LEN] {
        let mut b = [0u8; MARK_LEN];
        let (head, rest) = b.split_at_mut(8);
        head.copy_from_slice(MAGIC);
        let (c, rest) = rest.split_at_mut(8);
        c.copy_from_slice(&self.counts.to_le_bytes());
        let (m, _) = rest.split_at_mut(8);
        m.copy_from_slice(&self.manual.to_le_bytes());
        let check = fnv1a64(b.get(..24).unwrap_or_default());
        if let Some(s) = b.get_mut(24..) {
            s.copy_from_slice(&check.to_le_bytes());
        }
        b
    }

    fn decode(b: &[u8]) -> Option<Evidence> {
        let word = |i: usize| -> Option<u64> {
            let bytes: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
            Some(u64::from_le_bytes(bytes))
        };
        if b.len() != MARK_LEN || b.get(..8) != Some(MAGIC.as_slice()) {
            return None;
        }
        if fnv1a64(b.get(..24)?) != word(24)? {
            return None;
        }
        Some(Evidence {
            counts: word(8)?,
            manual: word(16)?,
        })
    }
}

/// The mark file of a writer file: `w-0.sqlite` → `w-0.mark`.
pub(crate) fn mark_path(db: &Path) -> PathBuf {
    db.with_extension("mark")
}

/// The writer file of a mark file.
fn db_path(mark: &Path) -> PathBuf {
    mark.with_extension("sqlite")
}

/// The mark of `db`: `Ok(None)` when it has none (a store made before
/// marks existed, or a file whose writer has not yet committed).
fn read_mark(db: &Path) -> Result<Option<Evidence>, StoreError> {
    let path = mark_path(db);
    match fs::read(&path) {
        Ok(b) => Evidence::decode(&b)
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt {
                path: path.display().to_string(),
                detail: "the mark file is damaged (it records how many counts the writer \
                     acknowledged)"
                    .into(),
            }),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(&path, e)),
    }
}

/// What the open file `conn` holds.
pub(crate) fn evidence_of(conn: &Connection, label: &str) -> Result<Evidence, StoreError> {
    let err = |e| map_err(label, e);
    let (counts, manual): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT coalesce(sum(counted) + sum(reprints), 0) FROM counts), \
                    (SELECT count(*) FROM manual)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(err)?;
    Ok(Evidence {
        counts: u64::try_from(counts).unwrap_or(0),
        manual: u64::try_from(manual).unwrap_or(0),
    })
}

/// The result of checking one writer file against its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileCheck {
    /// The writer file.
    pub file: PathBuf,
    /// Counts its writer acknowledged (from the mark; `None`: no mark).
    pub acknowledged: Option<u64>,
    /// Counts the file holds now (`None`: the file is missing or unreadable).
    pub found: Option<u64>,
    /// Acknowledged counts (and manual entries) the file no longer holds.
    pub missing: u64,
    /// What is wrong, if anything.
    pub problem: Option<String>,
}

impl FileCheck {
    /// Whether the file holds everything its writer acknowledged.
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }

    fn error(&self) -> StoreError {
        StoreError::Lost {
            path: self.file.display().to_string(),
            missing: self.missing,
            detail: self.problem.clone().unwrap_or_default(),
        }
    }
}

/// Check one writer file (which may be missing) against its mark.
fn check_file(db: &Path, busy: Duration) -> Result<FileCheck, StoreError> {
    let mut out = FileCheck {
        file: db.to_path_buf(),
        acknowledged: None,
        found: None,
        missing: 0,
        problem: None,
    };
    let mark = match read_mark(db) {
        Ok(m) => m,
        Err(e) => {
            out.problem = Some(e.to_string());
            return Ok(out);
        }
    };
    out.acknowledged = mark.map(|m| m.counts);
    let found = match fs::metadata(db) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if let Some(m) = mark.filter(|m| *m != Evidence::default()) {
                out.missing = m.counts.saturating_add(m.manual);
                out.problem = Some(format!(
                    "the file is missing, but its writer acknowledged {} and {}",
                    plural(m.counts, "count", "counts"),
                    plural(m.manual, "manual entry", "manual entries")
                ));
            }
            return Ok(out);
        }
        Err(e) => return Err(io_err(db, e)),
        Ok(md) if md.len() == 0 => Evidence::default(),
        Ok(_) => match schema::open_reader(db, busy)? {
            Some(c) => evidence_of(&c, &db.display().to_string())?,
            None => Evidence::default(),
        },
    };
    out.found = Some(found.counts);
    if let Some(m) = mark
        && (found.counts < m.counts || found.manual < m.manual)
    {
        let counts = m.counts.saturating_sub(found.counts);
        let manual = m.manual.saturating_sub(found.manual);
        out.missing = counts.saturating_add(manual);
        out.problem = Some(format!(
            "the file holds {} of the {} and {} of the {} its writer acknowledged ({} and {} \
             missing: WAL frames dropped after damage, a power loss, or the file emptied or \
             replaced by an older copy)",
            found.counts,
            plural(m.counts, "count", "counts"),
            found.manual,
            plural(m.manual, "manual entry", "manual entries"),
            plural(counts, "count", "counts"),
            plural(manual, "manual entry", "manual entries"),
        ));
    }
    Ok(out)
}

/// Every writer file of the store in `dir` (and every mark whose file is
/// gone), checked against its mark. Writes nothing.
pub(crate) fn check_store(dir: &Path, busy: Duration) -> Result<Vec<FileCheck>, StoreError> {
    let mut dbs = writer_files(dir)?;
    for e in fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let p = e.map_err(|e| io_err(dir, e))?.path();
        let is_mark = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("w-") && n.ends_with(".mark"));
        if is_mark && !dbs.contains(&db_path(&p)) {
            dbs.push(db_path(&p));
        }
    }
    dbs.sort();
    let mut out = Vec::with_capacity(dbs.len());
    for db in dbs {
        // A live writer may withdraw a count between our read of its mark
        // and of its file: look again before calling it a loss.
        let mut check = check_file(&db, busy)?;
        for _ in 0..3 {
            if check.is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
            check = check_file(&db, busy)?;
        }
        out.push(check);
    }
    Ok(out)
}

/// `Err` with the first file that lost acknowledged data.
pub(crate) fn require_intact(dir: &Path, busy: Duration) -> Result<(), StoreError> {
    match check_store(dir, busy)?.into_iter().find(|c| !c.is_ok()) {
        Some(bad) => Err(bad.error()),
        None => Ok(()),
    }
}

/// Accept what the files of `dir` hold now as what was acknowledged: reset
/// every failing mark, and append one line per loss to `LOSSES.log`.
/// Returns the checks that failed (the losses accepted).
pub(crate) fn accept_loss(dir: &Path, busy: Duration) -> Result<Vec<FileCheck>, StoreError> {
    let failed: Vec<FileCheck> = check_store(dir, busy)?
        .into_iter()
        .filter(|c| !c.is_ok())
        .collect();
    if failed.is_empty() {
        return Ok(failed);
    }
    let log = dir.join(LOSSES_LOG);
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .map_err(|e| io_err(&log, e))?;
    let now = crate::bangkok::now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    for c in &failed {
        let name = c.file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        writeln!(
            f,
            "{now} {name}: accepted the loss of {} ({})",
            plural(c.missing, "count", "counts"),
            c.problem.as_deref().unwrap_or_default()
        )
        .map_err(|e| io_err(&log, e))?;
    }
    f.sync_all().map_err(|e| io_err(&log, e))?;
    for c in &failed {
        let mark = mark_path(&c.file);
        let now_holds = if c.file.exists() && c.found.is_some() {
            match schema::open_reader(&c.file, busy)? {
                Some(conn) => evidence_of(&conn, &c.file.display().to_string())?,
                None => Evidence::default(),
            }
        } else {
            Evidence::default()
        };
        write_mark_file(&mark, now_holds)?;
    }
    Ok(failed)
}

/// Set the mark of writer file `db` to `ev` (a writer that holds the file's
/// write lock: imports).
pub(crate) fn set_mark(db: &Path, ev: Evidence) -> Result<(), StoreError> {
    write_mark_file(&mark_path(db), ev)
}

/// Write a whole mark file: to a temporary file first, then renamed over
/// the mark, so that a process opening the store at the same moment sees no
/// mark or a complete one, never an empty file it would take for damage.
fn write_mark_file(path: &Path, ev: Evidence) -> Result<(), StoreError> {
    let tmp = path.with_extension(format!("mark.tmp{}", std::process::id()));
    let mut f = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&tmp)
        .map_err(|e| io_err(&tmp, e))?;
    f.write_all(&ev.encode()).map_err(|e| io_err(&tmp, e))?;
    f.sync_all().map_err(|e| io_err(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// The writer's side: its mark file and what it has acknowledged.
#[derive(Debug)]
pub(crate) struct Mark {
    file: File,
    acked: Evidence,
}

impl Mark {
    /// Start the mark of our own writer file `db`, which holds `holds` (the
    /// store was checked intact just before, so this is at least its mark).
    pub(crate) fn open(db: &Path, holds: Evidence) -> Result<Mark, StoreError> {
        let path = mark_path(db);
        write_mark_file(&path, holds)?;
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        Ok(Mark { file, acked: holds })
    }

    fn write(&mut self) {
        // A failed write leaves the mark behind the file: detection is
        // weaker until the next write, but nothing is claimed that was not
        // counted, and the count the caller is waiting for is committed, so
        // it must not be reported as failed (a retry would count twice).
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt as _;
            let _ = self.file.write_all_at(&self.acked.encode(), 0);
        }
        #[cfg(not(unix))]
        {
            use std::io::{Seek as _, SeekFrom};
            let _ = self
                .file
                .seek(SeekFrom::Start(0))
                .and_then(|_| self.file.write_all(&self.acked.encode()));
        }
    }

    /// After a commit that added `counts` counts.
    pub(crate) fn add_counts(&mut self, counts: u64) {
        if counts > 0 {
            self.acked.counts = self.acked.counts.saturating_add(counts);
            self.write();
        }
    }

    /// Before a commit that removes `counts` counts (a withdrawal).
    pub(crate) fn remove_counts(&mut self, counts: u64) {
        if counts > 0 {
            self.acked.counts = self.acked.counts.saturating_sub(counts);
            self.write();
        }
    }

    /// After a commit that left the file with `rows` manual entries.
    pub(crate) fn set_manual(&mut self, rows: u64) {
        if rows != self.acked.manual {
            self.acked.manual = rows;
            self.write();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_and_damage_is_seen() {
        let ev = Evidence {
            counts: 200,
            manual: 3,
        };
        let b = ev.encode();
        assert_eq!(Evidence::decode(&b), Some(ev));
        for i in 0..MARK_LEN {
            let mut d = b;
            d[i] ^= 0x10;
            assert_eq!(Evidence::decode(&d), None, "byte {i}");
        }
        assert_eq!(Evidence::decode(&b[..31]), None);
    }
}
