//! `keymsg.toml`: defaults for the flags an agency's scripts would otherwise
//! repeat on every call (catalog, store, agency, profile, policy).
//!
//! Found by `--config PATH`, else the `KEYMSG_CONFIG` environment variable,
//! else `./keymsg.toml` if it exists. Flags always override the file. Relative
//! paths in the file are relative to the file's own directory, so a script
//! works from any working directory.
//!
//! ```toml
//! catalog = "catalog.toml"
//! store = "/var/lib/keymsg/store"   # or postgres://keymsg@db.example:5432/keymsg
//! journal = "/var/lib/keymsg/journal"   # this host's journal, with a postgres:// store
//! agency = "เทศบาลเมืองตัวอย่าง"
//! profile = "receipt-80mm"
//! lang = "th"
//! policy = "sticky"
//! reporter = "นางสาวสมศรี ใจดี"    # signature block of `keymsg report`
//! position = "นักวิชาการคอมพิวเตอร์"
//! signed_on = 2026-04-05            # usually given per report: --signed-on
//!
//! overlay = "agency-overlay.toml"   # the agency's messages on the official base
//! state = "/var/lib/keymsg/trust"  # highest catalog versions, last good catalog
//!
//! [trust]                  # catalog signatures (minisign)
//! keys = ["RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"]  # the official catalog's
//! overlay_keys = ["agency-overlay.pub"]   # the overlay's only, never the catalog's
//! require_signature = true
//!
//! [layout]     # words kept whole: the catalog's messages, `keymsg wrap` and `truncate`
//! words = ["เทศบาลเมืองตัวอย่าง", "คนละครึ่งพลัส"]
//!
//! [caps]                   # pop-ups per subject (docs/SERVE.md)
//! per_day = 2
//!
//! [serve]                  # `keymsg serve` (docs/SERVE.md)
//! listen = "127.0.0.1:8080"
//!
//! [[serve.token]]
//! name = "billing"
//! sha256 = "…"
//! scopes = ["select", "count"]
//!
//! [[profile_def]]          # extra layout profiles, usable by name
//! name = "kiosk"
//! kind = "columns"
//! width = 40
//! max_lines = 6
//! ```
//!
//! [`KEYS`] lists every key for `keymsg --help`; a test keeps it equal to
//! [`Config`]'s fields.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use keymsg_core::layout::Profile;
use serde::Deserialize;
use toml::Spanned;

use crate::exit::CliError;

/// Environment variable naming the config file.
pub const ENV_VAR: &str = "KEYMSG_CONFIG";
/// File looked for in the current directory.
pub const DEFAULT_FILE: &str = "keymsg.toml";

/// Every key of the file, as `keymsg --help` lists them: the top-level
/// keys, then the tables with what they hold. The same keys as [`Config`]'s
/// fields (checked by a test), so the help cannot leave one out.
pub const KEYS: &[(&str, &str)] = &[
    ("catalog", ""),
    ("overlay", ""),
    ("state", ""),
    ("store", ""),
    ("journal", ""),
    ("agency", ""),
    ("profile", ""),
    ("lang", ""),
    ("policy", ""),
    ("reporter", ""),
    ("position", ""),
    ("signed_on", ""),
    ("[trust]", "catalog signatures"),
    ("[layout]", "words kept whole"),
    ("[caps]", "pop-up caps per subject"),
    ("[serve]", "keymsg serve, with [[serve.token]]"),
    ("[[profile_def]]", "extra layout profiles"),
];

