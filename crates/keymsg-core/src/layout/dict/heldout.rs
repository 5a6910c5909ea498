//! How much of the word-boundary precision comes from the dictionary knowing
//! the evaluation's words: the evaluation sets are scored with dictionaries
//! from which a share of their word types has been removed.
//!
//! - `benches/data/wordeval.tsv` (TNC words): the dictionary step alone;
//! - `tests/data/thai-eval-*.txt` (hand-segmented domain prose): the whole
//!   break pipeline (UAX #14, dictionary, syllables, Thai filter, spans), with
//!   PyThaiNLP's list only (without the domain vocabulary and place names) less
//!   20 % of the set's word types, against ICU4X's dictionary on the same text.

// Test code may index and unwrap.
#![allow(clippy::indexing_slicing, clippy::unwrap_used)]

use std::collections::HashSet;
use std::path::PathBuf;

use super::{Dictionary, Segmenter};
use crate::layout::breaks::breaks_with_dictionary;
use crate::text::spans::protected_spans;
use crate::vocab::thai::char_rules_allow;
// A fixed, reproducible share of words is dropped by hash, without a RNG.
use crate::fnv::fnv1a64;

struct Case {
    text: String,
    joins: Vec<usize>,
}

fn read(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cases() -> Vec<Case> {
    read("../../benches/data/wordeval.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let text = cols.next().unwrap().to_owned();
            let joins = cols
                .next()
                .unwrap()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            Case { text, joins }
        })
        .collect()
}

/// The words of a case, cut at its true joins.
fn words(case: &Case) -> Vec<&str> {
    let mut cuts = vec![0];
    cuts.extend(&case.joins);
    cuts.push(case.text.len());
    cuts.windows(2).map(|w| &case.text[w[0]..w[1]]).collect()
}

/// (precision, recall) of dictionary breaks that pass the Thai character rules.
fn score(dict: &Dictionary<'_>, cases: &[Case]) -> (f64, f64) {
    let (mut proposed, mut correct, mut joins) = (0usize, 0usize, 0usize);
    let mut seg = Segmenter::default();
    for case in cases {
        let mut out = Vec::new();
        seg.run_breaks(dict, &case.text, 0, &mut out);
        out.retain(|&p| char_rules_allow(&case.text, p));
        joins += case.joins.len();
        proposed += out.len();
        correct += out.iter().filter(|p| case.joins.contains(p)).count();
    }
    (
        correct as f64 / proposed.max(1) as f64,
        correct as f64 / joins.max(1) as f64,
    )
}

/// Precision of whole-pipeline breaks on the TNC cases.
fn pipeline_precision(cases: &[Case], breaks: impl Fn(&str) -> Vec<usize>) -> f64 {
    let (mut proposed, mut correct) = (0usize, 0usize);
    for case in cases {
        let out = breaks(&case.text);
        proposed += out.len();
        correct += out.iter().filter(|p| case.joins.contains(p)).count();
    }
    correct as f64 / proposed.max(1) as f64
}

#[test]
fn precision_with_evaluation_words_held_out() {
    let cases: Vec<Case> = cases()
        .into_iter()
        // The dictionary step only sees runs of Thai letters.
        .filter(|c| c.text.chars().all(super::trie::is_thai_word_char))
        .collect();
    assert!(cases.len() > 1900, "{}", cases.len());
    let list = read("data/thai-words.txt");
    let dictionary: HashSet<&str> = list.lines().map(str::trim).collect();
    let eval_words: HashSet<&str> = cases.iter().flat_map(words).collect();
    let known = eval_words
        .iter()
        .filter(|w| dictionary.contains(*w))
        .count();
    eprintln!(
        "dictionary: {} entries; evaluation: {} word types, {known} ({:.1} %) in the dictionary",
        dictionary.len(),
        eval_words.len(),
        100.0 * known as f64 / eval_words.len() as f64
    );
    let mut results = Vec::new();
    for (label, one_in) in [
        ("full list", 0u64),
        ("5 % held out", 20),
        ("20 % held out", 5),
    ] {
        let kept = list.lines().map(str::trim).filter(|w| {
            one_in == 0 || !eval_words.contains(w) || !fnv1a64(w.as_bytes()).is_multiple_of(one_in)
        });
        let bytes = Dictionary::serialise(kept);
        let dict = Dictionary::parse(&bytes).unwrap();
        let (p, r) = score(&dict, &cases);
        let whole = pipeline_precision(&cases, |t| {
            breaks_with_dictionary(t, &protected_spans(t), &dict)
        });
        eprintln!(
            "{label:>14}: dictionary step precision {p:.4}, recall {r:.4}; whole pipeline precision {whole:.4}"
        );
        results.push(whole);
    }
    let icu = icu_segmenter::LineSegmenter::new_dictionary(Default::default());
    let icu_precision = pipeline_precision(&cases, |t| {
        icu.segment_str(t)
            .filter(|&b| b > 0 && b < t.len())
            .collect()
    });
    eprintln!("         ICU4X: precision {icu_precision:.4}");
    // With a fifth of the evaluation's word types unknown, the whole
    // pipeline must still beat ICU4X's own dictionary, which knows them.
    assert!(
        results[2] >= icu_precision,
        "20 % held out: {:.4} < ICU4X {icu_precision:.4}",
        results[2]
    );
    // The full list scores far above ICU4X's 0.864; with a twentieth of the
    // evaluation's word types unknown (some of them frequent function
    // words), precision must still meet the layout's 0.92 bar.
    assert!(results[0] >= 0.95, "{results:?}");
    assert!(results[1] >= 0.92, "{results:?}");
}

