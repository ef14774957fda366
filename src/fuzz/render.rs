//! A history of calls and the reference model's outcomes, written as a scenario: the fuzzer
//! runs exactly this text, and a counterexample is this text saved to a file.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::contract::reference::{BadToken, Call, Model, Outcome, Token};

const VERSION: &str = "CreateEnvironmentTemplateVersion";
const SOURCE: &str = "{ s3: { bucket: proton-conform-bundles, key: fuzz.tar.gz } }";
const ROLE: &str = "arn:aws:iam::123456789012:role/proton-conform";

/// The scenario text for `calls`, as the model predicts them from `initial`.
pub fn render(initial: &Model, calls: &[Call], name: &str, header: &str) -> String {
    let mut model = initial.clone();
    let outcomes: Vec<Outcome> = calls.iter().map(|c| model.apply(c)).collect();
    // Slots are only ever added, and the call that named one never changes: the final state
    // says which call named each slot any call refers to.
    let slot_names: Vec<usize> = (0..model.slots())
        .filter_map(|s| model.slot_named_by(s))
        .collect();
    let mut out = Scenario::default();
    for (at, (call, outcome)) in calls.iter().zip(&outcomes).enumerate() {
        out.call(at, call, outcome, &slot_names);
    }
    if out.versions
        && let Some(n) = model.live_versions()
    {
        // CT2 and CT6: exactly as many versions as the creates that had to make one.
        out.operations.insert("ListEnvironmentTemplateVersions");
        out.clauses.insert("CT2");
        writeln!(
            out.steps,
            "  - call: ListEnvironmentTemplateVersions\n    params: {{ templateName: \"${{tpl}}\" }}\n    expect: {{ count: {{ path: templateVersions, equals: {n} }}, clause: CT2 }}"
        )
        .ok();
    }
    // Environments last: their waits move the clock by amounts the model cannot know.
    let tail = std::mem::take(&mut out.tail);
    out.steps.push_str(&tail);
    out.finish(name, header)
}

#[derive(Default)]
struct Scenario {
    steps: String,
    tail: String,
    teardown: String,
    clauses: BTreeSet<&'static str>,
    operations: BTreeSet<&'static str>,
    tags: BTreeSet<&'static str>,
    versions: bool,
    templates: BTreeSet<u8>,
    environments: BTreeSet<u8>,
}

fn token_text(token: Token) -> String {
    let filter = if token.upper { " | upper" } else { "" };
    format!("${{token.k{}{filter}}}", token.index)
}

fn template(name: u8) -> String {
    format!("${{run.prefix}}-t{name}")
}

fn environment(name: u8) -> String {
    format!("${{run.prefix}}-e{name}")
}

