//! Exit codes, documented in the README.

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

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}
