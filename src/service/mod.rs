//! The service under test: its botocore model and its pack (the contract data the harness needs
//! beyond the model). Built once per process and passed by reference to the parser, client,
//! checks, redaction, runner, fuzzer and cleanup; nothing reaches it through a global.

mod bundled;
mod checks;
mod files;
mod pack;

pub use bundled::{BUNDLED, DEFAULT};
pub use files::{bare_pack, botocore_token_models, resolve};
pub use pack::{
    Clause, CleanupKind, CleanupVersions, EffectRead, FuzzCall, FuzzPack, Pack, TokenOperation,
    fill, pack_schema,
};

use std::sync::Arc;

use crate::error::Error;
use crate::model::Model;

/// A service: the model, and the pack that says which clauses apply where.
#[derive(Debug)]
pub struct Service {
    /// Shared with the embedded emulators a run starts, so schemas compile once.
    pub model: Arc<Model>,
    pub pack: Pack,
}

/// The context of an error loading a pack: which one.
pub(crate) fn in_pack(name: &str) -> String {
    format!("service pack {name}")
}

impl Service {
    /// A pack shipped inside the binary, by name.
    pub fn bundled(name: &str) -> Result<Service, Error> {
        let found = BUNDLED.iter().find(|b| b.name == name).ok_or_else(|| {
            let names: Vec<&str> = BUNDLED.iter().map(|b| b.name).collect();
            Error::input(format!(
                "no such pack; the bundled packs are {}",
                names.join(", ")
            ))
            .context(in_pack(name))
        })?;
        let load = || -> Result<Service, Error> {
            let pack = Pack::parse_file(found.pack, &format!("src/packs/{name}.yaml"))?;
            let model = Model::bundled(&pack.model)?;
            Service::new(model, pack)
        };
        load().map_err(|e| e.context(in_pack(name)))
    }

    /// Joins a model and a pack, checking that every operation the pack names is in the model.
    pub fn new(model: Model, mut pack: Pack) -> Result<Service, Error> {
        checks::pack_fits_model(&pack, &model)?;
        for clause in &mut pack.clauses {
            clause.anchor = format!("{}{}", pack.clause_anchors, clause.id.to_ascii_lowercase());
        }
        Ok(Service {
            model: Arc::new(model),
            pack,
        })
    }

    /// Why the harness cannot speak to the service yet, if it cannot: its protocols are none
    /// it speaks.
    pub fn unspoken(&self) -> Option<String> {
        let metadata = &self.model.metadata;
        (!metadata.spoken()).then(|| {
            format!(
                "{} speaks the {} protocol, which the harness does not speak yet (it speaks awsJson and restJson)",
                self.pack.title,
                metadata.preferred_protocol()
            )
        })
    }

    /// The pack's name.
    pub fn name(&self) -> &str {
        &self.pack.name
    }

    pub fn clauses(&self) -> &[Clause] {
        &self.pack.clauses
    }

    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.pack.clauses.iter().find(|c| c.id == id)
    }

    /// Whether a clause applies to an operation (CONTRACT.md, "Where each clause applies").
    pub fn applies(&self, clause_id: &str, operation: &str) -> bool {
        self.clause(clause_id).is_some_and(|c| {
            c.applies_to.is_empty()
                || c.applies_to
                    .iter()
                    .any(|g| self.pack.group(g).iter().any(|o| o == operation))
        })
    }

    /// The token member of an operation: the pack's, else the model's.
    pub fn token_member(&self, operation: &str) -> Option<&str> {
        self.pack
            .tokens
            .iter()
            .find(|t| t.operation == operation)
            .and_then(|t| t.member.as_deref())
            .or_else(|| self.model.idempotency_token_member(operation))
    }

    /// The operations the contract names, in the coverage matrix's order.
    pub fn contract_operations(&self) -> Vec<&str> {
        self.pack
            .coverage
            .iter()
            .flat_map(|g| self.pack.group(g))
            .map(String::as_str)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicability_follows_the_contract() {
        let s = Service::proton();
        assert_eq!(s.clauses().len(), 17);
        assert_eq!(s.contract_operations().len(), 18);
        assert!(s.applies("CT2", "UpdateComponent"));
        assert!(
            !s.applies("CT4", "UpdateComponent"),
            "n/a: an update creates nothing"
        );
        assert!(s.applies("CT4", "CreateServiceTemplateVersion"));
        assert!(!s.applies("IC1", "CreateEnvironmentTemplateVersion"));
        assert!(s.applies("G2", "ListEnvironmentTemplates"));
        assert!(!s.applies("CT9", "ListEnvironmentTemplates"));
    }

    #[test]
    fn a_pack_naming_an_operation_the_model_lacks_is_refused() {
        let proton = Service::proton();
        let text = crate::service::BUNDLED[0]
            .pack
            .replace("- DeleteService\n", "- DeleteServce\n");
        let pack = Pack::parse(&text).unwrap();
        let model = Model::bundled(&proton.pack.model).unwrap();
        let err = Service::new(model, pack).unwrap_err();
        assert!(err.to_string().contains("DeleteServce"), "{err}");
        assert!(
            Service::bundled("nope")
                .unwrap_err()
                .to_string()
                .contains("proton")
        );
    }

    #[test]
    fn contract_md_has_a_section_for_every_clause() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/CONTRACT.md");
        let text = std::fs::read_to_string(path).unwrap();
        for clause in Service::proton().clauses() {
            let anchor = format!("<a id=\"{}\"></a>", clause.id.to_ascii_lowercase());
            assert!(text.contains(&anchor), "CONTRACT.md has no {anchor}");
        }
    }
}

#[cfg(test)]
mod packs {
    use super::*;

    #[test]
    fn every_bundled_pack_loads_against_its_model() {
        for bundled in BUNDLED {
            let service = Service::bundled(bundled.name).unwrap_or_else(|e| panic!("{e}"));
            for token in &service.pack.tokens {
                assert!(
                    token.source.starts_with("https://docs.aws.amazon.com/"),
                    "{}",
                    token.operation
                );
                assert!(service.token_member(&token.operation).is_some());
            }
        }
    }
}
