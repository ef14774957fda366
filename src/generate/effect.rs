//! The reads that show a token operation's effect: "nothing more" after a retry (CT2) is
//! observed through the service's own read-only operations. A listing (`List*`, `Describe*`)
//! whose answer holds a list named for what the operation makes (`RunTask`: `taskArns`), with
//! every member it takes that the operation's request also names given the same value (so the
//! listing is scoped to the scenario's own resources), read to its last page; its items are
//! told apart by their identifier (an `Arn`, an `Id`, a `Name`), and kept to the scenario's own
//! by a member the request names with a scenario-unique value. A pack names the read itself
//! where none can be found (`effect:`).

use serde_json::{Map, Value};

use crate::model::{Model, ShapeKind};
use crate::service::TokenOperation;

/// A read whose identifiers must be the same after a retry as after the first call.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub operation: String,
    pub params: Value,
    /// A JMESPath over its answer: the identifiers, sorted.
    pub ids: String,
}

/// The probe of a token operation's effect, if its model has one, or the pack names one.
pub fn probe(model: &Model, token: &TokenOperation, request: &Map<String, Value>) -> Option<Probe> {
    if let Some(effect) = &token.effect {
        return Some(Probe {
            operation: effect.call.clone(),
            params: effect
                .params
                .clone()
                .unwrap_or_else(|| Value::Object(Map::new())),
            ids: effect.ids.clone(),
        });
    }
    // Only what makes a resource shows in a listing as one more; a delete, an update or a
    // stop shows no item to count.
    if !super::infer::makes(&token.operation) {
        return None;
    }
    let nouns = nouns(&token.operation);
    let mut reads: Vec<&str> = model
        .operations
        .keys()
        .map(String::as_str)
        .filter(|op| op.starts_with("List") || op.starts_with("Describe"))
        .collect();
    // A listing before a description: it is meant to show many.
    reads.sort_by_key(|op| (!op.starts_with("List"), *op));
    // The read kept to the scenario's own resources by its request before one kept to them by
    // their names; the first of each in that order.
    reads
        .into_iter()
        .filter_map(|read| probe_with(model, read, &nouns, request))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, probe)| probe)
}

/// How a read is kept to what the scenario made, the surest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kept {
    /// The read's request names something only the scenario has (its cluster, its token).
    ByRequest,
    /// The items are filtered by the run prefix their names carry.
    ByName,
}

fn probe_with(
    model: &Model,
    read: &str,
    nouns: &[String],
    request: &Map<String, Value>,
) -> Option<(Kept, Probe)> {
    let input = model.input_shape(read);
    // Every member the read takes that the request also names, with the same value.
    let params: Map<String, Value> = input
        .map(|shape| {
            shape
                .members
                .keys()
                .filter_map(|m| request.get(m).map(|v| (m.clone(), v.clone())))
                .filter(|(_, v)| v.is_string())
                .collect()
        })
        .unwrap_or_default();
    if input.is_some_and(|s| s.required.iter().any(|r| !params.contains_key(r))) {
        return None;
    }
    model.paginators.get(read)?;
    let output = model.operation(read)?.output.as_ref()?;
    let output = model.shape(&output.shape)?;
    let (list, item) = output.members.iter().find_map(|(name, m)| {
        let shape = model
            .shape(&m.shape)
            .filter(|s| s.kind == ShapeKind::List)?;
        lists(name, nouns).then(|| (name.clone(), shape.member.as_ref().map(|i| i.shape.clone())))
    })?;
    let item = model.shape(&item?)?;
    let scoped = params.values().any(scenario_unique);
    // Where the read is not scoped, only a name carrying the run prefix tells the scenario's
    // own items from everything else the account holds.
    let named = request
        .values()
        .any(|v| v.as_str().is_some_and(|s| s.contains("${run.prefix}")));
    let by_prefix = "contains(@, '${run.prefix}')";
    let (kept, ids) = match item.kind {
        ShapeKind::String if scoped => (Kept::ByRequest, format!("sort({list})")),
        // Names and ARNs carry the prefix of the name they were made with; ids do not.
        ShapeKind::String if named && names_or_arns(&list) => {
            (Kept::ByName, format!("sort({list}[?{by_prefix}])"))
        }
        ShapeKind::Structure => {
            let id = identifier(model, item, nouns)?;
            // Kept to the scenario's own items by a member the request names uniquely.
            let own = item.members.keys().find_map(|m| {
                request
                    .get(m)
                    .filter(|v| scenario_unique(v))
                    .and_then(Value::as_str)
                    .map(|v| format!("[?{m}=='{v}']"))
            });
            // The item's own name (`name`, `clusterName`), not another's (`roleName`).
            let name = item
                .members
                .keys()
                .find(|m| {
                    let lower = m.to_ascii_lowercase();
                    lower
                        .strip_suffix("name")
                        .is_some_and(|stem| stem.is_empty() || nouns.iter().any(|n| n == stem))
                })
                .filter(|_| named);
            match (own, scoped, name) {
                (Some(filter), _, _) => (Kept::ByRequest, format!("sort({list}{filter}.{id})")),
                (None, true, _) => (Kept::ByRequest, format!("sort({list}[].{id})")),
                (None, false, Some(name)) => (
                    Kept::ByName,
                    format!("sort({list}[?contains({name}, '${{run.prefix}}')].{id})"),
                ),
                (None, false, None) => return None,
            }
        }
        _ => return None,
    };
    let probe = Probe {
        operation: read.to_string(),
        params: Value::Object(params),
        ids,
    };
    Some((kept, probe))
}

