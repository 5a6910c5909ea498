//! `keymsg popup`: select, lay out and count an app pop-up.

use std::io::Write;

use keymsg_core::{PopupRequest, Undelivered};
use time::OffsetDateTime;

use super::common::{CountArgs, EngineArgs, engine, json_line, parse_at, warn_lossy};
use crate::config::Config;
use crate::exit::CliError;

/// Print a key-message pop-up (title, then body) for an app user, and count it.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg popup --key customer-0042 --store ./store --agency 'PEA Smart Plus' --json
  {\"message_id\":\"...\",\"text\":\"...\",\"lines\":[...],\"title\":\"...\",\"token\":\"k1...\",
   \"fit\":{\"variant\":\"long\",\"truncated\":false,\"truncated_core\":false},\"counted\":true,\"count_error\":null}

Each subject key sees a different message each period (policy `cycle`).
Text output: the title on the first line, a blank line, then the body.

Caps (--cap-per-day, --cap-per-week, --cap-min-gap, or [caps] in keymsg.toml)
need --key and --store: they are claimed in the store, so every process and
`keymsg serve` sharing it keeps to them. When a cap holds the subject back,
nothing is printed or counted, stderr says until when, and the exit code is 0
(with --json: {\"capped\":true,\"retry_at\":\"RFC 3339\"}).")]
pub struct Args {
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    count: CountArgs,
    /// Subject key (user or customer id).
    #[arg(long, value_name = "SUBJECT")]
    key: Option<String>,
    /// Language of the text: th or en (default: config `lang`, else th).
    #[arg(long, value_name = "th|en")]
    lang: Option<String>,
    /// Layout profile (default popup; push and sms are also pop-up-like).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The moment shown, RFC 3339 or YYYY-MM-DD (default: now).
    #[arg(long, value_parser = parse_at, value_name = "RFC3339")]
    at: Option<OffsetDateTime>,
    /// App name recorded with the count, e.g. "PEA Smart Plus".
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Idempotency key: a retry with the same key is counted once.
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// At most N pop-ups per subject per Bangkok day (default: config [caps] per_day).
    #[arg(long, value_name = "N")]
    cap_per_day: Option<u32>,
    /// At most N pop-ups per subject per Bangkok week, Monday to Sunday (default: config [caps] per_week).
    #[arg(long, value_name = "N")]
    cap_per_week: Option<u32>,
    /// At least SECONDS between two pop-ups for a subject (default: config [caps] min_gap_seconds).
    #[arg(long, value_name = "SECONDS")]
    cap_min_gap: Option<u32>,
}

/// The caps from flags, else the config; `None` when none is set.
fn caps(args: &Args, config: &Config) -> Option<keymsg_core::select::Caps> {
    let file = config.caps.unwrap_or_default();
    let c = keymsg_server::CapsConfig {
        per_day: args.cap_per_day.or(file.per_day),
        per_week: args.cap_per_week.or(file.per_week),
        min_gap_seconds: args.cap_min_gap.or(file.min_gap_seconds),
    };
    c.any().then(|| c.to_caps())
}

/// Claim a place under the caps; `Ok(false)` when held back (reported here).
fn claim(args: &Args, config: &Config, caps: &keymsg_core::select::Caps) -> Result<bool, CliError> {
    use keymsg_core::store::{CapClaim, open_cap_ledger};
    let subject = args
        .key
        .as_deref()
        .ok_or_else(|| CliError::Usage("pop-up caps are per subject: give --key SUBJECT".into()))?;
    let store = args
        .engine
        .store
        .as_ref()
        .or(config.store.as_ref())
        .ok_or_else(|| {
            CliError::Usage("pop-up caps are kept in the store: give --store DIR|URL".into())
        })?;
    let ledger = open_cap_ledger(store, std::time::Duration::from_secs(5))
        .map_err(keymsg_core::Error::from)?;
    let at = args.at.unwrap_or_else(OffsetDateTime::now_utc);
    let decision = ledger.claim(subject, at, caps).map_err(|e| match e {
        keymsg_core::store::StoreError::Invalid { field, detail } => {
            CliError::Usage(format!("--{field}: {detail}"))
        }
        other => keymsg_core::Error::from(other).into(),
    })?;
    match decision {
        CapClaim::Held { retry_at, .. } => {
            let when = retry_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            crate::exit::say(&format!(
                "not now: a pop-up cap holds `{subject}` back until {when} (nothing printed or counted)"
            ));
            if args.json {
                super::common::stdout_bytes(
                    json_line(&serde_json::json!({"capped": true, "retry_at": when}))?.as_bytes(),
                )?;
            }
            Ok(false)
        }
        _ => Ok(true),
    }
}

/// Run `keymsg popup`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let engine = engine(&args.engine, config, Some(&args.count))?;
    // The engine opened (or created) the store; the caps ledger lives in it.
    if let Some(caps) = caps(&args, config)
        && !claim(&args, config, &caps)?
    {
        return Ok(());
    }
    let req = PopupRequest {
        key: args.key,
        lang: args.lang.or_else(|| config.lang.clone()),
        profile: args.profile,
        at: args.at,
        kind: args.kind,
        idempotency_key: args.idempotency_key,
    };
    // Counted only once written: a failed write withdraws the count.
    let res = engine.popup_delivered(&req, |r| {
        let bytes = if args.json {
            json_line(r).map_err(|e| std::io::Error::other(e.lines().join("; ")))?
        } else {
            let mut text = String::new();
            if let Some(t) = &r.title {
                text.push_str(t);
                text.push_str("\n\n");
            }
            text.push_str(&r.text);
            text.push('\n');
            text
        };
        let mut out = std::io::stdout().lock();
        out.write_all(bytes.as_bytes())?;
        out.flush()
    });
    match res {
        Ok(r) => {
            warn_lossy(&r, None);
            if let Some(err) = &r.count_error {
                crate::exit::say(&format!("warning: printed but not counted: {err}"));
            }
            Ok(())
        }
        Err(Undelivered::Engine(e)) => Err(e.into()),
        Err(Undelivered::Delivery {
            error, withdrawn, ..
        }) => Err(CliError::Io(format!(
            "stdout: cannot write: {error}: the pop-up was not printed whole and is not counted{}",
            match withdrawn {
                Err(e) => format!("; withdrawing its count failed: {e}"),
                Ok(_) => String::new(),
            }
        ))),
        Err(_) => Err(CliError::Io("pop-up not delivered".into())),
    }
}
