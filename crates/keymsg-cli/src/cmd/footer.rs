//! `keymsg footer`: select, lay out and count a receipt or bill footer —
//! one, or one per document key for a whole bill run.

use std::io::BufRead;
use std::path::PathBuf;

use keymsg_core::layout::{self, Encoding, Profile};
use keymsg_core::{Engine, FooterRequest, Rendered, Surface};
use time::OffsetDateTime;

use super::common::{
    CountArgs, EngineArgs, engine, json_line, parse_at, parse_surface, parse_width, stdout_bytes,
    warn_lossy,
};
use crate::config::Config;
use crate::exit::CliError;

/// Print a key-message footer for a receipt or bill, and count it.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # One footer for invoice INV-2026-000123, counted in ./store:
  $ keymsg footer --key INV-2026-000123 --store ./store --agency 'PEA Chiang Mai'

  # A whole bill run: one JSON line per key, each counted at most once even if re-run:
  $ keymsg footer --keys-from invoices.txt --once-per-key --store ./store --json > footers.jsonl

  # Raw TIS-620 bytes for an old thermal printer, 80 mm paper, framed:
  $ keymsg footer --profile receipt-80mm --frame --encoding tis-620 > /dev/usb/lp0

JSON fields: message_id, text, lines, title, token, fit {variant, truncated, truncated_core},
counted, count_error. A footer cut before every hotline and link is refused (exit 1) unless
--allow-lossy, and then not counted (see docs/COUNTING.md).
Store `token` with the document: `keymsg replay TOKEN` reprints the same message.")]
pub struct Args {
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    count: CountArgs,
    /// Layout profile: receipt-58mm, receipt-80mm, receipt-80mm-42, invoice-a4,
    /// billboard, popup, push, sms, or one from the config (`[[profile_def]]`).
    /// Default: config `profile`, else the surface's (receipt-58mm for receipts,
    /// invoice-a4 for invoices, the surface's own name for the others).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Line width in columns (overrides the profile's width).
    #[arg(long, value_parser = parse_width, value_name = "N")]
    width: Option<usize>,
    /// Language of the text: th or en (default: config `lang`, else th).
    #[arg(long, value_name = "th|en")]
    lang: Option<String>,
    /// Document key (receipt or invoice number): the same key always gets the same message.
    #[arg(long, value_name = "DOC", conflicts_with = "keys_from")]
    key: Option<String>,
    /// Bill run: one footer per document key in FILE (one key per line, `-` for stdin).
    #[arg(long, value_name = "FILE")]
    keys_from: Option<PathBuf>,
    /// The moment of printing, RFC 3339 or YYYY-MM-DD (default: now); decides the month counted.
    #[arg(long, value_parser = parse_at, value_name = "RFC3339")]
    at: Option<OffsetDateTime>,
    /// Print JSON (one object per line) instead of the lines.
    #[arg(long)]
    json: bool,
    /// Surface the message is shown on: receipt, invoice, popup, push, sms or
    /// billboard (counted under that surface; its default profile unless --profile).
    #[arg(long, value_parser = parse_surface, default_value = "receipt", value_name = "SURFACE")]
    surface: Surface,
    /// Document kind recorded with the count, e.g. electricity-bill.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Idempotency key: a retry with the same key is counted once.
    #[arg(long, value_name = "KEY", conflicts_with_all = ["keys_from", "once_per_key"])]
    idempotency_key: Option<String>,
    /// Use the document key as idempotency key: re-running a bill run counts nothing twice.
    #[arg(long)]
    once_per_key: bool,
    /// Caller's sequence number (for the round-robin policy).
    #[arg(long, value_name = "N")]
    sequence: Option<u64>,
    /// Output encoding of the text lines: utf-8, tis-620 or cp874 (raw bytes for printers).
    #[arg(long, value_name = "ENC", value_parser = parse_encoding, default_value = "utf-8",
          conflicts_with = "json")]
    encoding: Encoding,
    /// Draw a rule above and below the footer, the width of the line.
    #[arg(long, conflicts_with = "json")]
    frame: bool,
    /// Fail (exit 3) when the count cannot be stored, instead of printing uncounted.
    #[arg(long)]
    fail_closed: bool,
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::from_name(s).ok_or_else(|| format!("unknown encoding `{s}` (utf-8, tis-620, cp874)"))
}

