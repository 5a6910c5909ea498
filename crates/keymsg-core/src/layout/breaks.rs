//! Line-break opportunities: UAX #14 from ICU4X, Thai word boundaries from
//! our dictionary, then the Thai filter.
//!
//! ICU4X's `LineSegmenter` applies the Unicode line-breaking rules (spaces,
//! punctuation, numbers, Latin words). Inside runs of Thai letters the word
//! boundaries come from [`super::dict`] (cluster-constrained maximal matching
//! over a compiled word list), which is both more accurate and faster than
//! ICU4X's Thai dictionary; ICU4X's dictionary mode is still used for text
//! that contains Lao, Khmer or Myanmar. Every candidate then passes
//! [`char_rules_allow`] and the protected-span check, because even a correct
//! word boundary can be a place a Thai reader rejects (before ๆ, inside ฯลฯ).

use std::sync::LazyLock;

use icu_segmenter::LineSegmenter;
use icu_segmenter::LineSegmenterBorrowed;
use icu_segmenter::options::LineBreakOptions;
use unicode_segmentation::GraphemeCursor;

use super::dict::{Dictionary, Segmenter};
use crate::text::spans::{Span, protected_spans};
use crate::vocab::thai::{
    SilentGroup, SpaceRun, char_rules, is_consonant, is_leading_vowel, is_mark, is_thai,
    is_thai_letter_or_sign,
};

/// UAX #14 without complex-script dictionaries (for text whose only
/// complex script is Thai: its runs are masked, see [`candidates`]).
static RULES_ONLY: LineSegmenterBorrowed<'static> =
    LineSegmenter::new_for_non_complex_scripts(LineBreakOptions::default());

/// The dictionary-mode segmenter, for text in Lao, Khmer or Myanmar (built on
/// first use: construction loads the Thai/Lao/Khmer/Burmese dictionaries).
static WITH_DICTIONARIES: LazyLock<LineSegmenterBorrowed<'static>> =
    LazyLock::new(|| LineSegmenter::new_dictionary(LineBreakOptions::default()));

/// U+0800 SAMARITAN LETTER ALAF: a letter of line-break class AL, 3 bytes
/// in UTF-8 like every Thai letter, that stands in for each Thai letter when
/// ICU4X sees the text (below U+1000, so ICU4X's property lookup takes its
/// fast path).
const MASK: char = '\u{0800}';

/// Whether the bytes at `i` encode a Thai word character
/// (`is_thai_word_char` of the trie builder: U+0E01..U+0E3A = E0 B8 81..BA, U+0E40..U+0E4E =
/// E0 B9 80..8E).
#[inline]
fn thai_word_char_at(b: &[u8], i: usize) -> bool {
    matches!(
        (b.get(i), b.get(i + 1), b.get(i + 2)),
        (Some(0xE0), Some(0xB8), Some(0x81..=0xBA)) | (Some(0xE0), Some(0xB9), Some(0x80..=0x8E))
    )
}

/// Whether the character starting at byte `i` belongs to a script (other than
/// Thai) that UAX #14 leaves to a dictionary: Lao, Myanmar (and its
/// extensions), Khmer, Tai Le, New Tai Lue, Tai Tham, Tai Viet.
#[inline]
fn other_complex_script_at(b: &[u8], i: usize) -> bool {
    matches!(
        (b.get(i), b.get(i + 1)),
        (Some(0xE0), Some(0xBA | 0xBB))
            | (Some(0xE1), Some(0x80..=0x82 | 0x9E | 0x9F | 0xA5..=0xAA))
            | (Some(0xEA), Some(0xA7 | 0xA9..=0xAB))
    )
}

