//! Every validation rule, each with an input that breaks it, and the id,
//! field and character offset it is reported at.

// Helpers outside #[test] functions panic on purpose: they are test code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keymsg_core::catalog::{Catalog, CatalogError, Format, MAX_WEIGHT, Problem, ProblemKind};
use serde_json::{Value, json};

/// A catalog with one message whose Thai `long` text is `th`.
fn with_text(th: &str) -> Value {
    json!({
        "version": 1,
        "allow": {
            "phones": ["1441", "191", "02-123-4567", "๑๑๒๙"],
            "hosts": ["thaipoliceonline.go.th", "pea.co.th"]
        },
        // Receipts only: these tests are about characters, not layout budgets.
        "messages": [{ "id": "m", "topic": "general", "surfaces": ["receipt"],
                       "text": { "th": { "long": th } } }]
    })
}

fn load(v: &Value) -> Result<Catalog, CatalogError> {
    Catalog::from_str_as(&v.to_string(), Format::Json, "test.json")
}

fn problems(v: &Value) -> Vec<Problem> {
    match load(v) {
        Err(CatalogError::Invalid { problems, .. }) => problems,
        Err(other) => panic!("expected content problems, got {other}"),
        Ok(_) => panic!("expected problems, catalog is valid: {v}"),
    }
}

/// The only problem, as (id, field, offset, kind).
fn only(v: &Value) -> (Option<String>, String, Option<usize>, ProblemKind) {
    let ps = problems(v);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = ps.into_iter().next().unwrap();
    (p.message_id, p.field, p.offset, p.kind)
}

fn text_problem(th: &str) -> (String, Option<usize>, ProblemKind) {
    let (id, field, offset, kind) = only(&with_text(th));
    assert_eq!(id.as_deref(), Some("m"));
    (field, offset, kind)
}

fn assert_valid(v: &Value) {
    if let Err(e) = load(v) {
        panic!("{e}");
    }
}

#[test]
fn a_clean_catalog_is_valid() {
    assert_valid(&with_text(
        "โทร 1441 หรือ 191 หรือ 02-123-4567 หรือ 1129 แจ้งที่ https://thaipoliceonline.go.th/x ค่าไฟ ฿5,000.00",
    ));
}

#[test]
fn empty_text_is_rejected() {
    assert_eq!(
        text_problem("  "),
        ("text.th.long".into(), None, ProblemKind::Empty)
    );
    let mut v = with_text("โทร 1441");
    v["messages"][0]["text"]["th"]["title"] = json!("");
    assert_eq!(only(&v).1, "text.th.title");
    assert_eq!(only(&v).3, ProblemKind::Empty);
}

#[test]
fn missing_thai_is_rejected() {
    let mut v = with_text("x");
    v["messages"][0]["text"] = json!({ "en": { "long": "Call 1441" } });
    let (_, field, _, kind) = only(&v);
    assert_eq!(field, "text");
    assert!(matches!(kind, ProblemKind::Missing(_)));
}

#[test]
fn control_characters_are_rejected_at_their_offset() {
    assert_eq!(
        text_problem("โทร\u{1B}1441"),
        ("text.th.long".into(), Some(3), ProblemKind::Control(0x1B))
    );
    assert_eq!(text_problem("a\u{7F}").2, ProblemKind::Control(0x7F));
    assert_eq!(text_problem("a\u{85}").2, ProblemKind::Control(0x85));
    assert_eq!(text_problem("line\nbreak").1, Some(4));
    assert_eq!(text_problem("tab\there").2, ProblemKind::Control(9));
    assert_eq!(text_problem("x\u{2028}y").2, ProblemKind::Control(0x2028));
}

#[test]
fn bidi_controls_are_rejected() {
    assert_eq!(
        text_problem("โทร \u{202E}1441"),
        ("text.th.long".into(), Some(4), ProblemKind::Bidi(0x202E))
    );
    assert_eq!(text_problem("a\u{2066}b").2, ProblemKind::Bidi(0x2066));
    assert_eq!(text_problem("a\u{200F}b").2, ProblemKind::Bidi(0x200F));
}

