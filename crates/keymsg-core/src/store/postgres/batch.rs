//! The statements of one shipping transaction: raw rows by `COPY`, key
//! claims, counters, withdrawals (see `ship` for the transaction itself).

use std::collections::{BTreeMap, HashSet};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;

use crate::store::journal::JournalRow;

/// Counter increments of one batch: (month, agency, message, surface, kind) → (counted, reprints).
pub(super) type Increments = BTreeMap<(String, String, String, String, String), (i64, i64)>;

/// `COPY` the batch's raw rows (binary format) into `keymsg_raw`;
/// `counted[i]`: row `i` counts in the fleet.
pub(super) fn copy_raw(
    tx: &mut postgres::Transaction<'_>,
    wid: i32,
    now: i64,
    rows: &[&JournalRow],
    counted: &[bool],
) -> Result<(), postgres::Error> {
    let sink = tx.copy_in(
        "COPY keymsg_raw (month, writer_id, seq, op, ref_seq, at, acked_at, shipped_at, agency, \
         message_id, surface, kind, catalog_version, idem_key, reprint, counted) \
         FROM STDIN (FORMAT binary)",
    )?;
    let mut w = BinaryCopyInWriter::new(
        sink,
        &[
            Type::TEXT,
            Type::INT4,
            Type::INT8,
            Type::INT2,
            Type::INT8,
            Type::INT8,
            Type::INT8,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
            Type::TEXT,
            Type::BOOL,
            Type::BOOL,
        ],
    );
    for (r, c) in rows.iter().zip(counted) {
        w.write(&[
            &r.month,
            &wid,
            &r.seq,
            &r.op,
            &r.ref_seq,
            &r.at_ns,
            &r.acked_ns,
            &now,
            &r.agency,
            &r.message_id,
            &r.surface,
            &r.kind,
            &r.catalog_version,
            &r.key,
            &r.reprint,
            c,
        ])?;
    }
    w.finish().map(|_| ())
}

/// The journal rows (by seq) whose idempotency key a claim took.
enum Claims {
    /// Every keyed row (no key was taken before, none twice in the batch).
    All,
    /// Only these.
    Some(HashSet<i64>),
}

/// Claim `keys` (of rows `seqs`, months `months`) for writer `wid`. The
/// usual batch claims every key, which one count says; otherwise the claims
/// are read back by row (the first row of a key repeated in the batch holds
/// its claim).
fn claim_keys(
    tx: &mut postgres::Transaction<'_>,
    wid: i32,
    keys: &[&str],
    months: &[&str],
    seqs: &[i64],
) -> Result<Claims, postgres::Error> {
    if keys.is_empty() {
        return Ok(Claims::All);
    }
    let n: i64 = tx
        .query_one(
            "WITH ins AS (INSERT INTO keymsg_keys (idem_key, month, writer_id, seq) \
             SELECT k, m, $1, s FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(k, m, s) \
             ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*) FROM ins",
            &[&wid, &keys, &months, &seqs],
        )?
        .get(0);
    if usize::try_from(n).is_ok_and(|n| n == keys.len()) {
        return Ok(Claims::All);
    }
    let held = tx
        .query(
            "SELECT seq FROM keymsg_keys WHERE idem_key = ANY($1) AND writer_id = $2 \
             AND seq = ANY($3)",
            &[&keys, &wid, &seqs],
        )?
        .into_iter()
        .map(|r| r.get(0))
        .collect();
    Ok(Claims::Some(held))
}