/// The config file's content. Every field is optional; unknown keys are errors
/// (a typo must not silently fall back to a default).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Catalog file (default: the embedded catalog).
    pub catalog: Option<PathBuf>,
    /// Store directory or `postgres://` URL (counting is off without one).
    pub store: Option<PathBuf>,
    /// The host's journal directory, for a `postgres://` store.
    pub journal: Option<PathBuf>,
    /// Agency or unit name counts are recorded for.
    pub agency: Option<String>,
    /// Default footer profile.
    pub profile: Option<String>,
    /// Default language.
    pub lang: Option<String>,
    /// Selection policy override for every surface.
    pub policy: Option<String>,
    /// Reporter named in the report's signature block.
    pub reporter: Option<String>,
    /// The reporter's position (ตำแหน่ง).
    pub position: Option<String>,
    /// Date the report is signed, YYYY-MM-DD (usually given per report with
    /// `--signed-on`).
    #[serde(default, deserialize_with = "date_opt")]
    pub signed_on: Option<time::Date>,
    /// Extra layout profiles.
    #[serde(default)]
    pub profile_def: Vec<Profile>,
    /// Pop-up caps per subject (`[caps]`), shared through the store.
    pub caps: Option<keymsg_server::CapsConfig>,
    /// The HTTP service (`[serve]`, `[[serve.token]]`).
    pub serve: Option<keymsg_server::ServeConfig>,
    /// Trust state directory (highest catalog versions, last good catalog).
    pub state: Option<PathBuf>,
    /// Agency overlay applied on the catalog.
    pub overlay: Option<PathBuf>,
    /// Which catalogs are trusted.
    #[serde(default)]
    pub trust: TrustConfig,
    /// `[layout]`: words kept whole.
    #[serde(default)]
    pub layout: LayoutConfig,
    /// The directory of the file, for relative key paths (not a key).
    #[serde(skip)]
    pub dir: Option<PathBuf>,
    /// The file itself, for errors (not a key).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[layout]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutConfig {
    /// Words no line break may fall inside, added to the catalog's own
    /// `[layout] words` and used by `keymsg wrap` and `keymsg truncate`:
    /// Thai text in NFC, 2 to 64 characters, no spaces. A catalog message
    /// they would make overflow a profile stops the command at start
    /// (`Catalog::with_layout_words`).
    #[serde(default)]
    pub words: Vec<String>,
}

impl Config {
    /// Where `[layout] words` came from, for errors.
    pub fn words_source(&self) -> String {
        match &self.path {
            Some(p) => format!("config `{}`", p.display()),
            None => "config".to_owned(),
        }
    }
}

/// `[trust]`: catalog signatures.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustConfig {
    /// Minisign public keys (`RW...`) or files holding them, trusted to
    /// sign the catalog (the official base), never the overlay.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Keys trusted to sign the overlay only, never the catalog.
    #[serde(default)]
    pub overlay_keys: Vec<String>,
    /// Refuse catalogs without a valid signature by a trusted key.
    #[serde(default)]
    pub require_signature: bool,
    /// Fail instead of serving the last good catalog.
    #[serde(default)]
    pub strict: bool,
}

impl Config {
    /// Load the config: `explicit` (from `--config`), else `$KEYMSG_CONFIG`,
    /// else `./keymsg.toml` when present, else an empty config.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, CliError> {
        if let Some(p) = explicit {
            return Config::load(p);
        }
        if let Some(p) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
            return Config::load(Path::new(&p));
        }
        let local = Path::new(DEFAULT_FILE);
        if local.is_file() {
            return Config::load(local);
        }
        Ok(Config::default())
    }

    /// Load and parse one file; relative paths are resolved against its directory.
    pub fn load(path: &Path) -> Result<Config, CliError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Io(format!("config `{}`: cannot read: {e}", path.display())))?;
        let mut config = Config::parse(&text)
            .map_err(|e| CliError::Invalid(vec![format!("config `{}`: {e}", path.display())]))?;
        let base = path.parent().unwrap_or(Path::new(""));
        config.dir = Some(base.to_path_buf());
        config.path = Some(path.to_path_buf());
        for p in [
            &mut config.catalog,
            &mut config.store,
            &mut config.journal,
            &mut config.state,
            &mut config.overlay,
        ]
        .into_iter()
        .flatten()
        {
            let url = p.to_str().is_some_and(keymsg_core::store::is_fleet_url);
            if p.is_relative() && !url {
                *p = base.join(&*p);
            }
        }
        if let Some(serve) = &mut config.serve {
            serve.resolve_paths(base);
        }
        Ok(config)
    }

    /// Parse config text; the error is one line with line and column.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| {
            let msg = e.message().replace('\n', " ");
            match profile_def_error_span(text, &e).or_else(|| e.span()) {
                Some(span) => {
                    let (line, col) = line_col(text, span.start);
                    format!("line {line}, column {col}: {msg}")
                }
                None => msg,
            }
        })
    }
}

