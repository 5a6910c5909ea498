//! Selection policy names: which message rule a catalog or a surface uses.
//! The rules themselves live in the selection stage; the names are shared by
//! catalog validation, selection and every front end.

use std::fmt;
use std::str::FromStr;

use super::Surface;

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

impl Period {
    /// The lower-case name (`day`, `week`, `month`).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
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
    pub(crate) fn default_for(surface: Surface) -> Policy {
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

/// A policy name that is not one of [`POLICY_NAMES`] (nor `random:<seed>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown selection policy `{name}` (expected one of: {POLICY_EXPECTED})")]
pub struct UnknownPolicy {
    /// The name given.
    pub name: String,
}

impl FromStr for Policy {
    type Err = UnknownPolicy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownPolicy { name: s.to_owned() };
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

/// [`POLICY_NAMES`] as one line, for error messages.
const POLICY_EXPECTED: &str = "sticky, cycle, cycle:day, cycle:week, cycle:month, round-robin, \
     time-sliced, time-sliced:day, time-sliced:week, time-sliced:month, random, random:<seed>";
