//! `proton-conform report merge`: shard JUnit files into one.

use quick_junit::Report;

use proton_conform::report::merge_reports;

use super::args::{ReportAction, ReportArgs};
use super::exit::Exit;

pub fn report(args: ReportArgs) -> Exit {
    let ReportAction::Merge { files, out } = args.action;
    let mut reports = Vec::new();
    for file in &files {
        let parsed = std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|xml| Report::deserialize_from_str(&xml).map_err(|e| e.to_string()));
        match parsed {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("error: {}: not a JUnit report: {e}", file.display());
                return Exit::BadInput;
            }
        }
    }
    let merged = merge_reports(reports);
    let written = merged
        .to_string()
        .map_err(|e| e.to_string())
        .and_then(|xml| {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&out, xml).map_err(|e| e.to_string())
        });
    match written {
        Ok(()) => {
            let cases: usize = merged.test_suites.iter().map(|s| s.test_cases.len()).sum();
            eprintln!(
                "merged {} file(s), {cases} test case(s), into {}",
                files.len(),
                out.display()
            );
            Exit::Success
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            Exit::CouldNotRun
        }
    }
}
