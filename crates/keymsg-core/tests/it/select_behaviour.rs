//! Eligibility, windows in Asia/Bangkok, explain, tokens and pop-up caps.

// Test helpers outside #[test] functions may panic too (clippy.toml covers only the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use keymsg_core::catalog::Format;
use keymsg_core::select::{
    CapOutcome, CapReason, Caps, MemoryLog, Period, Policy, Request, SelectError, Selector,
    Verdict, policy_for,
};
use keymsg_core::{Catalog, Surface};
use time::Duration;
use time::macros::datetime;

const CATALOG: &str = r#"
version = 4
[policy]
default = "sticky"
popup = "cycle:week"

[[messages]]
id = "always"
topic = "t"
weight = 2
[messages.text.th]
long = "ทุกวัน"
[messages.text.en]
long = "Every day"

[[messages]]
id = "march"
topic = "t"
from = "2026-03-01"
until = "2026-03-31"
surfaces = ["receipt"]
weight = 1
priority = 1
[messages.text.th]
long = "มีนาคม"

[[messages]]
id = "off"
topic = "t"
weight = 0
[messages.text.th]
long = "ปิด"

[[messages]]
id = "popup-only"
topic = "t"
surfaces = ["popup"]
[messages.text.th]
long = "ป๊อปอัป"
"#;

fn cat(text: &str) -> Catalog {
    Catalog::from_str_as(text, Format::Toml, "test").unwrap()
}

fn receipt(at: time::OffsetDateTime) -> Request {
    Request::new(Surface::Receipt).document_key("R-1").at(at)
}

#[test]
fn window_dates_are_bangkok_days() {
    let sel = Selector::new(&cat(CATALOG)).unwrap();
    let id = |at| sel.select(&receipt(at)).unwrap().message_id;
    // `from = 2026-03-01` starts at local midnight = 2026-02-28T17:00Z.
    assert_eq!(id(datetime!(2026-02-28 16:59:59 UTC)), "always");
    assert_eq!(id(datetime!(2026-02-28 17:00:00 UTC)), "march");
    // `until = 2026-03-31` is valid through 31 March local, stops at 17:00Z.
    assert_eq!(id(datetime!(2026-03-31 16:59:59 UTC)), "march");
    assert_eq!(id(datetime!(2026-03-31 17:00:00 UTC)), "always");
}

#[test]
fn month_edge_for_periods() {
    let c = cat(CATALOG);
    let sel = Selector::new(&c).unwrap().with_policy(
        None,
        Policy::TimeSliced {
            period: Period::Month,
        },
    );
    // Two eligible billboard messages (always, popup-only is popup only -> 1); use popup.
    let at = |t| Request::new(Surface::Popup).at(t);
    let jan = sel
        .pick(&at(datetime!(2026-01-31 16:59:59 UTC)))
        .unwrap()
        .index;
    let feb = sel
        .pick(&at(datetime!(2026-01-31 17:00:00 UTC)))
        .unwrap()
        .index;
    assert_ne!(jan, feb, "the month changes at 17:00Z, not at UTC midnight");
    let feb_end = sel
        .pick(&at(datetime!(2026-02-28 16:59:59 UTC)))
        .unwrap()
        .index;
    assert_eq!(feb, feb_end);
}

#[test]
fn explain_lists_every_reason() {
    let sel = Selector::new(&cat(CATALOG)).unwrap();
    let ex = sel.explain(&receipt(datetime!(2026-03-10 12:00 +7)));
    let verdict = |id: &str| {
        ex.candidates
            .iter()
            .find(|c| c.message_id == id)
            .unwrap()
            .verdict
    };
    assert_eq!(verdict("march"), Verdict::Eligible);
    assert_eq!(verdict("always"), Verdict::LowerTier { winning: 1 });
    assert_eq!(verdict("off"), Verdict::ZeroWeight);
    assert_eq!(verdict("popup-only"), Verdict::WrongSurface);
    assert_eq!(ex.tier, Some(1));
    assert_eq!(ex.chosen.as_ref().unwrap().message_id, "march");
    assert!(
        ex.rule.starts_with("sticky: document key hash"),
        "{}",
        ex.rule
    );
    assert!(
        ex.rule.contains("rendezvous over 1 message of tier 1:"),
        "{}",
        ex.rule
    );
    let text = ex.to_string();
    assert!(
        text.contains("* march") && text.contains("weight 0"),
        "{text}"
    );

    let ex = sel.explain(&receipt(datetime!(2026-04-10 12:00 +7)).lang("en"));
    let verdict = |id: &str| {
        ex.candidates
            .iter()
            .find(|c| c.message_id == id)
            .unwrap()
            .verdict
    };
    assert_eq!(verdict("march"), Verdict::OutsideWindow);
    assert_eq!(verdict("off"), Verdict::NoLanguage);
    assert_eq!(ex.chosen.as_ref().unwrap().message_id, "always");
}

