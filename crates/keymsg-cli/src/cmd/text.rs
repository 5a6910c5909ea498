//! `keymsg wrap`, `keymsg truncate`, `keymsg width`: the layout functions on stdin.

use keymsg_core::layout::{
    self, Align, DEFAULT_MAX_INPUT_BYTES, Measure, TruncateOptions, WrapOptions,
};

use super::common::{parse_width, read_stdin, read_stdin_limited, stdout_bytes};
use crate::config::Config;
use crate::exit::CliError;

/// Wrap stdin to a width at Thai-correct break points.
///
/// Line breaks in the input are kept as hard breaks. A line never starts with
/// a Thai vowel or tone mark that belongs to the previous letter, and never
/// ends with a leading vowel (เ แ โ ใ ไ).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ echo 'อย่าโอนเงินให้คนที่ไม่รู้จัก หากสงสัยโทร 1441' | keymsg wrap --width 16
  อย่าโอนเงินให้คนที่
  ไม่รู้จัก หากสงสัยโทร
  1441
  $ echo 'โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น' | keymsg wrap --width 22 --word คนละครึ่งพลัส
  โปรดลงทะเบียนผ่านแอป
  คนละครึ่งพลัสเท่านั้น

Config: wrap reads keymsg.toml (--config, $KEYMSG_CONFIG or ./keymsg.toml) for its
[layout] words and uses nothing else from it. Like every command that reads the file,
it stops on a broken one (exit 1, naming the file, line and column) instead of
wrapping without the agency's words:
  keymsg: config `keymsg.toml`: line 3, column 1: unknown field `word`, expected `words`
truncate and width do not read it.")]
pub struct WrapArgs {
    /// Line width in display columns (Thai marks above/below a letter take none).
    #[arg(long, value_parser = parse_width, value_name = "N")]
    width: usize,
    /// At most M lines; the last is cut at a legal break and ends with the ellipsis.
    #[arg(long, value_name = "M")]
    max_lines: Option<usize>,
    /// Marks text cut by --max-lines.
    #[arg(long, default_value = "…", value_name = "S")]
    ellipsis: String,
    /// Alignment within the width (pads with spaces on the left).
    #[arg(long, value_parser = ["left", "center", "right"], default_value = "left")]
    align: String,
    /// Refuse (exit 1) more than this many bytes of UTF-8 text on stdin.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_INPUT_BYTES)]
    max_input_bytes: usize,
    /// Keep this word whole (an agency or programme name the built-in word
    /// list lacks); repeatable. Added to the config's `[layout] words`.
    #[arg(long = "word", value_name = "WORD")]
    words: Vec<String>,
    /// Keep the words of FILE whole: one per line, `#` starts a comment.
    #[arg(long = "words", value_name = "FILE")]
    words_file: Option<std::path::PathBuf>,
}

/// Wrap stdin.
pub fn wrap(args: WrapArgs, config: &Config) -> Result<(), CliError> {
    // Each word with where it came from, to name it in an error.
    let mut words: Vec<(String, String)> = config
        .layout
        .words
        .iter()
        .enumerate()
        .map(|(k, w)| {
            (
                w.clone(),
                format!("{}: layout.words[{k}]", config.words_source()),
            )
        })
        .collect();
    words.extend(args.words.iter().map(|w| (w.clone(), "--word".to_owned())));
    if let Some(path) = &args.words_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Io(format!("`{}`: cannot read: {e}", path.display())))?;
        for (n, line) in text.lines().enumerate() {
            let w = line.split('#').next().unwrap_or("").trim();
            if !w.is_empty() {
                words.push((w.to_owned(), format!("`{}` line {}", path.display(), n + 1)));
            }
        }
    }
    let text = read_stdin_limited(args.max_input_bytes)?;
    let align = match args.align.as_str() {
        "center" => Align::Center,
        "right" => Align::Right,
        _ => Align::Left,
    };
    let opts = WrapOptions::new(args.width)
        .max_lines(args.max_lines)
        .ellipsis(args.ellipsis)
        .align(align)
        .max_input_bytes(args.max_input_bytes)
        .words(words.iter().map(|(w, _)| w.as_str()));
    let lines = layout::wrap(&text, &opts).map_err(|e| match e {
        layout::LayoutError::InvalidWord { ref word, .. } => {
            let from = words
                .iter()
                .find(|(w, _)| w == word)
                .map(|(_, s)| s.as_str());
            let from = from.unwrap_or("--word");
            let message = format!("{from}: {e}");
            if from.starts_with("config") {
                CliError::Invalid(vec![message])
            } else {
                CliError::Usage(message)
            }
        }
        e => stdin_error(e),
    })?;
    stdout_bytes(joined(&lines).as_bytes())
}

