//! `keymsg man`: the manual page in roff, generated from the same command
//! definition as the parser and `--help`.

use std::path::PathBuf;

use clap::CommandFactory;

use super::common::stdout_bytes;
use crate::exit::CliError;

/// Print the manual page (keymsg.1), or write one page per command.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  $ keymsg man | man -l -                                  # read it now
  $ keymsg man > ~/.local/share/man/man1/keymsg.1          # then: man keymsg
  $ keymsg man --dir /usr/local/share/man/man1             # keymsg.1, keymsg-footer.1, ...")]
pub struct Args {
    /// Write keymsg.1 and a page per command (keymsg-footer.1, ...) into DIR
    /// instead of printing keymsg.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Run `keymsg man`.
pub fn run(args: &Args) -> Result<(), CliError> {
    let cmd = super::Cli::command();
    match &args.dir {
        Some(dir) => clap_mangen::generate_to(cmd, dir).map_err(|e| {
            CliError::Io(format!(
                "{}: cannot write the manual pages: {e}",
                dir.display()
            ))
        }),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map_err(|e| CliError::Io(format!("cannot render the manual page: {e}")))?;
            stdout_bytes(&page)
        }
    }
}
