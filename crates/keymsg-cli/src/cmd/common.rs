//! Plumbing shared by the commands: stdin, output files, flag parsers, and
//! building an [`Engine`] from flags and the config file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use keymsg_core::YearMonth;
use keymsg_core::{Catalog, Engine};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::trust::TrustArgs;
use crate::config::Config;
use crate::exit::CliError;

/// Flags shared by every command that selects a message (footer, popup,
/// replay, explain, preview).
#[derive(Debug, Clone, clap::Args)]
pub struct EngineArgs {
    /// Catalog file, .toml or .json (default: config `catalog`, else the embedded catalog).
    #[arg(long, value_name = "PATH")]
    pub catalog: Option<PathBuf>,
    /// Store directory, or postgres://USER@HOST:PORT/DB, to count into
    /// (default: config `store`; none = not counted).
    #[arg(long, value_name = "PATH|URL")]
    pub store: Option<PathBuf>,
    /// This host's journal directory, for a postgres:// store (default:
    /// config `journal`, else $KEYMSG_JOURNAL).
    #[arg(long, value_name = "DIR")]
    pub journal: Option<PathBuf>,
    /// Agency or unit the count belongs to (default: config `agency`, else `unknown`).
    #[arg(long, value_name = "NAME")]
    pub agency: Option<String>,
    /// Selection policy override, e.g. sticky, cycle:week, round-robin (default: the catalog's).
    #[arg(long, value_name = "POLICY", value_parser = parse_policy)]
    pub policy: Option<String>,
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// Flags of the commands that render and count (footer, popup, replay).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CountArgs {
    /// Print a message even when the width forced a cut before every hotline
    /// and link (`fit.truncated_core`); it is then NOT counted, since it no
    /// longer carries the message. Default: refuse it (exit 1).
    #[arg(long)]
    pub allow_lossy: bool,
    /// What an acknowledged count survives: process (a kill -9 or crash; the
    /// default) or power (also power loss: every commit is synced, slower).
    #[arg(long, value_parser = ["process", "power"], value_name = "process|power")]
    pub durability: Option<String>,
    /// Months the store keeps idempotency keys (default 13; 0 keeps them
    /// forever). Counts are never deleted.
    #[arg(long, value_name = "N")]
    pub key_retention_months: Option<u32>,
    /// Count reprints like first prints (set by `keymsg replay --count-reprints`).
    #[arg(skip)]
    pub count_reprints: bool,
}

/// `--store` for commands that read or load counts (report, export, import,
/// metrics).
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// Store directory, or postgres://USER@HOST:PORT/DB (default: config `store`).
    #[arg(long, value_name = "PATH|URL")]
    pub store: Option<PathBuf>,
    /// This host's journal directory, for a postgres:// store (default:
    /// config `journal`, else $KEYMSG_JOURNAL).
    #[arg(long, value_name = "DIR")]
    pub journal: Option<PathBuf>,
}

/// The store directory on this host the catalog trust state lives in by
/// default (its `catalog-trust`, once it is a store: see
/// [`keymsg_core::catalog::default_state_dir`]): a store directory, or for a
/// postgres:// store, which has no directory here, this host's journal
/// (`journal`: flag, else config; else `$KEYMSG_JOURNAL`), a store directory
/// of its own. So a fleet host keeps its rollback records and last good
/// catalog as a single host does, and a load never waits on the network.
pub fn trust_home(store: Option<&Path>, journal: Option<&Path>) -> Option<PathBuf> {
    let store = store?;
    if !store.to_str().is_some_and(keymsg_core::store::is_fleet_url) {
        return Some(store.to_path_buf());
    }
    journal
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("KEYMSG_JOURNAL").map(PathBuf::from))
}

impl StoreArgs {
    /// Where the catalog trust state lives by default ([`trust_home`] of the
    /// store and journal named by the flags or the config).
    pub fn trust_home(&self, config: &Config) -> Option<PathBuf> {
        trust_home(
            self.store.as_deref().or(config.store.as_deref()),
            self.journal.as_deref().or(config.journal.as_deref()),
        )
    }

