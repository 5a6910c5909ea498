//! Power loss, simulated the way SQLite's own crash tests do: every write
//! that was not followed by a sync of its file is dropped. A thin VFS over
//! SQLite's `unix` VFS keeps, for each file of the test store, its content
//! at its last `xSync`; the "disk after the power cut" is those contents,
//! copied to a new directory that is then opened as the store.
//!
//! What each durability mode promises (docs/DURABILITY.md):
//! - `Power`: every acknowledged count is on the disk after the cut.
//! - `Process`: counts acknowledged since the last sync (a checkpoint) may
//!   be lost. When the writer's mark reached the disk and the counts did
//!   not, opening the store says how many are missing; when neither did,
//!   the loss cannot be seen.

// Its own test binary, not in `tests/it`: the VFS is registered as the
// process's default, which every other store test would then run on.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    unsafe_code
)]

use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, OnceLock};

use keymsg_core::Surface;
use keymsg_core::store::{Durability, Insertion, Store, StoreError, StoreOptions};
use libsqlite3_sys as ffi;
use time::macros::datetime;

/// Contents of each tracked file at its last sync (absent: never synced).
fn synced() -> &'static Mutex<HashMap<PathBuf, Vec<u8>>> {
    static S: OnceLock<Mutex<HashMap<PathBuf, Vec<u8>>>> = OnceLock::new();
    S.get_or_init(Default::default)
}

/// Only files under this directory are tracked.
fn root() -> &'static Mutex<Option<PathBuf>> {
    static R: OnceLock<Mutex<Option<PathBuf>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

/// Stored after the `unix` file in the buffer SQLite allocates for a file.
#[repr(C)]
struct Trailer {
    methods: *const ffi::sqlite3_io_methods,
    path: *mut PathBuf,
}

struct Unix {
    vfs: *mut ffi::sqlite3_vfs,
    size: usize,
}
unsafe impl Send for Unix {}
unsafe impl Sync for Unix {}

fn unix() -> &'static Unix {
    static U: OnceLock<Unix> = OnceLock::new();
    U.get_or_init(|| {
        let vfs = unsafe { ffi::sqlite3_vfs_find(c"unix".as_ptr()) };
        assert!(!vfs.is_null());
        let size = unsafe { (*vfs).szOsFile } as usize;
        Unix {
            vfs,
            size: size.div_ceil(8) * 8,
        }
    })
}

/// Our copy of the `unix` io methods with `xSync` and `xClose` replaced,
/// one per distinct original table.
fn methods_for(orig: *const ffi::sqlite3_io_methods) -> *const ffi::sqlite3_io_methods {
    static M: OnceLock<Mutex<HashMap<usize, usize>>> = OnceLock::new();
    let mut m = M.get_or_init(Default::default).lock().unwrap();
    *m.entry(orig as usize).or_insert_with(|| {
        let mut copy = unsafe { *orig };
        copy.xSync = Some(shim_sync);
        copy.xClose = Some(shim_close);
        Box::into_raw(Box::new(copy)) as usize
    }) as *const ffi::sqlite3_io_methods
}

unsafe fn trailer(f: *mut ffi::sqlite3_file) -> *mut Trailer {
    unsafe { (f as *mut u8).add(unix().size) as *mut Trailer }
}

fn snapshot(path: &Path) {
    if let Ok(bytes) = std::fs::read(path) {
        synced().lock().unwrap().insert(path.to_path_buf(), bytes);
    }
}

unsafe extern "C" fn shim_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let t = unsafe { &*trailer(f) };
    let rc = unsafe { ((*t.methods).xSync.unwrap())(f, flags) };
    if rc == ffi::SQLITE_OK && !t.path.is_null() {
        snapshot(unsafe { &*t.path });
    }
    rc
}

unsafe extern "C" fn shim_close(f: *mut ffi::sqlite3_file) -> c_int {
    let t = unsafe { &mut *trailer(f) };
    let rc = unsafe { ((*t.methods).xClose.unwrap())(f) };
    if !t.path.is_null() {
        drop(unsafe { Box::from_raw(t.path) });
        t.path = std::ptr::null_mut();
    }
    rc
}

