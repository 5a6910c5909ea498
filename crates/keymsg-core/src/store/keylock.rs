//! The store-wide lock that makes idempotency keys exact across processes.
//!
//! Every writer process checks the other writer files for a key before it
//! commits the key (and its count) to its own file. Two processes doing that
//! at the same moment could each miss the other's uncommitted key and both
//! count it, so the check and the commit of every batch that carries a key
//! run under one exclusive lock on `<dir>/keys.lock`, shared by all the
//! processes of the store. The key and its count still go into the writer's
//! own file in one transaction, so there is no second write that a `kill -9`
//! could separate from the first: a process that dies holding the lock loses
//! it (the kernel releases it), and its batch either committed whole or not
//! at all.
//!
//! Batches without keys do not take the lock: they cannot collide.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::StoreError;
use super::files::io_err;

/// Name of the lock file in the store directory.
pub(crate) const KEY_LOCK: &str = "keys.lock";

/// Times a contended lock is retried at once (yielding the CPU) before the
/// waiter starts to sleep: a holder keeps the lock for one commit, usually
/// tens of microseconds.
const SPINS: u32 = 64;

/// First and longest sleep between attempts once spinning gave up.
const FIRST_SLEEP: Duration = Duration::from_micros(20);
const MAX_SLEEP: Duration = Duration::from_millis(1);

/// The lock file of one store, opened once per writer.
#[derive(Debug)]
pub(crate) struct KeyLock {
    file: File,
    path: PathBuf,
    /// How long to wait for another process before failing.
    timeout: Duration,
}

/// Holds the lock; releases it when dropped.
#[derive(Debug)]
pub(crate) struct KeyLockGuard<'a>(&'a File);

impl Drop for KeyLockGuard<'_> {
    fn drop(&mut self) {
        // Closing the writer (or the process dying) releases it anyway.
        let _ = self.0.unlock();
    }
}

impl KeyLock {
    /// Open (create) the lock file of the store in `dir`.
    pub(crate) fn open(dir: &Path, timeout: Duration) -> Result<KeyLock, StoreError> {
        let path = dir.join(KEY_LOCK);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        Ok(KeyLock {
            file,
            path,
            timeout,
        })
    }

    /// Take the lock, waiting up to the store's busy timeout for another
    /// process to release it.
    ///
    /// The wait polls rather than blocking in the kernel so that a process
    /// stopped while holding the lock (a debugger, `SIGSTOP`) makes counting
    /// fail after the timeout, as SQLite's own locks do, instead of hanging.
    pub(crate) fn acquire(&self) -> Result<KeyLockGuard<'_>, StoreError> {
        let mut spins = 0;
        let mut sleep = FIRST_SLEEP;
        let mut deadline = None;
        loop {
            match self.file.try_lock() {
                Ok(()) => return Ok(KeyLockGuard(&self.file)),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(io_err(&self.path, e)),
            }
            if spins < SPINS {
                spins += 1;
                std::thread::yield_now();
                continue;
            }
            let end = *deadline.get_or_insert_with(|| Instant::now() + self.timeout);
            let now = Instant::now();
            if now >= end {
                return Err(StoreError::Io {
                    path: self.path.display().to_string(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "another process held the idempotency-key lock for over {:?} \
                             (nothing was counted; retry)",
                            self.timeout
                        ),
                    ),
                });
            }
            std::thread::sleep(sleep.min(end - now));
            sleep = (sleep * 2).min(MAX_SLEEP);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_times_out_then_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let a = KeyLock::open(dir.path(), Duration::from_millis(50)).unwrap();
        let b = KeyLock::open(dir.path(), Duration::from_millis(50)).unwrap();
        let held = a.acquire().unwrap();
        let start = Instant::now();
        let err = b.acquire().unwrap_err().to_string();
        assert!(err.contains("idempotency-key lock"), "{err}");
        assert!(start.elapsed() >= Duration::from_millis(50));
        drop(held);
        assert!(b.acquire().is_ok());
    }
}
