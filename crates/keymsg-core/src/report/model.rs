//! The report data model and [`Report::build`].

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::deadline::Level;
use crate::bangkok::YearMonth;
use crate::catalog::Catalog;
use crate::store::{CountRow, ManualEntry, WriterCounts, free_text};
use crate::{Channel, Surface};

/// The JSON schema version written by [`Report::to_json`](super::Report::to_json).
/// Reading a report with any other value fails with
/// [`ReportError::UnsupportedSchema`](super::ReportError::UnsupportedSchema).
pub const SCHEMA_VERSION: u32 = 1;

/// The `kind` recorded in the breakdown for a hand-entered Documents count
/// (a [`ManualEntry`] with [`Channel::Documents`]), which has no surface.
pub const MANUAL_KIND: &str = "manual";

/// The Ministry's monthly form for one agency (or one roll-up level) and month.
///
/// Serialises losslessly to JSON (see `SCHEMA_VERSION`); the field names of
/// `agency`, `month`, `rows` and `totals` are part of the interface contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Report {
    /// JSON schema version; always `SCHEMA_VERSION` once read.
    pub schema: u32,
    /// The reporting agency or unit (for a roll-up: the district / province).
    pub agency: String,
    /// The reported month (`YYYY-MM`, Asia/Bangkok).
    pub month: YearMonth,
    /// Language of the `content` column (`th` unless asked otherwise).
    pub lang: String,
    /// The level that files this report, if known (set by roll-ups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// When this report is due at the next level up (for `level`).
    #[serde(
        default,
        with = "iso_date_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub deadline: Option<Date>,
    /// One row per content item, in catalog order, then retired ids.
    pub rows: Vec<Row>,
    /// Column sums over `rows`.
    pub totals: Totals,
    /// Documents-and-Application counts by message, surface and kind.
    pub breakdown: Vec<BreakdownEntry>,
    /// Signature block (filled in by the reporter).
    #[serde(default)]
    pub signature: Signature,
    /// When the report was generated (RFC 3339). Newest wins in roll-ups.
    #[serde(with = "rfc3339")]
    pub generated_at: OffsetDateTime,
    /// For roll-ups: the units included, each with its own `generated_at`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitInfo>,
    /// For roll-ups: units that were expected but sent no report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_units: Vec<String>,
    /// For roll-ups: units that reported but were not on the expected list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unexpected_units: Vec<String>,
    /// For roll-ups: reports dropped because the same unit sent a newer one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_duplicates: Vec<DroppedDuplicate>,
    /// For roll-ups: units that arrived in several reports of different
    /// agencies (inside a district's roll-up and directly): counted once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counted_once: Vec<CountedOnce>,
    /// Each writer's counters behind the Documents column and the manual
    /// entries (a G-counter): roll-ups merge them by max per writer, then
    /// sum, so hosts of one unit add up and a copy sent twice counts once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writers: Vec<WriterCounts>,
    /// Set when this report corrects one already filed for the same month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<super::Amendment>,
}

/// One content row of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The catalog message id.
    pub message_id: String,
    /// The message text (Thai long variant by default); the id itself for a
    /// message no longer in the catalog.
    pub content: String,
    /// Online column.
    pub online: u64,
    /// On Air column.
    pub on_air: u64,
    /// On Ground column.
    pub on_ground: u64,
    /// Digital Billboard column.
    pub billboard: u64,
    /// Community column.
    pub community: u64,
    /// Documents and Application column.
    pub documents: u64,
    /// True when the message has counts but is no longer in the catalog.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_in_catalog: bool,
}

