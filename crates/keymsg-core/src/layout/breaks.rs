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

use super::dict::{Dictionary, Segmenter, TextBuffers};
use super::grapheme::GraphemeBoundaries;
use super::units::number_unit_ranges;
use crate::text::spans::{Span, protected_spans};
use crate::vocab::thai::{
    SilentGroup, SpaceRun, char_rules, char_rules_in_run, is_consonant, is_thai_letter_or_sign,
};

/// UAX #14 without complex-script dictionaries (for text whose only
/// complex script is Thai: its runs are masked, see [`candidates`]).
static RULES_ONLY: LineSegmenterBorrowed<'static> =
    LineSegmenter::new_for_non_complex_scripts(LineBreakOptions::default());

/// The dictionary-mode segmenter, for text in Lao, Khmer or Myanmar (built on
/// first use: construction loads the Thai/Lao/Khmer/Burmese dictionaries).
static WITH_DICTIONARIES: LazyLock<LineSegmenterBorrowed<'static>> =
    LazyLock::new(|| LineSegmenter::new_dictionary(LineBreakOptions::default()));

/// What stands in for each run of Thai letters when ICU4X sees the text:
/// a letter of line-break class AL, as the run is once its words are found
/// (see [`candidates`]). ASCII, so that a text whose other characters are
/// ASCII is handed to ICU4X as Latin-1 (its faster iterator: no UTF-8
/// decoding, a direct property table).
const MASK: char = 'A';

/// Whether the bytes at `i` encode a Thai word character (see
/// [`thai_word_label_at`](super::dict::thai_word_label_at)).
#[inline]
pub(crate) fn thai_word_char_at(b: &[u8], i: usize) -> bool {
    super::dict::thai_word_label_at(b, i).is_some()
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

/// Where the [`KEEP_WHOLE`] words that start with the Thai letters `a`, `b`
/// (offsets from U+0E00) are in [`KEEP_WHOLE_BY_PAIR`]. Different pairs may
/// share a slot: a word found there is still compared whole.
const fn keep_whole_slot(a: u8, b: u8) -> usize {
    ((a as usize) << 5 ^ b as usize) & (KEEP_WHOLE_SLOTS - 1)
}

/// Whether `b[at..]` starts with a Thai-block letter (E0 B8 xx or E0 B9 xx).
#[allow(clippy::indexing_slicing)] // Compile time only, and bounds-checked first.
const fn thai_letter_at(b: &[u8], at: usize) -> bool {
    b.len() >= at + 3 && b[at] == 0xE0 && (b[at + 1] == 0xB8 || b[at + 1] == 0xB9)
}

/// Slots of [`KEEP_WHOLE_BY_PAIR`] (a power of two).
const KEEP_WHOLE_SLOTS: usize = 1 << 12;

/// For each slot of the first two letters, a bit mask of the [`KEEP_WHOLE`]
/// words starting with them (every word starts with two Thai letters:
/// `keep_whole_single_pass_finds_every_occurrence` finds each): the check at each Thai letter of a text is one table read
/// that is almost always 0 (by the first letter alone it was not: ก, ส, ค,
/// ป start most Thai text and several of the words).
/// Indexing here runs at compile time: out of bounds is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const KEEP_WHOLE_BY_PAIR: [u16; KEEP_WHOLE_SLOTS] = {
    let mut table = [0u16; KEEP_WHOLE_SLOTS];
    let mut k = 0;
    while k < KEEP_WHOLE.len() {
        let b = KEEP_WHOLE[k].as_bytes();
        // A Thai letter is E0 B8 xx or E0 B9 xx in UTF-8.
        if thai_letter_at(b, 0) && thai_letter_at(b, 3) {
            let first = ((b[1] & 1) << 6) | (b[2] & 0x3F);
            let second = ((b[4] & 1) << 6) | (b[5] & 0x3F);
            table[keep_whole_slot(first, second)] |= 1 << k;
        }
        k += 1;
    }
    table
};

/// Most Thai consonants an abbreviation run may have (กฟน., พ.ร.บ., ชม.).
pub(crate) const MAX_ABBREVIATION_CONSONANTS: usize = 5;

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

/// Whether a `.` in `text` comes right after a Thai letter or sign (ก to ๎,
/// E0 B8 81 .. E0 B9 8E): every abbreviation has one (กฟน., พ.ร.บ.), so
/// without one [`abbreviation_ranges`] finds nothing and need not decode the
/// text (a host such as `thaipoliceonline.go.th` has dots, not after Thai).
fn has_thai_dot(text: &str) -> bool {
    let b = text.as_bytes();
    // Few texts have more than a few dots: found by a vector search.
    memchr::memchr_iter(b'.', b).any(|i| {
        matches!(
            i.checked_sub(3).and_then(|j| b.get(j..i)),
            Some([0xE0, 0xB8, 0x81..=0xBF] | [0xE0, 0xB9, 0x80..=0x8E])
        )
    })
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
    let mut seg = Segmenter::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            // Neither Thai nor another complex script.
            i += 1;
            continue;
        }
        if thai_word_char_at(bytes, i) {
            let start = i;
            i = seg.read_run(bytes, start);
            finder.run(text, start, seg.run_labels());
        } else {
            i += 1;
        }
    }
    finder.finish(text)
}

