//! An agency overlay's `[layout] words`: added to the base's, kept whole in
//! the footers laid out from the layered catalog, checked like a base's and
//! reported with the overlay's file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keymsg_core::catalog::{Catalog, Format, LoadOptions, ProblemKind};
use keymsg_core::layout::Profile;
use keymsg_core::{Engine, FooterRequest};

/// A programme name the built-in list splits (คนละ|ครึ่ง|พลัส, ฟ้า|ใส|พา|รวย).
pub(crate) const BOARD_WORD: &str = "คนละครึ่งพลัสฟ้าใสพารวย";

/// A catalog named `source` whose one billboard message (24 × 4) fits only
/// while [`BOARD_WORD`] may break between its parts: kept whole, it would be
/// cut (shared with `layout_words`).
pub(crate) fn board_catalog(source: &str) -> Catalog {
    Catalog::from_str_as(
        &format!(
            "version = 1\n[[messages]]\nid = \"board\"\ntopic = \"general\"\n\
             surfaces = [\"billboard\"]\n[messages.text.th]\n\
             long = \"ลงทะเบียน{BOARD_WORD}เงินคืนด่วน{BOARD_WORD}เงินคืนด่วน{BOARD_WORD}\"\n"
        ),
        Format::Toml,
        source,
    )
    .unwrap()
}

/// The agency's programme: the built-in word list reads it as คนละ|ครึ่ง|พลัส.
const WORD: &str = "คนละครึ่งพลัส";
/// A word of the base's own `[layout]`.
const BASE_WORD: &str = "ฟ้าใสพารวย";
const TEXT: &str = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น";

use super::catalog_overlay::{overlay, problems};

/// `words` as a TOML array.
fn toml_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// An overlay whose one message (priority 1, so every footer shows it) has
/// `text`; with `schema = 2` and `[layout]` when `words` are given.
fn agency(text: &str, words: Option<&[&str]>) -> String {
    let (schema, layout) = match words {
        Some(w) => (
            "schema = 2\n",
            format!("[layout]\nwords = {}\n", toml_list(w)),
        ),
        None => ("", String::new()),
    };
    format!(
        "{schema}version = 1\n{layout}[[messages]]\nid = \"own\"\ntopic = \"general\"\n\
         priority = 1\n[messages.text.th]\nlong = \"{text}\"\n"
    )
}

fn base_with_word() -> Catalog {
    Catalog::from_str_as(
        &format!(
            "schema = 2\nversion = 1\n[layout]\nwords = [\"{BASE_WORD}\"]\n[[messages]]\n\
             id = \"base\"\ntopic = \"general\"\n[messages.text.th]\n\
             long = \"ลงทะเบียนคนละครึ่งพลัสกับแอปฟ้าใสพารวยเท่านั้น\"\n"
        ),
        Format::Toml,
        "base.toml",
    )
    .unwrap()
}

/// The footer lines of `catalog` at `width`.
fn footer(catalog: Catalog, width: usize) -> Vec<String> {
    let engine = Engine::builder().catalog(catalog).build().unwrap();
    engine
        .footer(&FooterRequest::new().width(width))
        .unwrap()
        .lines
}

/// Without the word, คนละครึ่งพลัส is cut at some footer widths (22 is
/// one); with it in the overlay, at none of them.
#[test]
fn an_overlay_word_is_kept_whole_where_it_was_cut() {
    let base = Catalog::embedded().unwrap();
    let without = base.with_overlay(&overlay(&agency(TEXT, None))).unwrap();
    let with = base
        .with_overlay(&overlay(&agency(TEXT, Some(&[WORD]))))
        .unwrap();
    let mut cut = Vec::new();
    for width in 16..=40 {
        let lines = footer(without.clone(), width);
        assert!(lines.concat().contains("โปรดลงทะเบียน"), "{lines:?}");
        if !lines.iter().any(|l| l.contains(WORD)) {
            cut.push(width);
        }
        let lines = footer(with.clone(), width);
        assert!(
            lines.iter().any(|l| l.contains(WORD)),
            "width {width}: {lines:?}"
        );
    }
    assert!(cut.contains(&22), "cut at {cut:?}");
    assert_eq!(footer(with, 22), ["โปรดลงทะเบียนผ่านแอป", "คนละครึ่งพลัสเท่านั้น"]);
}

/// The layered catalog has the base's words first, then the overlay's
/// (one listed in both is kept once); they apply to the base's messages
/// as well as the overlay's, and the catalog is written back as schema 2.
#[test]
fn overlay_words_are_added_after_the_base_words() {
    let base = base_with_word();
    let text = format!("{TEXT}และแอปฟ้าใสพารวย");
    let c = base
        .with_overlay(&overlay(&agency(&text, Some(&[BASE_WORD, WORD]))))
        .unwrap();
    assert_eq!(c.meta().schema, 2);
    let toml = c.to_string_as(Format::Toml).unwrap();
    assert!(
        toml.contains(&format!("words = [\"{BASE_WORD}\", \"{WORD}\"]")),
        "{toml}"
    );
    let back = Catalog::from_str_as(&toml, Format::Toml, "again.toml").unwrap();
    assert_eq!(back.messages().len(), 2);
    for id in ["base", "own"] {
        let t = c.get(id).unwrap().text("th").unwrap();
        for width in 16..=40 {
            let profile = Profile::columns("test", width, None).unwrap();
            let lines = c.fit(t, &profile).unwrap().lines;
            for w in [WORD, BASE_WORD] {
                assert!(
                    lines.iter().any(|l| l.contains(w)),
                    "{id} at {width}: {lines:?}"
                );
            }
        }
    }
    // A base without `[layout]` (schema 1) takes an overlay's words too.
    let c = Catalog::embedded()
        .unwrap()
        .with_overlay(&overlay(&agency(TEXT, Some(&[WORD]))))
        .unwrap();
    assert_eq!(c.meta().schema, 2);
    assert!(
        c.to_string_as(Format::Toml)
            .unwrap()
            .contains(&format!("[layout]\nwords = [\"{WORD}\"]")),
    );
}

