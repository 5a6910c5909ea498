//! Thai word boundaries by dictionary: maximal matching constrained to Thai
//! character clusters (the algorithm of PyThaiNLP's `newmm`), over a word list
//! compiled into the binary.
//!
//! ICU4X's Thai dictionary proposes a word boundary wrongly about one time in
//! eight on running text, and splits many compounds a Thai reader keeps
//! together (ความ|สามารถ). Within each run of Thai letters this module instead
//! chooses the segmentation that leaves the fewest characters outside known
//! words, then uses the fewest words, then prefers a longer first word; words
//! may only start and end on Thai character cluster boundaries (so no
//! dictionary entry can cut a cluster; the clusters are PyThaiNLP's finer
//! ones, see `tcc::thai_word_piece_end`). Consecutive unknown clusters stay
//! together as one unit: an unknown name is not chopped into syllables.
//!
//! The word list is PyThaiNLP's `words_th.txt` (62,106 entries, CC0-1.0;
//! `data/thai-words.txt`, with the domain and place lists), compiled by
//! `build.rs` into a double-array trie that is read in place, so loading it
//! costs nothing at start-up and following a letter is one 4-byte read.

use std::sync::{Arc, LazyLock};

use super::syllable::{SyllableBuffers, syllable_starts_into};
use super::tcc::{mark_word_piece_starts, thai_word_piece_end};
use super::words::LayoutWords;
use crate::vocab::thai::thai_block_char;
use extra::with_extra;

mod extra;
#[cfg(test)]
mod heldout;

mod trie {
    #![allow(dead_code)] // `build_trie` and friends are for the build script and tests.
    include!("trie_build.rs");
}
use trie::{TRIE_BASE_SHIFT, TRIE_FINAL, TRIE_FORMAT, TRIE_LABEL, TRIE_MAGIC, TRIE_TAIL};

/// The compiled built-in word list.
static BUILTIN_TRIE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/thai-words.trie"));

/// The built-in dictionary (parsing only checks the header and sizes).
static BUILTIN: LazyLock<Dictionary<'static>> =
    LazyLock::new(|| Dictionary::parse(BUILTIN_TRIE).unwrap_or_else(Dictionary::empty));

/// Size of the two-letter prefix table: a 7-bit label per letter.
const PAIRS: usize = 1 << 14;

/// A Thai word list as the double-array trie of `trie_build.rs` (one read
/// per letter followed), plus a direct table for the first two letters.
#[derive(Debug, Clone)]
pub(crate) struct Dictionary<'a> {
    /// The slots, little-endian u32 read in place: label, final bit and
    /// base of the node in each (see `trie_build.rs`).
    slots: &'a [[u8; 4]],
    /// The slot of the node reached by two letters `(a << 7) | b`, or
    /// [`ROOT`] if none (64 KiB).
    pairs: Box<[u32]>,
}

/// The root of every trie (slot 0).
const ROOT: u32 = 0;

/// A node of the trie: its slot's value (label, final bit, base).
#[derive(Debug, Clone, Copy)]
struct Node(u32);

impl Node {
    /// Whether a word ends here.
    #[inline]
    fn is_final(self) -> bool {
        self.0 & TRIE_FINAL != 0
    }

    /// The slot where this node's child along label 0 would be.
    #[inline]
    fn base(self) -> usize {
        (self.0 >> TRIE_BASE_SHIFT) as usize
    }
}

impl<'a> Dictionary<'a> {
    /// The built-in dictionary.
    pub(crate) fn builtin() -> &'static Dictionary<'static> {
        &BUILTIN
    }

