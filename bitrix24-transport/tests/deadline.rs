//! The call's deadline against the test portal: it bounds every attempt, backoff and
//! wait together, and a wait that would pass it is not started.

mod client_support;

use std::time::{Duration, Instant};

use bitrix24_testkit::{self as testkit, Fault, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, CallOptions, Client, ClientBuilder};
use bitrix24_transport::ratelimit::BucketConfig;
use bitrix24_transport::{CallKind, Error};
use client_support::{FAST, impl_method};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
struct DealAdd {
    fields: Value,
}

impl_method!(DealAdd, "crm.deal.add", Some("crm"), Write, Value);

/// The slack the issue allows past the deadline.
const SLACK: Duration = Duration::from_millis(100);

fn builder(portal: &TestPortal) -> ClientBuilder {
    Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
}

async fn get(client: &Client, options: CallOptions) -> Result<(), Error> {
    client
        .call_raw_with(
            "crm.deal.get",
            json!({"id": 1}),
            CallKind::Read,
            Default::default(),
            options,
        )
        .await
        .map(drop)
}

#[tokio::test]
async fn a_call_stalled_on_every_attempt_ends_at_its_deadline() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(1);
    for _ in 0..20 {
        portal.inject(Fault::Slow(Duration::from_secs(30)));
    }
    // The default attempt timeout (70 s) and a deadline of 1.5 s from the call's options:
    // one attempt, cut to the deadline.
    let client = builder(&portal).build().unwrap();
    let deadline = Duration::from_millis(1500);
    let options = CallOptions {
        deadline: Some(deadline),
        ..CallOptions::default()
    };
    let start = Instant::now();
    let err = get(&client, options).await.unwrap_err();
    let elapsed = start.elapsed();
    eprintln!(
        "stalled read, 70 s attempt timeout, deadline {deadline:?}: returned after {elapsed:?}"
    );
    assert!(elapsed >= deadline - SLACK, "{elapsed:?}");
    assert!(elapsed <= deadline + SLACK, "{elapsed:?}");
    match &err {
        Error::Deadline { attempts, last, .. } => {
            assert_eq!(*attempts, 1);
            assert!(last.contains("no reply within the timeout"), "{last}");
        }
        other => panic!("expected Deadline, got {other:?}"),
    }
    assert!(err.is_retryable());

    // A short attempt timeout and the deadline from the builder: several attempts with
    // backoff, all within it.
    let client = builder(&portal)
        .timeout(Some(Duration::from_millis(300)))
        .deadline(Some(deadline))
        .build()
        .unwrap();
    let before = portal.stats().http_requests;
    let start = Instant::now();
    let err = get(&client, CallOptions::default()).await.unwrap_err();
    let elapsed = start.elapsed();
    eprintln!(
        "stalled read, 300 ms attempt timeout, deadline {deadline:?}: returned after {elapsed:?} \
         ({} requests)",
        portal.stats().http_requests - before
    );
    assert!(elapsed <= deadline + SLACK, "{elapsed:?}");
    assert!(
        matches!(err, Error::Deadline { .. } | Error::Timeout { .. }),
        "{err:?}"
    );
    let sent = portal.stats().http_requests - before;
    assert!((2..=4).contains(&sent), "{sent}");
}

#[tokio::test]
async fn a_stalled_write_ends_at_its_deadline_with_its_fate_unknown() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.inject(Fault::Slow(Duration::from_secs(30)));
    let client = builder(&portal)
        .deadline(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client
        .call(&DealAdd {
            fields: json!({"TITLE": "slow"}),
        })
        .await
        .unwrap_err();
    assert!(start.elapsed() <= Duration::from_secs(1) + SLACK);
    assert!(err.is_fate_unknown(), "{err:?}");
    assert_eq!(portal.stats().http_requests, 1);
}

#[tokio::test]
async fn a_rate_limit_wait_past_the_deadline_is_not_started() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(1);
    // A bucket of one request, draining one per 10 s.
    let client = builder(&portal)
        .rate_limit(Some(BucketConfig {
            capacity: 1,
            drain_per_second: 0.1,
        }))
        .deadline(Some(Duration::from_secs(2)))
        .build()
        .unwrap();
    get(&client, CallOptions::default()).await.unwrap();
    let start = Instant::now();
    let err = get(&client, CallOptions::default()).await.unwrap_err();
    assert!(start.elapsed() < SLACK, "{:?}", start.elapsed());
    match &err {
        Error::Deadline { attempts, last, .. } => {
            assert_eq!(*attempts, 0);
            assert!(last.contains("rate limit"), "{last}");
        }
        other => panic!("expected Deadline, got {other:?}"),
    }
    assert_eq!(portal.stats().http_requests, 1);
    // The slot was given back: a call with a deadline long enough still gets the next one.
    let start = Instant::now();
    let options = CallOptions {
        deadline: Some(Duration::from_secs(15)),
        ..CallOptions::default()
    };
    get(&client, options).await.unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(11),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn an_operating_time_block_lifting_after_the_deadline_is_not_waited_for() {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(testkit::BucketConfig::STANDARD),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    // The block lifts about a second after the refusal.
    portal.inject(Fault::OperationTimeLimit);
    let client = builder(&portal)
        .deadline(Some(Duration::from_millis(400)))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = get(&client, CallOptions::default()).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert!(
        matches!(err, Error::Deadline { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(portal.stats().http_requests, 1);
}
