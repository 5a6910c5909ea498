//! Thai orthographic syllables: the unit a line may break between when no
//! word is known, and the unit a word wider than the line is cut into before
//! character clusters.
//!
//! The rules read the structure of a written syllable left to right:
//! an optional leading vowel (เ แ โ ใ ไ), an initial consonant or cluster
//! (กร, ปล, คว, and ห/อ leading a sonorant: หม, อย), vowels and tone marks
//! above and below, a following vowel (ะ า ำ), the letters that complete a
//! vowel (ย of เ–ีย, อ of เ–ือ and –อ, ว of –ัว and –ว–), then at most one
//! final consonant and any silent group ending in ์ (จันทร์, การ์ด). A
//! consonant is a final when it cannot begin the next syllable: nothing that
//! gives it a vowel of its own follows it. A consonant standing alone, read
//! with an inherent vowel (ส of สบาย, ต of ตลาด), joins the syllable after it
//! (the one before it at the end of a run), so a line never ends or starts
//! with a lone consonant. See docs/THAI.md for the rules with examples.

use crate::vocab::thai::{
    MAI_HAN_AKAT, MAI_TAIKHU, THANTHAKHAT, begins_cluster, is_above_below_vowel, is_consonant,
    is_final_consonant, is_following_vowel, is_leading_vowel, is_thai_letter_or_sign, is_tone_mark,
};

/// Whether `c` gives the consonant before it a vowel of its own (so that
/// consonant begins a syllable): a vowel or tone mark written on it, a
/// following vowel, or MAI TAIKHU.
fn voices(c: Option<char>) -> bool {
    c.is_some_and(|c| class(c) & VOICES != 0)
}

/// [`voices`]: a vowel or tone mark on the consonant before, a following
/// vowel, or MAI TAIKHU.
const VOICES: u8 = 1;
/// [`is_final_consonant`].
const FINAL: u8 = 2;
/// A sign written above or below its consonant (see [`is_written_on`]).
const WRITTEN_ON: u8 = 4;

/// [`VOICES`], [`FINAL`] and [`WRITTEN_ON`] of the Thai block by offset
/// from U+0E00, from the predicates themselves (a syllable tests them on
/// most letters).
// Indexing here runs at compile time: out of bounds is a build error.
#[allow(clippy::indexing_slicing)]
const CLASSES: [u8; 0x80] = {
    let mut table = [0u8; 0x80];
    let mut k = 0;
    while k < 0x80 {
        let c = crate::vocab::thai::thai_block_char(k);
        if is_above_below_vowel(c) || is_tone_mark(c) || is_following_vowel(c) || c == MAI_TAIKHU {
            table[k] |= VOICES;
        }
        if is_final_consonant(c) {
            table[k] |= FINAL;
        }
        if is_above_below_vowel(c)
            || is_tone_mark(c)
            || matches!(
                c,
                MAI_TAIKHU | THANTHAKHAT | '\u{0E3A}' | '\u{0E4D}' | '\u{0E4E}'
            )
        {
            table[k] |= WRITTEN_ON;
        }
        k += 1;
    }
    table
};

/// The classes of `c` (none outside the Thai block).
#[inline]
fn class(c: char) -> u8 {
    CLASSES
        .get((u32::from(c).wrapping_sub(0x0E00)) as usize)
        .copied()
        .unwrap_or(0)
}

/// [`is_final_consonant`] by the table.
#[inline]
fn is_final(c: char) -> bool {
    class(c) & FINAL != 0
}

/// Whether `c` is a sign written on the consonant before it, read in that
/// consonant's syllable: the vowels above and below, the tone marks, MAI
/// TAIKHU, THANTHAKHAT, PHINTHU, NIKHAHIT and YAMAKKAN (one test of the
/// table).
#[inline]
fn is_written_on(c: char) -> bool {
    class(c) & WRITTEN_ON != 0
}

