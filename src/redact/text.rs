//! Exchanges as text for reports. Only the protocol's own headers are ever recorded by the
//! client, so no credential can reach this point; bodies are capped so one huge answer cannot
//! flood a report.

use crate::client::{Exchange, Outcome};

const MAX_BODY_CHARS: usize = 2_000;

/// The request and its answer, as reports show them.
pub fn exchange_text(exchange: &Exchange) -> String {
    let request = serde_json::to_string(&exchange.request).unwrap_or_default();
    let mut text = format!("-> {} {}\n", exchange.operation, cap(&request));
    match &exchange.outcome {
        Outcome::Transport(e) => text.push_str(&format!("<- no answer: {e}\n")),
        Outcome::Response(r) => {
            let error_type = r
                .header("x-amzn-errortype")
                .map(|t| format!(" [x-amzn-errortype: {t}]"))
                .unwrap_or_default();
            text.push_str(&format!(
                "<- HTTP {}{error_type} {}\n",
                r.status,
                cap(r.raw.trim())
            ));
        }
    }
    text.push_str(&format!("   ({} ms)", exchange.duration.as_millis()));
    text
}

fn cap(text: &str) -> String {
    if text.chars().count() <= MAX_BODY_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_BODY_CHARS).collect();
    format!("{head}… ({} bytes in all)", text.len())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::client::{Response, TransportError, decode_response};

    fn exchange(outcome: Outcome) -> Exchange {
        Exchange {
            operation: "GetEnvironmentTemplate".into(),
            request: json!({"name": "t"}),
            outcome,
            duration: Duration::from_millis(7),
        }
    }

    #[test]
    fn an_exchange_reads_as_request_answer_and_time() {
        let raw = r#"{"message":"gone"}"#;
        let answer = Outcome::Response(Response {
            status: 404,
            headers: vec![(
                "x-amzn-errortype".into(),
                "ResourceNotFoundException".into(),
            )],
            raw: raw.into(),
            body: decode_response(404, Some("ResourceNotFoundException"), raw.as_bytes()),
        });
        assert_eq!(
            exchange_text(&exchange(answer)),
            "-> GetEnvironmentTemplate {\"name\":\"t\"}\n<- HTTP 404 [x-amzn-errortype: ResourceNotFoundException] {\"message\":\"gone\"}\n   (7 ms)"
        );
        let lost = exchange(Outcome::Transport(TransportError::Lost));
        assert!(exchange_text(&lost).contains("<- no answer: response deliberately not read"));
    }

    #[test]
    fn long_bodies_are_capped_by_characters() {
        let exact = "é".repeat(MAX_BODY_CHARS);
        assert_eq!(cap(&exact), exact);
        let long = "é".repeat(MAX_BODY_CHARS + 1);
        let capped = cap(&long);
        assert!(capped.starts_with(&exact));
        assert!(
            capped.ends_with(&format!("… ({} bytes in all)", long.len())),
            "{capped}"
        );
    }
}
