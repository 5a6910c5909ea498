//! A whole month through the binary: check a catalog, a 1,000-invoice bill
//! run into a store, manual channel counts, XLSX/CSV/JSON/Markdown reports,
//! and a district roll-up of two units.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{ok, run};

const AT: &str = "2026-03-15T10:00:00+07:00";

fn keys(dir: &Path, name: &str, prefix: &str, n: usize) -> String {
    let text: String = (1..=n).map(|i| format!("{prefix}-{i:06}\n")).collect();
    std::fs::write(dir.join(name), text).unwrap();
    name.to_owned()
}

/// Bill run for `agency`; returns the JSON lines.
fn bill_run(dir: &Path, agency: &str, keys_file: &str) -> Vec<Value> {
    let out = ok(
        dir,
        &[
            "footer",
            "--catalog",
            "cat.toml",
            "--store",
            "store",
            "--agency",
            agency,
            "--at",
            AT,
            "--keys-from",
            keys_file,
            "--once-per-key",
            "--kind",
            "water-bill",
            "--json",
        ],
        "",
    );
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn report_json(dir: &Path, agency: &str, file: &str) -> Value {
    ok(
        dir,
        &[
            "report",
            "--catalog",
            "cat.toml",
            "--store",
            "store",
            "--agency",
            agency,
            "--month",
            "2026-03",
            "-o",
            file,
        ],
        "",
    );
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

#[test]
fn a_whole_month() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    // An agency starts from the default catalog and checks it.
    let toml = ok(dir, &["catalog", "--format", "toml"], "");
    std::fs::write(dir.join("cat.toml"), &toml).unwrap();
    let checked = ok(dir, &["check", "cat.toml"], "");
    assert!(checked.starts_with("cat.toml: ok"), "{checked}");

    // 1,000 invoices of unit A.
    let kf = keys(dir, "a.txt", "INV-A", 1000);
    let started = std::time::Instant::now();
    let footers = bill_run(dir, "unit-a", &kf);
    eprintln!("1000 footers in one process: {:?}", started.elapsed());
    assert_eq!(footers.len(), 1000);
    let mut per_message: BTreeMap<String, u64> = BTreeMap::new();
    for f in &footers {
        for field in [
            "message_id",
            "text",
            "lines",
            "title",
            "token",
            "fit",
            "counted",
        ] {
            assert!(f.get(field).is_some(), "missing {field} in {f}");
        }
        assert_eq!(f["counted"], true, "{f}");
        assert_eq!(f["fit"]["truncated"], false);
        let lines: Vec<&str> = f["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(f["text"].as_str().unwrap(), lines.join("\n"));
        assert!(lines.len() <= 6, "receipt-58mm allows 6 lines: {f}");
        *per_message
            .entry(f["message_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        per_message.len() > 5,
        "sticky selection spreads keys: {per_message:?}"
    );

    // A document key always gets the same message (one process per footer).
    for f in footers.iter().take(3) {
        let tok = f["token"].as_str().unwrap();
        let id = f["message_id"].as_str().unwrap();
        let key = format!(
            "INV-A-{:06}",
            1 + footers.iter().position(|g| g == f).unwrap()
        );
        let single = ok(
            dir,
            &["footer", "--catalog", "cat.toml", "--key", &key, "--json"],
            "",
        );
        let single: Value = serde_json::from_str(&single).unwrap();
        assert_eq!(single["message_id"], id);
        assert_eq!(single["counted"], false, "no store, nothing counted");
        let replay = ok(dir, &["replay", tok, "--catalog", "cat.toml", "--json"], "");
        assert!(replay.contains(&format!("\"message_id\":\"{id}\"")));
    }

    // Re-running the bill run after a crash counts nothing twice.
    let again = bill_run(dir, "unit-a", &kf);
    assert_eq!(again.len(), 1000);
    assert!(again.iter().all(|f| f["counted"] == false));
    assert_eq!(
        again.iter().map(|f| &f["message_id"]).collect::<Vec<_>>(),
        footers.iter().map(|f| &f["message_id"]).collect::<Vec<_>>()
    );

    // Manual counts for the other columns.
    for (channel, message, count) in [
        ("on-air", "aoc-1441", "3"),
        ("community", "aoc-1441", "40"),
        ("online", "report-online", "7"),
        // Recording again replaces the earlier number.
        ("online", "report-online", "12"),
    ] {
        ok(
            dir,
            &[
                "record",
                "--catalog",
                "cat.toml",
                "--store",
                "store",
                "--agency",
                "unit-a",
                "--month",
                "2026-03",
                "--channel",
                channel,
                "--message",
                message,
                "--count",
                count,
            ],
            "",
        );
    }

    // Reports.
    let a = report_json(dir, "unit-a", "a.json");
    assert_eq!(a["agency"], "unit-a");
    assert_eq!(a["month"], "2026-03");
    assert_eq!(a["totals"]["documents"], 1000);
    assert_eq!(a["totals"]["on_air"], 3);
    assert_eq!(a["totals"]["community"], 40);
    assert_eq!(a["totals"]["online"], 12);
    for row in a["rows"].as_array().unwrap() {
        let id = row["message_id"].as_str().unwrap();
        assert_eq!(
            row["documents"].as_u64().unwrap(),
            per_message.get(id).copied().unwrap_or(0),
            "documents of {id}"
        );
        for k in [
            "content",
            "online",
            "on_air",
            "on_ground",
            "billboard",
            "community",
        ] {
            assert!(row.get(k).is_some(), "row field {k}");
        }
    }

    ok(
        dir,
        &[
            "report", "--store", "store", "--agency", "unit-a", "--month", "2026-03", "-o",
            "a.xlsx",
        ],
        "",
    );
    let xlsx = std::fs::read(dir.join("a.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK\x03\x04"), "XLSX is a zip");
    assert!(xlsx.len() > 4000);
    // XLSX to a pipe (not a terminal) is allowed.
    let piped = run(
        dir,
        &[
            "report", "--store", "store", "--agency", "unit-a", "--month", "2026-03", "--format",
            "xlsx",
        ],
        "",
    );
    assert!(piped.status.success());
    assert!(piped.stdout.starts_with(b"PK\x03\x04"));

    let csv = ok(
        dir,
        &[
            "report", "--store", "store", "--agency", "unit-a", "--month", "2026-03", "--format",
            "csv", "--digits", "arabic",
        ],
        "",
    );
    assert!(
        csv.starts_with('\u{feff}'),
        "CSV starts with a BOM for Excel"
    );
    assert!(
        csv.contains("Documents and Application"),
        "the form's column heading"
    );
    assert!(
        csv.contains("มีนาคม 2569"),
        "month in Thai, arabic digits: {csv}"
    );
    assert!(csv.contains("1000"), "total documents in the CSV");
    let md = ok(
        dir,
        &[
            "report", "--store", "store", "--agency", "unit-a", "--month", "2026-03",
        ],
        "",
    );
    assert!(md.contains("มีนาคม ๒๕๖๙"), "Thai month and BE year: {md}");

    // Unit B (same store, another agency) and the district roll-up.
    let kb = keys(dir, "b.txt", "INV-B", 250);
    assert_eq!(bill_run(dir, "unit-b", &kb).len(), 250);
    let b = report_json(dir, "unit-b", "b.json");
    assert_eq!(b["totals"]["documents"], 250);
    assert_eq!(b["totals"]["on_air"], 0);

    let out = run(
        dir,
        &[
            "merge",
            "a.json",
            "b.json",
            "a.json",
            "--agency",
            "อำเภอตัวอย่าง",
            "--expect",
            "unit-a,unit-b,unit-c",
            "-o",
            "district.json",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.contains("missing: unit-c"), "{summary}");
    assert!(
        summary.contains("due to the province by 2026-04-01"),
        "{summary}"
    );
    let d: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("district.json")).unwrap()).unwrap();
    assert_eq!(d["agency"], "อำเภอตัวอย่าง");
    assert_eq!(
        d["totals"]["documents"], 1250,
        "unit A given twice counts once"
    );
    assert_eq!(d["totals"]["community"], 40);
    assert_eq!(d["missing_units"], serde_json::json!(["unit-c"]));

    // The whole store (no agency): both units.
    let all = ok(
        dir,
        &[
            "report", "--store", "store", "--month", "2026-03", "--format", "json",
        ],
        "",
    );
    let all: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all["totals"]["documents"], 1250);

    // Nothing was counted in another month.
    let april = ok(
        dir,
        &[
            "report", "--store", "store", "--month", "2026-04", "--format", "json",
        ],
        "",
    );
    let april: Value = serde_json::from_str(&april).unwrap();
    assert_eq!(april["totals"]["documents"], 0);
}

#[test]
fn config_file_supplies_defaults_and_flags_override() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("etc")).unwrap();
    std::fs::write(
        dir.join("etc/keymsg.toml"),
        "store = \"../store\"\nagency = \"unit-cfg\"\nprofile = \"kiosk\"\n\
         [[profile_def]]\nname = \"kiosk\"\nkind = \"columns\"\nwidth = 20\nmax_lines = 8\n",
    )
    .unwrap();
    let out = super::keymsg(dir)
        .env("KEYMSG_CONFIG", dir.join("etc/keymsg.toml"))
        .args(["footer", "--key", "K-1", "--at", AT, "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        f["counted"], true,
        "store from the config (relative to the file)"
    );
    assert!(dir.join("store").is_dir());
    for l in f["lines"].as_array().unwrap() {
        assert!(
            super::columns(l.as_str().unwrap()) <= 20,
            "kiosk profile from the config"
        );
    }
    // The agency came from the config too.
    let r = ok(
        dir,
        &[
            "--config",
            "etc/keymsg.toml",
            "report",
            "--month",
            "2026-03",
            "--format",
            "json",
        ],
        "",
    );
    let r: Value = serde_json::from_str(&r).unwrap();
    assert_eq!(r["agency"], "unit-cfg");
    assert_eq!(r["totals"]["documents"], 1);
    // A flag overrides the config: an agency the store has nothing for is
    // an error naming the ones it has (never an all-zero form to sign).
    let line = super::fails(
        dir,
        &[
            "--config",
            "etc/keymsg.toml",
            "report",
            "--agency",
            "other",
            "--month",
            "2026-03",
            "--format",
            "json",
        ],
        2,
    );
    assert!(
        line.contains("`other`") && line.contains("`unit-cfg`"),
        "{line}"
    );
    // ./keymsg.toml is found in the current directory.
    std::fs::write(dir.join("keymsg.toml"), "store = \"store2\"\n").unwrap();
    let f = ok(dir, &["footer", "--key", "K-1", "--json"], "");
    assert!(f.contains("\"counted\":true"), "{f}");
    assert!(dir.join("store2").is_dir());
}
