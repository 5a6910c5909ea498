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