/// Whether a list of strings holds names or ARNs (`TableNames`, `taskArns`).
fn names_or_arns(list: &str) -> bool {
    let lower = list.to_ascii_lowercase();
    lower.ends_with("names") || lower.ends_with("arns")
}

/// Whether a list member holds what one of the nouns names: the noun and one of the words a
/// listing ends with (`taskArns` for a task, not `taskDefinitionArns`).
fn lists(member: &str, nouns: &[String]) -> bool {
    const ENDS: &[&str] = &[
        "",
        "s",
        "es",
        "arns",
        "ids",
        "names",
        "list",
        "summaries",
        "summarylist",
        "infos",
        "details",
        "set",
    ];
    let lower = member.to_ascii_lowercase();
    nouns.iter().any(|n| {
        lower
            .strip_prefix(n.as_str())
            .is_some_and(|rest| ENDS.contains(&rest))
    })
}

/// The members of an operation's answer that name what it made, at most one structure deep
/// (`QueryExecutionId`, `Service.Id`): strings ending in `Id` or `Arn`, not a request's id,
/// and none the request has too (an `accountId` it was given).
pub fn answer_identifiers(model: &Model, operation: &str) -> Vec<String> {
    let Some(output) = model
        .operation(operation)
        .and_then(|o| o.output.as_ref())
        .and_then(|o| model.shape(&o.shape))
    else {
        return Vec::new();
    };
    // A member the request also has is the caller's value said back, not what was made.
    let sent = |name: &str| {
        model
            .input_shape(operation)
            .is_some_and(|i| i.members.keys().any(|k| k.eq_ignore_ascii_case(name)))
    };
    let names = |shape: &crate::model::Shape, prefix: &str| -> Vec<String> {
        shape
            .members
            .iter()
            .filter(|(name, _)| !sent(name))
            .filter(|(name, m)| {
                let lower = name.to_ascii_lowercase();
                // In the body: a header's value is the transport's (a session id).
                m.location.is_none()
                    && (lower.ends_with("id") || lower.ends_with("arn"))
                    && !lower.contains("request")
                    && model
                        .shape(&m.shape)
                        .is_some_and(|s| s.kind == ShapeKind::String)
            })
            .map(|(name, _)| format!("{prefix}{name}"))
            .collect()
    };
    let mut found = names(output, "");
    if found.is_empty() {
        for (name, member) in &output.members {
            if let Some(inner) = model
                .shape(&member.shape)
                .filter(|s| s.kind == ShapeKind::Structure)
            {
                found.extend(names(inner, &format!("{name}.")));
            }
        }
    }
    found
}