#[test]
fn replacement_character_is_rejected() {
    assert_eq!(
        text_problem("โทร\u{FFFD}"),
        ("text.th.long".into(), Some(3), ProblemKind::Replacement)
    );
}

#[test]
fn invisible_characters_inside_spans_are_rejected() {
    // A zero-width space inside 1441 is reported at the ZWSP's offset.
    assert_eq!(
        text_problem("14\u{200B}41"),
        (
            "text.th.long".into(),
            Some(2),
            ProblemKind::Invisible(0x200B)
        )
    );
    // Inside a landline, a URL, an e-mail address and an amount.
    assert_eq!(text_problem("โทร 02-123\u{2060}-4567").1, Some(10));
    assert_eq!(
        text_problem("ดูที่ thaipoliceonline\u{FEFF}.go.th").2,
        ProblemKind::Invisible(0xFEFF)
    );
    assert_eq!(text_problem("a@pea.\u{AD}co.th").1, Some(6));
    assert_eq!(
        text_problem("฿5,0\u{200C}00").2,
        ProblemKind::Invisible(0x200C)
    );
    // Between two digits even where no span results (1441 and 191 run together).
    assert_eq!(text_problem("1441\u{200D}191").1, Some(4));
    // Variation selectors are invisible too.
    assert_eq!(
        text_problem("19\u{FE0F}1").2,
        ProblemKind::Invisible(0xFE0F)
    );
}

#[test]
fn invisible_characters_between_words_are_allowed() {
    // A ZWSP between Thai words is a line-break hint; next to a number but not
    // inside it is fine too.
    assert_valid(&with_text(
        "ถูกหลอก\u{200B}โอนเงิน\u{200B}โทร\u{200B}1441\u{200B}ทันที",
    ));
    assert_valid(&with_text("ข้อความ\u{AD}ยาว 👍\u{FE0F}"));
}

#[test]
fn a_hidden_number_is_still_checked_against_the_allow_list() {
    // 081 234 5678 split by a word joiner: rejected as invisible AND as not allowed.
    let ps = problems(&with_text("โทร 081\u{2060}2345678"));
    let kinds: Vec<_> = ps.iter().map(|p| (&p.kind, p.offset)).collect();
    assert!(
        kinds.contains(&(&ProblemKind::Invisible(0x2060), Some(7))),
        "{ps:#?}"
    );
    assert!(
        kinds.contains(&(&ProblemKind::PhoneNotAllowed("0812345678".into()), Some(4))),
        "{ps:#?}"
    );
}

#[test]
fn invisible_characters_in_ids_and_names_are_rejected() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["id"] = json!("fake\u{200B}call");
    let (id, field, offset, kind) = only(&v);
    assert_eq!(id.as_deref(), Some("fake\u{200B}call"));
    assert_eq!(
        (field.as_str(), offset, kind),
        ("id", Some(4), ProblemKind::Invisible(0x200B))
    );

    let mut v = with_text("โทร 1441");
    v["messages"][0]["topic"] = json!("loan\u{2060}");
    assert_eq!(only(&v).2, Some(4));

    let mut v = with_text("โทร 1441");
    v["allow"]["phones"] = json!(["14\u{200B}41"]);
    let ps = problems(&v);
    assert!(ps.iter().any(|p| p.field == "allow.phones[0]"
        && p.offset == Some(2)
        && p.kind == ProblemKind::Invisible(0x200B)));
}

#[test]
fn bad_and_duplicate_ids_are_rejected() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["id"] = json!("ข้อความ");
    assert_eq!(only(&v).3, ProblemKind::BadId);
    v["messages"][0]["id"] = json!("x".repeat(65));
    assert_eq!(only(&v).3, ProblemKind::BadId);
    v["messages"][0]["id"] = json!("");
    assert_eq!(only(&v).3, ProblemKind::BadId);

    let mut v = with_text("โทร 1441");
    let m = v["messages"][0].clone();
    v["messages"] = json!([m.clone(), { "id": "other", "topic": "otp", "text": m["text"] }, m]);
    let (id, field, _, kind) = only(&v);
    assert_eq!((id.as_deref(), field.as_str()), (Some("m"), "id"));
    assert_eq!(kind, ProblemKind::DuplicateId { first_index: 0 });
}

