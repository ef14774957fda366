//! A step's own expectations: the outcome (success, an error, the profile's mismatch), then
//! paths, counts, emptiness and sameness with earlier answers.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

use super::compare::{differences, values_equal};
use super::failure::CheckFailure;
use super::jmes::search;
use crate::client::{Body, Exchange, Outcome};
use crate::contract::{DeletedMetadata, Profile};
use crate::model::Model;
use crate::scenario::template::Bindings;
use crate::scenario::{Expect, ExpectedOutcome};

/// Everything a step's checks need besides the exchange itself.
pub struct StepContext<'a> {
    pub model: &'a Model,
    pub expect: &'a Expect,
    pub profile: &'a Profile,
    /// The clause failures name when the expectation names none.
    pub default_clause: &'a str,
    pub bindings: &'a Bindings,
    /// Earlier exchanges by step id.
    pub earlier: &'a HashMap<String, Exchange>,
}

impl StepContext<'_> {
    fn clause(&self) -> &str {
        self.expect.clause.as_deref().unwrap_or(self.default_clause)
    }

    fn fail(&self, message: impl std::fmt::Display) -> CheckFailure {
        CheckFailure::new(self.clause(), message.to_string())
    }
}

/// Describes what came back, in one line.
fn describe(exchange: &Exchange) -> String {
    match &exchange.outcome {
        Outcome::Transport(e) => format!("no answer: {e}"),
        Outcome::Response(r) => match &r.body {
            Body::Success(_) => format!("success (HTTP {})", r.status),
            Body::Error(e) => format!(
                "{} (HTTP {}): {}",
                e.error_type,
                r.status,
                e.message.as_deref().unwrap_or("(no message)")
            ),
            Body::Malformed(m) => format!("a malformed answer (HTTP {}): {m}", r.status),
        },
    }
}

/// The outcome kind and status: success, the named error, or the profile's mismatch.
pub fn check_outcome(ctx: &StepContext, exchange: &Exchange) -> Result<(), CheckFailure> {
    let Some(response) = exchange.response() else {
        return Ok(());
    };
    if let Some(status) = ctx.expect.status
        && response.status != status
    {
        return Err(ctx
            .fail(format!("expected HTTP {status}, got {}", response.status))
            .expected(status.to_string())
            .actual(describe(exchange)));
    }
    let error = match &response.body {
        Body::Error(e) => Some(e),
        _ => None,
    };
    match &ctx.expect.outcome {
        ExpectedOutcome::Success => match error {
            None => Ok(()),
            Some(_) => Err(ctx
                .fail(format!("expected success, got {}", describe(exchange)))
                .expected("a 2xx answer")
                .actual(describe(exchange))),
        },
        ExpectedOutcome::Error {
            error_type,
            message,
        } => {
            let matches = error.is_some_and(|e| {
                &e.error_type == error_type
                    && message_matches(message.as_deref(), e.message.as_deref())
            });
            if matches {
                return Ok(());
            }
            let wanted = match message {
                Some(m) => format!("{error_type} with a message matching /{m}/"),
                None => error_type.clone(),
            };
            Err(ctx
                .fail(format!("expected {wanted}, got {}", describe(exchange)))
                .expected(wanted)
                .actual(describe(exchange)))
        }
        ExpectedOutcome::AnyError => match error {
            Some(_) => Ok(()),
            None => Err(ctx
                .fail(format!("expected an error, got {}", describe(exchange)))
                .expected("an error of any type")
                .actual(describe(exchange))),
        },
        ExpectedOutcome::Mismatch { after_modification } => {
            let rule = &ctx.profile.mismatch;
            let is_mismatch = error.is_some_and(|e| {
                e.error_type == rule.error
                    && message_matches(rule.message.as_deref(), e.message.as_deref())
            });
            let conflict_ok = *after_modification
                && ctx.profile.conflict_accepted_for_modified_mismatch
                && error.is_some_and(|e| e.error_type == "ConflictException");
            if is_mismatch || conflict_ok {
                return Ok(());
            }
            let mut wanted = match &rule.message {
                Some(m) => format!(
                    "{} with a message matching /{m}/ (IdempotentParameterMismatch)",
                    rule.error
                ),
                None => format!("{} (IdempotentParameterMismatch)", rule.error),
            };
            if *after_modification && ctx.profile.conflict_accepted_for_modified_mismatch {
                wanted.push_str(" or ConflictException");
            }
            Err(ctx
                .fail(format!(
                    "expected an idempotent parameter mismatch (profile {}), got {}",
                    ctx.profile.name,
                    describe(exchange)
                ))
                .expected(wanted)
                .actual(describe(exchange)))
        }
    }
}

