//! Reading one writer file; [`Store`](super::Store) merges the results of
//! every file.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::schema::map_err;
use super::{CountRow, StoreError};
use crate::bangkok::YearMonth;
use crate::{Channel, Surface};

/// Group key of a [`CountRow`]: (agency, message, surface, kind).
pub(crate) type RowKey = (String, String, Surface, String);

fn bad(label: &str, what: &str, value: &str) -> StoreError {
    StoreError::Corrupt {
        path: label.to_owned(),
        detail: format!("unknown {what} `{value}` in the file"),
    }
}

/// Counted insertions of `month` in one file, summed over catalog versions.
pub(crate) fn month_rows(
    c: &Connection,
    label: &str,
    month: YearMonth,
    agency: Option<&str>,
    into: &mut BTreeMap<RowKey, u64>,
) -> Result<(), StoreError> {
    let err = |e| map_err(label, e);
    let mut st = c
        .prepare_cached(
            "SELECT agency, message_id, surface, kind, sum(counted) FROM counts \
             WHERE month = ?1 AND (?2 IS NULL OR agency = ?2) \
             GROUP BY agency, message_id, surface, kind",
        )
        .map_err(err)?;
    let mut rows = st.query(params![month.to_string(), agency]).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        let surface: String = r.get(2).map_err(err)?;
        let surface: Surface = surface
            .parse()
            .map_err(|_| bad(label, "surface", &surface))?;
        let n: i64 = r.get(4).map_err(err)?;
        let key = (
            r.get(0).map_err(err)?,
            r.get(1).map_err(err)?,
            surface,
            r.get(3).map_err(err)?,
        );
        add_count(label, into.entry(key).or_default(), n)?;
    }
    Ok(())
}

/// Turn merged sums into rows, dropping zero counts (e.g. only uncounted reprints).
pub(crate) fn to_rows(m: BTreeMap<RowKey, u64>) -> Vec<CountRow> {
    to_rows_with_zeros(m)
        .into_iter()
        .filter(|r| r.count > 0)
        .collect()
}

/// [`to_rows`] keeping counters at zero (withdrawn to nothing): an export
/// lists them, so that a copy says which agencies it covers (see
/// `gcounter`).
pub(crate) fn to_rows_with_zeros(m: BTreeMap<RowKey, u64>) -> Vec<CountRow> {
    m.into_iter()
        .map(|((agency, message_id, surface, kind), count)| CountRow {
            agency,
            message_id,
            surface,
            kind,
            count,
        })
        .collect()
}

/// Manual entries of one file with their recording time (for newest-wins merging).
pub(crate) fn manual_rows(
    c: &Connection,
    label: &str,
    month: YearMonth,
    agency: Option<&str>,
    into: &mut BTreeMap<(String, Channel, String), (i64, u64)>,
) -> Result<(), StoreError> {
    let err = |e| map_err(label, e);
    let mut st = c
        .prepare_cached(
            "SELECT agency, channel, message_id, count, recorded_at FROM manual \
             WHERE month = ?1 AND (?2 IS NULL OR agency = ?2)",
        )
        .map_err(err)?;
    let mut rows = st.query(params![month.to_string(), agency]).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        let ch: String = r.get(1).map_err(err)?;
        let ch: Channel = ch.parse().map_err(|_| bad(label, "channel", &ch))?;
        let n: i64 = r.get(3).map_err(err)?;
        let at: i64 = r.get(4).map_err(err)?;
        let key = (r.get(0).map_err(err)?, ch, r.get(2).map_err(err)?);
        let e = into.entry(key).or_insert((i64::MIN, 0));
        if at >= e.0 {
            *e = (at, u64::try_from(n).unwrap_or(0));
        }
    }
    Ok(())
}

/// Months with counts or manual entries in one file (`YYYY-MM`).
pub(crate) fn months(c: &Connection, label: &str) -> Result<Vec<String>, StoreError> {
    let err = |e| map_err(label, e);
    let mut st = c
        .prepare_cached("SELECT DISTINCT month FROM counts UNION SELECT DISTINCT month FROM manual")
        .map_err(err)?;
    let v = st
        .query_map([], |r| r.get(0))
        .map_err(err)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(err)?;
    Ok(v)
}

/// Agencies with counts or manual entries in one file, optionally of one month.
pub(crate) fn agencies(
    c: &Connection,
    label: &str,
    month: Option<YearMonth>,
) -> Result<Vec<String>, StoreError> {
    let err = |e| map_err(label, e);
    let mut st = c
        .prepare_cached(
            "SELECT DISTINCT agency FROM counts WHERE ?1 IS NULL OR month = ?1 \
             UNION SELECT DISTINCT agency FROM manual WHERE ?1 IS NULL OR month = ?1",
        )
        .map_err(err)?;
    let v = st
        .query_map([month.map(|m| m.to_string())], |r| r.get(0))
        .map_err(err)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(err)?;
    Ok(v)
}

