//! Help: every command has `--help` with a worked example; the top level
//! documents the exit codes.

use super::ok;

const COMMANDS: &[&str] = &[
    "wrap", "truncate", "width", "footer", "popup", "replay", "explain", "check", "catalog",
    "record", "report", "merge", "preview",
];

#[test]
fn every_command_has_help_with_an_example() {
    let tmp = tempfile::tempdir().unwrap();
    for c in COMMANDS {
        let help = ok(tmp.path(), &[c, "--help"], "");
        assert!(
            help.contains("Example"),
            "`keymsg {c} --help` has no example:\n{help}"
        );
        assert!(
            help.contains(&format!("keymsg {c}")),
            "example uses the command: {c}"
        );
    }
    let top = ok(tmp.path(), &["--help"], "");
    for code in [
        "0  ok",
        "1  invalid input",
        "2  usage",
        "3  store",
        "4  I/O",
    ] {
        assert!(top.contains(code), "exit code {code:?} documented:\n{top}");
    }
}

#[test]
fn contract_flags_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let f = ok(
        dir,
        &[
            "footer",
            "--profile",
            "receipt-80mm",
            "--lang",
            "en",
            "--key",
            "DOC-1",
            "--store",
            "st",
            "--agency",
            "A",
            "--at",
            "2026-03-15T09:30:00+07:00",
            "--json",
        ],
        "",
    );
    assert!(f.contains("\"counted\":true"), "{f}");
    let w = ok(dir, &["footer", "--width", "40", "--key", "DOC-1"], "");
    assert!(w.lines().all(|l| super::columns(l) <= 40));
    let p = ok(
        dir,
        &[
            "popup", "--key", "user-1", "--lang", "th", "--store", "st", "--json",
        ],
        "",
    );
    let p: serde_json::Value = serde_json::from_str(&p).unwrap();
    assert!(p["title"].is_string(), "pop-ups have a title: {p}");
    assert_eq!(p["counted"], true);
    let e = ok(
        dir,
        &["explain", "--key", "DOC-1", "--surface", "receipt"],
        "",
    );
    assert!(e.contains("chosen "), "{e}");
}