/// Finds [`KEEP_WHOLE`] words in the runs of Thai letters the caller reads
/// (so that [`candidates`] needs no separate pass).
#[derive(Debug, Default)]
struct KeepWholeFinder {
    ranges: Vec<std::ops::Range<usize>>,
    /// End of the last occurrence of each word (occurrences of one word do not overlap).
    last_end: [usize; KEEP_WHOLE.len()],
}

impl KeepWholeFinder {
    /// Check the words that start at each letter of a run of Thai word
    /// characters at byte `start` of `text`, given as its trie `labels`
    /// (offsets from U+0E00). Every word is made of such characters, two
    /// or more: one lies inside a run.
    #[inline]
    fn run(&mut self, text: &str, start: usize, labels: &[u8]) {
        for (k, pair) in labels.windows(2).enumerate() {
            let [a, b] = pair else { continue };
            let mask = KEEP_WHOLE_BY_PAIR
                .get(keep_whole_slot(*a, *b))
                .copied()
                .unwrap_or(0);
            if mask != 0 {
                self.at(text, start + 3 * k, mask);
            }
        }
    }

    /// Compare the words of `mask` with the text at byte `i`.
    #[cold]
    fn at(&mut self, text: &str, i: usize, mask: u16) {
        let Some(rest) = text.get(i..) else { return };
        let mut mask = mask;
        while mask != 0 {
            let k = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if let Some(w) = KEEP_WHOLE.get(k)
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
        if has_thai_dot(text) {
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
fn candidates(text: &str, dict: &Dictionary<'_>) -> Candidates {
    if text.is_ascii() {
        let breaks = spaces_only_breaks(text.as_bytes())
            .unwrap_or_else(|| RULES_ONLY.segment_latin1(text.as_bytes()).collect());
        return Candidates {
            breaks,
            keep: Vec::new(),
            in_run: Vec::new(),
        };
    }
    let mut keep = KeepWholeFinder::default();
    let bytes = text.as_bytes();
    let mut seg = Segmenter::reused();
    // The segmenter's spare buffers (no allocation per paragraph).
    let TextBuffers {
        mut masked,
        mut anchors,
        breaks: mut out,
    } = std::mem::take(&mut seg.text_buffers);
    // `masked`: the text with each Thai run replaced by one letter;
    // `anchors`: (offset in `masked`, offset in `text`) just after each run;
    // `out`: the word boundaries inside the runs.
    masked.clear();
    anchors.clear();
    out.clear();
    let mut copied = 0; // text[..copied] is represented in `masked`
    let mut other_complex = false;
    // Whether `masked` has a character beyond ASCII.
    let mut beyond_ascii = false;
    // Words the caller added: known to the segmentation, never broken inside.
    let extra = super::words::current();
    if let Some(words) = &extra {
        words.ranges_in(text, &mut keep.ranges);
    }
    seg.extra = extra;
    // About one boundary per two Thai letters (six bytes) at most.
    let mut in_run = Vec::with_capacity(bytes.len() / 6);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            // Neither Thai nor another complex script.
            i += 1;
            continue;
        }
        if thai_word_char_at(bytes, i) {
            let start = i;
            i = seg.read_run(bytes, start);
            keep.run(text, start, seg.run_labels());
            masked.push_str(text.get(copied..start).unwrap_or_default());
            masked.push(MASK);
            anchors.push((masked.len(), i));
            copied = i;
            let first = out.len();
            seg.label_breaks(dict, start, &mut out);
            let mut known = seg.known_starts().iter().peekable();
            let labels = seg.run_labels();
            in_run.extend(out.get(first..).unwrap_or_default().iter().map(|&p| {
                let silent = if known.next_if_eq(&&p).is_some() {
                    SilentGroup::Known
                } else {
                    SilentGroup::ByPattern
                };
                (p, char_rules_in_run(labels, (p - start) / 3, silent))
            }));
            continue;
        }
        other_complex |= other_complex_script_at(bytes, i);
        beyond_ascii = true;
        i += 1;
    }
    masked.push_str(text.get(copied..).unwrap_or_default());
    let icu = if other_complex {
        *WITH_DICTIONARIES
    } else {
        RULES_ONLY
    };
    // Both lists ascend: merge them (a sort would cost n log n).
    let simple = if beyond_ascii {
        None
    } else {
        spaces_only_breaks(masked.as_bytes())
    };
    let merged = if let Some(simple) = simple {
        merge_ascending(&out, in_text(&anchors, simple.into_iter()))
    } else if beyond_ascii {
        merge_ascending(&out, in_text(&anchors, icu.segment_str(&masked)))
    } else {
        merge_ascending(
            &out,
            in_text(&anchors, icu.segment_latin1(masked.as_bytes())),
        )
    };
    seg.text_buffers = TextBuffers {
        masked,
        anchors,
        breaks: out,
    };
    seg.finish();
    Candidates {
        breaks: merged,
        keep: keep.finish(text),
        in_run,
    }
}

/// Whether UAX #14 puts an ASCII character in a class whose only break
/// among the others so marked is after a run of spaces: letters, digits,
/// `@` and `_` (AL, NU: never broken between), `.` `,` `:` `;` (IS: never
/// broken before, even after a space) and the space (SP: broken after). What
/// surrounds Thai runs on receipts (hotlines, amounts, hosts, e-mail
/// addresses) is made of these.
const fn spaces_only_class(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b',' | b':' | b';' | b'@' | b'_')
}

/// ICU4X's UAX #14 breaks of `text` (0 and its length included, as ICU4X
/// gives them) when every byte is of a [`spaces_only_class`]: then a break
/// falls after each run of spaces that a letter or digit follows, and
/// nowhere else (`spaces_only_breaks_match_icu4x` holds this to ICU4X on
/// every string of up to seven characters of the classes, and on long random
/// ones). `None` for any other text: ICU4X's iterator decides. Most Thai
/// paragraphs, masked, are such text: this skips ICU4X's state machine,
/// about a tenth of a paragraph's layout time.
fn spaces_only_breaks(text: &[u8]) -> Option<Vec<usize>> {
    // One pass without an exit: vector compares.
    if !text.iter().fold(true, |all, &b| all & spaces_only_class(b)) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 + 2);
    out.push(0);
    for (k, pair) in text.windows(2).enumerate() {
        if let [b' ', next] = *pair
            && !matches!(next, b' ' | b'.' | b',' | b':' | b';')
        {
            out.push(k + 1);
        }
    }
    if !text.is_empty() {
        out.push(text.len());
    }
    Some(out)
}