    /// Open the store named by the flag or the config. `read_only`: a
    /// directory is opened read-only (nothing written, no writer file
    /// claimed, so a copy on read-only media can be read) and must exist (a
    /// typo must not read as an empty store). `cmd` names the command in the
    /// usage error.
    pub fn open(
        &self,
        config: &Config,
        read_only: bool,
        cmd: &str,
    ) -> Result<keymsg_core::store::Store, CliError> {
        use keymsg_core::store::{Store, StoreOptions};
        let Some(path) = self.store.clone().or_else(|| config.store.clone()) else {
            return Err(CliError::Usage(format!(
                "{cmd} needs --store PATH|URL (or `store` in keymsg.toml)"
            )));
        };
        if let Some(url) = path
            .to_str()
            .filter(|s| keymsg_core::store::is_fleet_url(s))
        {
            let journal = self
                .journal
                .clone()
                .or_else(|| config.journal.clone())
                .or_else(|| std::env::var_os("KEYMSG_JOURNAL").map(PathBuf::from))
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "{cmd} with a postgres:// store needs --journal DIR (this host's journal; \
                         or `journal` in keymsg.toml, or $KEYMSG_JOURNAL)"
                    ))
                })?;
            return Ok(Store::open_postgres(url, journal, StoreOptions::default())?);
        }
        if !read_only {
            return Ok(Store::open(&path, StoreOptions::default())?);
        }
        if !path.exists() {
            return Err(CliError::Store(format!(
                "store `{}` does not exist (count into it with `keymsg footer --store`)",
                path.display()
            )));
        }
        Ok(Store::open_read_only(&path)?)
    }
}

/// Load the catalog named by the flag, else the config, else the embedded
/// one, with the trust flags applied (signature, expiry, rollback, last good).
/// `store`: the [`trust_home`], where the trust state lives by default.
pub fn load_catalog(
    flag: Option<&Path>,
    trust: &TrustArgs,
    config: &Config,
    store: Option<&Path>,
) -> Result<Catalog, CliError> {
    load_catalog_for(flag, trust, config, store, &[])
}

/// [`load_catalog`] for an engine that serves `profiles` (the config's
/// `[[profile_def]]`): every message is checked against them by the load,
/// which remembers the check in the trust state, so the engine does not
/// lay the messages out again.
pub fn load_catalog_for(
    flag: Option<&Path>,
    trust: &TrustArgs,
    config: &Config,
    store: Option<&Path>,
    profiles: &[keymsg_core::layout::Profile],
) -> Result<Catalog, CliError> {
    // keymsg.toml's `[layout] words` are applied (and their check
    // remembered in the trust state) by the load itself.
    super::trust::load_checking(trust, flag, config, store, profiles)
}

/// Build an engine from flags and config. `count` `None`: never open a
/// store (explain).
pub fn engine(
    args: &EngineArgs,
    config: &Config,
    count: Option<&CountArgs>,
) -> Result<Engine, CliError> {
    let home = trust_home(
        args.store.as_deref().or(config.store.as_deref()),
        args.journal.as_deref().or(config.journal.as_deref()),
    );
    // Lossy output accepts a profile some message cannot fit whole.
    let lossy = count.is_some_and(|c| c.allow_lossy);
    let profiles = if lossy {
        &[][..]
    } else {
        &config.profile_def[..]
    };
    let catalog = load_catalog_for(
        args.catalog.as_deref(),
        &args.trust,
        config,
        home.as_deref(),
        profiles,
    )?;
    let mut b = Engine::builder().catalog(catalog);
    if let Some(c) = count {
        b = b
            .allow_lossy(c.allow_lossy)
            .count_reprints(c.count_reprints);
        if c.durability.as_deref() == Some("power") {
            b = b.durability(keymsg_core::store::Durability::Power);
        }
        if let Some(m) = c.key_retention_months {
            b = b.key_retention_months((m > 0).then_some(m));
        }
        if let Some(store) = args.store.as_ref().or(config.store.as_ref()) {
            b = b.store_path(store);
            if let Some(j) = args.journal.as_ref().or(config.journal.as_ref()) {
                b = b.journal_path(j);
            }
        }
    }
    if let Some(agency) = args.agency.as_ref().or(config.agency.as_ref()) {
        b = b.agency(agency.as_str());
    }
    if let Some(policy) = args.policy.as_ref().or(config.policy.as_ref()) {
        b = b.policy(policy.as_str());
    }
    for p in &config.profile_def {
        b = b.profile(p.clone());
    }
    Ok(b.build()?)
}