/// Whether `c` (the character after a consonant) gives it a vowel that can
/// belong to a syllable spelt with the leading vowel `lead`: ใ and ไ take
/// no vowel sign, โ only ะ, แ ็ and ะ, เ ิ ี ื ็ า ะ; tone marks go with
/// any. Otherwise the consonant starts a syllable of its own: ให|มัน, not
/// ใหมั|น with หม read as a cluster.
fn voices_with_lead(lead: Option<char>, c: Option<char>) -> bool {
    let Some(c) = c.filter(|&c| voices(Some(c))) else {
        return false;
    };
    if !(is_above_below_vowel(c) || is_following_vowel(c)) {
        return true;
    }
    match lead {
        None => true,
        Some('ใ' | 'ไ') => false,
        Some('โ' | 'แ') => c == 'ะ',
        Some(_) => matches!(c, '\u{0E34}' | '\u{0E35}' | '\u{0E37}' | 'า' | 'ะ'),
    }
}

/// Whether the ุ at `k` is the silent vowel of a Pali or Sanskrit ending
/// (เหตุ, เกตุ, เมรุ): nothing after it belongs to its syllable (no tone
/// mark, no final consonant), so the consonant it is written on closes the
/// syllable before it (เหตุ|การณ์) instead of starting one (เน|ขุด, เร|ฝุ่น).
fn silent_u(at: &impl Fn(usize) -> Option<char>, k: usize) -> bool {
    at(k) == Some('\u{0E38}')
        && match at(k + 1) {
            None => true,
            Some(c) if is_leading_vowel(c) => true,
            Some(c) if is_consonant(c) => !is_final(c) || begins_syllable(at, k + 1),
            Some(_) => false,
        }
}

/// Whether the consonant at `k` begins a syllable rather than closing the
/// one before it.
fn begins_syllable(at: &impl Fn(usize) -> Option<char>, k: usize) -> bool {
    let Some(c) = at(k) else { return false };
    let next = at(k + 1);
    if voices(next) {
        return true;
    }
    match next {
        Some(n) if is_consonant(n) && begins_cluster(c, n) && voices(at(k + 2)) => true,
        _ => carries_letter_vowel(at, k),
    }
}

/// Whether the consonant at `k` is read with the vowel letter after it: อ
/// (คอ, ช้อป) unless อ has a vowel of its own or starts อย or อ–อ, or ว as
/// the vowel –ว– before a final (ควร, สวน). Orthography alone cannot always
/// tell (ค้าง|อยู่ reads the same letters as คอล), so this is a guess that a
/// dictionary word may overrule.
fn carries_letter_vowel(at: &impl Fn(usize) -> Option<char>, k: usize) -> bool {
    match at(k + 1) {
        Some('อ') => !voices(at(k + 2)) && !matches!(at(k + 2), Some('ย' | 'อ')),
        Some('ว') => at(k + 2).is_some_and(is_final) && !voices(at(k + 3)),
        _ => false,
    }
}

/// Length of the silent group (one to three consonants, maybe ิ/ุ, then ์)
/// at `k`, or 0.
fn silent_group_len(at: &impl Fn(usize) -> Option<char>, k: usize) -> usize {
    let mut j = k;
    for _ in 0..3 {
        if !at(j).is_some_and(is_consonant) {
            return 0;
        }
        j += 1;
        match at(j) {
            Some(THANTHAKHAT) => return j + 1 - k,
            Some('\u{0E34}' | '\u{0E38}') if at(j + 1) == Some(THANTHAKHAT) => return j + 2 - k,
            _ => {}
        }
    }
    0
}

