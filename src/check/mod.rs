//! Checks over exchanges: the protocol (G3), the model's schemas (G2), and a step's
//! expectations under the contract profile. A failed check names the clause it violates.

mod compare;
mod expect;
mod failure;
mod jmes;
mod protocol;
mod schema;

pub use compare::{Difference, differences, differences_with};
pub use expect::{StepContext, check_all_same, check_expectations};
pub use failure::CheckFailure;
pub use jmes::search;
pub use protocol::check_protocol;
pub use schema::check_schema;

use crate::client::{Body, Exchange};
use crate::contract::{Deviations, Profile};
use crate::model::Model;

/// Every check a step's answer goes through, in order: protocol, expected outcome, schema,
/// then the body expectations. The first failure ends the step; the deviations the profile
/// records instead (G2, G3 in an answer the SDKs still read) come back with a pass.
pub fn check_step(
    ctx: &StepContext,
    exchange: &Exchange,
) -> Result<Vec<CheckFailure>, CheckFailure> {
    let mut deviations = Vec::new();
    let record =
        |found: &mut Vec<CheckFailure>, check| tolerate(ctx.profile, exchange, check, found);
    record(&mut deviations, check_protocol(ctx.model, exchange))?;
    expect::check_outcome(ctx, exchange)?;
    record(&mut deviations, check_schema(ctx.model, exchange))?;
    check_expectations(ctx, exchange)?;
    Ok(deviations)
}

/// The protocol and the model (G3, G2) of any answer, a poll's among them, with the deviations
/// the profile records.
pub fn check_wire(
    model: &Model,
    profile: &Profile,
    exchange: &Exchange,
) -> Result<Vec<CheckFailure>, CheckFailure> {
    let mut deviations = Vec::new();
    tolerate(
        profile,
        exchange,
        check_protocol(model, exchange),
        &mut deviations,
    )?;
    tolerate(
        profile,
        exchange,
        check_schema(model, exchange),
        &mut deviations,
    )?;
    Ok(deviations)
}

