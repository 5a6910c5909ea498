//! Thai character clusters (TCC): the fallback unit when a word is wider than
//! the line.
//!
//! A TCC is the smallest run of Thai characters that can never be separated
//! (Theeramunkong et al., 2000): a consonant with everything that is written
//! around it — a leading vowel, vowels and tone marks above and below, the
//! following vowels ะ า ำ ๅ, the ย/อ/ว that complete เ–ีย, เ–ือ and –ัว, and a
//! silent consonant group ending in ์ (จั|นทร์). Breaking a long word between
//! clusters is ugly but still legible; breaking inside one is an orthographic
//! error. Non-Thai text falls back to grapheme clusters.

use unicode_segmentation::UnicodeSegmentation;

use crate::vocab::thai::{
    SpaceRun, THANTHAKHAT, char_rules_allow_in, is_consonant, is_following_vowel, is_leading_vowel,
    is_mark, is_thai, is_thai_mark,
};

/// Byte offsets strictly inside `text` where one Thai character cluster (or,
/// outside Thai, one grapheme cluster) ends and the next begins, ascending.
///
/// Every offset is also a grapheme boundary that the Thai character rules of
/// [`super::break_opportunities`] accept (so ๆ and ฯ stay attached); it is
/// *not* a word boundary — use it only when no word fits.
pub fn tcc_boundaries(text: &str) -> Vec<usize> {
    super::count_work(text.len());
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let graphemes: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
    // Both walks only move forward: `g` indexes the first grapheme start not
    // before the current offset, `spaces` remembers a run of spaces.
    let mut g = 0;
    let mut spaces = SpaceRun::default();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let end = cluster_end(&chars, i, &graphemes, &mut g, text.len());
        let end = end.max(i + 1);
        if let Some(&(offset, _)) = chars.get(end) {
            while graphemes.get(g).is_some_and(|&s| s < offset) {
                g += 1;
            }
            if graphemes.get(g) == Some(&offset) && char_rules_allow_in(text, offset, &mut spaces) {
                out.push(offset);
            }
        }
        i = end;
    }
    out
}

/// Index (into `chars`) one past the cluster that starts at `i`; `g` is a
/// grapheme index not after the one at `chars[i]`, advanced as far as read.
fn cluster_end(
    chars: &[(usize, char)],
    i: usize,
    graphemes: &[usize],
    g: &mut usize,
    len: usize,
) -> usize {
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let Some(first) = at(i) else {
        return i;
    };
    let thai_start = is_thai(first) && (is_consonant(first) || is_leading_vowel(first));
    if !thai_start {
        // One grapheme cluster: up to the first grapheme start after this char.
        let offset = chars.get(i).map_or(len, |&(o, _)| o);
        while graphemes.get(*g).is_some_and(|&s| s <= offset) {
            *g += 1;
        }
        let next = graphemes.get(*g).copied().unwrap_or(len);
        let mut k = i;
        while chars.get(k).is_some_and(|&(o, _)| o < next) {
            k += 1;
        }
        return k;
    }
    thai_cluster_end(at, i)
}

/// Index one past the Thai character cluster that starts at index `i` of the
/// characters `at` yields (`i` itself if there is no character there). The
/// cluster is one character unless it starts with a consonant or a leading vowel.
pub(crate) fn thai_cluster_end(at: impl Fn(usize) -> Option<char>, i: usize) -> usize {
    cluster_end_with(at, i, true, true)
}

/// Like [`thai_cluster_end`] but without joining a second consonant that
/// carries the vowel to a leading-vowel cluster (แก|ล้|ง, ไร|ที่ instead of
/// แกล้|ง, ไรที่): the finer units PyThaiNLP's TCC uses, where the word
/// dictionary may end a word. Joining there is right for a wrapped line
/// (ใกล้ is one syllable) but wrong between words (อะไร|ที่, ทะเล|ห้อง), and
/// only the dictionary can tell the two apart.
///
/// `has_thanthakhat` is false only when the text has no ์: then no silent
/// group can end a cluster, and its test (on every cluster, and hard to
/// predict) is skipped.
pub(crate) fn thai_word_piece_end<L: Letter>(
    at: impl Fn(usize) -> Option<L>,
    i: usize,
    has_thanthakhat: bool,
) -> usize {
    cluster_end_with(at, i, false, has_thanthakhat)
}

