//! Thai character classes and the per-character line-break rules written in
//! them: the one place the layout stages (breaks, clusters, dictionary) and the
//! span scanner look these up.

use unicode_normalization::char::is_combining_mark;

/// The offset from U+0E00 of the Thai-block character whose UTF-8 is
/// `E0 hi lo` (`hi` is B8 or B9): what byte scans over Thai text index their
/// tables with, instead of decoding the character.
#[inline]
pub(crate) const fn thai_offset(hi: u8, lo: u8) -> u8 {
    ((hi & 1) << 6) | (lo & 0x3F)
}

/// The [`thai_offset`] of the character the bytes `s` start with, if it is
/// in the Thai block (E0 B8 xx or E0 B9 xx): the first-letter tables of
/// word lists are built and read with it.
#[inline]
pub(crate) const fn leading_thai_offset(s: &[u8]) -> Option<u8> {
    match s {
        [0xE0, hi @ (0xB8 | 0xB9), lo, ..] => Some(thai_offset(*hi, *lo)),
        _ => None,
    }
}

/// A short word list indexed by first letter: for each Thai character
/// (offset from U+0E00), bit `k` is set when word `k` starts with it (a word
/// not led by a Thai letter, such as `%`, has no bit: its caller compares
/// it whole). Most words of a text are rejected by one read of the table,
/// and the rest are compared only with the few words of their first letter
/// (สาม, สี่, สอง, สิบ for ส), in the list's order.
#[derive(Debug)]
pub(crate) struct ByFirstLetter {
    words: &'static [&'static str],
    table: [u64; 0x80],
}

impl ByFirstLetter {
    /// The index of `words` (at most 64), built at compile time.
    // Indexing here runs at compile time: out of bounds is a build error.
    #[allow(clippy::indexing_slicing)]
    pub(crate) const fn new(words: &'static [&'static str]) -> ByFirstLetter {
        assert!(words.len() <= 64);
        let mut table = [0u64; 0x80];
        let mut k = 0;
        while k < words.len() {
            if let Some(offset) = leading_thai_offset(words[k].as_bytes()) {
                table[offset as usize] |= 1 << k;
            }
            k += 1;
        }
        ByFirstLetter { words, table }
    }

    /// Whether every word is led by a Thai letter (so that none needs
    /// comparing whole).
    // Indexing here runs at compile time (its callers are const asserts).
    #[allow(clippy::indexing_slicing)]
    pub(crate) const fn all_thai_led(&self) -> bool {
        let mut k = 0;
        while k < self.words.len() {
            if leading_thai_offset(self.words[k].as_bytes()).is_none() {
                return false;
            }
            k += 1;
        }
        true
    }

    /// Whether every word is six bytes or more (with [`Self::all_thai_led`]:
    /// two Thai letters or more), as [`Self::led_like_two`] needs.
    // Indexing here runs at compile time (its callers are const asserts).
    #[allow(clippy::indexing_slicing)]
    pub(crate) const fn all_two_letters(&self) -> bool {
        let mut k = 0;
        while k < self.words.len() {
            if self.words[k].len() < 6 {
                return false;
            }
            k += 1;
        }
        true
    }

    /// The words led by the Thai letter the bytes `s` start with, in the
    /// list's order (none when `s` does not start with a Thai letter).
    #[inline]
    pub(crate) fn led_like(&self, s: &[u8]) -> impl Iterator<Item = &'static str> + use<> {
        let mut mask = self.mask(s);
        let words = self.words;
        std::iter::from_fn(move || {
            while mask != 0 {
                let k = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                if let Some(&w) = words.get(k) {
                    return Some(w);
                }
            }
            None
        })
    }

    /// The words whose first six bytes (two Thai letters) are those the
    /// bytes `s` start with, compared in a register (many words share only
    /// the first letter), in the list's order. A word shorter than six
    /// bytes is never among them: callers assert [`Self::all_two_letters`].
    #[inline]
    pub(crate) fn led_like_two(&self, s: &[u8]) -> impl Iterator<Item = &'static str> + use<> {
        let head: Option<[u8; 6]> = s.first_chunk().copied();
        self.led_like(s)
            .filter(move |w| head.is_some() && w.as_bytes().first_chunk().copied() == head)
    }

    #[inline]
    fn mask(&self, s: &[u8]) -> u64 {
        leading_thai_offset(s)
            .and_then(|offset| self.table.get(usize::from(offset)))
            .copied()
            .unwrap_or(0)
    }
}