/// `get` / `get_mut` by [`Channel`] for a struct with the six form columns
/// as fields (`online`, `on_air`, `on_ground`, `billboard`, `community`,
/// `documents`), so each of them maps channels to fields in one place.
macro_rules! channel_columns {
    ($ty:ty, $value:ty) => {
        impl $ty {
            /// The value of one column.
            #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
            pub fn get(&self, channel: Channel) -> $value {
                match channel {
                    Channel::Online => self.online,
                    Channel::OnAir => self.on_air,
                    Channel::OnGround => self.on_ground,
                    Channel::Billboard => self.billboard,
                    Channel::Community => self.community,
                    Channel::Documents => self.documents,
                }
            }

            /// Mutable access to one column.
            #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
            pub fn get_mut(&mut self, channel: Channel) -> &mut $value {
                match channel {
                    Channel::Online => &mut self.online,
                    Channel::OnAir => &mut self.on_air,
                    Channel::OnGround => &mut self.on_ground,
                    Channel::Billboard => &mut self.billboard,
                    Channel::Community => &mut self.community,
                    Channel::Documents => &mut self.documents,
                }
            }
        }
    };
}
pub(crate) use channel_columns;

channel_columns!(Row, u64);
channel_columns!(Totals, u64);

impl Row {
    /// An all-zero row.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn new(message_id: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            message_id: message_id.into(),
            content: content.into(),
            online: 0,
            on_air: 0,
            on_ground: 0,
            billboard: 0,
            community: 0,
            documents: 0,
            not_in_catalog: false,
        }
    }

    /// The six counts in form order ([`Channel::ALL`]).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn counts(&self) -> [u64; 6] {
        Channel::ALL.map(|c| self.get(c))
    }
}

/// Column sums (same keys as a [`Row`]'s counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// Online column.
    pub online: u64,
    /// On Air column.
    pub on_air: u64,
    /// On Ground column.
    pub on_ground: u64,
    /// Digital Billboard column.
    pub billboard: u64,
    /// Community column.
    pub community: u64,
    /// Documents and Application column.
    pub documents: u64,
}

impl Totals {
    /// The sum of each column over `rows` (saturating, never panics).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn of(rows: &[Row]) -> Self {
        let mut t = Totals::default();
        for row in rows {
            for c in Channel::ALL {
                let cell = t.get_mut(c);
                *cell = cell.saturating_add(row.get(c));
            }
        }
        t
    }

    /// The six totals in form order ([`Channel::ALL`]).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn counts(&self) -> [u64; 6] {
        Channel::ALL.map(|c| self.get(c))
    }
}

/// Documents-and-Application insertions of one message on one surface and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakdownEntry {
    /// The message id.
    pub message_id: String,
    /// The surface; `None` for hand-entered counts (kind `MANUAL_KIND`).
    pub surface: Option<Surface>,
    /// App or document kind (may be empty).
    pub kind: String,
    /// Insertions.
    pub count: u64,
}

/// The form's signature block. Every field is optional: an office may print
/// the form and sign by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Name of the reporter (ผู้รายงาน).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// Position (ตำแหน่ง).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// Date signed (วันที่), ISO `YYYY-MM-DD`. A form built from a store
    /// ([`Engine::report_with`](crate::Engine::report_with),
    /// `Report::from_store_with`) may be signed from the first day of its
    /// month to two years after its last day (March 2026: 2026-03-01 to
    /// 2028-03-31); another date is refused as an invalid `signed_on`.
    #[serde(
        default,
        with = "iso_date_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Date>,
}

/// A unit included in a roll-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitInfo {
    /// The unit's agency name (the roll-up key with the month).
    pub agency: String,
    /// When the included report was generated.
    #[serde(with = "rfc3339")]
    pub generated_at: OffsetDateTime,
    /// Whether the included report was an amendment.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub amended: bool,
}

/// A unit that a roll-up received more than once, in reports of different
/// agencies (e.g. inside a district's roll-up and directly); its counts were
/// taken once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountedOnce {
    /// The unit.
    pub agency: String,
    /// The agencies of the reports it arrived in.
    pub sources: Vec<String>,
}

/// A unit report left out of a roll-up because the same unit sent another one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedDuplicate {
    /// The unit.
    pub agency: String,
    /// `generated_at` of the dropped copy.
    #[serde(with = "rfc3339")]
    pub generated_at: OffsetDateTime,
    /// `generated_at` of the copy that was kept.
    #[serde(with = "rfc3339")]
    pub kept_generated_at: OffsetDateTime,
}

