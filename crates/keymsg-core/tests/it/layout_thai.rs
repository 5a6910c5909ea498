//! Thai layout against Thai orthographic rules: rule examples, a corpus of
//! natural sentences (with raw ICU4X as a printed comparison), golden layouts
//! a Thai reader can check, and protected spans.

// Test helpers outside #[test] functions may index and unwrap too.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use icu_segmenter::LineSegmenter;
use icu_segmenter::options::LineBreakOptions;
use keymsg_core::layout::{
    self, Align, Profile, WrapOptions, break_opportunities, truncate, width, wrap,
};
use unicode_normalization::char::is_combining_mark;

const LEADING: &str = "เแโใไ";
const FOLLOWING: &str = "ะาำๅ";

fn manifest(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn corpus() -> Vec<String> {
    let path = manifest("../../benches/data/thai-sentences.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Violations of the Thai rules at break offset `p` of `t`, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Violations {
    after_leading_vowel: usize,
    before_vowel_or_mark: usize,
    before_mai_yamok: usize,
}

impl Violations {
    fn check(&mut self, t: &str, p: usize) {
        let a = t[..p].chars().next_back().unwrap();
        let b = t[p..].chars().next().unwrap();
        if LEADING.contains(a) {
            self.after_leading_vowel += 1;
        }
        if FOLLOWING.contains(b) || is_combining_mark(b) {
            self.before_vowel_or_mark += 1;
        }
        if t[p..].trim_start().starts_with('ๆ') {
            self.before_mai_yamok += 1;
        }
    }

    fn total(&self) -> usize {
        self.after_leading_vowel + self.before_vowel_or_mark + self.before_mai_yamok
    }
}

/// Assert the line-edge rules on wrapped output.
fn assert_line_rules(lines: &[String], context: &str) {
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if let Some(first) = trimmed.chars().next()
            && i > 0
        {
            assert!(
                !FOLLOWING.contains(first) && !is_combining_mark(first) && first != 'ๆ',
                "line {i} starts with {first:?}: {lines:?} ({context})"
            );
        }
        if let Some(last) = line.chars().next_back()
            && i + 1 < lines.len()
        {
            assert!(
                !LEADING.contains(last),
                "line {i} ends with {last:?}: {lines:?} ({context})"
            );
        }
    }
}

#[test]
fn thai_rule_examples() {
    // (text, substrings that must never be split)
    let cases = [
        ("กรุณาติดต่อเจ้าหน้าที่ธนาคารด้วยตนเอง", vec!["เจ้า", "หน้าที่"]),
        ("ไม่โอนเงินให้คนแปลกหน้าเด็ดขาด", vec!["ไม่", "โอน", "เงิน"]),
        ("ไปที่ทำงานทุกวัน", vec!["ที่", "ทำ", "งาน"]),
        ("เด็กๆ ชอบเล่นน้ำ", vec!["เด็กๆ", "น้ำ"]),
        ("ของใช้ต่างๆ นานา", vec!["ต่างๆ"]),
        ("เด็ก ๆ ชอบกินขนม", vec!["เด็ก ๆ"]),
        ("เดินทางไปกรุงเทพฯ วันนี้", vec!["กรุงเทพฯ"]),
        ("ผัก ผลไม้ ฯลฯ", vec!["ฯลฯ"]),
        ("ซ่อมปั๊มน้ำที่บ้าน", vec!["ปั๊ม", "น้ำ"]),
        ("ราคากี่บาท", vec!["กี่"]),
    ];
    for (text, keep) in cases {
        // The widest unit between break opportunities: below it, wrap falls
        // back to Thai character clusters and may split words (not syllables).
        let mut bounds = vec![0];
        bounds.extend(break_opportunities(text));
        bounds.push(text.len());
        let widest = bounds
            .windows(2)
            .map(|w| layout::width(text[w[0]..w[1]].trim_end()))
            .max()
            .unwrap();
        // The widest Thai character cluster: below it even clusters split.
        let mut tcc = vec![0];
        tcc.extend(layout::tcc_boundaries(text));
        tcc.push(text.len());
        let widest_cluster = tcc
            .windows(2)
            .map(|w| layout::width(&text[w[0]..w[1]]))
            .max()
            .unwrap();
        for width in 1..=text.chars().count() {
            let lines = wrap(text, &WrapOptions::new(width)).unwrap();
            if width >= widest_cluster {
                assert_line_rules(&lines, text);
            }
            for word in &keep {
                let word_width = layout::width(word);
                if word_width > width || width < widest {
                    continue;
                }
                assert!(
                    lines.iter().any(|l| l.contains(word)),
                    "{word:?} split at width {width}: {lines:?}"
                );
            }
        }
        let mut v = Violations::default();
        for p in break_opportunities(text) {
            v.check(text, p);
        }
        assert_eq!(v.total(), 0, "{text}: {v:?}");
    }
}

#[test]
fn corpus_has_zero_orthographic_breaks_and_raw_icu_is_counted() {
    let corpus = corpus();
    assert!(corpus.len() >= 100, "corpus has {} sentences", corpus.len());
    let raw_segmenter = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let (mut ours, mut raw) = (Violations::default(), Violations::default());
    let (mut ours_breaks, mut raw_breaks) = (0, 0);
    for sentence in &corpus {
        for p in break_opportunities(sentence) {
            ours.check(sentence, p);
            ours_breaks += 1;
        }
        for p in raw_segmenter.segment_str(sentence) {
            if p > 0 && p < sentence.len() {
                raw.check(sentence, p);
                raw_breaks += 1;
            }
        }
        for w in [8, 12, 16, 20, 24, 32] {
            let lines = wrap(sentence, &WrapOptions::new(w)).unwrap();
            assert_line_rules(&lines, sentence);
            assert!(lines.iter().all(|l| width(l) <= w), "{lines:?}");
        }
    }
    println!(
        "corpus: {} sentences; keymsg: {ours_breaks} break opportunities, {ours:?}; \
         raw ICU4X dictionary: {raw_breaks} break opportunities, {raw:?}",
        corpus.len()
    );
    assert_eq!(ours, Violations::default());
}

/// Render one golden file: the message wrapped at 32, 42 and 48 columns.
fn render_golden(text: &str) -> String {
    let mut out = String::new();
    for w in [32, 42, 48] {
        out.push_str(&format!("# width {w}\n"));
        for line in wrap(text, &WrapOptions::new(w)).unwrap() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn golden_layouts() {
    let messages = [
        (
            "aoc-1441",
            "มิจฉาชีพมักแอบอ้างเป็นเจ้าหน้าที่ธนาคาร ตำรวจ หรือหน่วยงานรัฐ โทรมาหลอกให้โอนเงินหรือกดลิงก์ อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโทรสายด่วน 1441 ตลอด 24 ชั่วโมง",
        ),
        (
            "mule-account",
            "อย่ารับจ้างเปิดบัญชีหรือให้เช่าบัญชีธนาคาร บัญชีม้ามีความผิดตามกฎหมายทั้งจำคุกและปรับ แจ้งเบาะแสได้ที่ thaipoliceonline.go.th",
        ),
        (
            "utility-link",
            "การไฟฟ้าไม่มีนโยบายส่งลิงก์ให้ติดตั้งแอปพลิเคชันหรือโทรแจ้งตัดไฟ หากได้รับข้อความลักษณะนี้ อย่ากดลิงก์และอย่าให้ข้อมูลส่วนตัวใดๆ ทั้งสิ้น",
        ),
        (
            "investment",
            "แก๊งหลอกลงทุนออนไลน์มักอ้างผลตอบแทนสูงเกินจริง ไม่มีการลงทุนใดที่ได้กำไรแน่นอนทุกวัน ตรวจสอบก่อนลงทุนทุกครั้ง",
        ),
    ];
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for (name, text) in messages {
        let path = manifest(&format!("tests/golden/layout/{name}.txt"));
        let actual = render_golden(text);
        if update {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
        assert_eq!(actual, expected, "golden {name} differs");
    }
}

#[test]
fn profiles_wrap_receipts_within_their_budget() {
    let text = "มิจฉาชีพมักแอบอ้างเป็นเจ้าหน้าที่ธนาคาร อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโทรสายด่วน 1441";
    for name in [
        "receipt-58mm",
        "receipt-80mm",
        "receipt-80mm-42",
        "invoice-a4",
        "billboard",
    ] {
        let p = Profile::builtin(name).unwrap();
        let w = p.width().unwrap();
        let opts = WrapOptions::new(w)
            .max_lines(p.max_lines())
            .align(Align::Left);
        let lines = wrap(text, &opts).unwrap();
        assert!(lines.len() <= p.max_lines().unwrap());
        assert!(lines.iter().all(|l| width(l) <= w));
        assert_line_rules(&lines, name);
    }
}

// Protected spans: ICU alone already keeps plain digit runs together, but
// hyphenated phone numbers, amounts and URLs need `text::spans`.

#[test]
fn hotline_number_is_never_cut() {
    let text = "หากสงสัยโทร 1441";
    for w in 1..=width(text) {
        let out = truncate(text, w, "…").unwrap();
        assert!(
            !out.contains("144…") && !out.contains("14…") && !out.contains("1…"),
            "{out}"
        );
    }
}

#[test]
fn protected_spans_stay_whole() {
    for (text, span) in [
        ("โอนเงิน ฿5,000.00 แล้วใช่ไหม", "฿5,000.00"),
        (
            "แจ้งความที่ https://thaipoliceonline.go.th/report ได้เลย",
            "https://thaipoliceonline.go.th/report",
        ),
        ("โทร 02-123-4567 ในเวลาราชการ", "02-123-4567"),
    ] {
        let at = text.find(span).unwrap();
        for p in break_opportunities(text) {
            assert!(
                p <= at || p >= at + span.len(),
                "break at {p} inside {span}"
            );
        }
        for w in 1..=width(text) {
            let out = truncate(text, w, "…").unwrap();
            let body = out.trim_end_matches('…');
            assert!(
                !body.contains(&span[..span.len() - 1]) || body.contains(span),
                "{span} cut: {out}"
            );
            if w >= width(span) {
                let lines = wrap(text, &WrapOptions::new(w)).unwrap();
                assert!(
                    lines.iter().any(|l| l.contains(span)),
                    "{span} split: {lines:?}"
                );
            }
        }
    }
}
