//! Pop-up caps shared by processes.

use super::*;

#[test]
fn caps_hold_across_two_server_processes_on_one_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keymsg.toml"),
        "[caps]\nper_day = 3\nmin_gap_seconds = 0\n",
    )
    .unwrap();
    let args = ["--config", "keymsg.toml", "--store", "st"];
    let a = Server::start(dir.path(), &args);
    let b = Server::start(dir.path(), &args);
    let shown = Arc::new(AtomicU64::new(0));
    let capped = Arc::new(AtomicU64::new(0));
    // 4 clients per server, 10 requests each, the same two subjects.
    let mut threads = Vec::new();
    for (i, addr) in [a.addr, b.addr].into_iter().cycle().take(8).enumerate() {
        let (shown, capped) = (Arc::clone(&shown), Arc::clone(&capped));
        threads.push(std::thread::spawn(move || {
            for _ in 0..10 {
                let subject = if i % 2 == 0 {
                    "same-user"
                } else {
                    "other-user"
                };
                let path = format!("/v1/popup?subject={subject}&at=2026-03-15T10:00:00%2B07:00");
                let (status, _, _) = http(addr, "GET", &path, &[], b"").unwrap();
                match status {
                    200 => shown.fetch_add(1, Ordering::Relaxed),
                    204 => capped.fetch_add(1, Ordering::Relaxed),
                    other => panic!("status {other}"),
                };
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    // Two subjects, three each per day: exactly six shown, whichever replica answered.
    assert_eq!(shown.load(Ordering::Relaxed), 6);
    assert_eq!(capped.load(Ordering::Relaxed), 74);
    // The 204 says when to come back (Bangkok midnight, 14 h later).
    let (status, head, _) = http(
        b.addr,
        "GET",
        "/v1/popup?subject=same-user&at=2026-03-15T10:00:00%2B07:00",
        &[],
        b"",
    )
    .unwrap();
    assert_eq!(status, 204);
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 50400"),
        "{head}"
    );
    // The next Bangkok day the subject may see one again.
    let (status, _) = get_json(
        a.addr,
        "/v1/popup?subject=same-user&at=2026-03-16T00:00:00%2B07:00",
        &[],
    );
    assert_eq!(status, 200);
    // Without a subject, caps cannot apply: a 400 naming it (`key`, its
    // name in every front end; `subject` above is the older name).
    let (status, v) = get_json(a.addr, "/v1/popup", &[]);
    assert_eq!((status, v["error"]["field"].as_str()), (400, Some("key")));
    let (_, _, metrics) = http(a.addr, "GET", "/metrics", &[], b"").unwrap();
    assert!(
        String::from_utf8(metrics)
            .unwrap()
            .contains("keymsg_server_popups_capped_total")
    );
    a.stop();
    b.stop();
}

#[test]
fn the_cli_and_the_server_share_one_cap_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let popup = |at: &str| {
        Command::new(env!("CARGO_BIN_EXE_keymsg"))
            .current_dir(dir.path())
            .env_remove("KEYMSG_CONFIG")
            .args(["popup", "--store", "st", "--key", "user-7", "--json"])
            .args(["--at", at, "--cap-per-day", "2"])
            .output()
            .unwrap()
    };
    let first = popup("2026-03-15T10:00:00+07:00");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(v["counted"], true);
    // The server, on the same store with the same cap, grants the second...
    std::fs::write(dir.path().join("keymsg.toml"), "[caps]\nper_day = 2\n").unwrap();
    let server = Server::start(dir.path(), &["--config", "keymsg.toml", "--store", "st"]);
    let path = "/v1/popup?subject=user-7&at=2026-03-15T11:00:00%2B07:00";
    assert_eq!(get_json(server.addr, path, &[]).0, 200);
    assert_eq!(get_json(server.addr, path, &[]).0, 204);
    // ... and the CLI now sees the cap reached: nothing shown or counted.
    let third = popup("2026-03-15T12:00:00+07:00");
    assert!(third.status.success());
    let v: serde_json::Value = serde_json::from_slice(&third.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"capped": true, "retry_at": "2026-03-16T00:00:00+07:00"})
    );
    assert!(String::from_utf8_lossy(&third.stderr).contains("not now"));
    // Caps need a subject.
    let out = Command::new(env!("CARGO_BIN_EXE_keymsg"))
        .current_dir(dir.path())
        .args(["popup", "--store", "st", "--cap-per-day", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    server.stop();
}
