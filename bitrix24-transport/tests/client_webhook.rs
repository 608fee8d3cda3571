//! The client over a webhook against the test portal: typed and raw calls, error
//! mapping, and the retry policy under injected faults.

mod client_support;

use client_support::FAST;
use client_support::impl_method;
use std::time::{Duration, Instant};

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, CallOptions, Client};
use bitrix24_transport::retry::RetryPolicy;
use bitrix24_transport::{ApiErrorCode, CallKind, Error};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
struct DealGet {
    id: u64,
}

#[derive(Debug, Deserialize)]
#[allow(non_snake_case)]
struct Deal {
    ID: String,
    TITLE: String,
}

impl_method!(DealGet, "crm.deal.get", Some("crm"), Read, Deal);

#[derive(Debug, Serialize)]
struct DealAdd {
    fields: Value,
}

impl_method!(DealAdd, "crm.deal.add", Some("crm"), Write, Value);

#[derive(Debug, Serialize)]
struct DealFields;

impl_method!(DealFields, "crm.deal.fields", Some("crm"), Read, Value);

fn client(portal: &TestPortal) -> Client {
    Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .timeout(Some(Duration::from_secs(10)))
    .build()
    .unwrap()
}

fn secret_of(portal: &TestPortal) -> String {
    let url = portal.webhook_url();
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

/// HTTP requests the portal received (faulted ones included).
fn requests(portal: &TestPortal) -> u64 {
    portal.stats().http_requests
}

#[tokio::test]
async fn typed_and_raw_calls_over_a_webhook() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(3);
    let client = client(&portal);

    let deal = client.call(&DealGet { id: 1 }).await.unwrap();
    assert_eq!(deal.result.ID, "1");
    assert!(!deal.result.TITLE.is_empty());
    let time = deal.time.expect("every reply carries `time`");
    assert!(time.start.is_some());

    let added = client
        .call(&DealAdd {
            fields: json!({"TITLE": "Rust & PHP = friends #1 +%"}),
        })
        .await
        .unwrap();
    let id: u64 = match &added.result {
        Value::Number(n) => n.as_u64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("unexpected add result {other}"),
    };
    assert_eq!(portal.deal_count(), 4);

    let raw = client
        .call_raw("crm.deal.get", json!({ "id": id }), CallKind::Read)
        .await
        .unwrap();
    assert_eq!(raw.result["TITLE"], "Rust & PHP = friends #1 +%");

    // A unit struct serializes to `null`; the client sends `{}`.
    let fields = client.call(&DealFields).await.unwrap();
    assert!(fields.result.get("TITLE").is_some());

    let list = client
        .call_raw(
            "crm.deal.list",
            json!({"select": ["ID", "TITLE"], "order": {"ID": "ASC"}}),
            CallKind::Read,
        )
        .await
        .unwrap();
    assert_eq!(list.total, Some(4));
    assert_eq!(list.result.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn portal_errors_become_typed_errors() {
    let portal = TestPortal::start().await.unwrap();
    let client = client(&portal);

    let err = client
        .call_raw("no.such.method", json!({}), CallKind::Read)
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ApiErrorCode::MethodNotFound));
    assert!(!err.is_retryable());

    let err = client.call(&DealGet { id: 999 }).await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");

    // A wrong secret: the portal refuses, and the error never shows the secret.
    let wrong = portal
        .webhook_url()
        .replace(&secret_of(&portal), "wrongsecret42");
    let bad = Client::builder(Auth::Webhook(Webhook::parse(&wrong).unwrap()))
        .retry(FAST)
        .build()
        .unwrap();
    let err = bad.call(&DealGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ApiErrorCode::InvalidCredentials));
    for text in [format!("{err}"), format!("{err:?}"), format!("{bad:?}")] {
        assert!(!text.contains("wrongsecret42"), "{text}");
    }

    let err = client
        .call_raw("bad/../name", json!({}), CallKind::Read)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
}

