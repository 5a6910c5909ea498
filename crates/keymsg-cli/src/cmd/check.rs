//! `keymsg check PATH` — validate a catalog file.

use std::path::PathBuf;

use keymsg_core::Catalog;

use crate::exit::CliError;

/// Validate a catalog (TOML or JSON, by extension); exit 1 with one line per problem.
///
/// Example: `keymsg check province-catalog.toml`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog file (.toml or .json).
    path: PathBuf,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let catalog = Catalog::from_path(&args.path)?;
    println!(
        "{}: ok — catalog version {}, {} messages",
        args.path.display(),
        catalog.version(),
        catalog.messages().len()
    );
    Ok(())
}
