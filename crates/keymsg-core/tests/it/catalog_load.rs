//! Loading catalogs: TOML and JSON, schema handling, size and UTF-8 limits,
//! the fixture files, and error lines as `keymsg check` prints them.

// Helpers outside #[test] functions panic on purpose: they are test code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use keymsg_core::Surface;
use keymsg_core::catalog::{
    Catalog, CatalogError, Format, MAX_CATALOG_BYTES, ProblemKind, SCHEMA_VERSION,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/catalogs")
        .join(name)
}

fn problems(err: CatalogError) -> Vec<keymsg_core::catalog::Problem> {
    match err {
        CatalogError::Invalid { problems, .. } => problems,
        other => panic!("expected Invalid, got {other}"),
    }
}

const MINIMAL: &str = r#"
version = 1
[allow]
phones = ["1441"]
[[messages]]
id = "m"
topic = "general"
[messages.text.th]
long = "โทร 1441"
"#;

#[test]
fn agency_example_toml_loads() {
    let c = Catalog::from_path(fixture("agency-example.toml")).unwrap();
    assert_eq!(c.version(), 3);
    assert_eq!(c.messages().len(), 3);
    assert_eq!(
        c.meta().allowed_hosts,
        ["thaipoliceonline.go.th", "pea.co.th"]
    );
    assert_eq!(
        c.meta().policy.get("popup").map(String::as_str),
        Some("cycle")
    );
    let m = c.get("pea-fake-staff").unwrap();
    assert_eq!(m.weight, 3);
    assert_eq!(
        m.surfaces,
        [Surface::Receipt, Surface::Invoice, Surface::Popup]
    );
    // Defaults: every surface, weight 1, priority 0, no window.
    let d = c.get("pea-scammed-what-to-do").unwrap();
    assert_eq!(d.surfaces, Surface::ALL);
    assert_eq!((d.weight, d.priority), (1, 0));
    assert!(d.text("en").is_none());
    let alert = c.get("pea-new-scam-alert").unwrap();
    assert_eq!(alert.priority, 10);
    assert!(alert.window.from.is_some() && alert.window.until.is_some());
    let expires = c.meta().expires.unwrap();
    // `expires = "2027-12-31"` is inclusive: it ends at midnight starting 2028-01-01, Bangkok.
    assert_eq!(expires.to_string(), "2028-01-01 0:00:00.0 +07:00:00");
    assert!(!c.is_expired_at(expires - time::Duration::SECOND));
    assert!(c.is_expired_at(expires));
}

#[test]
fn agency_example_json_loads() {
    let c = Catalog::from_path(fixture("agency-example.json")).unwrap();
    assert_eq!(c.version(), 4);
    assert_eq!(c.get("pea-otp").unwrap().topic, "otp");
}

#[test]
fn toml_and_json_of_the_same_catalog_agree() {
    let toml_cat = Catalog::from_path(fixture("agency-example.toml")).unwrap();
    let json = toml_cat.to_string_as(Format::Json).unwrap();
    let json_cat = Catalog::from_str_as(&json, Format::Json, "x.json").unwrap();
    assert_eq!(toml_cat.messages(), json_cat.messages());
    assert_eq!(toml_cat.meta(), json_cat.meta());
}

#[test]
fn format_comes_from_the_extension() {
    assert_eq!(Format::from_path("a/B.TOML".as_ref()), Some(Format::Toml));
    assert_eq!(Format::from_path("b.json".as_ref()), Some(Format::Json));
    assert_eq!(Format::from_path("c.yaml".as_ref()), None);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("catalog.yaml");
    std::fs::write(&p, MINIMAL).unwrap();
    assert!(matches!(
        Catalog::from_path(&p),
        Err(CatalogError::UnknownFormat { .. })
    ));
    assert!(matches!(
        Catalog::from_path(dir.path().join("missing.toml")),
        Err(CatalogError::Io { .. })
    ));
}