impl Scenario {
    fn call(&mut self, at: usize, call: &Call, outcome: &Outcome, slot_names: &[usize]) {
        let id = format!("c{at}");
        match call {
            Call::CreateVersion { token, description } => {
                let token = token.map(|t| format!(", clientToken: \"{}\"", token_text(t)));
                let params = self.version_params(*description, &token.unwrap_or_default());
                self.request(&id, VERSION, &params, outcome, "");
            }
            Call::CreateVersionBurst { token, copies } => {
                let params =
                    self.version_params(0, &format!(", clientToken: \"{}\"", token_text(*token)));
                self.request(
                    &id,
                    VERSION,
                    &params,
                    outcome,
                    &format!("    parallel: {copies}\n"),
                );
            }
            Call::CreateVersionLost { token, description } => {
                let params = self.version_params(
                    *description,
                    &format!(", clientToken: \"{}\"", token_text(*token)),
                );
                writeln!(
                    self.steps,
                    "  - call: {VERSION}\n    params: {params}\n    lose_response: true"
                )
                .ok();
                self.request(&id, VERSION, &params, outcome, "");
            }
            Call::CreateVersionBadToken { kind } => {
                let token = match kind {
                    BadToken::TooLong => "${token.bad | len(65)}",
                    BadToken::Space => "proton conform",
                };
                let params = self.version_params(0, &format!(", clientToken: \"{token}\""));
                self.request(
                    &id,
                    VERSION,
                    &params,
                    outcome,
                    "    invalid_request: true\n",
                );
            }
            Call::DeleteVersion { slot } => {
                let by = slot_names[*slot];
                let params = format!(
                    "{{ templateName: \"${{tpl}}\", majorVersion: \"${{v{by}_major}}\", minorVersion: \"${{v{by}_minor}}\" }}"
                );
                self.request(
                    &id,
                    "DeleteEnvironmentTemplateVersion",
                    &params,
                    outcome,
                    "",
                );
            }
            Call::CreateTemplate { name, description } => {
                self.templates.insert(*name);
                let params = format!(
                    "{{ name: \"{}\", description: \"d{description}\" }}",
                    template(*name)
                );
                self.request(&id, "CreateEnvironmentTemplate", &params, outcome, "");
            }
            Call::UpdateTemplate { name, description } => {
                let params = format!(
                    "{{ name: \"{}\", description: \"u{description}\" }}",
                    template(*name)
                );
                self.request(&id, "UpdateEnvironmentTemplate", &params, outcome, "");
            }
            Call::DeleteTemplate { name } => {
                self.templates.insert(*name);
                let params = format!("{{ name: \"{}\" }}", template(*name));
                self.request(&id, "DeleteEnvironmentTemplate", &params, outcome, "");
            }
            Call::DeleteEnvironment { name } => self.async_delete(&id, *name, outcome),
            Call::Advance { seconds } => {
                self.tags.insert("clock");
                writeln!(self.steps, "  - advance: {seconds}s").ok();
            }
        }
    }

    fn version_params(&mut self, description: u8, token: &str) -> String {
        self.versions = true;
        format!(
            "{{ templateName: \"${{tpl}}\", description: \"d{description}\"{token}, source: {SOURCE} }}"
        )
    }

    /// One request step with the outcome's expectation; creates capture the version they name.
    fn request(
        &mut self,
        id: &str,
        operation: &'static str,
        params: &str,
        outcome: &Outcome,
        extra: &str,
    ) {
        self.operations.insert(operation);
        let (expect, clause) = expectation(outcome, operation);
        self.clauses.extend(clause);
        let mut step =
            format!("  - id: {id}\n    call: {operation}\n    params: {params}\n{extra}");
        if !expect.is_empty() {
            writeln!(step, "    expect: {{ {expect} }}").ok();
        }
        let names_version = operation == VERSION
            && matches!(
                outcome,
                Outcome::Created { .. } | Outcome::CreatedOnce | Outcome::Succeeds
            );
        if names_version {
            writeln!(
                step,
                "    capture: {{ v{n}_major: environmentTemplateVersion.majorVersion, v{n}_minor: environmentTemplateVersion.minorVersion }}",
                n = &id[1..]
            )
            .ok();
            writeln!(
                self.teardown,
                "  - call: DeleteEnvironmentTemplateVersion\n    params: {{ templateName: \"${{tpl}}\", majorVersion: \"${{v{n}_major}}\", minorVersion: \"${{v{n}_minor}}\" }}",
                n = &id[1..]
            )
            .ok();
        }
        self.steps.push_str(&step);
    }

