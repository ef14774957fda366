//! A listing read to its end, page after page as the model's paginator says, as one exchange
//! whose answer holds every page's items: a second resource on page two is seen all the same.

use serde_json::Value;

use super::decode::Body;
use super::exchange::{Exchange, Outcome};
use super::transport::{Client, RequestOptions};

/// Pages read at most, so that an endpoint that never stops paging cannot hold a step.
const MAX_PAGES: usize = 100;

impl Client {
    /// Calls `operation` and every next page, the paginator's result keys joined; the first
    /// answer that is not a success (or a call without a paginator) is returned as it came.
    pub async fn call_all_pages(
        &self,
        operation: &str,
        body: &Value,
        options: &RequestOptions,
    ) -> Exchange {
        let first = self.call(operation, body, options).await;
        let Some(paginator) = self.model().paginators.get(operation).cloned() else {
            return first;
        };
        let keys: Vec<String> = match &paginator.result_key {
            Value::String(k) => vec![k.clone()],
            Value::Array(ks) => ks
                .iter()
                .filter_map(|k| k.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        };
        let mut merged = first.clone();
        let mut params = body.clone();
        let mut last = first;
        for _ in 1..MAX_PAGES {
            let Some(next) = last
                .success_body()
                .and_then(|b| paginator.next_page(&params, b))
            else {
                break;
            };
            params = next;
            last = self.call(operation, &params, options).await;
            let Some(page) = last.success_body() else {
                return last;
            };
            if let Outcome::Response(response) = &mut merged.outcome
                && let Body::Success(joined) = &mut response.body
            {
                for key in &keys {
                    if let (Some(Value::Array(all)), Some(Value::Array(more))) =
                        (joined.get_mut(key), page.get(key))
                    {
                        all.extend(more.iter().cloned());
                    }
                }
                if let Some(map) = joined.as_object_mut() {
                    for member in paginator.token_members() {
                        map.remove(member);
                    }
                }
                response.raw = joined.to_string();
            }
            merged.duration += last.duration;
        }
        merged
    }
}
