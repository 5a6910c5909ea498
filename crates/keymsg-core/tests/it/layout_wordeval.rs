//! Word-boundary quality of keymsg's Thai break opportunities, measured against
//! an evaluation set NOT built from ICU's dictionary: `benches/data/wordeval.tsv`
//! (2,000 runs of 3-8 words from PyThaiNLP's Thai National Corpus frequency
//! list, joined without spaces; see `benches/wordeval/make_set.py`).
//!
//! Precision = proposed breaks that are true word joins / proposed breaks;
//! recall = true joins proposed / true joins. Raw ICU4X dictionary
//! segmentation is scored on the same set for comparison. keymsg's Thai word
//! list is PyThaiNLP's `words_th.txt`, a different list from the TNC one the
//! set is drawn from, but most common words are in both: the unit test
//! `layout::dict::heldout` scores the dictionary step again with a share of
//! the set's words removed from the list. TNC's tokens are
//! often compounds (ความสามารถ, ขึ้นอยู่กับ) that ICU's finer dictionary
//! splits between its parts; the set marks such compound-internal splits, so
//! the test also prints a lenient precision that excuses them and lists the
//! words most often split wrongly (the real mis-splits, กา|ร, ด้|วย). Run with
//! `cargo test -p keymsg-core --release --test layout_wordeval -- --nocapture`
//! to see the numbers.

// Test helpers outside #[test] functions may index and unwrap too.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;
use std::path::PathBuf;

use icu_segmenter::LineSegmenter;
use icu_segmenter::options::LineBreakOptions;
use keymsg_core::layout::break_opportunities;
use unicode_normalization::char::is_combining_mark;

/// One evaluation line: joined words, the byte offsets of the true joins and
/// of splits inside a compound word between listed sub-words.
struct Case {
    text: String,
    joins: Vec<usize>,
    compound: Vec<usize>,
}

fn offsets(list: &str) -> Vec<usize> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

fn eval_set() -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../benches/data/wordeval.tsv");
    let data = std::fs::read_to_string(&path).unwrap();
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut cols = line.split('\t');
            let text = cols.next().unwrap();
            let joins = offsets(cols.next().unwrap());
            let compound = offsets(cols.next().unwrap_or(""));
            for &j in joins.iter().chain(&compound) {
                assert!(
                    text.is_char_boundary(j) && j > 0 && j < text.len(),
                    "{line}"
                );
            }
            Case {
                text: text.to_owned(),
                joins,
                compound,
            }
        })
        .collect()
}

/// Whether a break at byte `p` of `t` violates Thai orthography: after a
/// leading vowel เ แ โ ใ ไ, or before a combining mark, ะ า ำ ๅ or ๆ.
fn orthographic_violation(t: &str, p: usize) -> bool {
    let before = t[..p].chars().next_back();
    let after = t[p..].chars().next();
    matches!(before, Some('เ' | 'แ' | 'โ' | 'ใ' | 'ไ'))
        || after.is_some_and(|c| is_combining_mark(c) || "ะาำๅๆ".contains(c))
}

#[derive(Default)]
struct Score {
    proposed: usize,
    correct: usize,
    joins: usize,
    compound: usize,
    violations: usize,
    /// Wrong breaks by the true word they fall inside, for diagnosis.
    wrong_in_word: HashMap<String, usize>,
}

impl Score {
    fn add(&mut self, case: &Case, breaks: &[usize]) {
        self.joins += case.joins.len();
        for &b in breaks {
            self.proposed += 1;
            if orthographic_violation(&case.text, b) {
                self.violations += 1;
            }
            if case.joins.binary_search(&b).is_ok() {
                self.correct += 1;
            } else if case.compound.binary_search(&b).is_ok() {
                self.compound += 1;
            } else {
                let start = case.joins.iter().rev().find(|&&j| j < b).copied();
                let end = case.joins.iter().find(|&&j| j > b).copied();
                let word = &case.text[start.unwrap_or(0)..end.unwrap_or(case.text.len())];
                *self.wrong_in_word.entry(word.to_owned()).or_default() += 1;
            }
        }
    }

    fn precision(&self) -> f64 {
        self.correct as f64 / self.proposed.max(1) as f64
    }

    /// Precision that also accepts splits between sub-words of a compound.
    fn lenient_precision(&self) -> f64 {
        (self.correct + self.compound) as f64 / self.proposed.max(1) as f64
    }

    fn recall(&self) -> f64 {
        self.correct as f64 / self.joins.max(1) as f64
    }

    fn report(&self, name: &str) {
        eprintln!(
            "{name:>8}: precision {:.4} ({}/{}), recall {:.4} ({}/{}), orthographic violations {}",
            self.precision(),
            self.correct,
            self.proposed,
            self.recall(),
            self.correct,
            self.joins,
            self.violations,
        );
        eprintln!(
            "{name:>8}: lenient precision {:.4} (+{} compound-internal splits), {} mis-splits",
            self.lenient_precision(),
            self.compound,
            self.proposed - self.correct - self.compound,
        );
        let mut worst: Vec<_> = self.wrong_in_word.iter().collect();
        worst.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = worst
            .iter()
            .take(15)
            .map(|(w, n)| format!("{w}×{n}"))
            .collect();
        eprintln!("{name:>8}: words mis-split most often: {}", top.join(" "));
    }
}

#[test]
fn word_boundary_quality_vs_raw_icu4x() {
    let cases = eval_set();
    assert_eq!(cases.len(), 2000, "evaluation set changed size");
    let icu = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let mut ours = Score::default();
    let mut raw = Score::default();
    for case in &cases {
        ours.add(case, &break_opportunities(&case.text));
        let icu_breaks: Vec<usize> = icu
            .segment_str(&case.text)
            .filter(|&b| b > 0 && b < case.text.len())
            .collect();
        raw.add(case, &icu_breaks);
    }
    ours.report("keymsg");
    raw.report("ICU4X");

    assert_eq!(ours.violations, 0, "keymsg broke against Thai orthography");
    // Floors just under the measured 0.9861 / 0.9655 (ICU4X 0.864 here), so
    // a regression fails. The set is mostly words of the list (see the
    // independent evaluation in `layout_thai_eval.rs` for text that is not).
    assert!(
        ours.precision() >= 0.98,
        "word-boundary precision {:.4} is below 0.98 (ICU4X {:.4})",
        ours.precision(),
        raw.precision()
    );
    assert!(ours.recall() >= 0.96, "recall {:.4}", ours.recall());
}