fn cluster_end_with<L: Letter>(
    at: impl Fn(usize) -> Option<L>,
    i: usize,
    join_second_consonant: bool,
    has_thanthakhat: bool,
) -> usize {
    let Some(first) = at(i) else {
        return i;
    };
    if !(first.is_consonant() || first.is_leading_vowel()) {
        return i + 1;
    }
    let mut j = i;
    let lead = if first.is_leading_vowel() {
        j += 1;
        Some(first)
    } else {
        None
    };
    if !at(j).is_some_and(L::is_consonant) {
        return j.max(i + 1);
    }
    j += 1;
    let mut marks = Marks::default();
    absorb_marks(&at, &mut j, &mut marks);
    if lead.is_some() && marks.none {
        // เปลี่ยน, แกล้ง: a second consonant carrying the vowel belongs here.
        if join_second_consonant
            && at(j).is_some_and(L::is_consonant)
            && at(j + 1).is_some_and(L::is_mark)
        {
            j += 1;
            absorb_marks(&at, &mut j, &mut marks);
        } else if is(lead, 'เ') && is(at(j), 'อ') {
            // เธอ, เจอ
            j += 1;
            absorb_marks(&at, &mut j, &mut marks);
        }
    }
    let mut completed = false;
    if is(lead, 'เ') {
        // เ–ีย, เ–ือ (and their short forms with ะ).
        completed = (marks.sara_ii && is(at(j), 'ย')) || (marks.sara_uee && is(at(j), 'อ'));
        if completed {
            j += 1;
            absorb_marks(&at, &mut j, &mut marks);
        }
    }
    if !completed && marks.sara_uee && is(at(j), 'อ') {
        // –ือ without เ (มือ, ถือ, and กือ of ใปกือ after a joined second
        // consonant): อ completes the vowel and is never a cluster alone.
        j += 1;
        absorb_marks(&at, &mut j, &mut marks);
    }
    if marks.mai_han_akat && is(at(j), 'ว') {
        // –ัว (ตัว, กลัว)
        j += 1;
        absorb_marks(&at, &mut j, &mut marks);
    }
    // A silent group: one or two consonants, maybe ิ/ุ, then ์ (ศาสตร์, พันธุ์).
    for group in (1..=2).filter(|_| has_thanthakhat) {
        if (0..group).all(|k| at(j + k).is_some_and(L::is_consonant)) {
            let mut k = j + group;
            if is(at(k), '\u{0E34}') || is(at(k), '\u{0E38}') {
                k += 1;
            }
            if is(at(k), THANTHAKHAT) {
                j = k + 1;
                absorb_marks(&at, &mut j, &mut marks);
                break;
            }
        }
    }
    j
}

/// Which marks a cluster has absorbed so far (the ones that decide whether
/// it continues).
#[derive(Debug, Clone, Copy)]
struct Marks {
    none: bool,
    sara_ii: bool,
    sara_uee: bool,
    mai_han_akat: bool,
}

impl Default for Marks {
    fn default() -> Self {
        Marks {
            none: true,
            sara_ii: false,
            sara_uee: false,
            mai_han_akat: false,
        }
    }
}

/// Advance `j` over combining marks and following vowels, remembering marks.
fn absorb_marks<L: Letter>(at: &impl Fn(usize) -> Option<L>, j: &mut usize, marks: &mut Marks) {
    while let Some(c) = at(*j) {
        if c.is_mark() || c.is_following_vowel() {
            marks.none = false;
            marks.sara_ii |= c.is('\u{0E35}');
            marks.sara_uee |= c.is('\u{0E37}');
            marks.mai_han_akat |= c.is('\u{0E31}');
            *j += 1;
        } else {
            break;
        }
    }
}