    /// A dictionary without words (every Thai run is one unknown unit).
    fn empty() -> Dictionary<'static> {
        // The root, with the base 1, then empty slots.
        const EMPTY: [u8; 4 * (1 + TRIE_TAIL)] = {
            let mut slots = [0u8; 4 * (1 + TRIE_TAIL)];
            slots[1] = 1;
            slots
        };
        Dictionary {
            slots: EMPTY.as_chunks().0,
            pairs: vec![ROOT; PAIRS].into_boxed_slice(),
        }
    }

    /// Read a serialised trie; `None` if the bytes are not one.
    pub(crate) fn parse(bytes: &'a [u8]) -> Option<Dictionary<'a>> {
        let magic = bytes.get(..4)?;
        let format = read_u32(bytes, 4)?;
        let count = usize::try_from(read_u32(bytes, 8)?).ok()?;
        if magic != TRIE_MAGIC || format != TRIE_FORMAT || count <= TRIE_TAIL {
            return None;
        }
        if bytes.len() != count.checked_mul(4)?.checked_add(12)? {
            return None;
        }
        // (A lookup past the end finds nothing: every read is checked.)
        let slots = bytes.get(12..)?.as_chunks().0;
        let mut dict = Dictionary {
            slots,
            pairs: Box::default(),
        };
        let mut pairs = vec![ROOT; PAIRS];
        for (a, one) in dict.children(ROOT) {
            for (b, two) in dict.children(one) {
                if let Some(slot) = pairs.get_mut(usize::from(a) << 7 | usize::from(b)) {
                    *slot = two;
                }
            }
        }
        dict.pairs = pairs.into_boxed_slice();
        Some(dict)
    }

    /// The value of slot `slot`, if there is one (one bounds check).
    #[inline]
    fn slot(&self, slot: usize) -> Option<u32> {
        self.slots.get(slot).map(|&b| u32::from_le_bytes(b))
    }

    /// The node in slot `slot`.
    #[inline]
    fn node(&self, slot: u32) -> Node {
        Node(self.slot(slot as usize).unwrap_or(0))
    }

    /// The children of the node in slot `slot` as (label, slot).
    fn children(&self, slot: u32) -> impl Iterator<Item = (u8, u32)> + '_ {
        let node = self.node(slot);
        (1..=TRIE_LABEL as u8).filter_map(move |l| {
            let child = self.child(node, l)?;
            Some((l, child.1))
        })
    }

    /// The slot of the node reached from the root by the labels `a`, `b`, if any.
    #[inline]
    fn pair(&self, a: u8, b: u8) -> Option<u32> {
        self.pairs
            .get(usize::from(a) << 7 | usize::from(b))
            .copied()
            .filter(|&n| n != ROOT)
    }

    /// Build a dictionary from words (for custom lists and tests); the bytes
    /// are owned by the caller.
    #[cfg(test)]
    pub(crate) fn serialise<'w>(words: impl IntoIterator<Item = &'w str>) -> Vec<u8> {
        trie::build_trie(words)
    }

    /// Number of trie nodes.
    #[cfg(test)]
    fn nodes(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.first().is_some_and(|&l| u32::from(l) & TRIE_LABEL != 0))
            .count()
            + 1
    }

    /// The child of `node` along Thai code point offset `label` (1..=0x7F),
    /// as (node, slot), if any: one read.
    #[inline]
    fn child(&self, node: Node, label: u8) -> Option<(Node, u32)> {
        let slot = node.base() + usize::from(label);
        let value = self.slot(slot)?;
        (value & TRIE_LABEL == u32::from(label) && label != 0).then_some((Node(value), slot as u32))
    }

    /// Whether `word` is in the dictionary.
    #[cfg(test)]
    pub(crate) fn contains(&self, word: &str) -> bool {
        let mut node = self.node(ROOT);
        for c in word.chars() {
            let Some(label) = thai_label(c) else {
                return false;
            };
            match self.child(node, label) {
                Some((n, _)) => node = n,
                None => return false,
            }
        }
        node.is_final() && !word.is_empty()
    }
}

/// The trie label (code point − U+0E00) of the Thai word character
/// (`is_thai_word_char` of the trie builder) whose UTF-8 starts at byte `i`
/// of `b`, if one does: U+0E01..U+0E3A are E0 B8 81..BA, U+0E40..U+0E4E are
/// E0 B9 80..8E.
#[inline]
pub(crate) fn thai_word_label_at(b: &[u8], i: usize) -> Option<u8> {
    b.get(i..i + 3).and_then(thai_word_label)
}