/// The Thai-block character at `offset` (below 0x80) from U+0E00, for the
/// class tables the layout builds at compile time.
pub(crate) const fn thai_block_char(offset: usize) -> char {
    match char::from_u32(0x0E00 + (offset as u32 & 0x7F)) {
        Some(c) => c,
        None => '\u{0E00}',
    }
}

/// Leading vowels เ แ โ ใ ไ: written before the consonant they follow in
/// speech, so a line may never end with one.
pub(crate) const fn is_leading_vowel(c: char) -> bool {
    matches!(c, '\u{0E40}'..='\u{0E44}')
}

/// Spacing following vowels ะ า ำ ๅ: a line may never start with one.
pub(crate) const fn is_following_vowel(c: char) -> bool {
    matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}')
}

/// Any combining mark (Thai above/below vowels, tone marks, thanthakhat, and
/// the combining marks of every other script).
pub(crate) fn is_mark(c: char) -> bool {
    match c {
        '\0'..='\u{7F}' => false,
        '\u{0E00}'..='\u{0E7F}' => is_thai_mark(c),
        _ => is_combining_mark(c),
    }
}

/// The combining marks of the Thai block (general category Mn): vowels above
/// and below, PHINTHU, MAITAIKHU, tone marks, THANTHAKHAT, NIKHAHIT, YAMAKKAN.
pub(crate) const fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// A character a line may never start with: following vowel or combining mark.
pub(crate) fn cannot_start_line(c: char) -> bool {
    is_following_vowel(c) || is_mark(c)
}

/// Tone marks ่ ้ ๊ ๋.
pub(crate) const fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{0E48}'..='\u{0E4B}')
}

/// Thai consonant ก–ฮ.
pub(crate) const fn is_consonant(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E2E}')
}

/// Thai vowels written above or below their consonant: ิ ี ึ ื ุ ู and ั
/// (ั also needs a final consonant or ว after it).
pub(crate) const fn is_above_below_vowel(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E39}')
}

/// Consonants that can close a syllable (all but ฉ ผ ฝ ห อ ฮ and the vowel
/// letters ฤ ฦ; ซ closes loanwords such as เฟซ).
pub(crate) const fn is_final_consonant(c: char) -> bool {
    is_consonant(c) && !matches!(c, 'ฉ' | 'ผ' | 'ฝ' | 'ห' | 'อ' | 'ฮ' | 'ฤ' | 'ฦ')
}

/// Whether `a` then `b` can begin one syllable: a true cluster with ร ล ว
/// (กร ปล คว ...), a false cluster read as one sound (ทร จร ศร สร ซร), a loan
/// cluster (บร ดร ฟร ฟล), or a leading ห/อ that only sets the tone
/// (หน หม หย หล ..., อย).
pub(crate) fn begins_cluster(a: char, b: char) -> bool {
    let (Some(a), Some(b)) = (thai_offset_of(a), thai_offset_of(b)) else {
        return false;
    };
    BEGINS_CLUSTER
        .get(b)
        .is_some_and(|&firsts| a < 64 && firsts & (1 << a) != 0)
}

/// `c`'s offset from U+0E00 if it is in the Thai block.
#[inline]
fn thai_offset_of(c: char) -> Option<usize> {
    let k = u32::from(c).wrapping_sub(0x0E00) as usize;
    (k < 0x80).then_some(k)
}

/// For each second letter (offset from U+0E00), the first letters (offsets
/// below 64: the consonants) with which it begins a syllable, by
/// [`begins_cluster_rule`].
// Indexing here runs at compile time: out of bounds is a build error.
#[allow(clippy::indexing_slicing)]
const BEGINS_CLUSTER: [u64; 0x80] = {
    let mut table = [0u64; 0x80];
    let mut b = 0;
    while b < 0x80 {
        let mut a = 0;
        while a < 64 {
            if let (Some(ca), Some(cb)) = (
                char::from_u32(0x0E00 + a),
                char::from_u32(0x0E00 + b as u32),
            ) && begins_cluster_rule(ca, cb)
            {
                table[b] |= 1 << a;
            }
            a += 1;
        }
        b += 1;
    }
    table
};

