//! Dates and instants in catalog files (`from`, `until`, `expires`).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Problems;
use crate::bangkok;
use crate::catalog::error::ProblemKind;

/// Years a catalog date may fall in; outside is a typo (`0026-01-01`, `20260-...`).
pub(super) const YEARS: std::ops::RangeInclusive<i32> = 2000..=2199;

/// Which end of a window a date stands for.
#[derive(Clone, Copy)]
pub(super) enum Edge {
    /// A date means local midnight at the start of that day.
    Start,
    /// A date is inclusive: it means the local midnight that ends that day.
    End,
}

/// Parse a date (`YYYY-MM-DD`, Asia/Bangkok) or an RFC 3339 instant, reporting
/// a bad or implausible value on `field`.
pub(super) fn parse_moment(
    s: &str,
    edge: Edge,
    id: Option<&str>,
    field: &str,
    p: &mut Problems,
) -> Option<OffsetDateTime> {
    let t = s.trim();
    let parsed = OffsetDateTime::parse(t, &Rfc3339).ok().or_else(|| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let d = time::Date::parse(t, format).ok()?;
        match edge {
            Edge::Start => Some(bangkok::start_of_day(d)),
            Edge::End => d.next_day().map(bangkok::start_of_day),
        }
    });
    match parsed {
        None => {
            p.add(id, field, None, ProblemKind::BadDate(s.to_owned()));
            None
        }
        Some(m) if !YEARS.contains(&year_of(m, edge)) => {
            p.add(
                id,
                field,
                None,
                ProblemKind::OutOfRange(format!(
                    "date `{s}` is outside the years {} to {}",
                    YEARS.start(),
                    YEARS.end()
                )),
            );
            None
        }
        Some(m) => Some(m),
    }
}

/// The Bangkok year a moment belongs to; an end belongs to the instant before it.
fn year_of(m: OffsetDateTime, edge: Edge) -> i32 {
    let m = match edge {
        Edge::Start => m,
        Edge::End => m.checked_sub(time::Duration::SECOND).unwrap_or(m),
    };
    bangkok::local_date(m).year()
}
