//! `keymsg popup`: select, lay out and count an app pop-up.

use keymsg_core::PopupRequest;
use time::OffsetDateTime;

use super::common::{EngineArgs, engine, json_line, parse_at, stdout_bytes};
use crate::config::Config;
use crate::exit::CliError;

/// Print a key-message pop-up (title, then body) for an app user, and count it.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg popup --key customer-0042 --store ./store --agency 'PEA Smart Plus' --json
  {\"message_id\":\"...\",\"text\":\"...\",\"lines\":[...],\"title\":\"...\",\"token\":\"k1...\",
   \"fit\":{\"variant\":\"long\",\"truncated\":false},\"counted\":true,\"count_error\":null}

Each subject key sees a different message each period (policy `cycle`).
Text output: the title on the first line, a blank line, then the body.")]
pub struct Args {
    #[command(flatten)]
    engine: EngineArgs,
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
    let engine = engine(&args.engine, config, true)?;
    let req = PopupRequest {
        key: args.key,
        lang: args.lang.or_else(|| config.lang.clone()),
        profile: args.profile,
        at: args.at,
        kind: args.kind,
        idempotency_key: args.idempotency_key,
    };
    let r = engine.popup(&req)?;
    if let Some(err) = &r.count_error {
        crate::exit::say(&format!("warning: not counted: {err}"));
    }
    if args.json {
        return stdout_bytes(json_line(&r)?.as_bytes());
    }
    let mut text = String::new();
    if let Some(t) = &r.title {
        text.push_str(t);
        text.push_str("\n\n");
    }
    text.push_str(&r.text);
    text.push('\n');
    stdout_bytes(text.as_bytes())
}
