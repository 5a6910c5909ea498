//! Words a line never ends with before the word they lean on: Thai
//! prepositions and markers before the word they govern, an agency before
//! its hotline number. Both the least-raggedness fit (as a penalty) and
//! greedy filling (as glue, where the pair fits on a line) respect them.

use crate::vocab::thai::{
    ByFirstLetter, is_break_space, is_thai_letter_or_sign, leading_thai_offset,
};

/// Prepositions and markers that a line never ends with before the word
/// they govern: "ใน / บัญชี" leaves "in" dangling, and the passive ถูก alone
/// reads as "cheap" or "right". Matched as a whole unit between break
/// opportunities, so ช่องทาง or เจ้าหน้าที่ never count as ทาง or ที่.
const LEANING_WORDS: &[&str] = &[
    "ใน",
    "ภายใน",
    "ทาง",
    "จาก",
    "ของ",
    "ที่",
    "ตลอด",
    "ถูก",
    "อย่า",
    "กับ",
    "แก่",
    "ผ่าน",
    "บน",
    "ตาม",
    "เข้า",
    "ไป",
    "สู่",
    "หน้า",
];

/// Agencies whose hotline number follows their name ("ตำรวจ 191",
/// "ธปท. 1213"): on a receipt that lists several, a number cut from its
/// agency is ambiguous.
const AGENCY_WORDS: &[&str] = &[
    "ตำรวจ",
    "AOC",
    "กฟภ.",
    "กฟน.",
    "กปน.",
    "กปภ.",
    "ธปท.",
    "สคบ.",
    "ปปง.",
];

/// Whether a break at `unit_end` (the unit `unit_start..unit_end`, the next
/// unit starting at `next`) splits a leaning word from the Thai word or the
/// quantity (a number with a Thai unit after it) it governs, or an agency
/// from its hotline number. A Latin address after a preposition may still
/// start a line of its own.
pub(crate) fn glued_to_next(p: &str, unit_start: usize, unit_end: usize, next: usize) -> bool {
    let (Some(unit), Some(after)) = (p.get(unit_start..unit_end), p.get(next..)) else {
        return false;
    };
    // (`trim_start` decodes the first character: not needed when it is
    // printable ASCII or led by E0, U+0800..U+0FFF with the Thai block,
    // where no character is whitespace.)
    let unit = match unit.as_bytes().first() {
        Some(0x21..=0x7E | 0xE0) => unit,
        _ => unit.trim_start(),
    };
    // Most units neither are a leaning word nor come before a number: told
    // by the unit's length and the next unit's first bytes, before decoding.
    let leaning = is_leaning_word(unit);
    let is_digit = starts_with_digit(after.as_bytes());
    if !leaning && !is_digit {
        return false;
    }
    let digits_then_thai = || {
        let rest = after.trim_start_matches(|c: char| {
            c.is_ascii_digit() || ('๐'..='๙').contains(&c) || c == ',' || c == '.'
        });
        rest.trim_start_matches(is_break_space)
            .chars()
            .next()
            .is_some_and(is_thai_letter_or_sign)
    };
    if leaning
        && (after.chars().next().is_some_and(is_thai_letter_or_sign)
            || (is_digit && digits_then_thai()))
    {
        return true;
    }
    is_digit && AGENCY_WORDS.iter().any(|w| unit.ends_with(w))
}

/// [`LEANING_WORDS`] by first letter, so that a unit is compared with a
/// few words, not all (every one is led by a Thai letter: a build error
/// otherwise).
const LEANING_BY_FIRST: ByFirstLetter = ByFirstLetter::new(LEANING_WORDS);
const _: () = assert!(LEANING_BY_FIRST.all_thai_led());
const _: () = assert!(LEANING_BY_FIRST.all_two_letters());

/// Whether `unit` is one of the [`LEANING_WORDS`].
fn is_leaning_word(unit: &str) -> bool {
    LEANING_BY_FIRST
        .led_like(unit.as_bytes())
        .any(|w| w == unit)
}

/// Whether the unit whose text starts with `s` (as bytes) may be a leaning
/// word once its leading spaces are trimmed: it starts with the first two
/// letters of one (many words share only the first with one: หรือ, หลอก
/// with หน้า), or with something other than a Thai letter or a printable
/// ASCII character (a space: decided on the trimmed text).
fn may_start_leaning_word(s: &[u8]) -> bool {
    match leading_thai_offset(s) {
        Some(_) => LEANING_BY_FIRST.led_like_two(s).next().is_some(),
        None => !matches!(s, [b'!'..=b'~', ..] | []),
    }
}

/// Whether the text `s` (as bytes) starts with an ASCII digit or a Thai
/// digit ๐..๙ (E0 B9 90..99).
fn starts_with_digit(s: &[u8]) -> bool {
    matches!(s, [b'0'..=b'9', ..] | [0xE0, 0xB9, 0x90..=0x99, ..])
}

/// Drop each break of `bounds` (the ends of the units of `p`, in order)
/// after a leaning word or agency (see [`glued_to_next`]) when the unit and
/// the one after it `fit` on one line together, so greedy filling carries
/// them to the next line as one; when they do not fit, the break stays.
/// `fit` gets the merged text without its trailing space: the caller's
/// measure decides (columns on a receipt, points on the printed form).
pub(crate) fn glue_breaks(p: &str, bounds: &mut Vec<usize>, fit: impl Fn(&str) -> bool) {
    let mut start = 0;
    let mut k = 0;
    while k + 1 < bounds.len() {
        let (Some(&end), Some(&next_end)) = (bounds.get(k), bounds.get(k + 1)) else {
            break;
        };
        // Leaning words and agencies are short: skip the check for long
        // units, and for the units that neither may be a leaning word nor
        // come before a number (told from their first bytes, not decoded).
        if end - start <= 24
            && (may_start_leaning_word(p.as_bytes().get(start..).unwrap_or_default())
                || starts_with_digit(p.as_bytes().get(end..).unwrap_or_default()))
        {
            let content_end = p
                .get(start..end)
                .map_or(end, |u| start + u.trim_end_matches(is_break_space).len());
            if glued_to_next(p, start, content_end, end)
                && p.get(start..next_end)
                    .is_some_and(|u| fit(u.trim_end_matches(is_break_space)))
            {
                bounds.remove(k);
                // The merged unit may lean on the next one in turn (ถูก + ตัด...).
                continue;
            }
        }
        start = end;
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{WrapOptions, wrap};

    #[test]
    fn a_latin_address_after_a_preposition_may_start_a_line() {
        assert!(!glued_to_next("ทาง www.1441.go.th", 0, 9, 10));
        assert!(glued_to_next("ทาง ไลน์", 0, 9, 10));
        assert!(glued_to_next("ตลอด 24 ชั่วโมง", 0, 12, 13));
        assert!(!glued_to_next("ช่องทาง ไลน์", 0, 21, 22));
    }

    #[test]
    fn greedy_filling_carries_the_pair_to_the_next_line() {
        let lines = wrap(
            "อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโทรสายด่วน 1441 ตลอด 24 ชั่วโมง",
            &WrapOptions::new(42),
        )
        .unwrap();
        assert_eq!(
            lines,
            ["อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโทรสายด่วน 1441", "ตลอด 24 ชั่วโมง"]
        );
        // A pair wider than the line keeps its break.
        let lines = wrap("ตลอด 24 ชั่วโมง", &WrapOptions::new(6)).unwrap();
        assert_eq!(lines.first().map(String::as_str), Some("ตลอด"));
    }
}
