//! `keymsg footer`: select, lay out and count a receipt or bill footer —
//! one, or one per document key for a whole bill run.
//!
//! The counting rule: a footer is counted when, and only when, all its bytes
//! were written to stdout. Everything that can fail (selection, layout,
//! encoding, framing) happens before the count; the bytes are then written
//! and flushed; if that write fails, the count just made is withdrawn. So
//! after any run — finished, stopped by a bad key, by `--max-errors` or by
//! stdout failing half-way — the footers counted are exactly the footers
//! printed whole. (A `kill -9` between a count and the end of its write can
//! leave one footer counted but cut short; re-running with `--once-per-key`
//! prints it again without counting it twice.)

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use keymsg_core::layout::{self, Encoding, Profile};
use keymsg_core::{Engine, FooterRequest, Rendered, Surface, Undelivered};
use time::OffsetDateTime;

use super::common::{
    CountArgs, EngineArgs, engine, json_line, parse_at, parse_surface, parse_width, plural,
    warn_lossy,
};
use super::progress::Progress;
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
Store `token` with the document: `keymsg replay TOKEN` reprints the same message.

Counting: a footer is counted only once all its bytes were written to stdout;
if the write fails, its count is withdrawn. Encoding for the printer happens
before the count, so a footer the printer cannot take is an error, never a count.

Bill runs (--keys-from): a bad key does not stop the run. Its error goes to
stderr (with --json: a line {\"key\", \"line\", \"error\"} on stdout), the
other keys are printed, and one summary line goes to stderr:
  keymsg: invoices.txt: 300 keys, 299 printed, 299 counted, 0 skipped, 1 failed
(skipped: printed but not counted again — the key was counted before, or no
store). The exit code is non-zero when any key failed: 1 for bad keys, 3 when
the store failed, 4 when stdout failed (the run stops there).
--max-errors N stops the run after N failed keys.")]
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
    /// Bill run: stop after N keys have failed (default: go on to the end).
    #[arg(long, value_name = "N", requires = "keys_from", value_parser = clap::value_parser!(u64).range(1..))]
    max_errors: Option<u64>,
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::from_name(s).ok_or_else(|| format!("unknown encoding `{s}` (utf-8, tis-620, cp874)"))
}

/// With a fleet store: ship what was counted (bounded wait) and say so on
/// stderr when shipping failed. The counts are safe in the journal.
fn warn_unshipped(engine: &Engine) {
    let Some(store) = engine.store() else { return };
    let _ = store.flush();
    if let Some(e) = store.ship_error() {
        let journal = store
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        eprintln!(
            "keymsg: warning: counted in the journal `{journal}` but not shipped yet ({}); \
             it is shipped by the next keymsg process or `keymsg ship`",
            e.replace('\n', " ")
        );
    }
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
        encoding: (args.encoding != Encoding::Utf8).then_some(args.encoding),
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
        let res = match out.deliver(&engine, &req, false) {
            Ok(r) => {
                out.warn_uncounted(&r, None);
                Ok(())
            }
            Err(f) => Err(f.into_error()),
        };
        warn_unshipped(&engine);
        return res;
    };
    let run = BillRun {
        engine: &engine,
        base: &base,
        once_per_key: args.once_per_key,
        out: &out,
        max_errors: args.max_errors,
        progress: Progress::for_bill_run(path),
    };
    run.run(path)
}

/// What a bill run did, for the summary line.
#[derive(Debug, Default)]
struct Tally {
    keys: u64,
    printed: u64,
    counted: u64,
    skipped: u64,
    failed: u64,
    /// Exit code class of the first failure: bad key (1), store (3), I/O (4).
    worst: u8,
}

impl Tally {
    fn fail(&mut self, code: u8) {
        self.failed += 1;
        self.worst = self.worst.max(code);
    }
}

struct BillRun<'a> {
    engine: &'a Engine,
    base: &'a FooterRequest,
    once_per_key: bool,
    out: &'a Output,
    max_errors: Option<u64>,
    progress: Progress,
}

