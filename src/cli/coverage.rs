//! `proton-conform coverage`: the clause x operation matrix of the selected scenarios.

use std::sync::Arc;

use proton_conform::contract::{Cell, Matrix};
use proton_conform::error::Error;
use proton_conform::generate::{Coverage, generate};

use super::args::CoverageArgs;
use super::exit::Exit;
use super::select;
use proton_conform::service::Service;

pub fn coverage(args: CoverageArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    let loaded = select::load(&args.selection, service)?;
    if !loaded.problems.is_empty() {
        select::print_problems(&loaded.problems);
        return Ok(Exit::BadInput);
    }
    let matrix = matrix_of(
        service,
        loaded
            .scenarios
            .iter()
            .map(|s| (s.contract.as_slice(), s.operations.as_slice())),
    );
    print!("{}", matrix.markdown());
    let gaps = matrix.gaps();
    write_files(&matrix, &args.out).map_err(|e| {
        Error::io(format!(
            "cannot write the coverage files under {}: {e}",
            args.out.display()
        ))
    })?;
    if gaps.is_empty() {
        eprintln!("no gaps: every clause is checked on every operation it applies to");
    } else {
        eprintln!("{} gap(s):", gaps.len());
        for (clause, op) in &gaps {
            eprintln!("  {clause} on {op}");
        }
    }
    Ok(Exit::Success)
}

/// The matrix of scenarios given as (contract, operations) pairs.
pub(super) fn matrix_of<'a>(
    service: &Service,
    pairs: impl Iterator<Item = (&'a [String], &'a [String])>,
) -> Matrix {
    let pairs: Vec<(&[String], &[String])> = pairs.collect();
    let mut matrix = Matrix::build(service, pairs.iter().copied());
    // A pack's token contract says where no scenario can be written, and why.
    for (operation, clause, status) in generate(service).1 {
        match status {
            Coverage::Unknown => matrix.mark(clause, &operation, Cell::Unknown),
            Coverage::NeedsFixture(_) => matrix.mark(clause, &operation, Cell::NeedsFixture),
            // A protocol not spoken yet leaves a gap: nothing was written, nothing judged.
            Coverage::Generated(_) | Coverage::Unspoken(_) => {}
        }
    }
    matrix
}

/// `coverage.md` and `coverage.json` under `dir`: what `coverage` and `report merge` write.
pub(super) fn write_files(matrix: &Matrix, dir: &std::path::Path) -> std::io::Result<()> {
    let json = serde_json::json!({ "matrix": matrix, "gaps": matrix.gaps() });
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("coverage.md"), matrix.markdown())?;
    std::fs::write(dir.join("coverage.json"), json.to_string())
}
