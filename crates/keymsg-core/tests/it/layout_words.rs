//! Words an agency adds (`WrapOptions::words`, `TruncateOptions::words`, a
//! catalog's `[layout] words`) are kept whole: a name the built-in list
//! splits is cut inside without them, and moves to the next line whole (or
//! is dropped whole by truncation) with them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keymsg_core::catalog::{Catalog, CatalogError, Format, ProblemKind};
use keymsg_core::layout::{self, LayoutError, TruncateOptions, WrapOptions};
use keymsg_core::{Engine, FooterRequest};

/// "Register only through the คนละครึ่งพลัส app": the programme's name is
/// not in the built-in list, which reads it as คนละ|ครึ่ง|พลัส.
const TEXT: &str = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น";
const WORD: &str = "คนละครึ่งพลัส";
const WIDTH: usize = 22;

/// Whether a line boundary falls inside `word` (each line holds part of it).
fn cut_inside(lines: &[String], word: &str) -> bool {
    !lines.iter().any(|l| l.contains(word))
}

#[test]
fn an_added_word_is_kept_whole() {
    let plain = layout::wrap(TEXT, &WrapOptions::new(WIDTH)).unwrap();
    assert!(
        cut_inside(&plain, WORD),
        "the example no longer shows the problem: {plain:?}"
    );
    let with = layout::wrap(TEXT, &WrapOptions::new(WIDTH).words([WORD])).unwrap();
    assert!(!cut_inside(&with, WORD), "{with:?}");
    assert!(with.iter().all(|l| layout::width(l) <= WIDTH), "{with:?}");
    assert_eq!(with.concat(), TEXT);
    let balanced = layout::wrap_balanced(TEXT, &WrapOptions::new(WIDTH).words([WORD])).unwrap();
    assert!(!cut_inside(&balanced, WORD), "{balanced:?}");
}

#[test]
fn a_bad_word_is_an_error_naming_it() {
    for (bad, offset) in [("คนละ ครึ่ง", Some(4)), ("ก", None), ("AOC", Some(0))]
    {
        match layout::wrap(TEXT, &WrapOptions::new(WIDTH).words([bad])) {
            Err(LayoutError::InvalidWord {
                word, offset: o, ..
            }) => {
                assert_eq!(word, bad);
                assert_eq!(o, offset, "{bad}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

/// Truncation keeps an added word whole too: the cut falls before it (the
/// name is dropped whole) rather than inside it.
#[test]
fn truncation_keeps_an_added_word_whole() {
    // 26 columns hold โปรดลงทะเบียนผ่านแอปคนละครึ่ง and the ellipsis.
    let plain = layout::truncate_with(TEXT, &TruncateOptions::new(26)).unwrap();
    assert_eq!(
        plain, "โปรดลงทะเบียนผ่านแอปคนละครึ่ง…",
        "the example no longer shows the problem"
    );
    let opts = TruncateOptions::new(26).words([WORD]);
    assert_eq!(
        layout::truncate_with(TEXT, &opts).unwrap(),
        "โปรดลงทะเบียนผ่านแอป…"
    );
    // Where it fits, it is kept, and a long text read in part (the cut is
    // found in a prefix) cuts the same way.
    let opts = TruncateOptions::new(34).words([WORD]);
    assert_eq!(layout::truncate_with(TEXT, &opts).unwrap(), TEXT);
    let long = format!("{TEXT} {}", "ต่อ".repeat(2000));
    let opts = TruncateOptions::new(26).words([WORD]);
    assert_eq!(
        layout::truncate_with(&long, &opts).unwrap(),
        "โปรดลงทะเบียนผ่านแอป…"
    );
    // A bad word is the same error as for wrap.
    let bad = TruncateOptions::new(26).words(["คนละ ครึ่ง"]);
    assert!(
        matches!(
            layout::truncate_with(TEXT, &bad),
            Err(LayoutError::InvalidWord {
                offset: Some(4),
                ..
            })
        ),
        "{:?}",
        layout::truncate_with(TEXT, &bad)
    );
}

fn catalog(words: &str) -> Result<Catalog, CatalogError> {
    let toml = format!(
        r#"
schema = 2
version = 1
[layout]
words = {words}
[[messages]]
id = "m"
topic = "general"
[messages.text.th]
long = "{TEXT}"
"#
    );
    Catalog::from_str_as(&toml, Format::Toml, "agency.toml")
}

#[test]
fn catalog_words_apply_to_its_messages() {
    let footer = |c: Catalog| {
        let engine = Engine::builder().catalog(c).build().unwrap();
        engine
            .footer(&FooterRequest::new().width(WIDTH))
            .unwrap()
            .lines
    };
    let plain = footer(catalog("[]").unwrap());
    assert!(cut_inside(&plain, WORD), "{plain:?}");
    let with = footer(catalog(&format!("[\"{WORD}\"]")).unwrap());
    assert!(!cut_inside(&with, WORD), "{with:?}");
    // JSON too.
    let json = format!(
        r#"{{"schema": 2, "version": 1, "layout": {{"words": ["{WORD}"]}}, "messages": [{{"id": "m",
        "topic": "general", "text": {{"th": {{"long": "{TEXT}"}}}}}}]}}"#
    );
    let c = Catalog::from_str_as(&json, Format::Json, "agency.json").unwrap();
    assert!(!cut_inside(&footer(c), WORD));
}

#[test]
fn bad_catalog_words_are_reported_with_field_and_offset() {
    let err = catalog(r#"["คนละครึ่งพลัส", "ชื่อ หน่วยงาน", "x"]"#).unwrap_err();
    let text = err.to_string();
    let CatalogError::Invalid { problems, .. } = err else {
        panic!("{text}");
    };
    let fields: Vec<(&str, Option<usize>)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.offset))
        .collect();
    assert_eq!(
        fields,
        [("layout.words[1]", Some(4)), ("layout.words[2]", Some(0))],
        "{text}"
    );
    assert!(
        problems
            .iter()
            .all(|p| matches!(p.kind, ProblemKind::OutOfRange(_))),
        "{text}"
    );
    assert!(
        text.contains("agency.toml") && text.contains("layout.words[1]"),
        "{text}"
    );
}
