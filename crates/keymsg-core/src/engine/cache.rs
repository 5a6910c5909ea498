//! Layouts computed once per (message, language, profile) and shared.
//!
//! The per-receipt path looks a slot up by comparing a handful of short
//! strings (there are few languages × profiles in use), then indexes the
//! message's prepared result: no segmentation, no hashing, no allocation.
//! Slots for a profile's own width are always kept (profiles, languages
//! and encodings are few); of the slots for a width override, at most
//! [`MAX_WIDTH_SLOTS`]: callers that ask for ever new widths (an HTTP
//! client can name any of a thousand) get a layout made for their request
//! alone, so the cache neither grows without bound nor makes the look-up
//! long, and such callers cannot crowd out the configured profiles.

use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use crate::layout::{Encoding, LayoutError, Profile, ProfileKind, encode};
use crate::select::Token;
use crate::{Catalog, Error, Result};

/// A message laid out for one profile and language, with everything a
/// [`super::Rendered`] needs precomputed.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) message_id: String,
    pub(crate) lines: Vec<String>,
    pub(crate) text: String,
    pub(crate) title: Option<String>,
    pub(crate) variant: &'static str,
    pub(crate) truncated: bool,
    pub(crate) truncated_core: bool,
    pub(crate) token: String,
    /// `text` in the slot's single-byte encoding (`None` for UTF-8).
    pub(crate) encoded: Option<Vec<u8>>,
}

/// Layouts of every message for one (language, profile name, width
/// override, output encoding).
#[derive(Debug)]
pub(crate) struct Slot {
    lang: String,
    name: String,
    width: Option<usize>,
    encoding: Option<Encoding>,
    pub(crate) profile: Profile,
    messages: Vec<OnceLock<Arc<Prepared>>>,
}

/// Most slots kept for width overrides. Billing systems use a few; past
/// this, a slot serves its request and is dropped.
pub(crate) const MAX_WIDTH_SLOTS: usize = 64;

#[derive(Debug)]
pub(crate) struct LayoutCache {
    custom: Vec<Profile>,
    slots: RwLock<Vec<Arc<Slot>>>,
}

impl LayoutCache {
    pub(crate) fn new(custom: Vec<Profile>) -> Self {
        Self {
            custom,
            slots: RwLock::new(Vec::new()),
        }
    }

