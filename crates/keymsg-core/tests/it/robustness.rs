//! Hostile and unlucky input at the engine's boundary: every instant the
//! types accept is counted or refused with a clear error, a failed call
//! leaves the engine counting, counts above the form's maximum are refused,
//! and no control character gets into what the engine stores or prints.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use keymsg_core::store::{MAX_COUNT, ManualEntry, Store, StoreError};
use keymsg_core::{Channel, Engine, Error, FooterRequest, PopupRequest, YearMonth};
use time::macros::datetime;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Instants at and beyond the ends of what `time` can hold.
fn extreme_instants() -> Vec<OffsetDateTime> {
    vec![
        datetime!(9999-12-31 23:59:59 UTC),
        datetime!(9999-12-31 16:59:59 UTC),
        datetime!(9999-01-01 00:00 +7),
        PrimitiveDateTime::MAX.assume_utc(),
        PrimitiveDateTime::MIN.assume_utc(),
        PrimitiveDateTime::MAX.assume_offset(UtcOffset::from_hms(-25, -59, -59).unwrap()),
        PrimitiveDateTime::MIN.assume_offset(UtcOffset::from_hms(25, 59, 59).unwrap()),
        datetime!(0000-12-31 16:59:59 UTC),
    ]
}

fn assert_bad_instant(e: &Error) {
    assert!(
        matches!(e, Error::InvalidArgument { name: "at", .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("years 1 to 2399"), "{e}");
}

#[test]
fn extreme_instants_are_refused_and_the_engine_keeps_counting() {
    for store in [None, Some(tempfile::tempdir().unwrap())] {
        let builder = Engine::builder();
        let builder = match &store {
            Some(d) => builder.store_path(d.path().join("s")),
            None => builder.in_memory_store(),
        };
        let engine = builder.build().unwrap();
        let month: YearMonth = "2026-03".parse().unwrap();
        for (i, at) in extreme_instants().into_iter().enumerate() {
            let e = engine
                .footer(&FooterRequest::new().key(format!("D-{i}")).at(at))
                .unwrap_err();
            assert_bad_instant(&e);
            let e = engine
                .popup(&{
                    let mut r = PopupRequest::new().key("u");
                    r.at = Some(at);
                    r
                })
                .unwrap_err();
            assert_bad_instant(&e);
            // Explaining refuses what selecting refuses.
            let e = engine
                .explain(&FooterRequest::new().key(format!("D-{i}")).at(at))
                .unwrap_err();
            assert_bad_instant(&e);
            // The very next call counts.
            let ok = engine
                .footer(
                    &FooterRequest::new()
                        .key(format!("D-{i}"))
                        .at(datetime!(2026-03-10 10:00 +7)),
                )
                .unwrap();
            assert!(ok.counted, "{:?}", ok.count_error);
        }
        let n = extreme_instants().len() as u64;
        let report = engine.report(month).unwrap();
        assert_eq!(report.totals.documents, n);
    }
}

#[test]
fn the_first_and_last_supported_instants_count() {
    let engine = Engine::builder().in_memory_store().build().unwrap();
    // Months are named directly, as the store is asked for them.
    for (at, month) in [
        (
            datetime!(0001-01-01 00:00 +7),
            YearMonth::new(1, 1).unwrap(),
        ),
        (
            datetime!(2399-12-31 23:59:59.999999999 +7),
            YearMonth::new(2399, 12).unwrap(),
        ),
    ] {
        let r = engine.footer(&FooterRequest::new().at(at)).unwrap();
        assert!(r.counted);
        let rows = engine.store().unwrap().month_counts(month, None).unwrap();
        assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), 1, "{month:?}");
    }
}

#[test]
fn selection_alone_survives_every_instant() {
    use keymsg_core::Surface;
    use keymsg_core::select::Request;
    let engine = Engine::builder().build().unwrap();
    for at in extreme_instants() {
        // Selection has no store to protect: any answer but a panic will do.
        let _ = engine
            .selector()
            .pick(&Request::new(Surface::Receipt).at(at));
        let _ = engine
            .selector()
            .pick(&Request::new(Surface::Popup).subject_key("u").at(at));
    }
}

