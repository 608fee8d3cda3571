//! The test portal's injected faults: each kind, once, and whether the call ran.

mod support;

use std::time::{Duration, Instant};

use bitrix24_testkit::{Fault, PortalConfig, TOKEN_ENDPOINT_METHOD, TestPortal};
use serde_json::json;
use support::{get, post_json, try_post_json};

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

fn add_url(portal: &TestPortal) -> String {
    format!("{}crm.deal.add", portal.webhook_url())
}

fn add_body() -> serde_json::Value {
    json!({"fields": {"TITLE": "faulty"}})
}

#[tokio::test]
async fn json_error_faults_are_not_executed() {
    let portal = portal().await;
    let cases = [
        (Fault::QueryLimit, 503, "QUERY_LIMIT_EXCEEDED"),
        (Fault::OperationTimeLimit, 429, "OPERATION_TIME_LIMIT"),
        (Fault::Overload, 503, "OVERLOAD_LIMIT"),
        (Fault::InternalError, 500, "INTERNAL_SERVER_ERROR"),
    ];
    for (fault, status, code) in cases {
        portal.inject(fault);
        let reply = post_json(&add_url(&portal), &add_body()).await;
        assert_eq!((reply.status, reply.error()), (status, code.to_owned()));
        assert!(reply.json()["time"].is_object());
        assert_eq!(portal.deal_count(), 0, "{code} must not execute");
    }
    let stats = portal.stats();
    assert_eq!(stats.query_limit_exceeded, 1);
    assert_eq!(
        stats.calls_by_method["crm.deal.add"], 4,
        "attempts count, executed or not"
    );
    assert_eq!(stats.executed_writes, 0);
    // Each fault fires once: the next call runs.
    assert_eq!(post_json(&add_url(&portal), &add_body()).await.status, 200);
    assert_eq!(portal.deal_count(), 1);
}

#[tokio::test]
async fn operation_time_limit_says_when_it_resets() {
    let portal = portal().await;
    portal.inject(Fault::OperationTimeLimit);
    let body = get(&format!("{}profile", portal.webhook_url()))
        .await
        .json();
    let time = &body["time"];
    let ahead = time["operating_reset_at"].as_f64().unwrap() - time["start"].as_f64().unwrap();
    assert!((0.5..=2.0).contains(&ahead), "reset {ahead} s ahead");
    assert!(time["operating"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn html_and_empty_bodies() {
    let portal = portal().await;
    portal.inject(Fault::HtmlPage(502));
    let html = post_json(&add_url(&portal), &add_body()).await;
    assert_eq!(html.status, 502);
    assert_eq!(html.content_type.as_deref(), Some("text/html"));
    assert_eq!(
        String::from_utf8_lossy(&html.body),
        "<html><body>502 Bad Gateway</body></html>"
    );
    portal.inject(Fault::EmptyBody(500));
    let empty = post_json(&add_url(&portal), &add_body()).await;
    assert_eq!(empty.status, 500);
    assert!(empty.body.is_empty());
    portal.inject(Fault::HtmlPage(200));
    assert_eq!(post_json(&add_url(&portal), &add_body()).await.status, 200);
    assert_eq!(portal.deal_count(), 0);
}

#[tokio::test]
async fn dropped_connections() {
    let portal = portal().await;
    portal.inject(Fault::DropBeforeHandling);
    let before = try_post_json(&add_url(&portal), &add_body()).await;
    assert!(before.is_err(), "no reply expected: {before:?}");
    assert_eq!(portal.deal_count(), 0, "dropped before: not executed");

    portal.inject(Fault::DropAfterHandling);
    let after = try_post_json(&add_url(&portal), &add_body()).await;
    assert!(after.is_err(), "no reply expected: {after:?}");
    assert_eq!(portal.deal_count(), 1, "dropped after: executed");
    let stats = portal.stats();
    assert_eq!((stats.executed_writes, stats.http_requests), (1, 2));

    // The portal still serves afterwards.
    assert_eq!(post_json(&add_url(&portal), &add_body()).await.status, 200);
}

#[tokio::test]
async fn slow_replies_are_executed_and_late() {
    let portal = portal().await;
    portal.inject(Fault::Slow(Duration::from_millis(300)));
    let started = Instant::now();
    let reply = post_json(&add_url(&portal), &add_body()).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(portal.deal_count(), 1);
    // Other connections are not held up meanwhile.
    portal.inject(Fault::Slow(Duration::from_secs(30)));
    let slow_url = format!("{}profile", portal.webhook_url());
    let slow = tokio::spawn(async move { get(&slow_url).await.status });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    assert_eq!(
        get(&format!("{}profile", portal.webhook_url()))
            .await
            .status,
        200
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    slow.abort();
}

#[tokio::test]
async fn faults_for_one_method_wait_for_it() {
    let portal = portal().await;
    portal.inject_for("crm.deal.get", Fault::InternalError);
    assert_eq!(
        get(&format!("{}profile", portal.webhook_url()))
            .await
            .status,
        200
    );
    assert_eq!(post_json(&add_url(&portal), &add_body()).await.status, 200);
    let get_url = format!("{}crm.deal.get.json?id=1", portal.webhook_url());
    assert_eq!(get(&get_url).await.status, 500);
    assert_eq!(get(&get_url).await.status, 200);

    // Faults queue in order; `batch` is matched by its own name.
    portal.inject_for("batch", Fault::HtmlPage(504));
    portal.inject_for("batch", Fault::QueryLimit);
    let batch_url = format!("{}batch", portal.webhook_url());
    let cmd = json!({"cmd": {"a": "profile"}});
    assert_eq!(post_json(&batch_url, &cmd).await.status, 504);
    assert_eq!(post_json(&batch_url, &cmd).await.status, 503);
    assert_eq!(post_json(&batch_url, &cmd).await.status, 200);
}

#[tokio::test]
async fn the_token_endpoint_takes_only_faults_named_for_it() {
    let portal = portal().await;
    portal.inject(Fault::InternalError);
    let url = format!(
        "{}?grant_type=authorization_code&client_id={}&client_secret={}&code={}",
        portal.token_url(),
        portal.client_id(),
        portal.client_secret(),
        portal.issue_authorization_code()
    );
    // The generic fault waits for a REST call; a named one hits the token endpoint.
    portal.inject_for(TOKEN_ENDPOINT_METHOD, Fault::DropBeforeHandling);
    assert!(support::send("GET", &url, None, b"").await.is_err());
    let reply = get(&url).await;
    assert_eq!(
        reply.status, 200,
        "the code was not used by the dropped request"
    );
    assert_eq!(
        get(&format!("{}profile", portal.webhook_url()))
            .await
            .status,
        500
    );
}
