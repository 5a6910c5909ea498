//! `keymsg explain`: why each message was or was not eligible.

use keymsg_core::Surface;
use keymsg_core::select::Request;
use time::OffsetDateTime;

use super::common::{EngineArgs, engine, parse_at, stdout_bytes};
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
    /// Document key (receipts, invoices) or subject key (pop-ups).
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    /// Surface: receipt, invoice, popup, push, sms, billboard.
    #[arg(long, default_value = "receipt", value_name = "SURFACE")]
    surface: String,
    /// Language: th or en.
    #[arg(long, value_name = "th|en")]
    lang: Option<String>,
    /// The moment, RFC 3339 or YYYY-MM-DD (default: now).
    #[arg(long, value_parser = parse_at, value_name = "RFC3339")]
    at: Option<OffsetDateTime>,
}

/// Run `keymsg explain`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let surface: Surface = args
        .surface
        .parse()
        .map_err(|e: keymsg_core::UnknownName| CliError::Usage(e.to_string()))?;
    let engine = engine(&args.engine, config, None)?;
    let lang = args
        .lang
        .or_else(|| config.lang.clone())
        .unwrap_or_else(|| "th".to_owned());
    let mut req = Request::new(surface).lang(lang);
    if let Some(k) = args.key {
        req = if surface.is_document() {
            req.document_key(k)
        } else {
            req.subject_key(k)
        };
    }
    if let Some(at) = args.at {
        req = req.at(at);
    }
    let explanation = engine.selector().explain(&req);
    stdout_bytes(explanation.to_string().as_bytes())
}