/// The offsets in the text of `breaks`, offsets in the masked copy whose
/// `anchors` are as [`candidates`] builds them: after the k-th run, offsets
/// shift by that run's delta.
fn in_text(
    anchors: &[(usize, usize)],
    breaks: impl Iterator<Item = usize>,
) -> impl Iterator<Item = usize> {
    let mut anchor = anchors.iter().peekable();
    let mut shift = (0usize, 0usize);
    breaks.map(move |m| {
        while let Some(&a) = anchor.next_if(|&&(am, _)| am <= m) {
            shift = a;
        }
        shift.1 + (m - shift.0)
    })
}

/// What [`candidates`] finds.
struct Candidates {
    /// The candidate breaks, ascending.
    breaks: Vec<usize>,
    /// The keep-whole ranges, by start.
    keep: Vec<std::ops::Range<usize>>,
    /// For each candidate inside a run of Thai letters (the dictionary's),
    /// ascending, whether the Thai filter's character rules accept it:
    /// decided from the run's letters while they are at hand
    /// ([`char_rules_in_run`]), with [`SilentGroup::Known`] where a
    /// dictionary word follows (see [`Segmenter::known_starts`]).
    in_run: Vec<(usize, bool)>,
}

/// The union of two ascending sequences, ascending, without duplicates.
fn merge_ascending(a: &[usize], b: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() * 2 + 16);
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
    breaks_with_dictionary(text, spans, Dictionary::builtin())
}

/// [`breaks_with_spans`] with another word list (to measure how much the
/// built-in list's coverage of a text matters).
pub(crate) fn breaks_with_dictionary(
    text: &str,
    spans: &[Span],
    dict: &Dictionary<'_>,
) -> Vec<usize> {
    super::count_work(text.len());
    let Candidates {
        breaks: candidates,
        mut keep,
        in_run,
    } = candidates(text, dict);
    // (One more for the end of the text, which the line filling adds.)
    let mut out = Vec::with_capacity(candidates.len() + 1);
    let units = number_unit_ranges(text, &candidates);
    if !units.is_empty() {
        keep.extend(units);
        keep.sort_by_key(|r| r.start);
    }
    let mut span_iter = spans.iter().peekable();
    // `keep` is sorted by start: `keep_end` is the furthest end of the ranges
    // that start before the candidate.
    let mut keep_iter = keep.iter().peekable();
    let mut keep_end = 0;
    let mut in_run = in_run.into_iter().peekable();
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
        while in_run.next_if(|&(q, _)| q < p).is_some() {}
        let allowed = match in_run.peek() {
            Some(&(q, allowed)) if q == p => allowed,
            // Cheap character rules first; the grapheme check is the costliest.
            _ => {
                char_rules(text, p, SilentGroup::ByPattern, &mut spaces) && graphemes.is_boundary(p)
            }
        };
        if allowed {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
#[path = "breaks_tests.rs"]
mod tests;