#[test]
fn nothing_eligible_is_a_clear_error() {
    let sel = Selector::new(&cat(CATALOG)).unwrap();
    let err = sel
        .select(
            &Request::new(Surface::Sms)
                .lang("zh")
                .at(datetime!(2026-03-10 12:00 +7)),
        )
        .unwrap_err();
    assert!(matches!(err, SelectError::NothingEligible { .. }), "{err}");
    assert!(err.to_string().contains("`zh`"), "{err}");
    let ex = sel.explain(&Request::new(Surface::Sms).lang("zh"));
    assert!(ex.chosen.is_none());
    assert!(ex.candidates.iter().all(|c| c.verdict != Verdict::Eligible));
}

#[test]
fn replay_survives_weight_changes_and_names_missing_messages() {
    let sel = Selector::new(&cat(CATALOG)).unwrap();
    let s = sel
        .select(&receipt(datetime!(2026-03-10 12:00 +7)))
        .unwrap();
    assert_eq!(s.token.as_str(), "k1.4.march");
    // New catalog: other weights, a later version, and March is over.
    let changed = CATALOG
        .replace("version = 4", "version = 9")
        .replace("weight = 1\npriority = 1", "weight = 50\npriority = 0");
    let later = Selector::new(&cat(&changed)).unwrap();
    assert_eq!(later.replay(s.token.as_str()).unwrap().id, "march");
    let gone = later.replay("k1.4.deleted-message").unwrap_err();
    assert!(matches!(gone, SelectError::UnknownMessage { .. }), "{gone}");
    assert!(gone.to_string().contains("deleted-message"));
    let bad = later.replay("march").unwrap_err();
    assert!(matches!(bad, SelectError::BadToken { .. }), "{bad}");
}

#[test]
fn policies_come_from_the_catalog_with_documented_defaults() {
    let c = cat(CATALOG);
    assert_eq!(policy_for(&c, Surface::Receipt).unwrap(), Policy::Sticky);
    assert_eq!(
        policy_for(&c, Surface::Popup).unwrap(),
        Policy::Cycle {
            period: Period::Week
        }
    );
    // `default = "sticky"` applies to billboard too.
    assert_eq!(policy_for(&c, Surface::Billboard).unwrap(), Policy::Sticky);
    let bare = cat(&CATALOG.replace(
        "[policy]\ndefault = \"sticky\"\npopup = \"cycle:week\"\n",
        "",
    ));
    assert_eq!(policy_for(&bare, Surface::Invoice).unwrap(), Policy::Sticky);
    assert_eq!(
        policy_for(&bare, Surface::Sms).unwrap(),
        Policy::Cycle {
            period: Period::Month
        }
    );
    assert_eq!(
        policy_for(&bare, Surface::Billboard).unwrap(),
        Policy::TimeSliced {
            period: Period::Day
        }
    );
    // A typo in a policy name is caught when the catalog is loaded.
    let typo = CATALOG.replace("popup = \"cycle:week\"", "popup = \"cycle:fortnight\"");
    let e = Catalog::from_str_as(&typo, Format::Toml, "test").unwrap_err();
    assert!(
        e.to_string().contains("cycle:fortnight") && e.to_string().contains("policy.popup"),
        "{e}"
    );
}

