//! A request and an answer as they cross the wire, and an answer as the protocol reads it.

use serde_json::Value;

use crate::error::Error;

/// A request, ready to send to an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// Path and query string.
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The operation's host prefix, labels filled (`foo.bar.`), to put before the host.
    pub host_prefix: Option<String>,
}

impl HttpRequest {
    /// The URL of this request at `endpoint`: the endpoint's path before the request's, and the
    /// host prefix before its host when the host is a name (an address or `localhost` takes
    /// none, as the SDKs do when told to skip host prefixes).
    pub fn url(&self, endpoint: &str) -> Result<String, Error> {
        let base = reqwest::Url::parse(endpoint)
            .map_err(|e| Error::input(format!("invalid endpoint URL {endpoint:?}: {e}")))?;
        let host = base.host_str().unwrap_or_default();
        let named = host.parse::<std::net::IpAddr>().is_err()
            && !host.starts_with('[')
            && host != "localhost";
        let host = match &self.host_prefix {
            Some(prefix) if named => format!("{prefix}{host}"),
            _ => host.to_string(),
        };
        let port = base.port().map(|p| format!(":{p}")).unwrap_or_default();
        let path = base.path().trim_end_matches('/');
        Ok(format!(
            "{}://{host}{port}{path}{}",
            base.scheme(),
            self.uri
        ))
    }

    pub(super) fn new(
        method: &str,
        uri: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            method: method.to_string(),
            uri: uri.to_string(),
            headers,
            body,
            host_prefix: None,
        }
    }
}

/// An answer as it came.
#[derive(Debug, Clone, Copy)]
pub struct HttpResponse<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl HttpResponse<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer read in the service's protocol.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// The output in JSON form.
    Success(Value),
    /// An error: its type (namespace stripped), its message, and its members in JSON form.
    Error {
        code: String,
        message: Option<String>,
        members: Value,
    },
}
