//! CLI errors and their documented exit codes.

use keymsg_core::Error;

/// An error the CLI reports on stderr before exiting with [`CliError::code`].
#[derive(Debug)]
pub enum CliError {
    /// Bad input: exit 1.
    Invalid(Vec<String>),
    /// Bad usage: exit 2.
    Usage(String),
    /// Store failure: exit 3.
    Store(String),
    /// Other I/O failure: exit 4.
    Io(String),
}

impl CliError {
    /// The exit code documented in `keymsg --help`.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Invalid(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Store(_) => 3,
            CliError::Io(_) => 4,
        }
    }

    /// One line per problem (line breaks inside a message, e.g. from SQLite,
    /// are folded so every problem stays on one line).
    pub fn lines(&self) -> Vec<String> {
        let one = |s: &String| s.trim_end().replace(['\r', '\n'], " ");
        let one = |s: &String| keymsg_core::escape_controls(&one(s)).into_owned();
        match self {
            CliError::Invalid(lines) => lines.iter().map(one).collect(),
            CliError::Usage(s) | CliError::Store(s) | CliError::Io(s) => vec![one(s)],
        }
    }
}

/// Write one line to stderr, prefixed `keymsg:`. Line breaks are folded and
/// every other control or bidi character is escaped visibly (`\u{1b}`):
/// messages echo tokens, ids and file names a caller chose, and a terminal
/// must never take one of them for a command.
/// A closed stderr (`keymsg check 2>&1 | head -1`) loses the line, never
/// panics (`eprintln!` would, exit 101 instead of the documented code).
pub fn say(message: &str) {
    use std::io::Write as _;
    let folded = message.trim_end().replace(['\r', '\n'], " ");
    let _ = writeln!(
        std::io::stderr().lock(),
        "keymsg: {}",
        keymsg_core::escape_controls(&folded)
    );
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        use keymsg_core::layout::LayoutError as L;
        use keymsg_core::report::ReportError as R;
        match e {
            Error::Catalog(c) => c.into(),
            Error::Store(s) => s.into(),
            Error::InvalidArgument { .. } => CliError::Usage(e.to_string()),
            // A width or ellipsis that cannot work is a bad flag value.
            Error::Layout(
                l @ (L::WidthTooSmall(_)
                | L::WidthTooLarge { .. }
                | L::EllipsisTooWide { .. }
                | L::FooterTooNarrow { .. }),
            ) => CliError::Usage(l.to_string()),
            Error::Report(r @ (R::Io { .. } | R::Xlsx(_))) => CliError::Io(r.to_string()),
            other => CliError::Invalid(vec![other.to_string()]),
        }
    }
}

impl From<keymsg_core::layout::LayoutError> for CliError {
    fn from(e: keymsg_core::layout::LayoutError) -> Self {
        Error::Layout(e).into()
    }
}

impl From<keymsg_core::report::ReportError> for CliError {
    fn from(e: keymsg_core::report::ReportError) -> Self {
        Error::Report(e).into()
    }
}

impl From<keymsg_core::store::StoreError> for CliError {
    fn from(e: keymsg_core::store::StoreError) -> Self {
        match e {
            // A value the store refuses (a count above the maximum, an
            // instant out of range) came from a flag: bad usage, not a
            // broken store.
            keymsg_core::store::StoreError::Invalid { .. } => CliError::Usage(e.to_string()),
            _ => CliError::Store(e.to_string()),
        }
    }
}

impl From<keymsg_core::catalog::CatalogError> for CliError {
    fn from(e: keymsg_core::catalog::CatalogError) -> Self {
        use keymsg_core::catalog::CatalogError as C;
        match e {
            C::Io { .. } => CliError::Io(e.to_string()),
            other => CliError::Invalid(other.lines()),
        }
    }
}
