//! The shipped JSON Schema of the scenario format is the one the code generates, and every
//! scenario of the corpus conforms to it.

use std::path::PathBuf;

use proton_conform::scenario::{file_schema, files};

#[test]
fn the_committed_schema_is_fresh_and_the_corpus_conforms() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("scenarios/scenario.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        committed,
        file_schema(),
        "scenarios/scenario.schema.json is stale: run `cargo run -- schema scenario > scenarios/scenario.schema.json`"
    );
    let validator = jsonschema::validator_for(&committed).unwrap();
    let paths = files::discover(&[root.join("scenarios")]).unwrap();
    assert!(paths.len() > 50);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let document: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    // And it refuses what the parser refuses.
    let typo: serde_json::Value =
        serde_json::json!({"name": "x", "steps": [{"cal": "GetEnvironment"}]});
    assert!(!validator.is_valid(&typo));
}

/// The shipped JSON Schema of the pack format is the one the code generates, and every bundled
/// pack conforms to it.
#[test]
fn the_committed_pack_schema_is_fresh_and_the_bundled_packs_conform() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("src/packs/pack.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        committed,
        proton_conform::service::pack_schema(),
        "src/packs/pack.schema.json is stale: run `cargo run -- schema pack > src/packs/pack.schema.json`"
    );
    let validator = jsonschema::validator_for(&committed).unwrap();
    for bundled in proton_conform::service::BUNDLED {
        let document: serde_json::Value = serde_saphyr::from_str(bundled.pack).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", bundled.name);
    }
}
