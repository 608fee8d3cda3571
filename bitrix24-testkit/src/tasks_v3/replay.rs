//! `Idempotency-Key` replays around each REST 3.0 call (rest-v3.md): a write with a key
//! runs once; its successful reply is stored for 24 hours under (caller, user, method,
//! key) and given again, with `Idempotent-Replayed: true`, to a repeat with the same
//! parameters.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::methods::dispatch;
use super::reply::{V3Error, V3Reply};
use crate::stats::Stats;
use crate::task_store::TaskStore;

/// How long a stored reply is replayed (rest-v3.md: 24 hours).
const REPLAY_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The longest `Idempotency-Key` value.
const MAX_KEY_LEN: usize = 255;

/// A stored reply of a write sent with an idempotency key.
#[derive(Debug, Clone)]
struct Stored {
    params: Value,
    status: u16,
    body: Value,
    expires: Instant,
}

/// Who a key belongs to: webhook or application, the user, the method, the key.
type ReplayKey = (bool, u64, String, String);

/// The stored replies.
#[derive(Debug, Default)]
pub(crate) struct Replays {
    stored: HashMap<ReplayKey, Stored>,
}

/// What a REST 3.0 call reads and changes.
#[derive(Debug)]
pub(crate) struct Stores<'a> {
    pub(crate) tasks: &'a mut TaskStore,
    pub(crate) replays: &'a mut Replays,
    pub(crate) stats: &'a mut Stats,
}

/// One REST 3.0 request, authorised.
#[derive(Debug)]
pub(crate) struct V3Request<'a> {
    pub(crate) method: &'a str,
    /// The body's JSON object.
    pub(crate) params: &'a Map<String, Value>,
    pub(crate) user_id: u64,
    /// Whether the call came through a webhook (else an application token).
    pub(crate) webhook: bool,
    /// The `Idempotency-Key` header's raw value, when sent.
    pub(crate) idempotency_key: Option<&'a [u8]>,
}

fn is_write(method: &str) -> bool {
    matches!(
        method,
        "tasks.task.add" | "tasks.task.update" | "tasks.task.delete"
    )
}

/// Serve one REST 3.0 call, replaying a stored reply when the key says so.
pub(crate) fn call(stores: Stores<'_>, request: &V3Request<'_>) -> V3Reply {
    let key = match request.idempotency_key.map(valid_key) {
        None => None,
        Some(Some(key)) => Some(key),
        Some(None) => {
            return V3Reply::error(&V3Error::new(
                400,
                "INVALIDIDEMPOTENCYKEYEXCEPTION",
                "The Idempotency-Key must be 1 to 255 printable ASCII characters",
            ));
        }
    };
    let echo = |mut reply: V3Reply| {
        if let Some(key) = &key {
            reply.headers.push(("Idempotency-Key", key.clone()));
        }
        reply
    };
    let mut params = request.params.clone();
    params.remove("auth");
    let params = Value::Object(params);
    let slot = key
        .as_ref()
        .filter(|_| is_write(request.method))
        .map(|key| {
            (
                request.webhook,
                request.user_id,
                request.method.to_owned(),
                key.clone(),
            )
        });
    let now = Instant::now();
    let Stores {
        tasks,
        replays,
        stats,
    } = stores;
    replays.stored.retain(|_, stored| stored.expires > now);
    if let Some(stored) = slot.as_ref().and_then(|slot| replays.stored.get(slot)) {
        if stored.params != params {
            return echo(V3Reply::error(&V3Error::new(
                422,
                "IDEMPOTENCYKEYREUSEDEXCEPTION",
                "The Idempotency-Key was already used with a different request body",
            )));
        }
        let mut reply = echo(V3Reply {
            status: stored.status,
            body: stored.body.clone(),
            headers: Vec::new(),
        });
        reply.headers.push(("Idempotent-Replayed", "true".into()));
        stats.idempotent_replays += 1;
        return reply;
    }
    let reply = match dispatch(tasks, request.method, &params) {
        Ok(result) => {
            if is_write(request.method) {
                stats.executed_writes += 1;
            }
            V3Reply {
                status: 200,
                body: json!({ "result": result }),
                headers: Vec::new(),
            }
        }
        Err(err) => V3Reply::error(&err),
    };
    if let Some(slot) = slot.filter(|_| reply.status == 200) {
        replays.stored.insert(
            slot,
            Stored {
                params,
                status: reply.status,
                body: reply.body.clone(),
                expires: now + REPLAY_LIFETIME,
            },
        );
    }
    echo(reply)
}

/// The key as text, when it is 1 to 255 printable ASCII characters.
fn valid_key(raw: &[u8]) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= MAX_KEY_LEN
        && raw.iter().all(|b| (0x20..=0x7e).contains(b));
    ok.then(|| String::from_utf8_lossy(raw).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_printable_ascii() {
        assert_eq!(valid_key(b"abc 1").as_deref(), Some("abc 1"));
        assert!(valid_key(b"").is_none());
        assert!(valid_key(&[b'k'; 256]).is_none());
        assert!(valid_key(b"tab\t").is_none());
        assert!(valid_key("ключ".as_bytes()).is_none());
    }
}
