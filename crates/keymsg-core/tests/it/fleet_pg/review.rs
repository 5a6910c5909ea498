//! Regression tests of a review of the fleet counting path (findings
//! R1–R6): each test once failed while its bug was there, and asserts the
//! behaviour "counted means delivered" asks for. The clock tests (R5) need
//! libfaketime and are skipped without it.
//! Run: cargo test -p keymsg-core --test it fleet_pg::review -- --nocapture

use super::*;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn replace_dir(dir: &Path, with: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::remove_file(&p).unwrap();
        }
    }
    copy_dir(with, dir);
}

/// R1. Host A counts invoice K and ships it; its printer jams, A withdraws
/// (journaled; A's network / short-lived process does not ship it yet). The
/// clerk retries K on host B, which prints and ships: the fleet refuses B's
/// row (A still holds K). Then A's withdrawal ships and releases K. B's
/// delivered receipt is counted nowhere.
#[test]
fn a_retry_refused_on_another_host_counts_once_the_original_is_withdrawn() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let k = ins(Some("INV-42".into()), at());
    {
        let ha = open(&url, a.path());
        assert_eq!(ha.count(&k).unwrap(), Counted::New);
        ha.ship().unwrap();
    }
    {
        // A's delivery failed: withdrawn locally, not shipped yet.
        let ha = open(UNREACHABLE, a.path());
        ha.withdraw(&k, Counted::New).unwrap();
    }
    {
        // The retry on host B prints and is acknowledged.
        let hb = open(&url, b.path());
        assert_eq!(hb.count(&k).unwrap(), Counted::New);
        hb.ship().unwrap();
    }
    // A's withdrawal reaches the fleet store later (cron `keymsg ship`).
    open(&url, a.path()).ship().unwrap();
    let db = db_of(&url);
    // B's row took the key over, in the same transaction as A's withdrawal.
    assert_eq!(
        pg.psql(
            db,
            "SELECT count(*) FROM keymsg_keys k JOIN keymsg_raw r \
             ON (r.writer_id, r.seq) = (k.writer_id, k.seq) WHERE r.counted AND NOT r.withdrawn"
        ),
        "1"
    );
    assert_eq!(pg.psql(db, "SELECT count(*) FROM keymsg_refused"), "0");
    assert_eq!(
        fleet_total(&url, a.path()),
        1,
        "B's receipt was delivered once and must count once"
    );
}

/// R1b. The mirror image: B's retry holds the key in the fleet (shipped
/// first), A's original (delivered) is refused, then B's delivery fails and
/// B withdraws. A's delivered receipt counts nowhere.
#[test]
fn a_refused_original_counts_once_the_retry_holding_its_key_is_withdrawn() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let k = ins(Some("INV-43".into()), at());
    {
        // A prints K (delivered) while A cannot reach the fleet store.
        let ha = open(UNREACHABLE, a.path());
        assert_eq!(ha.count(&k).unwrap(), Counted::New);
    }
    let hb = open(&url, b.path());
    assert_eq!(hb.count(&k).unwrap(), Counted::New);
    hb.ship().unwrap();
    open(&url, a.path()).ship().unwrap(); // A's row refused: B holds K
    // B's printer jams: B withdraws its count.
    hb.withdraw(&k, Counted::New).unwrap();
    hb.ship().unwrap();
    assert_eq!(
        fleet_total(&url, a.path()),
        1,
        "A's receipt was delivered once and must count once"
    );
}

/// The other side of R1: a refused row whose own delivery failed too
/// (withdrawn) is not handed the key when the holder is withdrawn: neither
/// receipt printed, nothing counts, and no key is left behind.
#[test]
fn a_refused_row_withdrawn_itself_is_not_handed_the_key() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let k = ins(Some("INV-44".into()), at());
    let ha = open(&url, a.path());
    assert_eq!(ha.count(&k).unwrap(), Counted::New);
    ha.ship().unwrap();
    let hb = open(&url, b.path());
    assert_eq!(hb.count(&k).unwrap(), Counted::New);
    hb.ship().unwrap(); // refused: A holds K
    hb.withdraw(&k, Counted::New).unwrap();
    hb.ship().unwrap();
    ha.withdraw(&k, Counted::New).unwrap();
    ha.ship().unwrap();
    assert_eq!(fleet_total(&url, a.path()), 0);
    let db = db_of(&url);
    assert_eq!(pg.psql(db, "SELECT count(*) FROM keymsg_keys"), "0");
    assert_eq!(pg.psql(db, "SELECT count(*) FROM keymsg_refused"), "0");
}