impl Report {
    /// Build the form for `agency` and `month`.
    ///
    /// - One row per catalog message, in catalog order; `content` is the
    ///   message's long text in `lang`, falling back to Thai.
    /// - Then one row per free-text content recorded by hand
    ///   ([`ManualEntry::free_text`], sorted by content; `content` = the text),
    ///   and per base message the catalog's overlay disabled that has counts
    ///   or entries (`content` = its text: it was shown before it was hidden).
    /// - Then one row per message id that has counts or entries but is no
    ///   longer in the catalog (sorted by id; `content` = the id,
    ///   [`Row::not_in_catalog`] set) — counts are never dropped.
    /// - `documents` = the sum of the `counts` for the message, plus any
    ///   [`ManualEntry`] with [`Channel::Documents`] (paper leaflets counted
    ///   by hand belong to the same column); such entries appear in the
    ///   breakdown with no surface and kind [`MANUAL_KIND`], so the breakdown
    ///   of a message always adds up to its `documents` cell.
    /// - The other five columns are the sums of the manual entries.
    ///
    /// The caller chooses the scope: every `CountRow` given is counted (they
    /// carry no month; pass the rows of `month` only, for one agency or, for a
    /// combined report, several). Manual entries for another month are ignored.
    /// Counts add with saturation, so this never panics.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn build(
        catalog: &Catalog,
        agency: &str,
        month: YearMonth,
        counts: &[CountRow],
        manual: &[ManualEntry],
        lang: &str,
    ) -> Report {
        Self::build_at(
            catalog,
            agency,
            month,
            counts,
            manual,
            lang,
            crate::bangkok::now(),
        )
    }

    /// [`Report::build`] with an explicit `generated_at` (for reproducible output).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn build_at(
        catalog: &Catalog,
        agency: &str,
        month: YearMonth,
        counts: &[CountRow],
        manual: &[ManualEntry],
        lang: &str,
        generated_at: OffsetDateTime,
    ) -> Report {
        let mut rows: Vec<Row> = catalog
            .messages()
            .iter()
            .map(|m| {
                let content = m
                    .text(lang)
                    .or_else(|| m.text("th"))
                    .map(|t| t.long.clone())
                    .unwrap_or_else(|| m.id.clone());
                Row::new(m.id.clone(), content)
            })
            .collect();
        let index: HashMap<&str, usize> = catalog
            .messages()
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        // Free-text rows (`text:` ids) and retired ids, each sorted by id.
        let mut retired: BTreeMap<&str, Row> = BTreeMap::new();
        let mut breakdown: HashMap<(&str, Option<Surface>, &str), u64> = HashMap::new();

        // A row for an id not among the messages: a base message the
        // overlay disabled keeps its own text; any other id is free text
        // or retired.
        let hidden_text = |id: &str| {
            catalog.hidden(id).map(|m| {
                m.text(lang)
                    .or_else(|| m.text("th"))
                    .map_or_else(|| m.id.clone(), |t| t.long.clone())
            })
        };
        for c in counts {
            add(
                &mut rows,
                &index,
                &mut retired,
                &hidden_text,
                &c.message_id,
                Channel::Documents,
                c.count,
            );
            let e = breakdown
                .entry((c.message_id.as_str(), Some(c.surface), c.kind.as_str()))
                .or_insert(0);
            *e = e.saturating_add(c.count);
        }
        for m in manual.iter().filter(|m| m.month == month) {
            add(
                &mut rows,
                &index,
                &mut retired,
                &hidden_text,
                &m.message_id,
                m.channel,
                m.count,
            );
            if m.channel == Channel::Documents {
                let e = breakdown
                    .entry((m.message_id.as_str(), None, MANUAL_KIND))
                    .or_insert(0);
                *e = e.saturating_add(m.count);
            }
        }
        let (free, gone): (Vec<Row>, Vec<Row>) =
            retired.into_values().partition(|r| !r.not_in_catalog);
        rows.extend(free);
        rows.extend(gone);

        let mut breakdown: Vec<BreakdownEntry> = breakdown
            .into_iter()
            .map(|((id, surface, kind), count)| BreakdownEntry {
                message_id: id.to_owned(),
                surface,
                kind: kind.to_owned(),
                count,
            })
            .collect();
        sort_breakdown(&mut breakdown, &rows);

        let totals = Totals::of(&rows);
        Report {
            schema: SCHEMA_VERSION,
            agency: agency.to_owned(),
            month,
            lang: lang.to_owned(),
            level: None,
            deadline: None,
            rows,
            totals,
            breakdown,
            signature: Signature::default(),
            generated_at,
            units: Vec::new(),
            missing_units: Vec::new(),
            unexpected_units: Vec::new(),
            dropped_duplicates: Vec::new(),
            counted_once: Vec::new(),
            writers: Vec::new(),
            amendment: None,
        }
    }

    /// Set the signature block (builder style).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn with_signature(mut self, signature: Signature) -> Self {
        self.signature = signature;
        self
    }

    /// The compact form agencies file: rows whose six counts are all zero
    /// are left out (the totals do not change; rows are numbered as printed).
    #[must_use]
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn without_zero_rows(mut self) -> Self {
        self.rows.retain(|r| r.counts().iter().any(|&n| n > 0));
        self
    }

    /// Recompute `totals` from `rows` (after editing rows by hand).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn recompute_totals(&mut self) {
        self.totals = Totals::of(&self.rows);
    }
}

