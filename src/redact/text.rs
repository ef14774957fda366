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
