//! The engine end to end: select → cached layout → count, from many threads.

use std::sync::Arc;

use keymsg_core::YearMonth;
use keymsg_core::layout::{Measure, width};
use keymsg_core::{Channel, Error};
use keymsg_core::{Engine, FooterRequest, PopupRequest};
use time::macros::datetime;

#[test]
fn footer_fits_every_receipt_width_and_is_counted() {
    let engine = Engine::builder().in_memory_store().build().unwrap();
    for (profile, cols) in [
        ("receipt-58mm", 32),
        ("receipt-80mm-42", 42),
        ("receipt-80mm", 48),
    ] {
        for i in 0..50 {
            let r = engine
                .footer(
                    &FooterRequest::new()
                        .key(format!("INV-{i}"))
                        .profile_name(profile),
                )
                .unwrap();
            assert!(r.counted);
            assert!(!r.lines.is_empty());
            for line in &r.lines {
                assert!(width(line) <= cols, "{profile}: {line:?}");
            }
            assert_eq!(r.text, r.lines.join("\n"));
        }
    }
}

#[test]
fn reprint_by_key_and_by_token_shows_the_same_message() {
    let engine = Engine::builder().in_memory_store().build().unwrap();
    let first = engine
        .footer(&FooterRequest::new().key("INV-2026-000123"))
        .unwrap();
    let again = engine
        .footer(&FooterRequest::new().key("INV-2026-000123"))
        .unwrap();
    assert_eq!(first.message_id, again.message_id);
    assert_eq!(first.lines, again.lines);
    let replay = engine.replay(&first.token, &FooterRequest::new()).unwrap();
    assert_eq!(replay.message_id, first.message_id);
    // A reprint is stored but not counted by default.
    assert!(!replay.counted);
}

#[test]
fn english_and_width_override() {
    let engine = Engine::builder().build().unwrap();
    let r = engine
        .footer(&FooterRequest::new().key("A-1").lang_code("en").width(40))
        .unwrap();
    assert!(r.lines.iter().all(|l| width(l) <= 40));
    assert!(r.text.is_ascii(), "{}", r.text);
    // No store: nothing counted, no error.
    assert!(!r.counted);
    assert!(r.count_error.is_none());
}

#[test]
fn popup_has_title_and_fits_budgets() {
    let engine = Engine::builder().in_memory_store().build().unwrap();
    for u in 0..40 {
        let p = engine
            .popup(&PopupRequest::new().key(format!("user-{u}")))
            .unwrap();
        let title = p.title.expect("pop-up title");
        assert!(Measure::of(&title).graphemes <= 50, "{title}");
        assert!(Measure::of(&p.text).graphemes <= 150, "{}", p.text);
        assert!(p.counted);
    }
}

#[test]
fn unknown_profile_is_a_clear_error() {
    let engine = Engine::builder().build().unwrap();
    let e = engine
        .footer(&FooterRequest::new().profile_name("receipt-99mm"))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidArgument {
                name: "profile",
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("receipt-58mm"),
        "lists the built-in profiles: {e}"
    );
}

#[test]
fn idempotency_key_counts_once() {
    let engine = Engine::builder()
        .in_memory_store()
        .agency("MWA")
        .build()
        .unwrap();
    let at = datetime!(2026-03-10 03:00 UTC);
    let mut req = FooterRequest::new().key("BILL-9").at(at);
    req.idempotency_key = Some("print-job-9".into());
    assert!(engine.footer(&req).unwrap().counted);
    assert!(!engine.footer(&req).unwrap().counted);
    let report = engine.report(YearMonth::of(at)).unwrap();
    assert_eq!(report.totals.documents, 1);
}

/// A width override outside 1-1000 columns is a bad `width`, not a bad
/// profile (the profile named is fine).
#[test]
fn a_width_out_of_range_is_a_bad_width() {
    let engine = Engine::builder().build().unwrap();
    for width in [0, 1001, usize::MAX] {
        let err = engine
            .footer(&FooterRequest::new().key("A-1").width(width))
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument { name: "width", reason } if reason.contains(&width.to_string())),
            "{width}: {err:?}"
        );
    }
}

