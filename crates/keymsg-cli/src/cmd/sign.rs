//! `keymsg sign`: sign a catalog for agencies without the minisign tool.

use std::io::Read;
use std::path::PathBuf;

use crate::exit::CliError;

/// Sign a catalog file with a minisign secret key; the signature verifies
/// with `minisign -V` and with keymsg's `--trusted-key`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # A key pair, made once by the publisher (minisign tool or any minisign library):
  $ minisign -G -p catalog.pub -s catalog.key
  $ keymsg sign --secret-key catalog.key --password-file - catalog.toml < password.txt
  signed catalog.toml (version 8) with key 5A1B...: catalog.toml.minisig
  $ minisign -V -p catalog.pub -m catalog.toml

The catalog is validated first: an invalid catalog is never signed.")]
pub struct Args {
    /// Secret key file as `minisign -G` writes it (with or without a password).
    #[arg(long, value_name = "FILE")]
    secret_key: PathBuf,
    /// File holding the key's password (first line), `-` for stdin. Needed
    /// for a password-protected key only.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// Trusted (signed) comment (default: timestamp and file name, as minisign writes).
    #[arg(long, value_name = "TEXT")]
    trusted_comment: Option<String>,
    /// Signature output (default: CATALOG.minisig).
    #[arg(short = 'o', long = "output", value_name = "SIG")]
    output: Option<PathBuf>,
    /// Catalog file to sign (.toml or .json).
    catalog: PathBuf,
}

/// Run `keymsg sign`.
pub fn run(args: Args) -> Result<(), CliError> {
    let password = match &args.password_file {
        None => None,
        Some(p) => Some(read_password(p)?),
    };
    let (out, version) = keymsg_core::catalog::sign_file(
        &args.catalog,
        &args.secret_key,
        password.as_deref(),
        args.trusted_comment.as_deref(),
        args.output.as_deref(),
    )
    .map_err(|e| match e {
        keymsg_core::catalog::CatalogError::Io { .. } => CliError::Io(e.to_string()),
        other => CliError::Invalid(other.lines()),
    })?;
    println!(
        "signed {} (version {version}): {}",
        args.catalog.display(),
        out.display()
    );
    Ok(())
}

fn read_password(path: &std::path::Path) -> Result<String, CliError> {
    let mut text = String::new();
    if path == std::path::Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Io(format!("stdin: cannot read the password: {e}")))?;
    } else {
        text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Io(format!("{}: cannot read: {e}", path.display())))?;
    }
    Ok(text.lines().next().unwrap_or("").to_owned())
}