/// Whether `letter` is the Thai character `c`.
#[inline]
fn is<L: Letter>(letter: Option<L>, c: char) -> bool {
    letter.is_some_and(|l| l.is(c))
}

/// A letter as the cluster rules read it: a `char` of any text, or a Thai
/// letter given as its offset from U+0E00 (how the dictionary holds a run:
/// classified by a table, one byte compared, no `char` decoded).
pub(crate) trait Letter: Copy {
    fn is_consonant(self) -> bool;
    fn is_leading_vowel(self) -> bool;
    /// A combining mark (of any script, for a `char`).
    fn is_mark(self) -> bool;
    fn is_following_vowel(self) -> bool;
    /// Whether this is the character `c` of the Thai block.
    fn is(self, c: char) -> bool;
}

impl Letter for char {
    #[inline]
    fn is_consonant(self) -> bool {
        is_consonant(self)
    }
    #[inline]
    fn is_leading_vowel(self) -> bool {
        is_leading_vowel(self)
    }
    #[inline]
    fn is_mark(self) -> bool {
        is_mark(self)
    }
    #[inline]
    fn is_following_vowel(self) -> bool {
        is_following_vowel(self)
    }
    #[inline]
    fn is(self, c: char) -> bool {
        self == c
    }
}

/// Class bits of [`THAI_CLASS`].
const CONSONANT: u8 = 1;
const LEADING_VOWEL: u8 = 2;
const MARK: u8 = 4;
const FOLLOWING_VOWEL: u8 = 8;

/// The classes of the Thai block by offset from U+0E00, from the `char`
/// predicates themselves.
// Indexing here runs at compile time: out of bounds is a build error.
#[allow(clippy::indexing_slicing)]
const THAI_CLASS: [u8; 0x80] = {
    let mut table = [0u8; 0x80];
    let mut k = 0;
    while k < 0x80 {
        let c = crate::vocab::thai::thai_block_char(k);
        let mut class = 0;
        if is_consonant(c) {
            class |= CONSONANT;
        }
        if is_leading_vowel(c) {
            class |= LEADING_VOWEL;
        }
        if is_thai_mark(c) {
            class |= MARK;
        }
        if is_following_vowel(c) {
            class |= FOLLOWING_VOWEL;
        }
        table[k] = class;
        k += 1;
    }
    table
};

/// A Thai letter as its offset from U+0E00 (below 0x80).
impl Letter for u8 {
    #[inline]
    fn is_consonant(self) -> bool {
        thai_class(self) & CONSONANT != 0
    }
    #[inline]
    fn is_leading_vowel(self) -> bool {
        thai_class(self) & LEADING_VOWEL != 0
    }
    #[inline]
    fn is_mark(self) -> bool {
        thai_class(self) & MARK != 0
    }
    #[inline]
    fn is_following_vowel(self) -> bool {
        thai_class(self) & FOLLOWING_VOWEL != 0
    }
    #[inline]
    fn is(self, c: char) -> bool {
        u32::from(self) + 0x0E00 == u32::from(c)
    }
}

