//! Where a clause is explained: its section of CONTRACT.md. The clauses themselves (id, what it
//! says, where it applies) are a service pack's data (`service::Clause`).

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