impl BillRun<'_> {
    fn run(&self, path: &Path) -> Result<(), CliError> {
        let label = path.display().to_string();
        let mut reader: Box<dyn BufRead> = if path == Path::new("-") {
            Box::new(std::io::stdin().lock())
        } else {
            let f = std::fs::File::open(path)
                .map_err(|e| CliError::Io(format!("{label}: cannot read: {e}")))?;
            Box::new(std::io::BufReader::new(f))
        };
        let mut tally = Tally::default();
        let mut stop: Option<String> = None;
        let mut buf = Vec::new();
        let mut line_no = 0u64;
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    tally.fail(4);
                    stop = Some(format!("{label}: cannot read: {e}"));
                    break;
                }
            }
            line_no += 1;
            self.progress.line_done(buf.len(), tally.keys);
            let at = format!("{label}:{line_no}");
            let key = match std::str::from_utf8(&buf) {
                Ok(s) => s.trim(),
                Err(e) => {
                    tally.keys += 1;
                    tally.fail(1);
                    let msg = format!("not UTF-8 (byte {})", e.valid_up_to());
                    if let Err(e) = self.report_failure(&at, line_no, None, &msg) {
                        stop = Some(e);
                        break;
                    }
                    if self.too_many(&tally) {
                        break;
                    }
                    continue;
                }
            };
            if key.is_empty() {
                continue;
            }
            tally.keys += 1;
            if let Some(c) = key.chars().find(|c| c.is_control()) {
                tally.fail(1);
                let msg = format!(
                    "control character U+{:04X} in the key: not a document number",
                    u32::from(c)
                );
                if let Err(e) = self.report_failure(&at, line_no, Some(key), &msg) {
                    stop = Some(e);
                    break;
                }
                if self.too_many(&tally) {
                    break;
                }
                continue;
            }
            let mut req = self.base.clone();
            req.key = Some(key.to_owned());
            if self.once_per_key {
                req.idempotency_key = Some(key.to_owned());
            }
            match self.out.deliver(self.engine, &req, tally.printed > 0) {
                Ok(r) => {
                    tally.printed += 1;
                    if r.counted {
                        tally.counted += 1;
                    } else if r.count_error.is_some() {
                        // Printed (fail open) but not counted: a failure to report.
                        tally.fail(3);
                        self.progress
                            .suspend(|| self.out.warn_uncounted(&r, Some(key)));
                    } else {
                        tally.skipped += 1;
                    }
                }
                Err(NotPrinted::Stdout(msg)) => {
                    tally.fail(4);
                    stop = Some(format!("{at}: key `{key}`: {msg}; stopping the run"));
                    break;
                }
                Err(NotPrinted::Failed(e)) => {
                    tally.fail(e.code());
                    let msg = e.lines().join("; ");
                    if let Err(e) = self.report_failure(&at, line_no, Some(key), &msg) {
                        stop = Some(e);
                        break;
                    }
                }
            }
            if self.too_many(&tally) {
                break;
            }
        }
        self.progress.finish();
        if let Err(e) = self.engine.flush() {
            tally.fail(3);
            crate::exit::say(&CliError::from(e).lines().join("; "));
        }
        warn_unshipped(self.engine);
        if let Some(s) = &stop {
            crate::exit::say(s);
        } else if let Some(n) = self.max_errors.filter(|&n| tally.failed >= n) {
            crate::exit::say(&format!(
                "{label}: stopped after {} (--max-errors {n})",
                plural(n, "failed key", "failed keys")
            ));
        }
        let summary = format!(
            "{label}: {}, {} printed, {} counted, {} skipped, {} failed",
            plural(tally.keys, "key", "keys"),
            tally.printed,
            tally.counted,
            tally.skipped,
            tally.failed
        );
        match tally.worst {
            0 => {
                crate::exit::say(&summary);
                Ok(())
            }
            3 => Err(CliError::Store(summary)),
            4 => Err(CliError::Io(summary)),
            _ => Err(CliError::Invalid(vec![summary])),
        }
    }

    fn too_many(&self, tally: &Tally) -> bool {
        self.max_errors.is_some_and(|n| tally.failed >= n)
    }

    /// One failed key: a JSON line on stdout (with --json) or a line on
    /// stderr. `Err` when stdout itself failed (the run must stop).
    fn report_failure(
        &self,
        at: &str,
        line: u64,
        key: Option<&str>,
        msg: &str,
    ) -> Result<(), String> {
        let shown = key.map(|k| format!(" key `{k}`:")).unwrap_or_default();
        self.progress
            .suspend(|| crate::exit::say(&format!("{at}:{shown} {msg}")));
        if !self.out.json {
            return Ok(());
        }
        #[derive(serde::Serialize)]
        struct ErrorLine<'a> {
            key: Option<&'a str>,
            line: u64,
            error: &'a str,
            counted: bool,
        }
        let json = json_line(&ErrorLine {
            key,
            line,
            error: msg,
            counted: false,
        })
        .map_err(|e| e.lines().join("; "))?;
        write_stdout(json.as_bytes())
            .map_err(|e| format!("stdout: cannot write: {e}; stopping the run"))
    }
}