/// Byte offsets where a line may break, strictly inside `text` (never 0 or
/// `text.len()`), ascending.
///
/// An offset is a break opportunity when ICU4X's UAX #14 rules propose it or,
/// inside a run of Thai letters, it is a word boundary of the built-in Thai
/// word list (PyThaiNLP's CC0 `words_th.txt`, compiled in; cluster-constrained
/// maximal matching) — *and* it passes the Thai filter:
/// - it is an extended grapheme cluster boundary;
/// - the character before is not a leading vowel เ แ โ ใ ไ;
/// - the character after is not a following vowel ะ า ำ ๅ, not a combining
///   mark, not ๆ, and not a word-final ฯ — also when only spaces separate the
///   word from its ๆ/ฯ (เด็ก ๆ);
/// - it is not inside ฯลฯ;
/// - it does not end a syllable on ั or ็ (they always take a final
///   consonant; ก็ excepted), nor start one on a silent group (ทร์ of จันทร์);
/// - neither neighbour is a word joiner U+2060 or a no-break space (U+00A0,
///   U+202F, U+2007, U+FEFF) — zero-width space U+200B remains a break hint;
/// - it is not inside a word ICU4X's dictionary is known to split wrongly in
///   context (a short built-in list: กฎหมาย, โทรศัพท์, คอลเซ็นเตอร์, ...);
/// - it is not inside a protected span (phone numbers, amounts, URLs, e-mail
///   addresses).
///
/// Offsets refer to `text` as given; [`super::wrap()`] and [`super::truncate()`]
/// normalise to NFC first, so pass NFC text if you combine the two.
pub fn break_opportunities(text: &str) -> Vec<usize> {
    let spans = protected_spans(text);
    breaks_with_spans(text, &spans)
}

/// Whether a line may break at byte `offset` of `text` (see
/// [`break_opportunities`]). Offsets 0 and `text.len()` are not breaks.
pub fn is_break_opportunity(text: &str, offset: usize) -> bool {
    break_opportunities(text).binary_search(&offset).is_ok()
}

/// Words of this domain no break may ever fall inside, whatever the
/// dictionary's segmentation of their context: the hotline, reporting and
/// scam vocabulary of the default catalog (first found as ICU4X mis-splits
/// such as ผิดตา|มก|ฎห|มาย, ทางโท|รศัพท์, คอ|ลเซ็นเตอร์, kept as a guarantee
/// now that the word list decides). Extend it when a reader reports a bad split.
const KEEP_WHOLE: &[&str] = &[
    "กฎหมาย",
    "โทรศัพท์",
    "คอลเซ็นเตอร์",
    "กระจายข่าว",
    "กลลวง",
    "โซเชียล",
    "แชต",
    "ญาติ",
    "ตามกฎหมาย",
    // Compounds the dictionary splits at a line end although a Thai reader
    // reads them as one word (seen in the default catalog's golden layouts).
    "สายด่วน",
    "แจ้งความ",
    "ปลายทาง",
    "ช่องทาง",
    "วางสาย",
];

/// First code point of the Thai block: [`KEEP_WHOLE_BY_FIRST`] is indexed from it.
const KEEP_WHOLE_FIRST_BASE: usize = 0x0E00;

/// For each code point U+0E00..U+0E7F, a bit mask of the [`KEEP_WHOLE`] words
/// starting with it (every word starts with a Thai letter; a unit test checks).
/// Indexing here runs at compile time: out of bounds is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const KEEP_WHOLE_BY_FIRST: [u16; 0x80] = {
    let mut table = [0u16; 0x80];
    let mut k = 0;
    while k < KEEP_WHOLE.len() {
        let b = KEEP_WHOLE[k].as_bytes();
        // A Thai letter is E0 B8 xx or E0 B9 xx in UTF-8.
        if b.len() >= 3 && b[0] == 0xE0 && (b[1] == 0xB8 || b[1] == 0xB9) {
            let cp = ((b[1] as usize & 0x3F) << 6) | (b[2] as usize & 0x3F);
            table[cp - KEEP_WHOLE_FIRST_BASE] |= 1 << k;
        }
        k += 1;
    }
    table
};

/// Most Thai consonants an abbreviation run may have (กฟน., พ.ร.บ., ชม.).
const MAX_ABBREVIATION_CONSONANTS: usize = 5;

