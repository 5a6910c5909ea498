//! Reports, manual entries, report marks, exports and imports against the
//! fleet store. Reports read the per-writer counter table maintained on
//! ingest, never the raw rows.

use std::collections::BTreeMap;

use postgres::Client;
use time::OffsetDateTime;

use super::conn::Url;
use crate::bangkok::YearMonth;
use crate::store::gcounter::Take;
use crate::store::read::{RowKey, to_rows};
use crate::store::{CountRow, ManualEntry, ManualRecord, StoreError, WriterCounts};
use crate::{Channel, Surface};

type Res<T> = Result<T, StoreError>;

/// (agency, surface, kind, message) → (counted, reprints).
type Totals = BTreeMap<(String, String, String, String), (u64, u64)>;

fn surface(url: &Url, s: &str) -> Res<Surface> {
    s.parse().map_err(|_| StoreError::Fleet {
        store: url.shown.clone(),
        detail: format!("unknown surface `{s}` in keymsg_counters"),
    })
}

fn channel(url: &Url, s: &str) -> Res<Channel> {
    s.parse().map_err(|_| StoreError::Fleet {
        store: url.shown.clone(),
        detail: format!("unknown channel `{s}` in keymsg_manual"),
    })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Counted insertions of a month by (agency, message, surface, kind).
pub(crate) fn month_map(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    agency: Option<&str>,
) -> Res<BTreeMap<RowKey, u64>> {
    let rows = c
        .query(
            "SELECT agency, message_id, surface, kind, sum(counted)::bigint FROM keymsg_counters \
             WHERE month = $1 AND channel = 'documents' AND ($2::text IS NULL OR agency = $2) \
             GROUP BY agency, message_id, surface, kind",
            &[&month.to_string(), &agency],
        )
        .map_err(|e| url.error("reading counters", &e))?;
    let mut m = BTreeMap::new();
    for r in rows {
        let key = (
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            surface(url, r.get(2))?,
            r.get::<_, String>(3),
        );
        *m.entry(key).or_default() += count(r.get(4));
    }
    Ok(m)
}

pub(crate) fn month_counts(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    agency: Option<&str>,
) -> Res<Vec<CountRow>> {
    Ok(to_rows(month_map(c, url, month, agency)?))
}

/// Manual entries of a month with who recorded them and when.
fn manual_rows(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    agency: Option<&str>,
) -> Res<Vec<(ManualRecord, String, String)>> {
    let rows = c
        .query(
            "SELECT agency, channel, message_id, count, recorded_at, host, writer FROM keymsg_manual \
             WHERE month = $1 AND ($2::text IS NULL OR agency = $2) \
             ORDER BY agency, channel, message_id",
            &[&month.to_string(), &agency],
        )
        .map_err(|e| url.error("reading manual entries", &e))?;
    rows.into_iter()
        .map(|r| {
            Ok((
                ManualRecord {
                    agency: r.get(0),
                    channel: channel(url, r.get(1))?,
                    message_id: r.get(2),
                    count: count(r.get(3)),
                    recorded_at_ns: r.get(4),
                },
                r.get(5),
                r.get(6),
            ))
        })
        .collect()
}

pub(crate) fn manual_entries(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    agency: Option<&str>,
) -> Res<Vec<ManualEntry>> {
    let mut v: Vec<ManualEntry> = manual_rows(c, url, month, agency)?
        .into_iter()
        .map(|(m, _, _)| ManualEntry {
            agency: m.agency,
            month,
            channel: m.channel,
            message_id: m.message_id,
            count: m.count,
        })
        .collect();
    v.sort_by(|a, b| {
        (&a.agency, a.channel, &a.message_id).cmp(&(&b.agency, b.channel, &b.message_id))
    });
    Ok(v)
}

/// Record a manual entry (newest recording wins) as writer (host, writer).
pub(crate) fn record(
    c: &mut Client,
    url: &Url,
    e: &ManualEntry,
    at_ns: i64,
    host: &str,
    writer: &str,
) -> Res<()> {
    c.execute(
        "INSERT INTO keymsg_manual (agency, month, channel, message_id, count, recorded_at, host, writer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (agency, month, channel, message_id) \
         DO UPDATE SET count = excluded.count, recorded_at = excluded.recorded_at, \
         host = excluded.host, writer = excluded.writer \
         WHERE excluded.recorded_at >= keymsg_manual.recorded_at",
        &[
            &e.agency,
            &e.month.to_string(),
            &e.channel.as_str(),
            &e.message_id,
            &i64::try_from(e.count).unwrap_or(i64::MAX),
            &at_ns,
            &host,
            &writer,
        ],
    )
    .map(|_| ())
    .map_err(|err| url.error("recording a manual entry", &err))
}

pub(crate) fn months(c: &mut Client, url: &Url) -> Res<Vec<YearMonth>> {
    let rows = c
        .query(
            "SELECT DISTINCT month FROM keymsg_counters UNION SELECT DISTINCT month FROM keymsg_manual",
            &[],
        )
        .map_err(|e| url.error("listing months", &e))?;
    let mut v: Vec<YearMonth> = rows
        .into_iter()
        .filter_map(|r| r.get::<_, String>(0).parse().ok())
        .collect();
    v.sort();
    v.dedup();
    Ok(v)
}

/// Agencies with counts or manual entries (in `month`, or ever). The
/// counter table is read with a skip scan (one index probe per agency, over
/// the primary key for a month, `keymsg_counters_agency` otherwise), so a
/// report's agency check does not grow with the fleet's writers or months.
pub(crate) fn agencies(c: &mut Client, url: &Url, month: Option<YearMonth>) -> Res<Vec<String>> {
    let month = month.map(|m| m.to_string());
    let rows = c
        .query(
            "WITH RECURSIVE a(x) AS ( \
               SELECT min(agency) FROM keymsg_counters WHERE $1::text IS NULL OR month = $1 \
               UNION ALL \
               SELECT (SELECT min(agency) FROM keymsg_counters \
                       WHERE agency > a.x AND ($1::text IS NULL OR month = $1)) \
               FROM a WHERE a.x IS NOT NULL) \
             SELECT x FROM a WHERE x IS NOT NULL \
             UNION SELECT DISTINCT agency FROM keymsg_manual WHERE $1::text IS NULL OR month = $1",
            &[&month],
        )
        .map_err(|e| url.error("listing agencies", &e))?;
    let mut v: Vec<String> = rows.into_iter().map(|r| r.get(0)).collect();
    v.sort();
    Ok(v)
}

pub(crate) fn mark_reported(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    agency: Option<&str>,
    at: OffsetDateTime,
) -> Res<()> {
    let err = |e: postgres::Error| url.error("marking a report", &e);
    let rows = month_map(c, url, month, agency)?;
    let mut tx = c.transaction().map_err(err)?;
    let at_ns = i64::try_from(at.unix_timestamp_nanos()).unwrap_or(i64::MAX);
    let mark: i64 = tx
        .query_one(
            "INSERT INTO keymsg_report_marks (month, agency, reported_at) VALUES ($1, $2, $3) RETURNING id",
            &[&month.to_string(), &agency, &at_ns],
        )
        .map_err(err)?
        .get(0);
    for ((a, m, s, k), n) in &rows {
        tx.execute(
            "INSERT INTO keymsg_report_snapshot (mark, agency, message_id, surface, kind, count) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &mark,
                a,
                m,
                &s.as_str(),
                k,
                &i64::try_from(*n).unwrap_or(i64::MAX),
            ],
        )
        .map_err(err)?;
    }
    tx.commit().map_err(err)
}

