//! `keymsg export` and `keymsg import`: per-writer counters as files, for
//! sites that carry counts on a USB stick instead of a network.

use std::path::PathBuf;

use keymsg_core::YearMonth;
use keymsg_core::report::Report;
use keymsg_core::store::WriterCounts;
use serde::{Deserialize, Serialize};

use super::common::{StoreArgs, parse_month, plural, write_out};
use crate::config::Config;
use crate::exit::CliError;

/// Version of the export file format.
const EXPORT_FORMAT: u32 = 1;

/// An export file: one month of every writer's counters of a store.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Export {
    /// Always [`EXPORT_FORMAT`]; also tells an export from a report.
    keymsg_export: u32,
    month: YearMonth,
    writers: Vec<WriterCounts>,
}

/// Write a month of the store's per-writer counters (and manual entries) to
/// a file that `keymsg import` or `keymsg merge` reads on another host.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example (an office without a network):
  $ keymsg export --store ./store --month 2026-03 -o /media/usb/office-7-2026-03.json
  # at the district:
  $ keymsg import /media/usb/*.json --store ./district-store

An export carries each writer's counters, not a total: importing it twice, or
importing it and also a newer export of the same host, never counts twice.")]
pub struct ExportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Month, YYYY-MM.
    #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
    month: YearMonth,
    /// Output file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: Option<PathBuf>,
}

/// Load exports (or unit reports in JSON) into a store. Counters are merged
/// per writer (the larger wins), so loading a file again changes nothing.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ keymsg import office-7-2026-03.json office-9-2026-03.json --store ./district-store
  office-7-2026-03.json: 2026-03, 3 writers, 4 counters changed
  office-9-2026-03.json: 2026-03, 1 writer, 0 counters changed (already imported)

Files: written by `keymsg export`, or `keymsg report --format json`.")]
pub struct ImportArgs {
    /// Export or report files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

/// Run `keymsg export`.
pub fn export(args: ExportArgs, config: &Config) -> Result<(), CliError> {
    let store = args.store.open(config, true, "export")?;
    let out = Export {
        keymsg_export: EXPORT_FORMAT,
        month: args.month,
        writers: store.writer_counts(args.month, None)?,
    };
    let mut text = serde_json::to_string_pretty(&out)
        .map_err(|e| CliError::Io(format!("cannot serialise the export: {e}")))?;
    text.push('\n');
    write_out(args.output.as_deref(), text.as_bytes())
}

/// Run `keymsg import`.
pub fn import(args: ImportArgs, config: &Config) -> Result<(), CliError> {
    // Read every file first: a bad file fails before anything is imported.
    let mut loads = Vec::with_capacity(args.files.len());
    for p in &args.files {
        let text = std::fs::read_to_string(p)
            .map_err(|e| CliError::Io(format!("{}: cannot read: {e}", p.display())))?;
        let (month, writers) =
            parse(&text).map_err(|e| CliError::Invalid(vec![format!("{}: {e}", p.display())]))?;
        loads.push((p, month, writers));
    }
    let store = args.store.open(config, false, "import")?;
    for (p, month, writers) in loads {
        let changed = store.import(month, &writers)?;
        println!(
            "{}: {month}, {}, {} changed{}",
            p.display(),
            plural(writers.len(), "writer", "writers"),
            plural(changed, "counter", "counters"),
            if changed == 0 {
                " (already imported)"
            } else {
                ""
            }
        );
    }
    store.flush()?;
    Ok(())
}

/// An export, or a report with per-writer counters: (month, writers).
fn parse(text: &str) -> Result<(YearMonth, Vec<WriterCounts>), String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value
        .get("keymsg_export")
        .and_then(serde_json::Value::as_u64)
    {
        Some(v) if v == u64::from(EXPORT_FORMAT) => {
            let e: Export =
                serde_json::from_value(value).map_err(|e| format!("invalid export: {e}"))?;
            Ok((e.month, e.writers))
        }
        Some(v) => Err(format!(
            "export format {v}, this keymsg reads format {EXPORT_FORMAT} (a newer keymsg wrote it?)"
        )),
        None => {
            let r = Report::from_json(text).map_err(|e| e.to_string())?;
            if r.writers.is_empty() {
                return Err(
                    "this report has no per-writer counters (made by an older keymsg): \
                     merge it with `keymsg merge` instead"
                        .into(),
                );
            }
            Ok((r.month, r.writers))
        }
    }
}
