//! `keymsg check PATH` — validate a catalog file.

use std::path::PathBuf;

use keymsg_core::layout::Encoding;
use keymsg_core::{Catalog, Surface};

use crate::exit::CliError;

/// Validate a catalog (TOML or JSON, by extension); exit 1 with one line per problem.
///
/// Example: `keymsg check province-catalog.toml`
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  $ keymsg check province-catalog.toml
  province-catalog.toml: ok — catalog version 7, 27 messages
  $ keymsg check broken.toml; echo $?
  keymsg: broken.toml: message `fake-bank`: field `text.th.long` at char 31: phone number `0812345678` is not on the catalog's allow-list
  1

  # Can every receipt and invoice text be printed on a TIS-620 printer?
  $ keymsg check province-catalog.toml --encoding tis-620
  keymsg: province-catalog.toml: message `guess-who`: field `text.th.long` at char 20: character '“' (U+201C) cannot be encoded in tis-620

Exit 1 with one line per problem (file, message id, field, character offset);
a missing or unreadable file is such a problem too.")]
pub struct Args {
    /// Catalog file (.toml or .json); without it, the embedded default catalog.
    path: Option<PathBuf>,
    /// Also report every character a printer in this encoding cannot print
    /// (tis-620, cp874), in the messages enabled on --surface.
    #[arg(long, value_name = "ENC", value_parser = parse_encoding)]
    encoding: Option<Encoding>,
    /// Surfaces whose messages --encoding checks (repeatable; default: receipt and invoice).
    #[arg(long, value_name = "SURFACE", requires = "encoding", value_parser = parse_surface)]
    surface: Vec<Surface>,
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::from_name(s).ok_or_else(|| format!("unknown encoding `{s}` (utf-8, tis-620, cp874)"))
}

fn parse_surface(s: &str) -> Result<Surface, String> {
    s.parse()
        .map_err(|e: keymsg_core::UnknownName| e.to_string())
}

pub fn run(args: Args) -> Result<(), CliError> {
    let (catalog, name) = match &args.path {
        // Whatever is wrong with the file (missing, unreadable or invalid) is
        // a problem with the catalog checked: exit 1, one line per problem.
        Some(p) => (
            Catalog::from_path(p).map_err(|e| CliError::Invalid(e.lines()))?,
            p.display().to_string(),
        ),
        None => (Catalog::embedded()?, "embedded default catalog".to_owned()),
    };
    if let Some(enc) = args.encoding {
        let surfaces = if args.surface.is_empty() {
            vec![Surface::Receipt, Surface::Invoice]
        } else {
            args.surface.clone()
        };
        let problems = catalog.encoding_problems(enc, &surfaces);
        if !problems.is_empty() {
            return Err(CliError::Invalid(
                problems.iter().map(|p| format!("{name}: {p}")).collect(),
            ));
        }
    }
    let printable = args
        .encoding
        .map(|e| {
            format!(
                ", every {} text printable in {e}",
                surfaces_label(&args.surface)
            )
        })
        .unwrap_or_default();
    println!(
        "{name}: ok — catalog version {}, {} messages{printable}",
        catalog.version(),
        catalog.messages().len()
    );
    Ok(())
}

fn surfaces_label(s: &[Surface]) -> String {
    if s.is_empty() {
        return "receipt and invoice".to_owned();
    }
    s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}
