//! Late counts: what changed since a month was reported.
//!
//! Municipalities file on the 25th (see [`deadline`](super::deadline())), so
//! counts keep arriving after a month was reported. A new report for that month
//! must not silently show different numbers: [`Report::amend`] lists the
//! per-message changes, and [`Report::amended_from`] attaches them so every
//! output format marks the report "ฉบับแก้ไข" (amended) and prints the deltas.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::model::{channel_columns, rfc3339};
use super::{Report, ReportError, Row, Totals};
use crate::Channel;

/// A signed change in each of the six columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelDeltas {
    /// Online column.
    pub online: i64,
    /// On Air column.
    pub on_air: i64,
    /// On Ground column.
    pub on_ground: i64,
    /// Digital Billboard column.
    pub billboard: i64,
    /// Community column.
    pub community: i64,
    /// Documents and Application column.
    pub documents: i64,
}

channel_columns!(ChannelDeltas, i64);

impl ChannelDeltas {
    /// `now - before`, per column (clamped to the `i64` range).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn between(before: [u64; 6], now: [u64; 6]) -> Self {
        let mut d = ChannelDeltas::default();
        for ((c, b), n) in Channel::ALL.into_iter().zip(before).zip(now) {
            let diff = i128::from(n) - i128::from(b);
            *d.get_mut(c) =
                i64::try_from(diff).unwrap_or(if diff > 0 { i64::MAX } else { i64::MIN });
        }
        d
    }

    /// The six changes in form order.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn values(&self) -> [i64; 6] {
        Channel::ALL.map(|c| self.get(c))
    }

    /// True when nothing changed.
    pub(crate) fn is_zero(&self) -> bool {
        self.values().iter().all(|&v| v == 0)
    }
}

/// The change of one content row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDelta {
    /// The message id.
    pub message_id: String,
    /// Its content, as in the new report (or the earlier one if it vanished).
    pub content: String,
    /// The change per column.
    pub delta: ChannelDeltas,
}

/// How a report differs from one already filed for the same agency and month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// `generated_at` of the report being corrected.
    #[serde(with = "rfc3339")]
    pub previous_generated_at: OffsetDateTime,
    /// Rows whose counts changed (rows with no change are left out).
    pub rows: Vec<RowDelta>,
    /// Change of the totals.
    pub totals: ChannelDeltas,
}

impl Amendment {
    /// True when no count changed.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.totals.is_zero()
    }
}

impl Report {
    /// The per-message changes from `previous` (a report already filed) to
    /// `now`. Rows missing on one side count as zero there.
    ///
    /// Errors with [`ReportError::AmendMismatch`] if the agency or month differ.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn amend(previous: &Report, now: &Report) -> Result<Amendment, ReportError> {
        if previous.agency != now.agency || previous.month != now.month {
            return Err(ReportError::AmendMismatch {
                previous_agency: previous.agency.clone(),
                previous_month: previous.month,
                agency: now.agency.clone(),
                month: now.month,
            });
        }
        let zero = [0u64; 6];
        let find =
            |rows: &'_ [Row], id: &str| rows.iter().find(|r| r.message_id == id).map(Row::counts);
        let mut rows = Vec::new();
        for r in &now.rows {
            let before = find(&previous.rows, &r.message_id).unwrap_or(zero);
            let delta = ChannelDeltas::between(before, r.counts());
            if !delta.is_zero() {
                rows.push(RowDelta {
                    message_id: r.message_id.clone(),
                    content: r.content.clone(),
                    delta,
                });
            }
        }
        for r in &previous.rows {
            if find(&now.rows, &r.message_id).is_none() {
                let delta = ChannelDeltas::between(r.counts(), zero);
                if !delta.is_zero() {
                    rows.push(RowDelta {
                        message_id: r.message_id.clone(),
                        content: r.content.clone(),
                        delta,
                    });
                }
            }
        }
        Ok(Amendment {
            previous_generated_at: previous.generated_at,
            rows,
            totals: ChannelDeltas::between(
                Totals::of(&previous.rows).counts(),
                Totals::of(&now.rows).counts(),
            ),
        })
    }

    /// This report marked as correcting `previous`: sets [`Report::amendment`]
    /// to [`Report::amend`]`(previous, self)`, so every output shows
    /// "ฉบับแก้ไข" and the changes.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn amended_from(mut self, previous: &Report) -> Result<Report, ReportError> {
        self.amendment = Some(Report::amend(previous, &self)?);
        Ok(self)
    }
}
