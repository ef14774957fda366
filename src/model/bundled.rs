//! The botocore models compiled into the binary (files in `data/`, origin and licence in
//! `data/README.md`), by uid.

/// One model's three files; waiters and paginators are empty for a service without them.
pub struct ModelFiles {
    pub uid: &'static str,
    pub service: &'static str,
    pub waiters: &'static str,
    pub paginators: &'static str,
}

pub const BUNDLED_MODELS: &[ModelFiles] = &[ModelFiles {
    uid: "proton-2020-07-20",
    service: include_str!("data/proton-2020-07-20.service.json"),
    waiters: include_str!("data/proton-2020-07-20.waiters.json"),
    paginators: include_str!("data/proton-2020-07-20.paginators.json"),
}];

impl super::Model {
    /// A bundled model by uid (`proton-2020-07-20`).
    pub fn bundled(uid: &str) -> Result<super::Model, String> {
        let files = BUNDLED_MODELS
            .iter()
            .find(|m| m.uid == uid)
            .ok_or_else(|| format!("no bundled model {uid}"))?;
        super::Model::from_botocore(files.service, files.waiters, files.paginators)
    }
}