/// The trie label of the Thai word character encoded by the three bytes
/// `c`, if they encode one (see [`thai_word_label_at`]).
#[inline]
fn thai_word_label(c: &[u8]) -> Option<u8> {
    match *c {
        [0xE0, hi @ 0xB8, lo @ 0x81..=0xBA] | [0xE0, hi @ 0xB9, lo @ 0x80..=0x8E] => {
            Some(crate::vocab::thai::thai_offset(hi, lo))
        }
        _ => None,
    }
}

/// Little-endian u32 at byte `at`.
#[inline]
fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

/// Trie label of a Thai word character.
#[cfg(test)]
fn thai_label(c: char) -> Option<u8> {
    trie::is_thai_word_char(c).then(|| (u32::from(c) - 0x0E00) as u8)
}

/// Reusable buffers for [`Segmenter::run_breaks`] (one set per text, not per run).
#[derive(Debug, Default)]
pub(crate) struct Segmenter {
    /// Trie labels (code point − U+0E00) of the run's characters.
    labels: Vec<u8>,
    /// What starts at char index i (and at `n`): bits [`PIECE`],
    /// [`SYLLABLE`], [`MAY_BREAK`].
    starts: Vec<u8>,
    /// Best path from i: (unknown chars, units, end of first unit, first unit unknown).
    best: Vec<Best>,
    /// The key of a path that starts with a known word ending at i: one
    /// more unit than `best[i]`, or `u64::MAX` where no word may end (not
    /// a piece start, or no path on from there).
    word_end_keys: Vec<u64>,
    /// Byte offsets (as pushed to `out`) of the breaks the last
    /// [`Self::label_breaks`] found before a dictionary word, ascending: see
    /// [`Self::known_starts`].
    known_starts: Vec<usize>,
    /// Longest word, in chars, a segmentation may use, 0 for any (a whole
    /// entry is left out when looking for its component words).
    max_word: usize,
    /// The syllable starts of the chunk being segmented.
    syllables: SyllableBuffers,
    /// Words a caller added (see [`super::words`]), read as known words.
    pub(crate) extra: Option<Arc<LayoutWords>>,
    /// The chunk's word-piece starts (see [`PIECE`]), ascending.
    pieces: Vec<u32>,
    /// Buffers of the caller that walks a whole text with this segmenter
    /// (`breaks::candidates`: its masked copy, the anchors that map it back,
    /// the word boundaries found), kept with the segmenter's own from text
    /// to text (see [`Segmenter::reused`]).
    pub(crate) text_buffers: TextBuffers,
}

/// See [`Segmenter::text_buffers`]: cleared by their user, not here.
#[derive(Debug, Default)]
pub(crate) struct TextBuffers {
    pub(crate) masked: String,
    pub(crate) anchors: Vec<(usize, usize)>,
    pub(crate) breaks: Vec<usize>,
}

/// A word piece (a Thai character cluster, or a syllable start) starts
/// here: a word may start and end here.
pub(super) const PIECE: u8 = 1;
/// A syllable starts here: unknown units start only here.
const SYLLABLE: u8 = 2;
/// A syllable may start here (see `syllable_starts_and_alternatives`):
/// emitted boundaries fall only here.
const MAY_BREAK: u8 = 4;

/// The best segmentation of a run's suffix.
#[derive(Debug, Clone, Copy, Default)]
struct Best {
    unknown: u32,
    units: u32,
    next: u32,
    is_unknown: bool,
}

impl Best {
    /// No segmentation from here ends the chunk (a position inside a
    /// syllable that no known word continues from).
    const UNREACHABLE: Best = Best {
        unknown: u32::MAX,
        units: u32::MAX,
        next: 0,
        is_unknown: true,
    };

    /// (unknown chars, units), lexicographic, as one number: fewer is better.
    fn key(&self) -> u64 {
        (u64::from(self.unknown) << 32) | u64::from(self.units)
    }

    /// The key of a path that is a known word ending here and then this
    /// one (one more unit), or `u64::MAX` if this one does not reach the
    /// end of the chunk.
    fn word_end_key(&self) -> u64 {
        if self.unknown == u32::MAX {
            u64::MAX
        } else {
            self.key() + 1
        }
    }
}

