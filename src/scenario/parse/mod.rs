//! Text to [`Scenario`]: a pure function, no I/O. Reports the first syntax or shape problem
//! (where serde stops), else every semantic problem of the file at once.

use std::time::Duration;

use super::ast::Scenario;
use super::raw::RawScenario;
use crate::diagnostic::Diagnostic;
use crate::service::Service;
use converter::Converter;
use yaml::{yaml_diagnostic, yaml_options};

mod converter;
mod expect;
mod members;
mod steps;
mod yaml;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Nesting deeper than this is refused by the YAML parser.
const MAX_DEPTH: usize = 64;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Parses and checks one scenario file's text.
pub fn parse(source: &str, file: &str, service: &Service) -> Result<Scenario, Vec<Diagnostic>> {
    if source.len() > MAX_FILE_BYTES {
        return Err(vec![Diagnostic::new(
            file,
            None,
            format!(
                "file is {} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes",
                source.len()
            ),
        )]);
    }
    let raw: RawScenario = serde_saphyr::from_str_with_options(source, yaml_options())
        .map_err(|e| vec![yaml_diagnostic(file, &e)])?;
    let mut converter = Converter::new(file, service);
    let scenario = converter.scenario(raw, source);
    if converter.diagnostics.is_empty() {
        Ok(scenario)
    } else {
        converter.diagnostics.sort_by_key(|d| d.pos);
        Err(converter.diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_steps_hold_no_spare_capacity() {
        let src = "name: x\nsteps:\n  - call: ListEnvironmentTemplates\n  - call: ListEnvironmentTemplates\n  - call: ListEnvironmentTemplates\nteardown:\n  - call: ListEnvironmentTemplates\n";
        let s = parse(src, "s.yaml", &Service::proton()).unwrap();
        assert_eq!((s.steps.len(), s.steps.capacity()), (3, 3));
        assert_eq!((s.teardown.len(), s.teardown.capacity()), (1, 1));
    }
}

#[cfg(test)]
mod diagnostics_tests {
    use super::{Service, parse};

    fn errors(src: &str) -> Vec<String> {
        match parse(src, "s.yaml", &Service::proton()) {
            Ok(_) => vec![],
            Err(d) => d.iter().map(|d| d.render(Some(src))).collect(),
        }
    }

    #[test]
    fn unknown_step_key_names_the_position_and_suggests() {
        let e = errors("name: x\nsteps:\n  - cal: GetEnvironmentTemplate\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("s.yaml:3:"), "{}", e[0]);
        assert!(e[0].contains("unknown field `cal`"), "{}", e[0]);
        assert!(e[0].contains("did you mean `call`?"), "{}", e[0]);
    }

    #[test]
    fn every_semantic_problem_is_reported_at_once() {
        let src = "name: x\ncontract: [CT9]\nsteps:\n  - call: CreateEnviromentTemplate\n  - call: CreateEnvironmentTemplate\n    params: { nme: a, description: 3 }\n  - repeat: frist\n";
        let e = errors(src);
        assert_eq!(e.len(), 6, "{e:#?}");
        assert!(
            e[0].contains("s.yaml:2:12") && e[0].contains("did you mean `CT"),
            "{}",
            e[0]
        );
        assert!(
            e[1].contains("s.yaml:4:11")
                && e[1].contains("did you mean `CreateEnvironmentTemplate`?"),
            "{}",
            e[1]
        );
        assert!(
            e[2].contains("s.yaml:6:13") && e[2].contains("missing required member `name`"),
            "{}",
            e[2]
        );
        assert!(
            e[3].contains("s.yaml:6:15") && e[3].contains("did you mean `name`?"),
            "{}",
            e[3]
        );
        assert!(
            e[4].contains("s.yaml:6:36") && e[4].contains("quote the value"),
            "{}",
            e[4]
        );
        assert!(
            e[5].contains("s.yaml:7:13") && e[5].contains("no earlier step"),
            "{}",
            e[5]
        );
    }
}
