//! Numbers stay on one line with the unit after them: `3,000 บาท`,
//! `2.5 ล้านบาท`, `24 ชั่วโมง`, `๑๕ นาที`, `50 %`, and spelled-out numbers
//! such as `ยี่สิบสี่ ชั่วโมง` (with or without the space).

use std::ops::Range;

use crate::vocab::thai::{ByFirstLetter, is_break_space, leading_thai_offset};

/// Thai number words, longest first where one starts another.
const NUMBER_WORDS: &[&str] = &[
    "ศูนย์",
    "หนึ่ง",
    "สอง",
    "สาม",
    "สี่",
    "ห้า",
    "หก",
    "เจ็ด",
    "แปด",
    "เก้า",
    "สิบ",
    "ยี่",
    "เอ็ด",
    "ร้อย",
    "พัน",
    "หมื่น",
    "แสน",
    "ล้าน",
    "ครึ่ง",
];

/// Words a number is read with: currency, time, counts, measures.
const UNITS: &[&str] = &[
    "บาท",
    "สตางค์",
    "ชั่วโมง",
    "ชม.",
    "นาที",
    "วินาที",
    "วัน",
    "สัปดาห์",
    "เดือน",
    "ปี",
    "ครั้ง",
    "คน",
    "ราย",
    "เปอร์เซ็นต์",
    "%",
    "กม.",
    "กิโลเมตร",
    "กิโลกรัม",
    "กก.",
    "เมตร",
    "ลิตร",
    "หน่วย",
    "งวด",
    "แต้ม",
    "องศา",
    "ชิ้น",
    "เครื่อง",
    "ฉบับ",
    "ลูกบาศก์เมตร",
    "ตารางเมตร",
    "ไร่",
    "ขวบ",
    "ข้อ",
    "ลำ",
    "คัน",
    "หลัง",
    "แห่ง",
    "โมง",
    "ทุ่ม",
];

/// [`NUMBER_WORDS`] by first letter (all led by a Thai letter).
const NUMBER_WORDS_BY_FIRST: ByFirstLetter = ByFirstLetter::new(NUMBER_WORDS);
const _: () = assert!(NUMBER_WORDS_BY_FIRST.all_thai_led());
const _: () = assert!(NUMBER_WORDS_BY_FIRST.all_two_letters());

/// [`UNITS`] by first letter (`%` and the like are compared whole).
const UNITS_BY_FIRST: ByFirstLetter = ByFirstLetter::new(UNITS);

/// The length of the first number word (in the list's order) that the
/// text `s` (as bytes) starts with.
fn number_word_at(s: &[u8]) -> Option<usize> {
    // The rest of a word past its first two letters compared by `memcmp`.
    NUMBER_WORDS_BY_FIRST
        .led_like_two(s)
        .find(|w| w.len() == 6 || s.starts_with(w.as_bytes()))
        .map(str::len)
}

/// Whether `s` is one or more number words (ยี่สิบสี่, ล้าน).
fn is_number_words(s: &str) -> bool {
    let mut s = s.as_bytes();
    if s.is_empty() {
        return false;
    }
    while !s.is_empty() {
        let Some(len) = number_word_at(s) else {
            return false;
        };
        s = s.get(len..).unwrap_or_default();
    }
    true
}

/// Whether the text `s` (as bytes, from a char boundary) may start with a
/// number: when false, neither [`is_digits`] nor [`is_number_words`] holds
/// for any prefix of it.
fn may_start_number(s: &[u8]) -> bool {
    starts_like_digits(s) || number_word_at(s).is_some()
}

/// Whether the text `s` (as bytes) starts with an ASCII digit, a Thai digit
/// (E0 B9 90..99) or ฿ (E0 B8 BF): [`is_digits`] is false otherwise.
fn starts_like_digits(s: &[u8]) -> bool {
    matches!(
        s,
        [b'0'..=b'9', ..] | [0xE0, 0xB9, 0x90..=0x99, ..] | [0xE0, 0xB8, 0xBF, ..]
    )
}

/// Whether `s` is written in digits (Arabic or Thai) with `,` and `.`
/// inside (3,000 / 2.5 / ๑๕), maybe with a leading ฿.
fn is_digits(s: &str) -> bool {
    if !starts_like_digits(s.as_bytes()) {
        return false;
    }
    let s = s.strip_prefix('฿').unwrap_or(s);
    s.chars().next().is_some_and(is_digit)
        && s.chars().last().is_some_and(is_digit)
        && s.chars().all(|c| is_digit(c) || c == ',' || c == '.')
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('๐'..='๙').contains(&c)
}

/// Whether `s` is a unit, maybe after number words (ล้านบาท, แสนคน).
fn is_unit(s: &str) -> bool {
    let b = s.as_bytes();
    if leading_thai_offset(b).is_none() {
        // Only the few units not led by a Thai letter can match.
        return UNITS.contains(&s);
    }
    UNITS_BY_FIRST.led_like(b).any(|u| u == s)
        || NUMBER_WORDS_BY_FIRST.led_like(b).any(|w| {
            s.strip_prefix(w)
                .is_some_and(|rest| !rest.is_empty() && is_unit(rest))
        })
}

