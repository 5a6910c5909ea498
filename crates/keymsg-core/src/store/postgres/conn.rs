//! Connecting to the fleet store: the URL, errors that say what to do, and
//! the schema keymsg creates and migrates itself.

use std::str::FromStr;
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

use crate::store::StoreError;

/// The newest fleet schema this build reads and writes.
pub(crate) const SCHEMA_VERSION: i64 = 5;

/// Key of the advisory lock held while the schema is created or migrated.
const MIGRATION_LOCK: i64 = 0x4B4D_5347_0001;

/// Migrations, indexed by the version they produce (index 0 → version 1).
///
/// Times are nanoseconds since the Unix epoch (`bigint`), as in the host
/// journals; months are `YYYY-MM` in Asia/Bangkok, decided on the host when
/// the message was printed.
const MIGRATIONS: &[&str] = &[
    // Version 1.
    "-- Text is compared byte by byte (COLLATE \"C\"): keys, ids and names
     -- are matched exactly, never by a language's sort rules, and the
     -- indexes on them are several times cheaper to maintain.
     -- One row per writer that ships or was imported: its high-water mark.
     -- `id` names the writer in the raw rows and keys (4 bytes, not 64).
     CREATE TABLE keymsg_writers (
         id integer GENERATED ALWAYS AS IDENTITY UNIQUE,
         host text COLLATE \"C\" NOT NULL,
         writer text COLLATE \"C\" NOT NULL,
         shipped_seq bigint NOT NULL DEFAULT 0,
         shipped_at bigint,
         epoch bigint NOT NULL DEFAULT 0,
         imported boolean NOT NULL DEFAULT false,
         PRIMARY KEY (host, writer)
     );
     -- Every shipped journal row, for audit and re-derivation. Partitioned
     -- by month: one partition per month, created when its first row arrives.
     CREATE TABLE keymsg_raw (
         month text COLLATE \"C\" NOT NULL,
         writer_id integer NOT NULL,
         seq bigint NOT NULL,
         op smallint NOT NULL,
         ref_seq bigint,
         at bigint NOT NULL,
         acked_at bigint NOT NULL,
         shipped_at bigint NOT NULL,
         agency text COLLATE \"C\" NOT NULL,
         message_id text COLLATE \"C\" NOT NULL,
         surface text COLLATE \"C\" NOT NULL,
         kind text COLLATE \"C\" NOT NULL,
         catalog_version bigint NOT NULL,
         idem_key text COLLATE \"C\",
         reprint boolean NOT NULL,
         -- Counted in the fleet: counted on its host and its idempotency
         -- key not already counted by another writer.
         counted boolean NOT NULL,
         withdrawn boolean NOT NULL DEFAULT false,
         PRIMARY KEY (month, writer_id, seq)
     ) PARTITION BY LIST (month);
     -- Idempotency keys, unique fleet-wide: a key retried on another host counts once.
     CREATE TABLE keymsg_keys (
         idem_key text COLLATE \"C\" PRIMARY KEY,
         month text COLLATE \"C\" NOT NULL,
         writer_id integer NOT NULL,
         seq bigint NOT NULL
     );
     -- Keys expire by month (`keymsg ship`, like the hosts' own stores).
     -- BRIN: keys arrive in month order, and a BRIN index costs next to
     -- nothing per insertion (a B-tree would be a second index per key).
     CREATE INDEX keymsg_keys_month ON keymsg_keys USING brin (month);
     -- Counters maintained on ingest, one row per writer: what reports read.
     CREATE TABLE keymsg_counters (
         month text COLLATE \"C\" NOT NULL,
         agency text COLLATE \"C\" NOT NULL,
         message_id text COLLATE \"C\" NOT NULL,
         channel text COLLATE \"C\" NOT NULL,
         surface text COLLATE \"C\" NOT NULL,
         kind text COLLATE \"C\" NOT NULL,
         host text COLLATE \"C\" NOT NULL,
         writer text COLLATE \"C\" NOT NULL,
         counted bigint NOT NULL DEFAULT 0,
         reprints bigint NOT NULL DEFAULT 0,
         PRIMARY KEY (month, agency, message_id, channel, surface, kind, host, writer)
     );
     -- The agencies of all months (a report checks the agency it is asked for).
     CREATE INDEX keymsg_counters_agency ON keymsg_counters (agency);
     -- Hand-entered counts; the newest recording wins.
     CREATE TABLE keymsg_manual (
         agency text COLLATE \"C\" NOT NULL,
         month text COLLATE \"C\" NOT NULL,
         channel text COLLATE \"C\" NOT NULL,
         message_id text COLLATE \"C\" NOT NULL,
         count bigint NOT NULL,
         recorded_at bigint NOT NULL,
         host text COLLATE \"C\" NOT NULL,
         writer text COLLATE \"C\" NOT NULL,
         PRIMARY KEY (agency, month, channel, message_id)
     );
     CREATE TABLE keymsg_report_marks (
         id bigserial PRIMARY KEY,
         month text COLLATE \"C\" NOT NULL,
         agency text COLLATE \"C\",
         reported_at bigint NOT NULL
     );
     CREATE TABLE keymsg_report_snapshot (
         mark bigint NOT NULL REFERENCES keymsg_report_marks(id),
         agency text COLLATE \"C\" NOT NULL,
         message_id text COLLATE \"C\" NOT NULL,
         surface text COLLATE \"C\" NOT NULL,
         kind text COLLATE \"C\" NOT NULL,
         count bigint NOT NULL,
         PRIMARY KEY (mark, agency, message_id, surface, kind)
     );",
    // Version 2.
    "-- Pop-up caps shared by every host: per subject (its canonical key),
     -- the instants (microseconds since the Unix epoch) of its pop-ups a
     -- cap can still look back to. One row per subject: a claim locks it,
     -- so concurrent claims for one subject are serialised on any host.
     CREATE TABLE keymsg_caps (
         subject text COLLATE \"C\" PRIMARY KEY,
         seen bigint[] NOT NULL
     );",
    // Version 3.
    "-- The epoch of the copy each (month, agency) of an imported writer was
     -- last taken from: a writer's epoch grows with every withdrawal, in any
     -- month or agency, so copies are compared within what they cover.
     CREATE TABLE keymsg_import_epochs (
         host text COLLATE \"C\" NOT NULL,
         writer text COLLATE \"C\" NOT NULL,
         month text COLLATE \"C\" NOT NULL,
         agency text COLLATE \"C\" NOT NULL,
         epoch bigint NOT NULL,
         PRIMARY KEY (host, writer, month, agency)
     );",
    // Version 4.
    "-- Insertions counted on their host but refused in the fleet because
     -- another row held their idempotency key. When the holder is withdrawn
     -- (its delivery failed), the key goes to the oldest of them, which then
     -- counts: the receipt that was delivered is counted. Rows leave the
     -- table when they are handed a key, are withdrawn, or their key expires
     -- (`key_month`, as in `keymsg_keys`). Small: a refusal is rare.
     CREATE TABLE keymsg_refused (
         month text COLLATE \"C\" NOT NULL,
         writer_id integer NOT NULL,
         seq bigint NOT NULL,
         idem_key text COLLATE \"C\" NOT NULL,
         key_month text COLLATE \"C\" NOT NULL,
         acked_at bigint NOT NULL,
         PRIMARY KEY (month, writer_id, seq)
     );
     CREATE INDEX keymsg_refused_key ON keymsg_refused (idem_key);",
    // Version 5.
    "-- When the row at `shipped_seq` was acknowledged on its host: a journal
     -- restored from an older copy has another row there (or none), and is
     -- then shipped as a branch of its writer (`branch_of`, `branch_base`),
     -- never over the rows the fleet already has.
     ALTER TABLE keymsg_writers ADD COLUMN shipped_acked_at bigint;
     ALTER TABLE keymsg_writers ADD COLUMN branch_of text COLLATE \"C\";
     ALTER TABLE keymsg_writers ADD COLUMN branch_base bigint;",
];

/// A connection (the client type has no `Debug`). `Option` only so that
/// [`Drop`] can take it; always `Some` until then.
pub(crate) struct Conn(Option<Client>);

impl Conn {
    fn new(c: Client) -> Conn {
        Conn(Some(c))
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        // The blocking client closes by running its own small runtime,
        // which panics on a thread that drives async tasks (an embedding
        // service's worker dropping the last handle to a store): close it
        // on a thread of its own there.
        if let Some(c) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            // Without a thread the closure is dropped unrun: the client is
            // then leaked (its socket closes with the process), not closed
            // here.
            let c = std::mem::ManuallyDrop::new(c);
            let _ = std::thread::Builder::new()
                .name("keymsg-pg-close".into())
                .spawn(move || drop(std::mem::ManuallyDrop::into_inner(c)));
        }
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Conn")
    }
}