/// The rule of [`begins_cluster`], letter by letter.
const fn begins_cluster_rule(a: char, b: char) -> bool {
    match b {
        'ร' => matches!(
            a,
            'ก' | 'ข'
                | 'ค'
                | 'ต'
                | 'ป'
                | 'พ'
                | 'ท'
                | 'จ'
                | 'ศ'
                | 'ส'
                | 'ซ'
                | 'บ'
                | 'ด'
                | 'ฟ'
                | 'ห'
        ),
        'ล' => matches!(a, 'ก' | 'ข' | 'ค' | 'ป' | 'พ' | 'ผ' | 'บ' | 'ฟ' | 'ห'),
        'ว' => matches!(a, 'ก' | 'ข' | 'ค' | 'ห'),
        'ง' | 'ญ' | 'น' | 'ม' | 'ณ' => a == 'ห',
        'ย' => matches!(a, 'ห' | 'อ'),
        _ => false,
    }
}

/// Any character of the Thai block.
pub(crate) fn is_thai(c: char) -> bool {
    matches!(c, '\u{0E00}'..='\u{0E7F}')
}

/// MAI YAMOK ๆ (repetition mark): belongs to the word before it.
pub(crate) const MAI_YAMOK: char = '\u{0E46}';
/// PAIYANNOI ฯ (abbreviation mark): belongs to the word before it, except in ฯลฯ.
pub(crate) const PAIYANNOI: char = '\u{0E2F}';
/// The sequence ฯลฯ ("etc."), never broken inside.
pub(crate) const PAI_YAN_YAI: &str = "\u{0E2F}\u{0E25}\u{0E2F}";
/// THANTHAKHAT ์ (silencing mark).
pub(crate) const THANTHAKHAT: char = '\u{0E4C}';
/// MAI HAN-AKAT ั (short a, always followed by a final consonant or ว).
pub(crate) const MAI_HAN_AKAT: char = '\u{0E31}';
/// MAI TAIKHU ็ (shortening mark, always followed by a final consonant except in ก็).
pub(crate) const MAI_TAIKHU: char = '\u{0E47}';
/// ZERO WIDTH SPACE: an explicit break hint.
pub(crate) const ZWSP: char = '\u{200B}';
/// WORD JOINER: an explicit no-break hint.
pub(crate) const WORD_JOINER: char = '\u{2060}';

/// Characters that glue their neighbours: no break on either side.
pub(crate) fn is_glue(c: char) -> bool {
    matches!(
        c,
        '\u{2060}' | '\u{00A0}' | '\u{202F}' | '\u{FEFF}' | '\u{2007}'
    )
}

/// Whitespace that a line break swallows (dropped at the end of a line).
pub(crate) fn is_break_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}' | '\u{205F}')
}

/// Thai letters, vowels, tone marks and signs (ก to ๎): a Thai word or
/// abbreviation character, unlike the Thai digits and ๏ ๚ ๛.
pub(crate) fn is_thai_letter_or_sign(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E4E}')
}

/// The Thai character rules alone (no dictionary, no spans, no grapheme
/// check): whether the characters around byte `p` permit a line break there.
/// Shared by the filter and by the Thai-character-cluster fallback.
pub(crate) fn char_rules_allow(text: &str, p: usize) -> bool {
    char_rules(text, p, SilentGroup::ByPattern, &mut SpaceRun::default())
}

/// [`char_rules_allow`] for callers that ask at ascending offsets, possibly at
/// every offset of a long run of spaces: `spaces` remembers the run.
pub(crate) fn char_rules_allow_in(text: &str, p: usize, spaces: &mut SpaceRun) -> bool {
    char_rules(text, p, SilentGroup::ByPattern, spaces)
}

/// The run of break spaces the last position asked about was in, so that the
/// rule for a space before ๆ or ฯ (which looks past every space) costs linear
/// time, not quadratic, when asked at every position of a long run.
#[derive(Debug, Default)]
pub(crate) struct SpaceRun {
    /// `(start, end)`: `text[start..end]` are break spaces and `text[end]` is not.
    run: Option<(usize, usize)>,
}

impl SpaceRun {
    /// `text[p..]` without its leading break spaces.
    fn rest_after<'t>(&mut self, text: &'t str, p: usize) -> &'t str {
        let end = match self.run {
            Some((start, end)) if start <= p && p <= end => end,
            _ => {
                let after = text.get(p..).unwrap_or("");
                let end = p + (after.len() - after.trim_start_matches(is_break_space).len());
                self.run = Some((p, end));
                end
            }
        };
        text.get(end..).unwrap_or("")
    }
}

/// Whether what follows a break may be a silent consonant group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SilentGroup {
    /// Unknown: refuse a break before one to three consonants and ์.
    ByPattern,
    /// A dictionary word follows, so it starts a syllable (องค์กร, กอล์ฟ).
    Known,
}

