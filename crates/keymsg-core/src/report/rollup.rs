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
use super::{BreakdownEntry, DroppedDuplicate, Report, ReportError, Row, Signature, UnitInfo};
use crate::Surface;

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

    let mut kept: Vec<&Report> = Vec::with_capacity(by_unit.len());
    let mut dropped = Vec::new();
    for copies in by_unit.values() {
        let Some(newest) = newest(copies) else {
            continue;
        };
        for c in copies.iter().filter(|c| !std::ptr::eq(**c, newest)) {
            dropped.push(DroppedDuplicate {
                agency: c.agency.clone(),
                generated_at: c.generated_at,
                kept_generated_at: newest.generated_at,
            });
        }
        kept.push(newest);
    }
    dropped.sort();

    // Rows by message id, in first-appearance order over units in agency order.
    let mut rows: Vec<Row> = Vec::new();
    let mut in_catalog: Vec<bool> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut breakdown: HashMap<(String, Option<Surface>, String), u64> = HashMap::new();
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
            for c in crate::Channel::ALL {
                let cell = row.get_mut(c);
                *cell = super::check::add(
                    || format!("merged row `{}` `{}`", r.message_id, c.as_str()),
                    *cell,
                    r.get(c),
                )?;
            }
            if !r.not_in_catalog && !*has_catalog && !r.content.is_empty() {
                row.content.clone_from(&r.content);
                *has_catalog = true;
            } else if row.content.is_empty() {
                row.content.clone_from(&r.content);
            }
            row.not_in_catalog &= r.not_in_catalog;
        }
        for e in &unit.breakdown {
            let k = (e.message_id.clone(), e.surface, e.kind.clone());
            let v = breakdown.entry(k).or_insert(0);
            *v = super::check::add(|| "merged breakdown".into(), *v, e.count)?;
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

    let units = kept
        .iter()
        .map(|r| UnitInfo {
            agency: r.agency.clone(),
            generated_at: r.generated_at,
            amended: r.amendment.is_some(),
        })
        .collect();
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
        amendment: None,
    })
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
