//! Filing deadlines along the reporting chain.
//!
//! The Ministry of Interior's letter (มท ๐๒๐๖.๒/ว ๘๕๒, 30 January 2026) sets
//! them: a municipality reports to its district by the 25th, the district to
//! the province by the 1st, the province to the ministry by the 5th of each
//! month.
//!
//! **Our reading.** The three dates form one chain for one reported month, and
//! each level needs the level below it first, so the dates must come in the
//! order 25th → 1st → 5th. That only works if the 25th falls in the reported
//! month itself and the 1st and the 5th in the month after. For reported month
//! M:
//!
//! | level | files to | due |
//! |---|---|---|
//! | [`Level::Municipality`] | district | the 25th of M |
//! | [`Level::District`] | province | the 1st of M+1 |
//! | [`Level::Province`] | ministry | the 5th of M+1 |
//!
//! e.g. March 2026: 25 March, 1 April, 5 April 2026. (The alternative reading,
//! "the 25th of M+1", would put the municipality's deadline *after* the
//! district's 1st and break the chain.) A consequence: insertions counted
//! between the 25th and the end of M reach the ministry only through an
//! amendment next month — see [`Report::amend`](super::Report::amend).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::bangkok::YearMonth;

/// A level of the reporting chain: who files the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// A municipality or other local unit; files to its district.
    Municipality,
    /// A district (อำเภอ); rolls up its units and files to the province.
    District,
    /// A province (จังหวัด); rolls up its districts and files to the ministry.
    Province,
}

impl Level {
    /// Every level, bottom up.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub const ALL: [Level; 3] = [Level::Municipality, Level::District, Level::Province];

    /// `municipality`, `district` or `province`.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Municipality => "municipality",
            Level::District => "district",
            Level::Province => "province",
        }
    }

    /// Thai name of the level (เทศบาล, อำเภอ, จังหวัด).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn thai(self) -> &'static str {
        match self {
            Level::Municipality => "เทศบาล",
            Level::District => "อำเภอ",
            Level::Province => "จังหวัด",
        }
    }

    /// Thai name of the body this level files to (อำเภอ, จังหวัด, กระทรวงมหาดไทย).
    pub(crate) fn files_to_thai(self) -> &'static str {
        match self {
            Level::Municipality => "อำเภอ",
            Level::District => "จังหวัด",
            Level::Province => "กระทรวงมหาดไทย",
        }
    }

    /// The level a roll-up of this level's reports is filed by, if any.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn parent(self) -> Option<Level> {
        match self {
            Level::Municipality => Some(Level::District),
            Level::District => Some(Level::Province),
            Level::Province => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = crate::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| crate::UnknownName {
                what: "level",
                name: s.to_owned(),
                expected: "municipality, district, province",
            })
    }
}

/// The date by which `level` must file its report for `month` (see the
/// module docs for the rule).
pub fn deadline(level: Level, month: YearMonth) -> Date {
    let (m, day) = match level {
        Level::Municipality => (month, 25),
        Level::District => (month.next(), 1),
        Level::Province => (month.next(), 5),
    };
    let cal = Month::try_from(m.month()).unwrap_or(Month::January);
    // Days 1, 5 and 25 exist in every month.
    Date::from_calendar_date(m.year(), cal, day).unwrap_or_else(|_| m.first_day())
}

/// The first deadline of `level` on or after `today` (Bangkok date), and the
/// month that report covers.
pub fn next_deadline(level: Level, today: Date) -> (YearMonth, Date) {
    let this = YearMonth::new(today.year(), today.month() as u8)
        .unwrap_or_else(|_| YearMonth::of(crate::bangkok::start_of_day(today)));
    // The deadline for month M falls in M or M+1, so the next one covers
    // last month, this month or next month.
    let candidates = [this.prev(), this, this.next()];
    candidates
        .into_iter()
        .map(|m| (m, deadline(level, m)))
        .find(|&(_, d)| d >= today)
        .unwrap_or((this.next(), deadline(level, this.next())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ym(s: &str) -> YearMonth {
        s.parse().unwrap()
    }

    #[test]
    fn chain_for_march_2026() {
        let m = ym("2026-03");
        assert_eq!(deadline(Level::Municipality, m), date!(2026 - 03 - 25));
        assert_eq!(deadline(Level::District, m), date!(2026 - 04 - 01));
        assert_eq!(deadline(Level::Province, m), date!(2026 - 04 - 05));
    }

    #[test]
    fn december_rolls_into_next_year() {
        let m = ym("2026-12");
        assert_eq!(deadline(Level::District, m), date!(2027 - 01 - 01));
        assert_eq!(deadline(Level::Province, m), date!(2027 - 01 - 05));
    }

    #[test]
    fn chain_is_ordered_for_every_month() {
        let mut m = ym("2025-01");
        for _ in 0..36 {
            let a = deadline(Level::Municipality, m);
            let b = deadline(Level::District, m);
            let c = deadline(Level::Province, m);
            assert!(a < b && b < c, "{m}: {a} {b} {c}");
            m = m.next();
        }
    }

    #[test]
    fn next_deadline_from_a_date() {
        let d = date!(2026 - 03 - 25);
        assert_eq!(next_deadline(Level::Municipality, d), (ym("2026-03"), d));
        assert_eq!(
            next_deadline(Level::Municipality, date!(2026 - 03 - 26)),
            (ym("2026-04"), date!(2026 - 04 - 25))
        );
        assert_eq!(
            next_deadline(Level::District, date!(2026 - 04 - 01)),
            (ym("2026-03"), date!(2026 - 04 - 01))
        );
        assert_eq!(
            next_deadline(Level::District, date!(2026 - 04 - 02)),
            (ym("2026-04"), date!(2026 - 05 - 01))
        );
        assert_eq!(
            next_deadline(Level::Province, date!(2026 - 01 - 03)),
            (ym("2025-12"), date!(2026 - 01 - 05))
        );
        assert_eq!(
            next_deadline(Level::Province, date!(2026 - 12 - 06)),
            (ym("2026-12"), date!(2027 - 01 - 05))
        );
    }

    #[test]
    fn level_names() {
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
        }
        assert!("village".parse::<Level>().is_err());
    }
}
