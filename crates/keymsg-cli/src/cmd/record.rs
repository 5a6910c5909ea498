//! `keymsg record`: a hand-counted number for one channel of the monthly form.

use std::path::PathBuf;

use keymsg_core::YearMonth;
use keymsg_core::{Channel, Engine};

use super::common::{load_catalog, parse_month, trust_home};
use crate::config::Config;
use crate::exit::CliError;

/// Record a count for a channel keymsg does not see itself (radio spots,
/// meetings, LED signs, village volunteers, ...), for a catalog message or
/// for content of your own. Recording again for the same month, channel and
/// message (or content) replaces the earlier number.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # 3 community-radio spots about message aoc-1441 in March 2026:
  $ keymsg record --store ./store --agency 'เทศบาลเมืองตัวอย่าง' --month 2026-03 \\
      --channel on-air --message aoc-1441 --count 3

  # Content that is not in the catalog gets a row of its own on the form:
  $ keymsg record --store ./store --agency 'เทศบาลเมืองตัวอย่าง' --month 2026-03 \\
      --channel on-air --content 'สปอตวิทยุชุมชน เรื่องแก๊งคอลเซ็นเตอร์' --count 3

The same content recorded again in the month is the same row (white space
does not matter); the new count replaces the old one.
Channels (the form's columns): online, on-air, on-ground, billboard, community, documents.")]
pub struct Args {
    /// Store directory or postgres:// URL (default: config `store`).
    #[arg(long, value_name = "PATH|URL")]
    store: Option<PathBuf>,
    /// This host's journal directory, for a postgres:// store (default:
    /// config `journal`, else $KEYMSG_JOURNAL).
    #[arg(long, value_name = "DIR")]
    journal: Option<PathBuf>,
    /// Report month, YYYY-MM.
    #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
    month: YearMonth,
    /// Column of the form.
    #[arg(long, value_parser = parse_channel, value_name = "CHANNEL")]
    channel: Channel,
    /// Message id (a row of the form); must be in the catalog.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "content",
        conflicts_with = "content"
    )]
    message: Option<String>,
    /// Free text for content that is not in the catalog (a row of its own).
    #[arg(long, value_name = "TEXT")]
    content: Option<String>,
    /// The count.
    #[arg(long, value_name = "N")]
    count: u64,
    /// Agency or unit (default: config `agency`, else `unknown`).
    #[arg(long, value_name = "NAME")]
    agency: Option<String>,
    /// Catalog the message id is checked against (default: config `catalog`, else embedded).
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    #[command(flatten)]
    trust: super::trust::TrustArgs,
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    s.parse()
        .map_err(|e: keymsg_core::UnknownName| e.to_string())
}

/// Run `keymsg record`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let home = trust_home(
        args.store.as_deref().or(config.store.as_deref()),
        args.journal.as_deref().or(config.journal.as_deref()),
    );
    let catalog = load_catalog(
        args.catalog.as_deref(),
        &args.trust,
        config,
        home.as_deref(),
    )?;
    if let Some(id) = &args.message
        && catalog.get(id).is_none()
    {
        return Err(CliError::Invalid(vec![format!(
            "message `{id}` is not in the catalog (list ids with `keymsg catalog`, \
             or record your own content with --content)"
        )]));
    }
    let Some(store) = args.store.or_else(|| config.store.clone()) else {
        return Err(CliError::Usage(
            "record needs --store PATH (or `store` in keymsg.toml)".into(),
        ));
    };
    let mut b = Engine::builder().catalog(catalog).store_path(store);
    if let Some(j) = args.journal.or_else(|| config.journal.clone()) {
        b = b.journal_path(j);
    }
    if let Some(a) = args.agency.or_else(|| config.agency.clone()) {
        b = b.agency(a);
    }
    let engine = b.build()?;
    match (&args.message, &args.content) {
        (Some(id), _) => engine.record(args.month, args.channel, id, args.count)?,
        (None, Some(text)) => engine
            .record_content(args.month, args.channel, text, args.count)
            .map_err(|e| match e {
                keymsg_core::Error::InvalidArgument { reason, .. } => {
                    CliError::Invalid(vec![format!("--content {reason}")])
                }
                other => other.into(),
            })?,
        (None, None) => {
            return Err(CliError::Usage(
                "record needs --message ID or --content TEXT".into(),
            ));
        }
    }
    engine.flush()?;
    Ok(())
}
