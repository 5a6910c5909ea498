//! Bill runs: TIS-620 output of the default catalog, every key printed and
//! counted exactly once; a bad key does not stop the run; whatever stops a
//! run half-way, the footers counted are the footers printed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use super::{keymsg, ok, run};

const AT: &str = "2026-03-10T09:00:00+07:00";

fn write_keys(dir: &Path, name: &str, n: usize) {
    let text: String = (1..=n).map(|i| format!("INV-{i:06}\n")).collect();
    std::fs::write(dir.join(name), text).unwrap();
}

/// Documents counted in `store` for March 2026, read back through `report`.
fn counted(dir: &Path, store: &str) -> u64 {
    let out = ok(
        dir,
        &[
            "report", "--store", store, "--month", "2026-03", "--format", "json",
        ],
        "",
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    v["totals"]["documents"].as_u64().unwrap()
}

/// The bill-run summary line of `stderr`: (keys, printed, counted, skipped, failed).
fn summary(stderr: &str) -> [u64; 5] {
    let line = stderr
        .lines()
        .rfind(|l| l.contains(" printed, "))
        .unwrap_or_else(|| panic!("no summary line in: {stderr}"));
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    let n = nums.len();
    assert!(n >= 5, "{line}");
    [
        nums[n - 5],
        nums[n - 4],
        nums[n - 3],
        nums[n - 2],
        nums[n - 1],
    ]
}

#[test]
fn tis_620_bill_runs_of_300_and_10000_keys_print_and_count_every_footer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for n in [300usize, 10_000] {
        let keys = format!("keys-{n}.txt");
        let store = format!("store-{n}");
        write_keys(dir, &keys, n);
        let args = [
            "footer",
            "--keys-from",
            &keys,
            "--encoding",
            "tis-620",
            "--once-per-key",
            "--store",
            &store,
            "--agency",
            "การประปาส่วนภูมิภาคสาขาตัวอย่าง",
            "--at",
            AT,
        ];
        let out = run(dir, &args, "");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        // TIS-620 bytes: ASCII and Thai only, nothing CP874 adds.
        assert!(
            out.stdout.iter().all(|b| !(0x80..0xA1).contains(b)),
            "a byte outside TIS-620"
        );
        let text: String = out
            .stdout
            .iter()
            .map(|&b| match b {
                0..=0x7F => char::from(b),
                0xA1..=0xDA => char::from_u32(u32::from(b) - 0xA1 + 0x0E01).unwrap(),
                0xDF..=0xFB => char::from_u32(u32::from(b) - 0xDF + 0x0E3F).unwrap(),
                other => panic!("byte {other:#x} is not TIS-620"),
            })
            .collect();
        let footers: Vec<&str> = text.trim_end().split("\n\n").collect();
        assert_eq!(footers.len(), n, "one footer per key");
        let official = [
            "1441",
            "191",
            "1213",
            "1129",
            "1130",
            "1125",
            "1662",
            "thaipoliceonline.go.th",
        ];
        assert!(
            footers
                .iter()
                .all(|f| official.iter().any(|o| f.contains(o))),
            "every footer names an official channel"
        );
        assert!(!text.contains('…'));
        let n = n as u64;
        assert_eq!(summary(&stderr), [n, n, n, 0, 0], "{stderr}");
        assert_eq!(counted(dir, &store), n, "counted = printed");
        // Re-running the same bill run prints every footer again and counts none.
        let out = run(dir, &args, "");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        assert_eq!(summary(&stderr), [n, n, 0, n, 0], "{stderr}");
        assert_eq!(counted(dir, &store), n);
    }
}

/// Two receipt messages; a TIS-620 printer can print only `plain`.
const MIXED: &str = r#"
version = 1
[allow]
phones = ["1441"]
[[messages]]
id = "curly"
topic = "impersonation"
surfaces = ["receipt"]
[messages.text.th]
long = "สาย “ทายซิใครเอ่ย” ขอยืมเงิน โทร 1441"
[[messages]]
id = "plain"
topic = "impersonation"
surfaces = ["receipt"]
[messages.text.th]
long = "อย่าเชื่อ อย่ารีบ อย่าโอน สงสัยโทร 1441"
"#;

