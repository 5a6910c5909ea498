//! Unit tests of the break opportunities.

use super::*;
use crate::vocab::thai::{is_thai, starts_silent_group};

/// The text split at every break opportunity.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for b in break_opportunities(text).into_iter().chain([text.len()]) {
        out.push(&text[start..b]);
        start = b;
    }
    out
}

fn assert_no_break_inside(text: &str, word: &str) {
    let at = text.find(word).unwrap();
    for b in break_opportunities(text) {
        assert!(
            b <= at || b >= at + word.len(),
            "break at {b} inside {word:?} in {text:?}: {:?}",
            pieces(text)
        );
    }
}

#[test]
fn offsets_are_interior_ascending_char_boundaries() {
    let t = "เจ้าหน้าที่ธนาคารจะไม่โทรขอรหัส OTP จากท่าน";
    let b = break_opportunities(t);
    assert!(!b.is_empty());
    assert!(b.windows(2).all(|w| w[0] < w[1]));
    assert!(
        b.iter()
            .all(|&p| p > 0 && p < t.len() && t.is_char_boundary(p))
    );
    assert!(break_opportunities("").is_empty());
    assert!(break_opportunities("ก").is_empty());
}

#[test]
fn words_are_not_split() {
    for (text, word) in [
        ("ไม่โอนเงินให้ใคร", "ไม่"),
        ("ไม่โอนเงินให้ใคร", "โอน"),
        ("ไปที่ทำงานแต่เช้า", "ทำ"),
        ("ดื่มน้ำมากๆ", "น้ำ"),
        ("ร้านปั๊มน้ำมัน", "ปั๊ม"),
        ("ราคากี่บาท", "กี่"),
    ] {
        assert_no_break_inside(text, word);
    }
}

#[test]
fn compounds_split_only_between_their_words() {
    // เจ้าหน้าที่ = เจ้า + หน้าที่ (+ ที่): a break, if any, falls between
    // morphemes, never inside a syllable.
    let t = "กรุณาติดต่อเจ้าหน้าที่ทันที";
    let at = t.find("เจ้าหน้าที่").unwrap();
    let ok = [0, "เจ้า".len(), "เจ้าหน้า".len(), "เจ้าหน้าที่".len()].map(|o| at + o);
    for b in break_opportunities(t) {
        if b > at && b < at + "เจ้าหน้าที่".len() {
            assert!(ok.contains(&b), "{:?}", pieces(t));
        }
    }
}

#[test]
fn never_after_leading_vowel_nor_before_following_vowel_or_mark() {
    let t = "เจ้าหน้าที่ไม่โอนเงินแทนใครและไม่ขอรหัสโอทีพีเด็ดขาด ที่ทำงานใกล้บ้านโรงเรียน";
    for p in break_opportunities(t) {
        let a = t[..p].chars().next_back().unwrap();
        let b = t[p..].chars().next().unwrap();
        assert!(!"เแโใไ".contains(a), "break after {a} at {p}");
        assert!(!"ะาำๅ".contains(b), "break before {b} at {p}");
        assert!(!unicode_normalization::char::is_combining_mark(b));
    }
}

#[test]
fn known_dictionary_misses_are_kept_whole() {
    for (text, word) in [
        ("บัญชีม้ามีความผิดตามกฎหมาย", "กฎหมาย"),
        ("ติดต่อทางโทรศัพท์", "โทรศัพท์"),
        ("ระวังแก๊งคอลเซ็นเตอร์", "คอลเซ็นเตอร์"),
    ] {
        assert_no_break_inside(text, word);
    }
}

#[test]
fn mai_yamok_stays_with_its_word() {
    for t in ["เด็กๆ เล่นกัน", "ของต่างๆ นานา", "เด็ก ๆ เล่นกัน", "มากๆๆ จริง"]
    {
        for p in break_opportunities(t) {
            let rest = t[p..].trim_start();
            assert!(!rest.starts_with('ๆ'), "{t:?} breaks before ๆ at {p}");
        }
    }
    // A break after ๆ (and its space) is still allowed.
    let t = "เด็กๆ เล่นกัน";
    assert!(is_break_opportunity(t, "เด็กๆ ".len()));
}

#[test]
fn paiyannoi_and_etc() {
    let t = "ไปกรุงเทพฯ พรุ่งนี้";
    assert!(!is_break_opportunity(t, "ไปกรุงเทพ".len()));
    assert_no_break_inside(t, "กรุงเทพฯ");
    let t = "ผัก ผลไม้ ฯลฯ ราคาถูก";
    assert_no_break_inside(t, "ฯลฯ");
    let t = "ผักผลไม้ฯลฯราคาถูก";
    assert_no_break_inside(t, "ฯลฯ");
    assert!(!is_break_opportunity(t, "ผักผลไม้".len()));
}

