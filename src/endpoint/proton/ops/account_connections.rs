//! Environment account connections: a create with a client token (CONTRACT.md CT) and an
//! idempotent delete (ID). The emulator plays the environment account: connections it creates
//! are PENDING until accepted or rejected.
//!
//! Preconditions of the real service that the contract does not state, enforced here:
//! - a connection needs a `roleArn` (ValidationException);
//! - only a PENDING connection can be accepted or rejected (ConflictException).

use serde_json::{Map, Value, json};

use super::idempotency::repeated_delete;
use super::input::{optional_str, required_str, tags_of};
use super::paging::listing;
use super::{Ctx, Done, OpResult};
use crate::endpoint::control::{Millis, epoch_seconds};
use crate::endpoint::proton::error::ErrorAnswer;
use crate::endpoint::proton::state::records::Connection;
use crate::endpoint::proton::state::{ResourceKey, Store};

const COPIED: &[&str] = &["roleArn", "codebuildRoleArn", "componentRoleArn"];

impl Connection {
    fn detail(&self) -> Value {
        let mut d = json!({
            "id": self.id,
            "arn": self.arn,
            "environmentName": self.environment_name,
            "managementAccountId": self.management_account_id,
            "environmentAccountId": self.environment_account_id,
            "requestedAt": epoch_seconds(self.requested_at),
            "lastModifiedAt": epoch_seconds(self.last_modified_at),
            "status": self.status,
        });
        for (k, v) in &self.fields {
            d[k] = v.clone();
        }
        d
    }

    fn answer(&self) -> Value {
        json!({ "environmentAccountConnection": self.detail() })
    }
}

fn live<'a>(store: &'a Store, id: &str) -> Result<&'a Connection, ErrorAnswer> {
    store.connections.get(id).ok_or_else(|| {
        ErrorAnswer::not_found(format!("environment account connection {id} not found"))
    })
}

/// The answer for the connection a token names, while it exists.
pub fn current(store: &Store, key: &ResourceKey, _now: Millis) -> Option<Value> {
    match key {
        ResourceKey::Connection(id) => store.connections.get(id).map(Connection::answer),
        _ => None,
    }
}

pub fn create(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> Done {
    required_str(input, "roleArn")?;
    let id = store.new_uuid();
    let connection = Connection {
        arn: ctx
            .config
            .arn(&format!("environment-account-connection/{id}")),
        id: id.clone(),
        environment_name: required_str(input, "environmentName")?.to_string(),
        management_account_id: required_str(input, "managementAccountId")?.to_string(),
        environment_account_id: ctx.config.account.clone(),
        requested_at: ctx.now,
        last_modified_at: ctx.now,
        status: "PENDING",
        fields: COPIED
            .iter()
            .filter_map(|m| input.get(*m).map(|v| (m.to_string(), v.clone())))
            .collect(),
    };
    let answer = connection.answer();
    store.tags.insert(connection.arn.clone(), tags_of(input));
    store.connections.insert(id.clone(), connection);
    Ok((answer, ResourceKey::Connection(id)))
}

pub fn get(store: &mut Store, _ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    Ok(live(store, required_str(input, "id")?)?.answer())
}

fn decide(
    store: &mut Store,
    ctx: &Ctx,
    input: &Map<String, Value>,
    status: &'static str,
) -> OpResult {
    let id = required_str(input, "id")?;
    let current = live(store, id)?.status;
    if current != "PENDING" {
        return Err(ErrorAnswer::conflict(format!(
            "the connection is {current}, not PENDING"
        )));
    }
    let connection = store.connections.get_mut(id).expect("checked above");
    connection.status = status;
    connection.last_modified_at = ctx.now;
    Ok(connection.answer())
}

pub fn accept(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    decide(store, ctx, input, "CONNECTED")
}

pub fn reject(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    decide(store, ctx, input, "REJECTED")
}

pub fn delete(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    let id = required_str(input, "id")?;
    let key = ResourceKey::Connection(id.to_string());
    let Some(connection) = store.connections.remove(id) else {
        return repeated_delete(store, ctx, &key, "environment account connection");
    };
    let answer = connection.answer();
    store.bury(key, &connection.arn, answer.clone(), ctx.now);
    Ok(answer)
}

pub fn list(store: &mut Store, ctx: &Ctx, input: &Map<String, Value>) -> OpResult {
    // The emulator is the environment account of every connection it holds, and the management
    // account of those whose managementAccountId is its own.
    let by_management = required_str(input, "requestedBy")? == "MANAGEMENT_ACCOUNT";
    let statuses: Vec<&str> = input
        .get("statuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let items = store
        .connections
        .values()
        .filter(|c| !by_management || c.management_account_id == ctx.config.account)
        .filter(|c| optional_str(input, "environmentName").is_none_or(|e| c.environment_name == e))
        .filter(|c| statuses.is_empty() || statuses.contains(&c.status))
        .map(|c| {
            let mut d = c.detail();
            if let Some(o) = d.as_object_mut() {
                o.remove("codebuildRoleArn");
            }
            d
        })
        .collect();
    listing("environmentAccountConnections", items, input)
}
