//! The coverage matrix: for each clause and each of the contract's 18 operations, how many
//! scenarios check it; "n/a" where CONTRACT.md says the clause does not apply.

use serde::Serialize;

use super::clauses::{CLAUSES, OPERATIONS, applies};

/// One cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "scenarios")]
pub enum Cell {
    NotApplicable,
    Covered(usize),
    Gap,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub operations: Vec<&'static str>,
    pub rows: Vec<(&'static str, Vec<Cell>)>,
}

impl Matrix {
    /// Builds the matrix from each scenario's `contract` and `operations`. G rows count every
    /// operation a scenario exercises.
    pub fn build<'a>(
        scenarios: impl IntoIterator<Item = (&'a [String], &'a [String])> + Clone,
    ) -> Matrix {
        let rows = CLAUSES
            .iter()
            .map(|clause| {
                let cells = OPERATIONS
                    .iter()
                    .map(|op| {
                        if !applies(clause.id, op) {
                            return Cell::NotApplicable;
                        }
                        let general = clause.operations.is_empty();
                        let count = scenarios
                            .clone()
                            .into_iter()
                            .filter(|(contract, operations)| {
                                operations.iter().any(|o| o == op)
                                    && (general || contract.iter().any(|c| c == clause.id))
                            })
                            .count();
                        if count == 0 {
                            Cell::Gap
                        } else {
                            Cell::Covered(count)
                        }
                    })
                    .collect();
                (clause.id, cells)
            })
            .collect();
        Matrix {
            operations: OPERATIONS.to_vec(),
            rows,
        }
    }

    pub fn gaps(&self) -> Vec<(&'static str, &'static str)> {
        let mut gaps = Vec::new();
        for (clause, cells) in &self.rows {
            for (op, cell) in self.operations.iter().zip(cells) {
                if *cell == Cell::Gap {
                    gaps.push((*clause, *op));
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

    #[test]
    fn counts_applicable_cells_and_marks_gaps_and_na() {
        let contract = vec!["CT2".to_string()];
        let ops = vec!["CreateEnvironmentTemplateVersion".to_string()];
        let m = Matrix::build([(contract.as_slice(), ops.as_slice())]);
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
    }
}
