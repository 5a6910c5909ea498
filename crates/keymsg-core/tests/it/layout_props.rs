//! Property tests for the layout invariants over random Thai/Latin/digit text.

// Test helpers outside #[test] functions may index and unwrap too.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use keymsg_core::layout::{self, WrapOptions, break_opportunities, tcc_boundaries, truncate, wrap};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// One orthographically formed piece: a Thai syllable, a Latin word, digits,
/// a space, or a repetition/abbreviation mark after a syllable.
fn piece() -> impl Strategy<Value = String> {
    let consonant = prop::sample::select("กขคงจชซดตถทนบปผพฟมยรลวสหอฮ".chars().collect::<Vec<_>>());
    let lead = prop::option::of(prop::sample::select(vec!['เ', 'แ', 'โ', 'ใ', 'ไ']));
    let above = prop::option::of(prop::sample::select(vec!['ิ', 'ี', 'ึ', 'ื', 'ุ', 'ู', 'ั']));
    let tone = prop::option::of(prop::sample::select(vec!['่', '้', '๊', '๋']));
    let follow = prop::option::of(prop::sample::select(vec!['ะ', 'า', 'ำ']));
    let final_c = prop::option::of(prop::sample::select(vec![
        'ก', 'ง', 'น', 'ม', 'ย', 'ว', 'ด', 'บ',
    ]));
    let syllable =
        (lead, consonant, above, tone, follow, final_c).prop_map(|(l, c, a, t, f, fin)| {
            let mut s = String::new();
            s.extend(l);
            s.push(c);
            s.extend(a);
            s.extend(t);
            if a.is_none() {
                s.extend(f);
            }
            // ั needs a final consonant.
            if a == Some('ั') {
                s.push(fin.unwrap_or('น'));
            } else {
                s.extend(fin);
            }
            s
        });
    prop_oneof![
        8 => syllable.clone(),
        1 => syllable.clone().prop_map(|s| s + "ๆ"),
        1 => syllable.prop_map(|s| s + " ๆ"),
        2 => "[a-z]{1,9}",
        1 => "[0-9]{1,6}",
        3 => Just(" ".to_owned()),
        1 => Just("ฯลฯ".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

/// Widest Thai character cluster (below it, grapheme fallback may break rules).
fn widest_cluster(t: &str) -> usize {
    let mut b = vec![0];
    b.extend(tcc_boundaries(t));
    b.push(t.len());
    b.windows(2)
        .map(|w| layout::width(&t[w[0]..w[1]]))
        .max()
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn wrap_invariants(t in text(), width in 1usize..48) {
        let nfc: String = t.nfc().collect();
        let lines = wrap(&t, &WrapOptions::new(width)).unwrap();
        // Width limit, unless a line is one unbreakable unit: a single
        // grapheme, or a Thai cluster the rules forbid splitting (เป็น, กฯลฯ).
        for l in &lines {
            prop_assert!(
                layout::width(l) <= width
                    || l.graphemes(true).count() == 1
                    || layout::tcc_boundaries(l).is_empty(),
                "{l:?} > {width}"
            );
        }
        // Rejoin: lines appear in order; only spaces at line ends vanish.
        let mut rest = nfc.as_str();
        for l in &lines {
            prop_assert!(rest.starts_with(l.as_str()), "{l:?} not next in {rest:?}");
            rest = rest[l.len()..].trim_start_matches(' ');
        }
        prop_assert!(rest.is_empty(), "left over {rest:?}");
        // Thai rules at line edges (wherever no cluster is wider than the line).
        if width >= widest_cluster(&nfc) {
            for (i, l) in lines.iter().enumerate() {
                if i > 0 && let Some(c) = l.chars().next() {
                    prop_assert!(!"ะาำๅๆ".contains(c) && !is_combining_mark(c), "line starts with {c:?}: {lines:?}");
                }
                if i + 1 < lines.len() && let Some(c) = l.chars().next_back() {
                    prop_assert!(!"เแโใไ".contains(c), "line ends with {c:?}: {lines:?}");
                }
            }
        }
    }

    #[test]
    fn truncate_is_a_prefix_at_a_legal_break(t in text(), width in 1usize..40) {
        let nfc: String = t.nfc().collect();
        let out = truncate(&t, width, "…").unwrap();
        if layout::width(&nfc) <= width {
            prop_assert_eq!(out, nfc);
        } else {
            prop_assert!(layout::width(&out) <= width);
            let body = out.strip_suffix('…').unwrap();
            prop_assert!(nfc.starts_with(body));
            if !body.is_empty() {
                let after_spaces = body.len() + nfc[body.len()..].len() - nfc[body.len()..].trim_start_matches(' ').len();
                let legal = break_opportunities(&nfc).contains(&after_spaces);
                let cluster = tcc_boundaries(&nfc).contains(&body.len());
                prop_assert!(legal || cluster, "{out:?} not at a break of {nfc:?}");
            }
        }
    }

    #[test]
    fn break_opportunities_obey_thai_rules(t in text()) {
        for p in break_opportunities(&t) {
            let a = t[..p].chars().next_back().unwrap();
            let b = t[p..].chars().next().unwrap();
            prop_assert!(!"เแโใไ".contains(a));
            prop_assert!(!"ะาำๅ".contains(b) && !is_combining_mark(b));
            prop_assert!(!t[p..].trim_start_matches(' ').starts_with('ๆ'));
        }
    }
}
