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

/// `Catalog::with_layout_words` (an agency's `keymsg.toml`) checks its words
/// as an overlay's: a message whose text has one the catalog lacked is laid
/// out again. On a 24 × 4 billboard this message fits only while the long
/// name may break between its parts; kept whole, it would be cut, and the
/// config is refused naming it, the message, the profile and the word.
#[test]
fn config_words_that_make_a_message_overflow_are_refused() {
    const LONG: &str = super::catalog_overlay_words::BOARD_WORD;
    let board = super::catalog_overlay_words::board_catalog("board.toml");
    // With a word in no text, the problem names LONG alone.
    let words = ["เทศบาลเมืองตัวอย่าง", LONG].map(str::to_owned);
    let err = board
        .clone()
        .with_layout_words(&words, "config `keymsg.toml`")
        .unwrap_err();
    assert_eq!(
        err.lines(),
        [format!(
            "config `keymsg.toml`: message `board`: field `text.th`: does not fit profile \
             `billboard`: even the shortest variant would be truncated with the layout word \
             `{LONG}` kept whole"
        )]
    );
    let CatalogError::Invalid {
        source_name,
        problems,
    } = err
    else {
        panic!("not Invalid");
    };
    assert_eq!(source_name, "config `keymsg.toml`");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        matches!(&problems[0].kind, ProblemKind::DoesNotFit { profile, .. } if profile == "billboard"),
        "{problems:?}"
    );
    // It names every added word the text has; without LONG, it fits.
    let words = ["เงินคืนด่วน", LONG].map(str::to_owned);
    let err = board.clone().with_layout_words(&words, "cfg").unwrap_err();
    assert!(
        err.lines()[0].ends_with(&format!(
            "with the layout words `เงินคืนด่วน`, `{LONG}` kept whole"
        )),
        "{err}"
    );
    assert!(board.with_layout_words(&words[..1], "cfg").is_ok());
}

/// Words that keep every message fitting are added: the embedded catalog
/// with สายด่วน (hotline) and ธนาคาร (bank), in many of its messages, and a
/// word in none; a word the catalog already has changes nothing.
#[test]
fn config_words_that_fit_are_added() {
    let embedded = Catalog::embedded().unwrap();
    let words = ["สายด่วน", "ธนาคาร", WORD].map(str::to_owned);
    let with = embedded.clone().with_layout_words(&words, "cfg").unwrap();
    let having = embedded
        .messages()
        .iter()
        .filter(|m| m.text("th").is_some_and(|t| t.long.contains("สายด่วน")))
        .count();
    assert!(having >= 5, "{having}");
    assert_eq!(with.messages(), embedded.messages());

    let own = catalog(&format!("[\"{WORD}\"]")).unwrap();
    let again = own
        .clone()
        .with_layout_words(&[WORD.to_owned()], "cfg")
        .unwrap();
    let profile = layout::Profile::columns("test", WIDTH, None).unwrap();
    let t = own.get("m").unwrap().text("th").unwrap();
    assert_eq!(
        again.fit(t, &profile).unwrap(),
        own.fit(t, &profile).unwrap()
    );
}
