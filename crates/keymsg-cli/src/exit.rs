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

    /// One line per problem.
    pub fn lines(&self) -> Vec<String> {
        match self {
            CliError::Invalid(lines) => lines.clone(),
            CliError::Usage(s) | CliError::Store(s) | CliError::Io(s) => vec![s.clone()],
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        match e {
            Error::Catalog(c) => c.into(),
            Error::Store(s) => CliError::Store(s.to_string()),
            Error::InvalidArgument { .. } => CliError::Usage(e.to_string()),
            other => CliError::Invalid(vec![other.to_string()]),
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
