//! The blocking facade against the test portal (which runs on its own runtime).
#![cfg(feature = "blocking")]

use bitrix24_testkit::TestPortal;
use bitrix24_transport::{BlockingClient, CallKind, Error};
use serde_json::json;

#[test]
fn blocking_calls_work_without_a_runtime_and_refuse_inside_one() {
    let server = tokio::runtime::Runtime::new().unwrap();
    let portal = server.block_on(TestPortal::start()).unwrap();
    portal.seed_deals(2);

    let client = BlockingClient::webhook(&portal.webhook_url()).unwrap();
    let reply = client
        .call_raw("crm.deal.get", json!({"id": 2}), CallKind::Read)
        .unwrap();
    assert_eq!(reply.result["ID"], "2");
    assert!(!format!("{client:?}").contains(portal.webhook_url().trim_end_matches('/')));

    // Inside an async runtime it refuses instead of panicking or blocking the runtime.
    let err = server
        .block_on(async { client.call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read) })
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}
