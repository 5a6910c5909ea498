//! Property test: a wrapped line never ends inside a Thai syllable unless
//! that syllable alone is wider than the line.

// Test code may index and unwrap.
#![allow(clippy::indexing_slicing, clippy::unwrap_used)]

use proptest::prelude::*;

use super::prepare;
use super::syllable::{possible_syllable_boundaries, syllable_boundaries};
use super::width::width;
use super::wrap::wrap_ranges;

/// Random Thai syllables, real words (some in the word list, some not),
/// Latin words, digits and spaces.
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
            if a == Some('ั') {
                s.push(fin.unwrap_or('น'));
            } else {
                s.extend(fin);
            }
            s
        });
    let word = prop::sample::select(vec![
        "ธนาคารแห่งประเทศไทย",
        "กระทรวงมหาดไทย",
        "ช้อปปี้",
        "ติ๊กต็อก",
        "วิดีโอคอล",
        "ข่มขู่",
        "คิวอาร์โค้ด",
        "อำเภอ",
        "แม่สาย",
        "ออฟฟิเชียล",
        "มิจฉาชีพ",
        "เจ้าหน้าที่",
        "สายด่วน",
        "จันทร์",
        "ศาสตร์",
        "วอลเล็ต",
        "แอปสโตร์",
        "ประชาชน",
        "ความสามารถ",
    ]);
    prop_oneof![
        6 => syllable,
        4 => word.prop_map(str::to_owned),
        1 => "[a-z]{1,9}",
        1 => "[0-9]{1,6}",
        2 => Just(" ".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_line_ends_inside_a_syllable(parts in prop::collection::vec(piece(), 1..30), width_limit in 2usize..40) {
        let text = prepare(&parts.concat()).unwrap().into_owned();
        let allowed = possible_syllable_boundaries(&text);
        let mut syllable_edges = vec![0];
        syllable_edges.extend(syllable_boundaries(&text));
        syllable_edges.push(text.len());
        for line in wrap_ranges(&text, width_limit).iter().skip(1) {
            let b = line.range.start;
            let before = text[..b].chars().next_back();
            let after = text[b..].chars().next();
            let thai = |c: Option<char>| c.is_some_and(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c));
            if !(thai(before) && thai(after)) || allowed.binary_search(&b).is_ok() {
                continue;
            }
            // Inside a syllable: only when the syllable alone is wider than the line.
            let k = syllable_edges.partition_point(|&e| e <= b);
            let syllable = &text[syllable_edges[k - 1]..syllable_edges[k]];
            prop_assert!(
                width(syllable) > width_limit,
                "break inside {syllable:?} at {b} of {text:?} (width {width_limit})"
            );
        }
    }
}
