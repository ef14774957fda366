//! Exit codes, documented in the README, and the one place errors become them.

use proton_conform::error::{Error, ErrorKind};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every scenario passed or was skipped with a reason.
    Success = 0,
    /// At least one scenario failed or errored.
    Failures = 1,
    /// Invalid scenarios or usage.
    BadInput = 2,
    /// The run could not take place: endpoint unreachable, I/O or internal error.
    CouldNotRun = 3,
}

/// The one mapping from an error's kind to an exit code.
impl From<&Error> for Exit {
    fn from(e: &Error) -> Exit {
        match e.kind {
            ErrorKind::Input => Exit::BadInput,
            ErrorKind::Endpoint | ErrorKind::Credentials | ErrorKind::Io | ErrorKind::Internal => {
                Exit::CouldNotRun
            }
        }
    }
}

/// Prints an error the way every command does, and gives its exit code.
pub fn report(e: &Error) -> Exit {
    eprintln!("error: {e}");
    Exit::from(e)
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_are_exit_2_and_the_rest_exit_3() {
        assert_eq!(Exit::from(&Error::input("bad URL")), Exit::BadInput);
        for e in [
            Error::endpoint("unreachable"),
            Error::credentials("none"),
            Error::io("disk full"),
            Error::internal("bug"),
        ] {
            assert_eq!(Exit::from(&e), Exit::CouldNotRun, "{e:?}");
        }
    }
}
