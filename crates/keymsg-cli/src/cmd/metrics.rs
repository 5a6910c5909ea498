//! `keymsg metrics`: the store's counters in the Prometheus text format.

use std::path::PathBuf;

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
keymsg_shipper_lag_seconds; then, for each catalog layer (labels layer,
source), keymsg_catalog_version and keymsg_catalog_last_good (1 when the
named file was refused and the last good catalog is served instead: alert
on it).")]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    /// Catalog file (default: config `catalog`, else the embedded catalog).
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    #[command(flatten)]
    trust: super::trust::TrustArgs,
}

/// Run `keymsg metrics`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    // Read-only for a store directory: a scrape writes nothing and claims no
    // writer file.
    let store = args.store.open(config, true, "metrics")?;
    let mut text = store.prometheus_text()?;
    let dir = args.store.trust_home(config);
    let catalog = super::trust::load(&args.trust, args.catalog.as_deref(), config, dir.as_deref())?;
    text.push_str(&catalog_metrics(&catalog));
    stdout_bytes(text.as_bytes())
}

/// Gauges for the catalog in service, per layer.
fn catalog_metrics(c: &keymsg_core::Catalog) -> String {
    let mut out = String::from(
        "# HELP keymsg_catalog_version Version of the catalog layer in service.\n\
         # TYPE keymsg_catalog_version gauge\n",
    );
    let label = |l: &keymsg_core::catalog::LayerTrust| {
        format!(
            "layer=\"{}\",source=\"{}\"",
            l.layer.as_str(),
            l.source
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        )
    };
    for l in &c.trust().layers {
        out.push_str(&format!(
            "keymsg_catalog_version{{{}}} {}\n",
            label(l),
            l.version
        ));
    }
    out.push_str(
        "# HELP keymsg_catalog_last_good 1 when the named catalog file was refused and the last good copy is in service.\n\
         # TYPE keymsg_catalog_last_good gauge\n",
    );
    for l in &c.trust().layers {
        out.push_str(&format!(
            "keymsg_catalog_last_good{{{}}} {}\n",
            label(l),
            u8::from(l.refused.is_some())
        ));
    }
    out
}