/// The newest report mark for (month, agency): its time and snapshot.
pub(crate) fn last_mark(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    agency: Option<&str>,
) -> Res<Option<(i64, BTreeMap<RowKey, u64>)>> {
    let err = |e: postgres::Error| url.error("reading report marks", &e);
    let Some(row) = c
        .query_opt(
            "SELECT id, reported_at FROM keymsg_report_marks WHERE month = $1 \
             AND agency IS NOT DISTINCT FROM $2 ORDER BY reported_at DESC, id DESC LIMIT 1",
            &[&month.to_string(), &agency],
        )
        .map_err(err)?
    else {
        return Ok(None);
    };
    let (id, at): (i64, i64) = (row.get(0), row.get(1));
    let mut snap = BTreeMap::new();
    for r in c
        .query(
            "SELECT agency, message_id, surface, kind, count FROM keymsg_report_snapshot WHERE mark = $1",
            &[&id],
        )
        .map_err(err)?
    {
        snap.insert(
            (r.get(0), r.get(1), surface(url, r.get(2))?, r.get(3)),
            count(r.get(4)),
        );
    }
    Ok(Some((at, snap)))
}

/// Each writer's counters for a month (the G-counter of the fleet store):
/// one copy per writer and epoch (an imported writer's agencies may stand
/// at different epochs), counters withdrawn to zero included.
pub(crate) fn writer_counts(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    agency: Option<&str>,
) -> Res<Vec<WriterCounts>> {
    let err = |e: postgres::Error| url.error("reading writers' counters", &e);
    let m = month.to_string();
    let rows = c
        .query(
            "SELECT c.host, c.writer, c.agency, c.message_id, c.surface, c.kind, c.counted, \
             coalesce(e.epoch, w.epoch, 0) FROM keymsg_counters c \
             LEFT JOIN keymsg_writers w ON w.host = c.host AND w.writer = c.writer \
             LEFT JOIN keymsg_import_epochs e ON e.host = c.host AND e.writer = c.writer \
             AND e.month = c.month AND e.agency = c.agency \
             WHERE c.month = $1 AND c.channel = 'documents' \
             AND ($2::text IS NULL OR c.agency = $2) \
             ORDER BY c.host, c.writer, c.agency, c.message_id, c.surface, c.kind",
            &[&m, &agency],
        )
        .map_err(err)?;
    // (host, writer, epoch) → the writer's counters at that epoch.
    let mut out: BTreeMap<(String, String, i64), WriterCounts> = BTreeMap::new();
    for r in rows {
        let (host, writer, epoch): (String, String, i64) = (r.get(0), r.get(1), r.get(7));
        let row = CountRow {
            agency: r.get(2),
            message_id: r.get(3),
            surface: surface(url, r.get(4))?,
            kind: r.get(5),
            count: count(r.get(6)),
        };
        out.entry((host.clone(), writer.clone(), epoch))
            .or_insert_with(|| WriterCounts {
                host,
                writer,
                epoch: u64::try_from(epoch).unwrap_or(0),
                counts: Vec::new(),
                manual: Vec::new(),
            })
            .counts
            .push(row);
    }
    let mut manual: BTreeMap<(String, String), Vec<ManualRecord>> = BTreeMap::new();
    for (m, host, writer) in manual_rows(c, url, month, agency)? {
        manual.entry((host, writer)).or_default().push(m);
    }
    // Manual entries merge by recording time: with one copy of the writer,
    // a copy of its own (at the writer's epoch) when it has no counters.
    let (hosts, writers): (Vec<&str>, Vec<&str>) = manual
        .keys()
        .filter(|(h, w)| {
            !out.range((h.clone(), w.clone(), i64::MIN)..=(h.clone(), w.clone(), i64::MAX))
                .any(|_| true)
        })
        .map(|(h, w)| (h.as_str(), w.as_str()))
        .unzip();
    let mut own_epochs: BTreeMap<(String, String), i64> = BTreeMap::new();
    if !hosts.is_empty() {
        for r in c
            .query(
                "SELECT w.host, w.writer, w.epoch FROM keymsg_writers w \
                 JOIN unnest($1::text[], $2::text[]) AS t(h, wr) ON w.host = t.h AND w.writer = t.wr",
                &[&hosts, &writers],
            )
            .map_err(err)?
        {
            own_epochs.insert((r.get(0), r.get(1)), r.get(2));
        }
    }
    for ((host, writer), records) in manual {
        let first = out
            .range(
                (host.clone(), writer.clone(), i64::MIN)..=(host.clone(), writer.clone(), i64::MAX),
            )
            .next()
            .map(|(k, _)| k.clone());
        let key = first.unwrap_or_else(|| {
            let epoch = own_epochs
                .get(&(host.clone(), writer.clone()))
                .copied()
                .unwrap_or(0);
            (host.clone(), writer.clone(), epoch)
        });
        out.entry(key)
            .or_insert_with(|| WriterCounts {
                epoch: 0,
                host: host.clone(),
                writer: writer.clone(),
                counts: Vec::new(),
                manual: Vec::new(),
            })
            .manual = records;
    }
    // A copy created for manual entries alone carries the writer's epoch.
    for ((_, _, e), w) in &mut out {
        w.epoch = u64::try_from(*e).unwrap_or(0);
    }
    Ok(out.into_values().collect())
}

