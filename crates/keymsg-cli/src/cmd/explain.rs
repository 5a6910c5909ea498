//! `keymsg explain`: why each message was or was not eligible.

use keymsg_core::{FooterRequest, Surface};
use time::OffsetDateTime;

use super::common::{EngineArgs, engine, parse_at, parse_surface, stdout_bytes};
use crate::config::Config;
use crate::exit::CliError;

/// Explain a selection: every catalog message with the reason it was accepted
/// or rejected (window, surface, language, weight, tier), and the rule that chose.
/// Nothing is counted.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg explain --key INV-2026-000123 --surface receipt --at 2026-03-15
  surface receipt lang th at 2026-03-15 0:00:00.0 +07:00:00 (policy sticky)
  * aoc-1441                 p=0   w=1    eligible draw=...
  ...
  chosen aoc-1441 by sticky — ...")]
pub struct Args {
    #[command(flatten)]
    engine: EngineArgs,
    /// Document key (receipts, invoices) or subject key (pop-ups and other surfaces).
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    /// Surface: receipt, invoice, popup, push, sms, billboard.
    #[arg(long, default_value = "receipt", value_parser = parse_surface, value_name = "SURFACE")]
    surface: Surface,
    /// Language: th or en.
    #[arg(long, value_name = "th|en")]
    lang: Option<String>,
    /// The moment, RFC 3339 or YYYY-MM-DD (default: now); years 1 to 2399 in Asia/Bangkok.
    #[arg(long, value_parser = parse_at, value_name = "RFC3339")]
    at: Option<OffsetDateTime>,
    /// Caller's sequence number (for the round-robin policy).
    #[arg(long, value_name = "N")]
    sequence: Option<u64>,
    /// Print one JSON object (fields: surface, lang, at, policy, tier,
    /// candidates, chosen, rule) instead of the table.
    #[arg(long)]
    json: bool,
}

/// Run `keymsg explain`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let engine = engine(&args.engine, config, None)?;
    let req = FooterRequest {
        key: args.key,
        lang: args.lang.or_else(|| config.lang.clone()),
        at: args.at,
        surface: Some(args.surface),
        sequence: args.sequence,
        ..FooterRequest::new()
    };
    let explanation = engine.explain(&req)?;
    if args.json {
        return stdout_bytes(format!("{}\n", explanation.to_json()).as_bytes());
    }
    stdout_bytes(explanation.to_string().as_bytes())
}