/// All of stdin as UTF-8, without its final line break (so `echo text |`
/// does not add an empty line).
pub fn read_stdin() -> Result<String, CliError> {
    read_stdin_limited(usize::MAX)
}

/// [`read_stdin`], refusing (exit 1) more than `max` bytes of text: reading
/// stops just past the limit, so a huge input is neither held in memory nor
/// laid out.
pub fn read_stdin_limited(max: usize) -> Result<String, CliError> {
    let too_large = || {
        CliError::Invalid(vec![format!(
            "stdin: text is over the limit of {max} bytes for one layout call (raise it with --max-input-bytes)"
        )])
    };
    let mut bytes = Vec::new();
    // Two bytes more than the limit: a final `\r\n` is not text.
    let allowed = max.saturating_add(2);
    std::io::stdin()
        .take(u64::try_from(allowed).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Io(format!("stdin: cannot read: {e}")))?;
    if bytes.len() > allowed {
        return Err(too_large());
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        CliError::Invalid(vec![format!(
            "stdin: invalid UTF-8 at byte offset {} (convert TIS-620 text with `iconv -f TIS-620 -t UTF-8`)",
            e.utf8_error().valid_up_to()
        )])
    })?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    if text.len() > max {
        return Err(too_large());
    }
    Ok(text)
}

/// Write `bytes` to `path`, or to stdout when `path` is `None` or `-`.
pub fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match path.filter(|p| *p != Path::new("-")) {
        Some(p) => std::fs::write(p, bytes)
            .map_err(|e| CliError::Io(format!("{}: cannot write: {e}", p.display()))),
        None => stdout_bytes(bytes),
    }
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a message.
pub fn stdout_bytes(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Io(format!("stdout: cannot write: {e}"))),
    }
}

/// Clap parser for `--month YYYY-MM`.
pub fn parse_month(s: &str) -> Result<YearMonth, String> {
    s.parse().map_err(|e: keymsg_core::BadMonth| e.to_string())
}

/// Clap parser for `--policy`: an unknown name is a bad flag value (exit 2),
/// caught before anything is loaded.
pub fn parse_policy(s: &str) -> Result<String, String> {
    s.parse::<keymsg_core::select::Policy>()
        .map(|_| s.to_owned())
        .map_err(|e| e.to_string())
}

/// Clap parser for `--surface`: receipt, invoice, popup, push, sms, billboard.
pub fn parse_surface(s: &str) -> Result<keymsg_core::Surface, String> {
    s.parse()
        .map_err(|e: keymsg_core::UnknownName| e.to_string())
}

/// Clap parser for `--at`: an RFC 3339 instant, or a date (midnight in Bangkok).
pub fn parse_at(s: &str) -> Result<OffsetDateTime, String> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        // Midnight in Asia/Bangkok: UTC+7 all year (no daylight saving).
        .map(|d| d.midnight().assume_offset(time::macros::offset!(+7)))
        .map_err(|_| {
            format!("`{s}` is not a time: use RFC 3339 (2026-03-15T09:30:00+07:00) or YYYY-MM-DD")
        })
}

/// A calendar date, YYYY-MM-DD (`--signed-on`, config `signed_on`).
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt)
        .map_err(|_| format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2026-04-05"))
}

/// `n` and a noun, singular for exactly one: `1 message`, `0 messages`,
/// `27 messages`.
pub fn plural<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

/// Clap parser for a width in columns (at least 1).
pub fn parse_width(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "`{s}` is not a width: use a whole number of columns, 1 or more"
        )),
    }
}

/// Warn on stderr about a result printed without its hotline or link
/// (only returned with `--allow-lossy`), which was therefore not counted.
pub fn warn_lossy(r: &keymsg_core::Rendered, key: Option<&str>) {
    if r.fit.truncated_core {
        let what = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
        eprintln!(
            "keymsg: warning: message `{}`{what} was cut before every hotline and link: printed, not counted",
            r.message_id
        );
    }
}

/// Print a rendered footer or pop-up as one JSON line.
pub fn json_line(value: &impl serde::Serialize) -> Result<String, CliError> {
    serde_json::to_string(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| CliError::Io(format!("cannot serialise JSON: {e}")))
}