/// One past the last character of the raw syllable (before lone consonants
/// are joined) that starts at `i`; always more than `i` when `at(i)` exists.
fn raw_syllable_end(
    at: &impl Fn(usize) -> Option<char>,
    i: usize,
    alt: &mut impl Extend<usize>,
    look_ahead: bool,
    has_thanthakhat: bool,
) -> usize {
    // No silent group without ์: most runs have none, and this is tested
    // at every syllable's end.
    let silent_group_len = |k: usize| {
        if has_thanthakhat {
            silent_group_len(at, k)
        } else {
            0
        }
    };
    let Some(first) = at(i) else { return i };
    if !is_thai_letter_or_sign(first) {
        return i + 1;
    }
    let lead = is_leading_vowel(first).then_some(first);
    let mut k = i + usize::from(lead.is_some());
    let Some(initial) = at(k).filter(|&c| is_consonant(c)) else {
        // A stray vowel or mark: one unit with the marks after it.
        k = k.max(i + 1);
        while at(k).is_some_and(|c| is_above_below_vowel(c) || is_tone_mark(c)) {
            k += 1;
        }
        return k;
    };
    k += 1;
    // A cluster: its second consonant has a vowel of its own, or (after a
    // leading vowel, or before a final) the syllable goes on after it.
    if let Some(second) = at(k).filter(|&c| is_consonant(c) && begins_cluster(initial, c)) {
        let after = at(k + 1);
        let takes = voices_with_lead(lead, after)
            || matches!(after, Some('อ' | 'ว'))
            || (lead.is_some() && after.is_some_and(is_consonant))
            || (after.is_some_and(is_final) && !begins_syllable(at, k + 1))
            || (second == 'ย' && initial == 'อ');
        if takes {
            k += 1;
        }
    } else if matches!(lead, Some('เ' | 'แ'))
        && at(k).is_some_and(is_consonant)
        && (voices_with_lead(lead, at(k + 1))
            || silent_u(at, k + 1)
            || (lead == Some('เ') && at(k + 1) == Some('อ') && !voices(at(k + 2))))
    {
        // A leading vowel written before an inherent-vowel consonant belongs
        // to the consonant after it: เฉลิม, เสด็จ, เสมอ, แสยะ read as one unit.
        k += 1;
    } else if at(k) == Some('ร') && at(k + 1) == Some('ร') {
        // ร หัน (รร): the vowel a, with or without a final (กรรม, ธรรมชาติ).
        k += 2;
        if at(k).is_some_and(is_final) && !begins_syllable(at, k) {
            k += 1;
        }
        if at(k) == Some(THANTHAKHAT) {
            k += 1;
        }
        return k + silent_group_len(k);
    }
    // A vowel sign written (above, below, or า): the syllable's vowel is set.
    let mut vowel = false;
    let mut last_mark = None;
    while let Some(c) = at(k).filter(|&c| is_written_on(c)) {
        if is_above_below_vowel(c) {
            vowel = true;
            last_mark = Some(c);
        }
        k += 1;
    }
    if initial == 'ก' && at(k - 1) == Some(MAI_TAIKHU) && k == i + 2 && at(k) != Some('อ') {
        // ก็ takes no final.
        return k;
    }
    match at(k) {
        Some('ะ' | 'ำ') => return k + 1,
        Some('า') => {
            k += 1;
            if lead == Some('เ') {
                // เ–า, เ–าะ: no final, but a silent group (เสาร์, เคราะห์).
                k += usize::from(at(k) == Some('ะ'));
                return k + silent_group_len(k);
            }
            vowel = true;
        }
        Some('ๅ') => k += 1,
        _ => {}
    }
    // Letters that complete a vowel.
    match (lead, last_mark, at(k)) {
        (Some('เ'), Some('ี'), Some('ย')) | (_, Some('ื'), Some('อ')) => {
            // เ–ียะ, เ–ือะ
            k += 1;
            if at(k) == Some('ะ') {
                return k + 1;
            }
        }
        (_, Some(MAI_HAN_AKAT), Some('ว')) if !voices(at(k + 1)) || at(k + 1) == Some('ะ') => {
            // –ัว, –ัวะ
            k += 1;
            if at(k) == Some('ะ') {
                return k + 1;
            }
        }
        (Some('เ'), None, Some('อ')) if at(k + 1) == Some('ะ') => return k + 2,
        (_, None, Some('อ')) if !vowel && at(k + 1) != Some('อ') && !voices(at(k + 1)) => {
            k += 1;
            if at(k) == Some('ะ') {
                return k + 1;
            }
        }
        (None, None, Some('ว'))
            if !vowel && at(k + 1).is_some_and(is_final) && !voices(at(k + 2)) =>
        {
            k += 1
        }
        _ => {}
    }
    // ใ and ไ take no final but the silent ย of ไทย.
    let finals_ok = |c: char| match lead {
        Some('ใ' | 'ไ') => c == 'ย',
        _ => true,
    };
    let mut closed = false;
    for _ in 0..2 {
        let mut silent = silent_group_len(k);
        // A group of two consonants or more starts with this syllable's
        // final (นทร์ of จันทร์), so it cannot start with อ or come after a
        // final (องค์ after ว่า, กอล์ฟ after ต้อง begin syllables of their own).
        if silent >= 3 && (closed || !at(k).is_some_and(is_final)) {
            silent = 0;
        }
        if silent > 0 {
            k += silent;
            // Two consonants or more before ์: the first was the final (จันทร์, องค์).
            closed |= silent >= 3;
            continue;
        }
        if closed {
            break;
        }
        match at(k) {
            Some(f) if is_final(f) && finals_ok(f) && begins_syllable(at, k) => {
                if !voices(at(k + 1)) {
                    // Read with a vowel letter or as a cluster (ถูก|ระงับ
                    // reads like ถู|กระ): or it is this syllable's final, and
                    // a word may end after it.
                    alt.extend([k + 1]);
                }
                break;
            }
            Some(f)
                if is_final(f)
                    && finals_ok(f)
                    && !(look_ahead
                        && (vowel || lead.is_some())
                        && leaves_lone(at, k + 1, has_thanthakhat)) =>
            {
                // Before another consonant, the final may instead be a
                // consonant read with an inherent vowel that starts the next
                // syllable (ที่|ธนาคาร, not only ทีม|งาน): a known word may
                // end before it.
                if at(k + 1).is_some_and(|c| is_consonant(c) || is_leading_vowel(c)) {
                    alt.extend([k]);
                }
                k += 1;
                closed = true;
            }
            _ => break,
        }
    }
    k
}

