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

Config: flags override `keymsg.toml`, found by --config, $KEYMSG_CONFIG or ./keymsg.toml;
paths in it are relative to the file. Its keys:
{keys}
A store is a directory (SQLite) or postgres://USER@HOST:PORT/DB (the fleet store; each
host then acknowledges into its --journal DIR and ships in the background).

Example (a month in four commands):
  keymsg check catalog.toml
  keymsg footer --catalog catalog.toml --store st --agency PEA --key INV-0001
  keymsg record --store st --agency PEA --month 2026-03 --channel online --message aoc-1441 --count 12
  keymsg report --store st --agency PEA --month 2026-03 --format xlsx -o report.xlsx";

/// [`TOP_HELP`] with the keys of `keymsg.toml` from [`crate::config::KEYS`]
/// (so the help lists every key the file takes).
fn top_help() -> String {
    let keys: Vec<String> = crate::config::KEYS
        .iter()
        .map(|(key, what)| {
            if what.is_empty() {
                (*key).to_owned()
            } else {
                format!("{key} ({what})")
            }
        })
        .collect();
    TOP_HELP.replace("{keys}", &fill(&keys, 2, 88))
}

/// `items` joined with `, ` and ending with `.`, in lines of at most
/// `width` characters indented by `indent` spaces; an item is never split.
fn fill(items: &[String], indent: usize, width: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = pad.clone();
    let mut line_len = indent;
    for (k, item) in items.iter().enumerate() {
        let sep = if k + 1 == items.len() { "." } else { "," };
        let len = item.chars().count() + 1;
        if line_len > indent && line_len + 1 + len > width {
            out.push('\n');
            out.push_str(&pad);
            line_len = indent;
        } else if line_len > indent {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(item);
        out.push_str(sep);
        line_len += len;
    }
    out
}

/// Anti-online-scam key messages for Thai receipts, bills and app pop-ups.
#[derive(Debug, Parser)]
#[command(name = "keymsg", version, about, long_about = None, after_help = top_help())]
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use clap::CommandFactory;

    use super::Cli;

    /// `keymsg --help` lists every key keymsg.toml accepts (it listed 8 of
    /// 17: no `[trust]`, `[layout]`, `[caps]`, `[serve]`, ...).
    #[test]
    fn top_help_lists_every_config_key() {
        let help = Cli::command().render_long_help().to_string();
        let start = help.find("keys:").expect("the help lists the config keys");
        let listed = help.get(start..).unwrap();
        // The list ends with its sentence.
        let end = listed
            .match_indices('.')
            .map(|(i, _)| i)
            .find(|&i| {
                listed
                    .get(i + 1..)
                    .is_none_or(|r| r.starts_with([' ', '\n']))
            })
            .unwrap_or(listed.len());
        let listed = listed.get(..end).unwrap();
        let part_of_key = |c: char| c.is_ascii_alphanumeric() || c == '_';
        for key in crate::config::accepted_keys() {
            let whole = listed.match_indices(key.as_str()).any(|(i, _)| {
                let before = listed.get(..i).and_then(|t| t.chars().next_back());
                let after = listed.get(i + key.len()..).and_then(|t| t.chars().next());
                !before.is_some_and(part_of_key) && !after.is_some_and(part_of_key)
            });
            assert!(
                whole,
                "`keymsg --help` does not list config key `{key}`:\n{listed}"
            );
        }
    }
}
