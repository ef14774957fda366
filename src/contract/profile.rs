//! Contract profiles: one file decides every point CONTRACT.md leaves open, so scenarios refer
//! to the profile instead of spelling a reading out.

use serde::Deserialize;

const STRICT: &str = include_str!("../../scenarios/profiles/strict.yaml");
const LENIENT: &str = include_str!("../../scenarios/profiles/lenient.yaml");

/// The decisions of one profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// How an IdempotentParameterMismatch is spelled.
    pub mismatch: MismatchRule,
    /// IC with different parameters on a resource that was also modified: whether a
    /// ConflictException is accepted besides the mismatch.
    pub conflict_accepted_for_modified_mismatch: bool,
    /// ID: whether a repeated delete right after the delete must return the metadata.
    pub deleted_metadata: DeletedMetadata,
    /// CT4: whether retries may extend the eight hours.
    pub expiry_extension_accepted: bool,
    /// Members of a resource detail that may move on between an answer and its retry's
    /// (matched by member name at any depth).
    pub moving_members: Vec<String>,
    /// What a deviation from the protocol or the model (G2, G3) in an answer the SDKs still
    /// read does to a scenario: stop it as a failure, or record it and judge the contract on.
    #[serde(default)]
    pub deviations: Deviations,
}

/// What a G2 or G3 deviation does to a scenario, where the SDKs still read the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deviations {
    /// The scenario fails on it (`run`'s shipped profiles).
    #[default]
    Stop,
    /// It is recorded as a finding of its own, and the scenario goes on (`conformance`).
    Record,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MismatchRule {
    /// The error type a mismatch must have.
    pub error: String,
    /// A regex the message must match; absent: any message.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeletedMetadata {
    /// Right after a delete, a repeated delete returns the deleted resource's metadata.
    Required,
    /// The metadata or `{}`.
    Optional,
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read contract profile {path}: {source}{hint}")]
    Read {
        path: String,
        hint: String,
        source: std::io::Error,
    },
    #[error("invalid contract profile {path}: {message}")]
    Invalid { path: String, message: String },
}

impl Profile {
    /// The default: the strict reading, which the emulator implements.
    pub fn strict() -> Profile {
        Self::parse(STRICT, "strict").expect("the shipped strict profile is valid")
    }

    pub fn lenient() -> Profile {
        Self::parse(LENIENT, "lenient").expect("the shipped lenient profile is valid")
    }

    /// The strict reading, judging on past deviations from the protocol and the model (each
    /// recorded as a finding of its own): what `conformance` judges a foreign endpoint with.
    pub fn conformance() -> Profile {
        Profile {
            name: "conformance".into(),
            description: "The strict reading; a G2 or G3 deviation the SDKs read past is recorded, and the contract judged on.".into(),
            deviations: Deviations::Record,
            ..Self::strict()
        }
    }

    /// A shipped profile by name, or a profile file by path.
    pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
        match name_or_path {
            "strict" => Ok(Self::strict()),
            "lenient" => Ok(Self::lenient()),
            "conformance" => Ok(Self::conformance()),
            path => {
                let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
                    path: path.to_string(),
                    hint: crate::model::closest(path, ["strict", "lenient", "conformance"])
                        .map(|name| format!(" (did you mean `{name}`?)"))
                        .unwrap_or_else(|| {
                            " (a profile is `strict`, `lenient`, `conformance` or a file)".into()
                        }),
                    source,
                })?;
                Self::parse(&text, path)
            }
        }
    }

    pub fn parse(text: &str, path: &str) -> Result<Profile, ProfileError> {
        let profile: Profile = serde_saphyr::from_str(text).map_err(|e| ProfileError::Invalid {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        if let Some(pattern) = &profile.mismatch.message {
            regex::Regex::new(pattern).map_err(|e| ProfileError::Invalid {
                path: path.to_string(),
                message: format!("mismatch.message is not a valid regex: {e}"),
            })?;
        }
        Ok(profile)
    }

    pub fn is_moving_member(&self, name: &str) -> bool {
        self.moving_members.iter().any(|m| m == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_load_and_differ_where_the_text_is_open() {
        let strict = Profile::strict();
        let lenient = Profile::lenient();
        assert_eq!(strict.mismatch.error, "ValidationException");
        assert!(strict.mismatch.message.is_some());
        assert!(lenient.mismatch.message.is_none());
        assert_eq!(strict.deleted_metadata, DeletedMetadata::Required);
        assert_eq!(lenient.deleted_metadata, DeletedMetadata::Optional);
        assert!(!strict.conflict_accepted_for_modified_mismatch);
        assert!(lenient.conflict_accepted_for_modified_mismatch);
        assert!(strict.is_moving_member("status"));
        assert!(!strict.is_moving_member("createdAt"));
    }

    #[test]
    fn a_profile_with_an_unknown_key_is_refused() {
        let err =
            Profile::parse("name: x\nmismatch: {error: V}\ncolour: red\n", "p.yaml").unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }
}
