//! Checked `select`, `order` and `filter` through the client against the test portal: the
//! generated field enums and `query` builders ask for what the portal answers correctly.
#![cfg(feature = "crm")]
#![allow(deprecated)] // crm.deal.* and crm.contact.* are deprecated upstream

use bitrix24_testkit::TestPortal;
use bitrix24_types::crm::{ContactField, CrmContactList, CrmDealAdd, CrmDealList, Deal, DealField};
use bitrix24_types::export::ExportOptions;
use bitrix24_types::query::{CustomField, Filter, Order, Select};
use bitrix24_types::{Client, ListMethod};
use futures_util::StreamExt;
use serde_json::{Value, json};

async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    (portal, client)
}

/// Deals 1..=10: "Deal i", stage `WON` for even i else `NEW`, amount i * 100, and the
/// portal's own field `UF_CRM_COLOUR` red for every third.
async fn add_deals(client: &Client) {
    for i in 1..=10u64 {
        let mut fields = Deal {
            title: Some(format!("Deal {i}")),
            stage_id: Some(if i % 2 == 0 { "WON" } else { "NEW" }.into()),
            opportunity: Some(format!("{}.00", i * 100).parse().unwrap()),
            ..Deal::default()
        };
        let colour = if i % 3 == 0 { "red" } else { "blue" };
        fields.extra.insert("UF_CRM_COLOUR".into(), json!(colour));
        let add = CrmDealAdd {
            fields,
            params: None,
        };
        assert_eq!(client.call(&add).await.unwrap().result, i);
    }
}

async fn deals(client: &Client, request: &CrmDealList) -> Vec<Deal> {
    client.list(request).await.unwrap().records
}

fn ids(deals: &[Deal]) -> Vec<u64> {
    deals.iter().map(|deal| deal.id.unwrap()).collect()
}

#[tokio::test]
async fn a_checked_select_filter_and_order_return_the_matching_deals() {
    let (_portal, client) = portal_and_client().await;
    add_deals(&client).await;

    let request = CrmDealList {
        select: Some(Select::new([
            DealField::Id,
            DealField::Title,
            DealField::StageId,
        ])),
        filter: Some(
            Filter::new()
                .eq(DealField::StageId, "NEW")
                .gt(DealField::Opportunity, 300),
        ),
        order: Some(Order::new().desc(DealField::Id)),
        ..CrmDealList::default()
    };
    let found = deals(&client, &request).await;
    assert_eq!(ids(&found), [9, 7, 5]);
    assert_eq!(found[0].title.as_deref(), Some("Deal 9"));
    assert_eq!(found[0].stage_id.as_deref(), Some("NEW"));
    assert_eq!(found[0].opportunity, None, "not selected, not sent");

    let request = CrmDealList {
        filter: Some(
            Filter::new()
                .in_(DealField::Id, [2, 3, 4, 5])
                .ne(DealField::StageId, "WON")
                .like(DealField::Title, "deal"),
        ),
        order: Some(Order::new().asc(DealField::Id)),
        ..CrmDealList::default()
    };
    assert_eq!(ids(&deals(&client, &request).await), [3, 5]);

    let request = CrmDealList {
        filter: Some(
            Filter::new()
                .not_in(DealField::Id, [1, 2])
                .le(DealField::Opportunity, "500.00"),
        ),
        order: Some(Order::new().desc(DealField::Opportunity)),
        ..CrmDealList::default()
    };
    assert_eq!(ids(&deals(&client, &request).await), [5, 4, 3]);
}

#[tokio::test]
async fn a_portals_own_field_goes_through_the_escape_hatch() {
    let (_portal, client) = portal_and_client().await;
    add_deals(&client).await;
    let colour = CustomField::new("UF_CRM_COLOUR");
    let request = CrmDealList {
        select: Some(Select::new([DealField::Id]).and(colour.clone())),
        filter: Some(Filter::new().eq(colour.clone(), "red")),
        order: Some(Order::new().desc(colour).asc(DealField::Id)),
        ..CrmDealList::default()
    };
    let found = deals(&client, &request).await;
    assert_eq!(ids(&found), [3, 6, 9]);
    assert!(
        found
            .iter()
            .all(|deal| deal.extra.get("UF_CRM_COLOUR") == Some(&json!("red")))
    );
    assert_eq!(found[0].title, None, "only the selected fields come back");
}

#[tokio::test]
async fn the_stream_and_the_export_keep_a_checked_filter_beside_their_id_cursor() {
    let (_portal, client) = portal_and_client().await;
    add_deals(&client).await;
    // The caller's own `>ID` is where the export starts; its cursor replaces it per page.
    let request = CrmDealList {
        filter: Some(
            Filter::new()
                .eq(DealField::StageId, "NEW")
                .gt(DealField::Id, 2),
        ),
        order: Some(Order::new().desc(DealField::Title)),
        ..CrmDealList::default()
    };
    let mut export = client.export(&request, ExportOptions::default());
    let mut exported = Vec::new();
    while let Some(chunk) = export.next().await {
        exported.extend(ids(&chunk.unwrap().records));
    }
    assert_eq!(exported, [3, 5, 7, 9]);

    let streamed: Vec<u64> = client
        .stream(request)
        .map(|deal| deal.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(streamed, [9, 7, 5, 3], "the request's own order");
}

#[tokio::test]
async fn contacts_filtered_by_checked_fields_are_those_the_portal_holds() {
    let (portal, client) = portal_and_client().await;
    portal.seed_contacts(60);
    let wanted: Vec<u64> = (1..=60)
        .filter(|id| {
            let contact = portal.contact(*id).unwrap();
            contact["TYPE_ID"] == "CLIENT" && *id % 8 != 0
        })
        .collect();
    assert!(
        !wanted.is_empty() && wanted.len() < 45,
        "the seed has clients and others: {wanted:?}"
    );

    let request = CrmContactList {
        select: Some(Select::new([ContactField::Id, ContactField::Name])),
        filter: Some(
            Filter::new()
                .eq(ContactField::TypeId, "CLIENT")
                .not_in(ContactField::Id, (1..=7).map(|i| i * 8)),
        ),
        order: Some(Order::new().asc(ContactField::Id)),
        ..CrmContactList::default()
    };
    let page = client.list(&request).await.unwrap();
    let found: Vec<u64> = page.records.iter().map(|c| c.id.unwrap()).collect();
    assert_eq!(found, wanted);
    let first = portal.contact(wanted[0]).unwrap();
    assert_eq!(page.records[0].name.as_deref(), first["NAME"].as_str());
    assert_eq!(page.records[0].last_name, None, "not selected");
}

#[test]
fn the_request_serialises_to_the_portals_names() {
    let request = CrmDealList {
        select: Some(Select::new([DealField::Id, DealField::StageId])),
        filter: Some(Filter::new().in_(DealField::CategoryId, [0, 2])),
        order: Some(Order::new().asc(DealField::DateCreate)),
        start: Some(-1),
    };
    let wire: Value = serde_json::to_value(&request).unwrap();
    assert_eq!(
        wire,
        json!({
            "select": ["ID", "STAGE_ID"],
            "filter": {"@CATEGORY_ID": [0, 2]},
            "order": {"DATE_CREATE": "ASC"},
            "start": -1,
        })
    );
    assert_eq!(CrmDealList::ID_PARAM, "ID");
}