/// Load foreign writers' counters (exports) by the G-counter rule. A writer
/// that ships to this store itself is skipped: its counters are live here.
pub(crate) fn import(
    c: &mut Client,
    url: &Url,
    month: YearMonth,
    writers: &[WriterCounts],
) -> Res<u64> {
    let err = |e: postgres::Error| url.error("importing counters", &e);
    let m = month.to_string();
    let mut changed = 0u64;
    for w in writers {
        let mut tx = c.transaction().map_err(err)?;
        tx.execute(
            "INSERT INTO keymsg_writers (host, writer, imported) VALUES ($1, $2, true) \
             ON CONFLICT DO NOTHING",
            &[&w.host, &w.writer],
        )
        .map_err(err)?;
        let row = tx
            .query_one(
                "SELECT shipped_seq, epoch, imported FROM keymsg_writers \
                 WHERE host = $1 AND writer = $2 FOR UPDATE",
                &[&w.host, &w.writer],
            )
            .map_err(err)?;
        let (shipped, epoch, imported): (i64, i64, bool) = (row.get(0), row.get(1), row.get(2));
        let epoch_in = i64::try_from(w.epoch).unwrap_or(i64::MAX);
        if shipped > 0 || !imported {
            tx.commit().map_err(err)?;
            continue;
        }
        if epoch_in > epoch {
            tx.execute(
                "UPDATE keymsg_writers SET epoch = $3 WHERE host = $1 AND writer = $2",
                &[&w.host, &w.writer, &epoch_in],
            )
            .map_err(err)?;
        }
        // Copies are compared within what they cover: the month, and each
        // agency they list (a writer's epoch grows with a withdrawal in any
        // of them). Counters imported before epochs were kept per agency
        // came from a copy of at most the writer's epoch then.
        let agencies = w.agencies();
        let mut taken: Vec<&str> = Vec::with_capacity(agencies.len());
        for agency in agencies {
            let recorded: Option<i64> = tx
                .query_opt(
                    "SELECT epoch FROM keymsg_import_epochs \
                     WHERE host = $1 AND writer = $2 AND month = $3 AND agency = $4",
                    &[&w.host, &w.writer, &m, &agency],
                )
                .map_err(err)?
                .map(|r| r.get(0));
            let held = tx
                .query_opt(
                    "SELECT 1 FROM keymsg_counters WHERE month = $1 AND agency = $2 \
                     AND host = $3 AND writer = $4 LIMIT 1",
                    &[&m, &agency, &w.host, &w.writer],
                )
                .map_err(err)?
                .is_some();
            let stored = recorded.or(held.then_some(epoch));
            match Take::of(w.epoch, stored.map(|e| u64::try_from(e).unwrap_or(0))) {
                Take::Nothing => continue,
                Take::Max => {}
                Take::Replace => {
                    changed += tx
                        .execute(
                            "DELETE FROM keymsg_counters WHERE month = $1 AND agency = $2 \
                             AND host = $3 AND writer = $4",
                            &[&m, &agency, &w.host, &w.writer],
                        )
                        .map_err(err)?;
                    tx.execute(
                        "INSERT INTO keymsg_import_epochs (host, writer, month, agency, epoch) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (host, writer, month, agency) \
                         DO UPDATE SET epoch = excluded.epoch",
                        &[&w.host, &w.writer, &m, &agency, &epoch_in],
                    )
                    .map_err(err)?;
                }
            }
            taken.push(agency);
        }
        for r in w
            .counts
            .iter()
            .filter(|r| taken.contains(&r.agency.as_str()))
        {
            changed += tx
                .execute(
                    "INSERT INTO keymsg_counters (month, agency, message_id, channel, surface, kind, \
                     host, writer, counted) VALUES ($1, $2, $3, 'documents', $4, $5, $6, $7, $8) \
                     ON CONFLICT (month, agency, message_id, channel, surface, kind, host, writer) \
                     DO UPDATE SET counted = excluded.counted \
                     WHERE excluded.counted > keymsg_counters.counted",
                    &[
                        &m,
                        &r.agency,
                        &r.message_id,
                        &r.surface.as_str(),
                        &r.kind,
                        &w.host,
                        &w.writer,
                        &i64::try_from(r.count).unwrap_or(i64::MAX),
                    ],
                )
                .map_err(err)?;
        }
        for r in &w.manual {
            changed += tx
                .execute(
                    "INSERT INTO keymsg_manual (agency, month, channel, message_id, count, \
                     recorded_at, host, writer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (agency, month, channel, message_id) DO UPDATE SET \
                     count = excluded.count, recorded_at = excluded.recorded_at, \
                     host = excluded.host, writer = excluded.writer \
                     WHERE excluded.recorded_at > keymsg_manual.recorded_at",
                    &[
                        &r.agency,
                        &m,
                        &r.channel.as_str(),
                        &r.message_id,
                        &i64::try_from(r.count).unwrap_or(i64::MAX),
                        &r.recorded_at_ns,
                        &w.host,
                        &w.writer,
                    ],
                )
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
    }
    Ok(changed)
}

/// All-time totals for monitoring: (agency, surface, kind, message) →
/// (counted, reprints), and the number of writers.
pub(crate) fn totals(c: &mut Client, url: &Url) -> Res<(Totals, usize)> {
    let err = |e: postgres::Error| url.error("reading totals", &e);
    let mut m = BTreeMap::new();
    for r in c
        .query(
            "SELECT agency, surface, kind, message_id, sum(counted)::bigint, sum(reprints)::bigint \
             FROM keymsg_counters WHERE channel = 'documents' GROUP BY 1, 2, 3, 4",
            &[],
        )
        .map_err(err)?
    {
        m.insert(
            (r.get(0), r.get(1), r.get(2), r.get(3)),
            (count(r.get(4)), count(r.get(5))),
        );
    }
    let writers: i64 = c
        .query_one("SELECT count(*) FROM keymsg_writers", &[])
        .map_err(err)?
        .get(0);
    Ok((m, usize::try_from(writers).unwrap_or(0)))
}
