//! `keymsg check PATH` — validate a catalog file.

use std::path::PathBuf;

use keymsg_core::Catalog;

use crate::exit::CliError;

/// Validate a catalog (TOML or JSON, by extension); exit 1 with one line per problem.
///
/// Example: `keymsg check province-catalog.toml`
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg check province-catalog.toml
  province-catalog.toml: ok — catalog version 7, 27 messages
  $ keymsg check broken.toml; echo $?
  keymsg: broken.toml: message `fake-bank`: field `text.th.long` at char 31: phone number `0812345678` is not on the catalog's allow-list
  1

Exit 1 with one line per problem (file, message id, field, character offset);
a missing or unreadable file is such a problem too.")]
pub struct Args {
    /// Catalog file (.toml or .json).
    path: PathBuf,
}

pub fn run(args: Args) -> Result<(), CliError> {
    // Whatever is wrong with the file — missing, unreadable or invalid — is
    // a problem with the catalog checked: exit 1, one line per problem.
    let catalog = Catalog::from_path(&args.path).map_err(|e| CliError::Invalid(e.lines()))?;
    println!(
        "{}: ok — catalog version {}, {} messages",
        args.path.display(),
        catalog.version(),
        catalog.messages().len()
    );
    Ok(())
}
