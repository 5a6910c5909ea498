//! Selection policies: the calendar periods behind `cycle` and `time-sliced`,
//! and the per-catalog / per-surface choice. The names live in the vocabulary.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::SelectError;
pub use crate::vocab::{POLICY_KEYS, POLICY_NAMES, Period, Policy, UnknownPolicy};
use crate::{Catalog, Surface, bangkok};

/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

impl Period {
    /// The index of the period containing `instant`, counted from the period
    /// containing 1970-01-01 local time (spec: `docs/SELECTION.md`):
    /// day = local days since 1970-01-01; week = `floor((day - 4) / 7)` (weeks
    /// start on Monday; 1970-01-05 was a Monday); month = `(year - 1970)·12 + month - 1`.
    pub fn index(self, instant: OffsetDateTime) -> i64 {
        let date = bangkok::local_date(instant);
        let day = i64::from(date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY);
        match self {
            Period::Day => day,
            Period::Week => (day - 4).div_euclid(7),
            Period::Month => {
                (i64::from(date.year()) - 1970) * 12 + i64::from(date.month() as u8) - 1
            }
        }
    }

    /// The first instant of the period after the one containing `instant`.
    pub fn next_start(self, instant: OffsetDateTime) -> OffsetDateTime {
        let date = bangkok::local_date(instant);
        let next = match self {
            Period::Day => date.next_day(),
            Period::Week => {
                let to_monday = 7 - i64::from(date.weekday().number_days_from_monday());
                date.checked_add(time::Duration::days(to_monday))
            }
            Period::Month => Some(bangkok::YearMonth::of(instant).next().first_day()),
        };
        next.map_or(instant, bangkok::start_of_day)
    }

    /// The first instant of the period containing `instant`.
    pub fn start(self, instant: OffsetDateTime) -> OffsetDateTime {
        let date = bangkok::local_date(instant);
        let first = match self {
            Period::Day => Some(date),
            Period::Week => date.checked_sub(time::Duration::days(i64::from(
                date.weekday().number_days_from_monday(),
            ))),
            Period::Month => Some(bangkok::YearMonth::of(instant).first_day()),
        };
        first.map_or(instant, bangkok::start_of_day)
    }
}

impl From<UnknownPolicy> for SelectError {
    fn from(e: UnknownPolicy) -> Self {
        SelectError::UnknownPolicy {
            name: e.name,
            key: None,
        }
    }
}

/// Check a catalog `[policy]` table: every key is `default` or a surface name,
/// every value a policy name. For catalog validation and [`super::Selector::new`].
pub(crate) fn check_policy_map(map: &BTreeMap<String, String>) -> Result<(), SelectError> {
    for (key, name) in map {
        if !POLICY_KEYS.contains(&key.as_str()) {
            return Err(SelectError::UnknownPolicyKey { key: key.clone() });
        }
        name.parse::<Policy>()
            .map_err(|_| SelectError::UnknownPolicy {
                name: name.clone(),
                key: Some(key.clone()),
            })?;
    }
    Ok(())
}

/// The policy a catalog sets for `surface`: its `[policy]` entry for the
/// surface, else its `default` entry, else the surface's built-in default (sticky for documents, cycle by month for pop-ups, push and SMS, time-sliced by day for billboards).
pub fn policy_for(catalog: &Catalog, surface: Surface) -> Result<Policy, SelectError> {
    let map = &catalog.meta().policy;
    let (key, name) = match map.get(surface.as_str()) {
        Some(n) => (surface.as_str(), n),
        None => match map.get("default") {
            Some(n) => ("default", n),
            None => return Ok(Policy::default_for(surface)),
        },
    };
    name.parse().map_err(|_| SelectError::UnknownPolicy {
        name: name.clone(),
        key: Some(key.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn names_round_trip() {
        for n in POLICY_NAMES {
            let p: Policy = n.parse().unwrap();
            let again: Policy = p.to_string().parse().unwrap();
            assert_eq!(p, again, "{n}");
        }
        assert_eq!("cycle".parse::<Policy>().unwrap().to_string(), "cycle");
        assert_eq!(
            "cycle:week".parse::<Policy>().unwrap(),
            Policy::Cycle {
                period: Period::Week
            }
        );
        assert_eq!(
            "random:42".parse::<Policy>().unwrap(),
            Policy::Random { seed: Some(42) }
        );
        assert_eq!(
            "random:42".parse::<Policy>().unwrap().to_string(),
            "random:42"
        );
        for bad in [
            "",
            "Sticky",
            "sticky:day",
            "cycle:year",
            "random:",
            "random:-1",
            "rr",
        ] {
            assert!(bad.parse::<Policy>().is_err(), "{bad}");
        }
    }

    #[test]
    fn period_indices_in_bangkok() {
        // 1970-01-01 local is day 0 (Thursday); 1970-01-05 (Monday) starts week 0.
        assert_eq!(Period::Day.index(datetime!(1970-01-01 00:00 +7)), 0);
        assert_eq!(Period::Week.index(datetime!(1970-01-04 23:59 +7)), -1);
        assert_eq!(Period::Week.index(datetime!(1970-01-05 00:00 +7)), 0);
        // Month edge: 16:59:59Z on 31 Jan is January, 17:00Z is February.
        let jan = Period::Month.index(datetime!(2026-01-31 16:59:59 UTC));
        let feb = Period::Month.index(datetime!(2026-01-31 17:00:00 UTC));
        assert_eq!(jan, 56 * 12);
        assert_eq!(feb, jan + 1);
        // 2026-03-02 is a Monday.
        let sun = datetime!(2026-03-01 16:59:59 UTC);
        let mon = datetime!(2026-03-01 17:00:00 UTC);
        assert_eq!(Period::Week.index(mon), Period::Week.index(sun) + 1);
        assert_eq!(Period::Week.start(sun), datetime!(2026-02-23 00:00 +7));
        assert_eq!(Period::Week.next_start(sun), mon);
        assert_eq!(
            Period::Month.next_start(sun),
            datetime!(2026-04-01 00:00 +7)
        );
        assert_eq!(Period::Day.next_start(sun), mon);
    }

    #[test]
    fn policy_map_checks() {
        let mut m = BTreeMap::new();
        m.insert("default".to_owned(), "sticky".to_owned());
        m.insert("popup".to_owned(), "cycle:week".to_owned());
        assert!(check_policy_map(&m).is_ok());
        m.insert("recipt".to_owned(), "sticky".to_owned());
        assert!(matches!(
            check_policy_map(&m),
            Err(SelectError::UnknownPolicyKey { .. })
        ));
        m.remove("recipt");
        m.insert("sms".to_owned(), "often".to_owned());
        let e = check_policy_map(&m).unwrap_err();
        assert!(e.to_string().contains("often"), "{e}");
    }
}