/// Whether the raw syllable at `k` would be a lone consonant followed by
/// another consonant: then the consonant before `k` is better read as the
/// initial of a syllable with an inherent vowel (ประชา|ชน|ที่, not ชาช|น).
fn leaves_lone(at: &impl Fn(usize) -> Option<char>, k: usize, has_thanthakhat: bool) -> bool {
    // The cheap tests first: the syllable is only read when both are consonants.
    at(k).is_some_and(is_consonant)
        && at(k + 1).is_some_and(is_consonant)
        && raw_syllable_end(at, k, &mut Ignored, false, has_thanthakhat) == k + 1
}

/// A sink for alternative starts nobody reads (no allocation).
struct Ignored;

impl Extend<usize> for Ignored {
    fn extend<T: IntoIterator<Item = usize>>(&mut self, _: T) {}
}

/// Char indices (into the run `at` reads, of `len` characters) where a
/// syllable starts, ascending, always with 0 and without `len`; and the
/// other places a syllable may start where the
/// rules alone cannot tell a final consonant from the inherent-vowel
/// consonant of the next syllable (ธ of ที่ธนาคาร): a dictionary word may
/// end there; an unknown stretch may not.
pub(crate) fn syllable_starts_and_alternatives(
    at: impl Fn(usize) -> Option<char>,
    len: usize,
) -> (Vec<usize>, Vec<usize>) {
    let mut buffers = SyllableBuffers::default();
    let has_thanthakhat = (0..len).any(|k| at(k) == Some(THANTHAKHAT));
    syllable_starts_into(at, len, has_thanthakhat, &mut buffers);
    (buffers.starts, buffers.alternatives)
}

/// The results of [`syllable_starts_into`] and its scratch space, kept by a
/// caller that segments many runs (one allocation per text, not per run).
#[derive(Debug, Default)]
pub(crate) struct SyllableBuffers {
    raw: Vec<(usize, usize)>,
    /// Syllable starts, as [`syllable_starts_and_alternatives`] returns them.
    pub(crate) starts: Vec<usize>,
    /// Alternative starts, as [`syllable_starts_and_alternatives`] returns them.
    pub(crate) alternatives: Vec<usize>,
}

