//! `keymsg merge`: roll up units' JSON reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use keymsg_core::report::{self, Level, Report};

use super::common::{plural, write_out};
use super::report::format_of;
use crate::config::Config;
use crate::exit::CliError;

/// Roll up the JSON reports of several units (municipalities into a district,
/// districts into a province) or of several hosts of one unit, for one month.
/// Reports carry each writer's counters, merged by max per writer, then sum:
/// hosts of one unit add up, a file sent twice counts once, a unit inside a
/// district file and also sent directly counts once. Expected units that sent
/// nothing are listed.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  $ keymsg merge host1.json host2.json --agency 'PEA Chiang Mai'      # two hosts of one unit
  $ keymsg merge unit-a.json unit-b.json --agency 'อำเภอเมือง' --expect unit-a,unit-b,unit-c -o district.json
  merged 2 reports of 2 units for 2026-03 into `อำเภอเมือง` (district)
  missing: unit-c
  due to the province by 2026-04-01

The summary goes to stdout when the report goes to a file, else to stderr.")]
pub struct Args {
    /// Unit reports written by `keymsg report --format json`.
    #[arg(required = true, value_name = "REPORT.json")]
    reports: Vec<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: Option<PathBuf>,
    /// Name of the roll-up (default: config `agency`).
    #[arg(long, value_name = "NAME")]
    agency: Option<String>,
    /// Level that files the roll-up.
    #[arg(long, value_parser = parse_level, default_value = "district")]
    level: Level,
    /// Units expected to report (repeat, or comma-separated); missing ones are listed.
    #[arg(long, value_name = "UNIT", value_delimiter = ',')]
    expect: Vec<String>,
    /// Output format (default: from -o's extension, else json).
    #[arg(long, value_parser = ["xlsx", "csv", "json", "md"])]
    format: Option<String>,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
        .map_err(|e: keymsg_core::UnknownName| e.to_string())
}

/// Run `keymsg merge`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let format = match (&args.format, &args.output) {
        (None, None) => "json",
        (f, o) => format_of(f.as_deref(), o.as_deref())?,
    };
    let Some(agency) = args.agency.or_else(|| config.agency.clone()) else {
        return Err(CliError::Usage(
            "merge needs --agency NAME for the roll-up (or `agency` in keymsg.toml)".into(),
        ));
    };
    let to_stdout = args.output.as_deref().is_none_or(|p| p == Path::new("-"));
    if format == "xlsx" && to_stdout && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "XLSX is binary: give -o FILE.xlsx or redirect stdout to a file".into(),
        ));
    }
    let mut reports = Vec::with_capacity(args.reports.len());
    for p in &args.reports {
        let r = Report::load_json(p).map_err(|e| match e {
            report::ReportError::Io { .. } => CliError::from(e),
            other => CliError::Invalid(vec![format!("{}: {other}", p.display())]),
        })?;
        reports.push(r);
    }
    let expected = (!args.expect.is_empty()).then_some(args.expect.as_slice());
    let merged = report::merge(&reports, &agency, args.level, expected)?;
    let bytes = match format {
        "xlsx" => merged.to_xlsx_bytes()?,
        "csv" => merged.to_csv().into_bytes(),
        "md" => merged.to_markdown().into_bytes(),
        _ => {
            let mut s = merged.to_json();
            s.push('\n');
            s.into_bytes()
        }
    };
    write_out(args.output.as_deref(), &bytes)?;
    let summary = summary(&merged, reports.len(), args.level);
    if to_stdout {
        eprint!("{summary}");
    } else {
        print!("{summary}");
    }
    Ok(())
}

/// What a district officer checks after a merge.
fn summary(merged: &Report, files: usize, level: Level) -> String {
    let mut s = format!(
        "merged {} of {} for {} into `{}` ({level})\n",
        plural(files, "report", "reports"),
        plural(merged.units.len(), "unit", "units"),
        merged.month,
        merged.agency
    );
    if !merged.missing_units.is_empty() {
        s += &format!("missing: {}\n", merged.missing_units.join(", "));
    }
    if !merged.unexpected_units.is_empty() {
        s += &format!("not expected: {}\n", merged.unexpected_units.join(", "));
    }
    for d in &merged.dropped_duplicates {
        s += &format!("older duplicate of `{}` ignored\n", d.agency);
    }
    for c in &merged.counted_once {
        s += &format!(
            "`{}` arrived in several files ({}): counted once\n",
            c.agency,
            c.sources.join(", ")
        );
    }
    let due = merged
        .deadline
        .unwrap_or_else(|| report::deadline(level, merged.month));
    let to = match level {
        Level::Municipality => "district",
        Level::District => "province",
        Level::Province => "ministry",
    };
    s += &format!("due to the {to} by {due}\n");
    s
}