impl std::ops::Deref for Conn {
    type Target = Client;
    #[allow(clippy::unwrap_used)] // `Some` until dropped.
    fn deref(&self) -> &Client {
        self.0.as_ref().unwrap()
    }
}

impl std::ops::DerefMut for Conn {
    #[allow(clippy::unwrap_used)] // `Some` until dropped.
    fn deref_mut(&mut self) -> &mut Client {
        self.0.as_mut().unwrap()
    }
}

/// A parsed fleet store URL.
#[derive(Clone)]
pub(crate) struct Url {
    config: Config,
    /// The URL without its password, for messages.
    pub(crate) shown: String,
}

impl std::fmt::Debug for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Whether `s` names a PostgreSQL fleet store (`postgres://` or `postgresql://`).
pub(crate) fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

impl Url {
    /// Parse `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?options]`.
    pub(crate) fn parse(url: &str) -> Result<Url, StoreError> {
        let shown = redact(url);
        let bad = |detail: String| StoreError::Fleet {
            store: shown.clone(),
            detail,
        };
        if !is_url(url) {
            return Err(bad(
                "not a PostgreSQL URL: use postgres://USER@HOST:PORT/DB".into(),
            ));
        }
        let mut config = Config::from_str(url).map_err(|e| bad(format!("bad URL: {e}")))?;
        if config.get_ssl_mode() == postgres::config::SslMode::Require {
            return Err(bad(
                "sslmode=require: this keymsg is built without TLS; connect over a \
                 local socket, an SSH tunnel or a private network"
                    .into(),
            ));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(3));
        }
        config.application_name("keymsg");
        Ok(Url { config, shown })
    }

    /// Connect and make sure the schema is this build's (created or
    /// migrated if older; a newer one is refused, never altered).
    pub(crate) fn connect(&self) -> Result<Conn, StoreError> {
        let mut c = self
            .config
            .connect(NoTls)
            .map_err(|e| self.error("cannot connect", &e))?;
        migrate(&mut c, self)?;
        Ok(Conn::new(c))
    }

    /// A fleet store error with advice for the usual causes.
    pub(crate) fn error(&self, doing: &str, e: &postgres::Error) -> StoreError {
        let detail = match e.code() {
            Some(c)
                if *c == SqlState::INVALID_PASSWORD
                    || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                format!(
                    "{doing}: login refused ({}); check the user and password in the URL",
                    db_message(e)
                )
            }
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => format!(
                "{doing}: {} (create it with `createdb`, keymsg creates its tables)",
                db_message(e)
            ),
            Some(_) => format!("{doing}: {}", db_message(e)),
            None => format!(
                "{doing}: {e} (is PostgreSQL running and reachable? acknowledged counts stay \
                 in the host's journal and are shipped when it is)"
            ),
        };
        StoreError::Fleet {
            store: self.shown.clone(),
            detail,
        }
    }
}