#[test]
fn schema_1_file_without_schema_field_loads() {
    let c = Catalog::from_str_as(MINIMAL, Format::Toml, "t").unwrap();
    assert_eq!(c.meta().schema, 1);
    let c = Catalog::from_str_as(&format!("schema = 1\n{MINIMAL}"), Format::Toml, "t").unwrap();
    assert_eq!(c.meta().schema, 1);
    // Written back as read: schema 1, no `[layout]` added.
    let again = c.to_string_as(Format::Toml).unwrap();
    assert!(again.starts_with("schema = 1\n"), "{again}");
    assert!(!again.contains("layout"), "{again}");
    let c = Catalog::from_str_as(&format!("schema = 2\n{MINIMAL}"), Format::Toml, "t").unwrap();
    assert_eq!(c.meta().schema, SCHEMA_VERSION);
}

/// `[layout]` came with schema 2: a file of schema 1 (declared, or by
/// default) that has it is refused, naming the file and the fix, in TOML
/// and JSON and even when the table is empty; with `schema = 2` it loads.
#[test]
fn layout_needs_schema_2() {
    assert_eq!(SCHEMA_VERSION, 2);
    let layout = "[layout]\nwords = [\"ฟ้าใสพารวย\"]\n";
    for (text, found) in [
        (format!("{MINIMAL}{layout}"), 1),
        (format!("schema = 1\n{MINIMAL}{layout}"), 1),
        (format!("{MINIMAL}[layout]\n"), 1),
    ] {
        let err = Catalog::from_str_as(&text, Format::Toml, "agency.toml").unwrap_err();
        let lines = err.lines();
        assert!(
            err.to_string().starts_with("agency.toml: 1 problem:\n"),
            "{err}"
        );
        let ps = problems(err);
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(ps[0].field, "layout");
        assert_eq!(ps[0].message_id, None);
        assert_eq!(ps[0].kind, ProblemKind::NeedsSchema { needs: 2, found });
        assert_eq!(
            lines,
            [
                "agency.toml: field `layout`: needs `schema = 2`, and the file is schema 1 \
                 (1 when it has no `schema`): set `schema = 2` at its top (JSON: `\"schema\": 2`)"
            ]
        );
    }
    let json = r#"{"version": 1, "layout": {"words": []}, "allow": {"phones": ["1441"]},
        "messages": [{"id": "m", "topic": "general", "text": {"th": {"long": "โทร 1441"}}}]}"#;
    let ps = problems(Catalog::from_str_as(json, Format::Json, "agency.json").unwrap_err());
    assert_eq!(ps[0].field, "layout");
    let json = json.replacen('{', "{\"schema\": 2, ", 1);
    assert_eq!(
        Catalog::from_str_as(&json, Format::Json, "agency.json")
            .unwrap()
            .meta()
            .schema,
        2
    );
    let c = Catalog::from_str_as(
        &format!("schema = 2\n{MINIMAL}{layout}"),
        Format::Toml,
        "agency.toml",
    )
    .unwrap();
    assert_eq!(c.meta().schema, 2);
    // Written back with its schema and words, and read back the same.
    let again = c.to_string_as(Format::Toml).unwrap();
    assert!(again.starts_with("schema = 2\n"), "{again}");
    let back = Catalog::from_str_as(&again, Format::Toml, "again.toml").unwrap();
    assert_eq!(back.to_string_as(Format::Toml).unwrap(), again);
}

/// A file of a schema newer than this keymsg's is refused as such, even
/// when it has fields this keymsg does not know (the schema is read first).
#[test]
fn a_future_schema_is_reported_before_its_unknown_fields() {
    let toml = format!("schema = 3\n{MINIMAL}[shiny]\nnew = true\n");
    let json = r#"{"shiny": {"new": true}, "schema": 3, "version": 1, "messages": []}"#;
    for err in [
        Catalog::from_str_as(&toml, Format::Toml, "future.toml").unwrap_err(),
        Catalog::from_str_as(json, Format::Json, "future.json").unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                CatalogError::UnsupportedSchema {
                    found: 3,
                    supported: 2,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().ends_with(
                ": catalog schema 3 needs a newer keymsg (this one reads schemas 1 to 2)"
            ),
            "{err}"
        );
    }
    // Of this schema, an unknown field is still an error about that field.
    let err = Catalog::from_str_as(
        &format!("schema = 2\n{MINIMAL}[shiny]\n"),
        Format::Toml,
        "t.toml",
    )
    .unwrap_err();
    assert!(
        matches!(&err, CatalogError::Syntax { message, .. } if message.contains("shiny")),
        "{err}"
    );
}

