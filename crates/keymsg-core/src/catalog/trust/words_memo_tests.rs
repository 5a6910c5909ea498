//! Tests of the layout-words memo (`StateMemo`): a check of config words
//! that passed is remembered in the state directory.

use super::{Check, StateDir, StateMemo};
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
            check: Check::Words,
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

/// A check of defined profiles that passed is remembered in the state
/// directory beside the words check: the same profiles on the same
/// messages are not laid out again, and the catalog says it fits them
/// (the engine does not check them again); another profile, other text
/// or a check-only load are laid out; a profile a message cannot fit is
/// refused every time, naming it.
#[test]
fn a_passed_profiles_check_is_remembered_in_the_state_directory() {
    use crate::layout::{Profile, work};
    let catalog = |long: &str| {
        let text = format!(
            "version = 1\n[allow]\nphones = [\"1441\"]\n[[messages]]\nid = \"rcpt\"\n\
             topic = \"general\"\nsurfaces = [\"receipt\"]\n[messages.text.th]\n\
             long = \"{long}\"\n"
        );
        Catalog::from_str_as(&text, Format::Toml, "c.toml").unwrap()
    };
    let short = catalog("อย่าโอนเงินให้คนแปลกหน้า โทร 1441");
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::new(dir.path().join("state"));
    let kiosk = Profile::columns("kiosk", 40, Some(2)).unwrap();
    let load = |c: &Catalog, p: &Profile, record: bool| {
        work::take();
        let memo = StateMemo {
            state: &state,
            record,
            check: Check::Profiles,
        };
        let r = c
            .clone()
            .with_profiles_checked(std::slice::from_ref(p), Some(&memo));
        (r, work::take())
    };
    // A check-only load lays out and records nothing.
    let (r, laid_out) = load(&short, &kiosk, false);
    assert!(r.unwrap().fits_checked(&kiosk) && laid_out > 0);
    assert!(!dir.path().join("state").exists());
    // The first load lays out and remembers; the second does not lay out.
    assert!(load(&short, &kiosk, true).1 > 0);
    assert!(dir.path().join("state/profiles-checked").exists());
    let (r, laid_out) = load(&short, &kiosk, true);
    assert_eq!(laid_out, 0);
    let r = r.unwrap();
    assert!(r.fits_checked(&kiosk));
    // Only that profile: another of the same name is not taken as checked.
    let taller = Profile::columns("kiosk", 40, Some(3)).unwrap();
    assert!(!r.fits_checked(&taller));
    // The words check's record is another file: not touched.
    assert!(!dir.path().join("state/layout-words-checked").exists());
    // Another profile, or other text: laid out again.
    assert!(load(&short, &taller, true).1 > 0);
    assert!(load(&catalog("อย่าโอนเงิน โทร 1441"), &taller, true).1 > 0);
    // A message the profile cannot fit is refused, every time.
    let long = catalog(
        "อย่าโอนเงินให้คนที่ไม่รู้จัก หากสงสัยโทรสายด่วน 1441 ได้ตลอด 24 ชั่วโมง \
         และแจ้งความออนไลน์ได้ทุกวัน",
    );
    for _ in 0..2 {
        let Err(CatalogError::Invalid {
            source_name,
            problems,
        }) = load(&long, &kiosk, true).0
        else {
            panic!("a message over two lines of 40 passed");
        };
        assert_eq!(source_name, "catalog (version 1) for profile `kiosk`");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].message_id.as_deref(), Some("rcpt"));
    }
    // Laid out with more words, a catalog is no longer taken as checked.
    let (r, _) = load(&short, &kiosk, true);
    let more = r
        .unwrap()
        .with_layout_words(&words(&["คนแปลกหน้า"]), "cfg")
        .unwrap();
    assert!(!more.fits_checked(&kiosk));
}
