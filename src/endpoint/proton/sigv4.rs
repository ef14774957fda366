//! Optional SigV4 verification (`serve --verify-sigv4`): the request is signed again with the
//! known test credentials, over exactly the headers the client says it signed, and the two
//! signatures must match. Errors are the ones AWS answers.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::http::HeaderMap;

use super::error::ErrorAnswer;

/// The documented example key pair AWS uses in its SigV4 test suite.
pub const TEST_ACCESS_KEY: &str = "AKIDEXAMPLE";
pub const TEST_SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// How far a request's x-amz-date may be from the server's time.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone)]
pub struct Verifier {
    pub access_key: String,
    pub secret_key: String,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            access_key: TEST_ACCESS_KEY.into(),
            secret_key: TEST_SECRET_KEY.into(),
        }
    }
}

struct Authorization<'a> {
    access_key: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256")?.trim();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim) {
        match part.split_once('=')? {
            ("Credential", v) => credential = Some(v),
            ("SignedHeaders", v) => signed = Some(v),
            ("Signature", v) => signature = Some(v),
            _ => {}
        }
    }
    let mut scope = credential?.split('/');
    let access_key = scope.next()?;
    let _date = scope.next()?;
    let region = scope.next()?;
    let service = scope.next()?;
    Some(Authorization {
        access_key,
        region,
        service,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

fn parse_amz_date(value: &str) -> Option<SystemTime> {
    // 20261130T083000Z
    let digits: Vec<u64> = [(0, 4), (4, 6), (6, 8), (9, 11), (11, 13), (13, 15)]
        .iter()
        .map(|(a, b)| value.get(*a..*b)?.parse().ok())
        .collect::<Option<_>>()?;
    let (y, m, d) = (digits[0] as i64, digits[1] as i64, digits[2] as i64);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + (digits[3] * 3600 + digits[4] * 60 + digits[5]) as i64;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

impl Verifier {
    /// Checks the request's signature; `now` is the server's (real) time.
    pub fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), ErrorAnswer> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let Some(value) = header("authorization") else {
            return Err(ErrorAnswer::auth(
                "MissingAuthenticationToken",
                403,
                "Missing Authentication Token",
            ));
        };
        let auth = parse_authorization(value).ok_or_else(|| {
            ErrorAnswer::auth(
                "IncompleteSignature",
                400,
                "Authorization header requires Credential, SignedHeaders and Signature",
            )
        })?;
        if auth.access_key != self.access_key {
            return Err(ErrorAnswer::auth(
                "UnrecognizedClientException",
                403,
                "The security token included in the request is invalid.",
            ));
        }
        if auth.service != "proton" {
            return Err(invalid(format!(
                "Credential should be scoped to correct service: 'proton', not '{}'",
                auth.service
            )));
        }
        let signed_at = header("x-amz-date")
            .and_then(parse_amz_date)
            .ok_or_else(|| {
                ErrorAnswer::auth("IncompleteSignature", 400, "missing or invalid X-Amz-Date")
            })?;
        let skew = now
            .duration_since(signed_at)
            .unwrap_or_else(|e| e.duration());
        if skew > MAX_SKEW {
            return Err(invalid(
                "Signature expired: the request time is more than 15 minutes from the server's",
            ));
        }
        let mut signed = Vec::new();
        for name in &auth.signed_headers {
            let value = header(name).ok_or_else(|| {
                ErrorAnswer::auth(
                    "IncompleteSignature",
                    400,
                    format!("signed header {name} is missing"),
                )
            })?;
            signed.push((*name, value));
        }
        let host = header("host").unwrap_or("localhost");
        let identity = Credentials::from_keys(&self.access_key, &self.secret_key, None).into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(auth.region)
            .name("proton")
            .time(signed_at)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| invalid(format!("cannot verify: {e}")))?
            .into();
        let request = SignableRequest::new(
            "POST",
            format!("http://{host}/"),
            signed.into_iter(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| invalid(format!("cannot verify: {e}")))?;
        let expected =
            sign(request, &params).map_err(|e| invalid(format!("cannot verify: {e}")))?;
        if expected.signature() == auth.signature {
            Ok(())
        } else {
            Err(invalid(
                "The request signature we calculated does not match the signature you provided.",
            ))
        }
    }
}

fn invalid(message: impl Into<String>) -> ErrorAnswer {
    ErrorAnswer::auth("InvalidSignatureException", 403, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amz_dates() {
        let t = parse_amz_date("20261130T083000Z").unwrap();
        let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(secs, 1_796_027_400);
        assert!(parse_amz_date("nonsense").is_none());
    }

    #[test]
    fn parses_the_authorization_header() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/proton/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(
            (a.access_key, a.region, a.service, a.signature),
            ("AKIDEXAMPLE", "us-east-1", "proton", "abc")
        );
        assert_eq!(a.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert!(parse_authorization("Basic abc").is_none());
    }
}