/// The server's message of a database error, or the error's text.
fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => d.message().to_owned(),
        None => e.to_string(),
    }
}

/// `url` with the password replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (auth_end, _) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match auth_end.rfind('@') {
        Some(at) => {
            let (userinfo, _) = auth_end.split_at(at);
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    let after = rest.get(at..).unwrap_or("");
                    format!("{scheme}://{user}:***{after}")
                }
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}

/// Create or migrate the schema under an advisory lock; refuse a newer one.
fn migrate(c: &mut Client, url: &Url) -> Result<(), StoreError> {
    let err = |e: postgres::Error| url.error("creating or migrating the keymsg schema", &e);
    // Fast path: already current (no lock, one round trip).
    if let Some(v) = version(c).map_err(err)?
        && v >= SCHEMA_VERSION
    {
        return check(v, url);
    }
    let mut tx = c.transaction().map_err(err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(err)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS keymsg_schema (version bigint NOT NULL)")
        .map_err(err)?;
    let row = tx
        .query_opt("SELECT max(version) FROM keymsg_schema", &[])
        .map_err(err)?;
    let mut v: i64 = row.and_then(|r| r.get::<_, Option<i64>>(0)).unwrap_or(0);
    check(v, url)?;
    while v < SCHEMA_VERSION {
        let sql = usize::try_from(v)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
            .ok_or_else(|| StoreError::Fleet {
                store: url.shown.clone(),
                detail: format!("unknown keymsg schema version {v}"),
            })?;
        tx.batch_execute(sql).map_err(err)?;
        v += 1;
    }
    tx.execute("DELETE FROM keymsg_schema", &[]).map_err(err)?;
    tx.execute("INSERT INTO keymsg_schema (version) VALUES ($1)", &[&v])
        .map_err(err)?;
    tx.commit().map_err(err)
}

/// The schema version, `None` when keymsg has never run on this database.
fn version(c: &mut Client) -> Result<Option<i64>, postgres::Error> {
    let exists = c
        .query_one("SELECT to_regclass('keymsg_schema') IS NOT NULL", &[])?
        .get::<_, bool>(0);
    if !exists {
        return Ok(None);
    }
    Ok(c.query_one("SELECT max(version) FROM keymsg_schema", &[])?
        .get::<_, Option<i64>>(0))
}

fn check(v: i64, url: &Url) -> Result<(), StoreError> {
    if v > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: url.shown.clone(),
            found: v,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://keymsg:s3cret@db.example:5432/fleet"),
            "postgres://keymsg:***@db.example:5432/fleet"
        );
        assert_eq!(
            redact("postgresql://keymsg@db:5432/fleet"),
            "postgresql://keymsg@db:5432/fleet"
        );
        let e = Url::parse("postgres://u:pw@h:5432/db?sslmode=require").unwrap_err();
        assert!(!e.to_string().contains("pw@"), "{e}");
        assert!(e.to_string().contains("TLS"), "{e}");
    }
}