/// Why a footer was not printed.
enum NotPrinted {
    /// Stdout failed (closed pipe, full disk): nothing more can be printed.
    Stdout(String),
    /// This footer failed (selection, layout, encoding, or a store failure
    /// when failing closed); nothing of it was written.
    Failed(CliError),
}

impl NotPrinted {
    fn into_error(self) -> CliError {
        match self {
            NotPrinted::Stdout(msg) => CliError::Io(msg),
            NotPrinted::Failed(e) => e,
        }
    }
}

/// Write and flush: the footer is delivered once this returns `Ok`.
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// How a footer is written.
struct Output {
    json: bool,
    encoding: Encoding,
    frame_width: Option<usize>,
    fail_closed: bool,
}

/// A footer's bytes could not be made (nothing written) or written.
enum Unwritten {
    Bytes(CliError),
    Write(std::io::Error),
}

impl Output {
    /// Select, lay out, encode and count one footer, then write it; a write
    /// that fails withdraws the count.
    fn deliver(
        &self,
        engine: &Engine,
        req: &FooterRequest,
        separate: bool,
    ) -> Result<Rendered, NotPrinted> {
        let res = engine.footer_delivered(req, |r| {
            let bytes = self.bytes(r, separate).map_err(Unwritten::Bytes)?;
            write_stdout(&bytes).map_err(Unwritten::Write)
        });
        match res {
            Ok(r) => {
                warn_lossy(&r, req.key.as_deref());
                Ok(r)
            }
            Err(Undelivered::Engine(e)) => Err(NotPrinted::Failed(e.into())),
            Err(Undelivered::Delivery {
                error, withdrawn, ..
            }) => {
                let withdrawn = match withdrawn {
                    Ok(_) => String::new(),
                    Err(e) => format!(
                        "; withdrawing its count failed, so the store counts one footer \
                         that was not printed: {e}"
                    ),
                };
                Err(match error {
                    Unwritten::Bytes(e) if withdrawn.is_empty() => NotPrinted::Failed(e),
                    Unwritten::Bytes(e) => NotPrinted::Failed(CliError::Store(format!(
                        "{}{withdrawn}",
                        e.lines().join("; ")
                    ))),
                    Unwritten::Write(e) => NotPrinted::Stdout(format!(
                        "stdout: cannot write: {e}: the footer was not printed whole and is not counted{withdrawn}"
                    )),
                })
            }
            Err(_) => Err(NotPrinted::Failed(CliError::Invalid(vec![
                "footer not delivered".to_owned(),
            ]))),
        }
    }

    /// Warn on stderr about a footer printed but not counted (fail open).
    fn warn_uncounted(&self, r: &Rendered, key: Option<&str>) {
        if let Some(err) = &r.count_error {
            let what = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
            crate::exit::say(&format!("warning: printed but not counted{what}: {err}"));
        }
    }

    /// Everything written for one footer. Called after the count, inside
    /// the delivery: a failure here withdraws the count like a failed write.
    fn bytes(&self, r: &Rendered, separate: bool) -> Result<Vec<u8>, CliError> {
        if let Some(err) = &r.count_error
            && self.fail_closed
        {
            return Err(CliError::Store(format!(
                "not counted, so not printed: {err}"
            )));
        }
        if self.json {
            return Ok(json_line(r)?.into_bytes());
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
        // The engine already proved the lines encodable before counting;
        // the frame adds only ASCII.
        layout::encode(&text, self.encoding)
            .map_err(|e| CliError::Invalid(vec![format!("message `{}`: {e}", r.message_id)]))
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