/// Cut each stdin line to a width.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ echo 'ระวังมิจฉาชีพแอบอ้างเป็นเจ้าหน้าที่' | keymsg truncate --width 12
  ระวังมิจฉาชีพ…")]
pub struct TruncateArgs {
    /// Width in display columns, ellipsis included.
    #[arg(long, value_parser = parse_width, value_name = "N")]
    width: usize,
    /// Appended when text is cut.
    #[arg(long, default_value = "…", value_name = "S")]
    ellipsis: String,
    /// Refuse (exit 1) more than this many bytes of UTF-8 text on stdin.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_INPUT_BYTES)]
    max_input_bytes: usize,
}

/// Truncate each stdin line.
pub fn truncate(args: TruncateArgs) -> Result<(), CliError> {
    let text = read_stdin_limited(args.max_input_bytes)?;
    let opts = TruncateOptions::new(args.width)
        .ellipsis(args.ellipsis.as_str())
        .max_input_bytes(args.max_input_bytes);
    let mut out = Vec::new();
    for line in text.split('\n') {
        out.push(layout::truncate_with(line, &opts).map_err(stdin_error)?);
    }
    stdout_bytes(joined(&out).as_bytes())
}

/// Measure stdin.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  $ echo 'น้ำ' | keymsg width
  2
  $ echo 'หากสงสัยโทร 1441' | keymsg width --measure
  columns 15
  graphemes 15
  utf16_units 16
  utf8_bytes 38
  sms_segments 1")]
pub struct WidthArgs {
    /// Print every measure of the whole input (columns, graphemes, UTF-16
    /// units, UTF-8 bytes, SMS segments) instead of one width per line.
    #[arg(long)]
    measure: bool,
    /// With --measure: one JSON object.
    #[arg(long, requires = "measure")]
    json: bool,
}

/// Print widths.
pub fn width(args: WidthArgs) -> Result<(), CliError> {
    let text = read_stdin()?;
    let out = if args.measure {
        let m = Measure::of(&text);
        if args.json {
            format!(
                "{{\"columns\":{},\"graphemes\":{},\"utf16_units\":{},\"utf8_bytes\":{},\"sms_segments\":{}}}\n",
                m.columns, m.graphemes, m.utf16_units, m.utf8_bytes, m.sms_segments
            )
        } else {
            format!(
                "columns {}\ngraphemes {}\nutf16_units {}\nutf8_bytes {}\nsms_segments {}\n",
                m.columns, m.graphemes, m.utf16_units, m.utf8_bytes, m.sms_segments
            )
        }
    } else {
        let widths: Vec<String> = text
            .split('\n')
            .map(|l| layout::width(l).to_string())
            .collect();
        joined(&widths)
    };
    stdout_bytes(out.as_bytes())
}

/// Lines, each ending with `\n`.
fn joined(lines: &[String]) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}

/// Name stdin in a layout error about the input text.
fn stdin_error(e: layout::LayoutError) -> CliError {
    match e {
        layout::LayoutError::ControlCharacter { .. }
        | layout::LayoutError::InputTooLarge { .. } => {
            CliError::Invalid(vec![format!("stdin: {e}")])
        }
        other => other.into(),
    }
}