fn message_matches(pattern: Option<&str>, message: Option<&str>) -> bool {
    match pattern {
        None => true,
        // Patterns were checked when the scenario or profile was loaded.
        Some(p) => Regex::new(p).is_ok_and(|re| re.is_match(message.unwrap_or(""))),
    }
}

/// Paths, differences, counts, emptiness, sameness: everything about the body.
pub fn check_expectations(ctx: &StepContext, exchange: &Exchange) -> Result<(), CheckFailure> {
    let expect = ctx.expect;
    let Some(body) = exchange.body_json() else {
        return Ok(());
    };
    for (path, expected) in &expect.paths {
        let path = &expand_path(ctx, path)?;
        let expected = expand(ctx, &expected.to_json())?;
        let actual = search(path, body).map_err(|e| ctx.fail(e))?;
        if !values_equal(&expected, &actual) {
            return Err(ctx
                .fail(format!("`{path}` is {actual}, expected {expected}"))
                .expected(expected.to_string())
                .actual(actual.to_string()));
        }
    }
    for (path, other) in &expect.differs {
        let path = &expand_path(ctx, path)?;
        let other = expand(ctx, &other.to_json())?;
        let actual = search(path, body).map_err(|e| ctx.fail(e))?;
        if values_equal(&other, &actual) {
            return Err(ctx
                .fail(format!("`{path}` is {actual}, expected a different value"))
                .expected(format!("anything but {other}"))
                .actual(actual.to_string()));
        }
    }
    if let Some((path, n)) = &expect.count {
        let path = &expand_path(ctx, path)?;
        let found = search(path, body).map_err(|e| ctx.fail(e))?;
        let len = found.as_array().map(Vec::len);
        if len != Some(*n) {
            let actual = len.map_or_else(|| format!("{found} (not a list)"), |l| l.to_string());
            return Err(ctx
                .fail(format!("`{path}` holds {actual} item(s), expected {n}"))
                .expected(n.to_string())
                .actual(actual));
        }
    }
    if expect.empty && !is_empty_answer(ctx.model, &exchange.operation, body) {
        return Err(ctx
            .fail("expected an empty answer `{}`")
            .expected("{}")
            .actual(body.to_string()));
    }
    if let Some((step, ignore)) = &expect.same_as {
        let original = earlier_body(ctx, step)?;
        same_resource(ctx, step, original, body, ignore)?;
    }
    if let Some(step) = &expect.deleted_metadata {
        let original = earlier_body(ctx, step)?;
        if is_empty_answer(ctx.model, &exchange.operation, body) {
            if ctx.profile.deleted_metadata == DeletedMetadata::Required {
                return Err(ctx
                    .fail(format!(
                        "a repeated delete right after `{step}` answered `{{}}`; profile {} requires the deleted resource's metadata",
                        ctx.profile.name
                    ))
                    .expected(format!("the metadata `{step}` returned"))
                    .actual("{}"));
            }
        } else {
            same_resource(ctx, step, original, body, &[])?;
        }
    }
    if let Some(step) = &expect.async_delete_retry {
        // `{}` means the delete completed in between (AD2); anything else must be the resource
        // being deleted, unchanged (AD1).
        if !is_empty_answer(ctx.model, &exchange.operation, body) {
            let original = earlier_body(ctx, step)?;
            same_resource(ctx, step, original, body, &[])?;
        }
    }
    if let Some(step) = &expect.new_resource {
        let original = earlier_body(ctx, step)?;
        if same_identity(original, body) {
            return Err(ctx
                .fail(format!(
                    "the answer is `{step}`'s resource again; expected a new one"
                ))
                .expected(format!(
                    "an identity other than {}",
                    identity(original).unwrap_or_default()
                ))
                .actual(identity(body).unwrap_or_default()));
        }
    }
    if let Some(step) = &expect.expired_token_retry {
        let original = earlier_body(ctx, step)?;
        let extended_ok = ctx.profile.expiry_extension_accepted
            && same_resource(ctx, step, original, body, &[]).is_ok();
        if same_identity(original, body) && !extended_ok {
            return Err(ctx
                .fail(format!(
                    "the token's eight hours ran out, yet the retry returned `{step}`'s resource (profile {} does not let retries extend them)",
                    ctx.profile.name
                ))
                .expected("a new resource")
                .actual(identity(body).unwrap_or_default()));
        }
    }
    Ok(())
}

