//! Line breaks of least raggedness for short texts (footers, receipts):
//! the fewest lines greedy filling needs, with the free space spread as
//! evenly as the break opportunities allow, and never a phone number, URL or
//! e-mail address left alone on the last line when another split exists.

use std::ops::Range;

use super::breaks::breaks_with_spans;
use super::glue::glued_to_next;
use super::width::char_width;
use super::wrap::{LineRange, WrapOptions, align_line, line_text, wrap, wrap_ranges};
use super::{LayoutError, prepare};
use crate::text::spans::protected_spans;
use crate::vocab::thai::{is_break_space, is_thai_letter_or_sign};

/// Longest paragraph, in bytes, laid out by least raggedness (the search
/// is quadratic in the break opportunities of a line); longer ones are
/// filled greedily.
const MAX_BALANCED_BYTES: usize = 4096;

/// Like [`wrap()`], but choosing among the layouts with as few lines as
/// greedy filling the one of least raggedness (the sum of the squared free
/// columns of every line but the last), Knuth–Plass style over the break
/// opportunities; a last line that holds nothing but a phone number, URL or
/// e-mail address is avoided whenever another layout with as few lines
/// exists. With `max_lines`, when the text needs more lines than that, the
/// result is [`wrap()`]'s (cut with the ellipsis).
///
/// # Errors
/// As [`wrap()`].
pub fn wrap_balanced(text: &str, opts: &WrapOptions) -> Result<Vec<String>, LayoutError> {
    super::wrap::checked(text, opts, || balanced_with_words(text, opts))
}

/// [`wrap_balanced`] once the options' words are current.
fn balanced_with_words(text: &str, opts: &WrapOptions) -> Result<Vec<String>, LayoutError> {
    let prepared = prepare(text)?;
    let t: &str = &prepared;
    let mut lines: Vec<LineRange> = Vec::new();
    let mut start = 0;
    for paragraph in t.split('\n') {
        let balanced = balanced_paragraph(paragraph, opts.width);
        match balanced {
            Some(ranges) if !ranges.is_empty() => {
                for (i, r) in ranges.into_iter().enumerate() {
                    lines.push(LineRange {
                        range: r.start + start..r.end + start,
                        first: i == 0,
                    });
                }
            }
            _ => {
                lines.extend(
                    wrap_ranges(paragraph, opts.width)
                        .into_iter()
                        .map(|l| LineRange {
                            range: l.range.start + start..l.range.end + start,
                            first: l.first,
                        }),
                );
            }
        }
        start += paragraph.len() + 1;
    }
    if opts.max_lines.is_some_and(|m| lines.len() > m) {
        return wrap(text, opts);
    }
    Ok(lines
        .iter()
        .map(|l| align_line(line_text(t, l), opts.width, opts.align))
        .collect())
}