/// Byte ranges of Thai abbreviations: a run of Thai letters and dots that
/// starts after a non-Thai character, ends with `.` and has at most
/// [`MAX_ABBREVIATION_CONSONANTS`] consonants — `กฟน.`, `กปภ.`, `พ.ร.บ.`,
/// `ชม.`. Breaking inside one (`กฟ|น.`) is an error a Thai reader sees at once.
fn abbreviation_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut run: Option<(usize, usize)> = None; // (start, consonants)
    let mut last_dot_end = None;
    for (i, c) in text.char_indices() {
        if is_thai_letter_or_sign(c) {
            let (start, n) = run.unwrap_or((i, 0));
            run = Some((start, n + usize::from(is_consonant(c))));
        } else if c == '.' && run.is_some() {
            last_dot_end = Some(i + 1);
        } else {
            if let (Some((start, n)), Some(end)) = (run, last_dot_end)
                && n <= MAX_ABBREVIATION_CONSONANTS
            {
                out.push(start..end);
            }
            run = None;
            last_dot_end = None;
        }
        // Letters after the last dot belong to the abbreviation only if
        // another dot follows (พ.ร.บ.); a word after `ชม.` does not.
    }
    if let (Some((start, n)), Some(end)) = (run, last_dot_end)
        && n <= MAX_ABBREVIATION_CONSONANTS
    {
        out.push(start..end);
    }
    out
}

/// Byte ranges of [`KEEP_WHOLE`] words in `text`.
///
/// One pass over the text: at each char boundary only the words starting with
/// that character are compared (the list is short and every word starts with a
/// Thai letter), instead of one substring search per word. Like
/// `str::match_indices`, occurrences of one word do not overlap.
#[cfg(test)]
fn keep_whole_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut finder = KeepWholeFinder::default();
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        if thai_word_char_at(bytes, i) {
            finder.at(text, i);
        }
    }
    finder.finish(text)
}

/// Finds [`KEEP_WHOLE`] words as the caller walks the Thai letters of a text
/// (so that [`candidates`] needs no separate pass).
#[derive(Debug, Default)]
struct KeepWholeFinder {
    ranges: Vec<std::ops::Range<usize>>,
    /// End of the last occurrence of each word (occurrences of one word do not overlap).
    last_end: [usize; KEEP_WHOLE.len()],
}

impl KeepWholeFinder {
    /// Check the words that start with the Thai letter at byte `i`.
    #[inline]
    fn at(&mut self, text: &str, i: usize) {
        let bytes = text.as_bytes();
        let (Some(&hi), Some(&lo)) = (bytes.get(i + 1), bytes.get(i + 2)) else {
            return;
        };
        // A Thai letter is E0 B8 xx or E0 B9 xx: index the table by its low bits.
        let offset = (usize::from(hi & 1) << 6) | usize::from(lo & 0x3F);
        let mask = KEEP_WHOLE_BY_FIRST.get(offset).copied().unwrap_or(0);
        if mask == 0 {
            return;
        }
        let Some(rest) = text.get(i..) else { return };
        for (k, w) in KEEP_WHOLE.iter().enumerate() {
            if mask & (1 << k) != 0
                && rest.starts_with(w)
                && let Some(e) = self.last_end.get_mut(k)
                && *e <= i
            {
                *e = i + w.len();
                self.ranges.push(i..i + w.len());
            }
        }
    }

    /// The ranges found, plus the abbreviations, by start.
    fn finish(mut self, text: &str) -> Vec<std::ops::Range<usize>> {
        if text.contains('.') {
            self.ranges.extend(abbreviation_ranges(text));
        }
        self.ranges.sort_by_key(|r| r.start);
        self.ranges
    }
}

