//! The botocore models compiled into the binary (files in `data/`, origin and licence in
//! `data/README.md`), by uid.

/// One model's three files; waiters and paginators are empty for a service without them.
pub struct ModelFiles {
    pub uid: &'static str,
    pub service: &'static str,
    pub waiters: &'static str,
    pub paginators: &'static str,
}

pub const BUNDLED_MODELS: &[ModelFiles] = &[
    ModelFiles {
        uid: "acm-2015-12-08",
        service: include_str!("data/acm-2015-12-08.service.json"),
        waiters: include_str!("data/acm-2015-12-08.waiters.json"),
        paginators: include_str!("data/acm-2015-12-08.paginators.json"),
    },
    ModelFiles {
        uid: "dynamodb-2012-08-10",
        service: include_str!("data/dynamodb-2012-08-10.service.json"),
        waiters: include_str!("data/dynamodb-2012-08-10.waiters.json"),
        paginators: include_str!("data/dynamodb-2012-08-10.paginators.json"),
    },
    ModelFiles {
        uid: "ecs-2014-11-13",
        service: include_str!("data/ecs-2014-11-13.service.json"),
        waiters: include_str!("data/ecs-2014-11-13.waiters.json"),
        paginators: include_str!("data/ecs-2014-11-13.paginators.json"),
    },
    ModelFiles {
        uid: "efs-2015-02-01",
        service: include_str!("data/efs-2015-02-01.service.json"),
        waiters: "",
        paginators: include_str!("data/efs-2015-02-01.paginators.json"),
    },
    ModelFiles {
        uid: "eks-2017-11-01",
        service: include_str!("data/eks-2017-11-01.service.json"),
        waiters: include_str!("data/eks-2017-11-01.waiters.json"),
        paginators: include_str!("data/eks-2017-11-01.paginators.json"),
    },
    ModelFiles {
        uid: "proton-2020-07-20",
        service: include_str!("data/proton-2020-07-20.service.json"),
        waiters: include_str!("data/proton-2020-07-20.waiters.json"),
        paginators: include_str!("data/proton-2020-07-20.paginators.json"),
    },
    ModelFiles {
        uid: "secretsmanager-2017-10-17",
        service: include_str!("data/secretsmanager-2017-10-17.service.json"),
        waiters: "",
        paginators: include_str!("data/secretsmanager-2017-10-17.paginators.json"),
    },
];

impl super::Model {
    /// A bundled model by uid (`proton-2020-07-20`).
    pub fn bundled(uid: &str) -> Result<super::Model, crate::error::Error> {
        let files = BUNDLED_MODELS
            .iter()
            .find(|m| m.uid == uid)
            .ok_or_else(|| crate::error::Error::input(format!("no bundled model {uid}")))?;
        super::Model::from_botocore(files.service, files.waiters, files.paginators)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Model};

    #[test]
    fn every_bundled_model_loads_and_every_schema_compiles() {
        for files in BUNDLED_MODELS {
            let model = Model::bundled(files.uid).unwrap_or_else(|e| panic!("{}: {e}", files.uid));
            for op in model.operations.values() {
                for (shape, direction) in [
                    (&op.input, Direction::Input),
                    (&op.output, Direction::Output),
                ] {
                    if let Some(shape) = shape {
                        model
                            .validator(&shape.shape, direction)
                            .unwrap_or_else(|e| panic!("{} {}: {e}", files.uid, op.name));
                    }
                }
            }
        }
    }
}
