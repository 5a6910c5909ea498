//! Each error class: one line on stderr naming what is wrong, and the exit
//! code documented in `keymsg --help` (1 invalid input, 2 usage, 3 store, 4 I/O).

use super::{columns, fails, ok, run};

#[test]
fn missing_file_is_io_error_4_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // `check` validates the file it is given: a missing one is invalid input.
    let line = fails(dir, &["check", "no-such-catalog.toml"], 1);
    assert!(line.contains("no-such-catalog.toml"), "{line}");
    let line = fails(dir, &["footer", "--catalog", "gone.json"], 4);
    assert!(line.contains("gone.json"), "{line}");
    let line = fails(dir, &["merge", "nope.json", "--agency", "d"], 4);
    assert!(line.contains("nope.json"), "{line}");
    let line = fails(dir, &["footer", "--keys-from", "keys.txt"], 4);
    assert!(line.contains("keys.txt"), "{line}");
    let line = fails(dir, &["--config", "missing.toml", "footer"], 4);
    assert!(line.contains("missing.toml"), "{line}");
}

#[test]
fn bad_catalog_is_1_with_file_message_and_position() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Syntax error: file, line and column.
    std::fs::write(
        dir.join("syntax.toml"),
        "version = 1\n[[messages]\nid = \"x\"\n",
    )
    .unwrap();
    let line = fails(dir, &["check", "syntax.toml"], 1);
    assert!(line.starts_with("keymsg: syntax.toml:2:"), "{line}");

    // Content problems: one line per problem, each with file and message id.
    std::fs::write(
        dir.join("bad.toml"),
        "version = 1\n\
         [[messages]]\nid = \"a\"\ntopic = \"t\"\n[messages.text.th]\nlong = \"   \"\n\
         [[messages]]\nid = \"b\"\ntopic = \"t\"\n[messages.text.th]\nlong = \"โทร 099-999-9999\"\n",
    )
    .unwrap();
    let out = run(dir, &["check", "bad.toml"], "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].contains("bad.toml") && lines[0].contains("message `a`"),
        "{stderr}"
    );
    assert!(
        lines[1].contains("bad.toml") && lines[1].contains("message `b`"),
        "{stderr}"
    );
    assert!(
        lines[1].contains("at char"),
        "position of the phone number: {stderr}"
    );

    // The same catalog given to footer fails the same way.
    let out = run(dir, &["footer", "--catalog", "bad.toml"], "");
    assert_eq!(out.status.code(), Some(1));
}

/// `[layout]` came with catalog schema 2: a file that uses it without
/// saying `schema = 2` is refused by `check` and by the commands that load
/// it, one line naming the file and the fix; a file from a newer keymsg is
/// refused as such, not by the field this keymsg does not know.
#[test]
fn layout_without_schema_2_is_1_saying_to_set_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let messages = "[[messages]]\nid = \"m\"\ntopic = \"general\"\n\
                    [messages.text.th]\nlong = \"โปรดลงทะเบียนผ่านแอปฟ้าใสพารวยเท่านั้น\"\n";
    let layout = "[layout]\nwords = [\"ฟ้าใสพารวย\"]\n";
    std::fs::write(
        dir.join("agency.toml"),
        format!("version = 1\n{layout}{messages}"),
    )
    .unwrap();
    let want = "keymsg: agency.toml: field `layout`: needs `schema = 2`, and the file is \
                schema 1 (1 when it has no `schema`): set `schema = 2` at its top \
                (JSON: `\"schema\": 2`)";
    assert_eq!(fails(dir, &["check", "agency.toml"], 1), want);
    assert_eq!(fails(dir, &["footer", "--catalog", "agency.toml"], 1), want);
    std::fs::write(
        dir.join("agency.toml"),
        format!("schema = 2\nversion = 1\n{layout}{messages}"),
    )
    .unwrap();
    ok(dir, &["check", "agency.toml"], "");
    std::fs::write(
        dir.join("future.toml"),
        format!("schema = 3\nversion = 1\n[shiny]\nnew = true\n{messages}"),
    )
    .unwrap();
    assert_eq!(
        fails(dir, &["check", "future.toml"], 1),
        "keymsg: future.toml: catalog schema 3 needs a newer keymsg \
         (this one reads schemas 1 to 2)"
    );
}

