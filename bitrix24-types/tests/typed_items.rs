//! End to end: `crm.item.*` typed by the object type named in the types
//! (`bitrix24_types::items`), through the client against the test portal's smart
//! processes, deals and leads (camelCase keys, numbers as JSON numbers, user fields
//! `ufCrm*`).
#![cfg(feature = "crm")]

use bitrix24_testkit::{CrmEntity, TestPortal, UserField};
use bitrix24_types::crm::{CrmItemDelete, DealItem, LeadItem, SmartProcessItem};
use bitrix24_types::export::ExportOptions;
use bitrix24_types::items::{
    Deals, ItemAdd, ItemGet, ItemList, ItemType, ItemUpdate, Leads, SmartProcess,
};
use bitrix24_types::wire::NoData;
use bitrix24_types::{Client, ListMethod};
use futures_util::StreamExt;
use serde_json::json;

const ORDERS: SmartProcess = SmartProcess(1032);

#[test]
fn the_type_names_the_entity_type_id_on_the_wire() {
    assert_eq!(Deals.entity_type_id(), 2);
    let get = serde_json::to_value(ItemGet::new(Deals, 7)).unwrap();
    assert_eq!(get, json!({"entityTypeId": 2, "id": 7}));
    let list = serde_json::to_value(ItemList::new(ORDERS)).unwrap();
    assert_eq!(list, json!({"entityTypeId": 1032}));
    const { assert!(ItemList::<SmartProcess>::FAST_PATH) };
}

#[tokio::test]
async fn a_smart_process_item_is_added_read_updated_and_exported_as_its_record() {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let mut fields = SmartProcessItem {
        title: Some("Order 7".into()),
        opportunity: Some("1234.50".parse().unwrap()),
        currency_id: Some("EUR".into()),
        ..SmartProcessItem::default()
    };
    fields.extra.insert("ufCrm5Colour".into(), json!("teal"));
    let added = client
        .call(&ItemAdd::new(ORDERS, fields))
        .await
        .unwrap()
        .result
        .item
        .expect("the added item");
    let id = added.id.expect("an ID");
    assert_eq!(added.entity_type_id, Some(1032));

    let read = client
        .call(&ItemGet::new(ORDERS, id))
        .await
        .unwrap()
        .result
        .item
        .expect("the item");
    assert_eq!(read.title.as_deref(), Some("Order 7"));
    assert_eq!(
        read.opportunity
            .as_ref()
            .map(|d| d.as_str().trim_end_matches('0').to_owned()),
        Some("1234.5".to_owned())
    );
    assert!(read.created_time.and_then(|t| t.offset()).is_some());
    assert_eq!(read.extra.get("ufCrm5Colour"), Some(&json!("teal")));

    let change = SmartProcessItem {
        title: Some("Order 7b".into()),
        ..SmartProcessItem::default()
    };
    let updated = client
        .call(&ItemUpdate::new(ORDERS, id, change))
        .await
        .unwrap()
        .result
        .item
        .expect("the updated item");
    assert_eq!(updated.title.as_deref(), Some("Order 7b"));
    assert_eq!(updated.currency_id.as_deref(), Some("EUR"), "kept");

    // The portal answers a delete with `[]`, the docs show `null`: either is no data.
    let deleted = client
        .call(&CrmItemDelete::new(ORDERS.entity_type_id().into(), id))
        .await
        .unwrap();
    assert_eq!(deleted.result, NoData);
    let gone = client.call(&ItemGet::new(ORDERS, id)).await.unwrap_err();
    assert!(gone.to_string().contains("NOT_FOUND"), "{gone}");
    let again = client
        .call(&CrmItemDelete::new(ORDERS.entity_type_id().into(), id))
        .await
        .unwrap_err();
    assert!(again.to_string().contains("NOT_FOUND"), "{again}");

    portal.seed_items(1032, 2_600);
    let mut export = client.export(&ItemList::new(ORDERS), ExportOptions::default());
    let mut ids = Vec::new();
    while let Some(chunk) = export.next().await {
        ids.extend(chunk.unwrap().records.iter().map(|item| item.id.unwrap()));
    }
    assert_eq!(ids.len(), 2_600, "the deleted item is not exported");
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    // Another smart process has its own items.
    let other = client
        .list(&ItemList::new(SmartProcess(1036)))
        .await
        .unwrap();
    assert!(other.records.is_empty());
}

