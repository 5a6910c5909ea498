//! `keymsg metrics`: the store's counters in the Prometheus text format.

use super::common::{StoreArgs, stdout_bytes};
use crate::config::Config;
use crate::exit::CliError;

/// Print the store's all-time counters in the Prometheus text exposition
/// format, for monitoring (the monthly form comes from `keymsg report`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  $ keymsg metrics --store ./store > /var/lib/node_exporter/keymsg.prom
  $ keymsg metrics --store postgres://keymsg@db:5432/keymsg --journal /var/lib/keymsg/journal

Metrics: keymsg_insertions_total and keymsg_reprints_total (labels agency,
surface, kind, message_id) and keymsg_store_writer_files; for a postgres://
store also this host's keymsg_journal_pending_rows and
keymsg_shipper_lag_seconds.")]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
}

/// Run `keymsg metrics`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    // Read-only for a store directory: a scrape writes nothing and claims no
    // writer file.
    let store = args.store.open(config, true, "metrics")?;
    stdout_bytes(store.prometheus_text()?.as_bytes())
}