/// The member that tells items apart: one naming the item itself (`Arn`, `clusterArn` of a
/// cluster) before one naming something else (`DomainId`, `RoleArn`), an ARN before an id
/// before a name, the plainest first (`ARN` before `ExternalSecretRotationRoleArn`).
fn identifier(model: &Model, item: &crate::model::Shape, nouns: &[String]) -> Option<String> {
    let ends = ["arn", "id", "name"];
    item.members
        .iter()
        .filter(|(_, s)| {
            model
                .shape(&s.shape)
                .is_some_and(|s| s.kind == ShapeKind::String)
        })
        .filter_map(|(name, _)| {
            let lower = name.to_ascii_lowercase();
            let rank = ends.iter().position(|e| lower.ends_with(e))?;
            let stem = &lower[..lower.len() - ends[rank].len()];
            let own = stem.is_empty() || nouns.iter().any(|n| n == stem);
            Some(((!own, rank, name.len()), name.clone()))
        })
        .min()
        .map(|(_, name)| name)
}

/// A value only this scenario sends: its run prefix or one of its tokens.
fn scenario_unique(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.contains("${run.prefix}") || s.contains("${token."))
}

/// What an operation makes, in lower case: `RunTask` a task, `CreateHttpNamespace` an HTTP
/// namespace and a namespace; an import or export makes the job too.
fn nouns(operation: &str) -> Vec<String> {
    let (verb, rest, last) = super::infer::parts(operation);
    let mut nouns: Vec<String> = [rest, last]
        .iter()
        .map(|n| n.to_ascii_lowercase().trim_end_matches('s').to_string())
        .collect();
    if verb == "Import" || verb == "Export" {
        nouns.push(verb.to_ascii_lowercase());
    }
    nouns.retain(|n| n.len() >= 3);
    nouns.dedup();
    nouns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Service;
    use serde_json::json;

    fn token(service: &Service, operation: &str) -> TokenOperation {
        service
            .pack
            .tokens
            .iter()
            .find(|t| t.operation == operation)
            .unwrap()
            .clone()
    }

    #[test]
    fn a_secret_is_seen_in_the_listing_by_its_name() {
        let s = Service::bundled("secretsmanager").unwrap();
        let request = json!({ "Name": "${run.prefix}-secret", "ClientRequestToken": "${token.a}" });
        let p = probe(
            &s.model,
            &token(&s, "CreateSecret"),
            request.as_object().unwrap(),
        )
        .unwrap();
        assert_eq!(p.operation, "ListSecrets");
        assert_eq!(p.ids, "sort(SecretList[?Name=='${run.prefix}-secret'].ARN)");
    }

    #[test]
    fn a_task_is_seen_in_its_clusters_listing() {
        let s = Service::bundled("ecs").unwrap();
        let request = json!({ "cluster": "${run.prefix}-c", "taskDefinition": "${run.prefix}-td", "count": 1 });
        let p = probe(
            &s.model,
            &token(&s, "RunTask"),
            request.as_object().unwrap(),
        )
        .unwrap();
        assert_eq!(
            (p.operation.as_str(), p.ids.as_str()),
            ("ListTasks", "sort(taskArns)")
        );
        assert_eq!(p.params, json!({ "cluster": "${run.prefix}-c" }));
    }

    #[test]
    fn a_file_system_is_seen_by_its_creation_token() {
        let s = Service::bundled("efs").unwrap();
        let request = json!({ "CreationToken": "${token.a}", "PerformanceMode": "generalPurpose" });
        let p = probe(
            &s.model,
            &token(&s, "CreateFileSystem"),
            request.as_object().unwrap(),
        )
        .unwrap();
        assert_eq!(p.operation, "DescribeFileSystems");
        assert_eq!(p.params, json!({ "CreationToken": "${token.a}" }));
    }
}