#[tokio::test]
async fn a_deal_and_a_lead_are_written_and_read_through_crm_item_as_their_records() {
    let portal = TestPortal::start().await.unwrap();
    portal.add_crm_user_field(2, UserField::new("UF_CRM_COLOUR", "string"));
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let mut fields = DealItem {
        title: Some("Big deal".into()),
        opportunity: Some("1000.50".parse().unwrap()),
        currency_id: Some("EUR".into()),
        opened: Some(true),
        ..DealItem::default()
    };
    fields.extra.insert("ufCrmColour".into(), json!("teal"));
    let added = client
        .call(&ItemAdd::new(Deals, fields))
        .await
        .unwrap()
        .result
        .item
        .expect("the added deal");
    let id = added.id.expect("an ID");

    // The classic methods see the same deal, under their own names.
    let classic = portal.crm_record(CrmEntity::Deal, id).expect("the deal");
    assert_eq!(
        (
            &classic["TITLE"],
            &classic["OPENED"],
            &classic["UF_CRM_COLOUR"]
        ),
        (&json!("Big deal"), &json!("Y"), &json!("teal"))
    );

    let read = client
        .call(&ItemGet::new(Deals, id))
        .await
        .unwrap()
        .result
        .item
        .expect("the deal");
    assert_eq!(read.title.as_deref(), Some("Big deal"));
    assert_eq!(read.opened, Some(true));
    assert_eq!(
        read.opportunity.map(|d| d.to_string()),
        Some("1000.5".to_owned())
    );
    assert!(read.created_time.and_then(|t| t.offset()).is_some());
    assert_eq!(read.extra.get("ufCrmColour"), Some(&json!("teal")));

    let change = DealItem {
        stage_id: Some("WON".into()),
        ..DealItem::default()
    };
    let updated = client
        .call(&ItemUpdate::new(Deals, id, change))
        .await
        .unwrap()
        .result
        .item
        .expect("the updated deal");
    assert_eq!(updated.stage_id.as_deref(), Some("WON"));
    assert_eq!(updated.title.as_deref(), Some("Big deal"), "kept");

    // Listed and exported by the fast path, with the classic ones seeded beside it.
    portal.seed_crm(CrmEntity::Deal, 120);
    let mut won = ItemList::new(Deals);
    won.filter = Some(json!({"stageId": "WON"}).as_object().unwrap().clone());
    won.select = Some(vec!["id".into(), "stageId".into(), "title".into()]);
    let listed = client.list(&won).await.unwrap().records;
    assert!(listed.iter().any(|deal| deal.id == Some(id)));
    assert!(
        listed
            .iter()
            .all(|deal| deal.stage_id.as_deref() == Some("WON"))
    );
    // Only the selected fields come.
    assert!(
        listed
            .iter()
            .all(|deal| deal.title.is_some() && deal.currency_id.is_none())
    );
    let mut export = client.export(&ItemList::new(Deals), ExportOptions::default());
    let mut ids = Vec::new();
    while let Some(chunk) = export.next().await {
        ids.extend(chunk.unwrap().records.iter().map(|deal| deal.id.unwrap()));
    }
    assert_eq!(ids.len(), 121);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    let lead = LeadItem {
        title: Some("Website enquiry".into()),
        name: Some("Ada".into()),
        ..LeadItem::default()
    };
    let lead = client
        .call(&ItemAdd::new(Leads, lead))
        .await
        .unwrap()
        .result
        .item
        .expect("the added lead");
    assert_eq!(lead.name.as_deref(), Some("Ada"));
    let classic = portal
        .crm_record(CrmEntity::Lead, lead.id.unwrap())
        .expect("the lead");
    assert_eq!(classic["NAME"], "Ada");
}