#[test]
fn empty_topic_is_rejected() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["topic"] = json!(" ");
    assert_eq!(only(&v).1, "topic");
}

#[test]
fn language_codes_must_be_two_or_three_lower_case_letters() {
    for bad in ["TH", "t", "thai", "en-US", "th1"] {
        let mut v = with_text("โทร 1441");
        v["messages"][0]["text"][bad] = json!({ "long": "Call 1441" });
        let (_, field, _, kind) = only(&v);
        assert_eq!(field, format!("text.{bad}"));
        assert_eq!(kind, ProblemKind::BadLanguage(bad.into()));
    }
    let mut v = with_text("โทร 1441");
    v["messages"][0]["text"]["mnw"] = json!({ "long": "1441" });
    v["messages"][0]["text"]["en"] = json!({ "long": "Call 1441" });
    assert_valid(&v);
}

#[test]
fn invalid_dates_are_rejected() {
    for (field, bad) in [
        ("from", "2026-02-30"),
        ("until", "tomorrow"),
        ("from", "2026-1-5"),
    ] {
        let mut v = with_text("โทร 1441");
        v["messages"][0][field] = json!(bad);
        let (id, f, _, kind) = only(&v);
        assert_eq!((id.as_deref(), f.as_str()), (Some("m"), field));
        assert_eq!(kind, ProblemKind::BadDate(bad.into()));
    }
    let mut v = with_text("โทร 1441");
    v["expires"] = json!("2026-13-01");
    let (id, f, _, _) = only(&v);
    assert_eq!((id, f.as_str()), (None, "expires"));
}

#[test]
fn implausible_years_are_rejected() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["from"] = json!("0026-01-01");
    assert!(matches!(only(&v).3, ProblemKind::OutOfRange(_)));
    let mut v = with_text("โทร 1441");
    v["expires"] = json!("2569-12-31"); // a Buddhist-era year typed by mistake
    assert!(matches!(only(&v).3, ProblemKind::OutOfRange(_)));
    // The last day of the range is fine although it ends in the next year.
    let mut v = with_text("โทร 1441");
    v["expires"] = json!("2199-12-31");
    assert_valid(&v);
}

#[test]
fn windows_ending_before_they_start_are_rejected() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["from"] = json!("2026-05-01");
    v["messages"][0]["until"] = json!("2026-04-30");
    assert_eq!(only(&v).1, "until");
    assert_eq!(only(&v).3, ProblemKind::WindowInverted);
    // A one-day window (inclusive until) is fine, and so are instants.
    v["messages"][0]["until"] = json!("2026-05-01");
    assert_valid(&v);
    v["messages"][0]["from"] = json!("2026-05-01T10:00:00+07:00");
    v["messages"][0]["until"] = json!("2026-05-01T03:00:00Z"); // = 10:00 Bangkok
    assert_eq!(only(&v).3, ProblemKind::WindowInverted);
}

#[test]
fn window_semantics_are_bangkok_local_days() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["from"] = json!("2026-05-01");
    v["messages"][0]["until"] = json!("2026-05-01");
    let c = load(&v).unwrap();
    let w = c.get("m").unwrap().window;
    let at = |s: &str| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    };
    assert!(!w.contains(at("2026-04-30T16:59:59Z")));
    assert!(w.contains(at("2026-04-30T17:00:00Z"))); // 00:00 Bangkok, 1 May
    assert!(w.contains(at("2026-05-01T23:59:59+07:00")));
    assert!(!w.contains(at("2026-05-02T00:00:00+07:00")));
}

#[test]
fn a_message_starting_after_the_catalog_expires_is_rejected() {
    let mut v = with_text("โทร 1441");
    v["expires"] = json!("2026-06-30");
    v["messages"][0]["from"] = json!("2026-07-01");
    let (_, field, _, kind) = only(&v);
    assert_eq!(field, "from");
    assert!(matches!(kind, ProblemKind::OutOfRange(_)));
    v["messages"][0]["from"] = json!("2026-06-30");
    assert_valid(&v);
}