#[test]
fn future_and_zero_schemas_are_rejected() {
    let err = Catalog::from_path(fixture("bad-schema.toml")).unwrap_err();
    match &err {
        CatalogError::UnsupportedSchema {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (99, SCHEMA_VERSION));
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("schema 99"));
    let zero = Catalog::from_str_as(&format!("schema = 0\n{MINIMAL}"), Format::Toml, "t");
    assert!(matches!(
        zero,
        Err(CatalogError::UnsupportedSchema { found: 0, .. })
    ));
}

#[test]
fn oversized_input_is_rejected_before_parsing() {
    let mut big = MINIMAL.as_bytes().to_vec();
    big.resize(MAX_CATALOG_BYTES as usize + 1, b' ');
    let err = Catalog::from_bytes(&big, Format::Toml, "big.toml").unwrap_err();
    assert!(matches!(
        err,
        CatalogError::TooLarge { size, limit, .. } if size == MAX_CATALOG_BYTES + 1 && limit == MAX_CATALOG_BYTES
    ));
    // Exactly at the limit is fine (here: valid TOML padded with spaces).
    big.truncate(MAX_CATALOG_BYTES as usize);
    assert!(Catalog::from_bytes(&big, Format::Toml, "big.toml").is_ok());
    // The file check looks at the size before reading.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.toml");
    std::fs::write(&p, vec![b' '; MAX_CATALOG_BYTES as usize + 1]).unwrap();
    assert!(matches!(
        Catalog::from_path(&p),
        Err(CatalogError::TooLarge { .. })
    ));
}

#[test]
fn invalid_utf8_gives_the_byte_offset() {
    let bytes = std::fs::read(fixture("bad-utf8.toml")).unwrap();
    let expected = bytes.iter().position(|&b| b == 0xFF).unwrap();
    match Catalog::from_path(fixture("bad-utf8.toml")).unwrap_err() {
        CatalogError::InvalidUtf8 { offset, .. } => assert_eq!(offset, expected),
        other => panic!("{other}"),
    }
}

