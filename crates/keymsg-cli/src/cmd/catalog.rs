//! `keymsg catalog` — print the embedded default catalog.

use keymsg_core::Catalog;
use keymsg_core::catalog::DEFAULT_CATALOG_TOML;

use crate::exit::CliError;

/// Print the embedded default catalog, as a starting point for an agency's own file.
///
/// Example: `keymsg catalog --format toml > my-catalog.toml`
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg catalog --format toml > my-catalog.toml   # edit, then:
  $ keymsg check my-catalog.toml")]
pub struct Args {
    /// Output format.
    #[arg(long, value_parser = ["toml", "json"], default_value = "toml")]
    format: String,
}

pub fn run(args: Args) -> Result<(), CliError> {
    if args.format == "json" {
        let catalog = Catalog::embedded()?;
        let json = catalog.to_string_as(keymsg_core::catalog::Format::Json)?;
        println!("{json}");
    } else {
        print!("{DEFAULT_CATALOG_TOML}");
    }
    Ok(())
}