/// R2. An uncounted reprint on host B (a copy of invoice K, replayed with
/// the document's key) ships before host A's original: the reprint claims
/// K fleet-wide and A's first print of K was refused: nothing counted. Only
/// rows counted on their host claim a key now.
#[test]
fn an_uncounted_reprint_on_another_host_leaves_the_key_to_the_original() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let k = ins(Some("INV-77".into()), at());
    {
        let ha = open(UNREACHABLE, a.path());
        assert_eq!(ha.count(&k).unwrap(), Counted::New);
    }
    {
        let hb = open(&url, b.path());
        let mut rp = k.clone();
        rp.reprint = true;
        assert_eq!(hb.count(&rp).unwrap(), Counted::Reprint);
        hb.ship().unwrap();
    }
    open(&url, a.path()).ship().unwrap();
    assert_eq!(
        fleet_total(&url, a.path()),
        1,
        "the original print of K must count once"
    );
}

/// R3. A host's journal directory restored from a backup (files and marks
/// together: not detectable locally). New receipts after the restore reuse
/// sequence numbers at or below the fleet's shipped mark of that writer;
/// they were silently dropped by the shipper. Now the journal is found to
/// have parted from what the fleet has, and its new rows ship as a branch
/// of the writer.
#[test]
fn a_journal_restored_from_a_backup_ships_its_new_rows_as_a_branch() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let backup = tempfile::tempdir().unwrap();
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "before", 10), 10);
        s.ship().unwrap();
    }
    copy_dir(j.path(), backup.path());
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "after-backup", 5), 5);
        s.ship().unwrap();
    }
    assert_eq!(fleet_total(&url, j.path()), 15);
    // Disk replaced, journal restored from last night's backup.
    replace_dir(j.path(), backup.path());
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "after-restore", 7), 7, "acknowledged");
        s.ship().unwrap();
    }
    let db = db_of(&url);
    assert_eq!(
        pg.psql(
            db,
            "SELECT branch_base || ' ' || shipped_seq FROM keymsg_writers \
             WHERE branch_of IS NOT NULL"
        ),
        "10 17",
        "the branch starts after the last row the backup and the fleet share"
    );
    assert_eq!(
        fleet_total(&url, j.path()),
        22,
        "7 receipts acknowledged after the restore must reach the fleet"
    );
}

/// R3b. The documented recovery path: one journal writer file replaced by
/// an older copy is refused as Lost; `repair_accepting_loss` accepts the
/// (already shipped) loss. Every count acknowledged after the repair reused
/// shipped sequence numbers and never reached the fleet; now they ship as a
/// branch of the writer.
#[test]
fn a_journal_file_repaired_accepting_loss_ships_its_new_rows() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let old = tempfile::tempdir().unwrap();
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "a", 10), 10);
        s.ship().unwrap();
    }
    // An older copy of the writer file (its WAL side files too).
    for e in std::fs::read_dir(j.path()).unwrap() {
        let p = e.unwrap().path();
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        if n.starts_with("w-") && n.contains(".sqlite") {
            std::fs::copy(&p, old.path().join(&n)).unwrap();
        }
    }
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "b", 5), 5);
        s.ship().unwrap();
    }
    assert_eq!(fleet_total(&url, j.path()), 15);
    for e in std::fs::read_dir(j.path()).unwrap() {
        let p = e.unwrap().path();
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        if n.starts_with("w-") && n.contains(".sqlite") {
            std::fs::remove_file(&p).unwrap();
        }
    }
    copy_dir(old.path(), j.path());
    let e = Store::open_postgres(&url, j.path(), StoreOptions::default()).unwrap_err();
    assert!(matches!(e, StoreError::Lost { .. }), "{e:?}");
    Store::repair_accepting_loss(j.path()).unwrap();
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "c", 6), 6, "acknowledged after the repair");
        s.ship().unwrap();
    }
    assert_eq!(
        fleet_total(&url, j.path()),
        21,
        "the 5 lost counts were shipped already; the 6 new ones must reach the fleet"
    );
}

/// Child entry point for R5: ship journal `dir` to `url` (`url|dir`).
#[test]
fn r5_child_ship() {
    let Ok(spec) = std::env::var("KEYMSG_REVIEW_CHILD_SHIP") else {
        return;
    };
    let (url, dir) = spec.split_once('|').unwrap();
    eprintln!("child clock: {}", OffsetDateTime::now_utc());
    let s = Store::open_postgres(url, dir, StoreOptions::default()).unwrap();
    s.ship().unwrap();
    std::process::exit(0);
}

