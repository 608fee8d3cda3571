//! Clients that do not share a limiter (as separate processes would not) on one portal
//! with the standard bucket: each believes it has the whole bucket, the portal refuses
//! the excess with `QUERY_LIMIT_EXCEEDED`, and since that refusal proves the call never
//! ran, every client slows down to the drain rate and repeats until its calls fit.
//!
//! Slow by design: 180 calls through a bucket of 50 draining 2/s take about
//! (180 - 50) / 2 = 65 seconds. The same with separate processes:
//! `cargo run -p bitrix24-transport --example uncoordinated`.

use std::time::Instant;

use bitrix24_testkit::{self as testkit, PortalConfig, TestPortal};
use bitrix24_transport::CallKind;
use bitrix24_transport::client::Client;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_three_clients_with_default_settings_all_succeed_on_one_bucket() {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(testkit::BucketConfig::STANDARD),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    // Default settings: each client has its own bucket, retry policy and deadline.
    let clients: Vec<Client> = (0..3)
        .map(|_| Client::webhook(&portal.webhook_url()).unwrap())
        .collect();
    let start = Instant::now();
    let calls: Vec<_> = (0..180)
        .map(|i| {
            let client = clients[i % 3].clone();
            tokio::spawn(async move {
                client
                    .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                    .await
            })
        })
        .collect();
    let mut failed = Vec::new();
    for call in calls {
        if let Err(err) = call.await.unwrap() {
            failed.push(err.to_string());
        }
    }
    let stats = portal.stats();
    eprintln!(
        "3 clients x 60 calls: {} failed, {} refused, {} requests in {:?}",
        failed.len(),
        stats.query_limit_exceeded,
        stats.http_requests,
        start.elapsed()
    );
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(stats.http_requests - stats.query_limit_exceeded, 180);
}
