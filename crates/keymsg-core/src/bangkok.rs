//! Time in Asia/Bangkok: a fixed UTC+7 offset, no daylight saving.
//!
//! Every month, day and validity window in keymsg is reckoned in Bangkok local
//! time: an insertion at 2026-01-31T17:00:00Z belongs to February 2026.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Asia/Bangkok's offset from UTC (+07:00, all year).
pub(crate) const OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC, // unreachable: 7 h is a valid offset
};

/// Years (Common Era, in Bangkok) keymsg reckons with. The month after the
/// last one must still be a date `time` can hold (year 9999 is its last), so
/// that every month has an end; the first keeps Buddhist Era years positive.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1..=9998;

/// The instant as Bangkok local time. Total: an instant so close to the end
/// of `time`'s range that seven hours later is not a date stays in its own
/// offset (such instants are refused at every entry point, see [`check`]).
pub(crate) fn local(instant: OffsetDateTime) -> OffsetDateTime {
    instant.checked_to_offset(OFFSET).unwrap_or(instant)
}

/// Years (Common Era, in Bangkok) an instant given by a caller may have: the
/// years whose months can be reported (a month string's year is below
/// [`FIRST_BE_YEAR`]), so nothing is counted in a month no report can name.
/// A later year is most likely a Buddhist Era year typed as Common Era.
pub(crate) const INSTANT_YEARS: std::ops::RangeInclusive<i32> = 1..=FIRST_BE_YEAR - 1;

/// `instant` if keymsg can reckon with it: its Bangkok year is in
/// [`INSTANT_YEARS`]. Otherwise the reason, for an invalid-argument error.
/// Every entry point that takes an instant from a caller (`at` of a footer,
/// pop-up or insertion, a report's `generated_at`) calls this first, so no
/// later step meets a date it cannot compute or a month it cannot report.
pub(crate) fn check(instant: OffsetDateTime) -> Result<OffsetDateTime, String> {
    match instant.checked_to_offset(OFFSET) {
        Some(l) if INSTANT_YEARS.contains(&l.year()) => Ok(instant),
        l => Err(format!(
            "instant {} is outside the supported range: years {} to {} in Asia/Bangkok{}",
            instant
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|_| instant.to_string()),
            INSTANT_YEARS.start(),
            INSTANT_YEARS.end(),
            if l.is_some_and(|l| (FIRST_BE_YEAR..FIRST_BE_YEAR + 1000).contains(&l.year())) {
                " (is the year a Buddhist Era year? subtract 543)"
            } else {
                ""
            }
        )),
    }
}

/// The Bangkok calendar date of an instant.
pub(crate) fn local_date(instant: OffsetDateTime) -> Date {
    local(instant).date()
}

/// Local midnight (00:00 Asia/Bangkok) at the start of `date`, as an instant.
pub(crate) fn start_of_day(date: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_offset(OFFSET)
}

/// The current instant.
pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// A calendar month (`YYYY-MM`) in Asia/Bangkok.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: Month,
}

/// Error for a month that is not `YYYY-MM` (in the Common Era).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe_bad_month(.0))]
pub struct BadMonth(pub String);

/// Smallest year a month string may not have: Thai staff write Buddhist Era
/// years (CE + 543), and a year from 2400 on (1857 CE) is one of those, not
/// a month anyone reports in the Common Era.
pub(crate) const FIRST_BE_YEAR: i32 = 2400;

/// The message of [`BadMonth`]: a Buddhist Era year gets the CE month to use.
fn describe_bad_month(s: &str) -> String {
    let be = s
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m)))
        .filter(|(y, _)| *y >= FIRST_BE_YEAR);
    match be {
        Some((year, m)) => format!(
            "invalid month `{s}`: {year} is a Buddhist Era year; months are written in the \
             Common Era (BE − 543), e.g. {}-{m}",
            year - 543
        ),
        None => format!("invalid month `{s}` (expected YYYY-MM, e.g. 2026-03)"),
    }
}

impl YearMonth {
    /// A month from a year (1–9998) and a month number (1–12).
    pub fn new(year: i32, month: u8) -> Result<Self, BadMonth> {
        let m = Month::try_from(month).map_err(|_| BadMonth(format!("{year:04}-{month:02}")))?;
        if !YEARS.contains(&year) {
            return Err(BadMonth(format!("{year:04}-{month:02}")));
        }
        Ok(Self { year, month: m })
    }

