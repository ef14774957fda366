//! `proton-conform generate`: the pack's token contract as scenario files, and what each
//! operation x clause became (generated, unknown, or needing a fixture).

use std::sync::Arc;

use proton_conform::error::Error;
use proton_conform::generate::{Coverage, generate as scenarios_of};
use proton_conform::service::Service;

use super::args::GenerateArgs;
use super::exit::Exit;

pub fn generate(args: GenerateArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    if let Some(why) = service.unspoken() {
        return Err(Error::input(why));
    }
    let out = args
        .out
        .unwrap_or_else(|| format!("generated/{}", service.name()).into());
    let (files, coverage) = scenarios_of(service);
    let written = std::fs::create_dir_all(&out).and_then(|()| {
        for file in &files {
            std::fs::write(out.join(&file.file), &file.text)?;
        }
        Ok(())
    });
    written.map_err(|e| Error::io(format!("cannot write {}: {e}", out.display())))?;
    for (operation, clause, status) in &coverage {
        let text = match status {
            Coverage::Generated(file) => format!("generated {}", out.join(file).display()),
            Coverage::Unknown if service.pack.documented => {
                "unknown: the documentation does not decide it".to_string()
            }
            Coverage::Unknown => {
                "unknown: no documentation was read (a pack states what it decides)".to_string()
            }
            Coverage::NeedsFixture(why) => format!("needs fixture: {why}"),
            Coverage::Unspoken(why) => format!("not written: {why}"),
        };
        println!("{operation} {clause}: {text}");
    }
    eprintln!(
        "{} scenario(s) for {} written to {}; run them with `proton-conform run --service {} {}`",
        files.len(),
        service.pack.title,
        out.display(),
        service.name(),
        out.display()
    );
    Ok(Exit::Success)
}