#[test]
fn glue_and_hints() {
    // Without a hint ICU breaks between these Latin words at the space.
    assert!(is_break_opportunity("call now", 5));
    assert!(!is_break_opportunity("call\u{00A0}now", 6));
    assert!(!is_break_opportunity("call\u{00A0}now", 4));
    let wj = "ธนาคาร\u{2060}กรุงไทย";
    for p in break_opportunities(wj) {
        assert!(
            p < "ธนาคาร".len() || p > "ธนาคาร\u{2060}".len(),
            "break next to word joiner at {p}"
        );
    }
    let zw = "abc\u{200B}def";
    assert!(is_break_opportunity(zw, "abc\u{200B}".len()));
    assert!(!is_break_opportunity("abcdef", 3));
}

#[test]
fn thai_abbreviations_stay_whole() {
    for (text, abbr) in [
        ("สอบถาม กฟภ. 1129 หรือ กฟน. 1130", "กฟน."),
        ("สอบถาม กฟภ. 1129 หรือ กฟน. 1130", "กฟภ."),
        ("ตามพ.ร.บ.คอมพิวเตอร์", "พ.ร.บ."),
        ("บริการตลอด 24 ชม. ทุกวัน", "ชม."),
    ] {
        assert_no_break_inside(text, abbr);
    }
    // A long word ending a sentence is not an abbreviation: it still breaks.
    let t = "โปรดติดตั้งแอปจากร้านค้าแอปทางการเท่านั้น.";
    assert!(!abbreviation_ranges(t).iter().any(|r| r.end == t.len()));
}

#[test]
fn merge_is_a_sorted_union() {
    assert_eq!(
        merge_ascending(&[1, 3, 5], [2, 3, 6].into_iter()),
        [1, 2, 3, 5, 6]
    );
    assert_eq!(merge_ascending(&[], [2, 2].into_iter()), [2]);
    assert_eq!(merge_ascending(&[4, 4], std::iter::empty()), [4]);
}

/// Reference: one `match_indices` pass per word.
fn keep_whole_reference(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = KEEP_WHOLE
        .iter()
        .flat_map(|w| text.match_indices(w).map(|(i, m)| i..i + m.len()))
        .chain(abbreviation_ranges(text))
        .collect();
    out.sort_by_key(|r| (r.start, r.end));
    out
}

#[test]
fn keep_whole_single_pass_finds_every_occurrence() {
    for w in KEEP_WHOLE {
        let first = w.chars().next().unwrap();
        assert!(is_thai(first), "{w} must start with a Thai letter");
    }
    let corpus = include_str!("../../../../benches/data/thai-sentences.txt");
    let mut texts: Vec<String> = corpus.lines().map(str::to_owned).collect();
    texts.push(KEEP_WHOLE.concat());
    texts.push(KEEP_WHOLE.join(" x "));
    texts.push("ตามกฎหมายกฎหมายแชตแชต กฟน. ช่องทางวางสายด่วน".to_owned());
    for t in &texts {
        let mut got = keep_whole_ranges(t);
        got.sort_by_key(|r| (r.start, r.end));
        assert_eq!(got, keep_whole_reference(t), "{t}");
    }
    assert!(keep_whole_ranges(&KEEP_WHOLE.concat()).len() >= KEEP_WHOLE.len());
}

#[test]
fn silent_groups_stay_with_their_syllable_but_words_may_start_like_one() {
    // ทร์, สตร์, ธุ์ are silent and belong to the syllable before them ...
    for text in ["จันทร์", "ศาสตร์", "วิทยาศาสตร์", "พันธุ์", "ศาสตร์ศิลป์"]
    {
        for p in break_opportunities(text) {
            assert!(
                !starts_silent_group(text[p..].chars()),
                "{text}: {}|{}",
                &text[..p],
                &text[p..]
            );
        }
    }
    // ... but a dictionary word that looks like one (องค์, กอล์ฟ) starts a syllable.
    assert_eq!(pieces("ว่าองค์กร"), ["ว่า", "องค์กร"]);
    assert_eq!(pieces("ต้องกอล์ฟ"), ["ต้อง", "กอล์ฟ"]);
}

#[test]
fn hotline_and_report_compounds_stay_whole() {
    let t = "โทรสายด่วน 1441 หรือแจ้งความออนไลน์ โปรดวางสาย ระงับบัญชีปลายทาง";
    for w in ["สายด่วน", "แจ้งความ", "วางสาย", "ปลายทาง"]
    {
        assert_no_break_inside(t, w);
    }
}

