//! Hostile and unlucky input at the command line: a clear error (never a
//! panic, exit 101), no control byte in any output, counts that are bounded,
//! stores that say what they lost.

use super::{fails, ok, run};

/// No byte of `out` is a control character other than a line feed (or the
/// carriage return of CSV's line ends), and no bidi control appears.
fn assert_text(what: &str, out: &[u8]) {
    let s = String::from_utf8_lossy(out);
    let bad: Vec<char> = s
        .chars()
        .filter(|&c| c != '\n' && c != '\r' && keymsg_core::is_unsafe_char(c))
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in {s:?}");
}

#[test]
fn the_last_instant_of_time_is_refused_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for at in [
        "9999-12-31T23:59:59Z",
        "9999-01-01T00:00:00+07:00",
        "0000-12-31T16:59:59Z",
        "2569-03-10T10:00:00+07:00", // a Buddhist Era year typed as CE
    ] {
        let line = fails(
            dir,
            &["footer", "--key", "A", "--at", at, "--store", "s"],
            2,
        );
        assert!(line.contains("years 1 to 2399"), "{line}");
        let line = fails(dir, &["popup", "--key", "u", "--at", at, "--store", "s"], 2);
        assert!(line.contains("years 1 to 2399"), "{line}");
        let line = fails(dir, &["explain", "--key", "A", "--at", at], 2);
        assert!(line.contains("years 1 to 2399"), "{line}");
    }
    ok(
        dir,
        &[
            "footer",
            "--key",
            "A",
            "--at",
            "2026-03-10T10:00:00+07:00",
            "--store",
            "s",
        ],
        "",
    );
    let json = ok(
        dir,
        &[
            "report", "--store", "s", "--month", "2026-03", "--format", "json",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["totals"]["documents"], 1, "only the valid footer counted");
}

#[test]
fn counts_above_the_maximum_are_refused_not_clamped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let rec = |n: &str| {
        vec![
            "record",
            "--store",
            "s",
            "--month",
            "2026-03",
            "--channel",
            "online",
            "--message",
            "aoc-1441",
            "--count",
            n,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    for n in ["18446744073709551615", "9223372036854775807", "1000000001"] {
        let args = rec(n);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let line = fails(dir, &args, 2);
        assert!(line.contains(n) && line.contains("1000000000"), "{line}");
    }
    let args = rec("1000000000");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(dir, &args, "");
}

#[test]
fn escapes_in_tokens_ids_and_names_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let evil = "\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}";
    for args in [
        vec!["replay".to_owned(), format!("k1.1.{evil}")],
        vec![
            "footer".into(),
            "--agency".into(),
            format!("PEA{evil}"),
            "--store".into(),
            "s".into(),
        ],
        vec![
            "record".into(),
            "--store".into(),
            "s".into(),
            "--month".into(),
            "2026-03".into(),
            "--channel".into(),
            "online".into(),
            "--message".into(),
            format!("x{evil}"),
            "--count".into(),
            "1".into(),
        ],
        vec![
            "report".into(),
            "--store".into(),
            "s".into(),
            "--month".into(),
            "2026-03".into(),
            "--agency".into(),
            format!("A{evil}"),
        ],
        vec!["check".into(), format!("{evil}.toml")],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(dir, &args, "");
        assert!(!out.status.success(), "{args:?}");
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked");
        assert_text("stdout", &out.stdout);
        assert_text("stderr", &out.stderr);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("\\u{1b}")
                || String::from_utf8_lossy(&out.stderr).contains("U+001B"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for cmd in ["wrap", "truncate"] {
        let out = run(dir, &[cmd, "--width", "10"], "โทร \u{202e}1441\n");
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("U+202E"));
        assert_text(cmd, &out.stdout);
    }
}

#[test]
fn a_zero_width_space_never_splits_the_hotline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(
        tmp.path(),
        &["wrap", "--width", "6"],
        "โทร 1\u{200B}441 ok\n",
    );
    let lines: Vec<String> = out.lines().map(|l| l.replace('\u{200B}', "")).collect();
    assert!(lines.iter().any(|l| l == "1441"), "{lines:?}");
    assert!(
        !lines
            .iter()
            .any(|l| l.ends_with("14") || l.starts_with("41")),
        "{lines:?}"
    );
}

#[test]
fn a_forged_unit_report_is_refused_by_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "footer",
            "--key",
            "A",
            "--store",
            "s",
            "--agency",
            "unit-a",
            "--at",
            "2026-03-10T10:00:00+07:00",
        ],
        "",
    );
    let json = ok(
        dir,
        &[
            "report", "--store", "s", "--month", "2026-03", "--agency", "unit-a", "--format",
            "json",
        ],
        "",
    );
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["agency"] = serde_json::json!("unit-a\u{1b}[2J");
    std::fs::write(dir.join("esc.json"), v.to_string()).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["rows"][0]["online"] = serde_json::json!(u64::MAX);
    std::fs::write(dir.join("big.json"), v.to_string()).unwrap();
    for f in ["esc.json", "big.json"] {
        let line = fails(dir, &["merge", f, "--agency", "d"], 1);
        assert!(line.contains("invalid report"), "{line}");
        assert_text(f, line.as_bytes());
    }
}

#[test]
fn a_store_that_lost_counts_says_so_and_is_repaired_only_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for k in ["A", "B", "C"] {
        ok(
            dir,
            &[
                "footer",
                "--key",
                k,
                "--store",
                "s",
                "--at",
                "2026-03-10T10:00:00+07:00",
            ],
            "",
        );
    }
    let out = ok(dir, &["store", "verify", "--store", "s"], "");
    assert!(out.contains("w-0.sqlite: ok, 3 counts"), "{out}");
    std::fs::File::create(dir.join("s/w-0.sqlite")).unwrap(); // emptied
    let out = run(dir, &["store", "verify", "--store", "s"], "");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("w-0.sqlite: LOST 3 counts"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(": 1 file lost 3 acknowledged counts"),
        "{stderr}"
    );
    let line = fails(dir, &["report", "--store", "s", "--month", "2026-03"], 3);
    assert!(
        line.contains("w-0.sqlite") && line.contains("lost 3 acknowledged counts"),
        "{line}"
    );
    fails(dir, &["store", "repair", "--store", "s"], 2);
    let out = ok(
        dir,
        &["store", "repair", "--store", "s", "--accept-loss"],
        "",
    );
    assert!(out.contains("accepted the loss of 3 counts"), "{out}");
    ok(dir, &["store", "verify", "--store", "s"], "");
}
