//! An official base catalog with an agency overlay: what the overlay may add
//! and adjust, what it may not change, and problems named by layer and file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keymsg_core::catalog::{Catalog, CatalogError, Format, LoadOptions, Overlay, ProblemKind};
use keymsg_core::{Engine, FooterRequest};

/// An overlay file named `agency.toml` (shared with `catalog_overlay_words`).
pub(crate) fn overlay(text: &str) -> Overlay {
    Overlay::from_bytes(text.as_bytes(), Format::Toml, "agency.toml").unwrap()
}

/// The source and problems of an `Invalid` error (shared with `catalog_overlay_words`).
pub(crate) fn problems(e: CatalogError) -> (String, Vec<keymsg_core::catalog::Problem>) {
    match e {
        CatalogError::Invalid {
            source_name,
            problems,
        } => (source_name, problems),
        other => panic!("expected Invalid, got {other}"),
    }
}

const AGENCY: &str = r#"
version = 2
issuer = "PEA Chiang Mai"
disable = ["guess-who-calling"]

[allow]
phones = ["053-123-456"]
hosts = ["pea.co.th"]

[policy]
receipt = "round-robin"

[adjust.aoc-1441]
weight = 7
priority = 2

[[messages]]
id = "pea-cm-hotline"
topic = "impersonation"
[messages.text.th]
long = "การไฟฟ้าไม่โทรขอให้โอนเงิน สงสัยโทร 053-123-456 หรือ 1441 ดูที่ pea.co.th"
short = "สงสัยโทร 053-123-456 หรือ 1441"
title = "ระวังคนอ้างเป็นการไฟฟ้า"
"#;

#[test]
fn an_overlay_adds_a_hotline_adjusts_and_disables() {
    let base = Catalog::embedded().unwrap();
    let c = base.with_overlay(&overlay(AGENCY)).unwrap();
    let m = c.get("pea-cm-hotline").unwrap();
    assert!(m.text("th").unwrap().long.contains("053-123-456"));
    assert!(c.get("guess-who-calling").is_none(), "disabled");
    assert_eq!(c.messages().len(), base.messages().len());
    let aoc = c.get("aoc-1441").unwrap();
    assert_eq!((aoc.weight, aoc.priority), (7, 2));
    // Official text is untouched.
    assert_eq!(aoc.text, base.get("aoc-1441").unwrap().text);
    assert_eq!(c.meta().policy.get("receipt").unwrap(), "round-robin");
    assert_eq!(c.version(), base.version());
    // The engine serves it: the priority-2 official message wins on receipts.
    let e = Engine::builder()
        .catalog(base)
        .overlay(overlay(AGENCY))
        .build()
        .unwrap();
    let f = e.footer(&FooterRequest::new().key("INV-1")).unwrap();
    assert_eq!(f.message_id, "aoc-1441");
}

#[test]
fn an_overlay_cannot_change_official_text() {
    let base = Catalog::embedded().unwrap();
    let replace = r#"
version = 1
[[messages]]
id = "aoc-1441"
topic = "impersonation"
[messages.text.th]
long = "โทร 1441"
"#;
    let (source, ps) = problems(base.with_overlay(&overlay(replace)).unwrap_err());
    assert_eq!(source, "overlay agency.toml");
    assert!(
        ps.iter()
            .any(|p| p.message_id.as_deref() == Some("aoc-1441")
                && matches!(&p.kind, ProblemKind::Overlay(m) if m.contains("cannot replace"))),
        "{ps:?}"
    );
    let text = "version = 1\n[adjust.aoc-1441]\ntext = { th = { long = \"x\" } }\n";
    let (_, ps) = problems(base.with_overlay(&overlay(text)).unwrap_err());
    assert_eq!(ps[0].field, "adjust.aoc-1441.text");
    assert!(ps[0].to_string().contains("cannot be changed"), "{}", ps[0]);
}

