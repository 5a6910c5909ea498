//! The layout entry points that read only part of a text (truncate, wrap
//! with a line limit, fit) against the same layout of the whole text, and
//! the work of every entry point against the length of the text.

#![allow(clippy::indexing_slicing, clippy::unwrap_used)]

use proptest::prelude::*;

use super::breaks::breaks_with_spans;
use super::fit::fit_or_cut;
use super::truncate::truncate_by;
use super::width::graphemes;
use super::window::WINDOW_MARGIN;
use super::wrap::{line_text, wrap_ranges, wrap_within};
use super::*;
use crate::text::spans::protected_spans;

const CORPUS: &str = include_str!("../../../../benches/data/thai-sentences.txt");

/// Things that decide breaks, spans and clusters, each a few times over.
const PIECES: &[&str] = &[
    " ",
    " ",
    "  ",
    "     ",
    "\n",
    "\r\n",
    "\t",
    "1441",
    "02-123-4567",
    "+66 2 123 4567",
    "฿5,000.00",
    "฿ 5",
    "1,500 บาท",
    "5 baht",
    "3 THB",
    "thaipoliceonline.go.th",
    "https://www.pea.co.th/a_(b)?x=1).",
    "a.b@mail.co.th",
    "กฟน.",
    "พ.ร.บ.",
    "ชม. ",
    "เด็กๆ",
    "เด็ก ๆ",
    "ฯลฯ",
    "กรุงเทพฯ",
    "โทรศัพท์",
    "คอลเซ็นเตอร์",
    "สายด่วน",
    "จันทร์",
    "ศาสตร์",
    "น้ำ",
    "ก็",
    "😀",
    "🇹🇭🇹🇭",
    "👩\u{200D}👩\u{200D}👧",
    "日本語",
    "ສະບາຍດີ",
    "\u{00A0}",
    "\u{200B}",
    "\u{2060}",
    "e\u{301}",
    "“คำพูด”",
    "(วงเล็บ)",
    "OTP",
    "bank",
    "the",
    "...",
    "-",
    "๑๔๔๑",
    "ext. 12",
    "ต่อ 5",
    "เ",
    "ไ",
    "ะ",
    "่",
    "ๆ",
    "ฯ",
    "\u{0E48}\u{0E38}",
    "ก่่่่",
    "www.example.com/p",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "http://",
    "@",
    "@x.co.th",
    "www.",
    ".com",
    ".th",
    "/",
    "?q=",
    "(",
    ")",
    ".",
    "1",
];

fn sentences() -> Vec<&'static str> {
    CORPUS.lines().collect()
}

/// A random piece: a slice of a corpus sentence, a fixed piece, or a long run
/// of Thai letters (sentences without their spaces, over the dictionary's chunk).
fn piece() -> impl Strategy<Value = String> {
    let n = sentences().len();
    let slice = (
        0..n,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(s, a, b)| {
            let chars: Vec<char> = sentences()[s].chars().collect();
            let (a, b) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
            chars[a.min(b)..a.max(b)].iter().collect()
        });
    let long_run = (0..n, 4usize..24).prop_map(|(s, k)| {
        let all = sentences();
        (0..k)
            .map(|i| all[(s + i) % all.len()])
            .collect::<String>()
            .chars()
            .filter(|c| ('\u{0E01}'..='\u{0E4E}').contains(c))
            .collect()
    });
    prop_oneof![
        5 => slice,
        1 => long_run,
        5 => prop::sample::select(PIECES).prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn ellipsis() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["…", "...", "", "→", "ฯลฯ"])
}

/// Truncation as it was before it read only a prefix: the whole text prepared,
/// then cut.
fn truncate_whole(text: &str, width_limit: usize, ellipsis: &str) -> Result<String, LayoutError> {
    let text = prepare(text)?.replace('\n', " ");
    let ellipsis = prepare(ellipsis)?.replace('\n', " ");
    truncate_by(&text, &ellipsis, false, |s| width(s) <= width_limit)
        .map(|(s, _)| s)
        .ok_or_else(|| LayoutError::EllipsisTooWide {
            ellipsis: ellipsis.clone(),
            ellipsis_width: width(&ellipsis),
            width: width_limit,
        })
}

/// Wrapping with a line limit as it was before it read only a prefix: every
/// line of the whole text, then the last kept line cut.
fn wrap_whole(text: &str, opts: &WrapOptions) -> Result<Vec<String>, LayoutError> {
    let text = prepare(text)?;
    let lines = wrap_ranges(&text, opts.width);
    let limit = opts.max_lines.unwrap_or(usize::MAX);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i + 1 == limit && lines.len() > limit {
            let start = line.range.start;
            let end = text[start..].find('\n').map_or(text.len(), |k| start + k);
            let ellipsis = prepare(&opts.ellipsis)?.replace('\n', " ");
            let (last, _) = truncate_by(&text[start..end], &ellipsis, true, |s| {
                width(s) <= opts.width
            })
            .ok_or_else(|| LayoutError::EllipsisTooWide {
                ellipsis: ellipsis.clone(),
                ellipsis_width: width(&ellipsis),
                width: opts.width,
            })?;
            out.push(last);
            break;
        }
        out.push(line_text(&text, line));
    }
    Ok(out
        .into_iter()
        .map(|l| wrap::align_line(l, opts.width, opts.align))
        .collect())
}