impl Segmenter {
    /// Buffers for runs of up to `chars` characters without reallocation.
    pub(crate) fn with_capacity(chars: usize) -> Segmenter {
        Segmenter {
            labels: Vec::with_capacity(chars),
            starts: Vec::with_capacity(chars + 1),
            best: Vec::with_capacity(chars + 1),
            word_end_keys: Vec::with_capacity(chars + 1),
            known_starts: Vec::new(),
            max_word: 0,
            syllables: SyllableBuffers::default(),
            extra: None,
            pieces: Vec::with_capacity(chars),
            text_buffers: TextBuffers::default(),
        }
    }

    /// Append to `out` the byte offsets (`base` + offset in `run`) of the word
    /// boundaries strictly inside `run`, a run of `is_thai_word_char`
    /// characters, ascending.
    ///
    /// A run longer than [`CHUNK_CHARS`] is segmented chunk by chunk (see
    /// [`chunk_end`]); the unknown units on both sides of a chunk boundary
    /// still join into one.
    pub(crate) fn run_breaks(
        &mut self,
        dict: &Dictionary<'_>,
        run: &str,
        base: usize,
        out: &mut Vec<usize>,
    ) {
        if self.read_run(run.as_bytes(), 0) != run.len() {
            return;
        }
        self.label_breaks(dict, base, out);
    }

    /// Read the run of Thai word characters that starts at byte `start` of
    /// `bytes` into the run's labels (see [`Self::run_labels`]); returns
    /// where it ends. One pass finds the run and decodes it, for a caller
    /// that walks a text (then [`Self::label_breaks`]).
    pub(crate) fn read_run(&mut self, bytes: &[u8], start: usize) -> usize {
        self.labels.clear();
        // Three bytes at a time with no bounds check per character.
        let rest = bytes.get(start..).unwrap_or_default();
        let letters = rest.chunks_exact(3).map_while(thai_word_label);
        self.labels.extend(letters);
        start + 3 * self.labels.len()
    }

    /// The trie labels (code point − U+0E00) of the run read last.
    pub(crate) fn run_labels(&self) -> &[u8] {
        &self.labels
    }

    /// [`Self::run_breaks`] for the run whose labels were read by
    /// [`Self::read_run`], starting at byte `base`.
    pub(crate) fn label_breaks(
        &mut self,
        dict: &Dictionary<'_>,
        base: usize,
        out: &mut Vec<usize>,
    ) {
        self.known_starts.clear();
        let n = self.labels.len();
        if n < 2 {
            return;
        }
        let mut prev_unknown = false;
        let mut lo = 0;
        while lo < n {
            let hi = chunk_end(&self.labels, lo).clamp(lo + 1, n);
            self.chunk_breaks(dict, lo, hi, base, out, &mut prev_unknown);
            lo = hi;
        }
    }

