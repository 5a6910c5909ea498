//! Words an agency adds to the layout's word list (its own name, its
//! programmes, local places): no line break falls inside one, and the text
//! around one is segmented as if the built-in list had it.
//!
//! They come from a catalog's `[layout] words` (for that catalog's
//! messages) or from [`super::WrapOptions::words`] and
//! [`super::TruncateOptions::words`] (for one call). The layout entry points
//! make them current for the calling thread while they run ([`with_words`]),
//! so the break finder sees them without every internal function passing
//! them along.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use super::LayoutError;

/// Most characters a layout word may have (the longest agency names in the
/// built-in list have about 40).
pub(crate) const MAX_WORD_CHARS: usize = 64;

/// Whether `c` may be part of a word of the word list: Thai letters, vowels
/// and marks U+0E01..U+0E3A and U+0E40..U+0E4E (the alphabet of the trie,
/// `is_thai_word_char` of `dict/trie_build.rs`; ฿ and digits are not).
fn is_word_char(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E4E}')
}

/// Why `word` cannot be a layout word: the char offset of the offending
/// character, if one is, and the reason. A word is Thai text in NFC, two
/// to [`MAX_WORD_CHARS`] Thai letters, vowels and marks, with no spaces
/// (one word per entry; abbreviations with dots are already kept whole).
pub(crate) fn check_word(word: &str) -> Result<(), (Option<usize>, String)> {
    if word.is_empty() {
        return Err((None, "is empty".to_owned()));
    }
    let mut n = 0;
    for (i, c) in word.chars().enumerate() {
        if c.is_whitespace() {
            return Err((
                Some(i),
                "has a space: give one word per entry (ชื่อหน่วยงาน, not ชื่อ หน่วยงาน)".to_owned(),
            ));
        }
        if !is_word_char(c) {
            return Err((
                Some(i),
                format!(
                    "has {c:?} (U+{:04X}): a layout word is Thai letters, vowels and marks only",
                    u32::from(c)
                ),
            ));
        }
        n += 1;
    }
    if n < 2 {
        return Err((None, "is one letter: a word has two or more".to_owned()));
    }
    if n > MAX_WORD_CHARS {
        return Err((
            None,
            format!("has {n} characters, over the maximum of {MAX_WORD_CHARS}"),
        ));
    }
    if unicode_normalization::is_nfc(word) {
        Ok(())
    } else {
        Err((
            None,
            "is not in Unicode NFC (a tone mark goes after a vowel below it: กุ่ง, not กุ่ง)"
                .to_owned(),
        ))
    }
}

/// Validated layout words, as trie labels (code point − U+0E00).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct LayoutWords {
    words: Vec<String>,
    labels: Vec<Box<[u8]>>,
    /// Bit `l` is set when a word starts with label `l`.
    first: u128,
}

impl LayoutWords {
    /// Check and collect `words` (duplicates dropped).
    ///
    /// # Errors
    /// [`LayoutError::InvalidWord`] for the first word [`check_word`] refuses.
    pub(crate) fn new<'a>(
        words: impl IntoIterator<Item = &'a str>,
    ) -> Result<LayoutWords, LayoutError> {
        let mut out = LayoutWords::default();
        for w in words {
            check_word(w).map_err(|(offset, reason)| LayoutError::InvalidWord {
                word: w.to_owned(),
                offset,
                reason,
            })?;
            if out.words.iter().any(|x| x == w) {
                continue;
            }
            let labels: Box<[u8]> = w.chars().map(|c| (u32::from(c) - 0x0E00) as u8).collect();
            if let Some(&l) = labels.first() {
                out.first |= 1 << (l & 0x7F);
            }
            out.words.push(w.to_owned());
            out.labels.push(labels);
        }
        Ok(out)
    }

    /// The words of both.
    pub(crate) fn union(self: &Arc<Self>, other: &Arc<LayoutWords>) -> Arc<LayoutWords> {
        let mut both = (**self).clone();
        both.extend(other);
        Arc::new(both)
    }

    /// Add the words of `other` that are not here yet (both are valid).
    fn extend(&mut self, other: &LayoutWords) {
        for (w, l) in other.words.iter().zip(&other.labels) {
            if !self.words.contains(w) {
                self.first |= l.first().map_or(0, |&f| 1 << (f & 0x7F));
                self.words.push(w.clone());
                self.labels.push(l.clone());
            }
        }
    }

    /// Whether there are no words.
    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words, in the order given, each once.
    pub(crate) fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    /// Whether `word` is one of them.
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    /// The lengths, in characters, of the words that `labels[i..]` starts with.
    #[inline]
    pub(crate) fn lengths_at<'s>(
        &'s self,
        labels: &'s [u8],
        i: usize,
    ) -> impl Iterator<Item = usize> + 's {
        let first = labels.get(i).copied().unwrap_or(0x7F);
        let any = self.first >> (first & 0x7F) & 1 != 0;
        let rest = labels.get(i..).unwrap_or_default();
        self.labels
            .iter()
            .filter(move |w| any && rest.starts_with(w))
            .map(|w| w.len())
    }

    /// Append the byte ranges of the words' occurrences in `text`.
    pub(crate) fn ranges_in(&self, text: &str, out: &mut Vec<Range<usize>>) {
        for w in &self.words {
            out.extend(text.match_indices(w.as_str()).map(|(i, m)| i..i + m.len()));
        }
    }
}

