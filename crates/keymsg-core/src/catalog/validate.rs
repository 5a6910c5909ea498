//! Validation of a raw catalog into a [`Catalog`].

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use unicode_normalization::UnicodeNormalization;

use super::error::{CatalogError, Problem, ProblemKind};
use super::model::{Catalog, CatalogMeta, Inner, Message, Text, Window};
use super::raw::{RawCatalog, RawText};
use crate::{Surface, bangkok};

/// Newest catalog schema this library reads. Older schemas keep loading.
pub const SCHEMA_VERSION: u32 = 1;

struct Problems(Vec<Problem>);

impl Problems {
    fn add(
        &mut self,
        id: Option<&str>,
        field: impl Into<String>,
        offset: Option<usize>,
        kind: ProblemKind,
    ) {
        self.0.push(Problem {
            message_id: id.map(str::to_owned),
            field: field.into(),
            offset,
            kind,
        });
    }
}

/// Validate `raw`, collecting every problem.
pub(crate) fn validate(raw: RawCatalog, source_name: &str) -> Result<Catalog, CatalogError> {
    if raw.schema == 0 || raw.schema > SCHEMA_VERSION {
        return Err(CatalogError::UnsupportedSchema {
            source_name: source_name.to_owned(),
            found: raw.schema,
            supported: SCHEMA_VERSION,
        });
    }
    let mut p = Problems(Vec::new());

    let expires = raw
        .expires
        .as_deref()
        .and_then(|s| parse_moment(s, Edge::End, None, "expires", &mut p));

    let mut messages = Vec::with_capacity(raw.messages.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (index, m) in raw.messages.iter().enumerate() {
        let id = m.id.as_str();
        if !valid_id(id) {
            p.add(Some(id), "id", None, ProblemKind::BadId);
        }
        if let Some(&first_index) = by_id.get(id) {
            p.add(
                Some(id),
                "id",
                None,
                ProblemKind::DuplicateId { first_index },
            );
        } else {
            by_id.insert(id.to_owned(), index);
        }
        if m.topic.trim().is_empty() {
            p.add(Some(id), "topic", None, ProblemKind::Empty);
        }
        if !m.text.contains_key("th") {
            p.add(
                Some(id),
                "text",
                None,
                ProblemKind::Missing("Thai text (`text.th`)".into()),
            );
        }
        let mut text = std::collections::BTreeMap::new();
        for (lang, t) in &m.text {
            check_text(id, lang, t, &mut p);
            text.insert(lang.clone(), normalise(t));
        }
        let from = m
            .from
            .as_deref()
            .and_then(|s| parse_moment(s, Edge::Start, Some(id), "from", &mut p));
        let until = m
            .until
            .as_deref()
            .and_then(|s| parse_moment(s, Edge::End, Some(id), "until", &mut p));
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            p.add(Some(id), "until", None, ProblemKind::WindowInverted);
        }
        let surfaces = m.surfaces.clone().unwrap_or_else(|| Surface::ALL.to_vec());
        if surfaces.is_empty() {
            p.add(Some(id), "surfaces", None, ProblemKind::Empty);
        }
        messages.push(Message {
            id: m.id.clone(),
            topic: m.topic.clone(),
            text,
            surfaces,
            weight: m.weight.unwrap_or(1),
            priority: m.priority,
            window: Window { from, until },
        });
    }

    if !p.0.is_empty() {
        return Err(CatalogError::Invalid {
            source_name: source_name.to_owned(),
            problems: p.0,
        });
    }
    let meta = CatalogMeta {
        schema: raw.schema,
        version: raw.version,
        issuer: raw.issuer.clone(),
        expires,
        allowed_phones: raw.allow.phones.iter().map(|s| digits_only(s)).collect(),
        allowed_hosts: raw
            .allow
            .hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect(),
        policy: raw.policy.clone(),
    };
    Ok(Catalog {
        inner: Arc::new(Inner {
            meta,
            messages,
            by_id,
            raw,
        }),
    })
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn digits_only(s: &str) -> String {
    crate::text::spans::ascii_digits(s)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

fn normalise(t: &RawText) -> Text {
    Text {
        long: t.long.nfc().collect(),
        short: t.short.as_ref().map(|s| s.nfc().collect()),
        title: t.title.as_ref().map(|s| s.nfc().collect()),
    }
}

fn check_text(id: &str, lang: &str, t: &RawText, p: &mut Problems) {
    let variants = [
        ("long", Some(t.long.as_str())),
        ("short", t.short.as_deref()),
        ("title", t.title.as_deref()),
    ];
    for (name, value) in variants {
        let Some(value) = value else { continue };
        let field = format!("text.{lang}.{name}");
        if value.trim().is_empty() {
            p.add(Some(id), field.clone(), None, ProblemKind::Empty);
        }
        for (offset, c) in value.chars().enumerate() {
            let cp = c as u32;
            if c.is_control() {
                p.add(
                    Some(id),
                    field.clone(),
                    Some(offset),
                    ProblemKind::Control(cp),
                );
            } else if is_bidi_control(c) {
                p.add(Some(id), field.clone(), Some(offset), ProblemKind::Bidi(cp));
            }
        }
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// Parse a date (`YYYY-MM-DD`, Bangkok local) or an RFC 3339 instant.
/// A date as an end is inclusive: it ends at the following local midnight.
fn parse_moment(
    s: &str,
    edge: Edge,
    id: Option<&str>,
    field: &str,
    p: &mut Problems,
) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(s, format) {
        Ok(d) => match edge {
            Edge::Start => Some(bangkok::start_of_day(d)),
            Edge::End => d.next_day().map(bangkok::start_of_day),
        },
        Err(_) => {
            p.add(id, field, None, ProblemKind::BadDate(s.to_owned()));
            None
        }
    }
}