fn add<'a>(
    rows: &mut [Row],
    index: &HashMap<&str, usize>,
    retired: &mut BTreeMap<&'a str, Row>,
    hidden_text: &impl Fn(&str) -> Option<String>,
    id: &'a str,
    channel: Channel,
    count: u64,
) {
    let row = match index.get(id).and_then(|&i| rows.get_mut(i)) {
        Some(row) => row,
        None => retired.entry(id).or_insert_with(|| match free_text(id) {
            Some(content) => Row::new(id, content),
            None if let Some(text) = hidden_text(id) => Row::new(id, text),
            None => {
                let mut r = Row::new(id, id);
                r.not_in_catalog = true;
                r
            }
        }),
    };
    let cell = row.get_mut(channel);
    *cell = cell.saturating_add(count);
}

/// Sort breakdown entries by the order of their message in `rows` (unknown
/// ids last, by id), then surface (manual last), then kind.
pub(crate) fn sort_breakdown(entries: &mut [BreakdownEntry], rows: &[Row]) {
    let order: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.message_id.as_str(), i))
        .collect();
    fn key<'a>(
        order: &HashMap<&str, usize>,
        e: &'a BreakdownEntry,
    ) -> (usize, &'a str, bool, Option<Surface>, &'a str) {
        let position = order.get(e.message_id.as_str()).copied();
        (
            position.unwrap_or(usize::MAX),
            &e.message_id,
            e.surface.is_none(),
            e.surface,
            &e.kind,
        )
    }
    entries.sort_by(|a, b| {
        key(&order, a)
            .cmp(&key(&order, b))
            .then(a.count.cmp(&b.count))
    });
}

/// Serde for RFC 3339 instants (the `time` crate's serde feature is not enabled).
pub(crate) mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    pub(crate) fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        let text = t.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339).map_err(serde::de::Error::custom)
    }
}

/// Serde for optional ISO `YYYY-MM-DD` dates.
pub(crate) mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;
    use time::macros::format_description;

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]");

    pub(crate) fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => {
                let text = d.format(FORMAT).map_err(serde::ser::Error::custom)?;
                s.serialize_some(&text)
            }
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| Date::parse(&t, FORMAT).map_err(serde::de::Error::custom))
            .transpose()
    }
}
