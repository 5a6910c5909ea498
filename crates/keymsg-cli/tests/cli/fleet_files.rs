//! Fleet counting with files: two hosts of one agency, export and import.

use serde_json::Value;

use crate::ok;

fn footers(dir: &std::path::Path, store: &str, n: usize, prefix: &str) {
    for i in 0..n {
        ok(
            dir,
            &[
                "footer",
                "--store",
                store,
                "--agency",
                "PEA Chiang Mai",
                "--key",
                &format!("{prefix}-{i}"),
                "--at",
                "2026-03-10T10:00:00+07:00",
            ],
            "",
        );
    }
}

fn documents(json: &str) -> u64 {
    let v: Value = serde_json::from_str(json).unwrap();
    v["totals"]["documents"].as_u64().unwrap()
}

#[test]
fn the_readme_two_host_merge_gives_four() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    footers(dir, "host1-store", 1, "a");
    footers(dir, "host2-store", 3, "b");
    for (store, file) in [("host1-store", "host1.json"), ("host2-store", "host2.json")] {
        ok(
            dir,
            &[
                "report",
                "--store",
                store,
                "--month",
                "2026-03",
                "--agency",
                "PEA Chiang Mai",
                "--format",
                "json",
                "-o",
                file,
            ],
            "",
        );
    }
    let merged = ok(
        dir,
        &[
            "merge",
            "host1.json",
            "host2.json",
            "--agency",
            "PEA Chiang Mai",
        ],
        "",
    );
    assert_eq!(documents(&merged), 4);
    // A file sent twice changes nothing.
    let again = ok(
        dir,
        &[
            "merge",
            "host1.json",
            "host2.json",
            "host2.json",
            "--agency",
            "PEA Chiang Mai",
        ],
        "",
    );
    assert_eq!(documents(&again), 4);
    // The summary goes to stderr when the report goes to stdout.
    let summary = |files: &[&str]| {
        let mut args = vec!["merge"];
        args.extend_from_slice(files);
        args.extend_from_slice(&["--agency", "PEA Chiang Mai"]);
        let out = crate::run(dir, &args, "");
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let one = summary(&["host1.json"]);
    assert!(one.starts_with("merged 1 report of 1 unit for "), "{one}");
    let three = summary(&["host1.json", "host2.json", "host2.json"]);
    assert!(three.starts_with("merged 3 reports of "), "{three}");
}

#[test]
fn exports_imported_twice_change_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    footers(dir, "office", 3, "o");
    footers(dir, "district", 2, "d");
    ok(
        dir,
        &[
            "export",
            "--store",
            "office",
            "--month",
            "2026-03",
            "-o",
            "office.json",
        ],
        "",
    );
    let first = ok(dir, &["import", "office.json", "--store", "district"], "");
    assert!(first.contains(", 1 writer, "), "{first}");
    assert!(first.contains(" counters changed"), "{first}");
    assert!(!first.contains("(already imported)"), "{first}");
    let second = ok(dir, &["import", "office.json", "--store", "district"], "");
    assert!(
        second.contains(", 1 writer, 0 counters changed (already imported)"),
        "{second}"
    );
    let report = ok(
        dir,
        &[
            "report", "--store", "district", "--month", "2026-03", "--format", "json",
        ],
        "",
    );
    assert_eq!(documents(&report), 5);
    // A unit report is accepted too, and is the same writer: nothing changes.
    ok(
        dir,
        &[
            "report",
            "--store",
            "office",
            "--month",
            "2026-03",
            "--format",
            "json",
            "-o",
            "office-report.json",
        ],
        "",
    );
    let third = ok(
        dir,
        &["import", "office-report.json", "--store", "district"],
        "",
    );
    assert!(third.contains("(already imported)"), "{third}");
    let m = ok(dir, &["metrics", "--store", "district"], "");
    assert!(m.contains("# TYPE keymsg_insertions_total counter"), "{m}");
    assert!(m.contains("keymsg_store_writer_files 2"), "{m}");
}

#[test]
fn a_footer_with_the_fleet_store_down_prints_counts_and_warns() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // Nothing listens on port 1.
    let out = crate::run(
        dir,
        &[
            "footer",
            "--store",
            "postgres://keymsg:secret@127.0.0.1:1/fleet",
            "--journal",
            "journal",
            "--key",
            "INV-1",
            "--json",
        ],
        "",
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["counted"], serde_json::Value::Bool(true));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: counted in the journal"), "{err}");
    assert!(err.contains("cannot connect"), "{err}");
    assert!(!err.contains("secret"), "{err}");
    // Without a journal the command says what is missing.
    let out = crate::run(
        dir,
        &[
            "footer",
            "--store",
            "postgres://keymsg@127.0.0.1:1/fleet",
            "--key",
            "INV-2",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--journal"));
}