pub(crate) fn char_rules(text: &str, p: usize, silent: SilentGroup, spaces: &mut SpaceRun) -> bool {
    after_ascii_space(text, p, silent)
        .unwrap_or_else(|| decoded_char_rules(text, p, silent, spaces))
}

/// [`char_rules`] at the commonest break outside a run of Thai letters:
/// after an ASCII space, before a Thai consonant, a leading vowel or an
/// ASCII letter or digit (`None` elsewhere). With a space before it, no
/// rule looks further back; a line may start with any of these letters;
/// so only the silent group's rule can refuse it.
#[inline]
fn after_ascii_space(text: &str, p: usize, silent: SilentGroup) -> Option<bool> {
    let b = text.as_bytes();
    if b.get(p.checked_sub(1)?) != Some(&b' ') {
        return None;
    }
    match b.get(p..)? {
        [x, ..] if x.is_ascii_alphanumeric() => Some(true),
        // เ แ โ ใ ไ
        [0xE0, 0xB9, 0x80..=0x84, ..] => Some(true),
        // ก to ฮ
        [0xE0, 0xB8, 0x81..=0xAE, ..] => {
            Some(silent != SilentGroup::ByPattern || !starts_silent_group(text.get(p..)?.chars()))
        }
        _ => None,
    }
}

/// [`char_rules`] by decoding the characters around `p`.
fn decoded_char_rules(text: &str, p: usize, silent: SilentGroup, spaces: &mut SpaceRun) -> bool {
    let (Some(before), Some(after)) = (text.get(..p), text.get(p..)) else {
        return false;
    };
    rules_between(before.chars().rev(), after.chars(), silent, || {
        spaces.rest_after(text, p).chars()
    })
}

/// [`char_rules`] at the boundary before the `k`-th character of a run of
/// Thai word characters (ก to ฺ, เ to ๎) given as offsets from U+0E00, for
/// `0 < k < labels.len()`: the run's characters are read from the offsets,
/// not decoded from the text. What lies outside the run (a space, Latin, a
/// digit) is never one of the characters the rules look for past the
/// neighbours, so the run alone decides. It also answers the grapheme check
/// of the filter: between two Thai characters only a mark or ำ joins them,
/// and neither may start a line.
pub(crate) fn char_rules_in_run(labels: &[u8], k: usize, silent: SilentGroup) -> bool {
    let (Some(before), Some(after)) = (labels.get(..k), labels.get(k..)) else {
        return false;
    };
    let char_of = |&l: &u8| thai_block_char(usize::from(l));
    // Both neighbours are Thai letters: the rule for spaces is never reached.
    rules_between(
        before.iter().rev().map(char_of),
        after.iter().map(char_of),
        silent,
        std::iter::empty,
    )
}

/// The character rules, given the characters before the boundary (nearest
/// first), those after it, and what follows the run of break spaces that
/// starts at the boundary (asked only when one does).
#[inline]
fn rules_between<B, A, S>(
    before: B,
    after: A,
    silent: SilentGroup,
    after_spaces: impl FnOnce() -> S,
) -> bool
where
    B: Iterator<Item = char> + Clone,
    A: Iterator<Item = char> + Clone,
    S: Iterator<Item = char> + Clone,
{
    let (Some(a), Some(b)) = (before.clone().next(), after.clone().next()) else {
        return false;
    };
    if is_leading_vowel(a) || cannot_start_line(b) || is_glue(a) || is_glue(b) {
        return false;
    }
    if b == MAI_YAMOK {
        return false;
    }
    // MAI HAN-AKAT ั and MAI TAIKHU ็ always take a final consonant in the
    // same syllable (ก็ is the one word ending in ็).
    // (`before` reads backwards: ก็ is ็ then ก.)
    let vowel_before = before.clone().find(|&c| !is_tone_mark(c));
    if vowel_before == Some(MAI_HAN_AKAT)
        || (vowel_before == Some(MAI_TAIKHU) && !starts_with(before.clone(), "\u{0E47}\u{0E01}"))
    {
        return false;
    }
    // A silent consonant group (ทร์ in จันทร์, ธุ์ in พันธุ์) belongs to the
    // syllable before it.
    if silent == SilentGroup::ByPattern && is_consonant(b) && starts_silent_group(after.clone()) {
        return false;
    }
    if b == PAIYANNOI {
        // Only ฯลฯ after a space may start a line; a word-final ฯ stays put.
        return starts_with(after, PAI_YAN_YAI) && is_break_space(a);
    }
    if is_break_space(b) {
        // เด็ก ๆ / กรุงเทพ ฯ: the mark still belongs to the word before.
        let rest = after_spaces();
        let next = rest.clone().next();
        if next == Some(MAI_YAMOK) {
            return false;
        }
        if next == Some(PAIYANNOI) && !starts_with(rest, PAI_YAN_YAI) {
            return false;
        }
    }
    // Inside ฯลฯ: only ฯ|ลฯ is left to refuse, since a break before ฯ was
    // decided above.
    !(b == '\u{0E25}' && a == PAIYANNOI && after.clone().nth(1) == Some(PAIYANNOI))
}