/// R5. One host whose clock runs ~16 months ahead (a handheld whose RTC
/// reset, exactly the "till's wrong clock" the docs anticipate) runs its
/// cron `keymsg ship`: key expiry used that host's clock and deleted every
/// fleet-wide idempotency key of the current month, so a retry of an invoice
/// on a correct host counted a second time. Expiry now goes by the
/// database's clock.
/// Needs libfaketime (`apt-get install faketime`).
#[test]
fn a_host_with_its_clock_ahead_does_not_expire_the_fleets_keys() {
    let Some(pg) = shared() else { return };
    let Some(lib) = libfaketime() else { return };
    let url = fresh_db(pg);
    let (a, skewed, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let k = ins(Some("INV-500".into()), OffsetDateTime::now_utc());
    let month = YearMonth::of(OffsetDateTime::now_utc());
    {
        let ha = open(&url, a.path());
        assert_eq!(ha.count(&k).unwrap(), Counted::New);
        ha.ship().unwrap();
    }
    let db = db_of(&url);
    eprintln!(
        "R5 keys before: {}",
        pg.psql(
            db,
            "SELECT string_agg(idem_key||'@'||month, ',') FROM keymsg_keys"
        )
    );
    let st = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "fleet_pg::review::r5_child_ship",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            "KEYMSG_REVIEW_CHILD_SHIP",
            format!("{url}|{}", skewed.path().display()),
        )
        .env("LD_PRELOAD", lib)
        .env("FAKETIME", "+500d")
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .status()
        .unwrap();
    assert!(st.success());
    eprintln!(
        "R5 keys after the skewed host's ship: {:?}",
        pg.psql(
            db,
            "SELECT string_agg(idem_key||'@'||month, ',') FROM keymsg_keys"
        )
    );
    {
        // The same invoice retried on a correct host C.
        let hc = open(&url, c.path());
        assert_eq!(hc.count(&k).unwrap(), Counted::New);
        hc.ship().unwrap();
    }
    let total: u64 = open(&url, a.path())
        .month_counts(month, Some(PEA))
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum();
    assert_eq!(
        total, 1,
        "one invoice, retried on another host, counts once"
    );
}

/// R4. Import-then-ship: a host's journal directory exported (it is an
/// ordinary store directory) and imported into the fleet store, and the
/// same journal later ships. `import` skips a writer that ships, but the
/// shipper did not check for a writer that was imported: counted twice.
/// Now shipping refuses such a writer, saying why.
#[test]
fn shipping_a_writer_that_was_imported_is_refused() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    {
        let s = open(UNREACHABLE, j.path());
        assert_eq!(count_keys(&s, "imp", 10), 10);
    }
    let export = {
        let local = Store::open(j.path(), StoreOptions::default()).unwrap();
        local.writer_counts(march(), None).unwrap()
    };
    let central = tempfile::tempdir().unwrap();
    let fleet = open(&url, central.path());
    assert!(fleet.import(march(), &export).unwrap() > 0);
    assert_eq!(fleet_total(&url, central.path()), 10);
    let e = open(&url, j.path()).ship().unwrap_err();
    assert!(matches!(e, StoreError::Fleet { .. }), "{e:?}");
    assert!(e.to_string().contains("was imported"), "{e}");
    assert_eq!(
        fleet_total(&url, central.path()),
        10,
        "the same 10 receipts"
    );
    assert_eq!(pg.psql(db_of(&url), "SELECT count(*) FROM keymsg_raw"), "0");
}

/// R6. FLEET.md: "Old months can be detached and archived (ALTER TABLE
/// keymsg_raw DETACH PARTITION …)". A late row of a detached month (a host
/// back after months offline, a till's wrong clock) then failed every
/// batch: CREATE TABLE IF NOT EXISTS saw the detached table and created
/// nothing, the insert found no partition, and the writer's later rows, of
/// any month, were stuck behind it. Now the late row goes to a DEFAULT
/// partition and counts in its month.
#[test]
fn a_late_row_of_a_detached_month_goes_to_the_default_partition() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "m", 3), 3);
        s.ship().unwrap();
    }
    let db = db_of(&url);
    pg.psql(
        db,
        "ALTER TABLE keymsg_raw DETACH PARTITION keymsg_raw_2026_03",
    );
    let now = OffsetDateTime::now_utc();
    {
        let s = open(UNREACHABLE, j.path());
        s.count(&ins(Some("late-march".into()), at())).unwrap();
        s.count(&ins(Some("today".into()), now)).unwrap();
    }
    open(&url, j.path()).ship().unwrap();
    assert_eq!(
        pg.psql(
            db,
            "SELECT string_agg(idem_key, ',') FROM keymsg_raw_default"
        ),
        "late-march"
    );
    assert_eq!(
        fleet_total(&url, j.path()),
        4,
        "the late row counts in March"
    );
    let today: u64 = open(&url, j.path())
        .month_counts(YearMonth::of(now), Some(PEA))
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum();
    assert_eq!(today, 1, "today's receipt must reach this month's report");
}

