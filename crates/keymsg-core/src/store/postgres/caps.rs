//! The pop-up cap ledger of a PostgreSQL fleet store: replicas on any
//! number of hosts sharing one database never together exceed the caps.
//!
//! A claim is one short transaction on the subject's row of `keymsg_caps`:
//! `INSERT … ON CONFLICT DO NOTHING` makes sure the row exists, `SELECT …
//! FOR UPDATE` locks it (a concurrent claim for the same subject waits
//! there, then sees this one's impression), and a granted claim writes the
//! subject's impressions back, pruned to what a cap can still look back to.
//! Claims for different subjects never wait for each other.
//!
//! Unlike counts, a claim cannot be journaled on the host and shipped later:
//! it is a decision that needs every host's impressions. With PostgreSQL
//! unreachable a claim fails (nothing noted) and the caller shows nothing.

use std::sync::Mutex;

use time::OffsetDateTime;

use super::conn::{Conn, Url};
use crate::select::Caps;
use crate::store::StoreError;
use crate::store::caps::{
    CapClaim, CapLedger, check_at, decide, from_micros, lookback, micros, subject_key,
};

/// The cap ledger in a PostgreSQL fleet store (`postgres://…`), shared by
/// every process and host using that database. `Send + Sync`; one per
/// process is enough (claims of one process take turns on its connection).
#[derive(Debug)]
pub struct PgCapLedger {
    url: Url,
    /// Made at the first claim, and again after a failure.
    conn: Mutex<Option<Conn>>,
}

impl PgCapLedger {
    /// The ledger of the fleet store at `url`. Only the URL is checked here;
    /// the database is contacted (and its schema created or migrated) at
    /// the first claim.
    ///
    /// # Errors
    /// [`StoreError::Fleet`] when `url` is not a usable PostgreSQL URL.
    pub fn open(url: &str) -> Result<PgCapLedger, StoreError> {
        Ok(PgCapLedger {
            url: Url::parse(url)?,
            conn: Mutex::new(None),
        })
    }

    fn claim_on(
        &self,
        conn: &mut Conn,
        key: &str,
        at: OffsetDateTime,
        caps: &Caps,
    ) -> Result<CapClaim, StoreError> {
        let err = |e: postgres::Error| self.url.error("claiming a pop-up cap", &e);
        let mut tx = conn.transaction().map_err(err)?;
        tx.execute(
            "INSERT INTO keymsg_caps (subject, seen) VALUES ($1, '{}') ON CONFLICT (subject) DO NOTHING",
            &[&key],
        )
        .map_err(err)?;
        let stored: Vec<i64> = tx
            .query_one(
                "SELECT seen FROM keymsg_caps WHERE subject = $1 FOR UPDATE",
                &[&key],
            )
            .map_err(err)?
            .get(0);
        let from = micros(at - lookback(caps));
        let seen: Vec<OffsetDateTime> = stored
            .iter()
            .filter(|&&t| t >= from)
            .filter_map(|&t| from_micros(t))
            .collect();
        let decision = decide(caps, key, at, &seen)?;
        if decision == CapClaim::Granted {
            // Keep what a cap can still look back to (by the clock, so a
            // claim for a far-off instant cannot erase the present).
            let horizon = micros(at.min(crate::bangkok::now()) - lookback(caps));
            let mut kept: Vec<i64> = stored.into_iter().filter(|&t| t >= horizon).collect();
            kept.push(micros(at));
            tx.execute(
                "UPDATE keymsg_caps SET seen = $2 WHERE subject = $1",
                &[&key, &kept],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(decision)
    }
}

impl CapLedger for PgCapLedger {
    fn claim(
        &self,
        subject: &str,
        at: OffsetDateTime,
        caps: &Caps,
    ) -> Result<CapClaim, StoreError> {
        let key = subject_key(subject)?;
        let at = check_at(at)?;
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut conn = match guard.take() {
            Some(c) if !c.is_closed() => c,
            _ => self.url.connect()?,
        };
        let result = self.claim_on(&mut conn, &key, at, caps);
        // A connection that failed mid-claim is not reused: the next claim
        // reconnects (the server may have restarted).
        if result.is_ok() {
            *guard = Some(conn);
        }
        result
    }
}
