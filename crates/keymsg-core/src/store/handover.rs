//! Withdrawals, and the hand-over of a withdrawn key to an attempt that was
//! refused for it.
//!
//! Two attempts at one document run at the same moment: A counts its key,
//! B is answered "duplicate" and prints. Should A's delivery then fail, A
//! withdraws its count and frees the key — and the receipt B printed would
//! be counted nowhere. So every keyed insertion answered "duplicate" is
//! stored in the refusing writer's file (`refused`, written in the same
//! transaction as the answer; see `writer`), and a withdrawal that frees a
//! key hands it, with its count, to the oldest refused attempt of that key
//! still waiting, in any writer file of the store, under the store's
//! `keys.lock`. The fleet does the same with `keymsg_refused` (FLEET.md).
//!
//! - A refused attempt whose own delivery fails is withdrawn too
//!   (`Store::withdraw` with [`Counted::Duplicate`]): its waiting row is
//!   deleted, or, if it was handed the count meanwhile, the count is
//!   withdrawn (and handed on).
//! - The withdrawal and the hand-over are two transactions in two files
//!   (the withdrawing writer's, the refused attempt's). The withdrawal
//!   commits first, with a marker of the key (`handover`) that the
//!   hand-over's end deletes: a crash between them leaves the key held by
//!   no writer, the refused row waiting and the marker — never two counts.
//!   Opening a store runs the hand-over of every marker
//!   ([`Writer::recover`]), so the receipt counts once; an open with no
//!   marker anywhere reads nothing more.
//! - A refused row expires with the key it was refused for (`key_month` is
//!   that key's month, pruned by the same retention), and only rows whose
//!   key month is still kept are ever handed a key: a key freed because it
//!   expired is never handed to anyone, even from a file whose own pruning
//!   has not run (a writer that stopped).
//! - A count handed into another process's file does not raise that
//!   writer's mark (its process keeps the mark); the mark stays below the
//!   file, which only weakens loss detection for that count.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::checkpoint::oldest_kept;
use super::schema::map_err;
use super::writer::{Writer, now_nanos};
use super::{Counted, Insertion, StoreError};
use crate::bangkok::YearMonth;

/// Where a waiting refused row is: our own file (`None`) or another's.
type Place = Option<std::path::PathBuf>;

impl Writer {
    /// The oldest month whose keys (and refused rows) are still kept, as
    /// text; `""` when keys are kept forever (every month compares above).
    fn kept_from(&self) -> String {
        self.key_retention_months
            .and_then(|m| oldest_kept(YearMonth::of(crate::bangkok::now()), m))
            .map(|m| m.to_string())
            .unwrap_or_default()
    }

    /// Withdraw a count this writer made (see [`super::Store::withdraw`]).
    /// A keyed withdrawal runs under the key lock and hands the freed key
    /// to the oldest refused attempt waiting for it.
    pub(crate) fn withdraw(&mut self, ins: &Insertion, counted: Counted) -> Result<(), StoreError> {
        let Some(key) = ins.idempotency_key.as_deref() else {
            return match counted {
                Counted::Duplicate => Ok(()),
                Counted::New => self.take_back(ins, 1, i64::from(ins.reprint), None),
                Counted::Reprint => self.take_back(ins, 0, 1, None),
            };
        };
        let lock = Arc::clone(&self.key_lock);
        let _guard = lock.acquire()?;
        match counted {
            Counted::New => self.take_back(ins, 1, i64::from(ins.reprint), None)?,
            Counted::Reprint => self.take_back(ins, 0, 1, None)?,
            Counted::Duplicate => match self.own_refused(ins, key)? {
                // Still waiting: it will never be handed the key.
                Refused::Waiting => return Ok(()),
                // Handed the count since it was refused: take it back.
                Refused::Handed { id, counts } => {
                    self.take_back(ins, counts, i64::from(ins.reprint), Some(id))?;
                }
                // Nothing stored for it (refused before the store kept
                // refused attempts, or expired): nothing to withdraw.
                Refused::None => return Ok(()),
            },
        }
        // The withdrawal stands whatever happens next: a hand-over that
        // fails (a file locked past the timeout) keeps its marker, and is
        // made at this writer's next keyed withdrawal or the store's next
        // open.
        if self.hand_over(key).is_ok() {
            let _ = self.clear_marker(None, key);
        }
        let _ = self.finish_own_handovers();
        Ok(())
    }