/// A kind or key the store cannot keep is the caller's error, refused
/// before anything is laid out or counted: never a footer handed over
/// uncounted as if the store had failed (the engine fails open by default).
#[test]
fn a_bad_kind_or_key_is_an_invalid_argument_not_an_uncounted_footer() {
    let engine = Engine::builder()
        .in_memory_store()
        .agency("MWA")
        .build()
        .unwrap();
    let at = datetime!(2026-03-10 03:00 UTC);
    let bad: [(&str, Option<String>, Option<String>); 4] = [
        ("kind", Some("bill\u{1b}".into()), None),
        ("kind", Some("k".repeat(100_000)), None),
        ("idempotency_key", None, Some("R-1\u{202e}".into())),
        ("idempotency_key", None, Some(String::new())),
    ];
    for (field, kind, key) in bad {
        let mut req = FooterRequest::new().key("BILL-1").at(at);
        req.kind = kind.clone();
        req.idempotency_key = key.clone();
        let err = engine.footer(&req).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name, .. } if name == field),
            "{field}: {err}"
        );
        let mut popup = PopupRequest::new().key("user-1");
        popup.at = Some(at);
        popup.kind = kind;
        popup.idempotency_key = key;
        assert!(
            matches!(engine.popup(&popup), Err(Error::InvalidArgument { name, .. }) if name == field)
        );
    }
    assert_eq!(
        engine.report(YearMonth::of(at)).unwrap().totals.documents,
        0
    );
    // A count above the form's limit is the caller's error too.
    let err = engine
        .record(
            YearMonth::of(at),
            Channel::Online,
            "aoc-1441",
            2_000_000_000,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { name: "count", .. }),
        "{err}"
    );
}

#[test]
fn threads_share_one_engine_and_every_count_lands() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(
        Engine::builder()
            .store_path(dir.path().join("counts"))
            .agency("PEA Chiang Mai")
            .build()
            .unwrap(),
    );
    let at = datetime!(2026-01-31 17:00 UTC); // February in Bangkok
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                for i in 0..250 {
                    let r = engine
                        .footer(&FooterRequest::new().key(format!("T{t}-{i}")).at(at))
                        .unwrap();
                    assert!(r.counted, "{:?}", r.count_error);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    engine.flush().unwrap();
    engine
        .record("2026-02".parse().unwrap(), Channel::Online, "aoc-1441", 12)
        .unwrap();
    let report = engine.report("2026-02".parse().unwrap()).unwrap();
    assert_eq!(report.totals.documents, 1000);
    assert_eq!(report.totals.online, 12);
    assert_eq!(report.month.to_string(), "2026-02");
    let jan = engine.report("2026-01".parse().unwrap()).unwrap();
    assert_eq!(jan.totals.documents, 0);
}

#[test]
fn record_without_store_is_an_error() {
    let engine = Engine::builder().build().unwrap();
    let e = engine
        .record("2026-02".parse().unwrap(), Channel::Online, "aoc-1441", 1)
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { name: "store", .. }));
}

#[test]
fn a_user_keeps_the_same_popup_within_a_month_and_gets_another_next_month() {
    let engine = Engine::builder().build().unwrap();
    let march = datetime!(2026-03-05 02:00 UTC);
    let later_in_march = datetime!(2026-03-28 09:00 UTC);
    let april = datetime!(2026-04-02 02:00 UTC);
    let mut changed = 0;
    for u in 0..50 {
        let req = |at| PopupRequest {
            key: Some(format!("user-{u}")),
            at: Some(at),
            ..PopupRequest::new()
        };
        let a = engine.popup(&req(march)).unwrap();
        let b = engine.popup(&req(later_in_march)).unwrap();
        let c = engine.popup(&req(april)).unwrap();
        assert_eq!(a.message_id, b.message_id, "user-{u}");
        changed += usize::from(a.message_id != c.message_id);
    }
    assert_eq!(
        changed, 50,
        "cycle shows each user a new message each month"
    );
}

#[test]
fn a_footer_too_narrow_for_a_key_message_is_refused() {
    use keymsg_core::layout::{LayoutError, MIN_FOOTER_WIDTH};
    let engine = Engine::builder().in_memory_store().build().unwrap();
    for w in [1, 8, MIN_FOOTER_WIDTH - 1] {
        let err = engine
            .footer(&FooterRequest::new().key("A-1").width(w))
            .unwrap_err();
        assert!(
            matches!(err, Error::Layout(LayoutError::FooterTooNarrow { width, minimum })
                if width == w && minimum == MIN_FOOTER_WIDTH),
            "{err}"
        );
        assert!(err.to_string().contains("use 16 or more"), "{err}");
    }
    // At the minimum, every message of the embedded catalog fits whole.
    for i in 0..200 {
        let r = engine
            .footer(
                &FooterRequest::new()
                    .key(format!("K-{i}"))
                    .width(MIN_FOOTER_WIDTH),
            )
            .unwrap();
        assert!(!r.fit.truncated && r.counted, "{:?}", r.lines);
    }
    let month: YearMonth = "2026-03".parse().unwrap();
    assert!(engine.report(month).is_ok());
}