/// A `[[profile_def]]` entry as written: its keys and values with where
/// they are in the file.
type ProfileDefAsWritten = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// The config's `profile_def` as written, every other key ignored.
#[derive(Deserialize)]
struct ProfileDefsAsWritten {
    profile_def: Option<Spanned<Vec<Spanned<ProfileDefAsWritten>>>>,
}

/// Where the `[[profile_def]]` entry that `err` is about is wrong, when toml
/// could not say: a profile is checked as a whole once its keys are read
/// (kind, budgets, which keys apply), so toml places such an error at the
/// whole array (its first `[[profile_def]]` line, often line 1). Then the
/// entry is the first one that does not make a profile, and the place is
/// its key that the message names first (`width` in "width must be 1-1000
/// columns"), else the entry itself (a key it lacks). `None` for any
/// other error.
fn profile_def_error_span(text: &str, err: &toml::de::Error) -> Option<Range<usize>> {
    let defs = toml::from_str::<ProfileDefsAsWritten>(text)
        .ok()?
        .profile_def?;
    if err.span()? != defs.span() {
        return None;
    }
    let entry = defs.into_inner().into_iter().find(|entry| {
        let table: toml::Table = entry
            .get_ref()
            .iter()
            .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()))
            .collect();
        toml::Value::Table(table).try_into::<Profile>().is_err()
    })?;
    // What is wrong, after `invalid layout profile "NAME": `.
    let message = err.message();
    let reason = message.split_once(": ").map_or(message, |(_, r)| r);
    let named = entry
        .get_ref()
        .keys()
        .filter_map(|k| word_at(reason, k.get_ref()).map(|at| (at, k.span())))
        .min_by_key(|(at, _)| *at);
    Some(named.map_or_else(|| entry.span(), |(_, span)| span))
}

/// Where `word` first stands as a whole word (not inside `max_lines` or
/// `title_graphemes`) in `text`.
fn word_at(text: &str, word: &str) -> Option<usize> {
    let part_of_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text.get(..i).and_then(|t| t.chars().next_back());
        let after = text.get(i + word.len()..).and_then(|t| t.chars().next());
        !before.is_some_and(part_of_word) && !after.is_some_and(part_of_word)
    })
}

/// `signed_on = "2026-04-05"` (a TOML string or a TOML date).
fn date_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<time::Date>, D::Error> {
    use serde::de::Error;
    let v = toml::Value::deserialize(d)?;
    let text = match v {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) => dt.to_string(),
        other => {
            return Err(D::Error::custom(format!(
                "signed_on: expected a date, got {other}"
            )));
        }
    };
    crate::cmd::parse_date(&text)
        .map(Some)
        .map_err(D::Error::custom)
}

