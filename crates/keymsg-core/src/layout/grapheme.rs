//! Extended grapheme cluster boundaries asked at ascending offsets, with a
//! fast path for the ASCII and Thai pairs that make up most messages.

use unicode_segmentation::GraphemeCursor;

use crate::vocab::thai::{is_mark, is_thai};

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
    use crate::layout::break_opportunities;

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
}