#[test]
fn round_robin_counter_rotates_without_sequence() {
    let sel = Selector::new(&cat(CATALOG))
        .unwrap()
        .with_policy(Some(Surface::Popup), Policy::RoundRobin);
    let req = Request::new(Surface::Popup).at(datetime!(2026-03-10 12:00 +7));
    let ids: Vec<usize> = (0..4).map(|_| sel.pick(&req).unwrap().index).collect();
    // Eligible on popup: always (0) and popup-only (3), in catalog order;
    // the counter starts at a random position, then alternates.
    assert!(ids == [0, 3, 0, 3] || ids == [3, 0, 3, 0], "{ids:?}");
    assert_eq!(sel.pick(&req.clone().sequence(1)).unwrap().index, 3);
}

#[test]
fn round_robin_counters_start_at_a_random_position_in_each_selector() {
    let catalog = keymsg_core::Catalog::embedded().unwrap();
    let req = Request::new(Surface::Receipt).at(datetime!(2026-03-10 12:00 +7));
    // A new selector is what a new process has: 20 of them showing the same
    // first message would mean every process starts alike.
    let first: std::collections::HashSet<usize> = (0..20)
        .map(|_| Selector::new(&catalog).unwrap().pick(&req).unwrap().index)
        .collect();
    assert!(first.len() > 1, "{first:?}");
}

#[test]
fn popup_caps_per_day_week_and_gap() {
    let sel = Selector::new(&cat(CATALOG)).unwrap();
    let log = MemoryLog::new();
    let caps = Caps {
        per_day: Some(2),
        per_week: Some(3),
        min_gap: Some(Duration::hours(1)),
    };
    let req = |at| Request::new(Surface::Popup).subject_key("User-1").at(at);
    let show = |at| match sel.select_capped(&req(at), &caps, &log).unwrap() {
        CapOutcome::Show(_) => None,
        CapOutcome::Capped { reason, retry_at } => Some((reason, retry_at)),
    };
    // Monday 2026-03-02.
    assert_eq!(show(datetime!(2026-03-02 08:00 +7)), None);
    let (r, retry) = show(datetime!(2026-03-02 08:30 +7)).unwrap();
    assert!(matches!(r, CapReason::MinGap { .. }));
    assert_eq!(retry, datetime!(2026-03-02 09:00 +7));
    assert_eq!(show(datetime!(2026-03-02 09:00 +7)), None);
    let (r, retry) = show(datetime!(2026-03-02 23:59 +7)).unwrap();
    assert_eq!(r, CapReason::PerDay { limit: 2, seen: 2 });
    assert_eq!(retry, datetime!(2026-03-03 00:00 +7));
    // Same subject under another spelling shares the cap.
    let other = Request::new(Surface::Popup)
        .subject_key(" user-1 ")
        .at(datetime!(2026-03-02 23:00 +7));
    assert!(matches!(
        sel.select_capped(&other, &caps, &log).unwrap(),
        CapOutcome::Capped { .. }
    ));
    assert_eq!(show(datetime!(2026-03-03 00:00 +7)), None);
    let (r, retry) = show(datetime!(2026-03-04 12:00 +7)).unwrap();
    assert_eq!(r, CapReason::PerWeek { limit: 3, seen: 3 });
    assert_eq!(retry, datetime!(2026-03-09 00:00 +7));
    assert_eq!(show(datetime!(2026-03-09 00:00 +7)), None);
    // Caps are per subject.
    let e = sel
        .select_capped(&Request::new(Surface::Popup), &caps, &log)
        .unwrap_err();
    assert!(matches!(e, SelectError::MissingKey { .. }), "{e}");
}

/// An explanation foretells the next selection and moves nothing: explaining
/// any number of times never shifts the rotation footers follow.
#[test]
fn explain_shows_the_next_choice_without_moving_the_rotation() {
    let engine = keymsg_core::Engine::builder()
        .policy("round-robin")
        .build()
        .unwrap();
    let req = keymsg_core::FooterRequest::new().at(datetime!(2026-03-10 12:00 +7));
    for _ in 0..5 {
        let first = engine.explain(&req).unwrap();
        let again = engine.explain(&req).unwrap();
        let told = first.chosen.as_ref().unwrap().message_id.clone();
        assert_eq!(again.chosen.unwrap().message_id, told);
        assert_eq!(engine.footer(&req).unwrap().message_id, told);
    }
}
