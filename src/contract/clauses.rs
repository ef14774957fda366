//! A clause of the contract: its id, what it says, and where it applies. The catalogue itself
//! is a service pack's data (src/packs/).

use serde::Deserialize;

/// One clause of the contract.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    pub summary: String,
    /// The operation groups the clause applies to; empty means every operation a scenario calls.
    #[serde(default)]
    pub applies_to: Vec<String>,
}

impl Clause {
    /// Whether the clause applies to every operation (the general clauses, G1..G3).
    pub fn is_general(&self) -> bool {
        self.applies_to.is_empty()
    }
}

/// The link to a clause's section of CONTRACT.md found at `contract` (a path or URL).
pub fn clause_link(contract: &str, id: &str) -> String {
    format!("{contract}#{}", id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_anchor() {
        assert_eq!(clause_link("CONTRACT.md", "AD1"), "CONTRACT.md#ad1");
    }
}
