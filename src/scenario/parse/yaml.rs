//! The YAML reading of a scenario file: parser limits, and its errors as diagnostics.

use crate::diagnostic::Diagnostic;

use super::MAX_DEPTH;

pub(super) fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_recorded_anchor_events = 100_000;
    budget.max_recorded_anchor_bytes = 4 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // Alias bombs are refused after a few thousand replayed events, not a million.
    options.alias_limits.max_total_replayed_events = 20_000;
    options.alias_limits.max_replay_stack_depth = 16;
    // Scenario files are data: a `!!python/object` or any tag the format does not define is
    // an error, not something to ignore.
    options.reject_unsupported_tags = true;
    options.reject_tagged_field_names = true;
    options
}

pub(super) fn yaml_diagnostic(file: &str, error: &serde_saphyr::Error) -> Diagnostic {
    Diagnostic::from_yaml(file, error)
}
