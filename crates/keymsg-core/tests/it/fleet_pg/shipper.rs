//! The shipper under faults: killed mid-batch, key retention, a full
//! journal disk, rows already stored.

use super::*;

/// Environment variable that makes `child_shipper` ship a journal.
const CHILD: &str = "KEYMSG_TEST_PG_SHIPPER";

/// Child entry point: ship the journal `dir` to `url` (`url|dir`); a no-op
/// in a normal test run.
#[test]
fn child_shipper() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let (url, dir) = spec.split_once('|').unwrap();
    let s = Store::open_postgres(url, dir, StoreOptions::default()).unwrap();
    let _ = s.ship();
    // Exit without dropping: no bounded wait, no clean-up.
    std::process::exit(0);
}

#[test]
fn the_shipper_killed_mid_batch_never_loses_or_doubles_a_row() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    // The parent only journals (its own shipper points at a port where
    // nothing listens); children ship and are killed at random.
    let journal = open(UNREACHABLE, j.path());
    let child = || {
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "fleet_pg::shipper::child_shipper",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, format!("{url}|{}", j.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a child takes to start and ship 1,000 rows, unhindered.
    let mut acked = count_keys(&journal, "warm", 1000);
    let t = Instant::now();
    assert!(child().wait().unwrap().success());
    let full = t.elapsed().as_millis() as u64;
    let start = Instant::now();
    let mut rounds = 0;
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    while rounds < 100 {
        // More rows to ship each round; kill at a random moment of the
        // child's life (before, during or after its transactions).
        acked += count_keys(&journal, &format!("r{rounds}"), 1000);
        let mut c = child();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(seed % (full + 1)));
        let _ = c.kill(); // SIGKILL
        let _ = c.wait();
        rounds += 1;
    }
    let db = db_of(&url);
    let before = pg.psql(db, "SELECT count(*) FROM keymsg_raw");
    eprintln!(
        "shipper kill -9: {rounds} rounds in {:.1} s (a child ships 1,000 rows in {full} ms), \
         {before} of {acked} rows shipped before the final run",
        start.elapsed().as_secs_f64()
    );
    drop(journal);
    let s = open(&url, j.path());
    s.ship().unwrap();
    assert_eq!(
        pg.psql(db, "SELECT count(*) FROM keymsg_raw"),
        acked.to_string()
    );
    assert_eq!(
        pg.psql(db, "SELECT sum(counted) FROM keymsg_counters"),
        acked.to_string()
    );
    assert_eq!(fleet_total(&url, j.path()), acked);
}

#[test]
fn keys_older_than_the_retention_expire_when_shipping() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let s = open(&url, j.path());
    let now = OffsetDateTime::now_utc();
    s.count(&ins(
        Some("old".into()),
        now - time::Duration::days(3 * 365),
    ))
    .unwrap();
    s.count(&ins(Some("new".into()), now)).unwrap();
    s.ship().unwrap();
    let db = db_of(&url);
    // A claim expires by the later of its insertion's month and the month it
    // is claimed in: the insertion dated three years back, claimed today,
    // keeps its key as long as today's.
    let keys = "SELECT string_agg(idem_key, ',' ORDER BY idem_key) FROM keymsg_keys";
    assert_eq!(pg.psql(db, keys), "new,old");
    // Claimed three years ago, it expires at the next shipment.
    let old_month = YearMonth::of(now - time::Duration::days(3 * 365)).to_string();
    pg.psql(
        db,
        &format!("UPDATE keymsg_keys SET month = '{old_month}' WHERE idem_key = 'old'"),
    );
    s.count(&ins(Some("newer".into()), now)).unwrap();
    s.ship().unwrap();
    assert_eq!(pg.psql(db, keys), "new,newer");
    // Counts and raw rows are never expired.
    assert_eq!(pg.psql(db, "SELECT count(*) FROM keymsg_raw"), "3");
}