/// `[layout]` in an overlay needs `schema = 2` in the overlay itself, even
/// on a base of schema 2, with the message a base gets.
#[test]
fn an_overlay_with_layout_needs_schema_2() {
    for base in [Catalog::embedded().unwrap(), base_with_word()] {
        for text in [
            format!("version = 1\n[layout]\nwords = [\"{WORD}\"]\n"),
            format!("schema = 1\nversion = 1\n[layout]\nwords = [\"{WORD}\"]\n"),
            "version = 1\n[layout]\n".to_owned(),
        ] {
            let err = base.with_overlay(&overlay(&text)).unwrap_err();
            let lines = err.lines();
            let (source, ps) = problems(err);
            assert_eq!(source, "overlay agency.toml");
            assert_eq!(ps.len(), 1, "{ps:?}");
            assert_eq!((ps[0].field.as_str(), &ps[0].message_id), ("layout", &None));
            assert_eq!(ps[0].kind, ProblemKind::NeedsSchema { needs: 2, found: 1 });
            assert_eq!(
                lines,
                [
                    "overlay agency.toml: field `layout`: needs `schema = 2`, and the file is \
                     schema 1 (1 when it has no `schema`): set `schema = 2` at its top \
                     (JSON: `\"schema\": 2`)"
                ]
            );
        }
    }
}

/// A bad overlay word is the problem a base gets for it, at the overlay's
/// `layout.words[k]`, named with the overlay's file (also when loaded).
#[test]
fn a_bad_overlay_word_is_reported_with_the_overlay_file() {
    let bad = ["คนละ ครึ่ง", "ก", WORD, "ABC"];
    let text = agency(TEXT, Some(&bad));
    let err = Catalog::embedded()
        .unwrap()
        .with_overlay(&overlay(&text))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("overlay agency.toml: 3 problems:\n"),
        "{err}"
    );
    let (source, ps) = problems(err);
    assert_eq!(source, "overlay agency.toml");
    let fields: Vec<_> = ps.iter().map(|p| (p.field.as_str(), p.offset)).collect();
    assert_eq!(
        fields,
        [
            ("layout.words[0]", Some(4)),
            ("layout.words[1]", None),
            ("layout.words[3]", Some(0)),
        ]
    );
    // The same words in a base catalog: the same problems.
    let as_base = format!(
        "schema = 2\nversion = 1\n[layout]\nwords = {}\n[allow]\nphones = [\"1441\"]\n\
         [[messages]]\nid = \"m\"\ntopic = \"general\"\n[messages.text.th]\nlong = \"โทร 1441\"\n",
        toml_list(&bad)
    );
    let (_, base_ps) = problems(Catalog::from_str_as(&as_base, Format::Toml, "b").unwrap_err());
    assert_eq!(ps, base_ps);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agency.toml");
    std::fs::write(&path, &text).unwrap();
    let o = LoadOptions {
        overlay: Some(path.clone()),
        ..LoadOptions::default()
    };
    let lines = Catalog::load(&o).unwrap_err().lines();
    assert_eq!(
        lines[0],
        format!(
            "overlay {}: field `layout.words[0]` at char 4: layout word `คนละ ครึ่ง` has a \
             space: give one word per entry (ชื่อหน่วยงาน, not ชื่อ หน่วยงาน)",
            path.display()
        )
    );
}

/// A base message is laid out with the overlay's words too, so one whose
/// text has an overlay word is checked again: on a 24 × 4 billboard, this
/// one fits only when the long word may be cut, and the overlay that keeps
/// it whole is refused, naming the official message (unless it disables
/// that message).
#[test]
fn an_overlay_word_that_makes_a_base_message_overflow_is_refused() {
    let base = board_catalog("base.toml");
    let words = format!("schema = 2\nversion = 1\n[layout]\nwords = [\"{BOARD_WORD}\"]\n");
    let (source, ps) = problems(base.with_overlay(&overlay(&words)).unwrap_err());
    assert_eq!(source, "overlay agency.toml");
    assert_eq!(ps.len(), 1, "{ps:?}");
    assert_eq!(
        (ps[0].message_id.as_deref(), ps[0].field.as_str()),
        (Some("board"), "text.th")
    );
    assert!(
        matches!(&ps[0].kind, ProblemKind::DoesNotFit { profile, reason }
            if profile == "billboard" && reason.ends_with(&format!("with the layout word `{BOARD_WORD}` kept whole"))),
        "{ps:?}"
    );
    let disabled = words.replacen("version = 1\n", "version = 1\ndisable = [\"board\"]\n", 1);
    assert!(base.with_overlay(&overlay(&disabled)).is_ok());
}
