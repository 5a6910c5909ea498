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
Text output: the title on the first line, a blank line, then the body.")]
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
}

/// Run `keymsg popup`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let engine = engine(&args.engine, config, Some(&args.count))?;
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
