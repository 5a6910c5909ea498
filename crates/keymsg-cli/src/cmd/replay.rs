//! `keymsg replay TOKEN`: reprint the message of a stored selection token.

use keymsg_core::FooterRequest;

use super::common::{
    CountArgs, EngineArgs, engine, json_line, parse_width, stdout_bytes, warn_lossy,
};
use crate::config::Config;
use crate::exit::CliError;

/// Reprint the exact message a document got, from the token stored with it
/// (stored as a reprint; counted only with --count-reprints).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg footer --key INV-7 --json | jq -r .token
  k1.1.aoc-1441
  $ keymsg replay k1.1.aoc-1441 --profile receipt-80mm")]
pub struct Args {
    /// The `token` field printed by `keymsg footer --json`.
    token: String,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    count: CountArgs,
    /// Layout profile (default: config `profile`, else receipt-58mm).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Line width in columns (overrides the profile's width).
    #[arg(long, value_parser = parse_width, value_name = "N")]
    width: Option<usize>,
    /// Language: th or en.
    #[arg(long, value_name = "th|en")]
    lang: Option<String>,
    /// Print one JSON object instead of the lines.
    #[arg(long)]
    json: bool,
    /// Count this reprint like a first print (default: stored as a reprint,
    /// not counted, since the first print was).
    #[arg(long)]
    count_reprints: bool,
}

/// Run `keymsg replay`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let count = CountArgs {
        count_reprints: args.count_reprints,
        ..args.count.clone()
    };
    let engine = engine(&args.engine, config, Some(&count))?;
    let req = FooterRequest {
        profile: args.profile.or_else(|| config.profile.clone()),
        width: args.width,
        lang: args.lang.or_else(|| config.lang.clone()),
        ..FooterRequest::new()
    };
    let r = engine.replay(&args.token, &req)?;
    warn_lossy(&r, None);
    if args.json {
        return stdout_bytes(json_line(&r)?.as_bytes());
    }
    stdout_bytes(format!("{}\n", r.text).as_bytes())
}
