//! Exactly-once keyed adds against the test portal: 2,000 deal adds, 50 to a batch call,
//! with lost and failed batch replies of every kind; with `ORIGIN_ID` as the key every
//! record ends on the portal exactly once and none is left unknown; without a key none
//! is doubled and the unknown are exactly the batches whose reply was lost.

mod client_support;

use std::collections::HashMap;
use std::time::Duration;

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::batch::BatchCommandError;
use bitrix24_transport::bulk::BulkOptions;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::{Added, Error, KeyField};
use client_support::{FAST, impl_method};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize)]
struct DealAdd {
    fields: Value,
}

impl_method!(DealAdd, "crm.deal.add", Some("crm"), Write, u64);

const RECORDS: usize = 2000;

/// Two of each lost or failed batch reply (10 of the 40 batch calls: 25%, five times
/// the 5% of each), and two refusals.
fn faults() -> Vec<Fault> {
    let each = [
        Fault::DropAfterHandling,
        Fault::DropBeforeHandling,
        Fault::InternalError,
        Fault::HtmlPage(502),
        // Runs, then answers after the client's timeout.
        Fault::Slow(Duration::from_secs(2)),
        Fault::QueryLimit,
    ];
    each.iter().chain(each.iter()).cloned().collect()
}

async fn setup() -> (TestPortal, Client, Vec<DealAdd>) {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    for fault in faults() {
        portal.inject_for("batch", fault);
    }
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .rate_limit(None)
    .timeout(Some(Duration::from_secs(1)))
    .build()
    .unwrap();
    let adds = (0..RECORDS)
        .map(|i| DealAdd {
            fields: json!({"TITLE": format!("Deal {i}"), "ORIGIN_ID": format!("ext-{i}")}),
        })
        .collect();
    (portal, client, adds)
}

/// How many deals on the portal carry each key.
fn keys_on_portal(portal: &TestPortal) -> HashMap<String, usize> {
    let mut keys = HashMap::new();
    for deal in portal.deals() {
        let key = deal["ORIGIN_ID"].as_str().unwrap_or_default().to_owned();
        *keys.entry(key).or_default() += 1;
    }
    keys
}

#[tokio::test]
async fn keyed_adds_end_with_every_record_exactly_once() {
    let (portal, client, adds) = setup().await;
    let options = BulkOptions { concurrency: 4 };
    let results = client
        .add_many_keyed(
            &adds,
            |add| add.fields["ORIGIN_ID"].as_str().unwrap().to_owned(),
            &KeyField::crm_origin_id("deal"),
            options,
        )
        .await
        .unwrap();
    let (mut replied, mut found) = (0, 0);
    for (i, result) in results.iter().enumerate() {
        let id = match result {
            Ok(Added::Reply(id)) => {
                replied += 1;
                *id
            }
            Ok(Added::Found { id }) => {
                found += 1;
                *id
            }
            Err(err) => panic!("record {i}: {err}"),
        };
        let deal = portal.deal(id).unwrap();
        assert_eq!(deal["ORIGIN_ID"], format!("ext-{i}"));
    }
    let keys = keys_on_portal(&portal);
    assert_eq!(portal.deal_count(), RECORDS);
    assert_eq!(keys.len(), RECORDS);
    assert!(keys.values().all(|&n| n == 1));
    // The two batches that ran and lost their reply, and the two that ran late.
    assert_eq!(found, 4 * 50, "replied {replied}");
    let lookups = portal.stats().calls_by_method["crm.deal.list"];
    eprintln!(
        "{RECORDS} keyed adds: {replied} by their reply, {found} found by key, {lookups} lookups, \
         {} records, 0 doubled, 0 unknown",
        portal.deal_count()
    );
}

#[tokio::test]
async fn without_a_key_nothing_is_doubled_and_only_lost_replies_are_unknown() {
    let (portal, client, adds) = setup().await;
    let results = client
        .call_many(&adds, BulkOptions { concurrency: 4 })
        .await
        .unwrap();
    let unknown = results
        .iter()
        .filter(|r| matches!(r, Err(BatchCommandError::Unknown { .. })))
        .count();
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(_) | Err(BatchCommandError::Unknown { .. })))
    );
    // Ten batches lost their reply (dropped before or after, 500, 502, late, two of
    // each); four of them ran (dropped after, late) and none was repeated.
    assert_eq!(unknown, 10 * 50);
    let keys = keys_on_portal(&portal);
    assert!(keys.values().all(|&n| n == 1), "nothing doubled");
    assert_eq!(portal.deal_count(), RECORDS - 10 * 50 + 4 * 50);
    eprintln!(
        "{RECORDS} adds without a key: {unknown} unknown, of which {} ran; 0 doubled",
        4 * 50
    );
}

