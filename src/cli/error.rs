//! The one error every command returns: the exit code and the text for standard error, so
//! each message is written in one place, the same way, and each kind of library error maps to
//! its exit code once.

use std::fmt::Display;
use std::io::Write;
use std::path::Path;

use crate::config::ConfigError;
use crate::engine::LoadError;
use crate::storage::WriteError;
use crate::storage::crypto::{CryptoError, RecordError};

/// Exit code: the input has problems (diagnostics, rejected answers, a wrong argument).
const INVALID: u8 = 1;
/// Exit code: a file could not be read or written.
const FAILED: u8 = 2;

/// Why a command stopped: its exit code and what standard error says about it.
#[derive(Debug)]
pub struct CliError {
    /// [`INVALID`] or [`FAILED`].
    code: u8,
    /// Printed as it is, then a newline: `error: …`, `FILE: error: …`, or problems already
    /// listed one a line with their positions.
    message: String,
}

impl CliError {
    /// The input has problems (exit 1): `error: {what}`.
    pub fn invalid(what: impl Display) -> Self {
        Self::new(INVALID, None, what)
    }

    /// A file could not be read or written (exit 2): `error: {what}`.
    pub fn failed(what: impl Display) -> Self {
        Self::new(FAILED, None, what)
    }

    /// As [`CliError::invalid`], about one file: `{path}: error: {what}`.
    pub fn invalid_in(path: &Path, what: impl Display) -> Self {
        Self::new(INVALID, Some(path), what)
    }

    /// As [`CliError::failed`], about one file: `{path}: error: {what}`.
    pub fn failed_in(path: &Path, what: impl Display) -> Self {
        Self::new(FAILED, Some(path), what)
    }

    /// Problems in the input already written out with their positions (exit 1), printed as
    /// they are: each line names its own file.
    pub fn listed(problems: impl Display) -> Self {
        CliError {
            code: INVALID,
            message: problems.to_string(),
        }
    }

    /// The window could not be opened (exit 2).
    pub fn window(e: impl Display) -> Self {
        Self::failed(format_args!("cannot open the window: {e}"))
    }

    /// A summary file that could not be had as bytes: unreadable (exit 2); encrypted with no
    /// key given, too large, or not decrypted (exit 1). `RecordError::Locked`'s own message is
    /// worded for the review window, so here it says what to pass.
    pub fn record(path: &Path, e: RecordError) -> Self {
        match e {
            RecordError::Locked => Self::invalid_in(
                path,
                "encrypted: pass --identity FILE with the clinic's key",
            ),
            RecordError::Read(_) | RecordError::NotAFile(_) => Self::failed_in(path, e),
            RecordError::TooLarge { .. } | RecordError::Decrypt(_) => Self::invalid_in(path, e),
        }
    }

    fn new(code: u8, path: Option<&Path>, what: impl Display) -> Self {
        let message = match path {
            Some(path) => format!("{}: error: {what}", path.display()),
            None => format!("error: {what}"),
        };
        CliError { code, message }
    }

    /// Writes the message to `err`; returns the exit code.
    pub fn report(self, err: &mut dyn Write) -> i32 {
        let _ = writeln!(err, "{}", self.message);
        self.code.into()
    }
}

/// A questionnaire that cannot be read is a failure; one with problems lists them.
impl From<LoadError> for CliError {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Io { .. } => CliError::failed(e),
            LoadError::Invalid { .. } => CliError::listed(e),
        }
    }
}

/// A mistyped recipient, or a key file already in the way, is the user's to fix; any other
/// key problem is a file that could not be read, written or used.
impl From<CryptoError> for CliError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::BadRecipient(_) | CryptoError::KeyExists(_) => CliError::invalid(e),
            _ => CliError::failed(e),
        }
    }
}

impl From<WriteError> for CliError {
    fn from(e: WriteError) -> Self {
        CliError::failed(e)
    }
}

/// A site configuration that does not load: its problem, at its line and column.
impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::invalid(format_args!(
            "the site configuration could not be read:\n{e}"
        ))
    }
}
