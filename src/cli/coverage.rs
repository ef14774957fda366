//! `proton-conform coverage`: the clause x operation matrix of the selected scenarios.

use proton_conform::contract::Matrix;

use super::args::CoverageArgs;
use super::exit::Exit;
use super::select;

pub fn coverage(args: CoverageArgs) -> Exit {
    let loaded = match select::load(&args.selection) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    if !loaded.problems.is_empty() {
        select::print_problems(&loaded.problems);
        return Exit::BadInput;
    }
    let pairs: Vec<(&[String], &[String])> = loaded
        .scenarios
        .iter()
        .map(|s| (s.contract.as_slice(), s.operations.as_slice()))
        .collect();
    let matrix = Matrix::build(pairs.iter().copied());
    let markdown = matrix.markdown();
    print!("{markdown}");
    let gaps = matrix.gaps();
    let json = serde_json::json!({ "matrix": matrix, "gaps": gaps });
    let written = std::fs::create_dir_all(&args.out)
        .and_then(|()| std::fs::write(args.out.join("coverage.md"), &markdown))
        .and_then(|()| std::fs::write(args.out.join("coverage.json"), json.to_string()));
    if let Err(e) = written {
        eprintln!(
            "error: cannot write the coverage files under {}: {e}",
            args.out.display()
        );
        return Exit::CouldNotRun;
    }
    if gaps.is_empty() {
        eprintln!("no gaps: every clause is checked on every operation it applies to");
    } else {
        eprintln!("{} gap(s):", gaps.len());
        for (clause, op) in &gaps {
            eprintln!("  {clause} on {op}");
        }
    }
    Exit::Success
}
