//! Truncation at legal breaks, with an ellipsis.

use super::breaks::breaks_with_spans;
use super::tcc::tcc_boundaries;
use super::width::width;
use super::{LayoutError, prepare};
use crate::text::spans::protected_spans;
use crate::vocab::thai::is_break_space;

/// `text` (NFC) if it is at most `width` columns; otherwise the longest prefix
/// ending at a legal break (see [`super::break_opportunities`]) whose width
/// plus the ellipsis' fits, followed by the ellipsis.
///
/// Spaces before the cut are dropped. A protected span (1441, ฿5,000.00, a URL)
/// is kept whole or dropped whole — never "144…". Only when no legal break
/// gives a non-empty prefix (one long Thai word) does the cut fall back to
/// Thai character cluster boundaries, still outside protected spans; if even
/// that is empty the result is the ellipsis alone. Line feeds are folded into
/// spaces: the result is one line.
///
/// # Errors
/// [`LayoutError::EllipsisTooWide`] when the text must be cut but the ellipsis
/// alone is wider than `width`; [`LayoutError::ControlCharacter`] for control
/// characters other than line feed and tab.
pub fn truncate(text: &str, width_limit: usize, ellipsis: &str) -> Result<String, LayoutError> {
    let text = prepare(text)?;
    let text = text.replace('\n', " ");
    let ellipsis = prepare(ellipsis)?.replace('\n', " ");
    let fits = |s: &str| width(s) <= width_limit;
    truncate_by(&text, &ellipsis, false, fits)
        .map(|(s, _)| s)
        .ok_or_else(|| LayoutError::EllipsisTooWide {
            ellipsis: ellipsis.clone(),
            ellipsis_width: width(&ellipsis),
            width: width_limit,
        })
}

/// Generic truncation over any monotonic budget `fits` (columns, graphemes,
/// bytes, SMS segments). `text` must already be prepared (NFC, no controls).
///
/// With `force`, the ellipsis is added even when the whole text fits (the
/// caller is dropping text after it). Returns the result and whether anything
/// was cut, or `None` when a cut is needed and the ellipsis alone does not fit.
pub(crate) fn truncate_by(
    text: &str,
    ellipsis: &str,
    force: bool,
    fits: impl Fn(&str) -> bool,
) -> Option<(String, bool)> {
    if !force && fits(text) {
        return Some((text.to_owned(), false));
    }
    if !fits(ellipsis) {
        return None;
    }
    let spans = protected_spans(text);
    let mut candidates = breaks_with_spans(text, &spans);
    if force {
        candidates.push(text.len());
    }
    let with_ellipsis = |p: usize| -> String {
        let prefix = text.get(..p).unwrap_or("").trim_end_matches(is_break_space);
        let mut s = String::with_capacity(prefix.len() + ellipsis.len());
        s.push_str(prefix);
        s.push_str(ellipsis);
        s
    };
    // `fits` is monotonic in the prefix length, so binary search.
    let best = |cands: &[usize]| -> Option<usize> {
        let n = cands.partition_point(|&p| fits(&with_ellipsis(p)));
        n.checked_sub(1).and_then(|i| cands.get(i).copied())
    };
    let cut = best(&candidates).or_else(|| {
        let inside_span = |p: usize| spans.iter().any(|s| s.range.start < p && p < s.range.end);
        let tcc: Vec<usize> = tcc_boundaries(text)
            .into_iter()
            .filter(|&p| !inside_span(p))
            .collect();
        best(&tcc)
    });
    Some((with_ellipsis(cut.unwrap_or(0)), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_text_is_returned_whole() {
        assert_eq!(truncate("โทร 1441", 8, "…").unwrap(), "โทร 1441");
        assert_eq!(truncate("", 0, "…").unwrap(), "");
        assert_eq!(truncate("น้ำ", 2, "…").unwrap(), "น้ำ");
    }

    #[test]
    fn cuts_at_a_word_boundary_and_drops_the_space() {
        let t = "อย่าโอนเงินให้คนแปลกหน้า";
        let out = truncate(t, 10, "…").unwrap();
        assert!(out.ends_with('…'));
        assert!(width(&out) <= 10);
        let body = out.strip_suffix('…').unwrap();
        assert!(t.starts_with(body));
        assert!(crate::layout::is_break_opportunity(t, body.len()), "{out}");
        // Never a fragment of a word: the cut is after อย่า, โอน, เงิน or ให้.
        assert!(["อย่า", "อย่าโอน", "อย่าโอนเงิน"].contains(&body), "{out}");

        let out = truncate("call the bank now", 12, "...").unwrap();
        assert_eq!(out, "call the...");
    }

    #[test]
    fn long_single_word_falls_back_to_clusters() {
        // A word break (บัญชี|ของ|คุณ) is preferred ...
        assert_eq!(truncate("บัญชีของคุณ", 7, "…").unwrap(), "บัญชีของ…");
        // ... and when there is none, cut at a cluster (never inside one).
        assert_eq!(truncate("เจ้าหน้าที่", 5, "…").unwrap(), "เจ้าห…");
        assert_eq!(truncate("supercalifragilistic", 5, "…").unwrap(), "supe…");
        assert_eq!(truncate("ประชาสัมพันธ์", 4, "…").unwrap(), "ประ…");
        assert_eq!(truncate("ประชาสัมพันธ์", 3, "…").unwrap(), "ป…");
    }

    #[test]
    fn ellipsis_too_wide_is_an_error_only_when_cutting() {
        assert!(matches!(
            truncate("ก".repeat(10).as_str(), 2, "..."),
            Err(LayoutError::EllipsisTooWide {
                ellipsis_width: 3,
                width: 2,
                ..
            })
        ));
        assert_eq!(truncate("กข", 2, "...").unwrap(), "กข");
    }

    #[test]
    fn line_feeds_fold_to_spaces() {
        assert_eq!(truncate("ab\ncd", 10, "…").unwrap(), "ab cd");
    }

    #[test]
    fn forced_ellipsis_even_when_it_fits() {
        let (s, cut) = truncate_by("ab cd", "…", true, |s| width(s) <= 10).unwrap();
        assert_eq!(s, "ab cd…");
        assert!(cut);
    }
}