/// The least ragged line ranges of one paragraph, or `None` to fill it
/// greedily (too long, empty, or a unit wider than the line).
fn balanced_paragraph(p: &str, width_limit: usize) -> Option<Vec<Range<usize>>> {
    if p.is_empty() || p.len() > MAX_BALANCED_BYTES {
        return None;
    }
    let spans = protected_spans(p);
    let mut bounds = vec![0];
    bounds.extend(breaks_with_spans(p, &spans));
    bounds.push(p.len());
    // Per unit: (width with its trailing spaces, width without, end of content).
    let units: Vec<(usize, usize, usize)> = bounds
        .windows(2)
        .map(|w| {
            let (a, b) = (
                w.first().copied().unwrap_or(0),
                w.get(1).copied().unwrap_or(0),
            );
            let s = p.get(a..b).unwrap_or("");
            let full: usize = s.chars().map(char_width).sum();
            let content = s.trim_end_matches(is_break_space);
            (
                full,
                content.chars().map(char_width).sum(),
                a + content.len(),
            )
        })
        .collect();
    if units.iter().any(|u| u.1 > width_limit) {
        return None;
    }
    let n = units.len();
    // Whether units j..n hold only one protected contact span (and spaces).
    let contact_only = |j: usize| {
        let (a, e) = (
            bounds.get(j).copied().unwrap_or(0),
            units.last().map_or(0, |u| u.2),
        );
        let line = p.get(a..e).unwrap_or("").trim();
        !line.is_empty()
            && spans
                .iter()
                .any(|s| p.get(s.range.clone()).is_some_and(|t| t == line))
    };
    // best[i]: (lines, badness, previous break) for units 0..i.
    let mut best: Vec<Option<(usize, u64, usize)>> = vec![None; n + 1];
    if let Some(b) = best.first_mut() {
        *b = Some((0, 0, 0));
    }
    // prefix[k]: full width of units 0..k.
    let mut prefix = vec![0usize; n + 1];
    for (k, u) in units.iter().enumerate() {
        let before = prefix.get(k).copied().unwrap_or(0);
        if let Some(slot) = prefix.get_mut(k + 1) {
            *slot = before + u.0;
        }
    }
    let at = |k: usize| prefix.get(k).copied().unwrap_or(0);
    for i in 1..=n {
        let last_content = units.get(i - 1).map_or(0, |u| u.1);
        for j in (0..i).rev() {
            // Line of units j..i: their full widths but the last's trailing spaces.
            let line_w = at(i - 1) - at(j) + last_content;
            if line_w > width_limit {
                break;
            }
            let Some((lines, bad, _)) = best.get(j).copied().flatten() else {
                continue;
            };
            let slack = (width_limit - line_w) as u64;
            let unit_end = units.get(i - 1).map_or(0, |u| u.2);
            let weak_end = i < n && ends_with_bound_word(p, unit_end);
            let glued = i < n
                && glued_to_next(
                    p,
                    bounds.get(i - 1).copied().unwrap_or(0),
                    unit_end,
                    bounds.get(i).copied().unwrap_or(p.len()),
                );
            let cost = if i == n {
                if j > 0 && contact_only(j) {
                    (width_limit as u64).pow(2) * 4
                } else {
                    0
                }
            } else {
                slack * slack
                    + if weak_end {
                        (width_limit as u64).pow(2)
                    } else {
                        0
                    }
                    + if glued {
                        (width_limit as u64).pow(2) * 2
                    } else {
                        0
                    }
            };
            let cand = (lines + 1, bad + cost, j);
            let better = match best.get(i).copied().flatten() {
                None => true,
                Some((l, b, _)) => (cand.0, cand.1) < (l, b),
            };
            if better && let Some(slot) = best.get_mut(i) {
                *slot = Some(cand);
            }
        }
    }
    // Walk back.
    let mut out = Vec::new();
    let mut i = n;
    while i > 0 {
        let (_, _, j) = best.get(i).copied().flatten()?;
        let start = bounds.get(j).copied().unwrap_or(0);
        let end = units.get(i - 1).map_or(start, |u| u.2);
        out.push(start..end);
        i = j;
    }
    out.reverse();
    Some(out)
}

/// Words that lean on the word after them (ผู้อ้าง, ไม่มี, การโอน,
/// ความเสี่ยง, นักท่องเที่ยว): a line ending with one, before more Thai, is a
/// legal break a reader still trips on, so the search avoids it when it can.
const BOUND_WORDS: &[&str] = &["ผู้", "ไม่", "การ", "ความ", "นัก"];

