//! `keymsg store verify` and `keymsg store repair --accept-loss`.

use std::path::PathBuf;

use keymsg_core::store::{FileCheck, Store};

use super::common::plural;
use crate::config::Config;
use crate::exit::CliError;

/// Check or repair a store directory.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: StoreCommand,
}

#[derive(Debug, clap::Subcommand)]
enum StoreCommand {
    /// Check that every writer file holds every count its writer acknowledged.
    Verify(VerifyArgs),
    /// Accept a loss `verify` found, so the store can be used again.
    Repair(RepairArgs),
}

/// Compare every writer file with the mark its writer keeps of the counts it
/// acknowledged, without writing anything. Prints one line per file; exits 3
/// when a file lost counts (WAL frames dropped after damage, a power loss,
/// the file deleted, emptied or replaced by an older copy).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg store verify --store ./store
  w-0.sqlite: ok, 200 counts
  w-1.sqlite: LOST 86 counts: the file holds 114 of the 200 counts ...

Restore a lost file from a backup and verify again, or accept the loss with
`keymsg store repair --accept-loss`.")]
pub struct VerifyArgs {
    /// Store directory (default: config `store`).
    #[arg(long, value_name = "PATH")]
    store: Option<PathBuf>,
}

/// Accept that the files hold less than was acknowledged: reset each failing
/// file's mark to what the file holds and append a line per loss to
/// `LOSSES.log` in the store. Stop every other keymsg process using the store
/// first. Without `--accept-loss` nothing is changed.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg store repair --store ./store --accept-loss
  w-1.sqlite: accepted the loss of 86 counts (recorded in LOSSES.log)")]
pub struct RepairArgs {
    /// Store directory (default: config `store`).
    #[arg(long, value_name = "PATH")]
    store: Option<PathBuf>,
    /// Required: the counts missing are given up for good.
    #[arg(long)]
    accept_loss: bool,
}

fn store_path(flag: Option<PathBuf>, config: &Config) -> Result<PathBuf, CliError> {
    flag.or_else(|| config.store.clone())
        .ok_or_else(|| CliError::Usage("give --store PATH (or `store` in keymsg.toml)".into()))
}

fn name(c: &FileCheck) -> String {
    c.file.file_name().map_or_else(
        || c.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Run `keymsg store ...`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    match args.command {
        StoreCommand::Verify(a) => {
            let path = store_path(a.store, config)?;
            let checks = Store::verify(&path)?;
            let mut lost = 0u64;
            let mut bad = 0usize;
            let mut out = String::new();
            for c in &checks {
                match &c.problem {
                    None => {
                        let found = plural(c.found.unwrap_or(0), "count", "counts");
                        out += &format!("{}: ok, {found}\n", name(c));
                    }
                    Some(p) => {
                        bad += 1;
                        lost = lost.saturating_add(c.missing);
                        let lost = plural(c.missing, "count", "counts");
                        out += &format!("{}: LOST {lost}: {p}\n", name(c));
                    }
                }
            }
            super::common::write_out(None, out.as_bytes())?;
            if bad > 0 {
                return Err(CliError::Store(format!(
                    "store `{}`: {} lost {}",
                    path.display(),
                    plural(bad, "file", "files"),
                    plural(lost, "acknowledged count", "acknowledged counts")
                )));
            }
            Ok(())
        }
        StoreCommand::Repair(a) => {
            let path = store_path(a.store, config)?;
            if !a.accept_loss {
                return Err(CliError::Usage(
                    "repair gives up the counts `keymsg store verify` reports missing: \
                     add --accept-loss to do it"
                        .into(),
                ));
            }
            let accepted = Store::repair_accepting_loss(&path)?;
            let mut out = String::new();
            for c in &accepted {
                out += &format!(
                    "{}: accepted the loss of {} (recorded in LOSSES.log)\n",
                    name(c),
                    plural(c.missing, "count", "counts")
                );
            }
            if accepted.is_empty() {
                out += "nothing lost: no change\n";
            }
            super::common::write_out(None, out.as_bytes())?;
            Ok(())
        }
    }
}
