//! Helpers shared by the tests that drive outside tools.

use std::process::{Command, Stdio};

/// Whether tools must be present (`PROTON_CONFORM_REQUIRE_TOOLS=1`, as in CI).
pub fn tools_required() -> bool {
    std::env::var("PROTON_CONFORM_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Whether a tool runs; a missing one skips the test (saying why), or fails it when tools are
/// required.
pub fn available(what: &str, program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !tools_required(),
            "{what} is required (PROTON_CONFORM_REQUIRE_TOOLS=1) but missing"
        );
        eprintln!("skipped: {what} is not installed");
    }
    ok
}