/// The identity of the resource an answer carries: the `arn`, else the `id`, of the resource
/// detail it holds (members newer than the model, which carry neither, are passed over); an
/// answer without such a detail is known by every identifier in it (members named `...Arn`,
/// `...Id`), so that a task listed in `tasks[0].taskArn` is told from another.
fn identity(body: &Value) -> Option<String> {
    let detail = body
        .as_object()?
        .values()
        .filter_map(Value::as_object)
        .find_map(|resource| resource.get("arn").or_else(|| resource.get("id")))
        .map(Value::to_string);
    detail.or_else(|| {
        let mut ids = Vec::new();
        identifiers(body, "", &mut ids);
        ids.sort();
        (!ids.is_empty()).then(|| ids.join(" "))
    })
}

fn identifiers(value: &Value, key: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if ["Arn", "ARN", "Id"].iter().any(|e| key.ends_with(e)) => {
            out.push(format!("{key}={s}"));
        }
        Value::Array(items) => items.iter().for_each(|i| identifiers(i, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| identifiers(v, k, out)),
        _ => {}
    }
}

fn same_identity(a: &Value, b: &Value) -> bool {
    matches!((identity(a), identity(b)), (Some(x), Some(y)) if x == y)
}

/// `parallel` with `all_same`: every answer succeeded and is the same resource detail as the
/// first (up to the profile's moving members).
pub fn check_all_same(ctx: &StepContext, exchanges: &[Exchange]) -> Result<(), CheckFailure> {
    let Some(first) = exchanges.first().and_then(Exchange::success_body) else {
        return Err(ctx.fail("the first of the parallel requests did not succeed"));
    };
    for (i, e) in exchanges.iter().enumerate().skip(1) {
        let body = e.success_body().ok_or_else(|| {
            ctx.fail(format!(
                "parallel request {} of {} did not succeed: {}",
                i + 1,
                exchanges.len(),
                describe(e)
            ))
        })?;
        if !same_identity(first, body) {
            return Err(ctx
                .fail(format!(
                    "parallel request {} of {} answered with another resource than the first",
                    i + 1,
                    exchanges.len()
                ))
                .expected(identity(first).unwrap_or_default())
                .actual(identity(body).unwrap_or_default()));
        }
        same_resource(ctx, "the first parallel request", first, body, &[])?;
    }
    Ok(())
}

fn same_resource(
    ctx: &StepContext,
    step: &str,
    original: &Value,
    body: &Value,
    ignore: &[String],
) -> Result<(), CheckFailure> {
    let skip =
        |member: &str| ctx.profile.is_moving_member(member) || ignore.iter().any(|i| i == member);
    let diffs = differences(original, body, &skip);
    if diffs.is_empty() {
        return Ok(());
    }
    Err(ctx
        .fail(format!(
            "the answer is not the same resource detail as `{step}`'s: {} member(s) differ, first {}",
            diffs.len(),
            diffs[0]
        ))
        .differences(diffs))
}

