//! Many gets and adds packed 50 to a batch call: results in input order, each with its
//! own error, and what a failed batch call means for its commands.

mod client_support;
mod list_support;

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::batch::{BatchCommandError, CommandStatus};
use bitrix24_transport::bulk::BulkOptions;
use bitrix24_transport::{Client, Error};
use client_support::impl_method;
use list_support::portal_and_client;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
struct DealGet {
    id: u64,
}

impl_method!(DealGet, "crm.deal.get", Some("crm"), Read, Value);

#[derive(Debug, Serialize)]
struct DealAdd {
    fields: Value,
}

impl_method!(DealAdd, "crm.deal.add", Some("crm"), Write, u64);

fn http_and_batches(portal: &TestPortal) -> (u64, u64) {
    let stats = portal.stats();
    (
        stats.http_requests,
        stats.calls_by_method.get("batch").copied().unwrap_or(0),
    )
}

#[tokio::test]
async fn gets_come_back_in_input_order_with_their_own_errors() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(150);
    // 120 IDs, some missing (0 is invalid, 500 and 999 do not exist), out of order.
    let mut ids: Vec<u64> = (1..=117).rev().collect();
    ids.insert(10, 500);
    ids.insert(60, 0);
    ids.push(999);
    let results = client
        .get_many(&ids, |id| DealGet { id }, BulkOptions::default())
        .await
        .unwrap();
    assert_eq!(results.len(), ids.len());
    for (id, result) in ids.iter().zip(&results) {
        match (id, result) {
            (1..=150, Ok(deal)) => assert_eq!(deal["ID"], id.to_string()),
            (0 | 500 | 999, Err(BatchCommandError::Api(api))) => {
                assert_eq!(api.method, "crm.deal.get");
                let expected = if *id == 0 {
                    "ID is not defined or invalid."
                } else {
                    "Not found"
                };
                assert_eq!(api.description.as_deref(), Some(expected));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // 120 gets: 3 batch calls, nothing else.
    assert_eq!(http_and_batches(&portal), (3, 3));
    assert_eq!(
        portal.stats().calls_by_method.get("crm.deal.get"),
        Some(&120)
    );
}

#[tokio::test]
async fn adds_map_back_to_their_inputs() {
    let (portal, client) = portal_and_client().await;
    let adds: Vec<DealAdd> = (0..130)
        .map(|i| DealAdd {
            fields: if i % 40 == 7 {
                json!("not an object")
            } else {
                json!({"TITLE": format!("Bulk deal {i} & co"), "OPPORTUNITY": i})
            },
        })
        .collect();
    let options = BulkOptions { concurrency: 2 };
    let results = client.call_many(&adds, options).await.unwrap();
    assert_eq!(results.len(), 130);
    let mut ids = Vec::new();
    for (i, (add, result)) in adds.iter().zip(&results).enumerate() {
        if i % 40 == 7 {
            let Err(BatchCommandError::Api(api)) = result else {
                panic!("input {i} should fail, got {result:?}");
            };
            assert_eq!(
                api.description.as_deref(),
                Some("Parameter 'fields' must be array.")
            );
            continue;
        }
        let id = *result.as_ref().unwrap();
        let deal = portal.deal(id).unwrap();
        assert_eq!(
            deal["TITLE"], add.fields["TITLE"],
            "input {i} maps to deal {id}"
        );
        ids.push(id);
    }
    assert_eq!(ids.len(), 126);
    assert_eq!(portal.deal_count(), 126);
    assert_eq!(http_and_batches(&portal), (3, 3));
    assert_eq!(portal.stats().executed_writes, 126);
}

#[tokio::test]
async fn a_lost_batch_reply_leaves_its_adds_unknown_and_the_rest_done() {
    let (portal, client) = portal_and_client().await;
    let adds: Vec<DealAdd> = (0..120)
        .map(|i| DealAdd {
            fields: json!({"TITLE": format!("Deal {i}")}),
        })
        .collect();
    // The first batch call runs, but its reply is lost; writes are not repeated.
    portal.inject_for("batch", Fault::DropAfterHandling);
    let results = client
        .call_many(&adds, BulkOptions { concurrency: 1 })
        .await
        .unwrap();
    for (i, result) in results.iter().enumerate() {
        match (i / 50, result) {
            (0, Err(err @ BatchCommandError::Unknown { .. })) => {
                assert_eq!(err.status(), Some(CommandStatus::Unknown));
                let err = Error::from(err.clone());
                assert!(err.is_fate_unknown(), "{err}");
            }
            (1 | 2, Ok(id)) => assert!(portal.deal(*id).is_some()),
            other => panic!("input {i}: {other:?}"),
        }
    }
    // The dropped call ran: its 50 deals exist, but their IDs are not known; it was
    // sent once.
    assert_eq!(portal.deal_count(), 120);
    assert_eq!(http_and_batches(&portal), (3, 3));
}

#[tokio::test]
async fn bulk_calls_share_the_clients_rate_limit() {
    let portal = TestPortal::start_with(PortalConfig::default())
        .await
        .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    portal.seed_deals(60);
    let ids: Vec<u64> = (1..=60).cycle().take(2_700).collect();
    let results = client
        .get_many(&ids, |id| DealGet { id }, BulkOptions { concurrency: 8 })
        .await
        .unwrap();
    assert!(results.iter().all(Result::is_ok));
    let stats = portal.stats();
    assert_eq!((stats.http_requests, stats.query_limit_exceeded), (54, 0));
}