    /// [`Self::run_breaks`] for the characters `lo..hi` of the run; `prev_unknown`
    /// says whether the unit before `lo` was unknown, and is updated.
    fn chunk_breaks(
        &mut self,
        dict: &Dictionary<'_>,
        lo: usize,
        hi: usize,
        base: usize,
        out: &mut Vec<usize>,
        prev_unknown: &mut bool,
    ) {
        let Segmenter {
            labels,
            starts,
            best,
            word_end_keys,
            known_starts,
            max_word,
            syllables,
            extra,
            pieces,
            text_buffers: _,
        } = self;
        let labels = labels.get(lo..hi).unwrap_or_default();
        let n = labels.len();
        let word_limit = if *max_word == 0 {
            usize::MAX
        } else {
            *max_word
        };
        starts.clear();
        starts.resize(n + 1, 0);
        // Most runs have no ์: then the syllables do not test for a silent
        // group, and the word pieces come from a table (one step per
        // letter). A silent group needs the rules' look-ahead.
        let has_thanthakhat = labels.contains(&THANTHAKHAT_LABEL);
        if has_thanthakhat {
            let mut i = 0;
            while i < n {
                if let Some(s) = starts.get_mut(i) {
                    *s = PIECE;
                }
                // The labels are the run's letters as offsets from U+0E00.
                i = thai_word_piece_end(|k| labels.get(k).copied(), i).max(i + 1);
            }
        } else {
            mark_word_piece_starts(labels, starts, PIECE);
        }
        // The syllable rules read characters: each label is one's offset.
        let char_at = |k: usize| labels.get(k).map(|&l| thai_block_char(usize::from(l)));
        syllable_starts_into(char_at, n, has_thanthakhat, syllables);
        // A syllable start is a word-piece start too (a word may end there).
        for &s in &syllables.starts {
            if let Some(slot) = starts.get_mut(s) {
                *slot |= PIECE | SYLLABLE | MAY_BREAK;
            }
        }
        for &s in &syllables.alternatives {
            if let Some(slot) = starts.get_mut(s) {
                *slot |= PIECE | MAY_BREAK;
            }
        }
        if let Some(s) = starts.get_mut(n) {
            *s = PIECE | SYLLABLE | MAY_BREAK;
        }
        let starts: &[u8] = starts;
        best.clear();
        best.resize(n, Best::UNREACHABLE);
        best.push(Best::default());
        word_end_keys.clear();
        word_end_keys.resize(n, u64::MAX);
        word_end_keys.push(Best::default().word_end_key());
        // The word-piece starts, listed without a branch per character
        // (where one starts is for the text to say: a test per character
        // was mispredicted in varied text).
        pieces.clear();
        pieces.resize(n, 0);
        let mut count = 0;
        for (i, &flags) in starts.iter().take(n).enumerate() {
            if let Some(slot) = pieces.get_mut(count) {
                *slot = i as u32;
            }
            count += usize::from(flags & PIECE != 0);
        }
        let mut next_syllable = n;
        for &i in pieces.get(..count).unwrap_or_default().iter().rev() {
            let i = i as usize;
            let flags = starts.get(i).copied().unwrap_or(0);
            let at_syllable = flags & SYLLABLE != 0;
            let unknown_to = at_syllable.then_some(next_syllable);
            if let Some(choice) = best_from(
                dict,
                extra.as_deref(),
                labels,
                starts,
                best,
                word_end_keys,
                i,
                unknown_to,
                word_limit,
            ) && let Some(b) = best.get_mut(i)
            {
                *b = choice;
                if let Some(k) = word_end_keys.get_mut(i) {
                    *k = choice.word_end_key();
                }
            }
            if at_syllable {
                next_syllable = i;
            }
        }
        // Walk the chosen path; a boundary between two unknown units is not
        // one, nor is one inside a syllable (a known word that ends there
        // joins the next).
        let mut i = 0usize;
        while i < n {
            let Some(b) = best.get(i).copied() else {
                break;
            };
            if b.unknown == u32::MAX {
                break;
            }
            let may_break = starts.get(i).is_some_and(|&f| f & MAY_BREAK != 0);
            if lo + i > 0 && may_break && !(*prev_unknown && b.is_unknown) {
                out.push(base + 3 * (lo + i));
                if !b.is_unknown {
                    known_starts.push(base + 3 * (lo + i));
                }
            }
            let end = (b.next as usize).clamp(i + 1, n);
            *prev_unknown = b.is_unknown;
            i = end;
        }
    }
}

/// Byte offsets strictly inside `run` (a run of Thai word characters) where
/// the words it is made of meet, when `run` is taken apart without using an
/// entry as long as itself: ธนาคารแห่งประเทศไทย gives ธนาคาร|แห่ง|ประเทศ|ไทย.
/// For cutting a word list entry wider than the line at its component words.
pub(crate) fn component_breaks(run: &str) -> Vec<usize> {
    let chars = run.len() / 3;
    let mut seg = Segmenter::with_capacity(chars);
    seg.max_word = chars.saturating_sub(1).max(2);
    let mut out = Vec::new();
    seg.run_breaks(Dictionary::builtin(), run, 0, &mut out);
    out
}