/// Run `keymsg footer`.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let engine = engine(&args.engine, config, Some(&args.count))?;
    let base = FooterRequest {
        profile: args.profile.clone().or_else(|| config.profile.clone()),
        width: args.width,
        lang: args.lang.clone().or_else(|| config.lang.clone()),
        at: args.at,
        surface: Some(args.surface),
        kind: args.kind.clone(),
        idempotency_key: args.idempotency_key.clone(),
        sequence: args.sequence,
        ..FooterRequest::new()
    };
    let frame_width = if args.frame {
        Some(frame_width(&base, config)?)
    } else {
        None
    };
    let out = Output {
        json: args.json,
        encoding: args.encoding,
        frame_width,
        fail_closed: args.fail_closed,
    };
    let Some(path) = &args.keys_from else {
        let mut req = base;
        req.key = args.key.clone();
        if args.once_per_key {
            req.idempotency_key = args.key.clone();
        }
        let r = engine.footer(&req)?;
        return out.emit(&r, false, None);
    };
    run_batch(&engine, &base, path, args.once_per_key, &out)
}

fn run_batch(
    engine: &Engine,
    base: &FooterRequest,
    path: &std::path::Path,
    once_per_key: bool,
    out: &Output,
) -> Result<(), CliError> {
    let label = path.display().to_string();
    let reader: Box<dyn BufRead> = if path == std::path::Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| CliError::Io(format!("{label}: cannot read: {e}")))?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut first = true;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                CliError::Invalid(vec![format!("{label}:{}: not UTF-8", i + 1)])
            }
            _ => CliError::Io(format!("{label}: cannot read: {e}")),
        })?;
        let key = line.trim();
        if key.is_empty() {
            continue;
        }
        let mut req = base.clone();
        req.key = Some(key.to_owned());
        if once_per_key {
            req.idempotency_key = Some(key.to_owned());
        }
        let r = engine.footer(&req).map_err(|e| {
            let e = CliError::from(e);
            e.with_prefix(&format!("{label}:{}: key `{key}`: ", i + 1))
        })?;
        out.emit(&r, !first, Some(key))?;
        first = false;
    }
    engine.flush()?;
    Ok(())
}

/// How a footer is written.
struct Output {
    json: bool,
    encoding: Encoding,
    frame_width: Option<usize>,
    fail_closed: bool,
}

impl Output {
    fn emit(&self, r: &Rendered, separate: bool, key: Option<&str>) -> Result<(), CliError> {
        warn_lossy(r, key);
        if let Some(err) = &r.count_error {
            let what = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
            if self.fail_closed {
                return Err(CliError::Store(format!("not counted{what}: {err}")));
            }
            eprintln!("keymsg: warning: not counted{what}: {err}");
        }
        if self.json {
            return stdout_bytes(json_line(r)?.as_bytes());
        }
        let lines = match self.frame_width {
            Some(w) => layout::frame(&r.lines, w, None, '-')?,
            None => r.lines.clone(),
        };
        let mut text = String::new();
        if separate {
            text.push('\n');
        }
        for l in &lines {
            text.push_str(l);
            text.push('\n');
        }
        let bytes = match self.encoding {
            Encoding::Utf8 => text.into_bytes(),
            enc => layout::encode(&text, enc)
                .map_err(|e| CliError::Invalid(vec![format!("message `{}`: {e}", r.message_id)]))?,
        };
        stdout_bytes(&bytes)
    }
}

/// The column width a frame is drawn at: `--width`, else the profile's.
fn frame_width(req: &FooterRequest, config: &Config) -> Result<usize, CliError> {
    if let Some(w) = req.width {
        return Ok(w);
    }
    let surface = req.surface.unwrap_or(Surface::Receipt);
    let name = req.profile.as_deref().unwrap_or(surface.default_profile());
    let profile = Profile::resolve(name, None, &config.profile_def).ok();
    match profile.as_ref().and_then(Profile::width) {
        Some(w) => Ok(w),
        None => Err(CliError::Usage(format!(
            "--frame needs a column profile; `{name}` is unknown or not measured in columns"
        ))),
    }
}
