//! NFC, with a fast check for the text keymsg mostly sees (ASCII and Thai):
//! catalog texts, layout input and selection keys all pass through here.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// For a string of ASCII and assigned Thai characters (U+0E01–U+0E3A,
/// U+0E3F–U+0E5B): whether it is in NFC. `None` for any other character.
///
/// Thai letters have no canonical decomposition and take part in no
/// composition, so such a string is NFC exactly when its combining marks are
/// in canonical order: a mark never follows one of a higher combining class
/// without a starter between (classes: U+0E38–U+0E39 103, U+0E3A 9,
/// U+0E48–U+0E4B 107; all others 0). This is the NFC quick check specialised
/// to these characters, without its table lookups.
pub(crate) fn thai_ascii_nfc(s: &str) -> Option<bool> {
    let mut last = 0u8;
    for c in s.chars() {
        let ccc = match c {
            '\0'..='\u{7F}' => 0,
            '\u{E38}' | '\u{E39}' => 103,
            '\u{E3A}' => 9,
            '\u{E48}'..='\u{E4B}' => 107,
            '\u{E01}'..='\u{E37}' | '\u{E3F}'..='\u{E47}' | '\u{E4C}'..='\u{E5B}' => 0,
            _ => return None,
        };
        if ccc != 0 && last > ccc {
            return Some(false);
        }
        last = ccc;
    }
    Some(true)
}

/// Whether `s` is in NFC as far as the quick check can tell without
/// composing (`false` also for "maybe").
pub(crate) fn is_nfc(s: &str) -> bool {
    match thai_ascii_nfc(s) {
        Some(yes) => yes,
        None => is_nfc_quick(s.chars()) == IsNormalized::Yes,
    }
}

/// `s` in NFC, borrowed when it already is (the common case: composing
/// costs far more than the checks).
pub(crate) fn nfc(s: &str) -> Cow<'_, str> {
    if is_nfc(s) {
        return Cow::Borrowed(s);
    }
    let normalised: String = s.nfc().collect();
    if normalised == s {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(normalised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_nfc_check_agrees_with_the_library() {
        use rand::rngs::Xoshiro256PlusPlus;
        use rand::{RngExt, SeedableRng};
        // Every assigned Thai character alone and after each combining mark.
        let thai: Vec<char> = ('\u{E01}'..='\u{E3A}')
            .chain('\u{E3F}'..='\u{E5B}')
            .collect();
        for &a in &thai {
            for &b in &thai {
                let s: String = [a, b].iter().collect();
                assert_eq!(
                    thai_ascii_nfc(&s),
                    Some(unicode_normalization::is_nfc(&s)),
                    "{s:?}"
                );
            }
        }
        // Random mixes of ASCII, Thai letters and marks.
        let pool: Vec<char> = thai
            .iter()
            .copied()
            .chain(['a', '1', '-', ' ', '/'])
            .collect();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        for _ in 0..200_000 {
            let n = rng.random_range(0..8);
            let s: String = (0..n)
                .map(|_| pool[rng.random_range(0..pool.len())])
                .collect();
            assert_eq!(
                thai_ascii_nfc(&s),
                Some(unicode_normalization::is_nfc(&s)),
                "{s:?}"
            );
        }
        assert_eq!(thai_ascii_nfc("\u{E3B}"), None); // unassigned
        assert_eq!(thai_ascii_nfc("caf\u{E9}"), None);
    }

    #[test]
    fn nfc_borrows_normalised_text_and_composes_the_rest() {
        assert!(matches!(nfc("ใบเสร็จ abc"), Cow::Borrowed(_)));
        // Thai marks out of canonical order (mai ek before sara uu).
        assert_eq!(nfc("\u{e01}\u{e48}\u{e39}"), "\u{e01}\u{e39}\u{e48}");
        assert_eq!(nfc("Cafe\u{301}"), "Caf\u{e9}");
        // Quick check "maybe", already composed: still borrowed.
        assert!(matches!(nfc("\u{e9}\u{300}"), Cow::Borrowed(_)));
    }
}
