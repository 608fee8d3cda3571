//! Typed pages and the record stream against the test portal.

mod list_support;

use std::collections::BTreeMap;

use bitrix24_testkit::Fault;
use bitrix24_transport::{ApiErrorCode, Error};
use futures_util::StreamExt;
use list_support::{DealList, counts, portal_and_client};
use serde_json::json;

#[tokio::test]
async fn a_page_has_its_records_next_and_total() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(120);
    let page = client.list(&DealList::default()).await.unwrap();
    assert_eq!(page.records.len(), 50);
    assert_eq!((page.next, page.total), (Some(50), Some(120)));
    assert_eq!(page.records[0].id(), 1);
    assert!(page.time.is_some());

    let last = client
        .list(&DealList {
            start: Some(100),
            ..DealList::default()
        })
        .await
        .unwrap();
    assert_eq!((last.records.len(), last.next), (20, None));
    assert_eq!(last.records[0].id(), 101);

    let fast = client
        .list(&DealList {
            filter: Some(BTreeMap::from([(">ID".to_owned(), json!(110))])),
            start: Some(-1),
            ..DealList::default()
        })
        .await
        .unwrap();
    let ids: Vec<u64> = fast.records.iter().map(|r| r.id()).collect();
    assert_eq!(ids, (111..=120).collect::<Vec<_>>());
    assert_eq!((fast.next, fast.total), (None, Some(0)));
}

#[tokio::test]
async fn the_stream_yields_every_record_once_page_by_page() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(135);
    let request = DealList {
        filter: Some(BTreeMap::from([(">ID".to_owned(), json!(10))])),
        order: Some(BTreeMap::from([("ID".to_owned(), "DESC".to_owned())])),
        ..DealList::default()
    };
    let rows: Vec<_> = client
        .stream(request)
        .map(|row| row.unwrap().id())
        .collect()
        .await;
    assert_eq!(rows, (11..=135).rev().collect::<Vec<u64>>());
    // 125 records: pages at 0, 50 and 100.
    assert_eq!(counts(&portal), (3, 3));

    // An empty list is one call and no record.
    let none = DealList {
        filter: Some(BTreeMap::from([(">ID".to_owned(), json!(1000))])),
        ..DealList::default()
    };
    assert_eq!(client.stream(none).count().await, 0);
    assert_eq!(counts(&portal), (4, 4));
}

#[tokio::test]
async fn the_stream_ends_with_the_first_error() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(120);
    portal.inject_for("crm.deal.list", Fault::Overload);
    let mut stream = client.stream(DealList::default());
    match stream.next().await {
        Some(Err(Error::Api(api))) => assert_eq!(api.code, ApiErrorCode::OverloadLimit),
        other => panic!("expected the overload error, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
}
