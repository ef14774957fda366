//! The service packs compiled into the binary (files in `src/packs/`); each names its model,
//! one of the bundled botocore models.

use super::Service;

/// The pack `run` and every other command use unless told otherwise.
pub const DEFAULT: &str = "proton";

impl Service {
    /// The default pack, AWS Proton. Its files are compiled in and tested: a failure to load
    /// them is a build defect.
    pub fn proton() -> Service {
        Service::bundled("proton").expect("the bundled Proton pack loads")
    }
}

/// One bundled pack: its name and its pack file.
pub struct Bundled {
    pub name: &'static str,
    pub pack: &'static str,
}

pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "proton",
        pack: include_str!("../packs/proton.yaml"),
    },
    Bundled {
        name: "acm",
        pack: include_str!("../packs/acm.yaml"),
    },
    Bundled {
        name: "dynamodb",
        pack: include_str!("../packs/dynamodb.yaml"),
    },
    Bundled {
        name: "ecs",
        pack: include_str!("../packs/ecs.yaml"),
    },
    Bundled {
        name: "efs",
        pack: include_str!("../packs/efs.yaml"),
    },
    Bundled {
        name: "eks",
        pack: include_str!("../packs/eks.yaml"),
    },
    Bundled {
        name: "secretsmanager",
        pack: include_str!("../packs/secretsmanager.yaml"),
    },
];