/// Candidate breaks before the Thai filter: dictionary word boundaries
/// inside each run of Thai letters, merged with the UAX #14 breaks ICU4X
/// finds in a copy of the text where each Thai run is replaced by one
/// Latin-like letter. UAX #14 treats Thai (class SA) as a letter (AL) once
/// its words are found elsewhere (rule LB1), and its rules only look at the
/// classes next to a run, never at its length, so the copy breaks exactly
/// like the text at the edges of every run; ICU4X neither searches its own
/// Thai dictionary nor reports a missing one, and it reads a fifth of the
/// bytes.
///
/// Returns the candidates, the keep-whole ranges and the candidates a
/// dictionary word follows (see [`Segmenter::into_known_word_starts`]).
fn candidates(text: &str) -> (Vec<usize>, Vec<std::ops::Range<usize>>, Vec<usize>) {
    if text.is_ascii() {
        return (
            RULES_ONLY.segment_str(text).collect(),
            Vec::new(),
            Vec::new(),
        );
    }
    let mut keep = KeepWholeFinder::default();
    let bytes = text.as_bytes();
    let mut masked = String::with_capacity(text.len());
    // (offset in `masked`, offset in `text`) just after each run.
    let mut anchors: Vec<(usize, usize)> = Vec::new();
    let mut copied = 0; // text[..copied] is represented in `masked`
    let mut out = Vec::with_capacity(text.len() / 8);
    let mut other_complex = false;
    let dict = Dictionary::builtin();
    let mut seg = Segmenter::with_capacity(text.len() / 3);
    let mut end_run = |start: usize, end: usize, masked: &mut String, out: &mut Vec<usize>| {
        masked.push_str(text.get(copied..start).unwrap_or_default());
        masked.push(MASK);
        anchors.push((masked.len(), end));
        copied = end;
        seg.run_breaks(dict, text.get(start..end).unwrap_or_default(), start, out);
    };
    let mut run_start = None;
    let mut i = 0;
    while i < bytes.len() {
        if thai_word_char_at(bytes, i) {
            run_start.get_or_insert(i);
            keep.at(text, i);
            i += 3;
            continue;
        }
        if let Some(start) = run_start.take() {
            end_run(start, i, &mut masked, &mut out);
        }
        other_complex |= other_complex_script_at(bytes, i);
        i += 1;
    }
    if let Some(start) = run_start {
        end_run(start, text.len(), &mut masked, &mut out);
    }
    masked.push_str(text.get(copied..).unwrap_or_default());
    let icu = if other_complex {
        *WITH_DICTIONARIES
    } else {
        RULES_ONLY
    };
    // Map each break back: after the k-th run, offsets shift by that run's delta.
    let mut anchor = anchors.iter().peekable();
    let mut shift = (0usize, 0usize);
    let icu_breaks = icu.segment_str(&masked).map(|m| {
        while let Some(&a) = anchor.next_if(|&&(am, _)| am <= m) {
            shift = a;
        }
        shift.1 + (m - shift.0)
    });
    // Both lists ascend: merge them (a sort would cost n log n).
    let merged = merge_ascending(&out, icu_breaks);
    (merged, keep.finish(text), seg.into_known_word_starts())
}

/// The union of two ascending sequences, ascending, without duplicates.
fn merge_ascending(a: &[usize], b: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() * 2);
    let mut a = a.iter().copied().peekable();
    for y in b {
        while let Some(x) = a.next_if(|&x| x < y) {
            out.push(x);
        }
        a.next_if_eq(&y);
        if out.last() != Some(&y) {
            out.push(y);
        }
    }
    out.extend(a);
    out.dedup();
    out
}

/// [`break_opportunities`] with spans already computed.
///
/// One pass over the ascending candidates: the spans, the keep-whole ranges
/// and the known word starts are swept alongside (testing every candidate
/// against every range made long paragraphs quadratic).
pub(crate) fn breaks_with_spans(text: &str, spans: &[Span]) -> Vec<usize> {
    super::count_work(text.len());
    let mut out = Vec::new();
    let (candidates, keep, known_words) = candidates(text);
    let mut span_iter = spans.iter().peekable();
    // `keep` is sorted by start: `keep_end` is the furthest end of the ranges
    // that start before the candidate.
    let mut keep_iter = keep.iter().peekable();
    let mut keep_end = 0;
    let mut known = known_words.iter().copied().peekable();
    let mut graphemes = GraphemeBoundaries::new(text);
    let mut spaces = SpaceRun::default();
    for p in candidates {
        if p == 0 || p >= text.len() {
            continue;
        }
        while span_iter.next_if(|s| s.range.end <= p).is_some() {}
        if span_iter.peek().is_some_and(|s| s.range.start < p) {
            continue;
        }
        while let Some(r) = keep_iter.next_if(|r| r.start < p) {
            keep_end = keep_end.max(r.end);
        }
        if p < keep_end {
            continue;
        }
        while known.next_if(|&k| k < p).is_some() {}
        // Cheap character rules first; the grapheme check is the costliest.
        let silent = if known.peek() == Some(&p) {
            SilentGroup::Known
        } else {
            SilentGroup::ByPattern
        };
        let rules = char_rules(text, p, silent, &mut spaces);
        if rules && graphemes.is_boundary(p) {
            out.push(p);
        }
    }
    out
}