#[test]
fn counts_above_the_maximum_are_refused_not_clamped() {
    let engine = Engine::builder().in_memory_store().build().unwrap();
    let month: YearMonth = "2026-03".parse().unwrap();
    engine
        .record(month, Channel::Online, "aoc-1441", MAX_COUNT)
        .unwrap();
    for bad in [MAX_COUNT + 1, i64::MAX as u64, u64::MAX] {
        let e = engine
            .record(month, Channel::Online, "aoc-1441", bad)
            .unwrap_err();
        // The caller's error, not the store's.
        assert!(
            matches!(e, Error::InvalidArgument { name: "count", .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains(&bad.to_string()), "{e}");
    }
    let r = engine.report(month).unwrap();
    assert_eq!(r.totals.online, MAX_COUNT);
}

#[test]
fn control_characters_never_enter_the_store_or_the_engine() {
    for agency in ["PEA\u{1b}]0;pwned\u{7}", "A\u{202e}B", "x\u{85}", "a\nb"] {
        let e = Engine::builder().agency(agency).build().unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument { name: "agency", .. }),
            "{e:?}"
        );
        assert!(
            !e.to_string().chars().any(keymsg_core::is_unsafe_char),
            "{e}"
        );
    }
    let store = Store::in_memory();
    let e = store
        .record(&ManualEntry {
            agency: "PEA\u{9b}31m".into(),
            month: "2026-03".parse().unwrap(),
            channel: Channel::Online,
            message_id: "aoc-1441".into(),
            count: 1,
        })
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "agency",
                ..
            }
        ),
        "{e:?}"
    );
}

mod reports {
    use keymsg_core::report::{Level, MAX_REPORT_BYTES, Report, ReportError, merge_at};
    use keymsg_core::store::{CountRow, MAX_COUNT};
    use keymsg_core::{Catalog, Surface};
    use serde_json::{Value, json};
    use time::macros::datetime;

    fn unit(agency: &str, n: u64) -> Value {
        let catalog = Catalog::embedded().unwrap();
        let counts = [CountRow {
            agency: agency.into(),
            message_id: "aoc-1441".into(),
            surface: Surface::Receipt,
            kind: "bill".into(),
            count: n,
        }];
        let r = Report::build_at(
            &catalog,
            agency,
            "2026-03".parse().unwrap(),
            &counts,
            &[],
            "th",
            datetime!(2026-04-01 09:00 +7),
        );
        serde_json::from_str(&r.to_json()).unwrap()
    }

    fn read(v: &Value) -> Result<Report, ReportError> {
        Report::from_json(&v.to_string())
    }

    fn set_count(v: &mut Value, n: Value) {
        v["rows"][0]["documents"] = n.clone();
        v["totals"]["documents"] = n.clone();
        v["breakdown"][0]["count"] = n;
    }

    #[test]
    fn forged_unit_reports_are_refused_with_the_reason() {
        let good = unit("เทศบาล ก", 5);
        read(&good).unwrap();
        let cases: Vec<(Value, &str)> = vec![
            (
                {
                    let mut v = good.clone();
                    v["agency"] = json!("PEA\u{1b}]0;pwned\u{7}");
                    v
                },
                "U+001B",
            ),
            (
                {
                    let mut v = good.clone();
                    v["agency"] = json!("A\u{9b}31m");
                    v
                },
                "U+009B",
            ),
            (
                {
                    let mut v = good.clone();
                    v["rows"][0]["content"] = json!("โทร \u{202e}1441");
                    v
                },
                "U+202E",
            ),
            (
                {
                    let mut v = good.clone();
                    v["breakdown"][0]["kind"] = json!("x\u{7}");
                    v
                },
                "U+0007",
            ),
            (
                {
                    let mut v = good.clone();
                    set_count(&mut v, json!(1_000_000_000_000u64));
                    v
                },
                "1000000000000",
            ),
            (
                {
                    let mut v = good.clone();
                    set_count(&mut v, json!(u64::MAX));
                    v
                },
                "18446744073709551615",
            ),
            (
                {
                    let mut v = good.clone();
                    v["totals"]["documents"] = json!(6);
                    v
                },
                "sums of the rows",
            ),
            (
                {
                    let mut v = good.clone();
                    v["generated_at"] = json!("9999-12-31T23:59:59Z");
                    v
                },
                "years 1 to 2399",
            ),
        ];
        for (v, why) in cases {
            let e = read(&v).unwrap_err();
            assert!(matches!(e, ReportError::Invalid { .. }), "{e:?}");
            let msg = e.to_string();
            assert!(msg.contains(why), "{why}: {msg}");
            assert!(
                !msg.chars()
                    .any(|c| c != '\n' && keymsg_core::is_unsafe_char(c)),
                "{msg:?}"
            );
        }
        // The largest count is accepted.
        let mut v = good.clone();
        set_count(&mut v, json!(MAX_COUNT));
        read(&v).unwrap();
    }