#[test]
fn weight_must_be_in_range() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["weight"] = json!(MAX_WEIGHT + 1);
    let (_, field, _, kind) = only(&v);
    assert_eq!(field, "weight");
    assert!(matches!(kind, ProblemKind::OutOfRange(_)));
    v["messages"][0]["weight"] = json!(0);
    assert_valid(&v);
    v["messages"][0]["weight"] = json!(MAX_WEIGHT);
    assert_valid(&v);
    // Negative weights do not even parse.
    v["messages"][0]["weight"] = json!(-1);
    assert!(matches!(load(&v), Err(CatalogError::Syntax { .. })));
}

#[test]
fn surfaces_must_be_known_non_empty_and_unique() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["surfaces"] = json!([]);
    assert_eq!(
        (only(&v).1, only(&v).3),
        ("surfaces".into(), ProblemKind::Empty)
    );
    v["messages"][0]["surfaces"] = json!(["receipt", "popup", "receipt"]);
    assert_eq!(only(&v).1, "surfaces[2]");
    v["messages"][0]["surfaces"] = json!(["fax"]);
    assert!(matches!(load(&v), Err(CatalogError::Syntax { .. })));
}

#[test]
fn policy_keys_are_default_or_a_surface() {
    let mut v = with_text("โทร 1441");
    v["policy"] = json!({ "default": "sticky", "popup": "cycle", "receipt": "round-robin" });
    assert_valid(&v);
    v["policy"] = json!({ "fax": "sticky" });
    let (id, field, _, kind) = only(&v);
    assert_eq!((id, field.as_str()), (None, "policy.fax"));
    assert!(matches!(kind, ProblemKind::Unknown { name, .. } if name == "fax"));
    v["policy"] = json!({ "default": " " });
    assert_eq!(only(&v).3, ProblemKind::Empty);
}

#[test]
fn phone_numbers_must_be_on_the_allow_list() {
    let (field, offset, kind) = text_problem("โทร 1442 ทันที");
    assert_eq!((field.as_str(), offset), ("text.th.long", Some(4)));
    assert_eq!(kind, ProblemKind::PhoneNotAllowed("1442".into()));
    // No space between Thai and the number.
    assert_eq!(text_problem("โทร0812345678ทันที").1, Some(3));
    assert_eq!(
        text_problem("+66 81 234 5678").2,
        ProblemKind::PhoneNotAllowed("+66 81 234 5678".into())
    );
}

#[test]
fn phone_numbers_compare_digits_only_after_mapping_thai_digits() {
    // The allow-list has 02-123-4567 and ๑๑๒๙ (Thai digits).
    assert_valid(&with_text(
        "โทร ๑๔๔๑ หรือ 021234567 หรือ 02 123 4567 หรือ +66 2 123 4567 หรือ 1129 หรือ ๑๙๑",
    ));
}

#[test]
fn hosts_must_be_on_the_allow_list_subdomains_included() {
    assert_valid(&with_text(
        "ดู www.pea.co.th หรือ https://eservice.pea.co.th/x หรือเขียนถึง info@pea.co.th หรือ THAIPOLICEONLINE.GO.TH",
    ));
    let (_, offset, kind) = text_problem("ดู fakepea.co.th");
    assert_eq!(
        (offset, kind),
        (Some(3), ProblemKind::HostNotAllowed("fakepea.co.th".into()))
    );
    assert_eq!(
        text_problem("https://pea.co.th.evil.example/login").2,
        ProblemKind::HostNotAllowed("pea.co.th.evil.example".into())
    );
    assert_eq!(
        text_problem("mail a@gmail.com").2,
        ProblemKind::HostNotAllowed("gmail.com".into())
    );
    assert_eq!(
        text_problem("bit.ly/x").2,
        ProblemKind::HostNotAllowed("bit.ly".into())
    );
}

#[test]
fn text_that_looks_like_spans_but_is_not_passes() {
    assert_valid(&with_text(
        "ตลอด 24 ชม. เช่น e.g. พ.ศ. 2569 ข้อ 3 ราคา 1,500 บาท ไฟล์ report.pdf ตั้งแต่ 08.30 น.",
    ));
}

