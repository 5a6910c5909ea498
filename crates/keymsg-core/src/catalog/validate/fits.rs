//! The layout rule: every message must fit, without truncation, every built-in
//! profile of every surface it is enabled for, in every language it has.

use std::collections::BTreeMap;

use super::Problems;
use crate::Surface;
use crate::catalog::{ProblemKind, Text};
use crate::layout::{Profile, fit};

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