    /// AD1 and AD2 on one environment: created and deployed the first time, then deleted,
    /// retried at once, and retried after it is gone.
    fn async_delete(&mut self, id: &str, name: u8, outcome: &Outcome) {
        self.environments.insert(name);
        self.operations.insert("DeleteEnvironment");
        self.clauses.insert("AD2");
        let env = environment(name);
        let first_time = matches!(outcome, Outcome::AsyncDelete { first_time: true });
        if !first_time {
            writeln!(
                self.tail,
                "  - id: {id}\n    call: DeleteEnvironment\n    params: {{ name: \"{env}\" }}\n    expect: {{ empty: true, clause: AD2 }}"
            )
            .ok();
            return;
        }
        self.clauses.insert("AD1");
        self.operations.insert("CreateEnvironment");
        self.operations.insert("GetEnvironment");
        self.tags.insert("async-delete");
        write!(
            self.tail,
            r#"  - call: CreateEnvironment
    params: {{ name: "{env}", templateName: "${{envtpl}}", templateMajorVersion: "${{env_major}}", protonServiceRoleArn: "{ROLE}", spec: "proton: EnvironmentSpec\nspec: {{}}\n" }}
  - wait: EnvironmentDeployed
    params: {{ name: "{env}" }}
  - id: {id}
    call: DeleteEnvironment
    params: {{ name: "{env}" }}
  - id: {id}-retry
    repeat: {id}
    when: {{ step: {id}, path: environment.deploymentStatus, equals: DELETE_IN_PROGRESS }}
    expect: {{ async_delete_retry: {id}, clause: AD1 }}
  - call: GetEnvironment
    params: {{ name: "{env}" }}
    when: {{ step: {id}-retry, path: "length(keys(@))", equals: 0 }}
    expect: {{ error: ResourceNotFoundException, clause: AD1 }}
  - poll: GetEnvironment
    params: {{ name: "{env}" }}
    until_error: ResourceNotFoundException
  - repeat: {id}
    expect: {{ empty: true, clause: AD2 }}
"#
        )
        .ok();
    }

    fn finish(mut self, name: &str, header: &str) -> String {
        let mut setup = String::new();
        let mut teardown = String::new();
        let mut vars = String::new();
        if !self.environments.is_empty() {
            vars.push_str("  envtpl: \"${run.prefix}-envtpl\"\n");
            setup.push_str(&format!(
                r#"  - call: CreateEnvironmentTemplate
    params: {{ name: "${{envtpl}}" }}
  - call: CreateEnvironmentTemplateVersion
    params: {{ templateName: "${{envtpl}}", source: {SOURCE} }}
    capture: {{ env_major: environmentTemplateVersion.majorVersion, env_minor: environmentTemplateVersion.minorVersion }}
  - wait: EnvironmentTemplateVersionRegistered
    params: {{ templateName: "${{envtpl}}", majorVersion: "${{env_major}}", minorVersion: "${{env_minor}}" }}
  - call: UpdateEnvironmentTemplateVersion
    params: {{ templateName: "${{envtpl}}", majorVersion: "${{env_major}}", minorVersion: "${{env_minor}}", status: PUBLISHED }}
"#
            ));
            for e in &self.environments {
                let env = environment(*e);
                writeln!(
                    teardown,
                    "  - call: DeleteEnvironment\n    params: {{ name: \"{env}\" }}\n  - poll: GetEnvironment\n    params: {{ name: \"{env}\" }}\n    until_error: ResourceNotFoundException"
                )
                .ok();
            }
            teardown.push_str("  - call: DeleteEnvironmentTemplateVersion\n    params: { templateName: \"${envtpl}\", majorVersion: \"${env_major}\", minorVersion: \"${env_minor}\" }\n  - call: DeleteEnvironmentTemplate\n    params: { name: \"${envtpl}\" }\n");
        }
        if self.versions {
            vars.push_str("  tpl: \"${run.prefix}-tpl\"\n");
            setup.push_str(
                "  - call: CreateEnvironmentTemplate\n    params: { name: \"${tpl}\" }\n",
            );
            teardown.push_str(&self.teardown);
            teardown.push_str(
                "  - call: DeleteEnvironmentTemplate\n    params: { name: \"${tpl}\" }\n",
            );
        }
        for t in &self.templates {
            writeln!(
                teardown,
                "  - call: DeleteEnvironmentTemplate\n    params: {{ name: \"{}\" }}",
                template(*t)
            )
            .ok();
        }
        if self.clauses.is_empty() {
            self.clauses.insert("G2");
        }
        self.tags.insert("fuzz");
        let list = |set: &BTreeSet<&str>| set.iter().copied().collect::<Vec<_>>().join(", ");
        let mut text = String::new();
        for line in header.lines() {
            writeln!(text, "# {line}").ok();
        }
        writeln!(text, "name: {name}").ok();
        writeln!(text, "contract: [{}]", list(&self.clauses)).ok();
        writeln!(text, "operations: [{}]", list(&self.operations)).ok();
        writeln!(text, "tags: [{}]", list(&self.tags)).ok();
        if !vars.is_empty() {
            writeln!(text, "vars:\n{}", vars.trim_end()).ok();
        }
        if !setup.is_empty() {
            writeln!(text, "setup:\n{}", setup.trim_end()).ok();
        }
        if self.steps.is_empty() {
            self.steps.push_str("  - advance: 0s\n");
        }
        writeln!(text, "steps:\n{}", self.steps.trim_end()).ok();
        if !teardown.is_empty() {
            writeln!(text, "teardown:\n{}", teardown.trim_end()).ok();
        }
        text
    }
}