#[inline]
fn thai_class(offset: u8) -> u8 {
    THAI_CLASS.get(usize::from(offset)).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_letters_classify_like_chars() {
        for k in 0u8..0x80 {
            let c = char::from_u32(0x0E00 + u32::from(k)).unwrap();
            assert_eq!(Letter::is_consonant(k), is_consonant(c), "{c:?}");
            assert_eq!(Letter::is_leading_vowel(k), is_leading_vowel(c), "{c:?}");
            assert_eq!(Letter::is_mark(k), is_mark(c), "{c:?}");
            assert_eq!(
                Letter::is_following_vowel(k),
                is_following_vowel(c),
                "{c:?}"
            );
            for d in '\u{0E00}'..='\u{0E7F}' {
                assert_eq!(k.is(d), c == d, "{c:?} {d:?}");
            }
        }
    }

    /// Every string of up to four letters from those the rules name: the
    /// word pieces read from bytes are the ones read from chars.
    #[test]
    fn word_pieces_are_the_same_over_bytes_and_chars() {
        let letters: Vec<char> = "กรอยวเแะาำัิีืุ์่".chars().collect();
        let mut text = Vec::new();
        let mut count = 0;
        for len in 1..=4u32 {
            for mut code in 0..letters.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(letters[code % letters.len()]);
                    code /= letters.len();
                }
                let bytes: Vec<u8> = text
                    .iter()
                    .map(|&c| (u32::from(c) - 0x0E00) as u8)
                    .collect();
                let has_thanthakhat = text.contains(&THANTHAKHAT);
                for i in 0..text.len() {
                    let by_char = thai_word_piece_end(|k| text.get(k).copied(), i, true);
                    let by_byte = thai_word_piece_end(|k| bytes.get(k).copied(), i, true);
                    assert_eq!(by_char, by_byte, "{text:?} from {i}");
                    // Without ์ the silent-group test may be skipped.
                    let gated = thai_word_piece_end(|k| bytes.get(k).copied(), i, has_thanthakhat);
                    assert_eq!(gated, by_byte, "{text:?} from {i}");
                    count += 1;
                }
            }
        }
        assert!(count > 100_000, "{count}");
    }

    fn clusters(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start = 0;
        for b in tcc_boundaries(text).into_iter().chain([text.len()]) {
            out.push(&text[start..b]);
            start = b;
        }
        out
    }

    #[test]
    fn thai_clusters_by_example() {
        assert_eq!(clusters("เจ้าหน้าที่"), ["เจ้า", "ห", "น้า", "ที่"]);
        assert_eq!(clusters("น้ำ"), ["น้ำ"]);
        // ั and ็ take their final consonant; silent groups join the syllable.
        assert_eq!(clusters("ปั๊ม"), ["ปั๊ม"]);
        assert_eq!(clusters("เปลี่ยน"), ["เปลี่ย", "น"]);
        assert_eq!(clusters("เรือ"), ["เรือ"]);
        assert_eq!(clusters("ตัว"), ["ตัว"]);
        assert_eq!(clusters("จันทร์"), ["จันทร์"]);
        assert_eq!(clusters("ศาสตร์"), ["ศาสตร์"]);
        assert_eq!(clusters("ประชาสัมพันธ์"), ["ป", "ระ", "ชา", "สัม", "พันธ์"]);
        assert_eq!(clusters("เธอ"), ["เธอ"]);
        assert_eq!(clusters("เด็กๆ"), ["เด็กๆ"]);
        assert_eq!(clusters("กรุงเทพฯ"), ["ก", "รุ", "ง", "เท", "พฯ"]);
    }

    #[test]
    fn other_scripts_fall_back_to_graphemes() {
        assert_eq!(clusters("ab😀é"), ["a", "b", "😀", "é"]);
        assert_eq!(clusters("e\u{301}x"), ["e\u{301}", "x"]);
        assert!(tcc_boundaries("").is_empty());
    }

    #[test]
    fn boundaries_obey_the_thai_rules() {
        let t = "ไม่โอนเงินให้มิจฉาชีพที่แอบอ้างเป็นเจ้าหน้าที่ธนาคารเด็ดขาดๆ";
        for p in tcc_boundaries(t) {
            let a = t[..p].chars().next_back().unwrap();
            let b = t[p..].chars().next().unwrap();
            assert!(!"เแโใไ".contains(a));
            assert!(!"ะาำๅๆ".contains(b));
            assert!(!is_mark(b));
        }
    }
}
