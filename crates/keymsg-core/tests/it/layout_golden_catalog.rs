//! Golden layouts of every default-catalog message, in Thai, exactly as the
//! engine prints them: receipt-58mm (32 columns), receipt-80mm-42, receipt-80mm
//! (48) and the pop-up (title + body). One readable file per message under
//! `tests/golden/catalog/`, reviewed by a Thai reader; regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p keymsg-core --test layout_golden_catalog`
//! and review the diff before committing. Where a line must never break is
//! checked apart from the goldens, against `tests/golden/forbidden-breaks.txt`
//! (`layout_golden_rules.rs`), which re-blessing does not touch.
//!
//! Independently of the golden text, every line is checked against the Thai
//! rules: nothing wider than the profile, no line starting with a following
//! vowel, a combining mark or ๆ, none ending with a leading vowel.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use keymsg_core::Catalog;
use keymsg_core::layout::{Measure, Profile, fit, width};
use unicode_normalization::char::is_combining_mark;

const PROFILES: [&str; 4] = ["receipt-58mm", "receipt-80mm-42", "receipt-80mm", "popup"];

fn check_thai_rules(id: &str, profile: &str, line: &str) {
    let first = line.chars().next().unwrap();
    let last = line.chars().next_back().unwrap();
    assert!(
        !("ะาำๅๆ".contains(first) || is_combining_mark(first)),
        "{id} {profile}: line starts with {first:?}: {line}"
    );
    assert!(
        !"เแโใไ".contains(last),
        "{id} {profile}: line ends with a leading vowel: {line}"
    );
}

fn render(id: &str, text: &keymsg_core::catalog::Text) -> String {
    let mut out = String::new();
    for name in PROFILES {
        let profile = Profile::builtin(name).unwrap();
        let f = fit(text, &profile).unwrap();
        assert!(!f.truncated, "{id} truncated on {name}");
        out.push_str(&format!("# {name} ({})\n", f.variant.as_str()));
        if let Some(title) = &f.title {
            assert!(Measure::of(title).graphemes <= 50);
            out.push_str(&format!("title: {title}\n"));
        }
        for line in &f.lines {
            if let Some(w) = profile.width() {
                assert!(width(line) <= w, "{id} {name}: {line}");
            }
            check_thai_rules(id, name, line);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_default_message_golden_at_32_42_48_and_popup() {
    let catalog = Catalog::embedded().unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/catalog");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    for m in catalog.messages() {
        let actual = render(&m.id, m.text("th").unwrap());
        let path = dir.join(format!("{}.txt", m.id));
        if update {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
        assert_eq!(actual, expected, "golden {} differs", m.id);
    }
}
