//! Events end to end against the test portal: bind a handler URL served by the test,
//! trigger with `crm.deal.*`, receive the portal's POST, verify and decode it; forged
//! requests refused; the offline queue drained through a handler that fails half-way.

// Reason: this file uses the quick retry policy, not the `impl_method!` macro.
#[allow(unused_imports)]
mod client_support;
mod server_support;

use std::collections::BTreeMap;
use std::time::Duration;

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::auth::{MemoryTokenStore, OAuthApp, Secret};
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::event::offline::{OfflineDrain, OnFailure};
use bitrix24_transport::event::{Event, EventError, EventPayload, RawEvent};
use bitrix24_transport::{CallKind, Error};
use client_support::FAST;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use tokio::sync::mpsc;

// ---------------------------------------------------------------------------------------
// Hand-written payloads, as the generated ones will look.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct DealRef {
    #[serde(rename = "ID", deserialize_with = "lenient_id")]
    id: u64,
}

#[derive(Debug, Deserialize)]
struct DealAdded {
    #[serde(rename = "FIELDS")]
    fields: DealRef,
}

impl EventPayload for DealAdded {
    const CODE: &'static str = "ONCRMDEALADD";
    const SCOPE: Option<&'static str> = Some("crm");
}

#[derive(Debug, Deserialize)]
struct DealUpdated {
    #[serde(rename = "FIELDS")]
    fields: DealRef,
}

impl EventPayload for DealUpdated {
    const CODE: &'static str = "ONCRMDEALUPDATE";
    const SCOPE: Option<&'static str> = Some("crm");
}

#[derive(Debug, Deserialize)]
struct DealDeleted {
    #[serde(rename = "FIELDS")]
    fields: DealRef,
}

impl EventPayload for DealDeleted {
    const CODE: &'static str = "ONCRMDEALDELETE";
    const SCOPE: Option<&'static str> = Some("crm");
}

fn lenient_id<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    match Value::deserialize(de)? {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| serde::de::Error::custom("not an ID")),
        Value::String(text) => text.parse().map_err(serde::de::Error::custom),
        _ => Err(serde::de::Error::custom("not an ID")),
    }
}

// ---------------------------------------------------------------------------------------
// The application's handler: an HTTP server on 127.0.0.1 that verifies each request
// with the application token and reports what it got.
// ---------------------------------------------------------------------------------------

/// What the handler server saw in one request.
#[derive(Debug)]
struct Received {
    content_type: Option<String>,
    body: Vec<u8>,
    /// The verified event, or why it was refused (the reply was then 401).
    verified: Result<RawEvent, EventError>,
}

/// Start the handler server; returns its URL and the stream of requests.
async fn handler_server(token: Secret) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let addr = server_support::serve(move |request| {
        let content_type = request.content_type;
        let body = request.body;
        let verified = RawEvent::parse_verified(content_type.as_deref(), &body, &token);
        let status = if verified.is_ok() { 200 } else { 401 };
        let _ = sender.send(Received {
            content_type,
            body,
            verified,
        });
        server_support::Reply {
            status,
            content_type: None,
            body: Vec::new(),
        }
    })
    .await;
    (format!("http://{addr}/handler/"), receiver)
}

/// The next request to the handler (a hang guard, not a timing assertion).
async fn next(requests: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(30), requests.recv())
        .await
        .expect("no event reached the handler within 30 s")
        .expect("the handler server stopped")
}

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap()
}

/// An OAuth client of the portal's application, already authorised.
async fn app_client(portal: &TestPortal) -> Client {
    let app = OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap();
    let client = Client::builder(Auth::oauth(app, MemoryTokenStore::new()))
        .retry(FAST)
        .rate_limit(None)
        .build()
        .unwrap();
    client
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    client
}

async fn call(client: &Client, method: &str, params: Value, kind: CallKind) -> Value {
    client
        .call_raw(method, params, kind)
        .await
        .unwrap_or_else(|err| panic!("{method}: {err}"))
        .result
}