/// Claim the keys of the batch's keyed insertions for writer `wid` in
/// journal order: a withdrawal in the batch lets go of its insertion's
/// claim before the insertions after it claim theirs, so that a receipt
/// withdrawn (a printer jam) and counted again when reprinted counts once,
/// whether or not the three rows ship together. A claim expires by the later
/// of its insertion's month and `claim_month` (see `ship`). Only rows
/// counted on their host claim a key: a reprint that is not counted must not
/// keep the first print of its document, shipped later by another host, from
/// counting. Returns the seqs of the keyed insertions whose key another row
/// holds (the same invoice counted on another host, or by an earlier row):
/// they do not count.
pub(super) fn claim_keys_in_order(
    tx: &mut postgres::Transaction<'_>,
    wid: i32,
    rows: &[&JournalRow],
    claim_month: &str,
) -> Result<HashSet<i64>, postgres::Error> {
    let mut refused = HashSet::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut months: Vec<&str> = Vec::new();
    let mut seqs: Vec<i64> = Vec::new();
    let mut claim = |tx: &mut postgres::Transaction<'_>,
                     keys: &mut Vec<&str>,
                     months: &mut Vec<&str>,
                     seqs: &mut Vec<i64>|
     -> Result<(), postgres::Error> {
        if let Claims::Some(held) = claim_keys(tx, wid, keys, months, seqs)? {
            refused.extend(seqs.iter().filter(|s| !held.contains(s)));
        }
        keys.clear();
        months.clear();
        seqs.clear();
        Ok(())
    };
    for r in rows {
        match (r.op, &r.key, r.ref_seq) {
            (0, Some(k), _) if r.counted => {
                keys.push(k);
                months.push(std::cmp::max(r.month.as_str(), claim_month));
                seqs.push(r.seq);
            }
            // A withdrawal row carries its insertion's key.
            (_, Some(k), Some(target)) if r.op != 0 => {
                claim(tx, &mut keys, &mut months, &mut seqs)?;
                release_key(tx, k, wid, target, claim_month)?;
            }
            _ => {}
        }
    }
    claim(tx, &mut keys, &mut months, &mut seqs)?;
    Ok(refused)
}

/// Record the batch's insertions that were counted on their host but
/// refused in the fleet (`refused`, see [`claim_keys_in_order`]), so that
/// the oldest of them is handed the key if its holder is withdrawn.
pub(super) fn remember_refused(
    tx: &mut postgres::Transaction<'_>,
    wid: i32,
    rows: &[&JournalRow],
    refused: &HashSet<i64>,
    inserted: &HashSet<i64>,
    claim_month: &str,
) -> Result<(), postgres::Error> {
    let (mut month, mut seq, mut key, mut key_month, mut acked) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        if let Some(k) = &r.key
            && r.op == 0
            && r.counted
            && refused.contains(&r.seq)
            && inserted.contains(&r.seq)
        {
            month.push(r.month.as_str());
            seq.push(r.seq);
            key.push(k.as_str());
            key_month.push(std::cmp::max(r.month.as_str(), claim_month));
            acked.push(r.acked_ns);
        }
    }
    if seq.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO keymsg_refused (month, writer_id, seq, idem_key, key_month, acked_at) \
         SELECT m, $1, s, k, km, a FROM unnest($2::text[], $3::bigint[], $4::text[], \
         $5::text[], $6::bigint[]) AS t(m, s, k, km, a) ON CONFLICT DO NOTHING",
        &[&wid, &month, &seq, &key, &key_month, &acked],
    )
    .map(|_| ())
}

/// Let go of the key `key` held by row (`wid`, `seq`), if it holds it, and
/// hand it to the oldest row refused for it (see [`hand_over`]).
fn release_key(
    tx: &mut postgres::Transaction<'_>,
    key: &str,
    wid: i32,
    seq: i64,
    claim_month: &str,
) -> Result<(), postgres::Error> {
    let released = tx.execute(
        "DELETE FROM keymsg_keys WHERE idem_key = $1 AND writer_id = $2 AND seq = $3",
        &[&key, &wid, &seq],
    )?;
    if released > 0 {
        hand_over(tx, key, claim_month)?;
    }
    Ok(())
}