#[test]
fn overlay_numbers_are_for_its_own_messages_and_unlisted_ones_are_refused() {
    let base = Catalog::embedded().unwrap();
    let bad = r#"
version = 1
[allow]
phones = ["1129"]
[[messages]]
id = "agency-msg"
topic = "loan"
[messages.text.th]
long = "กู้เงินด่วน โทร 02-999-9999"
"#;
    let (source, ps) = problems(base.with_overlay(&overlay(bad)).unwrap_err());
    assert_eq!(source, "overlay agency.toml");
    assert!(
        matches!(&ps[0].kind, ProblemKind::PhoneNotAllowed(n) if n == "02-999-9999"),
        "{ps:?}"
    );
    // Unknown ids in `disable` and `adjust` are problems too.
    let typo = "version = 1\ndisable = [\"no-such\"]\n[adjust.nope]\nweight = 2\n";
    let (_, ps) = problems(base.with_overlay(&overlay(typo)).unwrap_err());
    assert_eq!(ps.len(), 2, "{ps:?}");
}

#[test]
fn load_names_the_layer_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("official.toml");
    std::fs::write(
        &base,
        Catalog::embedded()
            .unwrap()
            .to_string_as(Format::Toml)
            .unwrap(),
    )
    .unwrap();
    let ov = dir.path().join("agency.toml");
    std::fs::write(
        &ov,
        AGENCY.replace("053-123-456 หรือ 1441 ดู", "053-000-000 หรือ 1441 ดู"),
    )
    .unwrap();
    let o = LoadOptions {
        catalog: Some(base.clone()),
        overlay: Some(ov.clone()),
        ..LoadOptions::default()
    };
    let e = Catalog::load(&o).unwrap_err();
    let line = &e.lines()[0];
    assert!(
        line.starts_with(&format!(
            "overlay {}: message `pea-cm-hotline`",
            ov.display()
        )),
        "{line}"
    );
    std::fs::write(&ov, AGENCY).unwrap();
    let c = Catalog::load(&o).unwrap();
    assert_eq!(c.trust().layers.len(), 2);
    assert_eq!(c.trust().layers[1].version, 2);
    // A broken base is named as the base.
    std::fs::write(
        &base,
        "version = 1\n[[messages]]\nid = \"x\"\ntopic = \"t\"\n[messages.text.th]\nlong = \"\"\n",
    )
    .unwrap();
    let e = Catalog::load(&o).unwrap_err();
    assert!(
        e.lines()[0].starts_with(&format!("base {}:", base.display())),
        "{e}"
    );
}

/// An overlay of schema 1 (it has no `[layout]` of its own) applies to a
/// base of schema 2 with `[layout]`, and the base's words apply to the
/// overlay's messages too.
#[test]
fn a_schema_1_overlay_applies_to_a_base_with_layout_words() {
    const WORD: &str = "ฟ้าใสพารวย";
    let base = Catalog::from_str_as(
        &format!(
            "schema = 2\nversion = 1\n[layout]\nwords = [\"{WORD}\"]\n[[messages]]\n\
             id = \"base\"\ntopic = \"general\"\n[messages.text.th]\nlong = \"อย่าโอนเงินให้คนที่ไม่รู้จัก\"\n"
        ),
        Format::Toml,
        "base.toml",
    )
    .unwrap();
    let agency = "version = 1\ndisable = [\"base\"]\n[[messages]]\nid = \"own\"\n\
                  topic = \"general\"\n[messages.text.th]\n\
                  long = \"โปรดลงทะเบียนผ่านแอปฟ้าใสพารวยเท่านั้น\"\n";
    let c = base.with_overlay(&overlay(agency)).unwrap();
    assert_eq!(c.meta().schema, 2);
    let engine = Engine::builder().catalog(c).build().unwrap();
    let lines = engine
        .footer(&FooterRequest::new().width(22))
        .unwrap()
        .lines;
    assert!(lines.iter().any(|l| l.contains(WORD)), "{lines:?}");
}
