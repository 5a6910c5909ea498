//! Buffers a [`Segmenter`] reuses from text to text on one thread, and the
//! words a caller adds to the list ([`super::super::words`]).

use std::cell::Cell;

use super::{Best, Segmenter};
use crate::layout::words::LayoutWords;

thread_local! {
    /// The buffers of the last segmenter this thread finished with (see
    /// [`Segmenter::reused`]): a wrap segments each paragraph, and a service
    /// each request, with the same buffers instead of allocating eight.
    static SPARE: Cell<Option<Segmenter>> = const { Cell::new(None) };
}

/// Longest run, in characters, whose buffers are kept for the next text.
const SPARE_MAX_CHARS: usize = 1 << 14;

impl Segmenter {
    /// A segmenter with the buffers the last one this thread used (see
    /// [`Self::finish`]), or new ones.
    pub(crate) fn reused() -> Segmenter {
        let mut seg = SPARE.with(Cell::take).unwrap_or_default();
        seg.max_word = 0;
        seg.extra = None;
        seg
    }

    /// The breaks the last [`Self::label_breaks`] found that a dictionary
    /// word follows, ascending. A word list entry always starts a syllable, so the
    /// filter's pattern for a silent consonant group (สตร์ of ศาสตร์), which
    /// cannot tell องค์กร or กอล์ฟ from it, need not hold these back.
    pub(crate) fn known_starts(&self) -> &[usize] {
        &self.known_starts
    }

    /// Keep the buffers for the next [`Self::reused`] on this thread
    /// (unless a huge run grew them).
    pub(crate) fn finish(mut self) {
        self.extra = None;
        if self.labels.capacity() <= SPARE_MAX_CHARS
            && self.text_buffers.masked.capacity() <= 4 * SPARE_MAX_CHARS
        {
            SPARE.with(|spare| spare.set(Some(self)));
        }
    }
}

/// `choice` or a better first unit from `i`: a word of `extra` (the words a
/// caller added), known like the list's words; a tie goes to it.
#[inline]
pub(super) fn with_extra(
    extra: Option<&LayoutWords>,
    labels: &[u8],
    starts: &[u8],
    i: usize,
    max_word: usize,
    after: &impl Fn(usize) -> Option<Best>,
    mut choice: Option<Best>,
) -> Option<Best> {
    let Some(extra) = extra else {
        return choice;
    };
    for len in extra.lengths_at(labels, i) {
        let end = i + len;
        if len > max_word || starts.get(end).is_none_or(|&f| f & super::PIECE == 0) {
            continue;
        }
        if let Some(tail) = after(end) {
            let cand = Best {
                unknown: tail.unknown,
                units: tail.units + 1,
                next: end as u32,
                is_unknown: false,
            };
            if choice.is_none_or(|c| cand.key() <= c.key()) {
                choice = Some(cand);
            }
        }
    }
    choice
}
