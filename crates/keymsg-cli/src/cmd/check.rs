//! `keymsg check PATH` — validate a catalog file and show how far it is trusted.

use std::path::PathBuf;

use keymsg_core::catalog::{LayerTrust, SignatureStatus};
use keymsg_core::layout::Encoding;
use keymsg_core::{Catalog, Surface};
use serde_json::json;

use super::common::plural;
use super::trust::TrustArgs;
use crate::config::Config;
use crate::exit::CliError;

/// Validate a catalog (TOML or JSON, by extension); exit 1 with one line per problem.
///
/// Example: `keymsg check province-catalog.toml`
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  $ keymsg check province-catalog.toml
  province-catalog.toml: ok — catalog version 7, 27 messages
    signature: none (unsigned)
  $ keymsg check broken.toml; echo $?
  keymsg: broken.toml: message `fake-bank`: field `text.th.long` at char 31: phone number `0812345678` is not on the catalog's allow-list
  1

  # Signed by a trusted key, and not older than what this host accepted?
  $ keymsg check catalog.toml --trusted-key RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3 --state /var/lib/keymsg/trust
  catalog.toml: ok — catalog version 8, 27 messages
    signature: verified, key 5A1B2C3D4E5F6A7B, trusted comment \"timestamp:1767225600\\tfile:catalog.toml\\thashed\"
    issuer: PEA; expires 2027-12-31T00:00:00+07:00; rollback protection: on

  # Can every receipt and invoice text be printed on a TIS-620 printer?
  $ keymsg check province-catalog.toml --encoding tis-620
  keymsg: province-catalog.toml: message `guess-who`: field `text.th.long` at char 20: character '“' (U+201C) cannot be encoded in tis-620

Exit 1 with one line per problem (file, message id, field, character offset);
a missing or unreadable file, a bad or missing required signature, a
rollback and an expired catalog are such problems too, and so is a message
that keymsg.toml's `[layout] words` push over a profile, or that does not
fit one of its `[[profile_def]]` profiles (footer and serve refuse to start
on it). With a state
directory holding a last good catalog, a refused file is reported together
with the version that stays in service. Nothing is written to the state
directory. --json prints one JSON object (also on failure).")]
pub struct Args {
    /// Catalog file (.toml or .json); without it, the embedded default catalog.
    path: Option<PathBuf>,
    /// Also report every character a printer in this encoding cannot print
    /// (tis-620, cp874), in the messages enabled on --surface.
    #[arg(long, value_name = "ENC", value_parser = parse_encoding)]
    encoding: Option<Encoding>,
    /// Surfaces whose messages --encoding checks (repeatable; default: receipt and invoice).
    #[arg(long, value_name = "SURFACE", requires = "encoding", value_parser = parse_surface)]
    surface: Vec<Surface>,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    trust: TrustArgs,
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::from_name(s).ok_or_else(|| format!("unknown encoding `{s}` (utf-8, tis-620, cp874)"))
}

fn parse_surface(s: &str) -> Result<Surface, String> {
    s.parse()
        .map_err(|e: keymsg_core::UnknownName| e.to_string())
}

pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let name = args.path.as_ref().map_or_else(
        || "embedded default catalog".to_owned(),
        |p| p.display().to_string(),
    );
    // `check` judges the file named (never config `catalog`) and writes
    // nothing; the state directory is only read.
    let config = Config {
        catalog: None,
        ..config.clone()
    };
    let mut options = args.trust.options(args.path.as_deref(), &config, None)?;
    options.check_only = true;
    // The config's layout words are applied below, once the file itself
    // has been judged (a refusal is reported as such, not as a words problem).
    options.layout_words.clear();
    let catalog = match Catalog::load(&options) {
        Ok(c) => c,
        Err(e) => {
            // Whatever is wrong with the file (missing, unreadable, invalid,
            // unsigned, rolled back, expired) is a problem with the catalog
            // checked: exit 1, one line per problem.
            if args.json {
                print_json(&json!({"source": name, "ok": false, "problems": e.lines()}))?;
            }
            return Err(CliError::Invalid(e.lines()));
        }
    };
    let mut problems: Vec<String> = Vec::new();
    if let Some((_, e)) = catalog.trust().fallback() {
        problems.extend(e.lines());
    }
    // The catalog as this host would serve it: with keymsg.toml's layout
    // words, a message they push over a profile stops `footer` and `serve`
    // at start, so it is a problem here too.
    let catalog = if problems.is_empty() {
        match catalog
            .clone()
            .with_layout_words(&config.layout.words, &config.words_source())
        {
            Ok(c) => c,
            Err(e) => {
                problems.extend(e.lines());
                catalog
            }
        }
    } else {
        catalog
    };
    let surfaces = if args.surface.is_empty() {
        vec![Surface::Receipt, Surface::Invoice]
    } else {
        args.surface.clone()
    };
    if problems.is_empty()
        && let Some(enc) = args.encoding
    {
        problems.extend(
            catalog
                .encoding_problems(enc, &surfaces)
                .iter()
                .map(|p| format!("{name}: {p}")),
        );
    }
    // keymsg.toml's `[[profile_def]]` profiles, as `footer` and `serve`
    // check them at start: every message of their surfaces must fit.
    if problems.is_empty() && !config.profile_def.is_empty() {
        let mut engine = keymsg_core::Engine::builder().catalog(catalog.clone());
        for p in &config.profile_def {
            engine = engine.profile(p.clone());
        }
        if let Err(e) = engine.build() {
            problems.extend(CliError::from(e).lines());
        }
    }
    if args.json {
        print_json(&json!({
            "source": name,
            "ok": problems.is_empty(),
            "version": catalog.version(),
            "messages": catalog.messages().len(),
            "layers": serde_json::from_str::<serde_json::Value>(&catalog.trust().to_json())
                .unwrap_or_default(),
            "serving_last_good": catalog.trust().fallback().is_some(),
            "problems": problems,
        }))?;
    }
    if !problems.is_empty() {
        let mut lines = problems;
        for l in &catalog.trust().layers {
            if l.refused.is_some() {
                lines.push(format!(
                    "{}: refused; the last good {} catalog (version {}) stays in service",
                    l.source,
                    l.layer.as_str(),
                    l.version
                ));
            }
        }
        return Err(CliError::Invalid(lines));
    }
    if args.json {
        return Ok(());
    }
    let printable = args
        .encoding
        .map(|e| {
            format!(
                ", every {} text printable in {e}",
                surfaces_label(&args.surface)
            )
        })
        .unwrap_or_default();
    println!(
        "{name}: ok — catalog version {}, {}{printable}",
        catalog.version(),
        plural(catalog.messages().len(), "message", "messages")
    );
    for l in &catalog.trust().layers {
        print!("{}", layer_text(l, catalog.trust().layers.len() > 1));
    }
    Ok(())
}

fn print_json(v: &serde_json::Value) -> Result<(), CliError> {
    super::common::stdout_bytes(super::common::json_line(v)?.as_bytes())
}

fn expires_text(l: &LayerTrust) -> String {
    l.expires
        .map_or_else(|| "never".to_owned(), keymsg_core::catalog::rfc3339_bangkok)
}

/// The indented lines `check` prints under the ok line for one layer.
fn layer_text(l: &LayerTrust, name_layer: bool) -> String {
    let head = if name_layer {
        format!(
            "  {} {} (version {}):\n",
            l.layer.as_str(),
            l.source,
            l.version
        )
    } else {
        String::new()
    };
    let sig = match &l.signature {
        SignatureStatus::Embedded => "embedded in keymsg (compiled in, no file)".to_owned(),
        SignatureStatus::Verified(s) => format!(
            "verified, key {}, trusted comment {:?}",
            s.key_id, s.trusted_comment
        ),
        SignatureStatus::Unsigned => "none (unsigned)".to_owned(),
        SignatureStatus::NotChecked => {
            "present but not checked (no trusted key: --trusted-key or `[trust] keys`)".to_owned()
        }
    };
    format!(
        "{head}  signature: {sig}\n  issuer: {}; expires {}; rollback protection: {}\n",
        l.issuer.as_deref().unwrap_or("(none)"),
        expires_text(l),
        if l.rollback_protected {
            "on"
        } else {
            "off (no state directory)"
        }
    )
}

fn surfaces_label(s: &[Surface]) -> String {
    if s.is_empty() {
        return "receipt and invoice".to_owned();
    }
    s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}