#[tokio::test]
async fn keys_must_be_unique_and_present() {
    let (portal, client, mut adds) = setup().await;
    adds.truncate(3);
    adds[2].fields["ORIGIN_ID"] = json!("ext-0");
    let err = client
        .add_many_keyed(
            &adds,
            |add| {
                add.fields["ORIGIN_ID"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            },
            &KeyField::crm_origin_id("deal"),
            BulkOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert_eq!(portal.stats().http_requests, 0);
}

#[tokio::test]
async fn a_single_keyed_add_is_found_or_repeated() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .build()
    .unwrap();
    let field = KeyField::crm_origin_id("deal");
    let add = |key: &str| DealAdd {
        fields: json!({"TITLE": key, "ORIGIN_ID": key}),
    };
    // Ran, reply lost: found by its key, not repeated.
    portal.inject(Fault::DropAfterHandling);
    let added = client.add_keyed(&add("one"), "one", &field).await.unwrap();
    assert!(matches!(added, Added::Found { id: 1 }), "{added:?}");
    // Not run, reply lost: not found, repeated once.
    portal.inject(Fault::DropBeforeHandling);
    let added = client.add_keyed(&add("two"), "two", &field).await.unwrap();
    assert_eq!(added, Added::Reply(2));
    assert_eq!(portal.deal_count(), 2);
    assert_eq!(portal.stats().executed_writes, 2);
}

/// The run: 5% each of a 503 page, a 500, a connection dropped before and after
/// the method ran and a reply later than the timeout, on every request (batches and
/// lookups alike), drawn from a seed.
async fn random_faults_run(seed: u64, keyed: bool) -> (Vec<bool>, usize, usize) {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.inject_randomly(
        vec![
            (Fault::HtmlPage(503), 0.05),
            (Fault::InternalError, 0.05),
            (Fault::DropBeforeHandling, 0.05),
            (Fault::DropAfterHandling, 0.05),
            (Fault::Slow(Duration::from_millis(1500)), 0.05),
        ],
        seed,
    );
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .rate_limit(None)
    .timeout(Some(Duration::from_secs(1)))
    .build()
    .unwrap();
    let adds: Vec<DealAdd> = (0..RECORDS)
        .map(|i| DealAdd {
            fields: json!({"TITLE": format!("Deal {i}"), "ORIGIN_ID": format!("ext-{i}")}),
        })
        .collect();
    let options = BulkOptions { concurrency: 8 };
    let settled: Vec<bool> = if keyed {
        client
            .add_many_keyed(
                &adds,
                |add| add.fields["ORIGIN_ID"].as_str().unwrap().to_owned(),
                &KeyField::crm_origin_id("deal"),
                options,
            )
            .await
            .unwrap()
            .iter()
            .map(Result::is_ok)
            .collect()
    } else {
        client
            .call_many(&adds, options)
            .await
            .unwrap()
            .iter()
            .map(Result::is_ok)
            .collect()
    };
    let keys = keys_on_portal(&portal);
    let doubled = keys.values().filter(|&&n| n > 1).count();
    (settled, keys.len(), doubled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_percent_of_each_fault_on_every_request() {
    for seed in [1, 2, 3] {
        let (settled, on_portal, doubled) = random_faults_run(seed, true).await;
        let unknown = settled.iter().filter(|ok| !**ok).count();
        eprintln!(
            "seed {seed}, keyed: {on_portal} of {RECORDS} on the portal, {doubled} doubled, \
             {unknown} unknown"
        );
        assert_eq!(
            (on_portal, doubled, unknown),
            (RECORDS, 0, 0),
            "seed {seed}"
        );

        let (settled, on_portal, doubled) = random_faults_run(seed, false).await;
        let unknown = settled.iter().filter(|ok| !**ok).count();
        eprintln!(
            "seed {seed}, no key: {on_portal} of {RECORDS} on the portal, {doubled} doubled, \
             {unknown} unknown (all after faults that may have run: 503, 500, dropped, late)"
        );
        assert_eq!(doubled, 0, "seed {seed}");
        // Every record added by its reply is there; the unknown ones ran or not.
        assert!(on_portal >= RECORDS - unknown, "seed {seed}");
    }
}
