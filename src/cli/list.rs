//! `proton-conform list`: what a selection holds.

use std::sync::Arc;

use super::args::{Format, ListArgs};
use super::exit::Exit;
use super::select;
use proton_conform::error::Error;
use proton_conform::service::Service;

pub fn list(args: ListArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let loaded = select::load(&args.selection, service)?;
    if !loaded.problems.is_empty() {
        select::print_problems(&loaded.problems);
        return Ok(Exit::BadInput);
    }
    for s in &loaded.scenarios {
        match args.format {
            Format::Human => println!("{}  {}  [{}]", s.file, s.name, s.contract.join(", ")),
            Format::Json => println!(
                "{}",
                serde_json::json!({
                    "file": s.file,
                    "name": s.name,
                    "contract": s.contract,
                    "operations": s.operations,
                    "tags": s.tags,
                    "requires": s.requires.iter().map(|c| c.name()).collect::<Vec<_>>(),
                })
            ),
        }
    }
    Ok(Exit::Success)
}