/// A key was let go of (its holder withdrawn: not delivered). The oldest
/// insertion refused for it that was counted on its host and is not
/// withdrawn was delivered and is counted nowhere: it takes the key, counts
/// in the fleet, and its writer's counter goes up by one. Without this, a
/// receipt retried on another host while the first attempt's withdrawal was
/// still unshipped would be counted zero times.
fn hand_over(
    tx: &mut postgres::Transaction<'_>,
    key: &str,
    claim_month: &str,
) -> Result<(), postgres::Error> {
    // Locked in the order a withdrawal takes them (refused row, then raw
    // row), so a withdrawal of a candidate racing with this waits instead
    // of deadlocking. No LIMIT: a candidate deleted while we waited for its
    // lock drops out of the result, and the next one is taken.
    let candidates = tx.query(
        "SELECT month, writer_id, seq FROM keymsg_refused WHERE idem_key = $1 \
         ORDER BY acked_at, writer_id, seq FOR UPDATE",
        &[&key],
    )?;
    for c in candidates {
        let (month, wid, seq): (String, i32, i64) = (c.get(0), c.get(1), c.get(2));
        tx.execute(
            "DELETE FROM keymsg_refused WHERE month = $1 AND writer_id = $2 AND seq = $3",
            &[&month, &wid, &seq],
        )?;
        let Some(row) = tx.query_opt(
            "UPDATE keymsg_raw SET counted = true WHERE month = $1 AND writer_id = $2 \
             AND seq = $3 AND op = 0 AND NOT withdrawn AND NOT counted \
             RETURNING agency, message_id, surface, kind",
            &[&month, &wid, &seq],
        )?
        else {
            continue;
        };
        let claimed = tx.execute(
            "INSERT INTO keymsg_keys (idem_key, month, writer_id, seq) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
            &[
                &key,
                &std::cmp::max(month.as_str(), claim_month),
                &wid,
                &seq,
            ],
        )?;
        if claimed == 0 {
            // Another writer claimed the key meanwhile: that one counts.
            // Undo, and leave the candidate waiting.
            tx.execute(
                "UPDATE keymsg_raw SET counted = false WHERE month = $1 AND writer_id = $2 \
                 AND seq = $3",
                &[&month, &wid, &seq],
            )?;
            tx.execute(
                "INSERT INTO keymsg_refused (month, writer_id, seq, idem_key, key_month, \
                 acked_at) SELECT month, writer_id, seq, idem_key, $4, acked_at FROM keymsg_raw \
                 WHERE month = $1 AND writer_id = $2 AND seq = $3",
                &[
                    &month,
                    &wid,
                    &seq,
                    &std::cmp::max(month.as_str(), claim_month),
                ],
            )?;
            return Ok(());
        }
        let w = tx.query_one(
            "SELECT host, writer FROM keymsg_writers WHERE id = $1",
            &[&wid],
        )?;
        let (host, writer): (String, String) = (w.get(0), w.get(1));
        let mut inc = Increments::new();
        inc.insert(
            (month, row.get(0), row.get(1), row.get(2), row.get(3)),
            (1, 0),
        );
        return add_counters(tx, &host, &writer, &inc);
    }
    Ok(())
}

/// Insert the batch's raw rows with `INSERT … ON CONFLICT DO NOTHING`
/// (rows already there are skipped); returns the seqs inserted.
pub(super) fn upsert_raw(
    tx: &mut postgres::Transaction<'_>,
    wid: i32,
    now: i64,
    rows: &[&JournalRow],
    counted: &[bool],
) -> Result<HashSet<i64>, postgres::Error> {
    let mut c = Columns::default();
    for (r, n) in rows.iter().zip(counted) {
        c.push(r, *n);
    }
    Ok(tx
        .query(
            "INSERT INTO keymsg_raw (month, writer_id, seq, op, ref_seq, at, acked_at, \
             shipped_at, agency, message_id, surface, kind, catalog_version, idem_key, reprint, \
             counted) \
             SELECT m, $1, s, op, rs, at, ak, $2, ag, mi, su, ki, cv, k, rp, c \
             FROM unnest($3::text[], $4::bigint[], $5::int2[], $6::bigint[], $7::bigint[], \
             $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], \
             $14::text[], $15::bool[], $16::bool[]) \
             AS t(m, s, op, rs, at, ak, ag, mi, su, ki, cv, k, rp, c) \
             ON CONFLICT DO NOTHING RETURNING seq",
            &[
                &wid, &now, &c.month, &c.seq, &c.op, &c.ref_seq, &c.at, &c.acked, &c.agency,
                &c.message, &c.surface, &c.kind, &c.version, &c.key, &c.reprint, &c.counted,
            ],
        )?
        .into_iter()
        .map(|r| r.get(0))
        .collect())
}

/// Journal rows as one array per column (for `unnest`).
#[derive(Default)]
struct Columns {
    month: Vec<String>,
    seq: Vec<i64>,
    op: Vec<i16>,
    ref_seq: Vec<Option<i64>>,
    at: Vec<i64>,
    acked: Vec<i64>,
    agency: Vec<String>,
    message: Vec<String>,
    surface: Vec<String>,
    kind: Vec<String>,
    version: Vec<i64>,
    key: Vec<Option<String>>,
    reprint: Vec<bool>,
    counted: Vec<bool>,
}

