//! Subcommands, one module each; shared plumbing in [`common`].

mod catalog;
mod check;
mod common;
mod completions;
mod explain;
mod export;
mod fleet;
mod footer;
mod man;
mod merge;
mod metrics;
mod popup;
mod preview;
mod progress;
mod record;
mod replay;
mod report;
mod serve;
mod sign;
mod store;
mod text;
mod trust;

pub(crate) use common::parse_date;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::exit::CliError;

const TOP_HELP: &str = "\
Exit codes:
  0  ok
  1  invalid input: bad catalog, report, config or text (or text over --max-input-bytes);
     unknown message; nothing eligible
  2  usage: unknown command or flag, bad flag value (month, width, profile, time)
  3  store: the insertion store cannot be opened, read or written
  4  I/O: a file cannot be read or written (missing catalog, output path)

Errors go to stderr, one line each, prefixed `keymsg:`.

Config: flags override `keymsg.toml`, found by --config, $KEYMSG_CONFIG or ./keymsg.toml
(keys: catalog, store, journal, agency, profile, lang, policy, [[profile_def]]).
A store is a directory (SQLite) or postgres://USER@HOST:PORT/DB (the fleet store; each
host then acknowledges into its --journal DIR and ships in the background).

Example (a month in four commands):
  keymsg check catalog.toml
  keymsg footer --catalog catalog.toml --store st --agency PEA --key INV-0001
  keymsg record --store st --agency PEA --month 2026-03 --channel online --message aoc-1441 --count 12
  keymsg report --store st --agency PEA --month 2026-03 --format xlsx -o report.xlsx";

/// Anti-online-scam key messages for Thai receipts, bills and app pop-ups.
#[derive(Debug, Parser)]
#[command(name = "keymsg", version, about, long_about = None, after_help = TOP_HELP)]
pub struct Cli {
    /// Config file (default: $KEYMSG_CONFIG, else ./keymsg.toml if present).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Wrap text from stdin at Thai-correct breaks, one output line per line.
    Wrap(text::WrapArgs),
    /// Cut each stdin line to a width, at a legal break, with an ellipsis.
    Truncate(text::TruncateArgs),
    /// Print the display width of each stdin line (or every measure with --measure).
    Width(text::WidthArgs),
    /// Select, lay out and count a footer for a receipt or bill.
    Footer(footer::Args),
    /// Select, lay out and count an app pop-up (title + body).
    Popup(popup::Args),
    /// Re-print the message of a stored selection token (a reprint).
    Replay(replay::Args),
    /// Show why each message was or was not eligible, and which rule chose.
    Explain(explain::Args),
    /// Validate a catalog file (TOML or JSON).
    Check(check::Args),
    /// Print the embedded default catalog.
    Catalog(catalog::Args),
    /// Record a hand-counted number for one channel of the monthly form.
    Record(record::Args),
    /// Produce the month's report (XLSX, CSV, JSON or Markdown).
    Report(report::Args),
    /// Print the store's counters in the Prometheus text format (monitoring).
    Metrics(metrics::Args),
    /// Roll up units' JSON reports into one district or province report.
    Merge(merge::Args),
    /// Write a month of per-writer counters to a file (for hosts without a network).
    Export(export::ExportArgs),
    /// Load exports (or JSON unit reports) into a store; loading twice changes nothing.
    Import(export::ImportArgs),
    /// Ship a host's journal to the PostgreSQL fleet store (for cron).
    Ship(fleet::ShipArgs),
    /// Write an HTML page showing every message laid out on a profile.
    Preview(preview::Args),
    /// Print a shell completion script (bash, zsh, fish, ...).
    Completions(completions::Args),
    /// Print the manual page (roff), or write one page per command.
    Man(man::Args),
    /// Verify a store (nothing lost), or accept a loss it found.
    Store(store::Args),
    /// Serve footers, pop-ups, impressions and reports over HTTP/JSON.
    Serve(serve::Args),
    /// Sign a catalog with a minisign secret key (detached CATALOG.minisig).
    Sign(sign::Args),
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    // Commands that never read the config do not fail on a broken one.
    let path = cli.config;
    let config = || Config::discover(path.as_deref());
    match cli.command {
        Command::Wrap(a) => text::wrap(a, &config()?),
        Command::Truncate(a) => text::truncate(a, &config()?),
        Command::Width(a) => text::width(a),
        Command::Check(a) => check::run(a, &config()?),
        Command::Sign(a) => sign::run(a),
        Command::Catalog(a) => catalog::run(a),
        Command::Completions(a) => completions::run(&a),
        Command::Man(a) => man::run(&a),
        Command::Merge(a) => merge::run(a, &config()?),
        Command::Metrics(a) => metrics::run(a, &config()?),
        Command::Footer(a) => footer::run(a, &config()?),
        Command::Popup(a) => popup::run(a, &config()?),
        Command::Replay(a) => replay::run(a, &config()?),
        Command::Explain(a) => explain::run(a, &config()?),
        Command::Record(a) => record::run(a, &config()?),
        Command::Report(a) => report::run(a, &config()?),
        Command::Preview(a) => preview::run(a, &config()?),
        Command::Store(a) => store::run(a, &config()?),
        Command::Serve(a) => serve::run(a, &config()?),
        Command::Export(a) => export::export(a, &config()?),
        Command::Import(a) => export::import(a, &config()?),
        Command::Ship(a) => fleet::ship(a, &config()?),
    }
}
