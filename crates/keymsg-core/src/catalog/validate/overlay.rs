//! Applying an agency overlay to a base catalog (see `catalog::overlay`
//! for what an overlay may and may not do).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::moment::{Edge, parse_moment};
use super::{MAX_WEIGHT, Problems, fits, validate};
use crate::Surface;
use crate::catalog::error::{CatalogError, ProblemKind};
use crate::catalog::model::{Catalog, CatalogMeta, Inner, Message, Window};
use crate::catalog::overlay::{Overlay, RawAdjust};
use crate::catalog::raw::{RawAllow, RawCatalog, RawLayout};
use crate::layout::words::with_words;

impl Catalog {
    /// This catalog as an official base with an agency `overlay` applied
    /// (see [`crate::catalog::Overlay`]): added messages and hotlines, adjusted
    /// weights, priorities, windows and surfaces, disabled base messages,
    /// added layout words (kept whole in every message, after the base's).
    /// Every problem is reported with the overlay's file name; an overlay
    /// cannot change a base message's text, the base allow-list or the
    /// base's layout words.
    pub fn with_overlay(&self, overlay: &Overlay) -> Result<Catalog, CatalogError> {
        apply(self, overlay)
    }
}

/// `base` with `overlay` applied; every problem names the overlay file.
pub(crate) fn apply(base: &Catalog, overlay: &Overlay) -> Result<Catalog, CatalogError> {
    // Loaded by `Catalog::load`, the name already says which layer it is.
    let label = if overlay.source_name.starts_with("overlay ") {
        overlay.source_name.clone()
    } else {
        format!("overlay {}", overlay.source_name)
    };
    let o = &overlay.raw;
    let base_raw = base.raw();
    let mut p = Problems(Vec::new());

    // The overlay's own messages, checked against its own allow-list plus the
    // official one (an agency message may point to 1441 too).
    let own = RawCatalog {
        schema: o.schema,
        version: o.version,
        issuer: o.issuer.clone(),
        expires: o.expires.clone(),
        allow: RawAllow {
            phones: [o.allow.phones.clone(), base_raw.allow.phones.clone()].concat(),
            hosts: [o.allow.hosts.clone(), base_raw.allow.hosts.clone()].concat(),
            handles: [o.allow.handles.clone(), base_raw.allow.handles.clone()].concat(),
        },
        policy: o.policy.clone(),
        // The overlay's own `[layout]`, checked as a base's is: it needs
        // `schema = 2` in the overlay, and a bad word is a problem at
        // `layout.words[k]` of the overlay.
        layout: o.layout.clone(),
        messages: o.messages.clone(),
    };
    // Its messages are laid out with the base's words (the base file's and
    // any added by `Catalog::with_layout_words`) and its own.
    let own = match with_words(base.layout_words(), || validate(own, &label)) {
        Ok(c) => Some(c),
        Err(CatalogError::Invalid { problems, .. }) => {
            p.0.extend(problems);
            None
        }
        Err(other) => return Err(other),
    };

    for m in &o.messages {
        if base.get(&m.id).is_some() {
            p.add(
                Some(&m.id),
                "id",
                None,
                ProblemKind::Overlay(format!(
                    "`{}` is an official message of the base catalog: an overlay cannot replace it \
                     (use [adjust.{}] for weight, priority, window or surfaces, or `disable`)",
                    m.id, m.id
                )),
            );
        }
    }
    for (k, id) in o.disable.iter().enumerate() {
        if base.get(id).is_none() {
            p.add(
                None,
                format!("disable[{k}]"),
                None,
                ProblemKind::Unknown {
                    what: "base message id",
                    name: id.clone(),
                },
            );
        }
    }

    // The words every message is laid out with: the base's, then the
    // overlay's (an overlay only adds words).
    let words = match (
        base.layout_words(),
        own.as_ref().and_then(Catalog::layout_words),
    ) {
        (Some(b), Some(w)) => Some(b.union(w)),
        (b, w) => b.or(w).cloned(),
    };
    // The overlay's words the base was not laid out with (its file's, and
    // any added by `Catalog::with_layout_words`): a base message with one
    // in its text is laid out differently now, and is checked again.
    let base_words = base.layout_words();
    let added: Vec<&str> = o
        .layout
        .iter()
        .flat_map(|l| &l.words)
        .map(String::as_str)
        .filter(|w| !base_words.is_some_and(|b| b.contains(w)))
        .collect();

    let mut messages: Vec<Message> = Vec::new();
    let mut raw_messages = Vec::new();
    let own_messages = own.as_ref().map_or(&[][..], |c| c.messages());
    let base_messages = base.messages().iter().zip(&base_raw.messages);
    let overlay_messages = own_messages.iter().zip(&o.messages);
    with_words(words.as_ref(), || {
        for (m, raw) in base_messages
            .filter(|(m, _)| !o.disable.contains(&m.id))
            .chain(overlay_messages)
        {
            let mut m = m.clone();
            let mut raw = raw.clone();
            let official = base.get(&m.id);
            if let Some(adj) = o.adjust.get(&m.id) {
                adjust(&mut m, &mut raw, adj, official.is_some(), &mut p);
            }
            if let Some(official) = official
                && fits::has_any(&m.text, &added)
            {
                // The surfaces `adjust` added are checked already.
                let kept: Vec<Surface> = m
                    .surfaces
                    .iter()
                    .filter(|s| official.surfaces.contains(s))
                    .copied()
                    .collect();
                fits::check_fits_added(&m.id, &m.text, &kept, &added, &mut p);
            }
            messages.push(m);
            raw_messages.push(raw);
        }
    });
    for id in o.adjust.keys() {
        let known = base.get(id).is_some() || o.messages.iter().any(|m| &m.id == id);
        if !known {
            p.add(
                Some(id),
                format!("adjust.{id}"),
                None,
                ProblemKind::Unknown {
                    what: "message id",
                    name: id.clone(),
                },
            );
        } else if o.disable.contains(id) {
            p.add(
                Some(id),
                format!("adjust.{id}"),
                None,
                ProblemKind::Overlay("the message is disabled by this overlay".into()),
            );
        }
    }

    if !p.0.is_empty() {
        return Err(CatalogError::Invalid {
            source_name: label,
            problems: p.0,
        });
    }
    let bm = base.meta();
    let own_meta = own.as_ref().map(Catalog::meta);
    let mut policy = bm.policy.clone();
    policy.extend(o.policy.clone());
    let union = |a: &[String], b: Option<&Vec<String>>| {
        let mut v = a.to_vec();
        for x in b.into_iter().flatten() {
            if !v.contains(x) {
                v.push(x.clone());
            }
        }
        v
    };
    // The layered catalog uses what the overlay's schema added, so it is
    // written back with that schema (`[layout]` needs 2).
    let schema = match &o.layout {
        Some(_) => base_raw.schema.max(o.schema),
        None => base_raw.schema,
    };
    let layout = match (&base_raw.layout, &o.layout) {
        (None, None) => None,
        (b, w) => Some(RawLayout {
            words: union(
                b.as_ref().map_or(&[][..], |l| l.words.as_slice()),
                w.as_ref().map(|l| &l.words),
            ),
        }),
    };
    let expires = match (bm.expires, own_meta.and_then(|m| m.expires)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let meta = CatalogMeta {
        schema,
        version: bm.version,
        issuer: bm.issuer.clone(),
        expires,
        allowed_phones: union(&bm.allowed_phones, own_meta.map(|m| &m.allowed_phones)),
        allowed_hosts: union(&bm.allowed_hosts, own_meta.map(|m| &m.allowed_hosts)),
        policy: policy.clone(),
    };
    let by_id: HashMap<String, usize> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
    let raw = RawCatalog {
        schema,
        version: base_raw.version,
        issuer: base_raw.issuer.clone(),
        expires: base_raw.expires.clone(),
        allow: RawAllow {
            phones: union(&base_raw.allow.phones, Some(&o.allow.phones)),
            hosts: union(&base_raw.allow.hosts, Some(&o.allow.hosts)),
            handles: union(&base_raw.allow.handles, Some(&o.allow.handles)),
        },
        policy: policy.into_iter().collect::<BTreeMap<_, _>>(),
        layout,
        messages: raw_messages,
    };
    Ok(Catalog {
        inner: Arc::new(Inner {
            meta,
            messages,
            by_id,
            raw,
            trust: base.trust().clone(),
            words,
            fits: Vec::new(),
            hidden: base
                .messages()
                .iter()
                .filter(|m| o.disable.contains(&m.id))
                .cloned()
                .collect(),
        }),
    })
}

/// Apply one `[adjust.ID]`, reporting what it may not do.
fn adjust(
    m: &mut Message,
    raw: &mut crate::catalog::raw::RawMessage,
    adj: &RawAdjust,
    official: bool,
    p: &mut Problems,
) {
    let id = m.id.clone();
    let field = |f: &str| format!("adjust.{id}.{f}");
    if adj.text.is_some() {
        let why = if official {
            "the text of an official message cannot be changed by an overlay"
        } else {
            "change the message's own `text` instead"
        };
        p.add(
            Some(&id),
            field("text"),
            None,
            ProblemKind::Overlay(why.into()),
        );
    }
    if let Some(w) = adj.weight {
        if w > MAX_WEIGHT {
            p.add(
                Some(&id),
                field("weight"),
                None,
                ProblemKind::OutOfRange(format!("weight {w} is over the maximum {MAX_WEIGHT}")),
            );
        }
        m.weight = w;
        raw.weight = Some(w);
    }
    if let Some(pr) = adj.priority {
        m.priority = pr;
        raw.priority = pr;
    }
    let from = adj
        .from
        .as_deref()
        .and_then(|s| parse_moment(s, Edge::Start, Some(&id), &field("from"), p));
    let until = adj
        .until
        .as_deref()
        .and_then(|s| parse_moment(s, Edge::End, Some(&id), &field("until"), p));
    let window = Window {
        from: if adj.from.is_some() {
            from
        } else {
            m.window.from
        },
        until: if adj.until.is_some() {
            until
        } else {
            m.window.until
        },
    };
    if let (Some(f), Some(u)) = (window.from, window.until)
        && u <= f
    {
        p.add(Some(&id), field("until"), None, ProblemKind::WindowInverted);
    }
    m.window = window;
    if adj.from.is_some() {
        raw.from = adj.from.clone();
    }
    if adj.until.is_some() {
        raw.until = adj.until.clone();
    }
    if let Some(surfaces) = &adj.surfaces {
        if surfaces.is_empty() {
            p.add(Some(&id), field("surfaces"), None, ProblemKind::Empty);
        }
        let new: Vec<Surface> = surfaces
            .iter()
            .filter(|s| !m.surfaces.contains(s))
            .copied()
            .collect();
        // A surface the message was not checked for: it must fit there too.
        fits::check_fits(&id, &m.text, &new, p);
        m.surfaces = surfaces.clone();
        raw.surfaces = Some(surfaces.clone());
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{Catalog, Format, Overlay};
    use crate::layout::work;

    /// An overlay word the base was already laid out with (added by
    /// `with_layout_words`) is not new: the base messages that have it are
    /// not laid out again.
    #[test]
    fn a_word_the_base_was_laid_out_with_is_not_checked_again() {
        const WORD: &str = "คนละครึ่งพลัส";
        let base = Catalog::from_str_as(
            &format!(
                "version = 1\n[[messages]]\nid = \"m\"\ntopic = \"general\"\n\
                 surfaces = [\"receipt\"]\n[messages.text.th]\n\
                 long = \"โปรดลงทะเบียนผ่านแอป{WORD}เท่านั้น\"\n"
            ),
            Format::Toml,
            "b.toml",
        )
        .unwrap();
        let overlay = Overlay::from_bytes(
            format!("schema = 2\nversion = 1\n[layout]\nwords = [\"{WORD}\"]\n").as_bytes(),
            Format::Toml,
            "o.toml",
        )
        .unwrap();
        work::take();
        base.with_overlay(&overlay).unwrap();
        let new_word = work::take();
        let with = base.with_layout_words(&[WORD.to_owned()], "cfg").unwrap();
        work::take();
        with.with_overlay(&overlay).unwrap();
        assert_eq!(
            work::take(),
            0,
            "laid out again ({new_word} bytes the first time)"
        );
        assert!(new_word > 0);
    }
}