#[tokio::test]
async fn not_executed_replies_are_retried_for_every_kind() {
    let portal = TestPortal::start().await.unwrap();
    let client = client(&portal);

    portal.inject(Fault::QueryLimit);
    let added = client
        .call(&DealAdd {
            fields: json!({"TITLE": "after a query limit"}),
        })
        .await;
    assert!(added.is_ok(), "{added:?}");
    assert_eq!(portal.stats().executed_writes, 1);
    assert_eq!(requests(&portal), 2);

    // OPERATION_TIME_LIMIT: wait for `operating_reset_at` (about a second), then repeat.
    portal.inject(Fault::OperationTimeLimit);
    let start = Instant::now();
    let added = client
        .call(&DealAdd {
            fields: json!({"TITLE": "after an operation limit"}),
        })
        .await;
    assert!(added.is_ok(), "{added:?}");
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(portal.stats().executed_writes, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_calls_of_a_method_blocked_by_operation_time_wait_too() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let client = client(&portal);
    portal.inject_for("crm.deal.get", Fault::OperationTimeLimit);
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.call(&DealGet { id: 1 }).await }
    });
    // Wait until the first call got its OPERATION_TIME_LIMIT.
    let deadline = Instant::now() + Duration::from_secs(5);
    while requests(&portal) == 0 {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let start = Instant::now();
    client.call(&DealGet { id: 1 }).await.unwrap();
    // The portal blocked the method for about a second; the second call waited for it.
    assert!(
        start.elapsed() >= Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    first.await.unwrap().unwrap();
    assert_eq!(requests(&portal), 3);
}

#[tokio::test]
async fn overload_is_never_retried() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let client = client(&portal);
    portal.inject(Fault::Overload);
    let err = client.call(&DealGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ApiErrorCode::OverloadLimit));
    assert_eq!(requests(&portal), 1);
}

#[tokio::test]
async fn query_limit_refusals_do_not_use_up_the_attempts() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    // Without the client-side bucket (whose pacing after a refusal takes a second per
    // repeat): the repeats follow the policy's backoff.
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .rate_limit(None)
    .build()
    .unwrap();
    // Twice the attempts of the policy: the refusals prove the call never ran, so the
    // client repeats it until it fits.
    for _ in 0..(2 * FAST.max_attempts) {
        portal.inject(Fault::QueryLimit);
    }
    let deal = client.call(&DealGet { id: 1 }).await;
    assert!(deal.is_ok(), "{deal:?}");
    assert_eq!(requests(&portal), u64::from(2 * FAST.max_attempts) + 1);
}

#[tokio::test]
async fn retries_exhausted_return_the_last_error() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let client = client(&portal);
    for _ in 0..4 {
        portal.inject(Fault::HtmlPage(502));
    }
    let err = client.call(&DealGet { id: 1 }).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(requests(&portal), u64::from(FAST.max_attempts));
}

#[tokio::test]
async fn transient_failures_are_retried_for_reads() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let client = client(&portal);
    let faults = [
        Fault::InternalError,
        Fault::HtmlPage(502),
        Fault::EmptyBody(503),
        Fault::DropBeforeHandling,
        Fault::DropAfterHandling,
    ];
    for fault in faults {
        let before = requests(&portal);
        portal.inject(fault.clone());
        let deal = client.call(&DealGet { id: 1 }).await;
        assert!(deal.is_ok(), "{fault:?}: {deal:?}");
        assert_eq!(requests(&portal) - before, 2, "{fault:?}");
    }
}

