//! Roll-up: many units' reports for one month into one district or province
//! report.
//!
//! Rules (so that re-sending never double counts and the result does not
//! depend on the order files were given):
//!
//! - A unit is keyed by its `agency` (all reports must be for the same month,
//!   else [`ReportError::MonthMismatch`]). If a unit sent several reports, the
//!   one with the newest `generated_at` is used (ties: the one whose JSON sorts
//!   last, so the choice is deterministic); the others are listed in
//!   [`Report::dropped_duplicates`] and not counted.
//! - Units are processed in agency order. Rows are merged by `message_id`,
//!   counts added; `content` is the first non-empty one from a unit that still
//!   has the message in its catalog. Rows keep their first-appearance order;
//!   rows no unit has in its catalog go last, by id.
//! - The breakdown is summed by (message, surface, kind).
//! - `expected_units` not present go to [`Report::missing_units`]; present
//!   units not expected go to [`Report::unexpected_units`]. Units a merged
//!   (district) report itself lists as missing are carried up as
//!   `"district / unit"`.
//! - The result has `level` and its filing [`deadline`](super::deadline()).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::OffsetDateTime;

use super::deadline::{Level, deadline};
use super::model::{SCHEMA_VERSION, sort_breakdown};
use super::{
    BreakdownEntry, CountedOnce, DroppedDuplicate, MANUAL_KIND, Report, ReportError, Row,
    Signature, UnitInfo,
};
use crate::store::{CountRow, ManualRecord, WriterCounts, merge_writers};
use crate::{Channel, Surface};

/// Merge units' reports into the report of `agency` (the district or province)
/// filed by `level`. See the module docs for the rules.
///
/// Errors: [`ReportError::NoReports`], [`ReportError::EmptyAgency`],
/// [`ReportError::MonthMismatch`].
pub fn merge(
    reports: &[Report],
    agency: &str,
    level: Level,
    expected_units: Option<&[String]>,
) -> Result<Report, ReportError> {
    merge_at(
        reports,
        agency,
        level,
        expected_units,
        crate::bangkok::now(),
    )
}

