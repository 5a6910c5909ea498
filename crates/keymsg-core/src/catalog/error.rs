//! Catalog errors: every message names the file and, for content problems, the
//! message id, field and character offset.

use std::fmt;

use crate::vocab::plural;

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The file could not be read.
    #[error("{source_name}: cannot read: {error}")]
    Io {
        /// File path or label.
        source_name: String,
        /// Underlying error.
        error: std::io::Error,
    },
    /// The file is larger than `MAX_CATALOG_BYTES`.
    #[error("{source_name}: file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// File path or label.
        source_name: String,
        /// Actual size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is not UTF-8.
    #[error("{source_name}: invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 {
        /// File path or label.
        source_name: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The file extension names no format we read.
    #[error("{source_name}: unknown catalog format (use a .toml or .json file)")]
    UnknownFormat {
        /// File path or label.
        source_name: String,
    },
    /// TOML/JSON syntax or shape error.
    #[error("{source_name}:{line}:{column}: {message}")]
    Syntax {
        /// File path or label.
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// Parser message.
        message: String,
    },
    /// The file's schema is newer than this library understands (or 0).
    /// Read before the rest of the file, so a file from a newer keymsg gets
    /// this error rather than one about a field this keymsg does not know.
    #[error("{source_name}: {}", schema_reason(*found, *supported))]
    UnsupportedSchema {
        /// File path or label.
        source_name: String,
        /// Schema in the file.
        found: u32,
        /// Newest schema supported.
        supported: u32,
    },
    /// The catalog could not be written out in a format (a value the format
    /// cannot hold).
    #[error("cannot serialise the catalog as {format}: {message}")]
    Serialise {
        /// `toml` or `json`.
        format: &'static str,
        /// The serialiser's message.
        message: String,
    },
    /// A signature is required (`require_signature`, or keys are trusted
    /// for the file's layer) but the file has none.
    #[error("{source_name}: unsigned: no signature at {signature} and a signature is required")]
    SignatureMissing {
        /// File path or label.
        source_name: String,
        /// Where the detached signature was looked for.
        signature: String,
    },
    /// The signature does not verify: the file was changed after signing,
    /// the signature is for another file, or it is damaged.
    #[error("{source_name}: bad signature: {reason}")]
    SignatureInvalid {
        /// File path or label.
        source_name: String,
        /// What failed.
        reason: String,
    },
    /// The file is signed by a key that is not among the keys trusted for
    /// its layer (base: `trusted_keys`; overlay: `overlay_keys`).
    #[error(
        "{source_name}: signed by key {key_id}, which is not a trusted key for this layer (add its public key with --trusted-key or `[trust] keys` for the base catalog, --overlay-key or `[trust] overlay_keys` for an overlay)"
    )]
    UntrustedKey {
        /// File path or label.
        source_name: String,
        /// The signing key's id (16 hex digits, as `minisign` prints it).
        key_id: String,
    },
    /// A public or secret key, or its password, is unusable.
    #[error("{what}: {reason}")]
    BadKey {
        /// Which key (a path or `trusted key #2`).
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A catalog older than one already accepted for the same layer (a
    /// replayed old version), whatever issuer it declares.
    #[error(
        "{source_name}: version {found} (issuer `{issuer}`) is older than version {highest} already accepted for this layer (rollback refused)"
    )]
    Rollback {
        /// File path or label.
        source_name: String,
        /// The issuer the file declares (`(none)`: it declares none). Only
        /// a name: versions are recorded per layer.
        issuer: String,
        /// The version in the file.
        found: u64,
        /// The highest version accepted before.
        highest: u64,
    },
    /// The same version as one already accepted, with different content.
    #[error(
        "{source_name}: version {version} (issuer `{issuer}`) was already accepted for this layer with different content (publish a new version number)"
    )]
    VersionReused {
        /// File path or label.
        source_name: String,
        /// The issuer.
        issuer: String,
        /// The version both files claim.
        version: u64,
    },
    /// The catalog's `expires` instant has passed.
    #[error("{source_name}: catalog version {version} expired at {expires}")]
    Expired {
        /// File path or label.
        source_name: String,
        /// The catalog version.
        version: u64,
        /// When it expired (RFC 3339).
        expires: String,
    },
    /// The trust state directory (highest versions, last good catalog)
    /// could not be read or written.
    #[error("trust state `{path}`: {reason}")]
    State {
        /// The file or directory.
        path: String,
        /// What failed.
        reason: String,
    },
    /// The file parsed but its content is invalid.
    #[error(
        "{source_name}: {}:\n{}",
        plural(problems.len(), "problem", "problems"),
        ProblemList(problems)
    )]
    Invalid {
        /// File path or label.
        source_name: String,
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
}

fn schema_reason(found: u32, supported: u32) -> String {
    if found > supported {
        format!(
            "catalog schema {found} needs a newer keymsg (this one reads schemas 1 to {supported})"
        )
    } else {
        format!(
            "catalog schema {found} does not exist (this keymsg reads schemas 1 to {supported})"
        )
    }
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl CatalogError {
    /// One line per problem, each prefixed with the file name — what `keymsg check` prints.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn lines(&self) -> Vec<String> {
        match self {
            CatalogError::Invalid {
                source_name,
                problems,
            } => problems
                .iter()
                .map(|p| format!("{source_name}: {p}"))
                .collect(),
            other => vec![other.to_string()],
        }
    }
}