/// [`syllable_starts_and_alternatives`] into reused buffers;
/// `has_thanthakhat` says whether the run has a ์ (when it does not, no
/// silent group is looked for).
pub(crate) fn syllable_starts_into(
    at: impl Fn(usize) -> Option<char>,
    len: usize,
    has_thanthakhat: bool,
    buffers: &mut SyllableBuffers,
) {
    let SyllableBuffers {
        raw,
        starts,
        alternatives,
    } = buffers;
    raw.clear();
    starts.clear();
    alternatives.clear();
    let mut i = 0;
    while i < len {
        let before = alternatives.len();
        let end = raw_syllable_end(&at, i, alternatives, true, has_thanthakhat).clamp(i + 1, len);
        raw.push((i, end));
        let mut k = before;
        while let Some(&a) = alternatives.get(k) {
            if a > i && a < len {
                k += 1;
            } else {
                alternatives.swap_remove(k);
            }
        }
        i = end;
    }
    // A lone consonant joins the syllable after it (before it at the end).
    let lone = |&(s, e): &(usize, usize)| e == s + 1 && at(s).is_some_and(is_consonant);
    let mut pending_lone = false;
    for (idx, r) in raw.iter().enumerate() {
        let is_last = idx + 1 == raw.len();
        if pending_lone {
            // The lone consonant may instead close the syllable before it
            // (ประชาชน|เท่า, เกษตรกร|ที่): a word may end after it.
            alternatives.push(r.0);
        } else {
            starts.push(r.0);
        }
        let is_lone = lone(r);
        pending_lone = is_lone && !is_last;
        if is_lone && is_last && starts.len() > 1 && starts.last() == Some(&r.0) {
            starts.pop();
            alternatives.push(r.0);
        }
    }
    alternatives.retain(|&a| a > 0 && a < len);
    alternatives.sort_unstable();
    alternatives.dedup();
}

/// Byte offsets strictly inside `text` where a Thai syllable ends and the
/// next begins, inside each run of Thai letters (never at a run's edges).
pub(crate) fn syllable_boundaries(text: &str) -> Vec<usize> {
    boundaries(text, false)
}

/// [`syllable_boundaries`] with the alternative starts (see
/// [`syllable_starts_and_alternatives`]), ascending: every place a line
/// may break inside a run of Thai letters without cutting a syllable.
pub(crate) fn possible_syllable_boundaries(text: &str) -> Vec<usize> {
    boundaries(text, true)
}