/// [`merge`] with an explicit `generated_at` for the result.
pub fn merge_at(
    reports: &[Report],
    agency: &str,
    level: Level,
    expected_units: Option<&[String]>,
    generated_at: OffsetDateTime,
) -> Result<Report, ReportError> {
    let first = reports.first().ok_or(ReportError::NoReports)?;
    let month = first.month;
    crate::vocab::clean::check_text(agency).map_err(|u| ReportError::Invalid {
        what: "agency of the roll-up".into(),
        detail: u.to_string(),
    })?;
    let mut by_unit: BTreeMap<&str, Vec<&Report>> = BTreeMap::new();
    for r in reports {
        if r.agency.is_empty() {
            return Err(ReportError::EmptyAgency { month: r.month });
        }
        if r.month != month {
            return Err(ReportError::MonthMismatch {
                agency: r.agency.clone(),
                expected: month,
                found: r.month,
            });
        }
        // A unit report stamped after the roll-up itself (beyond a day of
        // clock skew) would win every later tie-break by date: refuse it.
        if generated_at
            .checked_add(time::Duration::DAY)
            .is_some_and(|latest| r.generated_at > latest)
        {
            return Err(ReportError::Invalid {
                what: format!("report of `{}`", r.agency),
                detail: format!(
                    "generated_at {} is in the future (the roll-up is made at {generated_at})",
                    r.generated_at
                ),
            });
        }
        r.validate()?;
        by_unit.entry(r.agency.as_str()).or_default().push(r);
    }

    // Reports that carry per-writer counters are merged by the G-counter
    // rule: never dropped, since two hosts of one unit add up and a copy
    // sent again changes nothing. Older reports without them: the newest
    // per unit wins, and a unit that is also covered by counters is left to them.
    let covered: BTreeMap<&str, OffsetDateTime> = covered_units(reports);
    let mut kept: Vec<&Report> = Vec::with_capacity(by_unit.len());
    let mut dropped = Vec::new();
    for copies in by_unit.values() {
        let (fleet, legacy): (Vec<&Report>, Vec<&Report>) =
            copies.iter().partition(|r| !r.writers.is_empty());
        kept.extend(fleet);
        let Some(newest) = newest(&legacy) else {
            continue;
        };
        let superseded = covered.get(newest.agency.as_str()).copied();
        for c in legacy
            .iter()
            .filter(|c| superseded.is_some() || !std::ptr::eq(**c, newest))
        {
            dropped.push(DroppedDuplicate {
                agency: c.agency.clone(),
                generated_at: c.generated_at,
                kept_generated_at: superseded.unwrap_or(newest.generated_at),
            });
        }
        if superseded.is_none() {
            kept.push(newest);
        }
    }
    dropped.sort();

    // Every kept report as writers' counters: its own, or for an older
    // report one pseudo-writer per unit (the newest copy was chosen above).
    let pseudo: Vec<WriterCounts> = kept
        .iter()
        .filter(|r| r.writers.is_empty())
        .map(|r| as_writer(r))
        .collect();
    let merged = merge_writers(
        kept.iter()
            .flat_map(|r| r.writers.iter())
            .chain(pseudo.iter()),
    );

    // Rows by message id, in first-appearance order over units in agency order.
    let mut rows: Vec<Row> = Vec::new();
    let mut in_catalog: Vec<bool> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for unit in &kept {
        for r in &unit.rows {
            let i = match index.get(&r.message_id) {
                Some(&i) => i,
                None => {
                    index.insert(r.message_id.clone(), rows.len());
                    let mut row = Row::new(r.message_id.clone(), String::new());
                    row.not_in_catalog = true;
                    rows.push(row);
                    in_catalog.push(false);
                    rows.len() - 1
                }
            };
            let (Some(row), Some(has_catalog)) = (rows.get_mut(i), in_catalog.get_mut(i)) else {
                continue;
            };
            if !r.not_in_catalog && !*has_catalog && !r.content.is_empty() {
                row.content.clone_from(&r.content);
                *has_catalog = true;
            } else if row.content.is_empty() {
                row.content.clone_from(&r.content);
            }
            row.not_in_catalog &= r.not_in_catalog;
        }
    }
    let mut breakdown: HashMap<(String, Option<Surface>, String), u64> = HashMap::new();
    let mut cell = |rows: &mut Vec<Row>, id: &str, channel: Channel, n: u64| {
        let i = match index.get(id) {
            Some(&i) => i,
            None => {
                index.insert(id.to_owned(), rows.len());
                let mut row = Row::new(id, id);
                row.not_in_catalog = true;
                rows.push(row);
                rows.len() - 1
            }
        };
        if let Some(row) = rows.get_mut(i) {
            let c = row.get_mut(channel);
            *c = super::check::add(
                || format!("merged row `{id}` `{}`", channel.as_str()),
                *c,
                n,
            )?;
        }
        Ok::<(), ReportError>(())
    };
    for c in merged.sum() {
        cell(&mut rows, &c.message_id, Channel::Documents, c.count)?;
        let v = breakdown
            .entry((c.message_id, Some(c.surface), c.kind))
            .or_insert(0);
        *v = super::check::add(|| "merged breakdown".into(), *v, c.count)?;
    }
    for (_, channel, id, n) in merged.manual() {
        cell(&mut rows, id, channel, n)?;
        if channel == Channel::Documents {
            let v = breakdown
                .entry((id.to_owned(), None, MANUAL_KIND.to_owned()))
                .or_insert(0);
            *v = super::check::add(|| "merged breakdown".into(), *v, n)?;
        }
    }
    let (mut rows, mut retired): (Vec<Row>, Vec<Row>) =
        rows.into_iter().partition(|r| !r.not_in_catalog);
    retired.sort_by(|a, b| a.message_id.cmp(&b.message_id));
    rows.append(&mut retired);

    let mut breakdown: Vec<BreakdownEntry> = breakdown
        .into_iter()
        .map(|((message_id, surface, kind), count)| BreakdownEntry {
            message_id,
            surface,
            kind,
            count,
        })
        .collect();
    sort_breakdown(&mut breakdown, &rows);

    let present: BTreeSet<&str> = kept.iter().map(|r| r.agency.as_str()).collect();
    let mut missing: Vec<String> = Vec::new();
    let mut unexpected: Vec<String> = Vec::new();
    if let Some(expected) = expected_units {
        let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
        missing.extend(expected.difference(&present).map(|s| (*s).to_owned()));
        unexpected.extend(present.difference(&expected).map(|s| (*s).to_owned()));
    }
    for unit in &kept {
        missing.extend(
            unit.missing_units
                .iter()
                .map(|m| format!("{} / {m}", unit.agency)),
        );
    }
    missing.sort();
    missing.dedup();

    // One entry per unit: hosts of one unit send one report each.
    let mut units: Vec<UnitInfo> = Vec::new();
    for r in &kept {
        match units.iter_mut().find(|u| u.agency == r.agency) {
            Some(u) => {
                u.generated_at = u.generated_at.max(r.generated_at);
                u.amended |= r.amendment.is_some();
            }
            None => units.push(UnitInfo {
                agency: r.agency.clone(),
                generated_at: r.generated_at,
                amended: r.amendment.is_some(),
            }),
        }
    }
    let totals = super::check::totals(&rows)?;
    Ok(Report {
        schema: SCHEMA_VERSION,
        agency: agency.to_owned(),
        month,
        lang: kept
            .first()
            .map_or_else(|| "th".to_owned(), |r| r.lang.clone()),
        level: Some(level),
        deadline: Some(deadline(level, month)),
        rows,
        totals,
        breakdown,
        signature: Signature::default(),
        generated_at,
        units,
        missing_units: missing,
        unexpected_units: unexpected,
        dropped_duplicates: dropped,
        counted_once: counted_once(&kept),
        writers: merged.to_writers(),
        amendment: None,
    })
}

