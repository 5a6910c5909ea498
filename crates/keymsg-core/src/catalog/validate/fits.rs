//! The layout rule: every message must fit, without truncation, every built-in
//! profile of every surface it is enabled for, in every language it has.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Problems;
use crate::Surface;
use crate::catalog::{ProblemKind, Text, TextKind};
use crate::layout::words::{LayoutWords, check_word};
use crate::layout::{Profile, fit};

/// Check `[layout] words`: each is reported at `layout.words[k]` (with the
/// char offset of a bad character) when [`check_word`] refuses it. The
/// words that pass, for laying out the messages.
pub(super) fn check_words(words: &[String], p: &mut Problems) -> Option<Arc<LayoutWords>> {
    let mut good = Vec::with_capacity(words.len());
    for (k, w) in words.iter().enumerate() {
        match check_word(w) {
            Ok(()) => good.push(w.as_str()),
            Err((offset, reason)) => p.add(
                None,
                format!("layout.words[{k}]"),
                offset,
                ProblemKind::OutOfRange(format!("layout word `{w}` {reason}")),
            ),
        }
    }
    let words = LayoutWords::new(good).ok()?;
    (!words.is_empty()).then(|| Arc::new(words))
}

/// Report each (language, profile) where even the shortest variant would have
/// to be truncated, or cannot be laid out at all.
pub(super) fn check_fits(
    id: &str,
    text: &BTreeMap<String, Text>,
    surfaces: &[Surface],
    p: &mut Problems,
) {
    for (lang, t) in text {
        check_language(id, lang, t, surfaces, "", p);
    }
}

/// Whether a variant (long, short or title) of `text`, in any language,
/// contains one of `words`: only such a message is laid out differently
/// once `words` are kept whole, so only it needs checking again.
pub(super) fn has_any(text: &BTreeMap<String, Text>, words: &[&str]) -> bool {
    text.values().any(|t| words.iter().any(|w| has_word(t, w)))
}

/// [`check_fits`] again for a message already checked without `added`,
/// layout words now kept whole too (the caller makes them current): only
/// the languages whose text has one of them are laid out, the others are
/// laid out as before. Each problem names the added words its text has.
pub(super) fn check_fits_added(
    id: &str,
    text: &BTreeMap<String, Text>,
    surfaces: &[Surface],
    added: &[&str],
    p: &mut Problems,
) {
    for (lang, t) in text {
        let found = found_in(t, added);
        let note = match found.as_slice() {
            [] => continue,
            [one] => format!(" with the layout word `{one}` kept whole"),
            many => format!(" with the layout words `{}` kept whole", many.join("`, `")),
        };
        check_language(id, lang, t, surfaces, &note, p);
    }
}

/// The words of `words` that a variant (long, short or title) of `t` contains.
fn found_in<'w>(t: &Text, words: &[&'w str]) -> Vec<&'w str> {
    words.iter().filter(|w| has_word(t, w)).copied().collect()
}

/// Whether a variant (long, short or title) of `t` contains `word`.
fn has_word(t: &Text, word: &str) -> bool {
    [TextKind::Long, TextKind::Short, TextKind::Title]
        .into_iter()
        .filter_map(|k| t.get(k))
        .any(|v| v.contains(word))
}

/// [`check_fits`] for the text `t` of one language; `note` ends each reason.
fn check_language(
    id: &str,
    lang: &str,
    t: &Text,
    surfaces: &[Surface],
    note: &str,
    p: &mut Problems,
) {
    for &surface in surfaces {
        for &name in surface.profiles() {
            let Some(profile) = Profile::builtin(name) else {
                continue;
            };
            let reason = match fit(t, &profile) {
                Ok(f) if !f.truncated => continue,
                Ok(_) => format!("even the shortest variant would be truncated{note}"),
                Err(e) => format!("{e}{note}"),
            };
            p.add(
                Some(id),
                format!("text.{lang}"),
                None,
                ProblemKind::DoesNotFit {
                    profile: name.to_owned(),
                    reason,
                },
            );
        }
    }
}