/// Bytes before the end of a window within which the window's breaks may
/// differ from the whole text's (a keep-whole word or a silent consonant group
/// cut in two, UAX #14's look-ahead of a few characters): see [`first_safe_end`].
pub(crate) const WINDOW_MARGIN: usize = 64;

/// The first offset `w`, `from <= w < text.len()`, where `text` may be cut
/// without changing anything before `w - WINDOW_MARGIN`: for every text that
/// starts with `text[..w]` and the character at `w`, the break opportunities,
/// protected spans and Thai character cluster boundaries of its prefix
/// `text[..w]` below `w - WINDOW_MARGIN` are its own. `None` if there is none
/// (then the caller reads more text, or all of it).
///
/// This is what lets truncation read a bounded prefix. Safe ends are:
/// - after an ASCII space, before a Latin letter (not `b` or `t`, which may
///   start `baht` or `THB` after an amount), a Thai consonant (not บ, which
///   may start บาท) or a leading vowel: no Thai run, word, cluster or span
///   crosses such a space, the rule for a space before ๆ or ฯ sees a
///   letter either way, and UAX #14 never looks past a space into the word
///   after it to decide a break before the space;
/// - inside a run of Thai letters longer than the dictionary's chunk, at a
///   chunk boundary (before a leading vowel; see [`super::dict::CHUNK_CHARS`])
///   once the run has more consonants than an abbreviation may have;
/// - inside a run of ASCII letters, [`LETTER_RUN`] letters after its start:
///   UAX #14 never breaks between letters, each letter is its own cluster,
///   and no span decision looks that far into a word (an e-mail local part
///   is at most 64 characters, a host label 63; a URL path that runs on is
///   cut to the same prefix).
pub(crate) fn first_safe_end(text: &str, from: usize) -> Option<usize> {
    let mut found = None;
    safe_ends(text, from, |w| {
        found = Some(w);
        false
    });
    found
}

/// The last safe end (see [`first_safe_end`]) at or after `from`.
pub(crate) fn last_safe_end(text: &str, from: usize) -> Option<usize> {
    let mut found = None;
    safe_ends(text, from, |w| {
        found = Some(w);
        true
    });
    found
}

/// ASCII letters a safe end inside a word needs before it: more than the
/// longest e-mail local part, with room to spare (see [`first_safe_end`]).
const LETTER_RUN: usize = 72;