/// Whether the characters of `chars` start with those of `prefix`.
#[inline]
fn starts_with(mut chars: impl Iterator<Item = char>, prefix: &str) -> bool {
    prefix.chars().all(|p| chars.next() == Some(p))
}

/// Whether `s` starts with one to three consonants, maybe ิ/ุ, then ์
/// (ร์, ทร์, สตร์: the last may be the final of the syllable before).
pub(crate) fn starts_silent_group(s: impl Iterator<Item = char> + Clone) -> bool {
    let mut chars = s;
    for _ in 0..3 {
        match chars.next() {
            Some(c) if is_consonant(c) => {}
            _ => return false,
        }
        let mut look = chars.clone();
        match look.next() {
            Some(THANTHAKHAT) => return true,
            Some('\u{0E34}' | '\u{0E38}') if look.next() == Some(THANTHAKHAT) => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn begins_cluster_table_agrees_with_the_rule() {
        let letters = ('\u{0E00}'..='\u{0E7F}').chain(['a', 'ร', '\u{0E80}', '\u{0D81}']);
        for a in letters.clone() {
            for b in letters.clone() {
                let thai = |c: char| ('\u{0E00}'..='\u{0E7F}').contains(&c);
                let want = thai(a) && thai(b) && begins_cluster_rule(a, b);
                assert_eq!(begins_cluster(a, b), want, "{a:?} {b:?}");
            }
        }
        assert!(begins_cluster('ก', 'ร') && begins_cluster('ห', 'ม') && !begins_cluster('ร', 'ก'));
    }

    #[test]
    fn classes_cover_the_thai_letters_by_name() {
        for c in ['เ', 'แ', 'โ', 'ใ', 'ไ'] {
            assert!(is_leading_vowel(c), "{c}");
        }
        for c in ['ะ', 'า', 'ำ', 'ๅ'] {
            assert!(is_following_vowel(c), "{c}");
            assert!(cannot_start_line(c), "{c}");
        }
        // Above/below vowels, tone marks, MAITAIKHU, THANTHAKHAT, NIKHAHIT, YAMAKKAN.
        for c in [
            'ั', 'ิ', 'ี', 'ึ', 'ื', 'ุ', 'ู', 'ฺ', '็', '่', '้', '๊', '๋', '์', 'ํ', '๎',
        ] {
            assert!(is_mark(c), "{c}");
        }
        for c in ['ก', 'อ', 'ฮ', 'ๆ', 'ฯ', 'เ', 'า', '๑', 'a'] {
            assert!(!is_mark(c), "{c}");
        }
        assert!(is_consonant('ก') && is_consonant('ฮ') && !is_consonant('ฯ'));
        assert!(is_thai('๙') && !is_thai('a'));
    }

    #[test]
    fn fast_paths_agree_with_unicode_data() {
        for c in ('\0'..='\u{7F}').chain('\u{0E00}'..='\u{0E7F}') {
            assert_eq!(is_mark(c), is_combining_mark(c), "{c:?}");
        }
    }

    /// `char_rules_in_run` agrees with `char_rules` and the grapheme check
    /// at every boundary inside a run of Thai word characters, whatever
    /// surrounds the run: random runs rich in marks, ั ็ ก็, silent groups,
    /// ฯลฯ and ๆ, both with and without a known word after the boundary.
    #[test]
    fn rules_in_run_agree_with_the_rules_on_text() {
        use unicode_segmentation::GraphemeCursor;
        let letters: Vec<char> = ('\u{0E01}'..='\u{0E3A}')
            .chain('\u{0E40}'..='\u{0E4E}')
            .collect();
        let favoured: Vec<char> = "กรทนสตั็่้์ิุาำะเแฯลๆ".chars().collect();
        let pieces = ["ก็", "ทร์", "สตร์", "ธุ์", "ฯลฯ", "ั", "็"];
        let context = [
            "",
            " ",
            "a",
            "1",
            "๑",
            "฿",
            "๏",
            ".",
            "\u{200B}",
            " ๆ",
            " ฯลฯ",
            "\u{2060}",
        ];
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        let mut checked = 0;
        for _ in 0..20_000 {
            let mut run = String::new();
            for _ in 0..1 + next(8) {
                match next(4) {
                    0 => run.push(letters[next(letters.len())]),
                    1 => run.push_str(pieces[next(pieces.len())]),
                    _ => run.push(favoured[next(favoured.len())]),
                }
            }
            let (pre, post) = (context[next(context.len())], context[next(context.len())]);
            let text = format!("{pre}{run}{post}");
            let labels: Vec<u8> = run.chars().map(|c| (u32::from(c) - 0x0E00) as u8).collect();
            for k in 1..labels.len() {
                let p = pre.len() + 3 * k;
                for silent in [SilentGroup::ByPattern, SilentGroup::Known] {
                    let grapheme = GraphemeCursor::new(p, text.len(), true)
                        .is_boundary(&text, 0)
                        .unwrap();
                    let want = char_rules(&text, p, silent, &mut SpaceRun::default()) && grapheme;
                    assert_eq!(
                        char_rules_in_run(&labels, k, silent),
                        want,
                        "{text:?} at {p} ({silent:?})"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    /// The shortcut after an ASCII space agrees with the rules read from
    /// the decoded characters at every offset of random texts.
    #[test]
    fn the_shortcut_after_a_space_agrees_with_the_rules() {
        let pieces = [
            " ",
            " ",
            " ",
            "  ",
            "ก",
            "ร",
            "ท",
            "ร์",
            "ทร์",
            "ตรี์",
            "นธุ์",
            "เ",
            "ไ",
            "า",
            "ั",
            "่",
            "ๆ",
            "ฯ",
            "ฯลฯ",
            "a",
            "Z",
            "7",
            ".",
            "-",
            "\u{00A0}",
            "\u{2060}",
            "\u{3000}",
            "๑",
            "฿",
            "ำ",
        ];
        let mut next = crate::test_rng::below(0x1234_5678_9ABC_DEF1);
        let (mut checked, mut shortcut) = (0, 0);
        for _ in 0..20_000 {
            let text: String = (0..1 + next(10))
                .map(|_| pieces[next(pieces.len())])
                .collect();
            for p in (1..text.len()).filter(|&p| text.is_char_boundary(p)) {
                for silent in [SilentGroup::ByPattern, SilentGroup::Known] {
                    let want = decoded_char_rules(&text, p, silent, &mut SpaceRun::default());
                    let got = char_rules(&text, p, silent, &mut SpaceRun::default());
                    assert_eq!(got, want, "{text:?} at {p} ({silent:?})");
                    checked += 1;
                    shortcut += usize::from(after_ascii_space(&text, p, silent).is_some());
                }
            }
        }
        assert!(
            checked > 200_000 && shortcut > 8_000,
            "{checked} {shortcut}"
        );
    }

    #[test]
    fn char_rules_by_example() {
        assert!(!char_rules_allow("เก", 3));
        assert!(!char_rules_allow("กา", 3));
        assert!(!char_rules_allow("ก่", 3));
        assert!(!char_rules_allow("กๆ", 3));
        assert!(!char_rules_allow("ก ๆ", 3));
        assert!(!char_rules_allow("ก ๆ", 4));
        assert!(char_rules_allow("กข", 3));
        // ั and ็ need their final consonant; ก็ is a word.
        assert!(!char_rules_allow("รศัพ", 9));
        assert!(!char_rules_allow("เล็ก", 9));
        assert!(char_rules_allow("ก็ได้", 6));
        assert!(!char_rules_allow("ปั๊ม", 9));
        // Silent groups stay with their syllable.
        assert!(!char_rules_allow("จันทร์", 9));
        assert!(!char_rules_allow("พันธุ์", 9));
        assert!(!char_rules_allow("ศาสตร์", 9));
        assert!(starts_silent_group("ตร์".chars()));
        assert!(!starts_silent_group("ตรง".chars()));
        assert!(starts_silent_group("สตร์".chars()));
        assert!(!char_rules_allow("กข", 0));
        assert!(!char_rules_allow("กข", 1));
    }
}
