//! Numbers stay on one line with the unit after them: `3,000 บาท`,
//! `2.5 ล้านบาท`, `24 ชั่วโมง`, `๑๕ นาที`, `50 %`, and spelled-out numbers
//! such as `ยี่สิบสี่ ชั่วโมง` (with or without the space).

use std::ops::Range;

use crate::vocab::thai::is_break_space;

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

/// Bit `c - U+0E00` is set for each Thai character a number word starts with
/// (so that most words are rejected without comparing any). Indexing here
/// runs at compile time: out of bounds is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const NUMBER_WORD_FIRST: u128 = {
    let mut mask = 0u128;
    let mut k = 0;
    while k < NUMBER_WORDS.len() {
        let b = NUMBER_WORDS[k].as_bytes();
        // Every number word starts with a Thai letter: E0 B8 xx or E0 B9 xx.
        let cp = ((b[1] as u32 & 0x3F) << 6) | (b[2] as u32 & 0x3F);
        mask |= 1 << (cp - 0x0E00);
        k += 1;
    }
    mask
};

/// Whether a number word may start `s` (see [`NUMBER_WORD_FIRST`]).
fn may_start_number_word(s: &str) -> bool {
    match s.as_bytes() {
        [0xE0, hi @ (0xB8 | 0xB9), lo, ..] => {
            let offset = crate::vocab::thai::thai_offset(*hi, *lo);
            NUMBER_WORD_FIRST >> offset & 1 != 0
        }
        _ => false,
    }
}

/// Whether `s` is one or more number words (ยี่สิบสี่, ล้าน).
fn is_number_words(mut s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    while !s.is_empty() {
        if !may_start_number_word(s) {
            return false;
        }
        let Some(w) = NUMBER_WORDS.iter().find(|w| s.starts_with(**w)) else {
            return false;
        };
        s = s.get(w.len()..).unwrap_or("");
    }
    true
}

/// Whether `s` may start with a number, by its first bytes alone: when
/// false, neither [`is_digits`] nor [`is_number_words`] holds for any
/// prefix of `s`.
fn may_start_number(s: &str) -> bool {
    starts_like_digits(s) || may_start_number_word(s)
}

/// Whether `s` starts with an ASCII digit, a Thai digit (E0 B9 90..99) or
/// ฿ (E0 B8 BF): [`is_digits`] is false otherwise.
fn starts_like_digits(s: &str) -> bool {
    matches!(
        s.as_bytes(),
        [b'0'..=b'9', ..] | [0xE0, 0xB9, 0x90..=0x99, ..] | [0xE0, 0xB8, 0xBF, ..]
    )
}

/// Whether `s` is written in digits (Arabic or Thai) with `,` and `.`
/// inside (3,000 / 2.5 / ๑๕), maybe with a leading ฿.
fn is_digits(s: &str) -> bool {
    if !starts_like_digits(s) {
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
    UNITS.contains(&s)
        || NUMBER_WORDS.iter().any(|w| {
            s.strip_prefix(w)
                .is_some_and(|rest| rest.len() < s.len() && is_unit(rest))
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
    let mut out = Vec::new();
    let mut k = 0;
    while k < n_words {
        // Most words start with neither a digit nor a number word: tell from
        // the first bytes, before trimming the word's spaces.
        if !may_start_number(text.get(cut(k)..).unwrap_or("")) {
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
