//! The library's one error type, as nextest keeps one: a kind, which decides the exit code (in
//! one place, `cli/exit.rs`), what the error is about where a caller or a test needs it typed
//! (a place in a file, a member, an operation), and a message that says what happened and what
//! to do about it. Verdicts on an endpoint are never errors: they are events. An error is a
//! run, a step or a command that could not do its work.

use std::fmt;
use std::path::PathBuf;

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

/// What an error is about, kept typed rather than flattened into the message at the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// A place in a file; line and column are 1-based, where known.
    File {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
    },
    /// A member, by its path from the shape that holds it (`spec.name`, `items[]`).
    Member(String),
    /// An operation of a model.
    Operation(String),
}

impl fmt::Display for About {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            About::File { path, line, column } => {
                write!(f, "{}", path.display())?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                if let Some(column) = column {
                    write!(f, ":{column}")?;
                }
                Ok(())
            }
            About::Member(path) => f.write_str(path),
            About::Operation(name) => f.write_str(name),
        }
    }
}

/// An error of the harness: its kind, what it is about, and its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub about: Option<About>,
    /// Where it happened, outermost first (each shown before the message).
    pub context: Vec<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.context {
            write!(f, "{c}: ")?;
        }
        if let Some(about) = &self.about {
            write!(f, "{about}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            about: None,
            context: Vec::new(),
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

    /// The same error, about `about`.
    pub fn about(mut self, about: About) -> Self {
        self.about = Some(about);
        self
    }

    /// The same error, about a member at `path`.
    pub fn at_member(self, path: impl Into<String>) -> Self {
        self.about(About::Member(path.into()))
    }

    /// The same error, about a place in a file.
    pub fn at_file(self, path: impl Into<PathBuf>, line: Option<usize>) -> Self {
        self.about(About::File {
            path: path.into(),
            line,
            column: None,
        })
    }

    /// The same error, shown after where it happened.
    pub fn context(mut self, prefix: impl fmt::Display) -> Self {
        self.context.insert(0, prefix.to_string());
        self
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_and_about_come_before_the_message_and_stay_typed() {
        let e = Error::input("nests too deep to synthesize")
            .at_member("spec.items[]")
            .context("CreateThing");
        assert_eq!(
            e.to_string(),
            "CreateThing: spec.items[]: nests too deep to synthesize"
        );
        assert_eq!(e.about, Some(About::Member("spec.items[]".into())));
        let e = Error::input("unknown key `retyr`").about(About::File {
            path: "pack.yaml".into(),
            line: Some(3),
            column: Some(5),
        });
        assert_eq!(e.to_string(), "pack.yaml:3:5: unknown key `retyr`");
    }
}
