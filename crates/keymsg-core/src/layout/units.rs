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

/// Whether `s` is one or more number words (ยี่สิบสี่, ล้าน).
fn is_number_words(mut s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    while !s.is_empty() {
        let Some(w) = NUMBER_WORDS.iter().find(|w| s.starts_with(**w)) else {
            return false;
        };
        s = s.get(w.len()..).unwrap_or("");
    }
    true
}

/// Whether `s` is written in digits (Arabic or Thai) with `,` and `.`
/// inside (3,000 / 2.5 / ๑๕), maybe with a leading ฿.
fn is_digits(s: &str) -> bool {
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
    let mut cuts = Vec::with_capacity(candidates.len() + 2);
    cuts.push(0);
    cuts.extend(
        candidates
            .iter()
            .copied()
            .filter(|&c| c > 0 && c < text.len()),
    );
    cuts.push(text.len());
    // Words: (start, end without trailing spaces, end with them).
    let words: Vec<(usize, usize, usize)> = cuts
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (*w.first()?, *w.get(1)?);
            let piece = text.get(a..b)?;
            let trimmed = piece.trim_end_matches(is_break_space);
            Some((a, a + trimmed.len(), b))
        })
        .collect();
    let word = |k: usize| {
        words
            .get(k)
            .and_then(|&(a, e, _)| text.get(a..e))
            .unwrap_or("")
    };
    let spaced = |k: usize| words.get(k).is_some_and(|&(_, e, b)| b > e);
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let first = word(k);
        if !(is_digits(first) || is_number_words(first)) {
            k += 1;
            continue;
        }
        // The number: digits then number words (2.5 ล้าน), or number words.
        let start = k;
        let mut j = k + 1;
        while j < words.len()
            && is_number_words(word(j))
            && (!spaced(j - 1) || is_digits(word(j - 1)))
        {
            j += 1;
        }
        // The unit, right after it or after one space.
        if j < words.len()
            && is_unit(word(j))
            && words.get(j - 1).is_some_and(|&(_, e, b)| b - e <= 1)
        {
            if let (Some(&(a, _, _)), Some(&(_, e, _))) = (words.get(start), words.get(j)) {
                out.push(a..e);
            }
            k = j + 1;
        } else if j > start + 1 {
            // Spelled-out number words alone still stay together (ยี่สิบ|สี่).
            if let (Some(&(a, _, _)), Some(&(_, e, _))) = (words.get(start), words.get(j - 1))
                && is_number_words(word(start))
            {
                out.push(a..e);
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
