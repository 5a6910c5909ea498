//! What a caller chooses about the form built from a store.

use time::Date;

use super::Signature;
use crate::bangkok::YearMonth;

/// How many years after the end of the reported month its form may still be
/// signed: a late amendment is signed months later, never decades.
pub(crate) const SIGNED_WITHIN_YEARS: i32 = 2;

/// How a form is built from a store (`Report::from_store_with`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormOptions {
    /// Leave out rows with nothing in any column (`Report::without_zero_rows`).
    pub omit_zero_rows: bool,
    /// The signature block: reporter, position, date signed (see
    /// [`Signature::date`] for the dates a form may be signed on).
    pub signature: Signature,
}

impl FormOptions {
    /// Every option at its default: all rows, an empty signature block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leave out all-zero rows.
    #[must_use]
    pub fn omit_zero_rows(mut self, yes: bool) -> Self {
        self.omit_zero_rows = yes;
        self
    }

    /// Fill in the signature block.
    #[must_use]
    pub fn signature(mut self, signature: Signature) -> Self {
        self.signature = signature;
        self
    }

    /// The options fit the form of `month`: a date signed falls from the
    /// month's first day (a municipality files on the 25th of the month it
    /// reports) to [`SIGNED_WITHIN_YEARS`] years after its last day. Any
    /// other date is a typo (a Buddhist Era year, last year's date kept in a
    /// config file), not a date anyone signs the form on. Otherwise the
    /// reason, for an invalid-argument error naming `signed_on`.
    pub(crate) fn check(&self, month: YearMonth) -> Result<(), String> {
        let Some(date) = self.signature.date else {
            return Ok(());
        };
        let first = month.first_day();
        let last = YearMonth::new(month.year() + SIGNED_WITHIN_YEARS, month.month())
            .ok()
            .and_then(|m| m.next().first_day().previous_day())
            .unwrap_or(Date::MAX);
        if (first..=last).contains(&date) {
            return Ok(());
        }
        let be = (first.year()..=last.year()).contains(&(date.year() - 543));
        Err(format!(
            "{date} is outside the dates the form of {month} can be signed on: \
             {first} to {last} (from the month's first day to {SIGNED_WITHIN_YEARS} \
             years after its last){}",
            if be {
                " (is the year a Buddhist Era year? subtract 543)"
            } else {
                ""
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn signed_on(month: &str, date: Date) -> Result<(), String> {
        let (y, m) = month.split_once('-').unwrap();
        FormOptions::new()
            .signature(Signature {
                date: Some(date),
                ..Signature::default()
            })
            .check(YearMonth::new(y.parse().unwrap(), m.parse().unwrap()).unwrap())
    }

    #[test]
    fn a_form_is_signed_from_its_month_to_two_years_after() {
        assert!(FormOptions::new().check("2026-03".parse().unwrap()).is_ok());
        for ok in [
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 25),
            date!(2026 - 04 - 05),
            date!(2028 - 03 - 31),
        ] {
            signed_on("2026-03", ok).unwrap();
        }
        // The last day two years on is the month's own last day.
        signed_on("2024-02", date!(2026 - 02 - 28)).unwrap();
        for (bad, be) in [
            (date!(2026 - 02 - 28), false),
            (date!(2028 - 04 - 01), false),
            (date!(2025 - 04 - 05), false),
            (date!(-9999 - 12 - 31), false),
            (date!(9999 - 12 - 31), false),
            (date!(2569 - 04 - 05), true),
        ] {
            let msg = signed_on("2026-03", bad).unwrap_err();
            assert!(msg.contains("2026-03-01 to 2028-03-31"), "{msg}");
            assert_eq!(msg.contains("Buddhist Era"), be, "{msg}");
        }
        // The last months keymsg can name still have a window.
        signed_on("9998-12", date!(9999 - 12 - 31)).unwrap();
    }
}
