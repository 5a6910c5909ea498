//! Pop-up caps: at most k impressions per subject per day / week, and a
//! minimum gap between two impressions.
//!
//! Days and weeks are Asia/Bangkok calendar periods (weeks start on Monday),
//! not rolling windows: "2 per day" resets at local midnight. Subjects are
//! logged under their canonical key (see `docs/SELECTION.md`), so `C-1` and
//! ` c-1 ` share a cap.

use std::collections::HashMap;
use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

use super::{Period, Request, SelectError, Selection, Selector, hash};

/// Per-subject limits for pop-ups. `None` = no limit of that kind;
/// `per_day: Some(0)` disables the surface for everyone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Caps {
    /// At most this many impressions per Bangkok calendar day.
    pub per_day: Option<u32>,
    /// At most this many impressions per Bangkok week (Monday to Sunday).
    pub per_week: Option<u32>,
    /// At least this long between two impressions.
    pub min_gap: Option<Duration>,
}

/// Which cap held a subject back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CapReason {
    /// `seen` impressions today reached `limit`.
    PerDay {
        /// The cap.
        limit: u32,
        /// Impressions so far today.
        seen: u32,
    },
    /// `seen` impressions this week reached `limit`.
    PerWeek {
        /// The cap.
        limit: u32,
        /// Impressions so far this week.
        seen: u32,
    },
    /// The last impression was less than `gap` ago.
    MinGap {
        /// The required gap.
        gap: Duration,
        /// The last impression.
        last: OffsetDateTime,
    },
}

/// The outcome of [`Selector::select_capped`]: show a message, or not now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapOutcome {
    /// Show this message (the impression has been noted).
    Show(Selection),
    /// The subject has hit a cap: show nothing. Not an error.
    Capped {
        /// The cap that applied (the one that lasts longest).
        reason: CapReason,
        /// The earliest instant the subject may see a pop-up again.
        retry_at: OffsetDateTime,
    },
}

/// Where impressions are remembered: the store implements this durably;
/// [`MemoryLog`] is the in-process stand-in.
pub trait ImpressionLog: Send + Sync {
    /// Impressions of `subject` at or after `since`, in any order.
    fn impressions(
        &self,
        subject: &str,
        since: OffsetDateTime,
    ) -> Result<Vec<OffsetDateTime>, SelectError>;

    /// Remember an impression of `subject` at `at`.
    fn note(&self, subject: &str, at: OffsetDateTime) -> Result<(), SelectError>;
}

/// A thread-safe in-memory [`ImpressionLog`] (lost on exit).
#[derive(Debug, Default)]
pub struct MemoryLog {
    map: Mutex<HashMap<String, Vec<OffsetDateTime>>>,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget impressions before `before` (keeps memory bounded).
    pub fn prune(&self, before: OffsetDateTime) {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, v| {
            v.retain(|&t| t >= before);
            !v.is_empty()
        });
    }
}

impl ImpressionLog for MemoryLog {
    fn impressions(
        &self,
        subject: &str,
        since: OffsetDateTime,
    ) -> Result<Vec<OffsetDateTime>, SelectError> {
        let map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(map
            .get(subject)
            .map(|v| v.iter().copied().filter(|&t| t >= since).collect())
            .unwrap_or_default())
    }

    fn note(&self, subject: &str, at: OffsetDateTime) -> Result<(), SelectError> {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(subject.to_owned()).or_default().push(at);
        Ok(())
    }
}

impl Caps {
    /// Whether `subject` (a canonical key) is held back at `at`, and until when.
    /// Impressions later than `at` are ignored.
    pub fn check(
        &self,
        log: &dyn ImpressionLog,
        subject: &str,
        at: OffsetDateTime,
    ) -> Result<Option<(CapReason, OffsetDateTime)>, SelectError> {
        let day_start = Period::Day.start(at);
        let week_start = Period::Week.start(at);
        let mut since = at;
        if self.per_day.is_some() {
            since = since.min(day_start);
        }
        if self.per_week.is_some() {
            since = since.min(week_start);
        }
        if let Some(g) = self.min_gap {
            // Saturating: a gap reaching before the first representable
            // instant means every impression counts.
            since = since.min(at.checked_sub(g).unwrap_or(OffsetDateTime::new_utc(
                time::Date::MIN,
                time::Time::MIDNIGHT,
            )));
        }
        if self.per_day.is_none() && self.per_week.is_none() && self.min_gap.is_none() {
            return Ok(None);
        }
        let seen: Vec<OffsetDateTime> = log
            .impressions(subject, since)?
            .into_iter()
            .filter(|&t| t <= at)
            .collect();
        let count = |from: OffsetDateTime| {
            u32::try_from(seen.iter().filter(|&&t| t >= from).count()).unwrap_or(u32::MAX)
        };
        let mut held: Option<(CapReason, OffsetDateTime)> = None;
        let mut hold = |reason, until: OffsetDateTime| {
            if held.is_none_or(|(_, u)| until > u) {
                held = Some((reason, until));
            }
        };
        if let Some(limit) = self.per_day {
            let n = count(day_start);
            if n >= limit {
                hold(
                    CapReason::PerDay { limit, seen: n },
                    Period::Day.next_start(at),
                );
            }
        }
        if let Some(limit) = self.per_week {
            let n = count(week_start);
            if n >= limit {
                hold(
                    CapReason::PerWeek { limit, seen: n },
                    Period::Week.next_start(at),
                );
            }
        }
        if let (Some(gap), Some(&last)) = (self.min_gap, seen.iter().max()) {
            // A gap past the last representable instant holds for good.
            let until = last.checked_add(gap).unwrap_or(OffsetDateTime::new_utc(
                time::Date::MAX,
                time::Time::MIDNIGHT,
            ));
            if until > at {
                hold(CapReason::MinGap { gap, last }, until);
            }
        }
        Ok(held)
    }
}

impl Selector {
    /// Select for a subject unless a cap holds them back; on
    /// [`CapOutcome::Show`] the impression is noted in `log`.
    ///
    /// The request needs a `subject_key` ([`SelectError::MissingKey`] otherwise):
    /// caps are per subject. Check and note are two calls to `log`, so two
    /// simultaneous requests for one subject may both pass; stores that need
    /// strictness implement the check atomically.
    pub fn select_capped(
        &self,
        req: &Request,
        caps: &Caps,
        log: &dyn ImpressionLog,
    ) -> Result<CapOutcome, SelectError> {
        let subject = req
            .subject_key
            .as_deref()
            .map(hash::canonical_key)
            .filter(|s| !s.is_empty())
            .ok_or(SelectError::MissingKey {
                field: "subject_key",
                needed_for: "pop-up caps",
            })?;
        let at = req.instant();
        if let Some((reason, retry_at)) = caps.check(log, &subject, at)? {
            return Ok(CapOutcome::Capped { reason, retry_at });
        }
        let req = Request {
            at: Some(at),
            ..req.clone()
        };
        let sel = self.select(&req)?;
        log.note(&subject, at)?;
        Ok(CapOutcome::Show(sel))
    }
}