/// The byte check before the abbreviation scan never hides one: a text
/// without a dot right after a Thai letter has no abbreviation, and the
/// texts that have one are found by both.
#[test]
fn no_dot_after_a_thai_letter_means_no_abbreviation() {
    let pieces = [
        "กฟน.",
        "พ.ร.บ.",
        "ชม.",
        " ",
        ".",
        "..",
        "a.",
        "go.th",
        "๑.",
        "ก",
        "฿.",
        "ๆ.",
        "1.5",
        "e.g. ",
        "(กปภ.)",
        "ฯลฯ.",
        "ก็.",
    ];
    let mut found = 0;
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let t = format!("{a}{b}{c}");
                let ranges = abbreviation_ranges(&t);
                if !ranges.is_empty() {
                    found += 1;
                    assert!(has_thai_dot(&t), "{t:?}: {ranges:?}");
                }
            }
        }
    }
    assert!(found > 1000, "{found}");
}

/// The mask is ASCII so that ICU4X may read the masked copy as Latin-1:
/// its breaks must be those of the UTF-8 reading with any other letter of
/// class AL in the mask's place (U+0800, 3 bytes, was the mask before),
/// on random texts of ASCII and masks.
#[test]
fn the_ascii_mask_breaks_like_any_letter_and_latin1_like_utf8() {
    let alphabet: Vec<char> = " \t-/.,:;!?()[]{}'\"%$+=#&@_0123456789abcXYZ"
        .chars()
        .chain([MASK; 8])
        .collect();
    let mut below = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0;
    for _ in 0..20_000 {
        let len = 1 + below(24);
        let masked: String = (0..len)
            .map(|_| alphabet.get(below(alphabet.len())).copied().unwrap_or(' '))
            .collect();
        let latin1: Vec<usize> = RULES_ONLY.segment_latin1(masked.as_bytes()).collect();
        let utf8: Vec<usize> = RULES_ONLY.segment_str(&masked).collect();
        assert_eq!(latin1, utf8, "{masked:?}");
        // The same text with U+0800 for each mask, offsets mapped back.
        let other = masked.replace(MASK, "\u{0800}");
        let mut offsets = Vec::new(); // byte offset in `other` of each char of `masked`
        let mut at = 0;
        for c in masked.chars() {
            offsets.push(at);
            at += if c == MASK { 3 } else { c.len_utf8() };
        }
        offsets.push(at);
        let mapped: Vec<usize> = RULES_ONLY
            .segment_str(&other)
            .map(|b| offsets.iter().position(|&o| o == b).unwrap())
            .collect();
        assert_eq!(latin1, mapped, "{masked:?}");
        checked += latin1.len();
    }
    assert!(checked > 50_000, "{checked}");
}

/// `spaces_only_breaks` gives ICU4X's breaks: on every string of up to
/// seven characters over one letter or digit of each kind the rules tell
/// apart, and on random longer strings of every character it accepts.
#[test]
fn spaces_only_breaks_match_icu4x() {
    let icu = |s: &str| -> Vec<usize> { RULES_ONLY.segment_latin1(s.as_bytes()).collect() };
    let alphabet = ['A', '0', ' ', '.', ',', ':', '@'];
    let n = alphabet.len();
    for len in 0..=7u32 {
        for code in 0..n.pow(len) {
            let mut c = code;
            let s: String = (0..len)
                .map(|_| {
                    let ch = alphabet[c % n];
                    c /= n;
                    ch
                })
                .collect();
            assert_eq!(spaces_only_breaks(s.as_bytes()), Some(icu(&s)), "{s:?}");
        }
    }
    let every: Vec<u8> = (0u8..0x80).filter(|&b| spaces_only_class(b)).collect();
    assert_eq!(every.len(), 26 * 2 + 10 + 7);
    let mut below = crate::test_rng::below(0x5EED_B4EA);
    for _ in 0..20_000 {
        let len = below(60);
        // Spaces and dots often, so that runs of them occur.
        let s: String = (0..len)
            .map(|_| match below(4) {
                0 => ' ',
                1 => '.',
                _ => char::from(every[below(every.len())]),
            })
            .collect();
        assert_eq!(spaces_only_breaks(s.as_bytes()), Some(icu(&s)), "{s:?}");
    }
    // Anything else is left to ICU4X.
    for s in ["a-b", "a\nb", "(a)", "a/b", "1%", "\"x\"", "a\u{7f}"] {
        assert_eq!(spaces_only_breaks(s.as_bytes()), None, "{s:?}");
    }
}