    /// Run the hand-overs whose markers are still in our own file (one
    /// failed earlier). Call with the key lock held.
    fn finish_own_handovers(&mut self) -> Result<(), StoreError> {
        for key in pending_keys(&self.conn, &self.label)? {
            if !self.key_held(&key)? {
                self.hand_over(&key)?;
            }
            self.clear_marker(None, &key)?;
        }
        Ok(())
    }

    /// Whether any writer file of the store holds `key`.
    fn key_held(&self, key: &str) -> Result<bool, StoreError> {
        let here: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM keys WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| map_err(&self.label, e))?;
        Ok(here.is_some() || self.seen_elsewhere(key)?.is_some())
    }

    /// Delete the hand-over marker of `key` in our own file (`None`) or
    /// another writer's.
    fn clear_marker(&self, place: Option<&std::path::Path>, key: &str) -> Result<(), StoreError> {
        const CLEAR: &str = "DELETE FROM handover WHERE key = ?1";
        match place {
            None => self
                .conn
                .execute(CLEAR, [key])
                .map(drop)
                .map_err(|e| map_err(&self.label, e)),
            Some(path) => {
                let label = path.display().to_string();
                let Some(conn) = self.others.get(path) else {
                    return Ok(());
                };
                conn.pragma_update(None, "query_only", false)
                    .map_err(|e| map_err(&label, e))?;
                let res = conn.execute(CLEAR, [key]);
                let _ = conn.pragma_update(None, "query_only", true);
                res.map(drop).map_err(|e| map_err(&label, e))
            }
        }
    }

    /// Deal with our own refused row for `ins`: delete it if it is still
    /// waiting, else report the one that was handed the count.
    fn own_refused(&mut self, ins: &Insertion, key: &str) -> Result<Refused, StoreError> {
        let label = self.label.clone();
        let err = |e| map_err(&label, e);
        let fields = params![
            key,
            ins.month().to_string(),
            ins.agency,
            ins.message_id,
            ins.surface.as_str(),
            ins.kind,
            i64::try_from(ins.catalog_version).unwrap_or(i64::MAX),
            ins.reprint,
        ];
        const MATCH: &str = "key = ?1 AND month = ?2 AND agency = ?3 AND message_id = ?4 \
             AND surface = ?5 AND kind = ?6 AND catalog_version = ?7 AND reprint = ?8";
        let deleted = self
            .conn
            .execute(
                &format!(
                    "DELETE FROM refused WHERE id = (SELECT id FROM refused \
                     WHERE {MATCH} AND handed = 0 ORDER BY refused_at DESC, id DESC LIMIT 1)"
                ),
                fields,
            )
            .map_err(err)?;
        if deleted == 1 {
            return Ok(Refused::Waiting);
        }
        let handed: Option<(i64, i64)> = self
            .conn
            .query_row(
                &format!(
                    "SELECT id, counts FROM refused WHERE {MATCH} AND handed = 1 \
                     ORDER BY refused_at DESC, id DESC LIMIT 1"
                ),
                fields,
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(err)?;
        Ok(handed.map_or(Refused::None, |(id, counts)| Refused::Handed { id, counts }))
    }

    /// One transaction on our own file: lower the counter by `c` counted
    /// and `r` reprints, forget the key, and delete refused row `refused`
    /// (a handed attempt withdrawn), so the counter and the key go together.
    pub(super) fn take_back(
        &mut self,
        ins: &Insertion,
        c: i64,
        r: i64,
        refused: Option<i64>,
    ) -> Result<(), StoreError> {
        let label = self.label.clone();
        let err = |e| map_err(&label, e);
        let nothing = || StoreError::NothingToWithdraw {
            path: label.clone(),
            message_id: ins.message_id.clone(),
        };
        let (conn, mark) = self.conn_and_mark();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let changed = tx
            .execute(
                "UPDATE counts SET counted = counted - ?7, reprints = reprints - ?8 \
                 WHERE month = ?1 AND agency = ?2 AND message_id = ?3 AND surface = ?4 \
                 AND kind = ?5 AND catalog_version = ?6 AND counted >= ?7 AND reprints >= ?8",
                params![
                    ins.month().to_string(),
                    ins.agency,
                    ins.message_id,
                    ins.surface.as_str(),
                    ins.kind,
                    i64::try_from(ins.catalog_version).unwrap_or(i64::MAX),
                    c,
                    r
                ],
            )
            .map_err(err)?;
        if changed != 1 {
            // Dropping the transaction rolls it back.
            return Err(nothing());
        }
        // A keyed insertion was counted here only if its key is in this
        // file: otherwise it was withdrawn already, or counted by another
        // process, and the counter lowered above belongs to another receipt.
        if let Some(k) = &ins.idempotency_key
            && tx
                .execute("DELETE FROM keys WHERE key = ?1", [k])
                .map_err(err)?
                != 1
        {
            return Err(nothing());
        }
        if let Some(k) = &ins.idempotency_key {
            // Until the hand-over has run: a crash before it leaves this
            // marker for the next open (see `recover`).
            tx.execute("INSERT OR IGNORE INTO handover (key) VALUES (?1)", [k])
                .map_err(err)?;
        }
        if let Some(id) = refused {
            tx.execute("DELETE FROM refused WHERE id = ?1", [id])
                .map_err(err)?;
        }
        // A counter went down: exports made from now on supersede older ones.
        tx.execute("UPDATE writer SET epoch = epoch + 1", [])
            .map_err(err)?;
        // A journaled insertion is withdrawn by a journal row of its own, so
        // a fleet store that has received the insertion takes it back.
        tx.execute(
            "INSERT INTO journal (op, ref_seq, at, acked_at, month, agency, message_id, surface, \
             kind, catalog_version, key, reprint, counted) \
             SELECT 1, seq, at, ?9, month, agency, message_id, surface, kind, catalog_version, \
             key, reprint, counted FROM journal \
             WHERE op = 0 AND month = ?1 AND agency = ?2 AND message_id = ?3 AND surface = ?4 \
             AND kind = ?5 AND catalog_version = ?6 AND key IS ?7 AND reprint = ?8 \
             AND seq NOT IN (SELECT ref_seq FROM journal WHERE op = 1) \
             ORDER BY seq DESC LIMIT 1",
            params![
                ins.month().to_string(),
                ins.agency,
                ins.message_id,
                ins.surface.as_str(),
                ins.kind,
                i64::try_from(ins.catalog_version).unwrap_or(i64::MAX),
                ins.idempotency_key,
                ins.reprint,
                now_nanos()
            ],
        )
        .map_err(err)?;
        // Lower the mark before the commit that removes the count: should
        // the process die between the two, the mark is below the file (no
        // false alarm), never above it. A commit that fails puts it back.
        let removed = u64::try_from(c + r).unwrap_or(0);
        let mut mark = mark;
        if let Some(m) = mark.as_deref_mut() {
            m.remove_counts(removed);
        }
        tx.commit().map_err(|e| {
            if let Some(m) = mark {
                m.add_counts(removed);
            }
            err(e)
        })
    }

    /// Hand `key`, which no writer holds, and its count to the oldest
    /// refused attempt of it still waiting in any writer file. Call with
    /// the key lock held. Returns whether one was handed the key.
    pub(crate) fn hand_over(&mut self, key: &str) -> Result<bool, StoreError> {
        self.refresh_others()?;
        let kept = self.kept_from();
        // (refused_at, id, place) of the oldest waiting row.
        let mut oldest: Option<(i64, i64, Place)> = None;
        let mut consider = |conn: &Connection, label: &str, place: Place| {
            let row: Option<(i64, i64)> = conn
                .prepare_cached(
                    "SELECT refused_at, id FROM refused WHERE key = ?1 AND handed = 0 \
                     AND key_month >= ?2 ORDER BY refused_at, id LIMIT 1",
                )
                .and_then(|mut s| s.query_row(params![key, kept], |r| Ok((r.get(0)?, r.get(1)?))))
                .optional()
                .map_err(|e| map_err(label, e))?;
            if let Some((at, id)) = row
                && oldest.as_ref().is_none_or(|(o, ..)| at < *o)
            {
                oldest = Some((at, id, place));
            }
            Ok::<(), StoreError>(())
        };
        consider(&self.conn, &self.label, None)?;
        let mut others: Vec<_> = self.others.iter().collect();
        others.sort_by(|a, b| a.0.cmp(b.0));
        for (path, conn) in others {
            consider(conn, &path.display().to_string(), Some(path.clone()))?;
        }
        let Some((_, id, place)) = oldest else {
            return Ok(false);
        };
        let journal = self.journal;
        match place {
            None => {
                let added = hand(&self.conn, id, journal).map_err(|e| map_err(&self.label, e))?;
                if let Some(m) = &mut self.mark {
                    m.add_counts(added);
                }
                Ok(added > 0)
            }
            Some(path) => {
                let label = path.display().to_string();
                let conn = self.others.get(&path).ok_or_else(|| StoreError::Io {
                    path: label.clone(),
                    source: std::io::Error::other("writer file no longer open"),
                })?;
                // Another writer's file is read through a query-only
                // connection: lift that for this one transaction.
                conn.pragma_update(None, "query_only", false)
                    .map_err(|e| map_err(&label, e))?;
                let res = hand(conn, id, journal);
                let _ = conn.pragma_update(None, "query_only", true);
                Ok(res.map_err(|e| map_err(&label, e))? > 0)
            }
        }
    }

    /// Run the hand-overs that a crash between a withdrawal and its
    /// hand-over left undone (their markers, in any writer file). A first
    /// look without the key lock: almost always there is none, and an open
    /// then neither waits for the lock nor reads any refused row. Returns
    /// the number of keys handed.
    pub(crate) fn recover(&mut self) -> Result<u64, StoreError> {
        if pending_keys(&self.conn, &self.label)?.is_empty()
            && self.others.iter().try_fold(true, |none, (path, conn)| {
                Ok::<bool, StoreError>(
                    none && pending_keys(conn, &path.display().to_string())?.is_empty(),
                )
            })?
        {
            return Ok(0);
        }
        let lock = Arc::clone(&self.key_lock);
        let _guard = lock.acquire()?;
        self.refresh_others()?;
        let mut pending: Vec<(Place, String)> = pending_keys(&self.conn, &self.label)?
            .into_iter()
            .map(|k| (None, k))
            .collect();
        for (path, conn) in &self.others {
            let keys = pending_keys(conn, &path.display().to_string())?;
            pending.extend(keys.into_iter().map(|k| (Some(path.clone()), k)));
        }
        let mut handed = 0;
        for (place, key) in pending {
            // A key held again (a later attempt counted it) waits for that
            // attempt's own withdrawal.
            if !self.key_held(&key)? && self.hand_over(&key)? {
                handed += 1;
            }
            self.clear_marker(place.as_deref(), &key)?;
        }
        Ok(handed)
    }
}

