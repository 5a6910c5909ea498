//! Subcommands, one module each.

mod catalog;
mod check;

use clap::{Parser, Subcommand};

use crate::exit::CliError;

/// Anti-online-scam key messages for Thai receipts, bills and app pop-ups.
///
/// Exit codes: 0 ok, 1 invalid input, 2 usage error, 3 store error, 4 I/O error.
#[derive(Debug, Parser)]
#[command(name = "keymsg", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::Args),
    Catalog(catalog::Args),
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Catalog(a) => catalog::run(a),
    }
}
