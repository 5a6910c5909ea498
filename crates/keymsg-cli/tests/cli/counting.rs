//! What is counted: a key message keeps its point or is not counted.

use crate::{fails, ok, run};

#[test]
fn a_footer_narrower_than_16_columns_is_refused_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    for w in ["1", "8", "15"] {
        let line = fails(tmp.path(), &["footer", "--key", "A-1", "--width", w], 2);
        assert!(line.contains("minimum of 16 columns"), "{line}");
    }
    ok(tmp.path(), &["footer", "--key", "A-1", "--width", "16"], "");
}

#[test]
fn a_footer_cut_before_its_hotline_is_refused_unless_lossy_and_then_not_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut refused, mut kept) = (0, 0);
    for i in 0..20 {
        let key = format!("K-{i}");
        let args = [
            "footer",
            "--store",
            "st",
            "--key",
            &key,
            "--profile",
            "billboard",
            "--width",
            "16",
            "--at",
            "2026-03-10",
        ];
        let out = run(dir, &args, "");
        match out.status.code() {
            Some(0) => kept += 1,
            Some(1) => {
                refused += 1;
                let err = String::from_utf8(out.stderr).unwrap();
                assert!(
                    err.contains("without losing every hotline and link"),
                    "{err}"
                );
                assert!(out.stdout.is_empty());
                let mut lossy = args.to_vec();
                lossy.extend(["--allow-lossy", "--json"]);
                let out = run(dir, &lossy, "");
                assert_eq!(out.status.code(), Some(0));
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(v["fit"]["truncated_core"], true);
                assert_eq!(v["counted"], false);
                let err = String::from_utf8(out.stderr).unwrap();
                assert!(err.contains("printed, not counted"), "{err}");
            }
            other => panic!("exit {other:?}"),
        }
    }
    assert!(refused > 0 && kept > 0, "{refused} refused, {kept} kept");
    // Only the footers that kept their hotline were counted.
    let json = ok(
        dir,
        &[
            "report", "--store", "st", "--month", "2026-03", "--format", "json",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["totals"]["documents"], kept);
}

#[test]
fn footers_without_a_document_key_rotate_across_processes() {
    let tmp = tempfile::tempdir().unwrap();
    // One process per footer, as a shell script or CGI would run it.
    let ids: std::collections::HashSet<String> = (0..12)
        .map(|_| {
            let out = ok(tmp.path(), &["footer", "--json"], "");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            v["message_id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(ids.len() > 1, "every process printed {ids:?}");
}

#[test]
fn every_surface_sequence_and_explain_json_are_reachable() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for surface in ["receipt", "invoice", "popup", "push", "sms", "billboard"] {
        let out = ok(
            dir,
            &[
                "footer",
                "--store",
                "st",
                "--surface",
                surface,
                "--key",
                "u-1",
                "--at",
                "2026-03-10",
                "--json",
            ],
            "",
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["counted"], true, "{surface}");
        let ex = ok(
            dir,
            &["explain", "--surface", surface, "--key", "u-1", "--json"],
            "",
        );
        let ex: serde_json::Value = serde_json::from_str(&ex).unwrap();
        assert_eq!(ex["surface"], surface);
        assert!(ex["candidates"].as_array().is_some_and(|c| !c.is_empty()));
    }
    // Each surface was counted under its own name.
    let md = ok(
        dir,
        &[
            "report", "--store", "st", "--month", "2026-03", "--format", "json",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&md).unwrap();
    assert_eq!(v["totals"]["documents"], 6);
    // --sequence drives round-robin, in footer and explain alike.
    let pick = |cmd: &str, n: &str| {
        let out = ok(
            dir,
            &[cmd, "--policy", "round-robin", "--sequence", n, "--json"],
            "",
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        match cmd {
            "footer" => v["message_id"].as_str().unwrap().to_owned(),
            _ => v["chosen"]["message_id"].as_str().unwrap().to_owned(),
        }
    };
    assert_eq!(pick("footer", "3"), pick("explain", "3"));
    assert_ne!(pick("footer", "3"), pick("footer", "4"));
}

#[test]
fn reprints_count_only_with_count_reprints() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let first = ok(
        dir,
        &["footer", "--store", "st", "--key", "INV-1", "--json"],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    let token = v["token"].as_str().unwrap();
    for (flag, counted) in [(None, false), (Some("--count-reprints"), true)] {
        let mut args = vec!["replay", token, "--store", "st", "--json"];
        args.extend(flag);
        let v: serde_json::Value = serde_json::from_str(&ok(dir, &args, "")).unwrap();
        assert_eq!(v["counted"], counted, "{flag:?}");
    }
}

#[test]
fn flag_and_input_errors_use_the_documented_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let line = fails(dir, &["footer", "--policy", "bogus"], 2);
    assert!(line.contains("unknown selection policy `bogus`"), "{line}");
    let line = fails(dir, &["footer", "--surface", "fax"], 2);
    assert!(line.contains("unknown surface `fax`"), "{line}");
    let line = fails(dir, &["report", "--store", "st", "--month", "2569-03"], 2);
    assert!(
        line.contains("Buddhist Era") && line.contains("2026-03"),
        "{line}"
    );
    let line = fails(dir, &["check", "missing.toml"], 1);
    assert!(line.contains("missing.toml"), "{line}");
}