    #[test]
    fn merged_totals_are_checked_not_clamped() {
        let mut a = unit("เทศบาล ก", 0);
        set_count(&mut a, json!(MAX_COUNT));
        let mut b = unit("เทศบาล ข", 0);
        set_count(&mut b, json!(1));
        let (a, b) = (read(&a).unwrap(), read(&b).unwrap());
        let at = datetime!(2026-04-02 09:00 +7);
        let e = merge_at(&[a.clone(), b.clone()], "อำเภอ", Level::District, None, at).unwrap_err();
        assert!(e.to_string().contains("1000000001"), "{e}");
        let ok = merge_at(&[a.clone(), a], "อำเภอ", Level::District, None, at).unwrap();
        assert_eq!(ok.totals.documents, MAX_COUNT, "a re-sent copy counts once");
        let e = merge_at(&[b], "อำเภอ\u{1b}[2J", Level::District, None, at).unwrap_err();
        assert!(matches!(e, ReportError::Invalid { .. }), "{e:?}");
    }

    #[test]
    fn a_unit_report_from_the_future_does_not_win_a_tie_break() {
        let real = read(&unit("เทศบาล ก", 5)).unwrap();
        let mut forged = unit("เทศบาล ก", 500);
        forged["generated_at"] = json!("2099-01-01T00:00:00Z");
        let forged = read(&forged).unwrap();
        let e = merge_at(
            &[real, forged],
            "อำเภอ",
            Level::District,
            None,
            datetime!(2026-04-02 09:00 +7),
        )
        .unwrap_err();
        assert!(e.to_string().contains("in the future"), "{e}");
    }

    #[test]
    fn oversized_reports_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_REPORT_BYTES + 1).unwrap();
        let e = Report::load_json(&path).unwrap_err();
        assert!(matches!(e, ReportError::TooLarge { .. }), "{e:?}");
        let text = format!("{}{}", " ".repeat(MAX_REPORT_BYTES as usize), unit("a", 1));
        assert!(matches!(
            Report::from_json(&text),
            Err(ReportError::TooLarge { .. })
        ));
    }
}

/// Found by the `layout` fuzz target: at width 1 a line holding `โท` (a
/// leading vowel with its consonant) is wider than the width. That is the
/// rule (a Thai character cluster is never split), so the invariant is: a
/// line wider than the width is one cluster, and every digit survives.
#[test]
fn fuzz_regression_width_one_overflows_only_whole_clusters() {
    use keymsg_core::layout::{WrapOptions, tcc_boundaries, width, wrap};
    let text = "dโทร 1441 หร41 m";
    let lines = wrap(text, &WrapOptions::new(1).ellipsis("")).unwrap();
    for l in &lines {
        assert!(width(l) <= 1 || tcc_boundaries(l).is_empty(), "{lines:?}");
    }
    assert!(lines.contains(&"โท".to_owned()), "{lines:?}");
    let digits: String = lines
        .concat()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert_eq!(digits, "144141");
}
