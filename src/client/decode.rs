//! Decoding of awsJson1_0 responses, accepting every valid spelling of an error
//! (CONTRACT.md, "Facts about the real service").

use serde_json::{Map, Value};

/// A decoded response body.
#[derive(Debug, Clone)]
pub enum Body {
    /// A 2xx answer with a JSON object (an empty body counts as `{}`).
    Success(Value),
    /// A non-2xx answer carrying an awsJson1_0 error.
    Error(ApiError),
    /// Anything else: not JSON, not an object, an error without a type.
    Malformed(String),
}

/// An awsJson1_0 error, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The bare type name (`ConflictException`), namespace and URL suffix cut off.
    pub error_type: String,
    pub message: Option<String>,
    /// The body with `Message` renamed to `message` and the type members removed, ready to be
    /// checked against the error shape.
    pub body: Value,
}

/// Decodes a response from its status, `x-amzn-ErrorType` header and body bytes.
pub fn decode_response(status: u16, error_type_header: Option<&str>, bytes: &[u8]) -> Body {
    let json = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => v,
            Err(e) => return Body::Malformed(format!("body is not JSON: {e}")),
        }
    };
    let Value::Object(object) = json else {
        return Body::Malformed("body is JSON but not an object".into());
    };
    if (200..300).contains(&status) {
        return Body::Success(Value::Object(object));
    }
    decode_error(error_type_header, object)
}

fn decode_error(header: Option<&str>, mut object: Map<String, Value>) -> Body {
    let from_body = |key: &str, object: &Map<String, Value>| {
        object.get(key).and_then(Value::as_str).map(str::to_string)
    };
    let raw_type = header
        .map(str::to_string)
        .filter(|h| !h.trim().is_empty())
        .or_else(|| from_body("__type", &object))
        .or_else(|| from_body("code", &object));
    let Some(raw_type) = raw_type else {
        return Body::Malformed(
            "error response carries no type (no x-amzn-ErrorType header, no __type or code member)"
                .into(),
        );
    };
    let error_type = bare_error_type(&raw_type);
    if error_type.is_empty() {
        return Body::Malformed(format!("error type {raw_type:?} is empty once normalised"));
    }
    object.remove("__type");
    object.remove("code");
    if !object.contains_key("message")
        && let Some(m) = object.remove("Message")
    {
        object.insert("message".into(), m);
    }
    let message = object
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string);
    Body::Error(ApiError {
        error_type,
        message,
        body: Value::Object(object),
    })
}

/// `aws.protocoltests#FooError:http://...` becomes `FooError`: cut at the first `:`, then keep
/// what follows the last `#`.
pub fn bare_error_type(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = before_colon.rsplit('#').next().unwrap_or(before_colon);
    after_hash.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(status: u16, header: Option<&str>, body: &str) -> ApiError {
        match decode_response(status, header, body.as_bytes()) {
            Body::Error(e) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn reads_the_type_from_header_or_body_in_every_spelling() {
        let e = error(409, Some("ConflictException"), r#"{"message":"m"}"#);
        assert_eq!(e.error_type, "ConflictException");
        let e = error(
            409,
            Some("com.amazonaws.proton#ConflictException:http://internal.amazon.com/x"),
            "{}",
        );
        assert_eq!(e.error_type, "ConflictException");
        let e = error(
            400,
            None,
            r#"{"__type":"com.amazonaws.proton#ValidationException","Message":"bad"}"#,
        );
        assert_eq!(e.error_type, "ValidationException");
        assert_eq!(e.message.as_deref(), Some("bad"));
        assert_eq!(e.body, json!({"message": "bad"}));
        let e = error(
            400,
            None,
            r#"{"code":"ThrottlingException","message":"slow"}"#,
        );
        assert_eq!(e.error_type, "ThrottlingException");
    }

    #[test]
    fn malformed_answers_are_named() {
        assert!(matches!(
            decode_response(200, None, b"<html>"),
            Body::Malformed(_)
        ));
        assert!(matches!(
            decode_response(200, None, b"[1]"),
            Body::Malformed(_)
        ));
        assert!(matches!(
            decode_response(500, None, b"{\"message\":\"x\"}"),
            Body::Malformed(_)
        ));
        assert!(matches!(decode_response(200, None, b""), Body::Success(v) if v == json!({})));
    }
}