fn boundaries(text: &str, with_alternatives: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let Some(&(_, c)) = chars.get(i) else { break };
        if !is_thai_letter_or_sign(c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while chars
            .get(j)
            .is_some_and(|&(_, c)| is_thai_letter_or_sign(c))
        {
            j += 1;
        }
        let run = chars.get(i..j).unwrap_or_default();
        let at = |k: usize| run.get(k).map(|&(_, c)| c);
        let (starts, alternatives) = syllable_starts_and_alternatives(at, run.len());
        let mut starts: Vec<usize> = starts.into_iter().skip(1).collect();
        if with_alternatives {
            starts.extend(alternatives);
            starts.sort_unstable();
            starts.dedup();
        }
        out.extend(
            starts
                .into_iter()
                .filter_map(|s| run.get(s).map(|&(b, _)| b)),
        );
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_table_agrees_with_the_predicates() {
        for c in ('\u{0E00}'..='\u{0E7F}').chain(['a', '1', ' ', '\u{0301}']) {
            let voices_by_rule = is_above_below_vowel(c)
                || is_tone_mark(c)
                || is_following_vowel(c)
                || c == MAI_TAIKHU;
            assert_eq!(voices(Some(c)), voices_by_rule, "{c:?}");
            assert_eq!(is_final(c), is_final_consonant(c), "{c:?}");
            let written_on = is_above_below_vowel(c)
                || is_tone_mark(c)
                || matches!(
                    c,
                    MAI_TAIKHU | THANTHAKHAT | '\u{0E3A}' | '\u{0E4D}' | '\u{0E4E}'
                );
            assert_eq!(is_written_on(c), written_on, "{c:?}");
        }
    }

    fn syllables(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start = 0;
        for b in syllable_boundaries(text).into_iter().chain([text.len()]) {
            out.push(&text[start..b]);
            start = b;
        }
        out
    }

    #[test]
    fn syllables_by_example() {
        for (word, want) in [
            ("ช้อปปี้", "ช้อป|ปี้"),
            ("ติ๊กต็อก", "ติ๊ก|ต็อก"),
            ("เทเลแกรม", "เท|เล|แกรม"),
            ("แอปสโตร์", "แอป|สโตร์"),
            ("วอลเล็ต", "วอล|เล็ต"),
            ("ยูทูบ", "ยู|ทูบ"),
            ("วิดีโอคอลข่มขู่", "วิ|ดี|โอ|คอล|ข่ม|ขู่"),
            ("คิวอาร์โค้ด", "คิว|อาร์|โค้ด"),
            ("อำเภอแม่สาย", "อำ|เภอ|แม่|สาย"),
            ("ออฟฟิเชียล", "ออฟ|ฟิ|เชียล"),
            ("ธนาคาร", "ธนา|คาร"),
            ("ประเทศไทย", "ประ|เทศ|ไทย"),
            ("กระทรวงมหาดไทย", "กระ|ทรวง|มหาด|ไทย"),
            ("จันทร์", "จันทร์"),
            ("วิทยาศาสตร์", "วิท|ยา|ศาสตร์"),
            ("ความสามารถ", "ความ|สา|มารถ"),
            ("เปลี่ยนแปลง", "เปลี่ยน|แปลง"),
            ("ตรวจสอบ", "ตรวจ|สอบ"),
            ("ก็ได้", "ก็|ได้"),
            ("สบาย", "สบาย"),
            ("กรุงเทพ", "กรุง|เทพ"),
            ("ครบกำหนด", "ครบ|กำ|หนด"),
            ("ด้วยความ", "ด้วย|ความ"),
            ("เพลง", "เพลง"),
            ("ผลไม้", "ผล|ไม้"),
            ("การ์ด", "การ์ด"),
            ("องค์กร", "องค์|กร"),
            ("เกาะ", "เกาะ"),
            ("หน้าที่", "หน้า|ที่"),
            ("อย่า", "อย่า"),
            ("ตัว", "ตัว"),
            ("ควร", "ควร"),
            ("เรือ", "เรือ"),
            // A leading vowel only takes the vowels it is spelt with: the
            // consonant after it with another vowel starts a syllable.
            ("ให้มันกิก", "ให้|มัน|กิก"),
            ("ใหมันกิก", "ให|มัน|กิก"),
            ("ไฟรา", "ไฟ|รา"),
            ("ดูแลมา", "ดู|แล|มา"),
            ("แจ้งเบาะแสที่", "แจ้ง|เบาะ|แส|ที่"),
            ("ไปรุ่นไป", "ไป|รุ่น|ไป"),
            ("เทขึ้น", "เท|ขึ้น"),
            ("ใหม่", "ใหม่"),
            ("เหมือน", "เหมือน"),
            ("เฉลิม", "เฉลิม"),
            // ... but a silent ุ stays with the syllable before it.
            ("เหตุการณ์", "เหตุ|การณ์"),
            ("เหตุผล", "เหตุ|ผล"),
        ] {
            assert_eq!(syllables(word).join("|"), want, "{word}");
        }
    }

    /// PyThaiNLP's list of Thai syllables (CC0; `tests/data/README.md`): each
    /// entry of Thai letters alone must come out as one syllable. The few that
    /// do not are Pali and Sanskrit spellings whose last vowel is silent
    /// (ชาติ, ธาตุ) or that are two spoken syllables (ภริยา, สัตตะ).
    #[test]
    fn public_syllable_list_stays_whole() {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/pythainlp-syllables-th.txt");
        let list = std::fs::read_to_string(&path).unwrap();
        let (mut n, mut split) = (0usize, Vec::new());
        for w in list.lines().map(str::trim).filter(|w| {
            w.chars().count() > 1 && w.chars().all(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c))
        }) {
            n += 1;
            if !syllable_boundaries(w).is_empty() {
                split.push(syllables(w).join("|"));
            }
        }
        let whole = 1.0 - split.len() as f64 / n as f64;
        eprintln!(
            "{n} syllables, {:.4} whole; split: {}",
            whole,
            split.join(" ")
        );
        assert!(n > 9_000, "{n}");
        // Measured 0.9931 (67 of 9,747 split).
        assert!(whole >= 0.99, "{whole:.4}: {}", split.join(" "));
    }
}