/// R3c. After the restore of R3, a withdrawal with a sequence number above
/// the fleet's mark shipped with a `ref_seq` that, in the fleet store, named
/// a DIFFERENT (pre-restore, delivered) receipt, which was taken back. Now
/// it ships in the branch and takes back its own insertion.
#[test]
fn a_withdrawal_after_a_restore_takes_back_its_own_receipt() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let backup = tempfile::tempdir().unwrap();
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "before", 10), 10);
        s.ship().unwrap();
    }
    copy_dir(j.path(), backup.path());
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "after-backup", 5), 5); // seq 11..15
        s.ship().unwrap();
    }
    replace_dir(j.path(), backup.path());
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "after-restore", 5), 5); // seq 11..15 again
        // The first of them did not print: withdrawn (journal seq 16).
        s.withdraw(&ins(Some("after-restore-0".into()), at()), Counted::New)
            .unwrap();
        s.ship().unwrap();
    }
    let db = db_of(&url);
    assert_eq!(
        pg.psql(
            db,
            "SELECT string_agg(idem_key, ',') FROM keymsg_raw WHERE withdrawn"
        ),
        "after-restore-0"
    );
    assert_eq!(
        fleet_total(&url, j.path()),
        19,
        "15 before the restore + 4 delivered after it"
    );
}

/// Child entry point for R5b: count key `k` now (by this process's clock)
/// into journal `dir` and ship it to `url` (`url|dir|k`).
#[test]
fn r5b_child_count_and_ship() {
    let Ok(spec) = std::env::var("KEYMSG_REVIEW_CHILD_COUNT") else {
        return;
    };
    let mut it = spec.split('|');
    let (url, dir, k) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    let s = Store::open_postgres(url, dir, StoreOptions::default()).unwrap();
    assert_eq!(
        s.count(&ins(Some(k.into()), OffsetDateTime::now_utc()))
            .unwrap(),
        Counted::New
    );
    s.ship().unwrap();
    std::process::exit(0);
}

/// R5b. The mirror of R5: a till whose clock runs two years BEHIND ships
/// its receipt; the claim month was taken from the till's clock, so the
/// fleet key was dated two years back and the next correct host's `keymsg
/// ship` expired it at once. The same invoice retried on a correct host
/// then counted again (the till's row in its own wrong month, the retry in
/// the real one: 2 in total for one receipt). Claims now take the
/// database's month.
#[test]
fn a_till_with_its_clock_behind_claims_keys_in_the_databases_month() {
    let Some(pg) = shared() else { return };
    let Some(lib) = libfaketime() else { return };
    let url = fresh_db(pg);
    let (till, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let st = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "fleet_pg::review::r5b_child_count_and_ship",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            "KEYMSG_REVIEW_CHILD_COUNT",
            format!("{url}|{}|INV-900", till.path().display()),
        )
        .env("LD_PRELOAD", lib)
        .env("FAKETIME", "-730d")
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .status()
        .unwrap();
    assert!(st.success());
    let db = db_of(&url);
    eprintln!(
        "R5b key after the till shipped: {}",
        pg.psql(
            db,
            "SELECT string_agg(idem_key||'@'||month, ',') FROM keymsg_keys"
        )
    );
    open(&url, b.path()).ship().unwrap(); // any correct host's cron ship
    eprintln!(
        "R5b keys after a correct host's ship: {:?}",
        pg.psql(db, "SELECT string_agg(idem_key, ',') FROM keymsg_keys")
    );
    let now = OffsetDateTime::now_utc();
    {
        let hc = open(&url, c.path());
        assert_eq!(
            hc.count(&ins(Some("INV-900".into()), now)).unwrap(),
            Counted::New
        );
        hc.ship().unwrap();
    }
    let all = pg.psql(db, "SELECT sum(counted) FROM keymsg_counters");
    assert_eq!(
        all, "1",
        "one invoice counts once in the fleet (all months)"
    );
}

/// libfaketime, which runs a host process with its clock skewed. Installed
/// by `scripts/install-test-deps.sh`; skipped without it, except under CI
/// (`CI` set), where a skip would hide that the test never ran.
fn libfaketime() -> Option<&'static str> {
    let lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
    if Path::new(lib).is_file() {
        return Some(lib);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "libfaketime missing ({lib}): apt-get install faketime"
    );
    eprintln!("skipped: no libfaketime ({lib})");
    None
}