/// Call `f` with each safe end at or after `from`, ascending, while it
/// returns true.
fn safe_ends(text: &str, from: usize, mut f: impl FnMut(usize) -> bool) {
    let bytes = text.as_bytes();
    let after_space_ok = |w: usize| {
        w >= from
            && w.checked_sub(1).and_then(|b| bytes.get(b)) == Some(&b' ')
            && text
                .get(w..)
                .and_then(|t| t.chars().next())
                .is_some_and(may_follow_a_safe_space)
    };
    // Chunk boundaries count from the start of their run: begin there.
    let mut i = (from..text.len())
        .find(|&k| text.is_char_boundary(k))
        .unwrap_or(text.len());
    while i >= 3 && thai_word_char_at(bytes, i - 3) {
        i -= 3;
    }
    // ASCII letters just before `i` (up to LETTER_RUN).
    let mut letters = bytes.get(i.saturating_sub(LETTER_RUN)..i).map_or(0, |b| {
        b.iter()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .count()
    });
    while i < text.len() {
        if after_space_ok(i) && !f(i) {
            return;
        }
        if let Some(&b) = bytes.get(i)
            && b.is_ascii_alphabetic()
        {
            if letters >= LETTER_RUN && i >= from && !f(i) {
                return;
            }
            letters = (letters + 1).min(LETTER_RUN);
            i += 1;
            continue;
        }
        letters = 0;
        if !thai_word_char_at(bytes, i) {
            i += text
                .get(i..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
            continue;
        }
        // A run of Thai letters: its chunk boundaries, as the dictionary
        // segmenter draws them.
        let mut chunk = i;
        let mut j = i;
        loop {
            let target = chunk + 3 * super::dict::CHUNK_CHARS;
            while j < target && thai_word_char_at(bytes, j) {
                j += 3;
            }
            if j < target {
                break;
            }
            while thai_word_char_at(bytes, j) && !leading_vowel_at(bytes, j) {
                j += 3;
            }
            if !thai_word_char_at(bytes, j) {
                break;
            }
            if j >= from && abbreviation_closed(text, j) && !f(j) {
                return;
            }
            chunk = j;
        }
        i = j;
    }
}

/// Whether a safe end may come right after an ASCII space, before `c` (see
/// [`first_safe_end`]).
fn may_follow_a_safe_space(c: char) -> bool {
    (c.is_ascii_alphabetic() && !matches!(c, 'b' | 'B' | 't' | 'T'))
        || (is_consonant(c) && c != 'บ')
        || is_leading_vowel(c)
}

/// Whether the bytes at `i` encode a leading vowel เ แ โ ใ ไ (E0 B9 80..84).
fn leading_vowel_at(b: &[u8], i: usize) -> bool {
    matches!(
        (b.get(i), b.get(i + 1), b.get(i + 2)),
        (Some(0xE0), Some(0xB9), Some(0x80..=0x84))
    )
}

/// Whether the run of Thai letters and dots that byte `w` is inside already
/// has more consonants before `w` than an abbreviation may have, so that no
/// [`abbreviation_ranges`] entry can cover `w`, whatever follows.
fn abbreviation_closed(text: &str, w: usize) -> bool {
    let mut consonants = 0;
    for c in text.get(..w).unwrap_or("").chars().rev() {
        if !(is_thai_letter_or_sign(c) || c == '.') {
            return false;
        }
        consonants += usize::from(is_consonant(c));
        if consonants > MAX_ABBREVIATION_CONSONANTS {
            return true;
        }
    }
    false
}

/// How far back from a query [`GraphemeBoundaries`] looks for a place to
/// restart its cursor before it walks forward from where it stopped.
const GRAPHEME_RESTART_SCAN: usize = 64;

/// Extended grapheme cluster boundaries of a text, asked at ascending offsets
/// in amortised constant time: most answers come from the two characters
/// around the offset ([`simple_grapheme_boundary`]); the others from one
/// cursor that only moves forward. (A fresh `GraphemeCursor` per offset
/// rescans every regional indicator before it, so a long run of flags cost
/// quadratic time.)
#[derive(Debug)]
pub(crate) struct GraphemeBoundaries<'t> {
    text: &'t str,
    /// The forward cursor and the first boundary it found at or after the
    /// last offset asked (where it now stands).
    cursor: Option<(GraphemeCursor, usize)>,
}

impl<'t> GraphemeBoundaries<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        GraphemeBoundaries { text, cursor: None }
    }

    /// Whether byte `p` is a boundary; `p` must not decrease between calls.
    pub(crate) fn is_boundary(&mut self, p: usize) -> bool {
        if p == 0 || p == self.text.len() {
            return true;
        }
        if let Some(b) = simple_grapheme_boundary(self.text, p) {
            return b;
        }
        let stands_at = self.cursor.as_ref().map(|&(_, at)| at);
        if let Some(at) = stands_at
            && at >= p
        {
            return at == p;
        }
        // Restart at a boundary just before `p` that no rule looks back
        // across (between two simple characters), else walk on from where
        // the cursor stands (from the start if there is none yet).
        let floor = stands_at
            .unwrap_or(0)
            .max(p.saturating_sub(GRAPHEME_RESTART_SCAN));
        let restart = (floor..p)
            .rev()
            .find(|&q| q == 0 || simple_grapheme_boundary(self.text, q) == Some(true));
        if let Some(q) = restart.or(stands_at.is_none().then_some(0)) {
            self.cursor = Some((GraphemeCursor::new(q, self.text.len(), true), q));
        }
        let Some((cursor, at)) = self.cursor.as_mut() else {
            return false;
        };
        loop {
            match cursor.next_boundary(self.text, 0) {
                Ok(Some(b)) => {
                    *at = b;
                    if b >= p {
                        return b == p;
                    }
                }
                Ok(None) => {
                    *at = self.text.len();
                    return p == self.text.len();
                }
                Err(_) => return false,
            }
        }
    }
}

