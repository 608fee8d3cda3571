//! A classic list that takes its filter and order by upper-case names, through the
//! generated bindings, against the test portal: `entity.item.get` (`FILTER`, `SORT`) is
//! read whole by `Client::export` on the fast path, its `>ID` chained under `FILTER`, and
//! its records are typed (`EntityItem`) and filtered by checked field names.
#![cfg(feature = "entity")]

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_types::entity::{EntityAdd, EntityItemAdd, EntityItemField, EntityItemGet};
use bitrix24_types::export::{Cursor, ExportOptions};
use bitrix24_types::query::Filter;
use bitrix24_types::{Client, ListMethod};
use futures_util::StreamExt;

async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    (portal, client)
}

/// Every record of `export`, as (ID, name, storage), and the requests it took.
async fn read_all(
    client: &Client,
    request: &EntityItemGet,
    options: ExportOptions,
) -> (Vec<(u64, String, String)>, u64, Option<Cursor>) {
    let mut export = client.export(request, options);
    let mut read = Vec::new();
    let mut requests = 0;
    let mut cursor = None;
    while let Some(chunk) = export.next().await {
        let chunk = chunk.unwrap();
        requests += chunk.requests;
        cursor = Some(chunk.cursor);
        for item in chunk.records {
            let id = item.id.expect("an ID");
            read.push((
                id,
                item.name.unwrap_or_default(),
                item.entity.unwrap_or_default(),
            ));
        }
    }
    (read, requests, cursor)
}

#[test]
fn the_binding_names_the_parameters_the_fast_path_writes() {
    let facts = (
        EntityItemGet::FAST_PATH,
        EntityItemGet::FILTER_PARAM,
        EntityItemGet::ORDER_PARAM,
    );
    assert_eq!(facts, (true, "FILTER", "SORT"));
}

#[tokio::test]
async fn a_storage_is_exported_once_each_in_id_order_by_the_fast_path() {
    let (portal, client) = portal_and_client().await;
    // Two storages share one ID sequence: the filter by `ENTITY` is the method's own.
    portal.seed_app_storage("dish", 3_000);
    portal.seed_app_storage("menu", 200);
    portal.seed_app_storage("dish", 1_000);
    let request = EntityItemGet::new("dish".into());
    let (read, requests, cursor) = read_all(&client, &request, ExportOptions::default()).await;
    let ids: Vec<u64> = read.iter().map(|(id, _, _)| *id).collect();
    let expected: Vec<u64> = (1..=3_000).chain(3_201..=4_200).collect();
    assert_eq!(ids, expected, "every dish once, in ID order");
    assert!(read.iter().all(|(_, _, entity)| entity == "dish"));
    assert_eq!(read[0].1, "Item 1");
    assert_eq!(cursor, Some(Cursor::AfterId(4_200)));
    // 4,000 records in batch calls of 2,500, plus the probe for the highest ID.
    let http = portal.stats().http_requests;
    assert_eq!(http, requests, "every request is reported by a chunk");
    assert!(http <= 4, "{http} requests for 4,000 items");
    assert_eq!(portal.stats().calls_by_method["batch"], http);
}

#[tokio::test]
async fn a_checked_filter_narrows_the_export_and_its_id_floor_is_where_it_starts() {
    let (portal, client) = portal_and_client().await;
    portal.seed_app_storage("dish", 600);
    // Items added through the binding, by name.
    client
        .call(&EntityAdd::new("note".into(), "Notes".into()))
        .await
        .unwrap();
    for name in ["alpha", "beta", "alphabet"] {
        let mut add = EntityItemAdd::new("note".into());
        add.name = Some(name.into());
        client.call(&add).await.unwrap();
    }
    let mut request = EntityItemGet::new("note".into());
    request.filter = Some(Filter::new().like(EntityItemField::Name, "alpha"));
    let (read, _, _) = read_all(&client, &request, ExportOptions::default()).await;
    let names: Vec<&str> = read.iter().map(|(_, name, _)| name.as_str()).collect();
    assert_eq!(names, ["alpha", "alphabet"]);

    // A `>ID` of the caller's own filter is the floor the export starts above.
    let mut request = EntityItemGet::new("dish".into());
    request.filter = Some(Filter::new().gt(EntityItemField::Id, 550));
    let (read, _, _) = read_all(&client, &request, ExportOptions::default()).await;
    let ids: Vec<u64> = read.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(ids, (551..=600).collect::<Vec<u64>>());
}