/// 1-based line and character column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// The keys `Config` accepts, from serde's own list (the one it names when
/// a key is unknown), for the tests that check [`KEYS`] and the help.
#[cfg(test)]
pub(crate) fn accepted_keys() -> Vec<String> {
    let error = Config::parse("not_a_key = 1\n").err().unwrap_or_default();
    let list = error
        .split_once("expected one of ")
        .map_or("", |(_, list)| list);
    list.split(", ")
        .map(|k| k.trim_matches('`').to_owned())
        .filter(|k| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_parses() {
        let c = Config::parse(
            "catalog = \"c.toml\"\nstore = \"s\"\nagency = \"เทศบาล\"\nprofile = \"receipt-80mm\"\n\
             lang = \"en\"\npolicy = \"cycle:week\"\nreporter = \"นาย ก\"\nposition = \"ปลัด\"\n\
             signed_on = 2026-04-05\n[[profile_def]]\nname = \"kiosk\"\n\
             kind = \"columns\"\nwidth = 40\n",
        )
        .unwrap();
        assert_eq!(c.agency.as_deref(), Some("เทศบาล"));
        assert_eq!(c.profile_def.len(), 1);
        assert_eq!(c.profile_def[0].width(), Some(40));
        assert_eq!(c.reporter.as_deref(), Some("นาย ก"));
        assert_eq!(c.signed_on, Some(time::macros::date!(2026 - 04 - 05)));
        let c = Config::parse("signed_on = \"2026-04-31\"\n");
        assert!(c.is_err(), "{c:?}");
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let e = Config::parse("agency = \"x\"\nstroe = \"s\"\n").unwrap_err();
        assert!(e.starts_with("line 2, column 1:"), "{e}");
        assert!(e.contains("stroe"), "{e}");
        assert!(!e.contains('\n'));
    }

    /// A `[[profile_def]]` that does not make a profile is reported at the
    /// key at fault (it was reported at the first `[[profile_def]]` line,
    /// line 1 when the file starts with one).
    #[test]
    fn a_bad_profile_def_is_reported_at_its_key() {
        let err = |text: &str| Config::parse(text).unwrap_err();
        // The second entry's width.
        assert_eq!(
            err(
                "agency = \"x\"\n\n[[profile_def]]\nname = \"kiosk\"\nkind = \"columns\"\n\
                 width = 40\n\n[[profile_def]]\nname = \"tiny\"\nkind = \"columns\"\nwidth = 0\n"
            ),
            "line 11, column 1: invalid layout profile \"tiny\": width must be 1-1000 columns, got 0"
        );
        // A key that does not apply to the kind, in a file that starts with the entry.
        assert_eq!(
            err("[[profile_def]]\nname = \"text\"\nkind = \"sms\"\nsegments = 1\nwidth = 3\n"),
            "line 5, column 1: invalid layout profile \"text\": field `width` does not apply \
             to kind \"sms\" (allowed: segments)"
        );
        // A key it lacks: at `kind`, which needs it.
        assert_eq!(
            err("[[profile_def]]\nname = \"k\"\nkind = \"columns\"\n"),
            "line 3, column 1: invalid layout profile \"k\": kind \"columns\" needs `width`"
        );
        // The one of two budgets that is 0; an unknown kind; a bad name.
        let popup = "[[profile_def]]\nname = \"p\"\nkind = \"popup\"\ntitle_graphemes = 5\n\
                     body_graphemes = 0\n";
        assert!(
            err(popup).starts_with("line 5, column 1: "),
            "{}",
            err(popup)
        );
        let fax = "[[profile_def]]\nname = \"f\"\nwidth = 3\nkind = \"fax\"\n";
        assert!(err(fax).starts_with("line 4, column 1: "), "{}", err(fax));
        let name = "[[profile_def]]\nkind = \"sms\"\nsegments = 1\nname = \"a b\"\n";
        assert!(err(name).starts_with("line 4, column 1: "), "{}", err(name));
        // An inline entry: at its key too.
        assert_eq!(
            err("profile_def = [{ name = \"k\", kind = \"columns\", width = 0 }]\n"),
            "line 1, column 48: invalid layout profile \"k\": width must be 1-1000 columns, got 0"
        );
        // What toml places itself stays where toml places it: an unknown
        // key, a value of the wrong type.
        let typo = err("[[profile_def]]\nname = \"k\"\nkind = \"columns\"\nwidht = 3\n");
        assert!(
            typo.starts_with("line 4, column 1: unknown field `widht`"),
            "{typo}"
        );
        let text = err("[[profile_def]]\nname = \"k\"\nkind = \"columns\"\nwidth = \"3\"\n");
        assert!(text.starts_with("line 4, column 9: "), "{text}");
    }

    #[test]
    fn keys_are_the_fields() {
        let mut documented: Vec<&str> = KEYS
            .iter()
            .map(|(k, _)| k.trim_matches(|c| c == '[' || c == ']'))
            .collect();
        let mut accepted = accepted_keys();
        assert!(accepted.len() > 10, "{accepted:?}");
        documented.sort_unstable();
        accepted.sort_unstable();
        assert_eq!(
            documented, accepted,
            "config::KEYS (what `keymsg --help` lists) and Config's fields differ"
        );
    }

    #[test]
    fn relative_paths_resolve_against_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keymsg.toml");
        std::fs::write(&p, "catalog = \"cat.toml\"\nstore = \"/abs/store\"\n").unwrap();
        let c = Config::load(&p).unwrap();
        assert_eq!(c.catalog.unwrap(), dir.path().join("cat.toml"));
        assert_eq!(c.store.unwrap(), PathBuf::from("/abs/store"));
    }
}