/// The expectation that says `outcome`, and the clause it checks.
fn expectation(outcome: &Outcome, operation: &str) -> (String, Option<&'static str>) {
    // Named resources (templates) follow IC; template versions follow CT.
    let named = !operation.ends_with("Version");
    match outcome {
        Outcome::Created {
            unlike: Some(of),
            clause,
        } => (
            format!("new_resource: c{of}, clause: {clause}"),
            Some(clause),
        ),
        Outcome::Created { unlike: None, .. } => (String::new(), None),
        Outcome::CreatedOnce => ("all_same: true, clause: CT2".into(), Some("CT2")),
        Outcome::Original { of } => {
            let clause = if named { "IC1" } else { "CT2" };
            (format!("same_as: c{of}, clause: {clause}"), Some(clause))
        }
        Outcome::Succeeds => ("clause: CT2".into(), Some("CT2")),
        Outcome::Mismatch { modified } => {
            let clause = if named { "IC3" } else { "CT3" };
            let how = if *modified {
                "after-modification"
            } else {
                "true"
            };
            (format!("mismatch: {how}, clause: {clause}"), Some(clause))
        }
        Outcome::Conflict => ("error: ConflictException, clause: IC2".into(), Some("IC2")),
        Outcome::InvalidToken => (
            "error: ValidationException, clause: CT1".into(),
            Some("CT1"),
        ),
        Outcome::Updated | Outcome::Deleted | Outcome::Advanced => (String::new(), None),
        Outcome::DeletedMetadata { of } => {
            (format!("deleted_metadata: c{of}, clause: ID1"), Some("ID1"))
        }
        Outcome::Empty => ("empty: true, clause: ID2".into(), Some("ID2")),
        Outcome::DeleteSucceeds => ("clause: ID3".into(), Some("ID3")),
        Outcome::ExpiredRetry { of } => (
            format!("expired_token_retry: c{of}, clause: CT4"),
            Some("CT4"),
        ),
        Outcome::AsyncDelete { .. } => (String::new(), Some("AD1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Profile;

    #[test]
    fn a_delete_names_the_version_its_slot_holds() {
        let create = |description| Call::CreateVersion {
            token: None,
            description,
        };
        let calls = [create(0), create(1), Call::DeleteVersion { slot: 1 }];
        let text = render(&Model::new(Profile::strict()), &calls, "slots", "");
        // The second create (call 1) filled slot 1: the delete names its captured version.
        assert!(
            text.contains(r#"majorVersion: "${v1_major}", minorVersion: "${v1_minor}""#),
            "{text}"
        );
        crate::scenario::parse(&text, "slots.yaml").expect("the rendering is a valid scenario");
    }
}