/// One content problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The message id, for problems inside a message.
    pub message_id: Option<String>,
    /// Dotted field path, e.g. `text.th.short`, `until`, `allow.phones[2]`.
    pub field: String,
    /// Character (not byte) offset into the field's value, where it applies.
    pub offset: Option<usize>,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(id) = &self.message_id {
            write!(f, "message `{id}`: ")?;
        }
        write!(f, "field `{}`", self.field)?;
        if let Some(o) = self.offset {
            write!(f, " at char {o}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// What is wrong with a catalog's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// Text is empty or only white space.
    #[error("text is empty")]
    Empty,
    /// A required field or language is missing.
    #[error("missing {0}")]
    Missing(String),
    /// Two messages share an id.
    #[error("duplicate message id (first used by message #{first_index})")]
    DuplicateId {
        /// 0-based index of the first message with this id.
        first_index: usize,
    },
    /// The id has characters outside `[A-Za-z0-9._-]`, or is too long.
    #[error("invalid id: use 1 to 64 ASCII letters, digits, `.`, `_` or `-`")]
    BadId,
    /// A C0/C1 control character or DEL.
    #[error("control character U+{0:04X} (would reach the printer as a raw control byte)")]
    Control(u32),
    /// A bidirectional formatting control.
    #[error("bidirectional control U+{0:04X}")]
    Bidi(u32),
    /// An invisible (default-ignorable) character inside a phone number, URL,
    /// e-mail address or amount, or anywhere in an id or other name.
    #[error("invisible character U+{0:04X} inside a number, URL, e-mail address or name")]
    Invisible(u32),
    /// A combining mark (general category M, or a Thai mark such as U+0E33)
    /// on a digit: `0̲8̲1̲` reads as a number but splits it for every check.
    #[error("combining mark U+{0:04X} on a digit (a number must be written with plain digits)")]
    MarkOnDigit(u32),
    /// U+FFFD REPLACEMENT CHARACTER: the text was damaged by a lossy conversion
    /// before it reached the catalog.
    #[error("replacement character U+FFFD (the text was damaged by a lossy conversion)")]
    Replacement,
    /// A language code that is not 2 or 3 lower-case ASCII letters.
    #[error("invalid language code `{0}` (use 2 or 3 lower-case letters, e.g. `th`, `en`)")]
    BadLanguage(String),
    /// An `allow.phones` entry that is not a phone number.
    #[error(
        "`{0}` is not a phone number (3 to 15 digits, optionally with spaces, `-`, `+`, brackets)"
    )]
    BadPhone(String),
    /// An `allow.hosts` entry that is not a host name.
    #[error("`{0}` is not a host name (write e.g. `pea.co.th`, without scheme or path)")]
    BadHost(String),
    /// A date or instant that does not parse.
    #[error("invalid date `{0}` (use YYYY-MM-DD or an RFC 3339 instant)")]
    BadDate(String),
    /// `until` is not after `from`.
    #[error("validity window ends before it starts")]
    WindowInverted,
    /// A phone number not on the allow-list.
    #[error("phone number `{0}` is not on the catalog's allow-list")]
    PhoneNotAllowed(String),
    /// Digits that are not an allowed phone number and not an amount, date,
    /// time, quantity or year (a number hidden from the phone rule by
    /// separators, other scripts' digits, or extra digits around an allowed
    /// number).
    #[error(
        "number `{0}` is not on the catalog's allow-list (nor an amount, date, time, quantity or year)"
    )]
    NumberNotAllowed(String),
    /// An `@handle` not on `allow.handles`.
    #[error("account `{0}` is not on the catalog's allow-list (`allow.handles`)")]
    HandleNotAllowed(String),
    /// An `allow.handles` entry that is not `@` and a name.
    #[error("`{0}` is not an account handle (write e.g. `@pea_official`)")]
    BadHandle(String),
    /// A URL or e-mail host not on the allow-list.
    #[error("host `{0}` is not on the catalog's allow-list")]
    HostNotAllowed(String),
    /// A text variant cannot be laid out on a profile the message is enabled for.
    #[error("does not fit profile `{profile}`: {reason}")]
    DoesNotFit {
        /// Profile name.
        profile: String,
        /// Why.
        reason: String,
    },
    /// A value outside its range.
    #[error("{0}")]
    OutOfRange(String),
    /// A character the printer's encoding cannot represent
    /// (`Catalog::encoding_problems`).
    #[error("character {ch:?} (U+{code:04X}) cannot be encoded in {encoding}", code = u32::from(*ch))]
    Unencodable {
        /// The character.
        ch: char,
        /// The encoding's name.
        encoding: &'static str,
    },
    /// Something an overlay may not do to the base catalog (change an
    /// official message's text, replace an official message).
    #[error("{0}")]
    Overlay(String),
    /// A field that a newer schema than the file's added (`[layout]` needs
    /// schema 2): the file must declare it, so that a keymsg reading only
    /// the older schema can refuse the file as too new.
    #[error(
        "needs `schema = {needs}`, and the file is schema {found} (1 when it has no `schema`): \
         set `schema = {needs}` at its top (JSON: `\"schema\": {needs}`)"
    )]
    NeedsSchema {
        /// The schema the field needs.
        needs: u32,
        /// The schema the file declares.
        found: u32,
    },
    /// Unknown selection policy or surface key.
    #[error("unknown {what} `{name}`")]
    Unknown {
        /// What kind of name.
        what: &'static str,
        /// The name given.
        name: String,
    },
}
