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
    cluster_end_with(at, i, true)
}

/// Like [`thai_cluster_end`] but without joining a second consonant that
/// carries the vowel to a leading-vowel cluster (แก|ล้|ง, ไร|ที่ instead of
/// แกล้|ง, ไรที่): the finer units PyThaiNLP's TCC uses, where the word
/// dictionary may end a word. Joining there is right for a wrapped line
/// (ใกล้ is one syllable) but wrong between words (อะไร|ที่, ทะเล|ห้อง), and
/// only the dictionary can tell the two apart.
///
/// A run without ์ is read faster by [`mark_word_piece_starts`].
pub(crate) fn thai_word_piece_end<L: Letter>(at: impl Fn(usize) -> Option<L>, i: usize) -> usize {
    cluster_end_with(at, i, false)
}

fn cluster_end_with<L: Letter>(
    at: impl Fn(usize) -> Option<L>,
    i: usize,
    join_second_consonant: bool,
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
    for group in 1..=2 {
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

/// Mark with `flag` the word-piece starts of a run of Thai letters without
/// ์ (trie labels: offsets from U+0E00) in `starts`: where
/// [`thai_word_piece_end`], walked from 0, starts each piece; 0 elsewhere.
/// (No silent group, which needs ์, is looked for.)
///
/// One table step per letter: the rules' tests, branch by branch, were
/// mispredicted in varied text. Each letter's class and the state of the
/// piece read so far give the next state and whether a new piece starts
/// at that letter. A state is the piece's progress in those rules: after a
/// leading vowel, or inside with what the rules remember (เ or not, which
/// marks were taken, and which of the vowel-completing steps may still
/// take a letter). `starts` is as long as `labels` or longer.
pub(crate) fn mark_word_piece_starts(labels: &[u8], starts: &mut [u8], flag: u8) {
    let mut state = piece_table::START;
    for (&label, slot) in labels.iter().zip(starts.iter_mut()) {
        let class = piece_table::CLASS
            .get(usize::from(label))
            .copied()
            .unwrap_or(piece_table::OTHER);
        let step = piece_table::STEPS
            .get(usize::from(state))
            .and_then(|row| row.get(usize::from(class)))
            .copied()
            .unwrap_or(piece_table::NEW_PIECE);
        *slot = if step & piece_table::NEW_PIECE != 0 {
            flag
        } else {
            0
        };
        state = (step & 0xFF) as u8;
    }
}

/// The table of [`mark_word_piece_starts`]: the rules of
/// [`cluster_end_with`] (without joining a second consonant, without silent
/// groups) restated as steps between states, tabulated at compile time. A
/// test holds the two to the same pieces on every string without ์ of up
/// to five letters the rules name and on random longer ones.
mod piece_table {
    use super::{CONSONANT, FOLLOWING_VOWEL, LEADING_VOWEL, MARK, THAI_CLASS};
    use crate::vocab::thai::thai_block_char;

    // Letter classes.
    /// None of the classes below: a piece of its own.
    pub(super) const OTHER: u8 = 0;
    const CONSONANT_OTHER: u8 = 1;
    const O_ANG: u8 = 2;
    const YO_YAK: u8 = 3;
    const WO_WAEN: u8 = 4;
    const SARA_E: u8 = 5;
    const OTHER_LEADING_VOWEL: u8 = 6;
    const SARA_II: u8 = 7;
    const SARA_UEE: u8 = 8;
    const MAI_HAN_AKAT: u8 = 9;
    /// Any other mark or following vowel.
    const TAKEN_MARK: u8 = 10;
    const CLASSES: usize = 11;

    /// The class of each trie label.
    // Indexing here runs at compile time: out of bounds is a build error.
    #[allow(clippy::indexing_slicing)]
    pub(super) const CLASS: [u8; 0x80] = {
        let mut table = [OTHER; 0x80];
        let mut k = 0;
        while k < 0x80 {
            let bits = THAI_CLASS[k];
            table[k] = match thai_block_char(k) {
                'อ' => O_ANG,
                'ย' => YO_YAK,
                'ว' => WO_WAEN,
                'เ' => SARA_E,
                '\u{0E35}' => SARA_II,
                '\u{0E37}' => SARA_UEE,
                '\u{0E31}' => MAI_HAN_AKAT,
                _ if bits & CONSONANT != 0 => CONSONANT_OTHER,
                _ if bits & LEADING_VOWEL != 0 => OTHER_LEADING_VOWEL,
                _ if bits & (MARK | FOLLOWING_VOWEL) != 0 => TAKEN_MARK,
                _ => OTHER,
            };
            k += 1;
        }
        table
    };

    // States.
    /// Before a piece (the next letter starts one).
    pub(super) const START: u8 = 0;
    /// After เ, after another leading vowel.
    const AFTER_SARA_E: u8 = 1;
    const AFTER_OTHER_LEADING: u8 = 2;
    /// Inside a piece: `INSIDE + (lead * 16 + marks) * 5 + step`, where
    /// `lead` is 1 after เ, `marks` the bits below and `step` the first of
    /// the rules' letter-taking steps that may still take a letter.
    const INSIDE: usize = 3;
    const NO_MARK: usize = 1;
    const HAS_SARA_II: usize = 2;
    const HAS_SARA_UEE: usize = 4;
    const HAS_MAI_HAN_AKAT: usize = 8;
    /// The steps, in the rules' order: อ after เ with no mark (เธอ); ย or อ
    /// completing เ–ีย, เ–ือ; อ completing –ือ; ว completing –ัว; none left.
    const STEP_E_O: usize = 0;
    const STEP_COMPLETE_E: usize = 1;
    const STEP_COMPLETE_UEE: usize = 2;
    const STEP_COMPLETE_HAN: usize = 3;
    const STEP_NONE: usize = 4;
    /// States inside a piece per lead: 16 sets of marks × 5 steps.
    const PER_LEAD: usize = 16 * 5;
    const STATES: usize = INSIDE + 2 * PER_LEAD;
    // A state is stored in a step's low byte.
    const _: () = assert!(STATES <= 0x100);

    /// A step's bit: a new piece starts at this letter (the state is in
    /// the low byte).
    pub(super) const NEW_PIECE: u16 = 0x100;

    const fn inside(after_e: bool, marks: usize, step: usize) -> u16 {
        let lead = if after_e { PER_LEAD } else { 0 };
        (INSIDE + lead + marks * 5 + step) as u16
    }

    const fn is_consonant_class(class: u8) -> bool {
        matches!(class, CONSONANT_OTHER | O_ANG | YO_YAK | WO_WAEN)
    }

    /// The state after a piece's first letter (the caller adds [`NEW_PIECE`]).
    const fn begin(class: u8) -> u16 {
        match class {
            _ if is_consonant_class(class) => inside(false, NO_MARK, STEP_E_O),
            SARA_E => AFTER_SARA_E as u16,
            OTHER_LEADING_VOWEL => AFTER_OTHER_LEADING as u16,
            // One letter: the next starts a piece.
            _ => START as u16,
        }
    }

    /// The step from `state` on a letter of `class`.
    const fn step(state: usize, class: u8) -> u16 {
        if state == START as usize {
            return begin(class) | NEW_PIECE;
        }
        if state == AFTER_SARA_E as usize || state == AFTER_OTHER_LEADING as usize {
            if is_consonant_class(class) {
                return inside(state == AFTER_SARA_E as usize, NO_MARK, STEP_E_O);
            }
            // The leading vowel alone is a piece.
            return begin(class) | NEW_PIECE;
        }
        let k = state - INSIDE;
        let (after_e, marks, from) = (k >= PER_LEAD, (k % PER_LEAD) / 5, k % 5);
        // Marks and following vowels are taken after every letter taken.
        let taken = match class {
            SARA_II => HAS_SARA_II,
            SARA_UEE => HAS_SARA_UEE,
            MAI_HAN_AKAT => HAS_MAI_HAN_AKAT,
            TAKEN_MARK => 0,
            _ => usize::MAX,
        };
        if taken != usize::MAX {
            return inside(after_e, (marks & !NO_MARK) | taken, from);
        }
        // The first step from `from` on that takes this letter.
        let mut s = from;
        while s < STEP_NONE {
            let takes = match s {
                STEP_E_O => after_e && marks & NO_MARK != 0 && class == O_ANG,
                STEP_COMPLETE_E => {
                    after_e
                        && ((marks & HAS_SARA_II != 0 && class == YO_YAK)
                            || (marks & HAS_SARA_UEE != 0 && class == O_ANG))
                }
                STEP_COMPLETE_UEE => marks & HAS_SARA_UEE != 0 && class == O_ANG,
                _ => marks & HAS_MAI_HAN_AKAT != 0 && class == WO_WAEN,
            };
            if takes {
                // A completed เ–ีย or เ–ือ skips –ือ's step.
                let next = match s {
                    STEP_E_O => STEP_COMPLETE_E,
                    STEP_COMPLETE_E | STEP_COMPLETE_UEE => STEP_COMPLETE_HAN,
                    _ => STEP_NONE,
                };
                return inside(after_e, marks, next);
            }
            s += 1;
        }
        begin(class) | NEW_PIECE
    }

    /// [`step`] for every state and class.
    // Indexing here runs at compile time: out of bounds is a build error.
    #[allow(clippy::indexing_slicing)]
    pub(super) const STEPS: [[u16; CLASSES]; STATES] = {
        let mut table = [[0u16; CLASSES]; STATES];
        let mut state = 0;
        while state < STATES {
            let mut class = 0;
            while class < CLASSES {
                table[state][class] = step(state, class as u8);
                class += 1;
            }
            state += 1;
        }
        table
    };
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
                for i in 0..text.len() {
                    let by_char = thai_word_piece_end(|k| text.get(k).copied(), i);
                    let by_byte = thai_word_piece_end(|k| bytes.get(k).copied(), i);
                    assert_eq!(by_char, by_byte, "{text:?} from {i}");
                    count += 1;
                }
            }
        }
        assert!(count > 100_000, "{count}");
    }

    /// The table gives the pieces the rules give on every string of up to
    /// five letters from those the rules name but ์ (ฯ for the rest), and
    /// on 300,000 random strings of 6 to 16 of them: without ์ the rules'
    /// silent-group test never takes a letter, and the table has none.
    #[test]
    fn word_piece_table_agrees_with_the_rules() {
        let letters: Vec<u8> = "กรอยวเแะาำัิีืุ่ฯ"
            .chars()
            .map(|c| (u32::from(c) - 0x0E00) as u8)
            .collect();
        let agree = |run: &[u8]| {
            let mut by_table = vec![9; run.len()];
            mark_word_piece_starts(run, &mut by_table, 1);
            let mut by_rules = vec![0; run.len()];
            let mut i = 0;
            while i < run.len() {
                by_rules[i] = 1;
                i = thai_word_piece_end(|k| run.get(k).copied(), i).max(i + 1);
            }
            assert_eq!(by_table, by_rules, "{run:x?}");
        };
        let mut run = Vec::new();
        for len in 1..=5u32 {
            for mut code in 0..letters.len().pow(len) {
                run.clear();
                for _ in 0..len {
                    run.push(letters[code % letters.len()]);
                    code /= letters.len();
                }
                agree(&run);
            }
        }
        let mut below = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        for _ in 0..300_000 {
            let len = 6 + below(11);
            run.clear();
            run.extend((0..len).map(|_| letters[below(letters.len())]));
            agree(&run);
        }
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
