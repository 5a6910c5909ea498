//! Selection policies, their names, and the per-catalog / per-surface choice.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use super::SelectError;
use crate::{Catalog, Surface, bangkok};

/// A calendar period in Asia/Bangkok (fixed UTC+7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A local calendar day (00:00–24:00 Bangkok).
    Day,
    /// A local week, Monday 00:00 to the next Monday 00:00 (ISO weeks).
    Week,
    /// A local calendar month (the billing period).
    Month,
}

/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

impl Period {
    /// The lower-case name (`day`, `week`, `month`).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

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

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a message is picked within the winning priority tier.
///
/// Names (for catalog files, the CLI and the bindings) are listed in
/// [`POLICY_NAMES`]; [`Display`](fmt::Display) prints the canonical name and
/// [`FromStr`] accepts every listed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Weighted rendezvous hash of the document key: a reprint gets the same
    /// message on any host and in any language binding.
    Sticky,
    /// Per subject: `(hash(subject) + period index) mod n` — a different message
    /// every period, all of them over `n` periods.
    Cycle {
        /// The rotation period (default: month, the billing period).
        period: Period,
    },
    /// `sequence mod n`, or an in-process counter when the request has no sequence.
    RoundRobin,
    /// `period index mod n`: everyone sees the same message during a period.
    TimeSliced {
        /// The slice length (default: day).
        period: Period,
    },
    /// Weighted random; seeded for reproducible tests.
    Random {
        /// Seed of the generator; `None` uses the thread-local OS-seeded generator.
        seed: Option<u64>,
    },
}

/// Every accepted policy name. `random:<u64>` (a seed) is also accepted.
pub const POLICY_NAMES: &[&str] = &[
    "sticky",
    "cycle",
    "cycle:day",
    "cycle:week",
    "cycle:month",
    "round-robin",
    "time-sliced",
    "time-sliced:day",
    "time-sliced:week",
    "time-sliced:month",
    "random",
];

/// Keys accepted in a catalog's `[policy]` table: `default` and every surface name.
pub const POLICY_KEYS: &[&str] = &[
    "default",
    "receipt",
    "invoice",
    "popup",
    "push",
    "sms",
    "billboard",
];

impl Policy {
    /// The built-in policy for a surface when the catalog names none:
    /// `sticky` for receipt and invoice (reprints must match), `cycle` (monthly)
    /// for popup, push and sms (a subject sees something new each billing
    /// period), `time-sliced` (daily) for billboard (one message for everyone).
    pub fn default_for(surface: Surface) -> Policy {
        match surface {
            Surface::Receipt | Surface::Invoice => Policy::Sticky,
            Surface::Popup | Surface::Push | Surface::Sms => Policy::Cycle {
                period: Period::Month,
            },
            Surface::Billboard => Policy::TimeSliced {
                period: Period::Day,
            },
        }
    }

    /// The base name without a period or seed (`sticky`, `cycle`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Policy::Sticky => "sticky",
            Policy::Cycle { .. } => "cycle",
            Policy::RoundRobin => "round-robin",
            Policy::TimeSliced { .. } => "time-sliced",
            Policy::Random { .. } => "random",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Cycle {
                period: Period::Month,
            }
            | Policy::TimeSliced {
                period: Period::Day,
            }
            | Policy::Random { seed: None }
            | Policy::Sticky
            | Policy::RoundRobin => f.write_str(self.kind()),
            Policy::Cycle { period } | Policy::TimeSliced { period } => {
                write!(f, "{}:{period}", self.kind())
            }
            Policy::Random { seed: Some(s) } => write!(f, "random:{s}"),
        }
    }
}

impl FromStr for Policy {
    type Err = SelectError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || SelectError::UnknownPolicy {
            name: s.to_owned(),
            key: None,
        };
        let (base, arg) = match s.split_once(':') {
            Some((b, a)) => (b, Some(a)),
            None => (s, None),
        };
        let period = |default| match arg {
            None => Ok(default),
            Some("day") => Ok(Period::Day),
            Some("week") => Ok(Period::Week),
            Some("month") => Ok(Period::Month),
            Some(_) => Err(unknown()),
        };
        match base {
            "sticky" if arg.is_none() => Ok(Policy::Sticky),
            "round-robin" if arg.is_none() => Ok(Policy::RoundRobin),
            "cycle" => Ok(Policy::Cycle {
                period: period(Period::Month)?,
            }),
            "time-sliced" => Ok(Policy::TimeSliced {
                period: period(Period::Day)?,
            }),
            "random" => match arg {
                None => Ok(Policy::Random { seed: None }),
                Some(a) if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) => a
                    .parse()
                    .map(|s| Policy::Random { seed: Some(s) })
                    .map_err(|_| unknown()),
                Some(_) => Err(unknown()),
            },
            _ => Err(unknown()),
        }
    }
}

/// Check a catalog `[policy]` table: every key is `default` or a surface name,
/// every value a policy name. For catalog validation and [`super::Selector::new`].
pub fn check_policy_map(map: &BTreeMap<String, String>) -> Result<(), SelectError> {
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
/// surface, else its `default` entry, else [`Policy::default_for`].
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
