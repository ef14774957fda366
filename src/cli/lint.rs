//! `proton-conform lint`: every problem of every file, without running anything.

use std::sync::Arc;

use std::io::Write;

use super::args::LintArgs;
use super::exit::Exit;
use super::select;
use proton_conform::error::Error;
use proton_conform::service::Service;

pub fn lint(args: LintArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    if let Some(why) = service.unspoken() {
        return Err(Error::input(why));
    }
    let loaded = select::load(&args.selection, service)?;
    select::print_problems(&loaded.problems);
    let bad_files = loaded
        .problems
        .iter()
        .map(|(d, _)| d.file.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut err = anstream::stderr().lock();
    if loaded.problems.is_empty() {
        let _ = writeln!(err, "{} file(s) checked, no problems", loaded.files);
        Ok(Exit::Success)
    } else {
        let _ = writeln!(
            err,
            "{} problem(s) in {bad_files} of {} file(s)",
            loaded.problems.len(),
            loaded.files
        );
        Ok(Exit::BadInput)
    }
}