/// A key given twice in a JSON catalog is an error, as TOML makes it: a
/// reviewer reading the file sees the first text, serde kept the last (and
/// the signature covers both), so the printed text was not the one approved.
#[test]
fn json_keys_given_twice_are_errors() {
    let json = |text: &str, policy: &str| {
        format!(
            r#"{{"version": 1, "allow": {{"phones": ["1441"]}}, "policy": {{{policy}}},
  "messages": [{{"id": "m1", "topic": "general",
    "text": {{{text}}}}}]}}"#
        )
    };
    let th = r#""th": {"long": "โทร 1441", "short": "โทร 1441"}"#;
    let other = r#""th": {"long": "โทร 1442", "short": "โทร 1442"}"#;
    // Once each: loads.
    Catalog::from_str_as(&json(th, r#""default": "sticky""#), Format::Json, "a.json").unwrap();
    for (text, policy, key) in [
        (
            format!("{th},\n {other}"),
            r#""default": "sticky""#.to_owned(),
            "th",
        ),
        (
            th.to_owned(),
            r#""default": "sticky", "default": "random""#.to_owned(),
            "default",
        ),
    ] {
        match Catalog::from_str_as(&json(&text, &policy), Format::Json, "a.json") {
            Err(CatalogError::Syntax {
                source_name,
                line,
                message,
                ..
            }) => {
                assert_eq!(source_name, "a.json");
                assert!(line >= 1);
                assert!(message.contains("duplicate"), "{key}: {message}");
            }
            other => panic!("{key}: {other:?}"),
        }
    }
}

#[test]
fn syntax_errors_give_line_and_column() {
    let err =
        Catalog::from_str_as("version = 1\nmessages = [\n", Format::Toml, "t.toml").unwrap_err();
    assert!(
        matches!(err, CatalogError::Syntax { line: 2.., .. }),
        "{err}"
    );
    let err = Catalog::from_str_as("{\"version\": 1,\n \"oops\": 2}", Format::Json, "t.json")
        .unwrap_err();
    match err {
        CatalogError::Syntax { line, message, .. } => {
            assert_eq!(line, 2);
            assert!(message.contains("oops"), "{message}");
        }
        other => panic!("{other}"),
    }
    // Unknown fields are errors, not silently ignored (a typo like `unitl`).
    let typo = MINIMAL.replace(
        "topic = \"general\"",
        "topic = \"general\"\nunitl = \"2026-01-01\"",
    );
    assert!(matches!(
        Catalog::from_str_as(&typo, Format::Toml, "t"),
        Err(CatalogError::Syntax { .. })
    ));
}

#[test]
fn broken_fixtures_fail_with_the_right_problem() {
    type Want = fn(&ProblemKind) -> bool;
    let cases: [(&str, Want); 5] = [
        ("bad-control.toml", |k| {
            matches!(k, ProblemKind::Control(0x1B))
        }),
        (
            "bad-phone.json",
            |k| matches!(k, ProblemKind::PhoneNotAllowed(p) if p == "081 234 5678"),
        ),
        ("bad-invisible.toml", |k| {
            matches!(k, ProblemKind::Invisible(0x200B))
        }),
        (
            "bad-host.toml",
            |k| matches!(k, ProblemKind::HostNotAllowed(h) if h == "thaipolice-online.com"),
        ),
        ("bad-dates.toml", |k| matches!(k, ProblemKind::BadDate(_))),
    ];
    for (name, want) in cases {
        let ps = problems(Catalog::from_path(fixture(name)).unwrap_err());
        assert!(ps.iter().any(|p| want(&p.kind)), "{name}: {ps:?}");
    }
}

#[test]
fn error_lines_give_one_line_per_problem_with_id_field_and_offset() {
    let err = Catalog::from_path(fixture("bad-invisible.toml")).unwrap_err();
    let lines = err.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].ends_with(
            "bad-invisible.toml: message `hidden-zwsp`: field `text.th.long` at char 14: \
         invisible character U+200B inside a number, URL, e-mail address or name"
        ),
        "{}",
        lines[0]
    );

    let err = Catalog::from_path(fixture("bad-many.toml")).unwrap_err();
    let lines = err.lines();
    let n = problems(Catalog::from_path(fixture("bad-many.toml")).unwrap_err()).len();
    assert_eq!(lines.len(), n);
    assert!(n >= 6, "{lines:#?}");
    for l in &lines {
        assert!(l.contains("bad-many.toml: "), "{l}");
        assert!(!l.contains('\n'));
        assert!(l.contains("field `"), "{l}");
    }
    assert!(lines.iter().any(|l| l.contains("field `policy.fax`")));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("message `dup`: field `id`") && l.contains("duplicate"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("field `text.TH`") && l.contains("language"))
    );
    assert!(lines.iter().any(|l| l.contains("field `weight`")));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("field `text.th.long`") && l.contains("empty"))
    );
    // Non-content errors are one line too.
    assert_eq!(
        Catalog::from_path(fixture("bad-schema.toml"))
            .unwrap_err()
            .lines()
            .len(),
        1
    );
    // The Display form lists every problem.
    assert_eq!(err.to_string().lines().count(), n + 1);
}

#[test]
fn text_is_nfc_normalised_never_replaced() {
    // Decomposed é (e + U+0301) becomes the composed form; Thai is unchanged.
    let src = MINIMAL.replace("โทร 1441", "Cafe\u{301} โทร 1441");
    let c = Catalog::from_str_as(&src, Format::Toml, "t").unwrap();
    assert_eq!(
        c.get("m").unwrap().text("th").unwrap().long,
        "Caf\u{e9} โทร 1441"
    );
    // Written out, the catalog keeps the text exactly as it was given.
    assert!(
        c.to_string_as(Format::Toml)
            .unwrap()
            .contains("Cafe\u{301} โทร 1441")
    );
}
