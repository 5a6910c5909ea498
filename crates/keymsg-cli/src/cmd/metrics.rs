//! `keymsg metrics`: the store's counters in the Prometheus text format.

use std::path::PathBuf;

use keymsg_core::store::Store;

use super::common::stdout_bytes;
use crate::config::Config;
use crate::exit::CliError;

/// Print the store's all-time counters in the Prometheus text exposition
/// format, for monitoring (the monthly form comes from `keymsg report`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg metrics --store ./store > /var/lib/node_exporter/keymsg.prom

Metrics: keymsg_insertions_total and keymsg_reprints_total (labels agency,
surface, kind, message_id) and keymsg_store_writer_files.")]
pub struct Args {
    /// Store directory (default: config `store`).
    #[arg(long, value_name = "PATH")]
    store: Option<PathBuf>,
}

/// Run `keymsg metrics`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let Some(path) = args.store.or_else(|| config.store.clone()) else {
        return Err(CliError::Usage(
            "metrics needs --store PATH (or `store` in keymsg.toml)".into(),
        ));
    };
    if !path.exists() {
        return Err(CliError::Store(format!(
            "store `{}` does not exist",
            path.display()
        )));
    }
    // Read-only: a scrape writes nothing and claims no writer file.
    let store = Store::open_read_only(&path)?;
    stdout_bytes(store.prometheus_text()?.as_bytes())
}
