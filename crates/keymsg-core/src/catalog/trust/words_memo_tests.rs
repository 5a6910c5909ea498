//! Tests of the layout-words memo (`StateMemo`): a check of config words
//! that passed is remembered in the state directory.

use super::{StateDir, StateMemo};
use crate::catalog::{Catalog, CatalogError, Format};

/// A programme name the built-in list splits (คนละ|ครึ่ง|พลัส, ฟ้า|ใส|พา|รวย).
const LONG: &str = "คนละครึ่งพลัสฟ้าใสพารวย";

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|&w| w.to_owned()).collect()
}

/// A words check that passed is remembered in the state directory: the
/// same words on the same messages are not laid out again; other words,
/// other text or a damaged record are; a check-only load records
/// nothing; and a remembered pass never lets overflowing words through.
#[test]
fn a_passed_layout_words_check_is_remembered_in_the_state_directory() {
    use crate::layout::work;
    let catalog = |long: &str| {
        let text = format!(
            "schema = 2\nversion = 1\n[[messages]]\nid = \"stranger\"\n\
             topic = \"general\"\nsurfaces = [\"receipt\"]\n[messages.text.th]\n\
             long = \"{long}\"\n"
        );
        Catalog::from_str_as(&text, Format::Toml, "c.toml").unwrap()
    };
    let fits = catalog("อย่าโอนเงินให้คนแปลกหน้า");
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::new(dir.path().join("state"));
    let load = |c: &Catalog, w: &[&str], record: bool| {
        work::take();
        let memo = StateMemo {
            state: &state,
            record,
        };
        let r = c
            .clone()
            .with_layout_words_remembered(&words(w), "cfg", Some(&memo));
        (r, work::take())
    };
    let word = ["คนแปลกหน้า"];
    // A check-only load lays out and records nothing.
    let (r, laid_out) = load(&fits, &word, false);
    assert!(r.is_ok() && laid_out > 0);
    assert!(!dir.path().join("state").exists());
    // The first load lays out and remembers; the second does not lay out.
    assert!(load(&fits, &word, true).1 > 0);
    let (r, laid_out) = load(&fits, &word, true);
    assert_eq!(laid_out, 0);
    assert_eq!(
        r.unwrap()
            .layout_words()
            .unwrap()
            .words()
            .collect::<Vec<_>>(),
        word
    );
    // Another word, or the same word in other text: laid out again.
    assert!(load(&fits, &["โอนเงิน", "คนแปลกหน้า"], true).1 > 0);
    assert!(load(&catalog("คนแปลกหน้าโทรมา อย่าโอนเงิน"), &word, true).1 > 0);
    // The record holds the last check that passed only.
    assert!(load(&fits, &word, true).1 > 0);
    assert_eq!(load(&fits, &word, true).1, 0);
    // A damaged record: laid out again.
    std::fs::write(dir.path().join("state/layout-words-checked"), "0.1.0 x\n").unwrap();
    assert!(load(&fits, &word, true).1 > 0);
    // Words that push a message over a profile are refused, every time
    // (a message that overflows once the programme name is kept whole,
    // loaded without the layout rule as bytes that passed before are).
    let text = format!(
        "version = 1\n[[messages]]\nid = \"board\"\ntopic = \"general\"\n\
         surfaces = [\"billboard\"]\n[messages.text.th]\nlong = \"{}\"\n",
        format!("{LONG}เงินคืน").repeat(9),
    );
    let board =
        Catalog::from_bytes_validated_before(text.as_bytes(), Format::Toml, "c.toml").unwrap();
    for _ in 0..2 {
        assert!(matches!(
            load(&board, &[LONG], true).0,
            Err(CatalogError::Invalid { .. })
        ));
    }
}