/// The keys whose hand-over markers are in the file of `conn`.
fn pending_keys(conn: &Connection, label: &str) -> Result<Vec<String>, StoreError> {
    conn.prepare_cached("SELECT key FROM handover")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(|e| map_err(label, e))
}

/// What a withdrawn duplicate had stored.
enum Refused {
    /// A waiting row, now deleted.
    Waiting,
    /// A row handed the key and the count (`counts`: 1, or 0 for a reprint
    /// not counted).
    Handed { id: i64, counts: i64 },
    /// Nothing.
    None,
}

/// One transaction on the file of refused row `id`: give it the key and
/// its count. Returns the counts added (for the file's mark); 0 when the
/// row is no longer waiting or the key is held already (nothing changed).
fn hand(conn: &Connection, id: i64, journal: bool) -> rusqlite::Result<u64> {
    let this_month = YearMonth::of(crate::bangkok::now()).to_string();
    let now = now_nanos();
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let waiting = tx.execute(
        "UPDATE refused SET handed = 1 WHERE id = ?1 AND handed = 0",
        [id],
    )?;
    // The key expires by the latest of its months (see `write_batch`), and
    // never before the rows refused for it.
    let keyed = tx.execute(
        "INSERT INTO keys (key, month, counted_at) \
         SELECT key, max(key_month, month, ?2), ?3 FROM refused WHERE id = ?1 \
         ON CONFLICT DO NOTHING",
        params![id, this_month, now],
    )?;
    if waiting != 1 || keyed != 1 {
        // Dropping the transaction rolls it back.
        return Ok(0);
    }
    tx.execute(
        "INSERT INTO counts (month, agency, message_id, surface, kind, catalog_version, \
         counted, reprints) \
         SELECT month, agency, message_id, surface, kind, catalog_version, counts, reprint \
         FROM refused WHERE id = ?1 \
         ON CONFLICT DO UPDATE SET counted = counted + excluded.counted, \
         reprints = reprints + excluded.reprints",
        [id],
    )?;
    if journal {
        tx.execute(
            "INSERT INTO journal (at, acked_at, month, agency, message_id, surface, kind, \
             catalog_version, key, reprint, counted) \
             SELECT at, ?2, month, agency, message_id, surface, kind, catalog_version, key, \
             reprint, counts FROM refused WHERE id = ?1",
            params![id, now],
        )?;
    }
    let added: i64 = tx.query_row(
        "SELECT counts + reprint FROM refused WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    tx.commit()?;
    Ok(u64::try_from(added).unwrap_or(0))
}
