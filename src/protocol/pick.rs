//! The protocol a model names, chosen here for building a request and reading an answer.

use serde_json::{Map, Value};

use super::http::{HttpRequest, HttpResponse, Parsed};
use super::json::{from_wire, to_wire};
use super::rest;
use crate::error::Error;
use crate::model::Model;

/// Builds the request for `operation` with `input` (JSON form).
pub fn request(model: &Model, operation: &str, input: &Value) -> Result<HttpRequest, Error> {
    let op = model
        .operation(operation)
        .ok_or_else(|| Error::input(format!("unknown operation {operation}")))?;
    match model.metadata.protocol.as_str() {
        "json" => {
            let headers = vec![
                ("Content-Type".to_string(), model.metadata.content_type()),
                ("X-Amz-Target".to_string(), model.target(operation)),
            ];
            let body = match &op.input {
                Some(shape) => to_wire(model, &shape.shape, input, None),
                None => Value::Object(Map::new()),
            };
            let body = serde_json::to_vec(&body).unwrap_or_default();
            let mut request = HttpRequest::new("POST", "/", headers, body);
            request.host_prefix = host_prefix(model, operation, input);
            Ok(request)
        }
        "rest-json" => rest::request(model, op, input),
        other => Err(Error::input(format!(
            "the {other} protocol is not supported yet (awsJson1_0, awsJson1_1 and restJson1 are)"
        ))),
    }
}

/// An awsJson operation's host prefix with its labels filled from the input.
fn host_prefix(model: &Model, operation: &str, input: &Value) -> Option<String> {
    let op = model.operation(operation)?;
    let mut prefix = op.endpoint.as_ref()?.host_prefix.clone();
    for (name, value) in input.as_object().into_iter().flatten() {
        if let Some(text) = value.as_str() {
            prefix = prefix.replace(&format!("{{{name}}}"), text);
        }
    }
    Some(prefix)
}

/// Reads an answer to `operation`.
pub fn response(model: &Model, operation: &str, response: &HttpResponse) -> Parsed {
    let success = (200..300).contains(&response.status);
    let output = model
        .operation(operation)
        .and_then(|o| o.output.as_ref())
        .map(|o| o.shape.clone());
    if success {
        let value = match (model.metadata.protocol.as_str(), &output) {
            ("rest-json", Some(shape)) => rest::response_members(model, shape, response),
            (_, Some(shape)) => from_wire(model, shape, &body_json(response.body)),
            (_, None) => Value::Object(Map::new()),
        };
        return Parsed::Success(value);
    }
    let body = body_json(response.body);
    let code = error_code(response, &body).unwrap_or_else(|| "UnknownError".into());
    let message = ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
        .map(str::to_string);
    let members = match model.shape(&code).filter(|s| s.exception) {
        Some(_) if model.metadata.protocol == "rest-json" => {
            rest::response_members(model, &code, response)
        }
        Some(_) => from_wire(model, &code, &body),
        None => Value::Object(Map::new()),
    };
    Parsed::Error {
        code,
        message,
        members,
    }
}

fn body_json(body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::Object(Map::new());
    }
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// The error's type: the `X-Amzn-Errortype` header, else the body's `__type` or `code`, with
/// any namespace (`aws.protocoltests#`) and anything after a colon removed.
pub fn error_code(response: &HttpResponse, body: &Value) -> Option<String> {
    let raw = response
        .header("x-amzn-errortype")
        .map(str::to_string)
        .or_else(|| {
            ["__type", "code", "Code"]
                .iter()
                .find_map(|k| body.get(*k).and_then(Value::as_str).map(str::to_string))
        })?;
    let name = raw.split(':').next().unwrap_or(&raw);
    let name = name.rsplit('#').next().unwrap_or(name);
    Some(name.trim().to_string()).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn proton() -> Model {
        Model::bundled("proton-2020-07-20").unwrap()
    }

    #[test]
    fn an_aws_json_request_is_the_input_as_written() {
        let input = json!({"name": "t", "colour": "blue", "description": 3});
        let r = request(&proton(), "CreateEnvironmentTemplate", &input).unwrap();
        assert_eq!((r.method.as_str(), r.uri.as_str()), ("POST", "/"));
        assert!(
            r.headers
                .contains(&("Content-Type".into(), "application/x-amz-json-1.0".into()))
        );
        assert!(r.headers.contains(&(
            "X-Amz-Target".into(),
            "AwsProton20200720.CreateEnvironmentTemplate".into()
        )));
        // Members the model does not know and values of the wrong type go as written: a
        // scenario may send an invalid request on purpose.
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body, input);
        assert!(request(&proton(), "Frobnicate", &input).is_err());
    }

    #[test]
    fn a_host_prefix_goes_before_a_name_never_before_an_address() {
        let mut r = HttpRequest::new("GET", "/x?a=1", Vec::new(), Vec::new());
        r.host_prefix = Some("foo.".into());
        assert_eq!(
            r.url("https://example.com/base/").unwrap(),
            "https://foo.example.com/base/x?a=1"
        );
        assert_eq!(
            r.url("http://127.0.0.1:4566").unwrap(),
            "http://127.0.0.1:4566/x?a=1"
        );
        assert_eq!(
            r.url("http://localhost:4566").unwrap(),
            "http://localhost:4566/x?a=1"
        );
    }

    #[test]
    fn an_error_type_loses_its_namespace_and_suffix() {
        let headers = [(
            "X-Amzn-ErrorType".to_string(),
            "FooError:http://x/".to_string(),
        )];
        let r = HttpResponse {
            status: 400,
            headers: &headers,
            body: b"",
        };
        assert_eq!(error_code(&r, &json!({})).as_deref(), Some("FooError"));
        let r = HttpResponse {
            status: 400,
            headers: &[],
            body: b"",
        };
        let body = json!({"__type": "aws.protocoltests.restjson#FooError"});
        assert_eq!(error_code(&r, &body).as_deref(), Some("FooError"));
        assert_eq!(
            error_code(&r, &json!({"code": "Bar"})).as_deref(),
            Some("Bar")
        );
        assert_eq!(error_code(&r, &json!({})), None);
    }
}
