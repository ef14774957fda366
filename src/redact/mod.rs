//! The one redaction path: how exchanges become text in any artifact (`text`), and how answers
//! become snapshot documents whose volatile values are placeholders that keep identity
//! (`identity`).

mod identity;
mod text;

pub use identity::{Redactor, Rule, Rules, is_placeholder, placeholder_role};
pub use text::exchange_text;