/// Whether `p[..end]` ends with a [`BOUND_WORDS`] entry and Thai follows.
fn ends_with_bound_word(p: &str, end: usize) -> bool {
    let (Some(before), Some(after)) = (p.get(..end), p.get(end..)) else {
        return false;
    };
    after.chars().next().is_some_and(is_thai_letter_or_sign)
        && BOUND_WORDS.iter().any(|w| before.ends_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::width;

    fn both(text: &str, w: usize) -> (Vec<String>, Vec<String>) {
        let opts = WrapOptions::new(w);
        (
            wrap(text, &opts).unwrap(),
            wrap_balanced(text, &opts).unwrap(),
        )
    }

    #[test]
    fn same_lines_as_greedy_but_evener() {
        let text = "มิจฉาชีพมักแอบอ้างเป็นเจ้าหน้าที่ธนาคาร ตำรวจ หรือหน่วยงานรัฐ โทรมาหลอกให้โอนเงิน";
        for w in [20, 24, 32, 40] {
            let (greedy, balanced) = both(text, w);
            assert_eq!(greedy.len(), balanced.len(), "{w}");
            assert_eq!(
                greedy.concat().replace(' ', ""),
                balanced.concat().replace(' ', "")
            );
            assert!(balanced.iter().all(|l| width(l) <= w), "{balanced:?}");
            let ragged = |ls: &[String]| -> usize {
                ls[..ls.len() - 1]
                    .iter()
                    .map(|l| (w - width(l)).pow(2))
                    .sum()
            };
            assert!(
                ragged(&balanced) <= ragged(&greedy),
                "{w}: {balanced:?} vs {greedy:?}"
            );
        }
    }

    #[test]
    fn hotline_is_not_left_alone_on_the_last_line() {
        let text = "หากถูกหลอกให้โอนเงิน โปรดโทรแจ้งธนาคารทันที แล้วโทร 1441";
        for w in 16..40 {
            let (greedy, balanced) = both(text, w);
            if balanced.len() > 1 {
                assert_ne!(
                    balanced.last().unwrap().trim(),
                    "1441",
                    "{w}: {balanced:?} (greedy {greedy:?})"
                );
            }
        }
        // Widths where greedy filling leaves the hotline alone: balanced does not.
        let lone: Vec<usize> = (16..40)
            .filter(|&w| both(text, w).0.last().is_some_and(|l| l == "1441"))
            .collect();
        assert!(!lone.is_empty());
    }

    #[test]
    fn prepositions_markers_and_agencies_keep_the_next_word() {
        let text = "เหตุด่วนเหตุร้าย โปรดโทรแจ้งตำรวจ 191 ส่วนการถูกหลอกลวงทางออนไลน์ โทรสายด่วน 1441 ได้ตลอด 24 ชั่วโมง";
        let (mut greedy_splits, mut balanced_splits) = (0, 0);
        for w in 24..48 {
            let (greedy, balanced) = both(text, w);
            let bad = |ls: &[String]| {
                ls.windows(2).any(|p| {
                    let (a, b) = (p[0].trim_end(), p[1].trim_start());
                    ["ทาง", "ตลอด", "ตำรวจ", "ถูก"]
                        .iter()
                        .any(|x| a.ends_with(x))
                        && (b.starts_with("ออนไลน์")
                            || b.starts_with("24")
                            || b.starts_with("191")
                            || b.starts_with("หลอก"))
                })
            };
            greedy_splits += usize::from(bad(&greedy));
            balanced_splits += usize::from(bad(&balanced));
            // At the receipt widths a split that keeps them together exists.
            if [32, 42, 48].contains(&w) {
                assert!(!bad(&balanced), "{w}: {balanced:?}");
            }
            // Greedy glue may cost a line; the balanced fit never needs more.
            assert!(balanced.len() <= greedy.len(), "{w}");
        }
        // Elsewhere, with no more lines than greedy filling, some widths
        // leave no other split (measured: 4 of 24); greedy filling, which
        // only glues a pair that fits on a line, makes no fewer.
        assert!(balanced_splits <= 4, "{balanced_splits}");
        assert!(greedy_splits >= balanced_splits, "{greedy_splits}");
    }

    #[test]
    fn greedy_when_a_unit_is_too_wide_or_lines_are_limited() {
        let opts = WrapOptions::new(4);
        assert_eq!(
            wrap_balanced("ธนาคารแห่งประเทศไทย", &opts).unwrap(),
            wrap("ธนาคารแห่งประเทศไทย", &opts).unwrap()
        );
        let opts = WrapOptions::new(10).max_lines(Some(2));
        assert_eq!(
            wrap_balanced("never share your OTP code", &opts).unwrap(),
            ["never", "share…"]
        );
    }
}
