//! The coverage matrix: for each clause and each operation the contract names, how many
//! scenarios check it; "n/a" where the service pack says the clause does not apply.

use serde::Serialize;

use crate::service::Service;

/// One cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "scenarios")]
pub enum Cell {
    NotApplicable,
    Covered(usize),
    Gap,
    /// The documentation decides nothing here: no scenario can say what is right.
    Unknown,
    /// A scenario could be generated, but the input needs a fixture the pack lacks.
    NeedsFixture,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub operations: Vec<String>,
    pub rows: Vec<(String, Vec<Cell>)>,
}

impl Matrix {
    /// Builds the matrix from each scenario's `contract` and `operations`. G rows count every
    /// operation a scenario exercises.
    pub fn build<'a>(
        service: &Service,
        scenarios: impl IntoIterator<Item = (&'a [String], &'a [String])> + Clone,
    ) -> Matrix {
        let operations = service.contract_operations();
        let rows = service
            .clauses()
            .iter()
            .map(|clause| {
                let cells = operations
                    .iter()
                    .map(|op| {
                        if !service.applies(&clause.id, op) {
                            return Cell::NotApplicable;
                        }
                        let general = clause.is_general();
                        let count = scenarios
                            .clone()
                            .into_iter()
                            .filter(|(contract, operations)| {
                                operations.iter().any(|o| o == op)
                                    && (general || contract.contains(&clause.id))
                            })
                            .count();
                        if count == 0 {
                            Cell::Gap
                        } else {
                            Cell::Covered(count)
                        }
                    })
                    .collect();
                (clause.id.clone(), cells)
            })
            .collect();
        Matrix {
            operations: operations.into_iter().map(str::to_string).collect(),
            rows,
        }
    }

    /// Marks a cell that no scenario covers as unknown or needing a fixture.
    pub fn mark(&mut self, clause: &str, operation: &str, cell: Cell) {
        let Some(col) = self.operations.iter().position(|o| o == operation) else {
            return;
        };
        if let Some((_, cells)) = self.rows.iter_mut().find(|(c, _)| c == clause)
            && cells[col] == Cell::Gap
        {
            cells[col] = cell;
        }
    }

    pub fn gaps(&self) -> Vec<(&str, &str)> {
        let mut gaps = Vec::new();
        for (clause, cells) in &self.rows {
            for (op, cell) in self.operations.iter().zip(cells) {
                if *cell == Cell::Gap {
                    gaps.push((clause.as_str(), op.as_str()));
                }
            }
        }
        gaps
    }

    /// A Markdown table, operations as columns.
    pub fn markdown(&self) -> String {
        let mut out = String::from("| clause |");
        for op in &self.operations {
            out.push_str(&format!(" {op} |"));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(self.operations.len()));
        out.push('\n');
        for (clause, cells) in &self.rows {
            out.push_str(&format!("| {clause} |"));
            for cell in cells {
                let text = match cell {
                    Cell::NotApplicable => "n/a".to_string(),
                    Cell::Covered(n) => n.to_string(),
                    Cell::Gap => "**gap**".to_string(),
                    Cell::Unknown => "unknown".to_string(),
                    Cell::NeedsFixture => "needs fixture".to_string(),
                };
                out.push_str(&format!(" {text} |"));
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_of(m: &Matrix, id: &str) -> Vec<Cell> {
        m.rows.iter().find(|(c, _)| c == id).unwrap().1.clone()
    }

    #[test]
    fn counts_applicable_cells_and_marks_gaps_and_na() {
        let contract = vec!["CT2".to_string()];
        let ops = vec!["CreateEnvironmentTemplateVersion".to_string()];
        let m = Matrix::build(&Service::proton(), [(contract.as_slice(), ops.as_slice())]);
        let row = |id: &str| m.rows.iter().find(|(c, _)| *c == id).unwrap().1.clone();
        let col = m
            .operations
            .iter()
            .position(|o| *o == "CreateEnvironmentTemplateVersion")
            .unwrap();
        assert_eq!(row("CT2")[col], Cell::Covered(1));
        assert_eq!(row("G2")[col], Cell::Covered(1));
        assert_eq!(row("CT3")[col], Cell::Gap);
        let update = m
            .operations
            .iter()
            .position(|o| *o == "UpdateComponent")
            .unwrap();
        assert_eq!(row("CT4")[update], Cell::NotApplicable);
        assert_eq!(row("IC1")[col], Cell::NotApplicable);
        assert!(
            m.gaps()
                .contains(&("CT3", "CreateEnvironmentTemplateVersion"))
        );
        assert!(m.markdown().contains("| CT2 | 1 |"));
        let mut marked = m.clone();
        marked.mark("CT3", "CreateEnvironmentTemplateVersion", Cell::Unknown);
        marked.mark(
            "CT2",
            "CreateEnvironmentTemplateVersion",
            Cell::NeedsFixture,
        );
        assert_eq!(
            row_of(&marked, "CT3")[col],
            Cell::Unknown,
            "a gap is marked"
        );
        assert_eq!(
            row_of(&marked, "CT2")[col],
            Cell::Covered(1),
            "a covered cell stays"
        );
        assert!(
            !marked
                .gaps()
                .contains(&("CT3", "CreateEnvironmentTemplateVersion"))
        );
    }
}
