//! Eligibility: window, surface, language, weight and priority tier.
//!
//! A [`Selector`](super::Selector) precomputes one compact [`Entry`] per
//! catalog message so the per-request scan touches no strings.

use time::OffsetDateTime;

use super::hash;
use crate::catalog::{Message, Window};
use crate::{Catalog, Surface};

/// Why a candidate was or was not eligible, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// In the winning tier: the policy chose among these.
    Eligible,
    /// The instant is outside the message's validity window.
    OutsideWindow,
    /// The message is not enabled for the requested surface.
    WrongSurface,
    /// The message has no text in the requested language.
    NoLanguage,
    /// Weight 0: never chosen.
    ZeroWeight,
    /// Eligible, but a higher priority tier has an eligible message.
    LowerTier {
        /// The winning tier.
        winning: i32,
    },
}

impl Verdict {
    /// A short English reason.
    pub fn reason(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::OutsideWindow => "outside its validity window",
            Verdict::WrongSurface => "not enabled for this surface",
            Verdict::NoLanguage => "no text in this language",
            Verdict::ZeroWeight => "weight 0",
            Verdict::LowerTier { .. } => "lower priority tier",
        }
    }
}

/// Per-message data precomputed for fast selection.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) hash: u64,
    pub(crate) weight: u32,
    pub(crate) priority: i32,
    pub(crate) surfaces: u8,
    /// Bit `i` set when the message has text in `Langs::codes[i]` (first 64 codes).
    pub(crate) langs: u64,
    /// The window as Unix nanoseconds `[from, until)`: comparing `OffsetDateTime`s
    /// normalises offsets on every comparison, which dominated selection time.
    pub(crate) from: i128,
    pub(crate) until: i128,
}

pub(crate) fn surface_bit(s: Surface) -> u8 {
    1 << (s as u8)
}

/// The language codes of a catalog, sorted, for bitmask lookups.
#[derive(Debug, Clone)]
pub(crate) struct Langs {
    pub(crate) codes: Vec<String>,
}

/// A request's language resolved against [`Langs`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum LangQuery<'a> {
    /// No message has this language.
    Absent,
    /// Bit in [`Entry::langs`].
    Bit(u64),
    /// Beyond 64 languages: look the code up in the message.
    Code(&'a str),
}

impl Langs {
    pub(crate) fn of(catalog: &Catalog) -> Langs {
        let mut codes: Vec<String> = catalog
            .messages()
            .iter()
            .flat_map(|m| m.text.keys().cloned())
            .collect();
        codes.sort();
        codes.dedup();
        Langs { codes }
    }

    /// The index of a language code in [`Langs::codes`], if any message has it.
    pub(crate) fn index(&self, lang: &str) -> Option<usize> {
        self.codes.binary_search_by(|c| c.as_str().cmp(lang)).ok()
    }

    pub(crate) fn query<'a>(&self, lang: &'a str) -> LangQuery<'a> {
        match self.codes.binary_search_by(|c| c.as_str().cmp(lang)) {
            Ok(i) if i < 64 => LangQuery::Bit(1 << i),
            Ok(_) => LangQuery::Code(lang),
            Err(_) => LangQuery::Absent,
        }
    }

    pub(crate) fn mask(&self, m: &Message) -> u64 {
        self.codes
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, c)| m.text.contains_key(c.as_str()))
            .fold(0, |acc, (i, _)| acc | (1 << i))
    }
}

impl Entry {
    pub(crate) fn new(m: &Message, langs: &Langs) -> Entry {
        Entry {
            hash: hash::message_hash(&m.id),
            weight: m.weight,
            priority: m.priority,
            surfaces: m.surfaces.iter().fold(0, |a, &s| a | surface_bit(s)),
            langs: langs.mask(m),
            from: window_ns(m.window).0,
            until: window_ns(m.window).1,
        }
    }
}

fn window_ns(w: Window) -> (i128, i128) {
    (
        w.from
            .map_or(i128::MIN, OffsetDateTime::unix_timestamp_nanos),
        w.until
            .map_or(i128::MAX, OffsetDateTime::unix_timestamp_nanos),
    )
}

/// What a request asks of every candidate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Filter<'a> {
    /// The instant as Unix nanoseconds.
    pub(crate) at: i128,
    pub(crate) surface: u8,
    pub(crate) lang: LangQuery<'a>,
}

impl Filter<'_> {
    /// The verdict before tiers are considered (`Eligible` = passes).
    #[inline]
    pub(crate) fn check(&self, e: &Entry, m: Option<&Message>) -> Verdict {
        if self.at < e.from || self.at >= e.until {
            return Verdict::OutsideWindow;
        }
        if e.surfaces & self.surface == 0 {
            return Verdict::WrongSurface;
        }
        let has_lang = match self.lang {
            LangQuery::Absent => false,
            LangQuery::Bit(b) => e.langs & b != 0,
            LangQuery::Code(c) => m.is_some_and(|m| m.text.contains_key(c)),
        };
        if !has_lang {
            return Verdict::NoLanguage;
        }
        if e.weight == 0 {
            return Verdict::ZeroWeight;
        }
        Verdict::Eligible
    }
}