#[test]
fn a_bad_key_does_not_stop_the_run_and_every_failure_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("mixed.toml"), MIXED).unwrap();
    write_keys(dir, "keys.txt", 40);
    let base = [
        "footer",
        "--catalog",
        "mixed.toml",
        "--keys-from",
        "keys.txt",
        "--encoding",
        "tis-620",
        "--at",
        AT,
    ];
    let mut first = base.to_vec();
    first.extend(["--store", "st"]);
    let out = run(dir, &first, "");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed key fails the run: {stderr}"
    );
    let [keys, printed, count, skipped, failed] = summary(&stderr);
    assert_eq!(keys, 40);
    assert!(
        failed > 0 && printed > 0,
        "sticky selection picks both: {stderr}"
    );
    assert_eq!(printed + failed, 40, "{stderr}");
    assert_eq!((count, skipped), (printed, 0));
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("U+201C")).collect();
    assert_eq!(errors.len() as u64, failed, "{stderr}");
    assert!(errors.iter().all(|l| l.contains("keys.txt:")
        && l.contains("key `INV-")
        && l.contains("message `curly`")));
    // Every printed footer decodes, and the store counted exactly those.
    let footers = out.stdout.windows(2).filter(|w| w == b"\n\n").count() + 1;
    assert_eq!(footers as u64, printed);
    assert_eq!(counted(dir, "st"), printed);

    // JSON: one error line per failed key, in order with the footers.
    let mut json = base.to_vec();
    json.retain(|a| *a != "--encoding" && *a != "tis-620");
    json.extend(["--json", "--store", "st-json"]);
    // JSON output is UTF-8; the TIS-620 check comes from a printer profile.
    std::fs::write(
        dir.join("keymsg.toml"),
        "[[profile_def]]\nname = \"pos\"\nkind = \"columns\"\nwidth = 32\nencoding = \"tis-620\"\n",
    )
    .unwrap();
    let out = run(dir, &json, "");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("profile `pos`") && stderr.contains("U+201C"),
        "a printer profile refuses the catalog up front: {stderr}"
    );
    assert!(out.stdout.is_empty());
    std::fs::remove_file(dir.join("keymsg.toml")).unwrap();

    let out = run(dir, &json, "");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "UTF-8 prints both messages: {stderr}");
    assert_eq!(stdout.lines().count(), 40);

    // --max-errors stops early; still printed = counted.
    let mut limited = base.to_vec();
    limited.extend(["--store", "st-max", "--max-errors", "2"]);
    let out = run(dir, &limited, "");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let [keys, printed, count, _, failed] = summary(&stderr);
    assert_eq!(failed, 2, "{stderr}");
    assert!(keys < 40, "stopped early: {stderr}");
    assert!(stderr.contains("--max-errors 2"), "{stderr}");
    assert_eq!(count, printed);
    assert_eq!(counted(dir, "st-max"), printed);
}

#[test]
fn json_bill_run_writes_an_error_line_for_a_bad_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("keys.txt"), "INV-1\nINV-\u{1b}2\n\nINV-3\n").unwrap();
    let out = run(
        dir,
        &[
            "footer",
            "--keys-from",
            "keys.txt",
            "--json",
            "--store",
            "st",
            "--at",
            AT,
        ],
        "",
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["counted"], true);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["key"], "INV-\u{1b}2");
    assert!(lines[1]["error"].as_str().unwrap().contains("U+001B"));
    assert_eq!(lines[1]["counted"], false);
    assert_eq!(lines[2]["counted"], true);
    assert_eq!(summary(&stderr), [3, 2, 2, 0, 1], "{stderr}");
    assert_eq!(counted(dir, "st"), 2);
}

#[test]
fn a_footer_or_popup_that_cannot_be_written_is_not_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_keys(dir, "keys.txt", 5);
    // /dev/full: every write fails with "no space left".
    for args in [
        &["footer", "--key", "INV-1", "--store", "st", "--at", AT][..],
        &[
            "footer",
            "--keys-from",
            "keys.txt",
            "--store",
            "st",
            "--at",
            AT,
        ][..],
        &["popup", "--key", "user-1", "--store", "st", "--at", AT][..],
        &[
            "popup", "--key", "user-1", "--store", "st", "--at", AT, "--json",
        ][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = keymsg(dir)
            .args(args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains("not counted"), "{stderr}");
        assert_eq!(counted(dir, "st"), 0, "nothing printed, nothing counted");
    }
}

#[test]
fn stdout_closed_half_way_leaves_counted_equal_to_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_keys(dir, "keys.txt", 5000);
    let mut child = keymsg(dir)
        .args([
            "footer",
            "--keys-from",
            "keys.txt",
            "--json",
            "--once-per-key",
            "--store",
            "st",
            "--at",
            AT,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read 100 footers, then close the pipe: the next write fails.
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    for _ in 0..100 {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["counted"], true);
    }
    drop(reader);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("stopping the run"), "{stderr}");
    let [keys, printed, count, skipped, failed] = summary(&stderr);
    assert!(keys < 5000, "stopped: {stderr}");
    assert_eq!(failed, 1, "the footer whose write failed: {stderr}");
    assert_eq!((count, skipped), (printed, 0));
    // Written whole to the pipe = counted. (What the pipe still held when
    // it was closed was written, so it is counted too.)
    assert!(printed >= 100, "{stderr}");
    assert_eq!(counted(dir, "st"), printed);
    // The rest of the run, re-started, counts each remaining key once.
    let out = run(
        dir,
        &[
            "footer",
            "--keys-from",
            "keys.txt",
            "--json",
            "--once-per-key",
            "--store",
            "st",
            "--at",
            AT,
        ],
        "",
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert_eq!(summary(&stderr), [5000, 5000, 5000 - printed, printed, 0]);
    assert_eq!(counted(dir, "st"), 5000);
}

#[test]
fn check_encoding_names_every_unprintable_character() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("mixed.toml"), MIXED).unwrap();
    let out = run(dir, &["check", "mixed.toml", "--encoding", "tis-620"], "");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].contains("mixed.toml: message `curly`: field `text.th.long` at char 4"));
    assert!(lines[0].contains("U+201C") && lines[0].contains("tis-620"));
    assert!(lines[1].contains("at char 17") && lines[1].contains("U+201D"));
    // CP874 has curly quotes; the default catalog prints in TIS-620.
    let ok_line = ok(dir, &["check", "mixed.toml", "--encoding", "cp874"], "");
    assert!(ok_line.contains("printable in cp874"), "{ok_line}");
    let ok_line = ok(dir, &["check", "--encoding", "tis-620"], "");
    assert!(
        ok_line.starts_with("embedded default catalog: ok"),
        "{ok_line}"
    );
}