/// Units that reports with per-writer counters cover (the report's own
/// agency and the units of a roll-up), with the newest `generated_at`.
fn covered_units(reports: &[Report]) -> BTreeMap<&str, OffsetDateTime> {
    let mut out: BTreeMap<&str, OffsetDateTime> = BTreeMap::new();
    for r in reports.iter().filter(|r| !r.writers.is_empty()) {
        let names = std::iter::once((r.agency.as_str(), r.generated_at))
            .chain(r.units.iter().map(|u| (u.agency.as_str(), u.generated_at)));
        for (name, at) in names {
            let e = out.entry(name).or_insert(at);
            *e = (*e).max(at);
        }
    }
    out
}

/// Units that arrived in more than one report of different agencies (e.g.
/// inside a district's roll-up and directly): their writers were counted once.
fn counted_once(kept: &[&Report]) -> Vec<CountedOnce> {
    let mut by_unit: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in kept.iter().filter(|r| !r.writers.is_empty()) {
        by_unit
            .entry(r.agency.as_str())
            .or_default()
            .insert(r.agency.as_str());
        for u in &r.units {
            by_unit
                .entry(u.agency.as_str())
                .or_default()
                .insert(r.agency.as_str());
        }
    }
    by_unit
        .into_iter()
        .filter(|(_, sources)| sources.len() > 1)
        .map(|(unit, sources)| CountedOnce {
            agency: unit.to_owned(),
            sources: sources.into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

/// An older report without per-writer counters as the counters of one
/// pseudo-writer per unit: documents from its breakdown, the other columns
/// as manual recordings made when the report was generated.
fn as_writer(r: &Report) -> WriterCounts {
    let mut h = crate::fnv::Fnv1a64::after(b"keymsg report unit\0");
    h.write(r.agency.as_bytes());
    let at_ns = i64::try_from(r.generated_at.unix_timestamp_nanos()).unwrap_or(i64::MAX);
    let mut counts = Vec::new();
    let mut manual = Vec::new();
    for e in &r.breakdown {
        match e.surface {
            Some(surface) => counts.push(CountRow {
                agency: r.agency.clone(),
                message_id: e.message_id.clone(),
                surface,
                kind: e.kind.clone(),
                count: e.count,
            }),
            None => manual.push(ManualRecord {
                agency: r.agency.clone(),
                channel: Channel::Documents,
                message_id: e.message_id.clone(),
                count: e.count,
                recorded_at_ns: at_ns,
            }),
        }
    }
    for row in &r.rows {
        for c in Channel::ALL {
            if c != Channel::Documents && row.get(c) > 0 {
                manual.push(ManualRecord {
                    agency: r.agency.clone(),
                    channel: c,
                    message_id: row.message_id.clone(),
                    count: row.get(c),
                    recorded_at_ns: at_ns,
                });
            }
        }
    }
    WriterCounts {
        host: "report".to_owned(),
        writer: format!("unit-{:016x}", h.finish()),
        // The newest report of a unit replaces older ones.
        epoch: u64::try_from(r.generated_at.unix_timestamp()).unwrap_or(0),
        counts,
        manual,
    }
}

/// The newest copy; among equally new ones, the one whose JSON sorts last.
fn newest<'a>(copies: &[&'a Report]) -> Option<&'a Report> {
    let newest_at = copies.iter().map(|r| r.generated_at).max()?;
    let tied: Vec<&'a Report> = copies
        .iter()
        .copied()
        .filter(|r| r.generated_at == newest_at)
        .collect();
    if let [only] = tied.as_slice() {
        return Some(only);
    }
    tied.into_iter().max_by_key(|r| r.to_json())
}
