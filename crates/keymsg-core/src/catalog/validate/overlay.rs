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
use crate::catalog::raw::{RawAllow, RawCatalog};

impl Catalog {
    /// This catalog as an official base with an agency `overlay` applied
    /// (see [`crate::catalog::Overlay`]): added messages and hotlines, adjusted
    /// weights, priorities, windows and surfaces, disabled base messages.
    /// Every problem is reported with the overlay's file name; an overlay
    /// cannot change a base message's text or the base allow-list.
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
        // The base's `[layout]` comes with the base's schema (an overlay of
        // schema 1 may sit on a base of schema 2).
        schema: o.schema.max(base_raw.schema),
        version: o.version,
        issuer: o.issuer.clone(),
        expires: o.expires.clone(),
        allow: RawAllow {
            phones: [o.allow.phones.clone(), base_raw.allow.phones.clone()].concat(),
            hosts: [o.allow.hosts.clone(), base_raw.allow.hosts.clone()].concat(),
            handles: [o.allow.handles.clone(), base_raw.allow.handles.clone()].concat(),
        },
        policy: o.policy.clone(),
        // The base catalog's layout words apply to the agency's messages too.
        layout: base_raw.layout.clone(),
        messages: o.messages.clone(),
    };
    let own = match validate(own, &label) {
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

    let mut messages: Vec<Message> = Vec::new();
    let mut raw_messages = Vec::new();
    let own_messages = own.as_ref().map_or(&[][..], |c| c.messages());
    let base_messages = base.messages().iter().zip(&base_raw.messages);
    let overlay_messages = own_messages.iter().zip(&o.messages);
    for (m, raw) in base_messages
        .filter(|(m, _)| !o.disable.contains(&m.id))
        .chain(overlay_messages)
    {
        let mut m = m.clone();
        let mut raw = raw.clone();
        if let Some(adj) = o.adjust.get(&m.id) {
            let official = base.get(&m.id).is_some();
            adjust(&mut m, &mut raw, adj, official, &mut p);
        }
        messages.push(m);
        raw_messages.push(raw);
    }
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
    let expires = match (bm.expires, own_meta.and_then(|m| m.expires)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let meta = CatalogMeta {
        schema: bm.schema,
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
        schema: base_raw.schema,
        version: base_raw.version,
        issuer: base_raw.issuer.clone(),
        expires: base_raw.expires.clone(),
        allow: RawAllow {
            phones: union(&base_raw.allow.phones, Some(&o.allow.phones)),
            hosts: union(&base_raw.allow.hosts, Some(&o.allow.hosts)),
            handles: union(&base_raw.allow.handles, Some(&o.allow.handles)),
        },
        policy: policy.into_iter().collect::<BTreeMap<_, _>>(),
        layout: base_raw.layout.clone(),
        messages: raw_messages,
    };
    Ok(Catalog {
        inner: Arc::new(Inner {
            meta,
            messages,
            by_id,
            raw,
            trust: base.trust().clone(),
            words: base.layout_words().cloned(),
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