#[test]
fn a_layout_that_lost_its_hotline_is_refused_or_printed_uncounted() {
    use keymsg_core::layout::{LayoutError, Profile};
    // 16 columns but a single line: most messages must be cut before their hotline.
    let one_line = Profile::columns("one-line", 16, Some(1)).unwrap();
    let at = datetime!(2026-03-10 09:00 +07:00);
    // A strict engine refuses such a profile when it is built, naming
    // each message that cannot fit it...
    let err = Engine::builder()
        .in_memory_store()
        .profile(one_line.clone())
        .build()
        .unwrap_err();
    let Error::Catalog(keymsg_core::catalog::CatalogError::Invalid { problems, .. }) = &err else {
        panic!("{err:?}");
    };
    assert!(!problems.is_empty());
    assert!(
        problems
            .iter()
            .all(|p| p.to_string().contains("does not fit profile `one-line`")),
        "{problems:?}"
    );
    assert!(err.to_string().contains("for profile `one-line`"), "{err}");
    // ...and a footer laid out narrower than its profile at print time is
    // refused when it lost its hotline, or printed uncounted when lossy
    // output is allowed (the invoice's 3 lines at 16 columns).
    let build = |lossy: bool| {
        Engine::builder()
            .in_memory_store()
            .profile(one_line.clone())
            .allow_lossy(lossy)
            .build()
    };
    assert!(build(false).is_err());
    let lossy = build(true).unwrap();
    let strict = Engine::builder().in_memory_store().build().unwrap();
    let mut refused = 0;
    for i in 0..50 {
        let req = FooterRequest::new()
            .key(format!("INV-{i}"))
            .profile_name("invoice-a4")
            .width(16)
            .at(at);
        let r = lossy.footer(&req).unwrap();
        match strict.footer(&req) {
            Err(Error::Layout(LayoutError::TruncatedCore {
                message_id,
                profile,
            })) => {
                refused += 1;
                assert_eq!(profile, "invoice-a4.w16");
                assert_eq!(r.message_id, message_id);
                assert!(r.fit.truncated && r.fit.truncated_core);
                assert!(!r.counted, "a message without its hotline is never counted");
                assert_eq!(r.count_error, None);
            }
            Ok(kept) => {
                // Kept a hotline or link: counted as usual, in both engines.
                assert!(!kept.fit.truncated_core && kept.counted);
                assert_eq!(kept.lines, r.lines);
                assert!(r.counted);
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(refused > 0);
    let month: YearMonth = "2026-03".parse().unwrap();
    // The lossy engine counted only the footers that kept their point.
    let counted: u64 = lossy
        .store()
        .unwrap()
        .month_counts(month, None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum();
    assert_eq!(counted, 50 - refused);
}

#[test]
fn record_checks_the_message_id_and_months_are_ce() {
    let engine = Engine::builder().in_memory_store().build().unwrap();
    let march: YearMonth = "2026-03".parse().unwrap();
    let err = engine
        .record(march, Channel::Online, "nope", 1)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                name: "message_id",
                ..
            }
        ),
        "{err}"
    );
    engine
        .record(march, Channel::Online, "aoc-1441", 1)
        .unwrap();
    let be = "2569-03".parse::<YearMonth>().unwrap_err().to_string();
    assert!(
        be.contains("Buddhist Era") && be.contains("2026-03"),
        "{be}"
    );
}

#[test]
fn reprints_count_with_count_reprints_and_explain_matches_footer() {
    use keymsg_core::Surface;
    for count in [false, true] {
        let engine = Engine::builder()
            .in_memory_store()
            .count_reprints(count)
            .build()
            .unwrap();
        let first = engine.footer(&FooterRequest::new().key("INV-1")).unwrap();
        let again = engine.replay(&first.token, &FooterRequest::new()).unwrap();
        assert!(first.counted);
        assert_eq!(again.counted, count);
    }
    let engine = Engine::builder().build().unwrap();
    let at = datetime!(2026-03-10 09:00 +07:00);
    for surface in Surface::ALL {
        let req = FooterRequest {
            key: Some("user-7".into()),
            surface: Some(surface),
            at: Some(at),
            ..FooterRequest::new()
        };
        let ex = engine.explain(&req).unwrap();
        let json: serde_json::Value = serde_json::from_str(&ex.to_json()).unwrap();
        assert_eq!(json["surface"], surface.as_str());
        // The key is a subject key off paper: explain and footer agree.
        assert_eq!(
            json["chosen"]["message_id"],
            engine.footer(&req).unwrap().message_id.as_str(),
            "{surface}"
        );
    }
}

#[test]
fn a_defined_profile_that_fits_every_message_builds_and_a_too_narrow_one_does_not() {
    use keymsg_core::layout::{LayoutError, Profile};
    // 40 columns, 6 lines: every default receipt, invoice and billboard text fits.
    let kiosk = Profile::columns("kiosk", 40, Some(6)).unwrap();
    let engine = Engine::builder().profile(kiosk).build().unwrap();
    let r = engine
        .footer(&FooterRequest::new().key("K-1").profile_name("kiosk"))
        .unwrap();
    assert!(!r.fit.truncated, "{:?}", r.lines);
    // Narrower than any footer may be: refused by name, whatever the mode.
    for lossy in [false, true] {
        let narrow = Profile::columns("slip", 12, None).unwrap();
        let err = Engine::builder()
            .profile(narrow)
            .allow_lossy(lossy)
            .build()
            .unwrap_err();
        let Error::Layout(LayoutError::InvalidProfile { name, reason }) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(name, "slip");
        assert!(
            reason.contains("width 12 is below the minimum of 16"),
            "{reason}"
        );
    }
}

/// A catalog is checked for `expires` when it is loaded, but an engine
/// lives longer than that: once `expires` has passed (at the request's
/// instant or now, the later), no footer, pop-up or reprint is served from
/// it and nothing is counted.
#[test]
fn an_expired_catalog_is_not_served() {
    use keymsg_core::catalog::{Catalog, CatalogError, Format};
    let with_expiry = |expires: &str| {
        let toml = format!(
            "version = 7\nexpires = \"{expires}\"\n[allow]\nphones = [\"1441\"]\n\
             [[messages]]\nid = \"m\"\ntopic = \"t\"\n\
             [messages.text.th]\nlong = \"สงสัยโทร 1441\"\n"
        );
        let catalog = Catalog::from_str_as(&toml, Format::Toml, "exp.toml").unwrap();
        Engine::builder()
            .catalog(catalog)
            .in_memory_store()
            .build()
            .unwrap()
    };
    let expired = |r: Result<keymsg_core::Rendered, Error>| match r {
        Err(Error::Catalog(CatalogError::Expired { version: 7, .. })) => {}
        other => panic!("{other:?}"),
    };
    // Served before its `expires`, not at or after it.
    let engine = with_expiry("2030-01-01T00:00:00+07:00");
    let before = FooterRequest::new()
        .key("INV-1")
        .at(datetime!(2029-12-31 23:59:59 +07:00));
    let first = engine.footer(&before).unwrap();
    assert!(first.counted);
    let after = FooterRequest::new()
        .key("INV-2")
        .at(datetime!(2030-01-01 00:00 +07:00));
    expired(engine.footer(&after));
    expired(engine.replay(&first.token, &after));
    let mut popup = PopupRequest::new().key("U-1");
    popup.at = Some(datetime!(2030-02-01 00:00 +07:00));
    expired(engine.popup(&popup));
    // Only the footer served before `expires` is counted.
    let metrics = engine.metrics().unwrap();
    let counted: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("keymsg_insertions_total{"))
        .collect();
    assert!(
        counted.len() == 1 && counted[0].ends_with("message_id=\"m\"} 1"),
        "{metrics}"
    );
    // Expired now: an instant in the past does not bring it back.
    let engine = with_expiry("2021-01-01");
    let past = datetime!(2020-06-01 12:00 +07:00);
    let err = engine
        .footer(&FooterRequest::new().key("INV-3").at(past))
        .unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    expired(engine.replay(&first.token, &FooterRequest::new().at(past)));
    expired(engine.popup(&PopupRequest::new().key("U-2")));
    // Nothing was counted by the refusals.
    let metrics = engine.metrics().unwrap();
    assert!(!metrics.contains("message_id=\"m\""), "{metrics}");
}
