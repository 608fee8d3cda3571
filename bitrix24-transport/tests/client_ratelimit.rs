//! The client-side leaky bucket against a portal with the same bucket: a burst larger
//! than the bucket never earns `QUERY_LIMIT_EXCEEDED`.
//!
//! Slow by design: 120 calls through a standard bucket (50, draining 2/s) take about
//! (120 - 50) / 2 = 35 seconds.

use std::time::{Duration, Instant};

use bitrix24_testkit::{self as testkit, PortalConfig, TestPortal};
use bitrix24_transport::CallKind;
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::ratelimit::{BucketConfig, RateLimiter};
use bitrix24_transport::retry::RetryPolicy;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_a_burst_of_120_calls_never_exceeds_the_portal_bucket() {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(testkit::BucketConfig::STANDARD),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    // One limiter shared by two clients (and their clones), as for one portal.
    let limiter = RateLimiter::new(BucketConfig::STANDARD);
    let build = || {
        Client::builder(Auth::Webhook(
            Webhook::parse(&portal.webhook_url()).unwrap(),
        ))
        .rate_limiter(limiter.clone())
        // Any QUERY_LIMIT_EXCEEDED must show up in the stats, not be retried away.
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap()
    };
    let clients = [build(), build()];
    let start = Instant::now();
    let calls: Vec<_> = (0..120)
        .map(|i| {
            let client = clients[i % 2].clone();
            tokio::spawn(async move {
                client
                    .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                    .await
            })
        })
        .collect();
    for call in calls {
        let reply = call.await.unwrap();
        assert!(reply.is_ok(), "{reply:?}");
    }
    let elapsed = start.elapsed();
    let stats = portal.stats();
    assert_eq!(stats.query_limit_exceeded, 0);
    assert_eq!(stats.http_requests, 120);
    // 70 calls over the burst at 2/s: about 35 s; never much faster (that would mean the
    // client did not wait), and within the 40-second budget with slack.
    assert!(elapsed >= Duration::from_secs(33), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(40), "{elapsed:?}");
}

#[tokio::test]
async fn without_the_client_bucket_the_portal_refuses_a_burst() {
    // The control experiment: the same burst with the client-side limit off is refused.
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(testkit::BucketConfig {
            capacity: 5,
            drain_per_second: 1.0,
        }),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .rate_limit(None)
    .retry(RetryPolicy::NONE)
    .build()
    .unwrap();
    let mut refused = 0;
    for _ in 0..10 {
        if let Err(err) = client
            .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
            .await
        {
            assert!(err.is_retryable(), "{err:?}");
            refused += 1;
        }
    }
    assert!(refused >= 4, "{refused}");
    assert_eq!(portal.stats().query_limit_exceeded, refused);
}