/// One hand-segmented sentence: text, word boundaries `|`, compound-internal
/// boundaries `~`, and its words (compounds whole).
struct Sentence {
    text: String,
    words: Vec<usize>,
    compounds: Vec<usize>,
    tokens: Vec<String>,
}

fn domain_sentences() -> Vec<Sentence> {
    let mut out = Vec::new();
    for part in ["scam", "psa", "news", "bills"] {
        for line in read(&format!("../../tests/data/thai-eval-{part}.txt")).lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut s = Sentence {
                text: String::new(),
                words: Vec::new(),
                compounds: Vec::new(),
                tokens: Vec::new(),
            };
            let mut start = 0;
            for c in line.chars() {
                match c {
                    '|' | ' ' => {
                        s.tokens.push(s.text[start..].to_owned());
                        if c == '|' {
                            s.words.push(s.text.len());
                        } else {
                            s.text.push(' ');
                        }
                        start = s.text.len();
                    }
                    '~' => s.compounds.push(s.text.len()),
                    _ => s.text.push(c),
                }
            }
            s.tokens.push(s.text[start..].to_owned());
            out.push(s);
        }
    }
    out
}

/// Precision of breaks inside runs without spaces (`|` or `~` is right).
fn domain_precision(set: &[Sentence], breaks: impl Fn(&str) -> Vec<usize>) -> f64 {
    let (mut proposed, mut right) = (0usize, 0usize);
    for s in set {
        for b in breaks(&s.text) {
            let t = &s.text;
            if t[..b].ends_with(' ') || t[b..].starts_with(' ') {
                continue;
            }
            proposed += 1;
            right += usize::from(s.words.contains(&b) || s.compounds.contains(&b));
        }
    }
    right as f64 / proposed.max(1) as f64
}

#[test]
fn domain_precision_without_the_new_vocabulary_and_with_words_held_out() {
    let set = domain_sentences();
    assert!(set.len() >= 300, "{}", set.len());
    let tokens: HashSet<String> = set
        .iter()
        .flat_map(|s| s.tokens.iter().map(|t| t.replace('~', "")))
        .collect();
    let list = read("data/thai-words.txt");
    let icu = icu_segmenter::LineSegmenter::new_dictionary(Default::default());
    let raw = domain_precision(&set, |t| {
        icu.segment_str(t)
            .filter(|&b| b > 0 && b < t.len())
            .collect()
    });
    // Without the domain vocabulary and place names: PyThaiNLP's list alone.
    let bytes = Dictionary::serialise(list.lines().map(str::trim));
    let general = Dictionary::parse(&bytes).unwrap();
    let without_vocabulary = domain_precision(&set, |t| {
        breaks_with_dictionary(t, &protected_spans(t), &general)
    });
    // And a fifth of the set's word types removed from that list too.
    let held_out = |w: &str| tokens.contains(w) && fnv1a64(w.as_bytes()).is_multiple_of(5);
    let removed = list.lines().map(str::trim).filter(|w| held_out(w)).count();
    let bytes = Dictionary::serialise(list.lines().map(str::trim).filter(|w| !held_out(w)));
    let dict = Dictionary::parse(&bytes).unwrap();
    let fifth_out = domain_precision(&set, |t| {
        breaks_with_dictionary(t, &protected_spans(t), &dict)
    });
    eprintln!(
        "domain set (ICU4X {raw:.4}): without the new vocabulary {without_vocabulary:.4}; \
         also without {removed} of the set's words {fifth_out:.4}"
    );
    // Measured 0.9876 and 0.9181 (ICU4X, whose dictionary keeps every word, 0.9277).
    assert!(without_vocabulary >= 0.98, "{without_vocabulary:.4}");
    assert!(fifth_out >= 0.90, "{fifth_out:.4}");
}