async fn add_deal(client: &Client, title: &str) -> u64 {
    let id = call(
        client,
        "crm.deal.add",
        json!({"fields": {"TITLE": title}}),
        CallKind::Write,
    )
    .await;
    id.as_u64()
        .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// Online events
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bind_add_receive_verify() {
    let portal = portal().await;
    let client = app_client(&portal).await;
    let token = Secret::new(portal.application_token());
    let (url, mut requests) = handler_server(token.clone()).await;

    let bound = call(
        &client,
        "event.bind",
        json!({"event": "ONCRMDEALADD", "handler": url}),
        CallKind::IdempotentWrite,
    )
    .await;
    assert_eq!(bound, json!(true));
    let handlers = call(&client, "event.get", json!({}), CallKind::Read).await;
    assert_eq!(
        handlers,
        json!([{"event": "ONCRMDEALADD", "handler": url, "auth_type": "0", "offline": 0}])
    );

    let id = add_deal(&client, "Event me").await;
    let received = next(&mut requests).await;
    assert_eq!(
        received.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let text = String::from_utf8(received.body.clone()).unwrap();
    assert!(
        text.contains("data%5BFIELDS%5D%5BID%5D="),
        "PHP-encoded brackets: {text}"
    );
    let raw = received.verified.expect("the portal's own event verifies");
    let event: Event<DealAdded> = raw.decode().unwrap();
    assert_eq!(event.data.fields.id, id);
    assert_eq!(event.code, "ONCRMDEALADD");
    assert!(event.handler_id.is_some() && event.ts.is_some());
    assert_eq!(event.auth.member_id, Some(portal.member_id()));
    let endpoint = event.auth.client_endpoint.clone().unwrap();
    assert_eq!(endpoint, portal.rest_url());

    // The access token of the `auth` block calls the portal back.
    let access = event.auth.access_token.clone().unwrap();
    let back = reqwest::Client::new()
        .post(format!("{endpoint}crm.deal.get"))
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(&json!({"id": id, "auth": access.expose()})).unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let back: Value = serde_json::from_slice(&back).unwrap();
    assert_eq!(back["result"]["TITLE"], "Event me");
    assert!(requests.try_recv().is_err(), "one add, one event");
}

#[tokio::test]
async fn updates_and_deletes_inside_a_batch_are_delivered_in_order() {
    let portal = portal().await;
    let client = app_client(&portal).await;
    let (url, mut requests) = handler_server(Secret::new(portal.application_token())).await;
    for event in ["ONCRMDEALUPDATE", "ONCRMDEALDELETE"] {
        call(
            &client,
            "event.bind",
            json!({"event": event, "handler": url}),
            CallKind::IdempotentWrite,
        )
        .await;
    }
    let id = add_deal(&client, "Batch me").await; // ONCRMDEALADD is not bound
    let results = call(
        &client,
        "batch",
        json!({"halt": 0, "cmd": {
            // `call_raw` sends a `Value`, whose keys are sorted: name them in run order.
            "a_update": format!("crm.deal.update?id={id}&fields[TITLE]=Renamed"),
            "b_delete": format!("crm.deal.delete?id={id}"),
            "c_missing": "crm.deal.delete?id=999999",
        }}),
        CallKind::Write,
    )
    .await;
    assert_eq!(results["result"]["a_update"], json!(true), "{results}");
    assert_eq!(results["result"]["b_delete"], json!(true), "{results}");
    assert!(results["result_error"]["c_missing"].is_object());

    let first = next(&mut requests).await.verified.unwrap();
    let second = next(&mut requests).await.verified.unwrap();
    // Dispatch on the code, then decode.
    let mut seen = Vec::new();
    for raw in [first, second] {
        match raw.code() {
            DealUpdated::CODE => seen.push((
                "update",
                raw.decode::<DealUpdated>().unwrap().data.fields.id,
            )),
            DealDeleted::CODE => seen.push((
                "delete",
                raw.decode::<DealDeleted>().unwrap().data.fields.id,
            )),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(seen, [("update", id), ("delete", id)]);
    // The failed delete fired nothing. Another write flushes the queue behind the two.
    call(
        &client,
        "event.unbind",
        json!({"event": "ONCRMDEALDELETE"}),
        CallKind::IdempotentWrite,
    )
    .await;
    let other = add_deal(&client, "Other").await;
    call(
        &client,
        "crm.deal.update",
        json!({"id": other, "fields": {"TITLE": "x"}}),
        CallKind::IdempotentWrite,
    )
    .await;
    let third = next(&mut requests).await.verified.unwrap();
    assert_eq!(third.decode::<DealUpdated>().unwrap().data.fields.id, other);
}

#[tokio::test]
async fn forged_requests_are_refused() {
    let portal = portal().await;
    let client = app_client(&portal).await;
    let token = Secret::new(portal.application_token());
    let (url, mut requests) = handler_server(token.clone()).await;
    call(
        &client,
        "event.bind",
        json!({"event": "ONCRMDEALADD", "handler": url}),
        CallKind::IdempotentWrite,
    )
    .await;
    add_deal(&client, "Genuine").await;
    let genuine = next(&mut requests).await;
    assert!(genuine.verified.is_ok());

    // An attacker replays the portal's request with its own token, straight to the
    // handler URL: the handler refuses it with 401.
    let forged_token = "f".repeat(32);
    let forged = String::from_utf8(genuine.body.clone())
        .unwrap()
        .replace(&portal.application_token(), &forged_token);
    let status = reqwest::Client::new()
        .post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(forged)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401);
    let refused = next(&mut requests).await;
    let err = refused.verified.unwrap_err();
    assert_eq!(err, EventError::TokenMismatch);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(&forged_token) && !shown.contains(&portal.application_token()));

    // Without any token, and as JSON with the token of another application.
    let no_token = String::from_utf8(genuine.body.clone())
        .unwrap()
        .split('&')
        .filter(|pair| !pair.starts_with("auth%5Bapplication_token%5D"))
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(
        RawEvent::parse_verified(None, no_token.as_bytes(), &token).unwrap_err(),
        EventError::MissingField {
            field: "auth[application_token]"
        }
    );
    let other_app = Secret::new("0123456789abcdef0123456789abcdef");
    assert_eq!(
        RawEvent::parse_verified(None, &genuine.body, &other_app).unwrap_err(),
        EventError::TokenMismatch
    );
}

#[tokio::test]
async fn bind_errors_unbind_and_deliveries_log() {
    let portal = portal().await;
    let client = app_client(&portal).await;
    let bind = |params: Value| {
        let client = client.clone();
        async move {
            client
                .call_raw("event.bind", params, CallKind::IdempotentWrite)
                .await
        }
    };
    let code = |result: Result<_, Error>| result.unwrap_err().api_code().unwrap().to_string();
    assert_eq!(
        code(bind(json!({"event": "ONNOSUCHEVENT", "handler": "http://127.0.0.1:9/"})).await),
        "ERROR_EVENT_NOT_FOUND"
    );
    assert_eq!(
        code(bind(json!({"event": "ONCRMDEALADD"})).await),
        "ERROR_ARGUMENT"
    );
    // Port 9 (discard) on 127.0.0.1 is closed: the delivery fails and is logged.
    let dead = "http://127.0.0.1:9/dead/";
    bind(json!({"event": "ONCRMDEALADD", "handler": dead}))
        .await
        .unwrap();
    assert_eq!(
        code(bind(json!({"event": "onCrmDealAdd", "handler": dead})).await),
        "ERROR_HANDLER_ALREADY_EXIST"
    );
    bind(json!({"event": "ONCRMDEALADD", "handler": dead, "auth_type": 1}))
        .await
        .unwrap();
    bind(json!({"event": "ONCRMDEALUPDATE", "event_type": "offline"}))
        .await
        .unwrap();
    let listed = call(&client, "event.get", json!({}), CallKind::Read).await;
    assert_eq!(listed.as_array().unwrap().len(), 3);

    add_deal(&client, "Nobody listens").await;
    // The two bindings' deliveries finish in the background; wait for the log.
    let mut deliveries = Vec::new();
    for _ in 0..3000 {
        deliveries = portal.event_deliveries();
        if deliveries.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    for delivery in &deliveries {
        assert_eq!(
            (delivery.event.as_str(), delivery.handler.as_str()),
            ("ONCRMDEALADD", dead)
        );
        assert_eq!(delivery.status, None);
        assert!(delivery.error.is_some());
    }

    // auth_type given (0 included) must match; online only unless event_type=offline.
    let removed = call(
        &client,
        "event.unbind",
        json!({"event": "ONCRMDEALADD", "handler": dead, "auth_type": 0}),
        CallKind::IdempotentWrite,
    )
    .await;
    assert_eq!(removed, json!({"count": 1}));
    let removed = call(
        &client,
        "event.unbind",
        json!({}),
        CallKind::IdempotentWrite,
    )
    .await;
    assert_eq!(removed, json!({"count": 1}), "the auth_type=1 binding");
    let removed = call(
        &client,
        "event.unbind",
        json!({"event_type": "offline"}),
        CallKind::IdempotentWrite,
    )
    .await;
    assert_eq!(removed, json!({"count": 1}));
    assert_eq!(
        call(&client, "event.get", json!({}), CallKind::Read).await,
        json!([])
    );
}

// ---------------------------------------------------------------------------------------
// Offline events
// ---------------------------------------------------------------------------------------

/// Bind `ONCRMDEALADD` offline and add `n` deals (some inside a batch); their IDs.
async fn offline_deals(client: &Client, n: usize) -> Vec<u64> {
    call(
        client,
        "event.bind",
        json!({"event": "ONCRMDEALADD", "event_type": "offline"}),
        CallKind::IdempotentWrite,
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..n - 2 {
        ids.push(add_deal(client, &format!("Offline {i}")).await);
    }
    let batch = call(
        client,
        "batch",
        json!({"cmd": {"a": "crm.deal.add?fields[TITLE]=A", "b": "crm.deal.add?fields[TITLE]=B"}}),
        CallKind::Write,
    )
    .await;
    for key in ["a", "b"] {
        let id = &batch["result"][key];
        ids.push(id.as_u64().or_else(|| id.as_str()?.parse().ok()).unwrap());
    }
    ids
}

/// The queue as `event.offline.list` shows it: (deal ID, PROCESS_ID, ERROR).
async fn queue(client: &Client) -> Vec<(u64, String, String)> {
    let list = call(client, "event.offline.list", json!({}), CallKind::Read).await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|record| {
            (
                record["EVENT_DATA"]["FIELDS"]["ID"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap(),
                record["PROCESS_ID"].as_str().unwrap().to_owned(),
                record["ERROR"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A handler that records the deal IDs it is given and fails on one of them.
fn recording(
    log: &std::sync::Mutex<Vec<u64>>,
    fail_on: Option<u64>,
) -> impl FnMut(
    bitrix24_transport::event::offline::OfflineEvent,
) -> std::future::Ready<Result<(), String>>
+ '_ {
    move |event| {
        let id = event.decode::<DealAdded>().unwrap().fields.id;
        log.lock().unwrap().push(id);
        std::future::ready(if Some(id) == fail_on {
            Err(format!("deal {id}: the warehouse is down"))
        } else {
            Ok(())
        })
    }
}

#[tokio::test]
async fn offline_drain_survives_a_handler_failing_half_way() {
    let portal = portal().await;
    let client = app_client(&portal).await;
    let ids = offline_deals(&client, 5).await;
    assert_eq!(queue(&client).await.len(), 5);

    // The handler fails on the 3rd of 5; batches of 2 so settling spans batches.
    let seen = std::sync::Mutex::new(Vec::new());
    let report = OfflineDrain::new()
        .batch_size(2)
        .run(&client, recording(&seen, Some(ids[2])))
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), ids, "each once, in order");
    assert_eq!(report.handled, 4);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(
        report.failed[0].error,
        format!("deal {}: the warehouse is down", ids[2])
    );
    assert_eq!(report.failed[0].event_name, "ONCRMDEALADD");
    assert_eq!(report.batches, 3);
    assert_eq!(report.resume, None);
    // Handled ones are gone; the failed one is marked and released.
    assert_eq!(queue(&client).await, [(ids[2], String::new(), "1".into())]);

    // The next drain hands nothing out again.
    let again = std::sync::Mutex::new(Vec::new());
    let report = OfflineDrain::new()
        .run(&client, recording(&again, None))
        .await
        .unwrap();
    assert!(again.lock().unwrap().is_empty());
    assert_eq!((report.handled, report.batches), (0, 1));

    // A retry of the failures gets exactly the failed one, and then the queue is empty.
    let retried = std::sync::Mutex::new(Vec::new());
    let report = OfflineDrain::new()
        .failed_records(true)
        .run(&client, recording(&retried, None))
        .await
        .unwrap();
    assert_eq!(*retried.lock().unwrap(), [ids[2]]);
    assert_eq!(report.handled, 1);
    assert!(queue(&client).await.is_empty());
}

#[tokio::test]
async fn offline_drain_that_stops_resumes_where_it_stopped() {
    let portal = portal().await;
    let client = app_client(&portal).await;
    let ids = offline_deals(&client, 5).await;

    let seen = std::sync::Mutex::new(Vec::new());
    let report = OfflineDrain::new()
        .on_failure(OnFailure::MarkAndStop)
        .run(&client, recording(&seen, Some(ids[2])))
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), ids[..3]);
    assert_eq!((report.handled, report.failed.len()), (2, 1));
    let process_id = report.resume.clone().expect("two records stay reserved");
    let mut state = queue(&client).await;
    state.sort();
    assert_eq!(
        state,
        [
            (ids[2], String::new(), "1".into()),
            (ids[3], process_id.clone(), "0".into()),
            (ids[4], process_id.clone(), "0".into()),
        ]
    );

    // A fresh drain does not see the reserved records (another worker could be on them)…
    let fresh = std::sync::Mutex::new(Vec::new());
    OfflineDrain::new()
        .run(&client, recording(&fresh, None))
        .await
        .unwrap();
    assert!(fresh.lock().unwrap().is_empty());
    // …resuming hands out exactly the two that were never handled, and a deal added in
    // between joins the resumed batch.
    let late = add_deal(&client, "Late").await;
    let resumed = std::sync::Mutex::new(Vec::new());
    let report = OfflineDrain::new()
        .resume(process_id)
        .run(&client, recording(&resumed, None))
        .await
        .unwrap();
    assert_eq!(*resumed.lock().unwrap(), [ids[3], ids[4], late]);
    assert_eq!((report.handled, report.resume), (3, None));
    assert_eq!(queue(&client).await, [(ids[2], String::new(), "1".into())]);
}

#[tokio::test]
async fn offline_records_merge_and_skip_the_apps_own_changes() {
    let portal = portal().await;
    let client = app_client(&portal).await;
    call(
        &client,
        "event.bind",
        json!({"event": "ONCRMDEALUPDATE", "event_type": "offline", "auth_connector": "sync"}),
        CallKind::IdempotentWrite,
    )
    .await;
    let id = add_deal(&client, "Sync me").await;
    let update = |connector: Option<&str>| {
        let mut params = json!({"id": id, "fields": {"TITLE": "changed"}});
        if let Some(connector) = connector {
            params["auth_connector"] = json!(connector);
        }
        let client = client.clone();
        async move {
            call(
                &client,
                "crm.deal.update",
                params,
                CallKind::IdempotentWrite,
            )
            .await
        }
    };
    update(Some("sync")).await; // the application's own change: not queued for "sync"
    let list = |connector: &str| {
        let client = client.clone();
        let params = json!({"auth_connector": connector});
        async move { call(&client, "event.offline.list", params, CallKind::Read).await }
    };
    assert_eq!(list("sync").await, json!([]));
    update(None).await;
    update(Some("someone-else")).await;
    update(None).await;
    let records = list("sync").await;
    assert_eq!(
        records.as_array().unwrap().len(),
        1,
        "one record per change: {records}"
    );
    assert_eq!(list("").await, json!([]), "queues are per source key");

    let seen = std::sync::Mutex::new(BTreeMap::new());
    let report = OfflineDrain::new()
        .auth_connector("sync")
        .run(&client, |event| {
            let id = event.decode::<DealUpdated>().unwrap().fields.id;
            *seen.lock().unwrap().entry(id).or_insert(0) += 1;
            std::future::ready(Ok::<(), String>(()))
        })
        .await
        .unwrap();
    assert_eq!(report.handled, 1);
    assert_eq!(seen.into_inner().unwrap(), BTreeMap::from([(id, 1)]));
    assert_eq!(list("sync").await, json!([]));
}

#[tokio::test]
async fn a_failed_portal_call_says_what_is_unsettled() {
    use bitrix24_testkit::Fault;
    use bitrix24_transport::event::offline::DrainError;

    let portal = portal().await;
    let client = app_client(&portal).await;
    let ids = offline_deals(&client, 3).await;

    // A fresh reservation whose reply is lost is not repeated: a second one would hide
    // the first batch under a process_id nobody knows.
    portal.inject_for("event.offline.get", Fault::DropAfterHandling);
    let seen = std::sync::Mutex::new(Vec::new());
    let err = OfflineDrain::new()
        .run(&client, recording(&seen, None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DrainError::Reserve { source } if source.is_fate_unknown()),
        "{err}"
    );
    assert_eq!(portal.stats().calls_by_method["event.offline.get"], 1);
    assert!(seen.lock().unwrap().is_empty());
    let lost: Vec<String> = queue(&client).await.into_iter().map(|r| r.1).collect();
    assert_eq!(lost.len(), ids.len());
    assert!(
        lost.iter().all(|pid| !pid.is_empty()),
        "reserved by the lost call"
    );
    call(
        &client,
        "event.offline.clear",
        json!({"process_id": lost[0]}),
        CallKind::IdempotentWrite,
    )
    .await;
    assert!(queue(&client).await.is_empty());

    // Clearing is retried like any idempotent write; when it fails for good, the error
    // names the reservation and the handled records so they can be cleared by hand.
    let more = vec![add_deal(&client, "x").await, add_deal(&client, "y").await];
    for _ in 0..4 {
        portal.inject_for("event.offline.clear", Fault::InternalError);
    }
    let err = OfflineDrain::new()
        .run(&client, recording(&seen, None))
        .await
        .unwrap_err();
    let DrainError::Clear {
        process_id,
        ids: handled,
        ..
    } = err
    else {
        panic!("{err}");
    };
    assert_eq!(*seen.lock().unwrap(), more);
    let records: Vec<u64> = queue(&client)
        .await
        .into_iter()
        .filter(|record| record.1 == process_id)
        .map(|record| record.0)
        .collect();
    assert_eq!(records, more, "still reserved, not handed to anyone else");
    call(
        &client,
        "event.offline.clear",
        json!({"process_id": process_id, "id": handled}),
        CallKind::IdempotentWrite,
    )
    .await;
    assert!(queue(&client).await.is_empty());
}

/// A stand-in for a portal that answers every request with `reply` (200, JSON).
async fn fixed_reply_server(reply: Value) -> String {
    let body = serde_json::to_vec(&reply).unwrap();
    let addr = server_support::serve(move |_request| server_support::Reply {
        status: 200,
        content_type: Some("application/json"),
        body: body.clone(),
    })
    .await;
    format!("http://{addr}/rest/1/0123456789abcdef/")
}

#[tokio::test]
async fn records_without_a_reservation_are_given_back_unhandled() {
    use bitrix24_transport::event::offline::DrainError;

    // A portal that ignores clear=0 (no reservations): the records come back without a
    // process_id and may already be deleted, so the drain cannot settle them.
    let url = fixed_reply_server(json!({"result": {"process_id": null, "events": [
        {"ID": "7", "TIMESTAMP_X": "2024-07-18T12:32:31+02:00", "EVENT_NAME": "ONCRMDEALADD",
         "EVENT_DATA": {"FIELDS": {"ID": "42"}}, "EVENT_ADDITIONAL": false, "MESSAGE_ID": "m7"}
    ]}}))
    .await;
    let client = Client::webhook(&url).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let err = OfflineDrain::new()
        .run(&client, recording(&seen, None))
        .await
        .unwrap_err();
    assert!(seen.lock().unwrap().is_empty(), "nothing was handled");
    let DrainError::NoProcessId { records } = err else {
        panic!("{err}");
    };
    assert_eq!(records.len(), 1);
    assert_eq!((records[0].id, records[0].message_id.as_str()), (7, "m7"));
    assert_eq!(records[0].decode::<DealAdded>().unwrap().fields.id, 42);

    // A reply that is not the documented shape names the method and the path.
    let url = fixed_reply_server(json!({"result": {"process_id": "p", "events": [
        {"ID": "seven", "EVENT_NAME": "X", "MESSAGE_ID": "m"}
    ]}}))
    .await;
    let client = Client::webhook(&url).unwrap();
    let err = OfflineDrain::new()
        .run(&client, recording(&seen, None))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("event.offline.get") && text.contains("result.events[0].ID"),
        "{text}"
    );
}