/// A failed G2 or G3 check, recorded when the profile says so and the SDKs still read the
/// answer (a body they can parse); else the failure.
fn tolerate(
    profile: &Profile,
    exchange: &Exchange,
    check: Result<(), CheckFailure>,
    found: &mut Vec<CheckFailure>,
) -> Result<(), CheckFailure> {
    let readable = exchange
        .response()
        .is_some_and(|r| !matches!(r.body, Body::Malformed(_)));
    match check {
        Err(failure) if profile.deviations == Deviations::Record && readable => {
            found.push(failure);
            Ok(())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::client::{Outcome, Response, decode_response};
    use crate::model::Model;

    static PROTON: std::sync::LazyLock<Model> =
        std::sync::LazyLock::new(|| Model::bundled("proton-2020-07-20").unwrap());

    fn check_protocol(e: &Exchange) -> Result<(), CheckFailure> {
        super::check_protocol(&PROTON, e)
    }

    fn check_schema(e: &Exchange) -> Result<(), CheckFailure> {
        super::check_schema(&PROTON, e)
    }

    fn exchange(operation: &str, status: u16, header: Option<&str>, body: &str) -> Exchange {
        Exchange {
            operation: operation.into(),
            request: json!({}),
            outcome: Outcome::Response(Response {
                status,
                headers: header
                    .map(|h| vec![("x-amzn-errortype".to_string(), h.to_string())])
                    .unwrap_or_default(),
                raw: body.into(),
                body: decode_response(status, header, body.as_bytes()),
            }),
            duration: Duration::ZERO,
        }
    }

    const TEMPLATE: &str = r#"{"environmentTemplate":{"arn":"arn:aws:proton:us-east-1:123456789012:environment-template/t","name":"t","createdAt":1.5,"lastModifiedAt":1.5}}"#;

    #[test]
    fn a_conforming_answer_passes_protocol_and_schema() {
        let e = exchange("GetEnvironmentTemplate", 200, None, TEMPLATE);
        assert_eq!(check_protocol(&e), Ok(()));
        assert_eq!(check_schema(&e), Ok(()));
        let err = exchange(
            "GetEnvironmentTemplate",
            404,
            Some("ResourceNotFoundException"),
            r#"{"message":"gone"}"#,
        );
        assert_eq!(check_protocol(&err), Ok(()));
        assert_eq!(check_schema(&err), Ok(()));
    }

    #[test]
    fn garbage_and_untyped_errors_break_g3() {
        let e = exchange("GetEnvironmentTemplate", 200, None, "<html>oops</html>");
        assert_eq!(check_protocol(&e).unwrap_err().clause, "G3");
        let e = exchange(
            "GetEnvironmentTemplate",
            500,
            None,
            r#"{"message":"no type"}"#,
        );
        let f = check_protocol(&e).unwrap_err();
        assert!(f.message.contains("carries no type"), "{f:?}");
    }

    #[test]
    fn a_success_carrying_an_error_body_breaks_g3() {
        let e = exchange(
            "GetEnvironmentTemplate",
            200,
            None,
            r#"{"__type":"ConflictException","message":"x"}"#,
        );
        let f = check_protocol(&e).unwrap_err();
        assert_eq!(f.clause, "G3");
        assert!(f.message.contains("carries an error body"), "{f:?}");
    }

    #[test]
    fn an_undeclared_error_breaks_g3_but_protocol_errors_pass() {
        let e = exchange(
            "ListEnvironmentTemplates",
            409,
            Some("ConflictException"),
            r#"{"message":"x"}"#,
        );
        let f = check_protocol(&e).unwrap_err();
        assert_eq!(f.clause, "G3");
        assert!(
            f.message
                .contains("does not declare the error ConflictException"),
            "{f:?}"
        );
        let e = exchange(
            "ListEnvironmentTemplates",
            400,
            Some("SerializationException"),
            r#"{"message":"x"}"#,
        );
        assert_eq!(check_protocol(&e), Ok(()));
    }

    #[test]
    fn schema_violations_break_g2_with_the_path() {
        let missing = r#"{"environmentTemplate":{"arn":"a","name":"t","createdAt":1}}"#;
        let f = check_schema(&exchange("GetEnvironmentTemplate", 200, None, missing)).unwrap_err();
        assert_eq!(f.clause, "G2");
        assert!(
            f.message.contains("/environmentTemplate") && f.message.contains("lastModifiedAt"),
            "{f:?}"
        );
        let bad_time = TEMPLATE.replace("1.5}}", "\"yesterday\"}}");
        let f =
            check_schema(&exchange("GetEnvironmentTemplate", 200, None, &bad_time)).unwrap_err();
        assert!(
            f.actual
                .unwrap()
                .contains("/environmentTemplate/lastModifiedAt")
        );
        let no_message = exchange(
            "GetEnvironmentTemplate",
            404,
            Some("ResourceNotFoundException"),
            "{}",
        );
        let f = check_schema(&no_message).unwrap_err();
        assert_eq!(f.clause, "G2");
        assert!(
            f.message
                .contains("does not conform to ResourceNotFoundException"),
            "the error's own shape is named: {f:?}"
        );
    }

    fn with_content_type(content_type: &str, body: &str) -> Exchange {
        let mut e = exchange("GetEnvironmentTemplate", 200, None, body);
        if let Outcome::Response(r) = &mut e.outcome {
            r.headers
                .push(("content-type".to_string(), content_type.to_string()));
        }
        e
    }

    #[test]
    fn a_body_of_another_content_type_breaks_g3_and_an_empty_one_does_not() {
        let html = with_content_type("text/html", "<html>busy</html>");
        let f = check_protocol(&html).unwrap_err();
        assert_eq!(f.clause, "G3");
        assert!(
            f.message.contains("\"text/html\" is not awsJson1_0"),
            "{f:?}"
        );
        assert_eq!(f.actual.as_deref(), Some("<html>busy</html>"));
        let empty = with_content_type("text/plain", "  ");
        assert!(
            !check_protocol(&empty)
                .err()
                .is_some_and(|f| f.message.contains("content type")),
            "an empty body has no encoding to be wrong"
        );
        assert_eq!(
            check_protocol(&with_content_type("application/x-amz-json-1.0", TEMPLATE)),
            Ok(())
        );
    }

    #[test]
    fn an_undeclared_error_names_the_declared_ones() {
        let e = exchange(
            "ListEnvironmentTemplates",
            409,
            Some("ConflictException"),
            r#"{"message":"x"}"#,
        );
        let expected = check_protocol(&e).unwrap_err().expected.unwrap();
        assert!(expected.starts_with("one of "), "{expected}");
        assert!(expected.contains("ValidationException"), "{expected}");
        assert!(
            expected.ends_with(" or a protocol-level error"),
            "{expected}"
        );
    }

    #[test]
    fn long_bodies_are_cut_at_a_character_boundary_and_say_their_size() {
        assert_eq!(protocol::truncate("short", 5), "short");
        assert_eq!(protocol::truncate("abcdef", 3), "abc… (6 bytes)");
        // 'é' is two bytes: a cut inside it moves back before it.
        assert_eq!(protocol::truncate("aé", 2), "a… (3 bytes)");
    }

    #[test]
    fn unknown_members_and_nulls_in_output_are_accepted() {
        let extra = TEMPLATE.replace(
            "\"name\":\"t\"",
            "\"name\":\"t\",\"futureMember\":{\"x\":1},\"description\":null",
        );
        assert_eq!(
            check_schema(&exchange("GetEnvironmentTemplate", 200, None, &extra)),
            Ok(())
        );
    }

    /// AWS lists ValidationException, ThrottlingException and the rest among the errors every
    /// service may send: an endpoint that answers one is not breaking G3 (it once was, and a
    /// faithful endpoint refusing an over-long token failed CT1 on it).
    #[test]
    fn the_common_errors_of_every_aws_service_pass_g3() {
        for common in [
            "ValidationException",
            "ThrottlingException",
            "AccessDeniedException",
        ] {
            let e = exchange(
                "DeleteEnvironmentAccountConnection",
                400,
                Some(common),
                r#"{"message":"x"}"#,
            );
            assert_eq!(check_protocol(&e), Ok(()), "{common}");
        }
    }

    /// A 2xx whose only sign of an error is its error-type header: the SDKs read it as a
    /// success and lose the error (restJson answers carry their type there).
    #[test]
    fn a_success_with_an_error_type_header_breaks_g3() {
        let e = exchange(
            "GetEnvironmentTemplate",
            200,
            Some("ConflictException"),
            TEMPLATE,
        );
        let f = check_protocol(&e).unwrap_err();
        assert_eq!(f.clause, "G3");
        assert!(f.message.contains("x-amzn-ErrorType"), "{f:?}");
    }

    /// A restJson service's answers are `application/json`: the message says so, not awsJson's.
    #[test]
    fn a_rest_json_content_type_failure_names_its_own_content_type() {
        let efs = Model::bundled("efs-2015-02-01").unwrap();
        let mut e = exchange("DescribeFileSystems", 200, None, "<html>busy</html>");
        if let Outcome::Response(r) = &mut e.outcome {
            r.headers
                .push(("content-type".to_string(), "text/html".to_string()));
        }
        let f = super::check_protocol(&efs, &e).unwrap_err();
        assert!(f.message.contains("restJson1 (application/json)"), "{f:?}");
    }

    /// Under the conformance profile a deviation the SDKs read past is recorded and the checks
    /// go on; under strict it stops the step; an answer no SDK can read stops it under both.
    #[test]
    fn the_conformance_profile_records_deviations_the_sdks_read_past() {
        let html_json = with_content_type("text/html; charset=utf-8", TEMPLATE);
        let conformance = Profile::conformance();
        let found = check_wire(&PROTON, &conformance, &html_json).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].clause, "G3");
        assert!(check_wire(&PROTON, &Profile::strict(), &html_json).is_err());
        let garbage = with_content_type("text/html", "<html>busy</html>");
        assert!(check_wire(&PROTON, &conformance, &garbage).is_err());
    }
}
