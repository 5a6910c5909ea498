//! The layout rule: every message must fit, without truncation, every built-in
//! profile of every surface it is enabled for, in every language it has.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Problems;
use crate::Surface;
use crate::catalog::{ProblemKind, Text};
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
        for &surface in surfaces {
            for &name in surface.profiles() {
                let Some(profile) = Profile::builtin(name) else {
                    continue;
                };
                let reason = match fit(t, &profile) {
                    Ok(f) if !f.truncated => continue,
                    Ok(_) => "even the shortest variant would be truncated".to_owned(),
                    Err(e) => e.to_string(),
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
}