#[test]
fn unknown_profile_is_usage_error_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let line = fails(dir, &["footer", "--profile", "receipt-99mm"], 2);
    assert!(
        line.contains("receipt-99mm") && line.contains("receipt-58mm"),
        "{line}"
    );
    let line = fails(dir, &["preview", "--profile", "receipt-99mm"], 2);
    assert!(line.contains("receipt-99mm"), "{line}");
    let line = fails(dir, &["footer", "--profile", "popup", "--width", "20"], 2);
    assert!(line.contains("popup"), "{line}");
}

#[test]
fn unwritable_store_is_store_error_3() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("plain-file"), "not a directory").unwrap();
    // A store below a regular file cannot be created (even as root).
    let line = fails(
        dir,
        &["footer", "--store", "plain-file/store", "--key", "K"],
        3,
    );
    assert!(line.contains("plain-file/store"), "{line}");
    // A regular file is not a store.
    let line = fails(dir, &["footer", "--store", "plain-file", "--key", "K"], 3);
    assert!(line.contains("plain-file"), "{line}");
    let line = fails(
        dir,
        &[
            "record",
            "--store",
            "plain-file",
            "--month",
            "2026-03",
            "--channel",
            "online",
            "--message",
            "aoc-1441",
            "--count",
            "1",
        ],
        3,
    );
    assert!(line.contains("plain-file"), "{line}");
    // Reporting from a store that does not exist is an error, not an empty report.
    let line = fails(dir, &["report", "--store", "typo", "--month", "2026-03"], 3);
    assert!(line.contains("typo"), "{line}");
}

#[test]
fn bad_month_is_usage_error_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for month in ["2026-13", "March", "2026-3", "26-03"] {
        let line = fails(
            dir,
            &[
                "record",
                "--store",
                "s",
                "--month",
                month,
                "--channel",
                "online",
                "--message",
                "aoc-1441",
                "--count",
                "1",
            ],
            2,
        );
        assert!(line.contains(month) && line.contains("YYYY-MM"), "{line}");
        fails(dir, &["report", "--store", "s", "--month", month], 2);
    }
    assert!(!dir.join("s").exists(), "nothing created on a usage error");
}

#[test]
fn other_usage_and_input_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fails(dir, &["footer", "--no-such-flag"], 2);
    fails(dir, &["frobnicate"], 2);
    fails(dir, &["wrap"], 2); // --width is required
    fails(dir, &["wrap", "--width", "0"], 2);
    fails(dir, &["footer", "--at", "yesterday"], 2);
    let line = fails(
        dir,
        &[
            "record",
            "--store",
            "s",
            "--month",
            "2026-03",
            "--channel",
            "radio",
            "--message",
            "aoc-1441",
            "--count",
            "1",
        ],
        2,
    );
    assert!(line.contains("on-air"), "lists the channels: {line}");
    // Unknown message id: invalid input.
    let line = fails(
        dir,
        &[
            "record",
            "--store",
            "s",
            "--month",
            "2026-03",
            "--channel",
            "online",
            "--message",
            "no-such-id",
            "--count",
            "1",
        ],
        1,
    );
    assert!(line.contains("no-such-id"), "{line}");
    // A control character on stdin would reach the printer: invalid input.
    let out = run(dir, &["wrap", "--width", "10"], "abc\u{1b}[0m");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdin"));
    // More text than one layout call accepts: invalid input, before any work.
    for cmd in ["wrap", "truncate"] {
        let args = [cmd, "--width", "8", "--max-input-bytes", "10"];
        let out = run(dir, &args, "abcdefghijk\n");
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("over the limit of 10 bytes"), "{stderr}");
        assert!(stderr.contains("--max-input-bytes"), "{stderr}");
        // A final line break is not text.
        assert!(ok(dir, &args, "abcdefghij\r\n").starts_with("abcdefg"));
    }
    // Not UTF-8 on stdin.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keymsg"))
        .args(["width"])
        .stdin(std::fs::File::open(write(dir, "tis.txt", b"\xa1\xa2")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("byte offset 0"));
    // A report that is not a report.
    std::fs::write(dir.join("x.json"), "{\"hello\": 1}").unwrap();
    let line = fails(dir, &["merge", "x.json", "--agency", "d"], 1);
    assert!(line.contains("x.json"), "{line}");
    // XLSX is never written to a terminal; to a pipe it is fine (see month.rs).
    assert!(ok(dir, &["catalog", "--format", "json"], "").contains("aoc-1441"));
}