#[test]
fn allow_list_entries_must_be_phone_numbers_and_hosts() {
    let mut v = with_text("โทร 1441");
    v["allow"]["phones"] = json!(["1441", "call us", "12"]);
    let ps = problems(&v);
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert_eq!(ps[0].field, "allow.phones[1]");
    assert_eq!(ps[0].kind, ProblemKind::BadPhone("call us".into()));
    assert_eq!(ps[1].field, "allow.phones[2]");

    let mut v = with_text("โทร 1441");
    v["allow"]["hosts"] = json!(["https://pea.co.th/", "localhost", "PEA.CO.TH."]);
    let ps = problems(&v);
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert_eq!(
        ps[0].kind,
        ProblemKind::BadHost("https://pea.co.th/".into())
    );
    assert_eq!(ps[1].field, "allow.hosts[1]");
}

#[test]
fn allow_lists_are_normalised_in_the_meta() {
    let mut v = with_text("โทร 1441");
    v["allow"]["hosts"] = json!(["PEA.co.th."]);
    v["allow"]["phones"] = json!(["๑๔๔๑", "+66 2 123 4567"]);
    let c = load(&v).unwrap();
    assert_eq!(c.meta().allowed_hosts, ["pea.co.th"]);
    assert_eq!(c.meta().allowed_phones, ["1441", "021234567"]);
}

#[test]
fn issuer_is_checked() {
    let mut v = with_text("โทร 1441");
    v["issuer"] = json!("PEA\u{1B}");
    let (id, field, offset, kind) = only(&v);
    assert_eq!((id, field.as_str(), offset), (None, "issuer", Some(3)));
    assert_eq!(kind, ProblemKind::Control(0x1B));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut v = with_text("โทร\u{1B} 1442 \u{202E}");
    v["messages"][0]["weight"] = json!(MAX_WEIGHT + 1);
    v["messages"][0]["until"] = json!("soon");
    let ps = problems(&v);
    assert_eq!(ps.len(), 5, "{ps:#?}");
    assert!(ps.iter().all(|p| p.message_id.as_deref() == Some("m")));
}

#[test]
fn english_and_other_variants_are_checked_too() {
    let mut v = with_text("โทร 1441");
    v["messages"][0]["text"]["en"] = json!({ "long": "Call 1441", "short": "Call 1999" });
    let (_, field, offset, kind) = only(&v);
    assert_eq!((field.as_str(), offset), ("text.en.short", Some(5)));
    assert_eq!(kind, ProblemKind::PhoneNotAllowed("1999".into()));
}

#[test]
fn text_that_cannot_fit_an_enabled_profile_is_rejected_per_profile() {
    // 94 columns: fits a 32-column receipt in 3 lines, but not one SMS segment.
    let th = "ถ้ามีคนโทรมาอ้างว่าเป็นเจ้าหน้าที่ตำรวจและสั่งให้โอนเงิน โปรดวางสายทันที แล้วโทรแจ้ง 1441";
    let mut v = with_text(th);
    assert_valid(&v);
    v["messages"][0]["surfaces"] = json!(["receipt", "sms"]);
    let (id, field, offset, kind) = only(&v);
    assert_eq!(id.as_deref(), Some("m"));
    assert_eq!(field, "text.th");
    assert_eq!(offset, None);
    match kind {
        ProblemKind::DoesNotFit { profile, .. } => assert_eq!(profile, "sms"),
        other => panic!("{other:?}"),
    }
    // A short variant that fits one segment makes it valid again.
    v["messages"][0]["text"]["th"]["short"] = json!("อย่าโอนเงินให้คนที่อ้างเป็นตำรวจ สงสัยโทร 1441");
    assert_valid(&v);
}

#[test]
fn unknown_policy_names_are_rejected() {
    let mut v = with_text("โทร 1441");
    v["policy"] = json!({ "receipt": "sticky", "popup": "cycle:fortnight" });
    let (id, field, offset, kind) = only(&v);
    assert_eq!(id, None);
    assert_eq!(field, "policy.popup");
    assert_eq!(offset, None);
    assert!(
        matches!(kind, ProblemKind::Unknown { ref name, .. } if name == "cycle:fortnight"),
        "{kind:?}"
    );
}