/// Most characters of a run of Thai letters whose word boundaries are chosen
/// together. A longer run is segmented in chunks, each ending before the first
/// leading vowel (เ แ โ ใ ไ: one always starts a syllable and a Thai character
/// cluster) at or after this many characters. Text written for people has no
/// such runs (sentences and clauses are separated by spaces); the bound makes
/// every word boundary depend on nearby text only, so that truncation reads
/// a bounded prefix of an unbroken run, and a hostile input cannot make one
/// boundary depend on megabytes of text after it.
pub(crate) const CHUNK_CHARS: usize = 1024;

/// The trie label of ์ (U+0E4C).
const THANTHAKHAT_LABEL: u8 = 0x4C;

/// Trie labels of the leading vowels เ แ โ ใ ไ (U+0E40..U+0E44).
const LEADING_VOWEL_LABELS: std::ops::RangeInclusive<u8> = 0x40..=0x44;

/// Where the chunk of a run (given as trie labels) that starts at char
/// `start` ends: at the first leading vowel at or after `start + CHUNK_CHARS`,
/// else at the end of the run.
pub(crate) fn chunk_end(labels: &[u8], start: usize) -> usize {
    let from = start.saturating_add(CHUNK_CHARS);
    labels
        .get(from..)
        .and_then(|rest| rest.iter().position(|l| LEADING_VOWEL_LABELS.contains(l)))
        .map_or(labels.len(), |k| from + k)
}

/// The best first unit from word-piece start `i` of a chunk, given the best
/// paths from every later start: a known word, or (when `i` starts a
/// syllable, `unknown_to` being the next syllable start) one unknown
/// syllable, merged with an unknown unit after it. `None` when neither
/// reaches the end of the chunk.
#[inline]
#[allow(clippy::too_many_arguments)]
fn best_from(
    dict: &Dictionary<'_>,
    extra: Option<&LayoutWords>,
    labels: &[u8],
    starts: &[u8],
    best: &[Best],
    word_end_keys: &[u64],
    i: usize,
    unknown_to: Option<usize>,
    max_word: usize,
) -> Option<Best> {
    let after = |j: usize| best.get(j).copied().filter(|b| b.unknown != u32::MAX);
    let choice: Option<Best> = unknown_to.and_then(|next| {
        let tail = after(next)?;
        let len = u32::try_from(next - i).unwrap_or(u32::MAX);
        Some(Best {
            unknown: tail.unknown.saturating_add(len),
            units: tail.units + u32::from(!tail.is_unknown),
            next: next as u32,
            is_unknown: true,
        })
    });
    // Known words from i (two letters or more), shortest first: a tie
    // goes to the longer word.
    let first_two = match (labels.get(i), labels.get(i + 1)) {
        (Some(&a), Some(&b)) => dict.pair(a, b),
        _ => None,
    };
    let Some(mut node) = first_two.map(|slot| dict.node(slot)) else {
        return with_extra(extra, labels, starts, i, max_word, &after, choice);
    };
    // The choice so far (the unknown unit, or none yet), field by field.
    let first = choice.unwrap_or(Best::UNREACHABLE);
    let (mut key, mut next, mut is_unknown) = (first.key(), first.next, first.is_unknown);
    // (An exclusive range: an inclusive one costs a check per step.)
    for end in i + 2..labels.len().min(i.saturating_add(max_word)) + 1 {
        if end > i + 2 {
            let Some((child, _)) = labels.get(end - 1).and_then(|&l| dict.child(node, l)) else {
                break;
            };
            node = child;
        }
        // A word that ends at a piece start with a path after it; the later
        // (longer) word wins a tie. Kept without a branch: where words end
        // is for the text to say, and a test was mispredicted in varied text.
        let cand_key = word_end_keys.get(end).copied().unwrap_or(u64::MAX);
        let better = node.is_final() & (cand_key <= key);
        key = std::hint::select_unpredictable(better, cand_key, key);
        next = std::hint::select_unpredictable(better, end as u32, next);
        is_unknown &= !better;
    }
    let choice = (key >> 32 != u64::from(u32::MAX)).then_some(Best {
        unknown: (key >> 32) as u32,
        units: key as u32,
        next,
        is_unknown,
    });
    with_extra(extra, labels, starts, i, max_word, &after, choice)
}

#[cfg(test)]
mod tests;
