//! A unit wider than the line, cut no finer than it must: component words,
//! then syllables, then Thai character clusters, then graphemes.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::dict::component_breaks;
use super::syllable::{possible_syllable_boundaries, syllable_boundaries};
use super::tcc::tcc_boundaries;
use super::width::width;
use crate::vocab::thai::{char_rules_allow, is_thai_letter_or_sign};

/// Split `p[range]`, which is wider than the line, into lines, cutting it
/// no finer than it must: at the component words of a word list entry
/// (ธนาคาร|แห่ง|ประเทศ|ไทย), then, inside a piece still too wide, between
/// Thai syllables, then at Thai character cluster boundaries, and a cluster
/// still too wide at grapheme boundaries the Thai character rules allow (so
/// a lone leading vowel never ends a line even at width 1: such a cluster
/// overflows instead).
pub(super) fn split_overlong(
    p: &str,
    range: Range<usize>,
    width_limit: usize,
) -> Vec<Range<usize>> {
    let unit = p.get(range.clone()).unwrap_or("");
    let clusters = tcc_boundaries(unit);
    let mut words: Vec<usize> = Vec::new();
    let mut run_start = None;
    for (i, c) in unit.char_indices().chain([(unit.len(), ' ')]) {
        match (is_thai_letter_or_sign(c), run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                run_start = None;
                let run = unit.get(s..i).unwrap_or("");
                words.extend(component_breaks(run).into_iter().map(|b| s + b));
            }
            _ => {}
        }
    }
    if !unit.chars().any(is_thai_letter_or_sign) {
        // A long URL, host or e-mail address: only after / . - ? (a label
        // is cut only when it alone is wider than the line).
        words.extend(
            unit.char_indices()
                .filter(|&(_, c)| matches!(c, '/' | '.' | '-' | '?'))
                .map(|(i, c)| i + c.len_utf8())
                .filter(|&i| i < unit.len()),
        );
    }
    let syllables_of_run = enclosing_run_syllables(p, range.clone());
    words.retain(|b| {
        clusters.binary_search(b).is_ok()
            && (!is_thai_at(unit, *b) || syllables_of_run.1.binary_search(b).is_ok())
    });
    let mut cuts: Vec<usize> = Vec::new();
    let too_wide = |a: usize, b: usize| unit.get(a..b).map_or(0, width) > width_limit;
    let mut prev = 0;
    for w in words.into_iter().chain([unit.len()]) {
        if too_wide(prev, w) {
            // Between syllables, then clusters, inside this piece. A syllable
            // edge is a place to cut even where the clusters join across it
            // (ใป|กือ: a leading vowel's cluster takes a next consonant that
            // carries a vowel, right for ใกล้ but not here).
            let mut syllables: Vec<usize> = syllables_of_run
                .0
                .iter()
                .copied()
                .filter(|&b| {
                    b > prev
                        && b < w
                        && (clusters.binary_search(&b).is_ok() || char_rules_allow(unit, b))
                })
                .collect();
            syllables.push(w);
            let mut sp = prev;
            for s in syllables {
                if too_wide(sp, s) {
                    cluster_cuts(unit, &clusters, sp, s, width_limit, &mut cuts);
                }
                cuts.push(s);
                sp = s;
            }
        } else {
            cuts.push(w);
        }
        prev = w;
    }
    let mut lines = Vec::new();
    let (mut ls, mut lw, mut piece_start) = (0, 0, 0);
    for cut in cuts {
        let w = unit.get(piece_start..cut).map_or(0, width);
        if lw + w > width_limit && piece_start > ls {
            lines.push(range.start + ls..range.start + piece_start);
            ls = piece_start;
            lw = 0;
        }
        lw += w;
        piece_start = cut;
    }
    lines.push(range.start + ls..range.end);
    lines
}

/// Whether Thai letters stand on both sides of byte `b` of `s`.
fn is_thai_at(s: &str, b: usize) -> bool {
    let before = s.get(..b).and_then(|x| x.chars().next_back());
    let after = s.get(b..).and_then(|x| x.chars().next());
    before.is_some_and(is_thai_letter_or_sign) && after.is_some_and(is_thai_letter_or_sign)
}

/// The syllable boundaries inside `p[range]`, relative to its start, found
/// on the whole run of Thai letters around it (a unit may start or end inside
/// a run, where syllables read on their own would differ): the ones the rules
/// find, and every place a syllable may start.
fn enclosing_run_syllables(p: &str, range: Range<usize>) -> (Vec<usize>, Vec<usize>) {
    let before = p.get(..range.start).unwrap_or("");
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_thai_letter_or_sign(c))
        .last()
        .map_or(range.start, |(i, _)| i);
    let after = p.get(range.end..).unwrap_or("");
    let end = range.end
        + after
            .char_indices()
            .find(|&(_, c)| !is_thai_letter_or_sign(c))
            .map_or(after.len(), |(i, _)| i);
    let run = p.get(start..end).unwrap_or("");
    let inside = |v: Vec<usize>| -> Vec<usize> {
        v.into_iter()
            .map(|b| start + b)
            .filter(|&b| b > range.start && b < range.end)
            .map(|b| b - range.start)
            .collect()
    };
    (
        inside(syllable_boundaries(run)),
        inside(possible_syllable_boundaries(run)),
    )
}

/// Cuts inside `unit[from..to]` (a syllable wider than the line): its Thai
/// character cluster boundaries, and inside a cluster still too wide, the
/// grapheme boundaries the Thai character rules allow.
fn cluster_cuts(
    unit: &str,
    clusters: &[usize],
    from: usize,
    to: usize,
    width_limit: usize,
    cuts: &mut Vec<usize>,
) {
    let mut prev = from;
    let inside = clusters.iter().copied().filter(|&b| b > from && b < to);
    for b in inside.chain([to]) {
        let cluster = unit.get(prev..b).unwrap_or("");
        if width(cluster) > width_limit {
            cuts.extend(
                cluster
                    .grapheme_indices(true)
                    .map(|(i, _)| prev + i)
                    .filter(|&i| i > prev && char_rules_allow(unit, i)),
            );
        }
        if b < to {
            cuts.push(b);
        }
        prev = b;
    }
}

#[cfg(test)]
mod tests {
    use crate::layout::{WrapOptions, wrap};

    #[test]
    fn sara_uee_keeps_its_o_in_a_unit_cut_to_the_line() {
        // ใป / กือ / กา: ◌ื and the อ that completes it are one syllable,
        // also after a leading vowel's cluster took the next consonant.
        let lines = wrap("ใปกือกา", &WrapOptions::new(3)).unwrap();
        assert!(lines.iter().all(|l| !l.starts_with('อ')), "{lines:?}");
        assert_eq!(lines.concat(), "ใปกือกา");
        assert_eq!(wrap("ใปกือ", &WrapOptions::new(3)).unwrap(), ["ใป", "กือ"]);
    }
}
