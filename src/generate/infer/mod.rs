//! What a token operation needs around it, found in the model as RESTler finds producers and
//! consumers in an API description: the operation that makes the resource an operation names
//! (`UpdateNamespace` needs what `CreateNamespace` makes) and the one that undoes it
//! (`CreateNamespace` is undone by `DeleteNamespace`), their required members filled from the
//! request and from the answers before them. Where inference stops, it says which member
//! stopped it: the pack then needs a fixture.

mod fill;
mod plan;
mod words;

pub use plan::surroundings;
pub use words::{makes, parts};

#[cfg(test)]
mod tests {
    use super::fill::{Source, fill};
    use super::words::{maker, parts, undoer};
    use crate::model::Model;
    use serde_json::json;

    #[test]
    fn an_operation_is_told_apart_into_verb_and_what_it_acts_on() {
        assert_eq!(
            parts("CreateHttpNamespace"),
            ("Create", "HttpNamespace", "Namespace")
        );
        assert_eq!(parts("RunTask"), ("Run", "Task", "Task"));
    }

    #[test]
    fn what_an_operation_makes_is_undone_by_its_counterpart() {
        let ecs = Model::bundled("ecs-2014-11-13").unwrap();
        assert_eq!(undoer(&ecs, "CreateService"), Some("DeleteService"));
        assert_eq!(undoer(&ecs, "RunTask"), Some("StopTask"));
        assert_eq!(maker(&ecs, "UpdateService"), Some("CreateService"));
        assert_eq!(maker(&ecs, "CreateService"), None);
    }

    #[test]
    fn a_member_comes_from_an_earlier_answer_or_stops_the_inference() {
        let ecs = Model::bundled("ecs-2014-11-13").unwrap();
        let request = json!({ "cluster": "${run.prefix}-c", "serviceName": "${run.prefix}-s" });
        let source = Source {
            step: "made",
            operation: "CreateService",
            request: request.as_object().unwrap(),
        };
        let filled = fill(&ecs, "DeleteService", &[source]).unwrap();
        // `cluster` is the request's own; `service` is what CreateService made: its name.
        assert_eq!(filled.params["cluster"], json!("${run.prefix}-c"));
        assert_eq!(filled.params["service"], json!("${run.prefix}-s"));
        let secrets = Model::bundled("secretsmanager-2017-10-17").unwrap();
        let stopped = fill(&secrets, "DeleteSecret", &[]).unwrap_err();
        assert!(stopped.contains("SecretId"), "{stopped}");
    }
}