    /// The Bangkok month an instant falls in.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn of(instant: OffsetDateTime) -> Self {
        let d = local_date(instant);
        Self {
            year: d.year(),
            month: d.month(),
        }
    }

    /// Year (Common Era).
    pub fn year(self) -> i32 {
        self.year
    }

    /// Year in the Buddhist Era (CE + 543), as used on Thai forms.
    pub(crate) fn year_be(self) -> i32 {
        self.year + 543
    }

    /// Month number, 1–12.
    pub fn month(self) -> u8 {
        self.month as u8
    }

    /// First day of the month.
    pub(crate) fn first_day(self) -> Date {
        // Day 1 exists in every month.
        Date::from_calendar_date(self.year, self.month, 1).unwrap_or(Date::MIN)
    }

    /// The following month.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn next(self) -> Self {
        match self.month {
            Month::December => Self {
                year: self.year + 1,
                month: Month::January,
            },
            m => Self {
                year: self.year,
                month: m.next(),
            },
        }
    }

    /// The preceding month.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn prev(self) -> Self {
        match self.month {
            Month::January => Self {
                year: self.year - 1,
                month: Month::December,
            },
            m => Self {
                year: self.year,
                month: m.previous(),
            },
        }
    }

    /// The instants `[start, end)` covered by this month in Bangkok.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn bounds(self) -> (OffsetDateTime, OffsetDateTime) {
        (
            start_of_day(self.first_day()),
            start_of_day(self.next().first_day()),
        )
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month as u8)
    }
}

/// Parses `YYYY-MM` with a Common Era year below 2400; a
/// Buddhist Era year (`2569-03`) is an error that names the CE month.
impl FromStr for YearMonth {
    type Err = BadMonth;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ym = YearMonth::parse_any_year(s)?;
        if ym.year >= FIRST_BE_YEAR {
            return Err(BadMonth(s.to_owned()));
        }
        Ok(ym)
    }
}

impl YearMonth {
    /// `YYYY-MM` with any four-digit year: for months keymsg wrote itself
    /// (store files), which must stay readable whatever instant was counted.
    pub(crate) fn parse_any_year(s: &str) -> Result<Self, BadMonth> {
        let bad = || BadMonth(s.to_owned());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        Self::new(year, month).map_err(|_| bad())
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn month_is_taken_in_bangkok() {
        assert_eq!(
            YearMonth::of(datetime!(2026-01-31 16:59:59 UTC)).to_string(),
            "2026-01"
        );
        assert_eq!(
            YearMonth::of(datetime!(2026-01-31 17:00:00 UTC)).to_string(),
            "2026-02"
        );
        assert_eq!(
            YearMonth::of(datetime!(2026-02-28 17:30:00 UTC)).to_string(),
            "2026-03"
        );
    }

    #[test]
    fn every_instant_is_reckoned_or_refused() {
        use time::{Duration, PrimitiveDateTime};
        let last = datetime!(2399-12-31 23:59:59.999999999 +7);
        assert!(check(last).is_ok());
        assert_eq!(YearMonth::of(last).to_string(), "2399-12");
        let (_, end) = YearMonth::of(last).bounds();
        assert_eq!(end, datetime!(2400-01-01 00:00 +7));
        let be = check(datetime!(2569-03-10 10:00 +7)).unwrap_err();
        assert!(be.contains("Buddhist Era"), "{be}");
        // The last month keymsg can compute still has an end.
        let (_, end) = YearMonth::new(9998, 12).unwrap().bounds();
        assert_eq!(end, datetime!(9999-01-01 00:00 +7));
        for bad in [
            datetime!(9999-12-31 23:59:59 UTC),
            datetime!(9999-01-01 00:00 +7),
            datetime!(0000-12-31 16:59:59 UTC),
            PrimitiveDateTime::MAX.assume_utc(),
            PrimitiveDateTime::MIN.assume_utc(),
            PrimitiveDateTime::MIN.assume_offset(UtcOffset::from_hms(25, 59, 59).unwrap()),
        ] {
            let e = check(bad).unwrap_err();
            assert!(e.contains("years 1 to 2399"), "{e}");
            // Never a panic, even unchecked.
            let _ = YearMonth::of(bad);
        }
        assert!(check(datetime!(0001-01-01 00:00 +7)).is_ok());
        assert!(check(datetime!(0001-01-01 00:00 +7) - Duration::NANOSECOND).is_err());
    }

    #[test]
    fn parse_and_bounds() {
        let m: YearMonth = "2026-12".parse().unwrap();
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(m.prev().to_string(), "2026-11");
        assert_eq!(m.year_be(), 2569);
        let (a, b) = m.bounds();
        assert_eq!(a, datetime!(2026-11-30 17:00 UTC));
        assert_eq!(b, datetime!(2026-12-31 17:00 UTC));
        for bad in [
            "2026-13",
            "2026-1",
            "26-01",
            "2026/01",
            "２０２６-01",
            "",
            "0000-12",
            "9999-01",
        ] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_buddhist_era_year_is_refused_with_the_ce_month() {
        let e = "2569-03".parse::<YearMonth>().unwrap_err().to_string();
        assert!(
            e.contains("2569 is a Buddhist Era year") && e.contains("2026-03"),
            "{e}"
        );
        assert!("2399-12".parse::<YearMonth>().is_ok());
        assert_eq!(
            "2026-13".parse::<YearMonth>().unwrap_err().to_string(),
            "invalid month `2026-13` (expected YYYY-MM, e.g. 2026-03)"
        );
        // What the store wrote stays readable.
        assert_eq!(YearMonth::parse_any_year("2569-03").unwrap().year(), 2569);
    }
}
