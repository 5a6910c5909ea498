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
                eprintln!("keymsg: {line}");
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
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid command line")
                .trim_start_matches("error: ");
            eprintln!("keymsg: {first} (see `keymsg --help`)");
            ExitCode::from(2)
        }
    }
}
