//! "Did you mean": the closest known name to a misspelt one.

/// The candidate closest to `input`, if one is close enough to be a plausible typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&lowered, &c.to_ascii_lowercase())))
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_a_near_miss_and_nothing_for_noise() {
        let ops = [
            "CreateEnvironmentTemplate",
            "CreateEnvironment",
            "DeleteService",
        ];
        assert_eq!(
            closest("CreateEnviromentTemplate", ops),
            Some("CreateEnvironmentTemplate")
        );
        assert_eq!(closest("createenvironment", ops), Some("CreateEnvironment"));
        assert_eq!(closest("zzz", ops), None);
    }
}