unsafe extern "C" fn shim_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    f: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let u = unix();
    let rc = unsafe { ((*u.vfs).xOpen.unwrap())(u.vfs, name, f, flags, out_flags) };
    let orig = unsafe { (*f).pMethods };
    if rc != ffi::SQLITE_OK || orig.is_null() {
        return rc;
    }
    let path = (!name.is_null()).then(|| {
        PathBuf::from(
            unsafe { CStr::from_ptr(name) }
                .to_string_lossy()
                .into_owned(),
        )
    });
    let tracked = path.filter(|p| {
        root()
            .lock()
            .unwrap()
            .as_ref()
            .is_some_and(|r| p.starts_with(r))
    });
    if let Some(p) = &tracked {
        // What was on the disk before this run counts as synced.
        let mut s = synced().lock().unwrap();
        if !s.contains_key(p)
            && let Ok(bytes) = std::fs::read(p)
            && !bytes.is_empty()
        {
            s.insert(p.clone(), bytes);
        }
    }
    unsafe {
        *trailer(f) = Trailer {
            methods: orig,
            path: tracked.map_or(std::ptr::null_mut(), |p| Box::into_raw(Box::new(p))),
        };
        (*f).pMethods = methods_for(orig);
    }
    rc
}

unsafe extern "C" fn shim_delete(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync_dir: c_int,
) -> c_int {
    let u = unix();
    let rc = unsafe { ((*u.vfs).xDelete.unwrap())(u.vfs, name, sync_dir) };
    if rc == ffi::SQLITE_OK && !name.is_null() {
        let p = PathBuf::from(
            unsafe { CStr::from_ptr(name) }
                .to_string_lossy()
                .into_owned(),
        );
        synced().lock().unwrap().remove(&p);
    }
    rc
}

/// Register the VFS as the process default (once).
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let u = unix();
        let mut vfs = unsafe { *u.vfs };
        vfs.zName = c"keymsg-powerloss".as_ptr();
        vfs.szOsFile = (u.size + std::mem::size_of::<Trailer>()) as c_int;
        vfs.pNext = std::ptr::null_mut();
        vfs.xOpen = Some(shim_open);
        vfs.xDelete = Some(shim_delete);
        let vfs = Box::into_raw(Box::new(vfs));
        assert_eq!(unsafe { ffi::sqlite3_vfs_register(vfs, 1) }, ffi::SQLITE_OK);
    });
}

/// The store directory as the disk holds it after a power cut: SQLite files
/// as of their last sync, the marker as it is (written once, long before),
/// and each writer's mark as `mark` says (`Some`: its current bytes reached
/// the disk; `None`: only what was synced when the writer opened).
fn disk_after_power_cut(
    dir: &Path,
    out: &Path,
    marks: &HashMap<PathBuf, Vec<u8>>,
    current_mark: bool,
) {
    std::fs::create_dir_all(out).unwrap();
    let images = synced().lock().unwrap().clone();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_owned();
        let n = name.to_string_lossy();
        let bytes = if n.ends_with(".mark") {
            if current_mark {
                Some(std::fs::read(&p).unwrap())
            } else {
                marks.get(&p).cloned()
            }
        } else if n.ends_with(".sqlite") || n.ends_with("-wal") || n.ends_with(".lock") {
            images.get(&p).cloned()
        } else if n.ends_with("-shm") {
            None // shared memory: rebuilt by recovery
        } else {
            Some(std::fs::read(&p).unwrap())
        };
        if let Some(b) = bytes {
            std::fs::write(out.join(name), b).unwrap();
        }
    }
}

