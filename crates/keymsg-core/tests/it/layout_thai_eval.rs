//! Word-boundary quality on text independent of the word list:
//! `tests/data/thai-eval-*.txt`, 308 sentences of scam warnings, public-service
//! announcements, news and bills written and segmented by hand before the
//! word list was read (provenance in `tests/data/README.md`).
//!
//! Only breaks inside a run without spaces are scored (a break after a space
//! is right by construction). A break is right at a word boundary `|`, and
//! acceptable at `~` (between the parts of a compound such as เจ้า~หน้าที่);
//! precision counts both, strict precision only `|`. Breaks inside or at the
//! edge of a word that the shipped word list does not hold are scored apart:
//! that is where the list cannot help and the syllable rules must. Run with
//! `cargo test -p keymsg-core --release --test it layout_thai_eval -- --nocapture`
//! to see the numbers.

#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use std::collections::HashSet;
use std::path::PathBuf;

use icu_segmenter::LineSegmenter;
use icu_segmenter::options::LineBreakOptions;
use keymsg_core::layout::break_opportunities;

/// One sentence: its text, word boundaries, compound-internal boundaries,
/// and its words (compounds whole) as byte ranges.
struct Sentence {
    text: String,
    words: Vec<usize>,
    compounds: Vec<usize>,
    spans: Vec<(usize, usize)>,
}

fn repo_file(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sentences() -> Vec<Sentence> {
    let mut out = Vec::new();
    for part in ["scam", "psa", "news", "bills"] {
        for line in repo_file(&format!("tests/data/thai-eval-{part}.txt")).lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut s = Sentence {
                text: String::new(),
                words: Vec::new(),
                compounds: Vec::new(),
                spans: Vec::new(),
            };
            let mut word_start = 0;
            for c in line.chars() {
                match c {
                    '|' | ' ' => {
                        s.spans.push((word_start, s.text.len()));
                        if c == '|' {
                            s.words.push(s.text.len());
                        } else {
                            s.text.push(' ');
                        }
                        word_start = s.text.len();
                    }
                    '~' => s.compounds.push(s.text.len()),
                    _ => s.text.push(c),
                }
            }
            s.spans.push((word_start, s.text.len()));
            out.push(s);
        }
    }
    out
}

#[derive(Default, Debug)]
struct Score {
    proposed: usize,
    right: usize,
    compound: usize,
    gold: usize,
    oov_proposed: usize,
    oov_right: usize,
    wrong: Vec<String>,
}

impl Score {
    fn add(&mut self, s: &Sentence, breaks: &[usize], known: &HashSet<&str>) {
        self.gold += s.words.len();
        let t = &s.text;
        for &b in breaks {
            let around = (t[..b].chars().next_back(), t[b..].chars().next());
            if matches!(around, (Some(' '), _) | (_, Some(' '))) {
                continue;
            }
            self.proposed += 1;
            let ok_word = s.words.contains(&b);
            let ok_compound = s.compounds.contains(&b);
            self.right += usize::from(ok_word);
            self.compound += usize::from(ok_compound);
            // The word the break falls in, or the two it falls between.
            let touching: Vec<&str> = s
                .spans
                .iter()
                .filter(|&&(a, e)| a <= b && b <= e)
                .map(|&(a, e)| &t[a..e])
                .collect();
            let thai_word = |w: &str| w.chars().any(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c));
            if touching.iter().any(|w| thai_word(w) && !known.contains(w)) {
                self.oov_proposed += 1;
                self.oov_right += usize::from(ok_word || ok_compound);
            }
            if !ok_word && !ok_compound {
                self.wrong.push(format!("{}|{}", &t[..b], &t[b..]));
            }
        }
    }
    fn precision(&self) -> f64 {
        (self.right + self.compound) as f64 / self.proposed.max(1) as f64
    }
    fn strict(&self) -> f64 {
        self.right as f64 / self.proposed.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.right as f64 / self.gold.max(1) as f64
    }
    fn oov_precision(&self) -> f64 {
        self.oov_right as f64 / self.oov_proposed.max(1) as f64
    }
    fn report(&self, name: &str) {
        eprintln!(
            "{name:>8}: precision {:.4} ({}+{}/{}), strict {:.4}, recall {:.4} ({}/{}); \
             at or inside words not in the list: precision {:.4} ({}/{})",
            self.precision(),
            self.right,
            self.compound,
            self.proposed,
            self.strict(),
            self.recall(),
            self.right,
            self.gold,
            self.oov_precision(),
            self.oov_right,
            self.oov_proposed
        );
    }
}

#[test]
fn independent_thai_evaluation() {
    let set = sentences();
    assert!(set.len() >= 300, "{}", set.len());
    // The shipped list: PyThaiNLP's words, the domain vocabulary, place names.
    let list = ["thai-words", "thai-words-domain", "thai-places"]
        .map(|f| repo_file(&format!("crates/keymsg-core/data/{f}.txt")))
        .join("\n");
    let known: HashSet<&str> = list.lines().map(str::trim).collect();
    let words: HashSet<&str> = set
        .iter()
        .flat_map(|s| s.spans.iter().map(|&(a, e)| &s.text[a..e]))
        .filter(|w| w.chars().any(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c)))
        .collect();
    let unknown: Vec<&&str> = words.iter().filter(|w| !known.contains(*w)).collect();
    eprintln!(
        "{} sentences, {} Thai word types, {} not in the word list",
        set.len(),
        words.len(),
        unknown.len()
    );
    let icu = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let (mut ours, mut raw) = (Score::default(), Score::default());
    for s in &set {
        ours.add(s, &break_opportunities(&s.text), &known);
        let b: Vec<usize> = icu
            .segment_str(&s.text)
            .filter(|&b| b > 0 && b < s.text.len())
            .collect();
        raw.add(s, &b, &known);
    }
    ours.report("keymsg");
    if std::env::var_os("THAI_EVAL_MISSED").is_some() {
        for s in &set {
            let b = break_opportunities(&s.text);
            for &w in &s.words {
                let t = &s.text;
                let around = (t[..w].chars().next_back(), t[w..].chars().next());
                if !b.contains(&w) && !matches!(around, (Some(' '), _) | (_, Some(' '))) {
                    let a = t[..w].char_indices().rev().nth(3).map_or(0, |x| x.0);
                    let e = t[w..].char_indices().nth(4).map_or(t.len(), |x| x.0 + w);
                    eprint!("{}|{}  ", &t[a..w], &t[w..e]);
                }
            }
        }
        eprintln!();
    }
    raw.report("ICU4X");
    eprintln!("keymsg wrong breaks: {}", ours.wrong.join("  "));
    // Floors a few thousandths under the measured values (precision 0.9976,
    // strict 0.9584, recall 0.8572, on words not in the list 0.9908), so a
    // regression fails; and never below ICU4X on the same text.
    assert!(
        ours.precision() >= 0.99,
        "precision {:.4}",
        ours.precision()
    );
    assert!(
        ours.strict() >= 0.95,
        "strict precision {:.4}",
        ours.strict()
    );
    assert!(ours.recall() >= 0.85, "recall {:.4}", ours.recall());
    assert!(
        ours.oov_precision() >= 0.96,
        "precision on unknown words {:.4}",
        ours.oov_precision()
    );
    assert!(ours.precision() > raw.precision() && ours.oov_precision() > raw.oov_precision());
}