fn earlier_body<'a>(ctx: &StepContext<'a>, step: &str) -> Result<&'a Value, CheckFailure> {
    let exchange = ctx.earlier.get(step).ok_or_else(|| {
        ctx.fail(format!(
            "step `{step}` has no recorded answer to compare with"
        ))
    })?;
    exchange.success_body().ok_or_else(|| {
        ctx.fail(format!(
            "step `{step}` did not succeed, so there is nothing to compare with"
        ))
    })
}

/// An empty answer: no member the operation's output declares (members newer than the model
/// do not make an answer non-empty).
fn is_empty_answer(model: &Model, operation: &str, v: &Value) -> bool {
    let declared = model
        .operation(operation)
        .and_then(|op| op.output.as_ref())
        .and_then(|o| model.shape(&o.shape));
    v.as_object().is_some_and(|m| {
        m.iter()
            .filter(|(_, value)| !value.is_null())
            .all(|(k, _)| declared.is_some_and(|d| !d.members.contains_key(k)))
    })
}

fn expand(ctx: &StepContext, value: &Value) -> Result<Value, CheckFailure> {
    ctx.bindings.expand_value(value).map_err(|e| ctx.fail(e))
}

/// Paths may hold templates (`templates[?name=='${tpl}']`).
fn expand_path(ctx: &StepContext, path: &str) -> Result<String, CheckFailure> {
    match ctx.bindings.expand_str(path).map_err(|e| ctx.fail(e))? {
        Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

/// Each test here pins a decision a mutant of this file once got past (see BENCHMARKS.md,
/// "Mutation testing of the judging code").
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::client::{Response, decode_response};

    fn answer(status: u16, error_type: Option<&str>, body: Value) -> Exchange {
        let raw = body.to_string();
        Exchange {
            operation: "CreateEnvironmentTemplate".into(),
            request: json!({}),
            outcome: Outcome::Response(Response {
                status,
                headers: Vec::new(),
                raw: raw.clone(),
                body: decode_response(status, error_type, raw.as_bytes()),
            }),
            duration: Duration::ZERO,
        }
    }

    fn template(arn: &str, description: &str) -> Exchange {
        answer(
            200,
            None,
            json!({"environmentTemplate": {"arn": arn, "name": "t", "description": description,
                   "createdAt": 1.5, "lastModifiedAt": 1.5}}),
        )
    }

    fn error(error_type: &str, message: &str) -> Exchange {
        answer(400, Some(error_type), json!({"message": message}))
    }

    /// Runs `f` with a context for `expect` under `profile`, `earlier` holding step `first`.
    fn with_ctx<T>(
        expect: Expect,
        profile: Profile,
        earlier: Option<Exchange>,
        f: impl FnOnce(&StepContext) -> T,
    ) -> T {
        let bindings = Bindings::new("unit", "unit.yaml");
        let earlier: HashMap<String, Exchange> = earlier
            .map(|e| ("first".to_string(), e))
            .into_iter()
            .collect();
        let model = crate::model::Model::bundled("proton-2020-07-20").unwrap();
        let ctx = StepContext {
            model: &model,
            expect: &expect,
            profile: &profile,
            default_clause: "CT3",
            bindings: &bindings,
            earlier: &earlier,
        };
        f(&ctx)
    }

    fn mismatch_verdict(after_modification: bool, profile: Profile, got: &Exchange) -> bool {
        let expect = Expect {
            outcome: ExpectedOutcome::Mismatch { after_modification },
            ..Expect::default()
        };
        with_ctx(expect, profile, None, |ctx| check_outcome(ctx, got).is_ok())
    }

    #[test]
    fn a_mismatch_needs_both_the_profiles_error_type_and_its_message() {
        let strict = Profile::strict;
        let right = error("ValidationException", "Idempotent parameter mismatch: name");
        assert!(mismatch_verdict(false, strict(), &right));
        // Any ValidationException is not a mismatch, nor is the wording on another type.
        let other_validation = error("ValidationException", "name is too long");
        assert!(!mismatch_verdict(false, strict(), &other_validation));
        let wording_elsewhere = error("ConflictException", "idempotent parameter mismatch");
        assert!(!mismatch_verdict(false, strict(), &wording_elsewhere));
        assert!(!mismatch_verdict(false, strict(), &template("a", "d")));
    }

    #[test]
    fn a_conflict_stands_for_a_mismatch_only_after_a_modification_and_where_the_profile_says() {
        let conflict = error("ConflictException", "the template was modified");
        assert!(mismatch_verdict(true, Profile::lenient(), &conflict));
        assert!(!mismatch_verdict(false, Profile::lenient(), &conflict));
        assert!(!mismatch_verdict(true, Profile::strict(), &conflict));
        // Only a ConflictException is allowed in its place.
        let throttled = error("ThrottlingException", "slow down");
        assert!(!mismatch_verdict(true, Profile::lenient(), &throttled));
        // And the failure says so only where it is allowed.
        let wanted = |after_modification: bool, profile: Profile| {
            let expect = Expect {
                outcome: ExpectedOutcome::Mismatch { after_modification },
                ..Expect::default()
            };
            with_ctx(expect, profile, None, |ctx| {
                check_outcome(ctx, &throttled)
                    .unwrap_err()
                    .expected
                    .unwrap()
            })
        };
        assert!(wanted(true, Profile::lenient()).ends_with(" or ConflictException"));
        assert!(!wanted(false, Profile::lenient()).contains("ConflictException"));
        assert!(!wanted(true, Profile::strict()).contains("ConflictException"));
    }

    #[test]
    fn a_parallel_burst_passes_only_when_every_answer_is_the_first_resource() {
        let all_same = Expect {
            all_same: true,
            ..Expect::default()
        };
        let check = |answers: Vec<Exchange>| {
            with_ctx(all_same.clone(), Profile::strict(), None, |ctx| {
                check_all_same(ctx, &answers)
            })
        };
        let a = || template("arn:a", "burst");
        assert!(check(vec![a(), a(), a()]).is_ok());
        assert!(check(vec![a(), template("arn:b", "burst"), a()]).is_err());
        assert!(check(vec![a(), template("arn:a", "changed")]).is_err());
        assert!(check(vec![a(), error("ConflictException", "busy")]).is_err());
        assert!(check(vec![error("ConflictException", "busy"), a()]).is_err());
    }

    #[test]
    fn same_as_fails_on_a_member_that_differs_and_passes_on_moving_members() {
        let same_as = |ignore: Vec<String>| Expect {
            same_as: Some(("first".into(), ignore)),
            ..Expect::default()
        };
        let original = template("arn:a", "one");
        let check = |expect: Expect, got: &Exchange| {
            with_ctx(expect, Profile::strict(), Some(original.clone()), |ctx| {
                check_expectations(ctx, got)
            })
        };
        assert!(check(same_as(vec![]), &template("arn:a", "one")).is_ok());
        let changed = check(same_as(vec![]), &template("arn:a", "two")).unwrap_err();
        assert_eq!(changed.differences.len(), 1);
        assert_eq!(
            changed.differences[0].path,
            "$.environmentTemplate.description"
        );
        assert!(
            check(
                same_as(vec!["description".into()]),
                &template("arn:a", "two")
            )
            .is_ok()
        );
        // Ignoring one member ignores that one only.
        let renamed = answer(
            200,
            None,
            json!({"environmentTemplate": {"arn": "arn:a", "name": "other", "description": "two",
                   "createdAt": 1.5, "lastModifiedAt": 1.5}}),
        );
        let only_name = check(same_as(vec!["description".into()]), &renamed).unwrap_err();
        assert_eq!(only_name.differences.len(), 1);
        assert_eq!(only_name.differences[0].path, "$.environmentTemplate.name");
        let moved = answer(
            200,
            None,
            json!({"environmentTemplate": {"arn": "arn:a", "name": "t", "description": "one",
                   "createdAt": 1.5, "lastModifiedAt": 1.5, "status": "PUBLISHED"}}),
        );
        assert!(check(same_as(vec![]), &moved).is_ok());
    }
}
