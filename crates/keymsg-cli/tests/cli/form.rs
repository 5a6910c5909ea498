//! The monthly form from the command line: free-text rows, the agency
//! heading, an unknown agency, the compact form and the signature block.

use serde_json::Value;

use super::{fails, ok};

fn report_json(dir: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "report", "--store", "st", "--month", "2026-03", "--format", "json",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(dir, &args, "")).unwrap()
}

#[test]
fn free_text_rows_signature_and_agency_heading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let record = |agency: &str, channel: &str, what: &[&str], count: &str| {
        let mut args = vec![
            "record",
            "--store",
            "st",
            "--agency",
            agency,
            "--month",
            "2026-03",
            "--channel",
            channel,
            "--count",
            count,
        ];
        args.extend_from_slice(what);
        ok(dir, &args, "");
    };
    let spot = "สปอตวิทยุชุมชน เรื่องแก๊งคอลเซ็นเตอร์";
    record("u", "on-air", &["--content", spot], "3");
    record("u", "on-air", &["--content", spot], "4");
    record("u", "community", &["--content", spot], "2");
    record("u", "online", &["--message", "aoc-1441"], "7");

    // One agency in the store: the form is headed with it.
    let v = report_json(dir, &[]);
    assert_eq!(v["agency"], "u");
    let rows = v["rows"].as_array().unwrap();
    let free: Vec<&Value> = rows.iter().filter(|r| r["content"] == spot).collect();
    assert_eq!(free.len(), 1, "the same content twice is one row");
    assert_eq!(free[0]["on_air"], 4, "recorded again: replaced");
    assert_eq!(free[0]["community"], 2);

    // The compact, signed form.
    let v = report_json(
        dir,
        &[
            "--omit-zero-rows",
            "--reporter",
            "นางสาวสมศรี ใจดี",
            "--position",
            "นักวิชาการคอมพิวเตอร์",
            "--signed-on",
            "2026-04-05",
        ],
    );
    assert_eq!(v["rows"].as_array().unwrap().len(), 2);
    assert_eq!(v["signature"]["reporter"], "นางสาวสมศรี ใจดี");
    assert_eq!(v["signature"]["position"], "นักวิชาการคอมพิวเตอร์");
    assert_eq!(v["signature"]["date"], "2026-04-05");
    let md = ok(
        dir,
        &[
            "report",
            "--store",
            "st",
            "--month",
            "2026-03",
            "--omit-zero-rows",
        ],
        "",
    );
    assert!(md.contains("หน่วยงาน u"), "{md}");
    assert!(!md.contains("หน่วยงาน all"));

    // The signature block from the config file; flags still win.
    std::fs::write(
        dir.join("keymsg.toml"),
        "reporter = \"นายสมชาย รักชาติ\"\nposition = \"ปลัดเทศบาล\"\nsigned_on = 2026-04-03\n",
    )
    .unwrap();
    let v = report_json(dir, &[]);
    assert_eq!(v["signature"]["reporter"], "นายสมชาย รักชาติ");
    assert_eq!(v["signature"]["date"], "2026-04-03");
    let v = report_json(dir, &["--position", "รองปลัดเทศบาล"]);
    assert_eq!(v["signature"]["position"], "รองปลัดเทศบาล");
    std::fs::remove_file(dir.join("keymsg.toml")).unwrap();

    // Two agencies: ทุกหน่วยงาน.
    record(
        "เทศบาลตำบลบางพลีใหญ่",
        "online",
        &["--message", "aoc-1441"],
        "1",
    );
    let v = report_json(dir, &[]);
    assert_eq!(v["agency"], "ทุกหน่วยงาน");
    assert_eq!(v["totals"]["online"], 8);

    // An agency the store does not have: exit 2, naming the ones it has.
    let line = fails(
        dir,
        &[
            "report", "--store", "st", "--month", "2026-03", "--agency", "U",
        ],
        2,
    );
    assert!(line.contains("`U`") && line.contains("`u`"), "{line}");
    assert!(line.contains("เทศบาลตำบลบางพลีใหญ่"), "{line}");

    // Bad content and a missing choice are clear errors.
    let line = fails(
        dir,
        &[
            "record",
            "--store",
            "st",
            "--month",
            "2026-03",
            "--channel",
            "on-air",
            "--content",
            "  ",
            "--count",
            "1",
        ],
        1,
    );
    assert!(
        line.contains("--content") && line.contains("empty"),
        "{line}"
    );
    let line = fails(
        dir,
        &[
            "record",
            "--store",
            "st",
            "--month",
            "2026-03",
            "--channel",
            "on-air",
            "--count",
            "1",
        ],
        2,
    );
    assert!(line.contains("--message"), "{line}");
    let line = fails(
        dir,
        &[
            "report",
            "--store",
            "st",
            "--month",
            "2026-03",
            "--signed-on",
            "2026-02-30",
        ],
        2,
    );
    assert!(line.contains("2026-02-30"), "{line}");
    // A date, but not one the March form is signed on: a Buddhist Era
    // year, the year -9999, a date before the month.
    for (date, hint) in [
        ("2569-04-05", "Buddhist Era"),
        ("-9999-12-31", "signed_on"),
        ("2026-02-28", "signed_on"),
    ] {
        // `=`: clap would read `-9999-12-31` as a flag.
        let flag = format!("--signed-on={date}");
        let line = fails(
            dir,
            &["report", "--store", "st", "--month", "2026-03", &flag],
            2,
        );
        assert!(
            line.contains("2026-03-01 to 2028-03-31") && line.contains(hint),
            "{line}"
        );
    }
}
