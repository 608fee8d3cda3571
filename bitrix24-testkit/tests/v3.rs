//! The test portal's REST 3.0 routes on the wire: the unified formats, the
//! `Idempotency-Key` and `Idempotent-Replayed` headers, and what the portal refuses.

use bitrix24_testkit::{PortalConfig, TestPortal};
use serde_json::{Value, json};

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// `http://127.0.0.1:PORT/rest/api/1/<secret>/`.
fn v3_webhook(portal: &TestPortal) -> String {
    portal.webhook_url().replacen("/rest/", "/rest/api/", 1)
}

struct Reply {
    status: u16,
    key: Option<String>,
    replayed: Option<String>,
    body: Value,
}

async fn post(url: &str, key: Option<&str>, body: &Value) -> Reply {
    let mut request = http()
        .post(url)
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(body).unwrap());
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.expect("the portal answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let (key, replayed) = (header("idempotency-key"), header("idempotent-replayed"));
    Reply {
        status: response.status().as_u16(),
        key,
        replayed,
        body: json_of(response).await,
    }
}

async fn json_of(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("a body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

fn task() -> Value {
    json!({"fields": {"title": "t", "creatorId": 1, "responsibleId": 1}})
}

#[tokio::test]
async fn a_repeated_key_gets_the_stored_reply_with_the_replay_header() {
    let portal = portal().await;
    let url = format!("{}tasks.task.add", v3_webhook(&portal));

    let first = post(&url, Some("key-1"), &task()).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.key.as_deref(), Some("key-1"));
    assert_eq!(first.replayed, None);
    assert_eq!(first.body["result"]["item"]["id"], 1);
    assert!(first.body["time"]["start"].is_number());

    let again = post(&url, Some("key-1"), &task()).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.key.as_deref(), Some("key-1"));
    assert_eq!(again.replayed.as_deref(), Some("true"));
    assert_eq!(again.body["result"], first.body["result"]);
    assert_eq!(portal.task_count(), 1);

    // Without a key every call runs.
    let plain = post(&url, None, &task()).await;
    assert_eq!(plain.key, None);
    assert_eq!(plain.body["result"]["item"]["id"], 2);

    let reused = post(
        &url,
        Some("key-1"),
        &json!({"fields": {"title": "other", "creatorId": 1, "responsibleId": 1}}),
    )
    .await;
    assert_eq!(reused.status, 422);
    assert_eq!(
        reused.body["error"]["code"],
        "BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION"
    );
    assert!(reused.body.get("result").is_none());

    let stats = portal.stats();
    assert_eq!(stats.executed_writes, 2);
    assert_eq!(stats.idempotent_replays, 1);
}

#[tokio::test]
async fn failed_calls_are_not_stored_and_bad_keys_are_refused() {
    let portal = portal().await;
    let url = format!("{}tasks.task.add", v3_webhook(&portal));

    let failed = post(&url, Some("key-2"), &json!({"fields": {"title": "t"}})).await;
    assert_eq!(failed.status, 400);
    assert_eq!(
        failed.body["error"]["validation"],
        json!([
            {"field": "creatorId", "message": "Required field `creatorId` is not specified"},
            {"field": "responsibleId", "message": "Required field `responsibleId` is not specified"},
        ])
    );
    // The error was not stored: the same key with a good body runs.
    let ok = post(&url, Some("key-2"), &task()).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.replayed, None);
    assert_eq!(portal.task_count(), 1);

    let long = "k".repeat(256);
    let bad = post(&url, Some(&long), &task()).await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.body["error"]["code"],
        "BITRIX_REST_V3_EXCEPTION_INVALIDIDEMPOTENCYKEYEXCEPTION"
    );
    assert_eq!(portal.task_count(), 1);
}

#[tokio::test]
async fn only_json_bodies_are_read_and_credentials_are_checked() {
    let portal = portal().await;
    let base = v3_webhook(&portal);

    // Form data is refused; the query string is not read.
    let form = http()
        .post(format!("{base}tasks.task.get"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("id=1")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 400);
    let body = json_of(form).await;
    assert_eq!(
        body["error"]["code"],
        "BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION"
    );
    let query = http()
        .get(format!("{base}tasks.task.get?id=1"))
        .send()
        .await
        .unwrap();
    let body = json_of(query).await;
    assert_eq!(body["error"]["validation"][0]["field"], "id");

    // Credentials answer as on the classic paths.
    let wrong = format!(
        "{}/rest/api/1/wrong-secret/tasks.task.list",
        portal.base_url()
    );
    let reply = post(&wrong, None, &json!({})).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body["error"], "INVALID_CREDENTIALS");
    let oauth = format!("{}/rest/api/tasks.task.list", portal.base_url());
    let reply = post(&oauth, None, &json!({})).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body["error"], "NO_AUTH_FOUND");

    assert_eq!(portal.task_count(), 0);

    // The classic path serves the classic method of the same name, in the classic form
    // (`{"task": {...}}`, string IDs, no idempotent replays), over the same tasks.
    let classic = format!("{}tasks.task.add", portal.webhook_url());
    let reply = post(&classic, Some("k-classic"), &task()).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["result"]["task"]["id"], "1");
    assert!(reply.body["result"].get("item").is_none());
    assert_eq!(reply.replayed, None);
    let again = post(&classic, Some("k-classic"), &task()).await;
    assert_eq!(
        again.body["result"]["task"]["id"], "2",
        "the key means nothing there"
    );
    assert_eq!(portal.task_count(), 2);
}
