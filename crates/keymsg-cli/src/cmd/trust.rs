//! Trust flags shared by every command that loads a catalog, and how they
//! combine with `keymsg.toml` (`state`, `[trust] keys`, `overlay_keys`,
//! `require_signature`, `strict`) into the core's [`LoadOptions`].

use std::path::{Path, PathBuf};

use keymsg_core::Catalog;
use keymsg_core::catalog::{LoadOptions, TrustedKey, default_state_dir};

use crate::config::Config;
use crate::exit::CliError;

/// Flags that decide which catalog is trusted.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TrustArgs {
    /// Minisign public key trusted to sign the catalog (the official base):
    /// `RW...` or a minisign.pub file (repeatable; several keys during a key
    /// rotation). Never trusted for the overlay. Adds to config
    /// `[trust] keys`.
    #[arg(long = "trusted-key", value_name = "KEY|FILE")]
    pub trusted_key: Vec<String>,
    /// Minisign public key trusted to sign the overlay only (an agency's own
    /// key; never trusted for the base catalog): `RW...` or a minisign.pub
    /// file (repeatable). Adds to config `[trust] overlay_keys`.
    #[arg(long = "overlay-key", value_name = "KEY|FILE")]
    pub overlay_key: Vec<String>,
    /// Refuse a catalog without a valid signature by a trusted key
    /// (default: config `[trust] require_signature`). A layer with a
    /// trusted key (`--trusted-key`, `--overlay-key`) must be signed anyway.
    #[arg(long)]
    pub require_signature: bool,
    /// Detached signature of the catalog (default: CATALOG.minisig).
    #[arg(long, value_name = "PATH")]
    pub signature: Option<PathBuf>,
    /// Trust state directory: highest versions seen and the last good
    /// catalog (default: config `state`, else STORE/catalog-trust once the
    /// store directory exists, or JOURNAL/catalog-trust for a postgres://
    /// store: this host's journal; none: no rollback protection).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Fail when the catalog is refused, instead of serving the last good one
    /// (default: config `[trust] strict`).
    #[arg(long)]
    pub strict: bool,
    /// Agency overlay on the catalog (the official base): its own messages
    /// and hotlines, weights, priorities, windows, policies, disabled base
    /// messages, layout words (`[layout] words`, with `schema = 2`); never a
    /// change to official text (default: config `overlay`).
    #[arg(long, value_name = "PATH")]
    pub overlay: Option<PathBuf>,
}

/// A trusted key given as text: the key itself, else a file holding it.
pub fn parse_key(spec: &str, base: Option<&Path>) -> Result<TrustedKey, CliError> {
    let spec = spec.trim();
    if spec.starts_with("RW")
        && let Ok(k) = TrustedKey::parse(spec, spec)
    {
        return Ok(k);
    }
    let path = match base {
        Some(b) if Path::new(spec).is_relative() => b.join(spec),
        _ => PathBuf::from(spec),
    };
    if path.is_file() {
        return TrustedKey::from_file(&path).map_err(|e| CliError::Invalid(vec![e.to_string()]));
    }
    Err(CliError::Usage(format!(
        "trusted key `{spec}` is neither a minisign public key (RW...) nor a readable file"
    )))
}

impl TrustArgs {
    /// The core's load options for `catalog` (flag, else config), with the
    /// state directory defaulting to one inside `store` (a store directory
    /// on this host: `common::trust_home`).
    pub fn options(
        &self,
        catalog: Option<&Path>,
        config: &Config,
        store: Option<&Path>,
    ) -> Result<LoadOptions, CliError> {
        let mut keys = Vec::new();
        for k in &config.trust.keys {
            keys.push(parse_key(k, config.dir.as_deref())?);
        }
        for k in &self.trusted_key {
            keys.push(parse_key(k, None)?);
        }
        let mut overlay_keys = Vec::new();
        for k in &config.trust.overlay_keys {
            overlay_keys.push(parse_key(k, config.dir.as_deref())?);
        }
        for k in &self.overlay_key {
            overlay_keys.push(parse_key(k, None)?);
        }
        let state = self
            .state
            .clone()
            .or_else(|| config.state.clone())
            .or_else(|| store.and_then(default_state_dir));
        let catalog = catalog
            .map(Path::to_path_buf)
            .or_else(|| config.catalog.clone());
        if self.signature.is_some() && catalog.is_none() {
            return Err(CliError::Usage(
                "--signature needs a catalog file (--catalog or config `catalog`)".into(),
            ));
        }
        Ok(LoadOptions {
            catalog,
            signature: self.signature.clone(),
            trusted_keys: keys,
            overlay_keys,
            require_signature: self.require_signature || config.trust.require_signature,
            state,
            strict: self.strict || config.trust.strict,
            overlay: self.overlay.clone().or_else(|| config.overlay.clone()),
            layout_words: config.layout.words.clone(),
            layout_words_source: Some(config.words_source()),
            ..LoadOptions::default()
        })
    }
}

/// Load the catalog these flags name; when the file was refused and the last
/// good catalog is served instead, say so on stderr.
pub fn load(
    trust: &TrustArgs,
    catalog: Option<&Path>,
    config: &Config,
    store: Option<&Path>,
) -> Result<Catalog, CliError> {
    load_checking(trust, catalog, config, store, &[])
}

/// [`load`], every message also checked against `profiles` (the config's,
/// for an engine that serves them): the check is remembered in the trust
/// state, so the next start with the same catalog skips it.
pub fn load_checking(
    trust: &TrustArgs,
    catalog: Option<&Path>,
    config: &Config,
    store: Option<&Path>,
    profiles: &[keymsg_core::layout::Profile],
) -> Result<Catalog, CliError> {
    let mut options = trust.options(catalog, config, store)?;
    options.profiles = profiles.to_vec();
    let c = Catalog::load(&options)?;
    warn_fallback(&c);
    Ok(c)
}

/// One stderr line per layer served from its last good copy.
pub fn warn_fallback(c: &Catalog) {
    for l in &c.trust().layers {
        if let Some(e) = &l.refused {
            eprintln!(
                "keymsg: warning: {} refused ({}); serving the last good {} catalog, version {}",
                l.source,
                one_line(&e.to_string()),
                l.layer.as_str(),
                l.version
            );
        }
    }
}

fn one_line(s: &str) -> String {
    s.split('\n').map(str::trim).collect::<Vec<_>>().join("; ")
}