    /// The slot for (lang, profile name, width, encoding), created on first
    /// use. `encoding` overrides the profile's own.
    pub(crate) fn slot(
        &self,
        catalog: &Catalog,
        lang: &str,
        name: &str,
        width: Option<usize>,
        encoding: Option<Encoding>,
    ) -> Result<Arc<Slot>> {
        let find = |slots: &[Arc<Slot>]| {
            slots
                .iter()
                .find(|s| {
                    s.width == width && s.encoding == encoding && s.name == name && s.lang == lang
                })
                .cloned()
        };
        if let Some(s) = find(&self.slots.read().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(s);
        }
        let mut profile = Profile::resolve(name, width, &self.custom)?;
        if let Some(e) = encoding {
            profile = profile.with_encoding(e);
        }
        let mut slots = self.slots.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = find(&slots) {
            return Ok(s);
        }
        let slot = Arc::new(Slot {
            lang: lang.to_owned(),
            name: name.to_owned(),
            width,
            encoding,
            profile,
            messages: (0..catalog.messages().len())
                .map(|_| OnceLock::new())
                .collect(),
        });
        let overrides = slots.iter().filter(|s| s.width.is_some()).count();
        if width.is_none() || overrides < MAX_WIDTH_SLOTS {
            slots.push(Arc::clone(&slot));
        }
        Ok(slot)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Slot {
    /// The prepared layout of message `index`, computed on first use (two
    /// threads racing may both compute it; one result is kept). A
    /// message without text in the slot's language falls back to Thai.
    pub(crate) fn prepared(&self, catalog: &Catalog, index: usize) -> Result<Arc<Prepared>> {
        let cell = self
            .messages
            .get(index)
            .ok_or_else(|| Error::InvalidArgument {
                name: "index",
                reason: format!("no message #{index}"),
            })?;
        if let Some(p) = cell.get() {
            return Ok(Arc::clone(p));
        }
        // Errors are not cached: validation makes them rare, and a caller
        // retrying gets the same clear error again.
        let p = self.prepare(catalog, index)?;
        Ok(Arc::clone(cell.get_or_init(|| p)))
    }

    fn prepare(&self, catalog: &Catalog, index: usize) -> Result<Arc<Prepared>> {
        let message = catalog
            .messages()
            .get(index)
            .ok_or_else(|| Error::InvalidArgument {
                name: "index",
                reason: format!("no message #{index}"),
            })?;
        let text = message
            .text(&self.lang)
            .or_else(|| message.text("th"))
            .ok_or_else(|| Error::InvalidArgument {
                name: "lang",
                reason: format!("message `{}` has no text in `{}`", message.id, self.lang),
            })?;
        let mut fitted = catalog.fit(text, &self.profile)?;
        if let ProfileKind::Columns { .. } = self.profile.kind() {
            // The lines are final: the zero-width hints that steered the
            // breaks (word joiner, zero-width space) have done their work,
            // and a printer would print them as garbage.
            for line in &mut fitted.lines {
                line.retain(|c| !matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}'));
            }
        }
        let joined = fitted.lines.join("\n");
        // Encoded here, before anything is counted: a footer the printer
        // cannot print must fail, not be counted and then lost.
        let encoded = match self.profile.encoding() {
            Encoding::Utf8 => None,
            enc => {
                let named = |e| match e {
                    LayoutError::Unencodable {
                        ch,
                        offset,
                        encoding,
                    } => LayoutError::MessageUnencodable {
                        message_id: message.id.clone(),
                        ch,
                        offset,
                        encoding,
                    },
                    other => other,
                };
                if let Some(title) = &fitted.title {
                    encode(title, enc).map_err(named)?;
                }
                Some(encode(&joined, enc).map_err(named)?)
            }
        };
        Ok(Arc::new(Prepared {
            message_id: message.id.clone(),
            text: joined,
            encoded,
            title: fitted.title,
            variant: fitted.variant.as_str(),
            truncated: fitted.truncated,
            truncated_core: fitted.truncated_core,
            token: Token::new(catalog.version(), &message.id)?
                .as_str()
                .to_owned(),
            lines: fitted.lines,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_kept_up_to_the_bound_and_served_past_it() {
        let catalog = Catalog::embedded().unwrap();
        let cache = LayoutCache::new(Vec::new());
        let first = cache
            .slot(&catalog, "th", "receipt-58mm", None, None)
            .unwrap();
        let again = cache
            .slot(&catalog, "th", "receipt-58mm", None, None)
            .unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        for width in 20..20 + 2 * MAX_WIDTH_SLOTS {
            let slot = cache
                .slot(&catalog, "th", "receipt-58mm", Some(width), None)
                .unwrap();
            let p = slot.prepared(&catalog, 0).unwrap();
            assert!(p.lines.iter().all(|l| crate::layout::width(l) <= width));
        }
        assert_eq!(cache.len(), 1 + MAX_WIDTH_SLOTS);
        // The slots kept are still found; one past the bound is made anew.
        let kept = cache
            .slot(&catalog, "th", "receipt-58mm", None, None)
            .unwrap();
        assert!(Arc::ptr_eq(&first, &kept));
        let past = Some(20 + MAX_WIDTH_SLOTS + 1);
        let a = cache
            .slot(&catalog, "th", "receipt-58mm", past, None)
            .unwrap();
        let b = cache
            .slot(&catalog, "th", "receipt-58mm", past, None)
            .unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(
            a.prepared(&catalog, 3).unwrap().text,
            b.prepared(&catalog, 3).unwrap().text
        );
        assert_eq!(cache.len(), 1 + MAX_WIDTH_SLOTS);
        // A profile's own width is still kept after the overrides filled
        // theirs: width-hungry callers cannot crowd it out.
        let wide = cache
            .slot(&catalog, "th", "receipt-80mm", None, None)
            .unwrap();
        let wide_again = cache
            .slot(&catalog, "th", "receipt-80mm", None, None)
            .unwrap();
        assert!(Arc::ptr_eq(&wide, &wide_again));
        assert_eq!(cache.len(), 2 + MAX_WIDTH_SLOTS);
    }
}