#[tokio::test]
async fn a_write_after_a_dropped_connection_is_fate_unknown() {
    let portal = TestPortal::start().await.unwrap();
    let client = client(&portal);

    portal.inject(Fault::DropAfterHandling);
    let err = client
        .call(&DealAdd {
            fields: json!({"TITLE": "maybe"}),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FateUnknown { .. }), "{err:?}");
    assert!(err.is_fate_unknown() && !err.is_retryable());
    // The portal did execute it, exactly once: the client did not repeat it.
    assert_eq!(portal.stats().executed_writes, 1);
    assert_eq!(portal.deal_count(), 1);

    portal.inject(Fault::DropBeforeHandling);
    let err = client
        .call(&DealAdd {
            fields: json!({"TITLE": "maybe not"}),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FateUnknown { .. }), "{err:?}");
    assert_eq!(portal.stats().executed_writes, 1);

    portal.inject(Fault::HtmlPage(502));
    let err = client
        .call(&DealAdd {
            fields: json!({"TITLE": "gateway"}),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FateUnknown { .. }), "{err:?}");

    // A JSON INTERNAL_SERVER_ERROR may come after the method ran in part: not repeated,
    // and its fate is unknown.
    portal.inject(Fault::InternalError);
    let err = client
        .call(&DealAdd {
            fields: json!({"TITLE": "failed"}),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FateUnknown { .. }), "{err:?}");
    assert_eq!(requests(&portal), 4);
}

#[tokio::test]
async fn client_errors_and_bad_bodies_are_not_retried() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let client = client(&portal);

    portal.inject(Fault::HtmlPage(404));
    let err = client.call(&DealGet { id: 1 }).await.unwrap_err();
    match &err {
        Error::Http { status, reason, .. } => {
            assert_eq!(*status, 404);
            assert!(reason.contains("HTML"), "{reason}");
        }
        other => panic!("expected Http, got {other:?}"),
    }

    portal.inject(Fault::EmptyBody(200));
    let err = client.call(&DealGet { id: 1 }).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_eq!(requests(&portal), 2);
}

#[tokio::test]
async fn timeouts_follow_the_call_kind() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let client = client(&portal);
    let quick = CallOptions {
        timeout: Some(Duration::from_millis(200)),
        ..CallOptions::default()
    };

    // A read that times out once is repeated and succeeds.
    portal.inject(Fault::Slow(Duration::from_secs(2)));
    let deal = client.call_with(&DealGet { id: 1 }, quick).await;
    assert!(deal.is_ok(), "{deal:?}");
    assert_eq!(requests(&portal), 2);
    let before = requests(&portal);

    // A read that always times out ends in Error::Timeout.
    for _ in 0..2 {
        portal.inject(Fault::Slow(Duration::from_secs(2)));
    }
    let once = CallOptions {
        retry: Some(RetryPolicy {
            max_attempts: 2,
            ..FAST
        }),
        ..quick
    };
    let err = client
        .call_with(&DealGet { id: 1 }, once)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());

    // A write that times out is not repeated.
    portal.inject(Fault::Slow(Duration::from_secs(2)));
    let err = client
        .call_with(
            &DealAdd {
                fields: json!({"TITLE": "slow"}),
            },
            quick,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FateUnknown { .. }), "{err:?}");
    assert_eq!(
        requests(&portal) - before,
        3,
        "two timed-out reads, one write"
    );
}

#[tokio::test]
async fn connect_errors_are_retried_then_reported_without_the_secret() {
    // Bind a port, then free it: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/rest/7/topsecretcode/");
    // A refused connection proves nothing was sent: repeated until the deadline.
    let client = Client::builder(Auth::Webhook(Webhook::parse(&url).unwrap()))
        .retry(FAST)
        .deadline(Some(Duration::from_millis(800)))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client
        .call(&DealAdd {
            fields: json!({"TITLE": "never sent"}),
        })
        .await
        .unwrap_err();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    match &err {
        Error::Deadline { attempts, last, .. } => {
            assert!(*attempts > FAST.max_attempts, "{err:?}");
            assert!(last.contains("could not connect"), "{last}");
        }
        other => panic!("expected Deadline, got {other:?}"),
    }
    assert!(err.is_retryable());
    for text in [format!("{err}"), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains("topsecretcode"), "{text}");
    }
}

#[tokio::test]
async fn the_client_side_limit_can_be_turned_off() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(1);
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .rate_limit(None)
    .build()
    .unwrap();
    let start = Instant::now();
    for _ in 0..60 {
        client.call(&DealGet { id: 1 }).await.unwrap();
    }
    assert!(start.elapsed() < Duration::from_secs(10));
}