#[test]
fn bad_config_is_1_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("keymsg.toml"), "agency = \"x\"\nstroe = \"s\"\n").unwrap();
    let line = fails(dir, &["footer"], 1);
    assert!(
        line.contains("keymsg.toml") && line.contains("line 2"),
        "{line}"
    );
    assert!(line.contains("stroe"), "{line}");
    // Commands that need no config still work.
    assert_eq!(ok(dir, &["width"], "abc\n"), "3\n");
    // A profile that is checked as a whole once read is reported at its
    // key, not at the first `[[profile_def]]` (line 1 here).
    std::fs::write(
        dir.join("keymsg.toml"),
        "[[profile_def]]\nname = \"kiosk\"\nkind = \"columns\"\nwidth = 40\n\n\
         [[profile_def]]\nname = \"text\"\nkind = \"sms\"\nsegments = 1\nwidth = 3\n",
    )
    .unwrap();
    assert_eq!(
        fails(dir, &["footer"], 1),
        "keymsg: config `keymsg.toml`: line 10, column 1: invalid layout profile \"text\": \
         field `width` does not apply to kind \"sms\" (allowed: segments)"
    );
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A `[[profile_def]]` profile some message cannot fit stops `footer` at
/// start and fails `keymsg check`, one line per message and language,
/// naming the profile; `--allow-lossy` accepts cut output instead. A
/// profile every message fits is used as before.
#[test]
fn a_config_profile_a_message_cannot_fit_stops_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("keymsg.toml"),
        "[[profile_def]]\nname = \"ticker\"\nkind = \"columns\"\nwidth = 40\nmax_lines = 1\n",
    )
    .unwrap();
    for args in [
        &["footer", "--key", "A", "--profile", "ticker"][..],
        &["check"],
    ] {
        let out = run(dir, args, "");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(lines.len() > 2, "{stderr}");
        assert!(
            lines[0].starts_with("keymsg: catalog (version 2) for profile `ticker`: message `"),
            "{stderr}"
        );
        for l in &lines {
            assert!(
                l.contains(
                    "does not fit profile `ticker`: even the shortest variant would be truncated"
                ),
                "{l}"
            );
        }
        assert!(
            stderr.contains("field `text.th`") && stderr.contains("field `text.en`"),
            "{stderr}"
        );
    }
    // Lossy output accepted: the footer prints, cut to one line.
    let out = ok(
        dir,
        &[
            "footer",
            "--key",
            "A",
            "--profile",
            "ticker",
            "--allow-lossy",
        ],
        "",
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    // A preview shows how the messages look in it (it serves no footer).
    ok(dir, &["preview", "--profile", "ticker", "-o", "p.html"], "");
    // Wider and taller: every message fits, footer and check agree.
    std::fs::write(
        dir.join("keymsg.toml"),
        "[[profile_def]]\nname = \"kiosk\"\nkind = \"columns\"\nwidth = 40\nmax_lines = 6\n",
    )
    .unwrap();
    let out = ok(dir, &["footer", "--key", "A", "--profile", "kiosk"], "");
    assert!(out.lines().all(|l| columns(l) <= 40), "{out}");
    assert!(ok(dir, &["check"], "").contains(": ok — "));
    // With a store, the check is remembered in its trust state (the next
    // start does not lay every message out again) and the footer is the same.
    // (The trust state lives in the store directory once it exists: from
    // the second start.)
    let args = [
        "footer",
        "--key",
        "A",
        "--profile",
        "kiosk",
        "--store",
        "st",
    ];
    assert_eq!(ok(dir, &args, ""), out);
    assert_eq!(ok(dir, &args, ""), out);
    let record = dir.join("st/catalog-trust/profiles-checked");
    let first = std::fs::read_to_string(&record).unwrap();
    assert_eq!(ok(dir, &args, ""), out);
    assert_eq!(std::fs::read_to_string(&record).unwrap(), first);
    // Narrower than any key message may be printed: named at start.
    std::fs::write(
        dir.join("keymsg.toml"),
        "[[profile_def]]\nname = \"slip\"\nkind = \"columns\"\nwidth = 12\n",
    )
    .unwrap();
    assert_eq!(
        fails(dir, &["footer", "--key", "A"], 1),
        "keymsg: invalid layout profile \"slip\": width 12 is below the minimum of 16 columns \
         for a key message"
    );
}
