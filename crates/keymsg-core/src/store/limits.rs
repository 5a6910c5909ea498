//! What the store accepts: instants it can reckon with, counts that fit a
//! signed monthly form, names that are plain text. Checked once, at the
//! [`Store`](super::Store) handle, before anything is written.

use super::{Insertion, ManualEntry, StoreError};
use crate::vocab::clean::check_text;

/// The largest count one row of the monthly form may hold: 10^9 per message,
/// channel and month (about 385 a second, day and night, for a whole month).
/// A manual entry, a unit report or a merged total above it is refused, never
/// clamped: a number nobody can have counted must not be signed.
pub const MAX_COUNT: u64 = 1_000_000_000;

/// `Ok` when an insertion can be counted as given.
pub fn check_insertion(ins: &Insertion) -> Result<(), StoreError> {
    crate::bangkok::check(ins.at).map_err(|detail| StoreError::Invalid {
        field: "at",
        detail,
    })?;
    plain("agency", &ins.agency)?;
    plain("kind", &ins.kind)?;
    plain("message_id", &ins.message_id)?;
    if let Some(k) = &ins.idempotency_key {
        plain("idempotency_key", k)?;
    }
    Ok(())
}

/// `Ok` when a manual entry can be recorded as given.
pub(crate) fn check_entry(e: &ManualEntry) -> Result<(), StoreError> {
    plain("agency", &e.agency)?;
    plain("message_id", &e.message_id)?;
    check_count("count", e.count)
}

/// `Ok` when `count` is at most [`MAX_COUNT`].
pub(crate) fn check_count(field: &'static str, count: u64) -> Result<(), StoreError> {
    if count > MAX_COUNT {
        return Err(StoreError::Invalid {
            field,
            detail: format!("{count} is above the largest count a form row may hold ({MAX_COUNT})"),
        });
    }
    Ok(())
}

fn plain(field: &'static str, value: &str) -> Result<(), StoreError> {
    check_text(value).map_err(|u| StoreError::Invalid {
        field,
        detail: u.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Channel, Surface};
    use time::macros::datetime;

    fn ins() -> Insertion {
        Insertion::new(
            datetime!(2026-03-01 10:00 +7),
            "PEA",
            Surface::Receipt,
            "aoc-1441",
        )
    }

    #[test]
    fn insertions_out_of_range_or_with_controls_are_refused() {
        assert!(check_insertion(&ins()).is_ok());
        let mut late = ins();
        late.at = datetime!(9999-12-31 23:59:59 UTC);
        let e = check_insertion(&late).unwrap_err().to_string();
        assert!(e.contains("`at`") && e.contains("years 1 to 2399"), "{e}");
        let forged = Insertion::new(ins().at, "PEA\u{1b}]0;x\u{7}", Surface::Receipt, "m");
        let e = check_insertion(&forged).unwrap_err().to_string();
        assert!(e.contains("U+001B") && !e.contains('\u{1b}'), "{e}");
        assert!(check_insertion(&ins().with_key("R-1\u{202e}")).is_err());
        assert!(check_insertion(&ins().with_kind("bill\n")).is_err());
    }

    #[test]
    fn counts_above_the_maximum_are_refused() {
        let mut e = ManualEntry {
            agency: "PEA".into(),
            month: "2026-03".parse().unwrap(),
            channel: Channel::Online,
            message_id: "aoc-1441".into(),
            count: MAX_COUNT,
        };
        assert!(check_entry(&e).is_ok());
        e.count = MAX_COUNT + 1;
        assert!(check_entry(&e).is_err());
        e.count = u64::MAX;
        let msg = check_entry(&e).unwrap_err().to_string();
        assert!(msg.contains("18446744073709551615"), "{msg}");
    }
}