proptest! {
    // PROPTEST_CASES=N runs more (a few thousand take minutes).
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn truncate_reads_a_prefix_and_answers_as_for_the_whole(
        t in text(), width in 1usize..100, e in ellipsis()
    ) {
        prop_assert_eq!(truncate(&t, width, e), truncate_whole(&t, width, e));
    }

    #[test]
    fn wrap_with_a_line_limit_answers_as_for_the_whole(
        t in text(), width in 1usize..60, m in 1usize..7, e in ellipsis()
    ) {
        let opts = WrapOptions::new(width).max_lines(Some(m)).ellipsis(e).align(Align::Right);
        prop_assert_eq!(wrap(&t, &opts), wrap_whole(&t, &opts));
    }

    #[test]
    fn fit_reads_only_what_its_budget_needs(
        t in text(), width in 1usize..60, m in 1usize..7, budget in 0usize..200
    ) {
        let opts = WrapOptions::new(width);
        let all = wrap(&t, &opts).unwrap();
        let within = wrap_within(&t, &opts, m).unwrap();
        prop_assert_eq!(within, (all.len() <= m).then_some(all));
        let fits = |s: &str| graphemes(s) <= budget;
        let whole = truncate_by(&prepare(&t).unwrap(), "…", false, fits);
        prop_assert_eq!(fit_or_cut(&t, "…", fits).unwrap(), whole);
    }

    #[test]
    fn a_safe_end_changes_nothing_before_its_margin(t in text()) {
        let t = prepare(&t).unwrap().into_owned();
        let spans = protected_spans(&t);
        let breaks = breaks_with_spans(&t, &spans);
        let tcc = tcc_boundaries(&t);
        let mut ends = Vec::new();
        let mut from = 0;
        while let Some(w) = window::first_safe_end(&t, from) {
            ends.push(w);
            from = w + 1 + w % 97;
        }
        for &w in ends.iter().rev().take(6) {
            let window = &t[..w];
            let below = |v: &[usize]| v.iter().copied().filter(|&p| p + WINDOW_MARGIN < w).collect::<Vec<_>>();
            let wspans = protected_spans(window);
            prop_assert_eq!(below(&breaks_with_spans(window, &wspans)), below(&breaks), "breaks, cut at {}", w);
            prop_assert_eq!(below(&tcc_boundaries(window)), below(&tcc), "clusters, cut at {}", w);
            // A span that runs on past the cut (a URL path) is cut with it.
            let clip = |v: &[crate::text::spans::Span]| {
                v.iter()
                    .filter(|s| s.range.start < w)
                    .map(|s| (s.kind, s.range.start..s.range.end.min(w)))
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(clip(&wspans), clip(&spans), "spans, cut at {}", w);
        }
    }
}

#[test]
fn control_characters_in_the_part_cut_away_are_dropped_with_it() {
    let text = format!(
        "{} ข้อความ{}\u{1b}[0m",
        "ก".repeat(300),
        " ทดสอบ".repeat(200)
    );
    let clean = text.replace('\u{1b}', "");
    assert_eq!(truncate(&text, 8, "…"), truncate_whole(&clean, 8, "…"));
    let three = WrapOptions::new(8).max_lines(Some(3));
    assert_eq!(wrap(&text, &three).unwrap().len(), 3);
    let err = LayoutError::ControlCharacter {
        code: 0x1b,
        offset: 1508,
    };
    assert_eq!(wrap(&text, &WrapOptions::new(8)).unwrap_err(), err);
    assert_eq!(truncate(&text, 400, "…").unwrap_err(), err);
}

#[test]
fn input_over_the_limit_is_a_clear_error() {
    let text = "ก".repeat(DEFAULT_MAX_INPUT_BYTES / 3 + 1);
    let err = LayoutError::InputTooLarge {
        len: text.len(),
        max: DEFAULT_MAX_INPUT_BYTES,
    };
    assert_eq!(wrap(&text, &WrapOptions::new(32)).unwrap_err(), err);
    assert_eq!(truncate(&text, 32, "…").unwrap_err(), err);
    assert!(
        err.to_string().contains("over the limit of 1048576 bytes"),
        "{err}"
    );
    let opts = TruncateOptions::new(8).max_input_bytes(10);
    assert!(matches!(
        truncate_with("กขคงจ", &opts),
        Err(LayoutError::InputTooLarge { len: 15, max: 10 })
    ));
    assert_eq!(truncate_with("abc", &opts).unwrap(), "abc");
    let unlimited = WrapOptions::new(32).max_input_bytes(usize::MAX);
    assert!(wrap(&text, &unlimited).is_ok());
}

/// `len` bytes (or a few less, at a char boundary) of `unit` repeated.
fn repeat_to(unit: &str, len: usize) -> String {
    let mut s = unit.repeat(len / unit.len() + 1);
    let mut end = len;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

/// The corpus as one paragraph (sentences joined without line feeds).
fn one_paragraph(len: usize) -> String {
    repeat_to(&CORPUS.lines().collect::<String>(), len)
}

/// The work (bytes read by each pass, see [`count_work`]) of `f`.
fn work_of(f: impl FnOnce()) -> u64 {
    work::take();
    f();
    work::take()
}

/// Work per byte of `f` on `make(len)`, for each length.
fn per_byte(lens: &[usize], make: impl Fn(usize) -> String, f: impl Fn(&str)) -> Vec<f64> {
    lens.iter()
        .map(|&n| {
            let t = make(n);
            work_of(|| f(&t)) as f64 / t.len() as f64
        })
        .collect()
}

/// A named way to build a text of a given length.
type Shape<'a> = (&'a str, &'a dyn Fn(usize) -> String);

fn unlimited(width: usize) -> WrapOptions {
    WrapOptions::new(width).max_input_bytes(usize::MAX)
}

#[test]
fn wrap_work_grows_linearly_with_the_text() {
    let lens = [10_000, 100_000, 1_000_000];
    let wrap32 = |t: &str| {
        wrap(t, &unlimited(32)).unwrap();
    };
    let paragraphs = |n: usize| repeat_to(CORPUS, n);
    // Natural text, and shapes that once made a step quadratic: flags (the
    // grapheme check), a URL ending in brackets (the span's end), one long
    // word (the cluster fallback), long runs of spaces.
    let shapes: [Shape<'_>; 6] = [
        ("one paragraph", &one_paragraph),
        ("paragraphs", &paragraphs),
        ("flags", &|n| repeat_to("🇹🇭", n)),
        ("url", &|n| format!("https://a.th/{}", repeat_to(")", n))),
        ("one word", &|n| repeat_to("a", n)),
        ("spaces", &|n| repeat_to("ก      ", n)),
    ];
    for (name, make) in shapes {
        let w = per_byte(&lens, make, wrap32);
        // Every byte is read, by a bounded number of passes ...
        assert!(w[0] >= 1.0 && w[0] < 16.0, "{name}: {w:?}");
        // ... and the work per byte does not grow with the text.
        for x in &w[1..] {
            assert!(*x <= w[0] * 1.02, "{name}: work per byte {w:?}");
        }
    }
}

#[test]
fn truncate_and_line_limits_work_independent_of_the_length() {
    let lens = [1_000, 10_000, 100_000, 1_000_000, 4_000_000];
    let truncate32 = |t: &str| {
        truncate_with(t, &TruncateOptions::new(32).max_input_bytes(usize::MAX)).unwrap();
    };
    let three_lines = |t: &str| {
        wrap(t, &unlimited(32).max_lines(Some(3))).unwrap();
    };
    let fit_receipt = |t: &str| {
        let text = crate::vocab::Text {
            long: t.to_owned(),
            short: Some(t.get(..t.len() / 2).unwrap_or(t).to_owned()),
            title: None,
        };
        let profile = Profile::columns("receipt", 32, Some(4)).unwrap();
        fit(&text, &profile).unwrap();
    };
    let texts: Vec<String> = lens.iter().map(|&n| one_paragraph(n)).collect();
    for (name, f) in [
        ("truncate", &truncate32 as &dyn Fn(&str)),
        ("wrap --max-lines 3", &three_lines),
        ("fit 32x4", &fit_receipt),
    ] {
        let w: Vec<u64> = texts.iter().map(|t| work_of(|| f(t))).collect();
        // The same prefix is read whatever follows it: exactly the same work
        // (or less, when the whole text is shorter than what is read).
        let most = w[w.len() - 1];
        assert!(w.iter().all(|&x| x <= most), "{name}: {w:?}");
        assert!(w[1..].iter().all(|&x| x == most), "{name}: {w:?}");
        // A few kilobytes read (and prepared again as reads double) per variant.
        assert!(most < 32_000, "{name}: {w:?}");
    }
    // Unbroken runs: Thai letters (chunk boundaries bound the read), one
    // long word, a URL whose path runs on.
    let thai_run =
        |n: usize| -> String { one_paragraph(n).chars().filter(|c| !c.is_ascii()).collect() };
    let shapes: [(Shape<'_>, u64); 3] = [
        (("Thai run", &thai_run), 40_000),
        (("one word", &|n| repeat_to("abc", n)), 2_000),
        (
            ("URL", &|n| format!("https://a.th/{}", repeat_to("x", n))),
            2_000,
        ),
    ];
    for ((name, make), bound) in shapes {
        let w: Vec<u64> = [10_000, 1_000_000]
            .iter()
            .map(|&n| work_of(|| truncate32(&make(n))))
            .collect();
        assert!(w[0] == w[1] && w[0] < bound, "{name}: {w:?}");
    }
}