thread_local! {
    /// The words of the layout call running on this thread (see [`with_words`]).
    static CURRENT: RefCell<Option<Arc<LayoutWords>>> = const { RefCell::new(None) };
}

/// Run `f` with `words` added to the current layout words of this thread
/// (a wrap with its own words inside a catalog's layout sees both),
/// restoring the previous ones afterwards, even if `f` panics. `None` or no
/// words leaves the current ones as they are.
pub(crate) fn with_words<R>(words: Option<&Arc<LayoutWords>>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<LayoutWords>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let Some(words) = words.filter(|w| !w.is_empty()) else {
        return f();
    };
    let merged = match current() {
        Some(outer) if outer != *words => outer.union(words),
        _ => Arc::clone(words),
    };
    let _restore = Restore(CURRENT.with(|c| c.replace(Some(merged))));
    f()
}

/// The current layout words of this thread, if any.
pub(crate) fn current() -> Option<Arc<LayoutWords>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// [`LayoutWords::new`] for a list given by a caller, `None` when empty.
pub(crate) fn from_list(words: &[String]) -> Result<Option<Arc<LayoutWords>>, LayoutError> {
    if words.is_empty() {
        return Ok(None);
    }
    Ok(Some(Arc::new(LayoutWords::new(
        words.iter().map(String::as_str),
    )?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_checked() {
        assert!(check_word("ศูนย์ต่อต้านข่าวปลอม").is_ok());
        for (bad, offset) in [
            ("", None),
            ("ก", None),
            ("ชื่อ หน่วยงาน", Some(4)),
            ("กฟภ.", Some(3)),
            ("AOC", Some(0)),
            // A tone mark before a vowel below is not NFC (กุ่ง is).
            ("ก\u{0E48}\u{0E38}ง", None),
        ] {
            let got = check_word(bad);
            assert!(
                got.as_ref().is_err_and(|(o, _)| *o == offset),
                "{bad:?}: {got:?}"
            );
        }
        assert!(check_word(&"ก".repeat(MAX_WORD_CHARS + 1)).is_err());
    }

    #[test]
    fn scope_restores_the_previous_words() {
        let a = Arc::new(LayoutWords::new(["กขค"]).unwrap());
        let b = Arc::new(LayoutWords::new(["คงจ"]).unwrap());
        assert!(current().is_none());
        with_words(Some(&a), || {
            assert_eq!(current().as_deref(), Some(&*a));
            with_words(Some(&b), || {
                let both = current().unwrap();
                assert_eq!(both.words, ["กขค", "คงจ"]);
            });
            with_words(None, || assert_eq!(current().as_deref(), Some(&*a)));
            assert_eq!(current().as_deref(), Some(&*a));
        });
        assert!(current().is_none());
    }

    #[test]
    fn matches_by_labels_and_by_text() {
        let w = LayoutWords::new(["ดีอีเอส", "ดีอี", "ดีอีเอส"]).unwrap();
        let labels: Vec<u8> = "ที่ดีอีเอส"
            .chars()
            .map(|c| (u32::from(c) - 0x0E00) as u8)
            .collect();
        let mut found: Vec<usize> = w.lengths_at(&labels, 3).collect();
        found.sort_unstable();
        assert_eq!(found, [4, 7]);
        assert_eq!(w.lengths_at(&labels, 0).count(), 0);
        let mut ranges = Vec::new();
        w.ranges_in("ที่ดีอีเอส", &mut ranges);
        assert!(ranges.contains(&(9..30)), "{ranges:?}");
    }
}
