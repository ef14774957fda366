//! The client table: driver x clause, how many of the scenarios naming the clause each client
//! passed, and where it is kept in a README (between markers).

use std::collections::BTreeMap;

use super::Driver;
use crate::error::Error;
use crate::event::{ScenarioResult, Verdict};

/// The markers around the table in a README.
pub const TABLE_START: &str = "<!-- sdk-table:start -->";
pub const TABLE_END: &str = "<!-- sdk-table:end -->";

/// Driver x clause: how many of the scenarios naming the clause passed.
pub fn table(drivers: &[Driver], results: &[ScenarioResult]) -> String {
    let mut cells: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut clauses: Vec<String> = Vec::new();
    for result in results {
        let driver = result
            .file
            .split('/')
            .nth(1)
            .unwrap_or_default()
            .to_string();
        for clause in &result.contract {
            if !clauses.contains(clause) {
                clauses.push(clause.clone());
            }
            let cell = cells.entry((driver.clone(), clause.clone())).or_default();
            cell.1 += 1;
            if matches!(result.verdict, Verdict::Passed) {
                cell.0 += 1;
            }
        }
    }
    clauses.sort();
    let mut out = format!("| client | {} |\n|---|", clauses.join(" | "));
    out.push_str(&"---|".repeat(clauses.len()));
    out.push('\n');
    for driver in drivers {
        out.push_str(&format!("| {} |", driver.name));
        for clause in &clauses {
            match cells.get(&(driver.name.clone(), clause.clone())) {
                Some((passed, total)) if passed == total => {
                    out.push_str(&format!(" kept ({passed}/{total}) |"))
                }
                Some((passed, total)) => out.push_str(&format!(" **broken** ({passed}/{total}) |")),
                None => out.push_str(" - |"),
            }
        }
        out.push('\n');
    }
    out
}

/// `text` with the table between the markers replaced by `table`.
pub fn replace_table(text: &str, table: &str) -> Result<String, Error> {
    let (Some(start), Some(end)) = (text.find(TABLE_START), text.find(TABLE_END)) else {
        return Err(Error::input(format!(
            "no {TABLE_START} ... {TABLE_END} section"
        )));
    };
    Ok(format!(
        "{}{TABLE_START}\n{table}{}",
        &text[..start],
        &text[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Problem;

    fn result(driver: &str, clause: &str, passed: bool) -> ScenarioResult {
        ScenarioResult {
            index: 0,
            file: format!("sdk/{driver}/s.yaml"),
            name: "s".into(),
            contract: vec![clause.into()],
            operations: Vec::new(),
            verdict: if passed {
                Verdict::Passed
            } else {
                Verdict::Failed {
                    problem: Problem::scenario_level("broken".into()),
                }
            },
            duration: Default::default(),
            warnings: Vec::new(),
            deviations: Vec::new(),
        }
    }

    #[test]
    fn a_clause_is_kept_only_when_every_scenario_naming_it_passed() {
        let drivers = [Driver::custom("a", 3), Driver::custom("b", 3)].map(|mut d| {
            d.name = if d.command[2] == "a" { "a" } else { "b" }.into();
            d
        });
        let results = [
            result("a", "CT2", true),
            result("a", "CT2", true),
            result("b", "CT2", true),
            result("b", "CT2", false),
        ];
        let text = table(&drivers, &results);
        assert!(text.contains("| a | kept (2/2) |"), "{text}");
        assert!(text.contains("| b | **broken** (1/2) |"), "{text}");
        let readme = format!("intro\n{TABLE_START}\nold\n{TABLE_END}\nend\n");
        let updated = replace_table(&readme, &text).unwrap();
        assert!(
            updated.starts_with("intro\n") && updated.ends_with(&format!("{TABLE_END}\nend\n"))
        );
        assert!(!updated.contains("old") && updated.contains("kept (2/2)"));
        assert!(replace_table("no markers", &text).is_err());
    }
}