fn total(store: &Store) -> u64 {
    store
        .month_counts("2026-03".parse().unwrap(), None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

/// Count `n` receipts (each acknowledged), cut the power, and open what the
/// disk holds. Returns (counts found, the open's error if any) for both
/// orders in which the page cache may have reached the disk.
fn run(durability: Durability, n: u64, tag: &str) -> Vec<(bool, Result<u64, StoreError>)> {
    // One simulated disk at a time: the tracked root is process-wide.
    static SERIAL: Mutex<()> = Mutex::new(());
    let _one = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    install();
    synced().lock().unwrap().clear();
    let tmp = tempfile::tempdir().unwrap();
    *root().lock().unwrap() = Some(tmp.path().to_path_buf());
    let dir = tmp.path().join("live");
    let opts = StoreOptions {
        durability,
        ..StoreOptions::default()
    };
    let store = Store::open(&dir, opts.clone()).unwrap();
    // The mark as synced when the writer opened.
    let own = store.writer_file().unwrap().to_path_buf();
    let mark = own.with_extension("mark");
    let marks = HashMap::from([(mark.clone(), std::fs::read(&mark).unwrap())]);
    // A reader holding a snapshot from before the commits, taken when the
    // WAL is fully checkpointed: it then reads the database file alone
    // (WAL read lock 0), which stops every checkpoint before it syncs
    // anything, so none of the commits below reaches the simulated disk.
    // (A reader that found frames not yet copied only stops the copying:
    // the background checkpointer could still copy those older frames, and
    // that syncs the whole WAL file, commits after the snapshot included.
    // On a loaded machine its pass sometimes came after all sixty commits,
    // and the Process-mode test saw no loss to check.)
    let reader = rusqlite::Connection::open_with_flags(
        &own,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    reader
        .busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    let (busy, _, _): (i64, i64, i64) = reader
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(busy, 0, "the WAL is checkpointed before the commits");
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    for i in 0..n {
        let ins = Insertion::new(
            datetime!(2026-03-10 10:00 +7),
            "PEA",
            Surface::Receipt,
            "aoc-1441",
        )
        .with_key(format!("{tag}-{i}"));
        store.count(&ins).unwrap(); // acknowledged
    }
    // The background checkpointer running after the commits, made certain:
    // it must neither copy nor sync any of them (see the reader above).
    let checkpointer = rusqlite::Connection::open(&own).unwrap();
    checkpointer
        .busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    let copied: i64 = checkpointer
        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(2))
        .unwrap();
    assert_eq!(
        copied, 0,
        "a checkpoint copied frames the reader holds back"
    );
    drop(checkpointer);
    let mut out = Vec::new();
    for current_mark in [false, true] {
        let after = tmp.path().join(format!("after-{current_mark}"));
        disk_after_power_cut(&dir, &after, &marks, current_mark);
        let r = Store::open(&after, opts.clone()).map(|s| {
            s.integrity_check().unwrap();
            total(&s)
        });
        out.push((current_mark, r));
    }
    drop(reader);
    drop(store);
    out
}

#[test]
fn power_mode_keeps_every_acknowledged_count_through_a_power_cut() {
    for round in 0..3 {
        for (current_mark, r) in run(Durability::Power, 60, &format!("p{round}")) {
            assert_eq!(r.unwrap(), 60, "mark reached the disk: {current_mark}");
        }
    }
}

#[test]
fn process_mode_loses_only_unsynced_counts_and_says_so_when_the_mark_survived() {
    let mut lost_and_named = 0;
    for round in 0..3 {
        for (current_mark, r) in run(Durability::Process, 60, &format!("q{round}")) {
            match r {
                Ok(found) => {
                    assert!(found <= 60);
                    // With the current mark on the disk, a loss is never silent.
                    if current_mark {
                        assert_eq!(found, 60, "a silent loss with the mark on disk");
                    }
                }
                Err(StoreError::Lost { missing, path, .. }) => {
                    assert!(current_mark, "only the current mark can claim more");
                    assert!(path.ends_with(".sqlite"), "{path}");
                    assert!(missing > 0 && missing <= 60, "{missing}");
                    lost_and_named += 1;
                }
                Err(e) => panic!("unexpected error after a power cut: {e}"),
            }
        }
    }
    // No checkpoint synced the sixty commits (a reader held them back): in
    // Process mode the power cut does lose them, and the mark names it.
    assert!(lost_and_named > 0, "the simulation dropped no write");
}
