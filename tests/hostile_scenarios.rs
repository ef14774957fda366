//! Hostile scenario files are refused quickly, in bounded memory, with a clear error; random
//! input never panics the parser.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proton_conform::scenario::parse;
use proton_conform::service::Service;

fn refused(source: &str) -> String {
    let started = Instant::now();
    let result = parse(source, "hostile.yaml", &Service::proton());
    // A guard against hangs only (a bomb expanded would take minutes), so generous enough
    // that a loaded machine never decides it.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    match result {
        Ok(_) => panic!("accepted a hostile file"),
        Err(d) => d
            .iter()
            .map(|d| d.render(Some(source)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn an_alias_bomb_is_refused() {
    let mut yaml = String::from(
        "name: x\nvars:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        yaml.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    yaml.push_str("steps: []\n");
    let err = refused(&yaml);
    assert!(err.contains("hostile.yaml"), "{err}");
}

#[test]
fn deep_nesting_is_refused() {
    let yaml = format!(
        "name: x\nvars:\n  deep: {}{}\nsteps: []\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let err = refused(&yaml);
    assert!(err.contains("hostile.yaml"), "{err}");
}

#[test]
fn a_file_of_many_mebibytes_is_refused_before_parsing() {
    let yaml = format!(
        "name: x\ndescription: \"{}\"\nsteps: []\n",
        "a".repeat(8 * 1024 * 1024)
    );
    let err = refused(&yaml);
    assert!(err.contains("scenario files are limited to"), "{err}");
}

#[test]
fn unknown_tags_and_wrong_shapes_are_refused() {
    let err = refused("name: !!python/object:os.system x\nsteps: []\n");
    assert!(err.contains("hostile.yaml:1:"), "{err}");
    let err = refused("name: x\nsteps: {call: GetEnvironmentTemplate}\n");
    assert!(err.contains("hostile.yaml:2:"), "{err}");
    let err = refused("- just\n- a list\n");
    assert!(err.contains("hostile.yaml"), "{err}");
}

#[test]
fn duplicate_keys_are_refused() {
    let err = refused("name: x\nname: y\nsteps: []\n");
    assert!(err.contains("hostile.yaml:2:"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse(&text, "random.yaml", &Service::proton());
    }

    #[test]
    fn scenario_shaped_noise_never_panics(
        key in prop::sample::select(vec!["call", "repeat", "advance", "wait", "poll", "params", "expect", "capture", "when", "parallel"]),
        value in "[a-zA-Z0-9${}.|:\\[\\] -]{0,40}",
        depth in 0usize..6,
    ) {
        let nested = format!("{}{}{}", "{a: ".repeat(depth), value, "}".repeat(depth));
        let text = format!("name: n\ncontract: [CT2]\nsteps:\n  - {key}: {nested}\n    expect: {{ {key}: {value} }}\n");
        let _ = parse(&text, "noise.yaml", &Service::proton());
    }
}
