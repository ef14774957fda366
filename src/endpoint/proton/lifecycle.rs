//! Asynchronous work on the virtual clock: deployments and deletions are deadlines compared
//! with the clock on every read, never timers.

use serde_json::{Value, json};

use crate::endpoint::control::{Millis, epoch_seconds};

/// One deployment of a resource.
#[derive(Debug, Clone)]
pub struct Rollout {
    pub id: String,
    pub started_at: Millis,
    pub done_at: Millis,
    pub cancelled_at: Option<Millis>,
    /// The last deployment that succeeded before this one: (id, when).
    pub previous_success: Option<(String, Millis)>,
}

impl Rollout {
    pub fn new(
        id: String,
        now: Millis,
        seconds: u64,
        previous_success: Option<(String, Millis)>,
    ) -> Self {
        Self {
            id,
            started_at: now,
            done_at: now + seconds as Millis * 1000,
            cancelled_at: None,
            previous_success,
        }
    }

    pub fn status(&self, now: Millis) -> &'static str {
        match self.cancelled_at {
            Some(at) if at <= now => "CANCELLED",
            _ if now >= self.done_at => "SUCCEEDED",
            _ => "IN_PROGRESS",
        }
    }

    /// The last successful deployment as of `now`.
    pub fn last_success(&self, now: Millis) -> Option<(String, Millis)> {
        if self.status(now) == "SUCCEEDED" {
            Some((self.id.clone(), self.done_at))
        } else {
            self.previous_success.clone()
        }
    }

    /// Writes the deployment members of a resource detail. `fallback` stands in for a
    /// required "last succeeded at" before any deployment has succeeded.
    pub fn describe(&self, detail: &mut Value, now: Millis, fallback: Millis) {
        detail["deploymentStatus"] = json!(self.status(now));
        detail["lastAttemptedDeploymentId"] = json!(self.id);
        detail["lastDeploymentAttemptedAt"] = epoch_seconds(self.started_at);
        match self.last_success(now) {
            Some((id, at)) => {
                detail["lastSucceededDeploymentId"] = json!(id);
                detail["lastDeploymentSucceededAt"] = epoch_seconds(at);
            }
            None => detail["lastDeploymentSucceededAt"] = epoch_seconds(fallback),
        }
    }
}

/// A delete in progress: DELETE_IN_PROGRESS until `done_at`, then the resource is gone.
#[derive(Debug, Clone, Copy)]
pub struct Deletion {
    pub done_at: Millis,
}

impl Deletion {
    pub fn finished(&self, now: Millis) -> bool {
        now >= self.done_at
    }
}
