//! The service packs compiled into the binary (files in `src/packs/`); each names its model,
//! one of the bundled botocore models.

/// One bundled pack: its name and its pack file.
pub struct Bundled {
    pub name: &'static str,
    pub pack: &'static str,
}

pub const BUNDLED: &[Bundled] = &[Bundled {
    name: "proton",
    pack: include_str!("../packs/proton.yaml"),
}];
