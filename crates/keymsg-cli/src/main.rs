//! `keymsg` — anti-scam key messages for Thai receipts, bills and pop-ups.
//!
//! Exit codes: 0 ok; 1 invalid input (bad catalog, bad text, unknown message);
//! 2 usage error (unknown flag, bad value); 3 store error; 4 other I/O error.

mod cmd;
mod exit;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
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