/// The grapheme-boundary answer at byte `p` without the general algorithm,
/// when both neighbours are printable ASCII or Thai: then only a following
/// mark (Extend: the Thai vowels above/below, tone marks; SpacingMark: ำ)
/// joins them (no Prepend, ZWJ, regional indicator or control among them).
/// `None` for any other pair. A unit test checks it against
/// `GraphemeCursor` for every such pair.
fn simple_grapheme_boundary(text: &str, p: usize) -> Option<bool> {
    let a = text.get(..p)?.chars().next_back()?;
    let b = text.get(p..)?.chars().next()?;
    let simple = |c: char| (' '..='~').contains(&c) || is_thai(c);
    (simple(a) && simple(b)).then(|| !(is_mark(b) || b == '\u{0E33}'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::thai::starts_silent_group;

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

    /// The grapheme check of the general algorithm, without the fast path.
    fn cursor_boundary(text: &str, p: usize) -> bool {
        let mut cursor = GraphemeCursor::new(p, text.len(), true);
        cursor.is_boundary(text, 0).unwrap()
    }

    #[test]
    fn simple_grapheme_boundary_agrees_with_uax29() {
        let chars: Vec<char> = (' '..='~').chain('\u{0E00}'..='\u{0E7F}').collect();
        let mut buf = String::new();
        for &a in &chars {
            for &b in &chars {
                buf.clear();
                buf.push(a);
                buf.push(b);
                let p = a.len_utf8();
                assert_eq!(
                    simple_grapheme_boundary(&buf, p),
                    Some(cursor_boundary(&buf, p)),
                    "{a:?} {b:?}"
                );
            }
        }
        // Other pairs take the general path.
        assert_eq!(simple_grapheme_boundary("🇹🇭", 4), None);
        assert!(!GraphemeBoundaries::new("🇹🇭").is_boundary(4));
        assert!(!GraphemeBoundaries::new("e\u{301}").is_boundary(1));
    }

    #[test]
    fn grapheme_boundaries_agree_with_uax29_at_every_offset() {
        let pieces = [
            "🇹🇭",
            "🇹",
            "ก",
            "่",
            "a",
            " ",
            "👩\u{200D}👩\u{200D}👧",
            "\u{200D}",
            "e\u{301}",
            "\u{1100}\u{1161}\u{11A8}",
            "क्\u{200D}ष",
            "\u{0600}1",
            "😀\u{1F3FB}",
            "\r\n",
            "ำ",
        ];
        let mut seed = 7u64;
        for _ in 0..300 {
            let mut t = String::new();
            for _ in 0..(seed % 40) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            // Ask at every char boundary, and at a sparse subset (which leaves
            // the cursor far behind and makes it restart).
            for step in [1, 5, 17] {
                let mut g = GraphemeBoundaries::new(&t);
                for p in (0..=t.len())
                    .step_by(step)
                    .filter(|&p| t.is_char_boundary(p))
                {
                    assert_eq!(g.is_boundary(p), cursor_boundary(&t, p), "{t:?} at {p}");
                }
            }
        }
    }

    #[test]
    fn a_long_run_of_flags_breaks_between_pairs() {
        // One forward walk answers every offset (a fresh cursor per offset
        // rescanned every flag before it).
        let flags = "🇹🇭".repeat(2000);
        let mut g = GraphemeBoundaries::new(&flags);
        let breaks: Vec<usize> = (0..=flags.len()).filter(|&p| g.is_boundary(p)).collect();
        assert_eq!(breaks.len(), 2001);
        assert_eq!(break_opportunities(&flags).len(), 1999);
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
                    !starts_silent_group(&text[p..]),
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
}