impl Columns {
    fn push(&mut self, r: &JournalRow, counted: bool) {
        self.month.push(r.month.clone());
        self.seq.push(r.seq);
        self.op.push(r.op);
        self.ref_seq.push(r.ref_seq);
        self.at.push(r.at_ns);
        self.acked.push(r.acked_ns);
        self.agency.push(r.agency.clone());
        self.message.push(r.message_id.clone());
        self.surface.push(r.surface.clone());
        self.kind.push(r.kind.clone());
        self.version.push(r.catalog_version);
        self.key.push(r.key.clone());
        self.reprint.push(r.reprint);
        self.counted.push(counted);
    }
}

/// Add a batch's increments to the writer's counters (one statement).
pub(super) fn add_counters(
    tx: &mut postgres::Transaction<'_>,
    host: &str,
    writer: &str,
    inc: &Increments,
) -> Result<(), postgres::Error> {
    if inc.is_empty() {
        return Ok(());
    }
    let mut cols: [Vec<String>; 5] = Default::default();
    let mut counted = Vec::with_capacity(inc.len());
    let mut reprints = Vec::with_capacity(inc.len());
    for ((m, a, id, s, k), (c, r)) in inc {
        for (col, v) in cols.iter_mut().zip([m, a, id, s, k]) {
            col.push(v.clone());
        }
        counted.push(*c);
        reprints.push(*r);
    }
    let [m, a, id, s, k] = &cols;
    tx.execute(
        "INSERT INTO keymsg_counters (month, agency, message_id, channel, surface, kind, host, \
         writer, counted, reprints) \
         SELECT m, a, id, 'documents', s, k, $1, $2, c, r \
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], \
         $9::bigint[]) AS t(m, a, id, s, k, c, r) \
         ON CONFLICT (month, agency, message_id, channel, surface, kind, host, writer) \
         DO UPDATE SET counted = keymsg_counters.counted + excluded.counted, \
         reprints = keymsg_counters.reprints + excluded.reprints",
        &[&host, &writer, m, a, id, s, k, &counted, &reprints],
    )
    .map(|_| ())
}

/// Take back a withdrawn insertion: its counter, and its key so a retry
/// counts again (or, when an insertion of another writer was refused for
/// that key, so that one counts: see [`hand_over`]). Returns whether
/// anything was taken back.
pub(super) fn withdraw(
    tx: &mut postgres::Transaction<'_>,
    host: &str,
    writer: &str,
    wid: i32,
    w: &JournalRow,
    claim_month: &str,
) -> Result<bool, postgres::Error> {
    let Some(target) = w.ref_seq else {
        return Ok(false);
    };
    // A refused insertion withdrawn is no longer waiting for its key. First,
    // in the order `hand_over` locks them (refused row, then raw row).
    tx.execute(
        "DELETE FROM keymsg_refused WHERE month = $1 AND writer_id = $2 AND seq = $3",
        &[&w.month, &wid, &target],
    )?;
    let Some(row) = tx.query_opt(
        "UPDATE keymsg_raw SET withdrawn = true WHERE month = $1 AND writer_id = $2 \
         AND seq = $3 AND op = 0 AND NOT withdrawn \
         RETURNING counted, reprint, agency, message_id, surface, kind, idem_key",
        &[&w.month, &wid, &target],
    )?
    else {
        return Ok(false);
    };
    let counted: bool = row.get(0);
    let reprint: bool = row.get(1);
    let (agency, message, surface, kind): (String, String, String, String) =
        (row.get(2), row.get(3), row.get(4), row.get(5));
    let key: Option<String> = row.get(6);
    tx.execute(
        "UPDATE keymsg_counters SET counted = counted - $9, reprints = reprints - $10 \
         WHERE month = $1 AND agency = $2 AND message_id = $3 AND channel = 'documents' \
         AND surface = $4 AND kind = $5 AND host = $6 AND writer = $7 AND $8",
        &[
            &w.month,
            &agency,
            &message,
            &surface,
            &kind,
            &host,
            &writer,
            &true,
            &i64::from(counted),
            &i64::from(reprint),
        ],
    )?;
    if let Some(k) = key {
        release_key(tx, &k, wid, target, claim_month)?;
    }
    Ok(true)
}