/// Byte ranges, each a number and the unit after it, that no line break may
/// fall inside. `candidates` are the break candidates of `text` (ascending):
/// the pieces between them are the words the number and unit are made of.
pub(crate) fn number_unit_ranges(text: &str, candidates: &[usize]) -> Vec<Range<usize>> {
    // The candidates strictly inside the text (they ascend: one slice), read
    // in place: word k runs from cut k to cut k + 1.
    let lo = candidates.partition_point(|&c| c == 0);
    let hi = candidates.partition_point(|&c| c < text.len()).max(lo);
    let inner = candidates.get(lo..hi).unwrap_or_default();
    let n_words = inner.len() + 1;
    let cut = |k: usize| match k {
        0 => 0,
        k => inner.get(k - 1).copied().unwrap_or(text.len()),
    };
    // Word k: (start, end without trailing spaces, end with them).
    let span = |k: usize| {
        let (a, b) = (cut(k), cut(k + 1));
        let trimmed = text
            .get(a..b)
            .map_or(0, |p| p.trim_end_matches(is_break_space).len());
        (a, a + trimmed, b)
    };
    let word = |k: usize| {
        let (a, e, _) = span(k);
        text.get(a..e).unwrap_or("")
    };
    let spaced = |k: usize| {
        let (_, e, b) = span(k);
        b > e
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut k = 0;
    while k < n_words {
        // Most words start with neither a digit nor a number word: tell from
        // the first bytes, before trimming the word's spaces.
        if !may_start_number(bytes.get(cut(k)..).unwrap_or_default()) {
            k += 1;
            continue;
        }
        let first = word(k);
        if !(is_digits(first) || is_number_words(first)) {
            k += 1;
            continue;
        }
        // The number: digits then number words (2.5 ล้าน), or number words.
        let start = k;
        let mut j = k + 1;
        while j < n_words && is_number_words(word(j)) && (!spaced(j - 1) || is_digits(word(j - 1)))
        {
            j += 1;
        }
        // The unit, right after it or after one space.
        if j < n_words && is_unit(word(j)) && {
            let (_, e, b) = span(j - 1);
            b - e <= 1
        } {
            out.push(span(start).0..span(j).1);
            k = j + 1;
        } else if j > start + 1 {
            // Spelled-out number words alone still stay together (ยี่สิบ|สี่).
            if is_number_words(word(start)) {
                out.push(span(start).0..span(j - 1).1);
            }
            k = j;
        } else {
            k = j;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::layout::{WrapOptions, break_opportunities, wrap};

    fn no_break_inside(text: &str, part: &str) {
        let at = text.find(part).unwrap();
        for b in break_opportunities(text) {
            assert!(
                b <= at || b >= at + part.len(),
                "break inside {part:?} of {text:?}: {}|{}",
                &text[..b],
                &text[b..]
            );
        }
    }

    #[test]
    fn numbers_keep_their_units() {
        for (text, part) in [
            ("ถูกหลอกโอนเงิน 2.5 ล้านบาท ภายในวันเดียว", "2.5 ล้านบาท"),
            ("เสียหาย 2.5 ล้าน บาท", "2.5 ล้าน บาท"),
            ("ค่าธรรมเนียม 3,000 บาท ต่อครั้ง", "3,000 บาท"),
            ("ค่าธรรมเนียม 3,000บาท", "3,000บาท"),
            ("บริการตลอด 24 ชั่วโมง ทุกวัน", "24 ชั่วโมง"),
            ("บริการตลอด 24 ชม. ทุกวัน", "24 ชม."),
            ("ภายใน ๑๕ นาที หลังโอน", "๑๕ นาที"),
            ("ดอกเบี้ย 20 เปอร์เซ็นต์ ต่อเดือน", "20 เปอร์เซ็นต์"),
            ("ดอกเบี้ย 20 % ต่อเดือน", "20 %"),
            ("ห่างออกไป 12 กม. จากตัวเมือง", "12 กม."),
            ("แจ้งความได้ตลอดยี่สิบสี่ชั่วโมงที่สถานี", "ยี่สิบสี่ชั่วโมง"),
            ("แจ้งความได้ตลอดยี่สิบสี่ ชั่วโมง ที่สถานี", "ยี่สิบสี่ ชั่วโมง"),
            ("เงินทอน 50 สตางค์", "50 สตางค์"),
            ("ผู้เสียหาย 300 คน ใน 12 จังหวัด", "300 คน"),
        ] {
            no_break_inside(text, part);
        }
    }

    #[test]
    fn wrapped_amounts_move_whole() {
        let lines = wrap("ถูกหลอกให้โอนเงิน 2.5 ล้านบาท", &WrapOptions::new(22)).unwrap();
        assert!(lines.iter().any(|l| l.contains("2.5 ล้านบาท")), "{lines:?}");
        // A word that merely starts like a number word is not one.
        assert!(break_opportunities("สามารถโทรได้").contains(&"สามารถ".len()));
    }
}