#[test]
fn a_full_journal_disk_fails_the_count_and_ships_nothing_wrong() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let s = open(&url, j.path());
    let mut acked = count_keys(&s, "before", 50);
    // The journal's disk fills up (a size cap behaves as a full disk).
    let size = std::fs::metadata(s.writer_file().unwrap()).unwrap().len();
    s.set_max_file_bytes(Some(size)).unwrap();
    let mut failed = 0;
    for i in 0..2000 {
        match s.count(&ins(Some(format!("full-{i}")), at())) {
            Ok(Counted::New) => acked += 1,
            Ok(other) => panic!("{other:?}"),
            Err(StoreError::DiskFull { .. }) => failed += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(failed > 0, "the cap was never reached");
    // Space again: counting and shipping carry on; a retry of a failed key counts.
    s.set_max_file_bytes(None).unwrap();
    let retried = count_keys(&s, "full", 2000);
    assert_eq!(retried, failed, "exactly the failed keys count on retry");
    acked += retried + count_keys(&s, "after", 50);
    s.ship().unwrap();
    s.integrity_check().unwrap();
    assert_eq!(fleet_total(&url, j.path()), acked);
}

#[test]
fn rows_already_stored_above_a_lowered_mark_are_not_counted_twice() {
    // Raw rows go in with COPY, which fails on a row already stored; the
    // batch is then shipped again with ON CONFLICT DO NOTHING. A mark set
    // back by hand (rows above it stored) must take that path and count
    // only the new rows.
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    {
        let s = open(UNREACHABLE, j.path());
        count_keys(&s, "a", 200);
    }
    let s = open(&url, j.path());
    s.ship().unwrap();
    assert_eq!(fleet_total(&url, j.path()), 200);
    let db = db_of(&url);
    pg.psql(db, "UPDATE keymsg_writers SET shipped_seq = 50");
    drop(s);
    {
        let s = open(UNREACHABLE, j.path());
        count_keys(&s, "b", 30);
    }
    // This store's own shipper may ship them first; either way only the 30
    // new rows are stored.
    let s = open(&url, j.path());
    s.ship().unwrap();
    assert_eq!(fleet_total(&url, j.path()), 230);
    assert_eq!(pg.psql(db, "SELECT count(*) FROM keymsg_raw"), "230");
    assert_eq!(
        pg.psql(db, "SELECT max(shipped_seq) FROM keymsg_writers"),
        "230"
    );
}

#[test]
fn a_fleet_report_checks_the_agency_and_carries_each_writers_counters() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let s = open(&url, j.path());
    for agency in [PEA, "PWA Lampang", "MEA Bangkok"] {
        let mut i = ins(None, at());
        i.agency = agency.into();
        s.count(&i).unwrap();
    }
    s.ship().unwrap();
    let catalog = keymsg_core::Catalog::embedded().unwrap();
    let r = keymsg_core::report::Report::from_store(&s, &catalog, march(), Some(PEA)).unwrap();
    assert_eq!(r.totals.documents, 1);
    assert_eq!(r.writers.len(), 1, "one writer: this host's journal file");
    let e = keymsg_core::report::Report::from_store(&s, &catalog, march(), Some("PEA Lampang"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`MEA Bangkok`, `PEA Chiang Mai`, `PWA Lampang`"),
        "every agency, in order: {e}"
    );
}

#[test]
fn cap_claims_on_two_ledgers_never_exceed_the_cap_and_migrate_a_v1_database() {
    use keymsg_core::select::Caps;
    use keymsg_core::store::{CapClaim, CapLedger, PgCapLedger, open_cap_ledger};
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let db = db_of(&url).to_owned();
    // A database of the first fleet schema (before caps, per-agency
    // import epochs, refused rows and journal branches): migrated on first use.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(fleet_total(&url, &dir.path().join("j")), 0);
    pg.psql(
        &db,
        "DROP TABLE keymsg_caps; DROP TABLE keymsg_import_epochs; DROP TABLE keymsg_refused; \
         ALTER TABLE keymsg_writers DROP COLUMN shipped_acked_at, DROP COLUMN branch_of, \
         DROP COLUMN branch_base; UPDATE keymsg_schema SET version = 1",
    );
    let caps = Caps {
        per_day: Some(5),
        per_week: None,
        min_gap: None,
    };
    // Two "hosts" (ledgers with their own connections), 4 threads each.
    let ledgers: Vec<Arc<dyn CapLedger>> = vec![
        Arc::new(PgCapLedger::open(&url).unwrap()),
        Arc::from(open_cap_ledger(Path::new(&url), Duration::from_secs(5)).unwrap()),
    ];
    let granted = Arc::new(AtomicU32::new(0));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let l = Arc::clone(&ledgers[i % 2]);
            let granted = Arc::clone(&granted);
            std::thread::spawn(move || {
                for _ in 0..10 {
                    if l.claim("user-42", at(), &caps).unwrap() == CapClaim::Granted {
                        granted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(granted.load(Ordering::Relaxed), 5);
    assert_eq!(pg.psql(&db, "SELECT version FROM keymsg_schema"), "5");
    // The canonical key: the same subject however it is spaced or cased.
    assert!(matches!(
        ledgers[1].claim(" USER-42 ", at(), &caps).unwrap(),
        CapClaim::Held { .. }
    ));
    assert_eq!(
        ledgers[0]
            .claim("user-42", at() + time::Duration::days(1), &caps)
            .unwrap(),
        CapClaim::Granted
    );
    assert!(ledgers[0].claim("", at(), &caps).is_err());
    // PostgreSQL unreachable: an error (nothing noted), never a panic.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = PgCapLedger::open(&format!("postgres://keymsg@127.0.0.1:{closed}/x")).unwrap();
    assert!(matches!(
        down.claim("user-42", at(), &caps),
        Err(StoreError::Fleet { .. })
    ));
    assert!(PgCapLedger::open("postgres://[bad").is_err());
}
