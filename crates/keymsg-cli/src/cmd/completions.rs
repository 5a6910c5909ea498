//! `keymsg completions SHELL`: the shell completion script, generated from
//! the same command definition as the parser, so it never falls behind.

use clap::CommandFactory;
use clap_complete::Shell;

use super::common::stdout_bytes;
use crate::exit::CliError;

/// Print a completion script for a shell.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples (install for the current user, then open a new shell):
  $ keymsg completions bash > ~/.local/share/bash-completion/completions/keymsg
  $ keymsg completions zsh > ~/.zfunc/_keymsg     # a directory on $fpath
  $ keymsg completions fish > ~/.config/fish/completions/keymsg.fish")]
pub struct Args {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    shell: Shell,
}

/// Run `keymsg completions`.
pub fn run(args: &Args) -> Result<(), CliError> {
    // Rendered into memory first: the generator cannot report a failed write,
    // and a closed stdout must not become a panic.
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut super::Cli::command(),
        "keymsg",
        &mut script,
    );
    stdout_bytes(&script)
}
