//! The library's one error type, as nextest keeps one: a kind, which decides the exit code (in
//! one place, `cli/exit.rs`), and a message that says what happened and what to do about it.
//! Verdicts on an endpoint are never errors: they are events. An error is a run, a step or a
//! command that could not do its work.

/// What kind of trouble it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Something the user gave is wrong: a URL, a flag, a profile, a template, a file's text.
    Input,
    /// The endpoint could not be reached or cannot be worked with (no control API, no answer).
    Endpoint,
    /// Credentials could not be loaded, or a request could not be signed.
    Credentials,
    /// A file could not be read or written.
    Io,
    /// A defect of the harness itself.
    Internal,
}

/// An error of the harness: its kind and its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }

    pub fn endpoint(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Endpoint, message)
    }

    pub fn credentials(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Credentials, message)
    }

    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Io, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// The same error, its message prefixed with where it happened.
    pub fn context(self, prefix: impl std::fmt::Display) -> Self {
        Self {
            kind: self.kind,
            message: format!("{prefix}: {}", self.message),
        }
    }
}

/// Steps and reports carry messages: an error becomes its message there.
impl From<Error> for String {
    fn from(e: Error) -> String {
        e.message
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
