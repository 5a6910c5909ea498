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

/// The most characters an insertion's agency, kind, message id or
/// idempotency key may have: names and invoice numbers, not documents (each
/// is a cell of the monthly form or a key the store keeps for months; an
/// XLSX cell holds at most 32,767).
pub const MAX_NAME_CHARS: usize = 256;

/// `Ok` when an insertion can be counted as given.
pub fn check_insertion(ins: &Insertion) -> Result<(), StoreError> {
    crate::bangkok::check(ins.at).map_err(|detail| StoreError::Invalid {
        field: "at",
        detail,
    })?;
    plain("agency", &ins.agency)?;
    plain("message_id", &ins.message_id)?;
    check_placement(&ins.kind, ins.idempotency_key.as_deref())
}

/// `Ok` when an insertion's kind and idempotency key (what a caller gives
/// with each footer or pop-up) can be counted: plain text of at most
/// [`MAX_NAME_CHARS`], and a key that is not empty (an empty key would make
/// every later insertion given one a duplicate).
pub(crate) fn check_placement(kind: &str, key: Option<&str>) -> Result<(), StoreError> {
    plain("kind", kind)?;
    if let Some(k) = key {
        if k.is_empty() {
            return Err(StoreError::Invalid {
                field: "idempotency_key",
                detail: "is empty (give no key for an insertion without one)".to_owned(),
            });
        }
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
    })?;
    // Bytes first: a short text needs no count of its characters.
    if value.len() > MAX_NAME_CHARS {
        let chars = value.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(StoreError::Invalid {
                field,
                detail: format!("has {chars} characters, over the limit of {MAX_NAME_CHARS}"),
            });
        }
    }
    Ok(())
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
        // Names and keys are short; an empty key is refused, not stored.
        let long = "ก".repeat(MAX_NAME_CHARS + 1);
        let e = check_insertion(&ins().with_kind(long.as_str()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`kind`") && e.contains("257 characters"), "{e}");
        assert!(check_insertion(&ins().with_kind("ก".repeat(MAX_NAME_CHARS).as_str())).is_ok());
        assert!(check_insertion(&ins().with_key(long.as_str())).is_err());
        let e = check_insertion(&ins().with_key(""))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`idempotency_key`") && e.contains("empty"),
            "{e}"
        );
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
