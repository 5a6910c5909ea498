//! `keymsg` — anti-scam key messages for Thai receipts, bills and pop-ups.
//!
//! Exit codes: 0 ok; 1 invalid input (bad catalog, report, config or text,
//! unknown message); 2 usage error (unknown flag, bad value, unknown
//! profile); 3 store error; 4 other I/O error (missing file, unwritable
//! output). Every error is one line on stderr, prefixed `keymsg:`.

mod cmd;
mod config;
mod exit;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match cmd::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for line in e.lines() {
                crate::exit::say(&line);
            }
            ExitCode::from(e.code())
        }
    }
}

/// Help and version go to stdout (exit 0); usage errors become one line
/// (exit 2), naming the command whose `--help` explains it.
fn clap_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            let rendered = e.render().to_string();
            let text: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
                .collect();
            let text = text.join(" ");
            let text = text.trim_start_matches("error: ");
            crate::exit::say(&format!(
                "{text} (see `keymsg{} --help`)",
                subcommand_named()
            ));
            ExitCode::from(2)
        }
    }
}

/// ` footer` when the command line names the `footer` subcommand, else empty.
fn subcommand_named() -> String {
    use clap::CommandFactory;
    let cmd = cmd::Cli::command();
    std::env::args()
        .skip(1)
        .find(|a| cmd.get_subcommands().any(|s| s.get_name() == a))
        .map(|a| format!(" {a}"))
        .unwrap_or_default()
}
