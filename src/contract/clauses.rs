//! Every clause of CONTRACT.md, with the operations it applies to.

/// One clause of the contract.
#[derive(Debug, Clone, Copy)]
pub struct Clause {
    pub id: &'static str,
    pub summary: &'static str,
    /// The operations the clause applies to; empty means every operation a scenario calls.
    pub operations: &'static [&'static str],
}

const TOKEN_CREATES: &[&str] = &[
    "CreateEnvironmentTemplateVersion",
    "CreateServiceTemplateVersion",
    "CreateEnvironmentAccountConnection",
];

/// Operations the model marks with an idempotency token although the documentation does not
/// list them (reported as a finding, tagged `model-only`).
pub const MODEL_ONLY_TOKEN_OPERATIONS: &[&str] = &[
    "CreateComponent",
    "CreateServiceInstance",
    "UpdateComponent",
    "UpdateServiceInstance",
];

const ALL_TOKEN_OPERATIONS: &[&str] = &[
    "CreateEnvironmentTemplateVersion",
    "CreateServiceTemplateVersion",
    "CreateEnvironmentAccountConnection",
    "CreateComponent",
    "CreateServiceInstance",
    "UpdateComponent",
    "UpdateServiceInstance",
];

const NAMED_CREATES: &[&str] = &[
    "CreateEnvironmentTemplate",
    "CreateServiceTemplate",
    "CreateEnvironment",
    "CreateService",
];

const DELETES: &[&str] = &[
    "DeleteEnvironmentTemplate",
    "DeleteEnvironmentTemplateVersion",
    "DeleteServiceTemplate",
    "DeleteServiceTemplateVersion",
    "DeleteEnvironmentAccountConnection",
];

const ASYNC_DELETES: &[&str] = &["DeleteEnvironment", "DeleteService"];

/// The 18 operations the contract names (14 from the text, 4 model-only): the coverage
/// matrix's columns.
pub const OPERATIONS: &[&str] = &[
    "CreateEnvironmentTemplateVersion",
    "CreateServiceTemplateVersion",
    "CreateEnvironmentAccountConnection",
    "CreateEnvironmentTemplate",
    "CreateServiceTemplate",
    "CreateEnvironment",
    "CreateService",
    "DeleteEnvironmentTemplate",
    "DeleteEnvironmentTemplateVersion",
    "DeleteServiceTemplate",
    "DeleteServiceTemplateVersion",
    "DeleteEnvironmentAccountConnection",
    "DeleteEnvironment",
    "DeleteService",
    "CreateComponent",
    "CreateServiceInstance",
    "UpdateComponent",
    "UpdateServiceInstance",
];

pub const CLAUSES: &[Clause] = &[
    Clause {
        id: "CT1",
        summary: "a client token is up to 64 printable ASCII characters, case-sensitive",
        operations: ALL_TOKEN_OPERATIONS,
    },
    Clause {
        id: "CT2",
        summary: "same token, same parameters: the original resource, nothing more",
        operations: ALL_TOKEN_OPERATIONS,
    },
    Clause {
        id: "CT3",
        summary: "same token, different parameters: ValidationException (IdempotentParameterMismatch)",
        operations: ALL_TOKEN_OPERATIONS,
    },
    Clause {
        id: "CT4",
        summary: "tokens expire eight hours after the request",
        operations: TOKEN_CREATES,
    },
    Clause {
        id: "CT5",
        summary: "original deleted: a retry with the same token creates a new resource",
        operations: TOKEN_CREATES,
    },
    Clause {
        id: "CT6",
        summary: "without a token, each request creates its own resource",
        operations: TOKEN_CREATES,
    },
    Clause {
        id: "IC1",
        summary: "retry of an unmodified resource: the original resource, nothing more",
        operations: NAMED_CREATES,
    },
    Clause {
        id: "IC2",
        summary: "retry after a modification: ConflictException",
        operations: NAMED_CREATES,
    },
    Clause {
        id: "IC3",
        summary: "retry with different parameters: ValidationException (IdempotentParameterMismatch)",
        operations: NAMED_CREATES,
    },
    Clause {
        id: "ID1",
        summary: "retry after the delete: succeeds with the deleted resource's metadata",
        operations: DELETES,
    },
    Clause {
        id: "ID2",
        summary: "retry when the resource does not exist: succeeds with an empty response",
        operations: DELETES,
    },
    Clause {
        id: "ID3",
        summary: "a retried delete never answers ResourceNotFoundException",
        operations: DELETES,
    },
    Clause {
        id: "AD1",
        summary: "retry while DELETE_IN_PROGRESS: the resource detail, nothing more",
        operations: ASYNC_DELETES,
    },
    Clause {
        id: "AD2",
        summary: "retry after the delete completed: an empty response",
        operations: ASYNC_DELETES,
    },
    Clause {
        id: "G1",
        summary: "asynchronous work is observed through Get calls and waiters",
        operations: &[],
    },
    Clause {
        id: "G2",
        summary: "every response body conforms to the model",
        operations: &[],
    },
    Clause {
        id: "G3",
        summary: "errors are awsJson1_0 errors of a declared or protocol-level type",
        operations: &[],
    },
];

/// The link to a clause's section of CONTRACT.md found at `contract` (a path or URL).
pub fn clause_link(contract: &str, id: &str) -> String {
    format!("{contract}#{}", id.to_ascii_lowercase())
}

pub fn clause(id: &str) -> Option<&'static Clause> {
    CLAUSES.iter().find(|c| c.id == id)
}

/// Whether a clause applies to an operation (CONTRACT.md, "Where each clause applies").
pub fn applies(clause_id: &str, operation: &str) -> bool {
    clause(clause_id).is_some_and(|c| c.operations.is_empty() || c.operations.contains(&operation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicability_follows_the_contract() {
        assert_eq!(CLAUSES.len(), 17);
        assert_eq!(OPERATIONS.len(), 18);
        assert!(applies("CT2", "UpdateComponent"));
        assert!(
            !applies("CT4", "UpdateComponent"),
            "n/a: an update creates nothing"
        );
        assert!(applies("CT4", "CreateServiceTemplateVersion"));
        assert!(!applies("IC1", "CreateEnvironmentTemplateVersion"));
        assert!(applies("G2", "ListEnvironmentTemplates"));
        for op in OPERATIONS {
            assert!(crate::model::Model::get().operation(op).is_some(), "{op}");
        }
    }

    #[test]
    fn contract_md_has_a_section_for_every_clause() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/CONTRACT.md");
        let text = std::fs::read_to_string(path).unwrap();
        for clause in CLAUSES {
            let anchor = format!("<a id=\"{}\"></a>", clause.id.to_ascii_lowercase());
            assert!(text.contains(&anchor), "CONTRACT.md has no {anchor}");
        }
        assert_eq!(clause_link("CONTRACT.md", "AD1"), "CONTRACT.md#ad1");
    }
}