/// The newest report mark of one file for (month, agency): (time, mark id).
pub(crate) fn last_mark(
    c: &Connection,
    label: &str,
    month: YearMonth,
    agency: Option<&str>,
) -> Result<Option<(i64, i64)>, StoreError> {
    c.prepare_cached(
        "SELECT reported_at, id FROM report_marks WHERE month = ?1 AND agency IS ?2 \
         ORDER BY reported_at DESC, id DESC LIMIT 1",
    )
    .and_then(|mut s| {
        s.query_row(params![month.to_string(), agency], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
    })
    .map_err(|e| map_err(label, e))
}

/// The counts a report mark recorded.
pub(crate) fn snapshot(
    c: &Connection,
    label: &str,
    mark: i64,
) -> Result<BTreeMap<RowKey, u64>, StoreError> {
    let err = |e| map_err(label, e);
    let mut st = c
        .prepare_cached(
            "SELECT agency, message_id, surface, kind, count FROM report_snapshot WHERE mark = ?1",
        )
        .map_err(err)?;
    let mut rows = st.query([mark]).map_err(err)?;
    let mut out = BTreeMap::new();
    while let Some(r) = rows.next().map_err(err)? {
        let surface: String = r.get(2).map_err(err)?;
        let surface: Surface = surface
            .parse()
            .map_err(|_| bad(label, "surface", &surface))?;
        let n: i64 = r.get(4).map_err(err)?;
        out.insert(
            (
                r.get(0).map_err(err)?,
                r.get(1).map_err(err)?,
                surface,
                r.get(3).map_err(err)?,
            ),
            u64::try_from(n).unwrap_or(0),
        );
    }
    Ok(out)
}

/// All-time totals of one file for monitoring: (agency, surface, kind,
/// message) → (counted, reprints).
pub(crate) fn totals(
    c: &Connection,
    label: &str,
    into: &mut BTreeMap<(String, String, String, String), (u64, u64)>,
) -> Result<(), StoreError> {
    let err = |e| map_err(label, e);
    let mut st = c
        .prepare_cached(
            "SELECT agency, surface, kind, message_id, sum(counted), sum(reprints) FROM counts \
             GROUP BY agency, surface, kind, message_id",
        )
        .map_err(err)?;
    let mut rows = st.query([]).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        let key = (
            r.get(0).map_err(err)?,
            r.get(1).map_err(err)?,
            r.get(2).map_err(err)?,
            r.get(3).map_err(err)?,
        );
        let n: i64 = r.get(4).map_err(err)?;
        let p: i64 = r.get(5).map_err(err)?;
        let e = into.entry(key).or_default();
        add_count(label, &mut e.0, n)?;
        add_count(label, &mut e.1, p)?;
    }
    Ok(())
}

/// A file's writer identity: (host, writer id, epoch). `host` is empty in a
/// file whose writer has not opened it since it was migrated.
pub(crate) fn writer_identity(
    c: &Connection,
    label: &str,
) -> Result<(String, String, u64), StoreError> {
    c.prepare_cached("SELECT host, id, epoch FROM writer LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?))))
        .map(|(h, id, e)| (h, id, u64::try_from(e).unwrap_or(0)))
        .map_err(|e| map_err(label, e))
}

/// The epochs an imported writer's copies had, by agency, for `month` (see
/// `sqlite::import`): empty for a file never imported into since epochs were
/// kept per agency.
pub(crate) fn import_epochs(
    c: &Connection,
    label: &str,
    month: YearMonth,
) -> Result<BTreeMap<String, u64>, StoreError> {
    let err = |e| map_err(label, e);
    let exists: bool = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'import_epochs'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(err)?
        > 0;
    if !exists {
        return Ok(BTreeMap::new());
    }
    let mut st = c
        .prepare_cached("SELECT agency, epoch FROM import_epochs WHERE month = ?1")
        .map_err(err)?;
    let rows = st
        .query_map([month.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(err)?;
    let mut out = BTreeMap::new();
    for r in rows {
        let (agency, epoch) = r.map_err(err)?;
        out.insert(agency, u64::try_from(epoch).unwrap_or(0));
    }
    Ok(out)
}

/// Manual entries of one file for `month`, with their recording time.
pub(crate) fn manual_records(
    c: &Connection,
    label: &str,
    month: YearMonth,
    agency: Option<&str>,
) -> Result<Vec<super::ManualRecord>, StoreError> {
    let mut into = BTreeMap::new();
    manual_rows(c, label, month, agency, &mut into)?;
    Ok(into
        .into_iter()
        .map(
            |((agency, channel, message_id), (at, count))| super::ManualRecord {
                agency,
                channel,
                message_id,
                count,
                recorded_at_ns: at,
            },
        )
        .collect())
}

/// `*total += n` for a count read from a file: a negative count or a sum
/// that overflows is a damaged file, never a silently wrong total.
fn add_count(label: &str, total: &mut u64, n: i64) -> Result<(), StoreError> {
    let sum = u64::try_from(n)
        .ok()
        .and_then(|n| total.checked_add(n))
        .ok_or_else(|| StoreError::Corrupt {
            path: label.to_owned(),
            detail: format!("count {n} cannot be added to {total} (negative or overflowing)"),
        })?;
    *total = sum;
    Ok(())
}

#[cfg(test)]
mod count_tests {
    use super::*;

    #[test]
    fn sums_of_counts_are_checked() {
        let mut t = 5u64;
        add_count("f", &mut t, 7).unwrap();
        assert_eq!(t, 12);
        assert!(matches!(
            add_count("f", &mut t, -1),
            Err(StoreError::Corrupt { .. })
        ));
        let mut big = u64::MAX - 1;
        assert!(add_count("f", &mut big, 2).is_err());
        assert_eq!(big, u64::MAX - 1, "unchanged on error");
    }
}
