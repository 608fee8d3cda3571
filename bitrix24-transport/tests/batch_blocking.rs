//! The typed batch through the blocking facade (the test portal runs on its own runtime).
#![cfg(feature = "blocking")]

mod client_support;

use bitrix24_testkit::TestPortal;
use bitrix24_transport::BlockingClient;
use bitrix24_transport::batch::Batch;
use client_support::impl_method;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Serialize)]
struct DealGet {
    id: u64,
}

impl_method!(DealGet, "crm.deal.get", Some("crm"), Read, Value);

#[test]
fn a_batch_without_a_runtime() {
    let server = tokio::runtime::Runtime::new().unwrap();
    let portal = server.block_on(TestPortal::start()).unwrap();
    portal.seed_deals(2);
    let client = BlockingClient::webhook(&portal.webhook_url()).unwrap();
    let mut batch = Batch::new();
    let first = batch.push(&DealGet { id: 2 }).unwrap();
    let second = batch
        .push_with(&DealGet { id: 0 }, [("id", first.field("ID"))])
        .unwrap();
    let results = client.batch(batch).unwrap();
    assert_eq!(results.get(second).unwrap().result["ID"], "2");
    assert_eq!(portal.stats().http_requests, 1);
}
