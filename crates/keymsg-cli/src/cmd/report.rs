//! `keymsg report`: the month's form from a store.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use keymsg_core::YearMonth;
use keymsg_core::report::{Digits, FormOptions, Report, Signature};

use super::common::{StoreArgs, load_catalog, parse_date, parse_month, write_out};
use crate::config::Config;
use crate::exit::CliError;

/// Produce the Ministry of Interior monthly form for one agency (or every
/// agency in the store) from the store's counts and recorded entries.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  $ keymsg report --store ./store --agency 'เทศบาลเมืองตัวอย่าง' --month 2026-03 -o 2026-03.xlsx
  $ keymsg report --store ./store --month 2026-03 --format json > 2026-03.json   # for `keymsg merge`
  $ keymsg report --store ./store --month 2026-03 --format md | less
  $ keymsg report --store postgres://keymsg@db:5432/keymsg --journal /var/lib/keymsg/journal \\
      --agency 'PEA Chiang Mai' --month 2026-03 -o fleet-2026-03.xlsx   # the whole fleet

  # The compact form to file, signed:
  $ keymsg report --store ./store --month 2026-03 --omit-zero-rows \\
      --reporter 'นางสาวสมศรี ใจดี' --position 'นักวิชาการคอมพิวเตอร์' --signed-on 2026-04-05 -o 2026-03.xlsx

Agency: without --agency (or config `agency`) the form covers every agency in
the store and is headed with its name, or ทุกหน่วยงาน when there are several.
An --agency the store has nothing for is an error that lists the agencies it has.

Format: --format, else the extension of -o (.xlsx .csv .json .md), else md.
XLSX is binary: it is written to -o FILE, or to stdout only when stdout is
redirected (never to a terminal).
JSON fields: agency, month, rows[{message_id, content, online, on_air, on_ground,
billboard, community, documents}], totals, breakdown, signature, generated_at, schema.")]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    /// Report month, YYYY-MM.
    #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
    month: YearMonth,
    /// Agency or unit (default: config `agency`; without either, every agency in the store).
    #[arg(long, value_name = "NAME")]
    agency: Option<String>,
    /// Leave out rows with nothing in any column (the compact form agencies file).
    #[arg(long)]
    omit_zero_rows: bool,
    /// Reporter's name for the signature block (default: config `reporter`).
    #[arg(long, value_name = "NAME")]
    reporter: Option<String>,
    /// Reporter's position (ตำแหน่ง) (default: config `position`).
    #[arg(long, value_name = "TEXT")]
    position: Option<String>,
    /// Date signed, YYYY-MM-DD (default: config `signed_on`; else dotted lines to fill by hand),
    /// from the month's first day to two years after its last day.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    signed_on: Option<time::Date>,
    /// Output format.
    #[arg(long, value_parser = ["xlsx", "csv", "json", "md"])]
    format: Option<String>,
    /// Output file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: Option<PathBuf>,
    /// Catalog for the content column (default: config `catalog`, else embedded).
    #[arg(long, value_name = "PATH")]
    catalog: Option<PathBuf>,
    #[command(flatten)]
    trust: super::trust::TrustArgs,
    /// Digits in CSV and Markdown: thai (๐-๙, as on the paper form) or arabic.
    #[arg(long, value_parser = ["thai", "arabic"], default_value = "thai")]
    digits: String,
}

/// Run `keymsg report`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let format = format_of(args.format.as_deref(), args.output.as_deref())?;
    let to_stdout = args.output.as_deref().is_none_or(|p| p == Path::new("-"));
    if format == "xlsx" && to_stdout && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "XLSX is binary: give -o FILE.xlsx or redirect stdout to a file".into(),
        ));
    }
    let options = FormOptions::new()
        .omit_zero_rows(args.omit_zero_rows)
        .signature(Signature {
            reporter: non_empty(args.reporter.or_else(|| config.reporter.clone())),
            position: non_empty(args.position.or_else(|| config.position.clone())),
            date: args.signed_on.or(config.signed_on),
        });
    // Read-only for a store directory: a report writes nothing to the store,
    // so a copy on read-only media can be reported, and no writer file is
    // claimed.
    let store = args.store.open(config, true, "report")?;
    let dir = args.store.trust_home(config);
    let catalog = load_catalog(args.catalog.as_deref(), &args.trust, config, dir.as_deref())?;
    let agency = args.agency.or_else(|| config.agency.clone());
    let report =
        Report::from_store_with(&store, &catalog, args.month, agency.as_deref(), &options)?;
    let digits = if args.digits == "arabic" {
        Digits::Arabic
    } else {
        Digits::Thai
    };
    let bytes = match format {
        "xlsx" => report.to_xlsx_bytes_with(digits)?,
        "csv" => report.to_csv_with(digits).into_bytes(),
        "json" => {
            let mut s = report.to_json();
            s.push('\n');
            s.into_bytes()
        }
        _ => report.to_markdown_with(digits).into_bytes(),
    };
    write_out(args.output.as_deref(), &bytes)
}

/// A name given as an empty string is no name.
fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// `--format`, else the output file's extension, else Markdown.
pub fn format_of(flag: Option<&str>, output: Option<&Path>) -> Result<&'static str, CliError> {
    let name = match flag {
        Some(f) => f.to_owned(),
        None => match output.and_then(Path::extension).and_then(|e| e.to_str()) {
            Some(ext) => ext.to_ascii_lowercase(),
            None => return Ok("md"),
        },
    };
    match name.as_str() {
        "xlsx" => Ok("xlsx"),
        "csv" => Ok("csv"),
        "json" => Ok("json"),
        "md" | "markdown" => Ok("md"),
        other => Err(CliError::Usage(format!(
            "cannot tell the format from extension `.{other}`: give --format xlsx|csv|json|md"
        ))),
    }
}
