//! End to end: the generated crm.deal bindings, called through the client, against the
//! built-in test portal (which encodes values the way a real portal does).
#![cfg(feature = "crm")]
#![allow(deprecated)] // crm.deal.* is deprecated upstream in favour of crm.item.*

use bitrix24_testkit::TestPortal;
use bitrix24_types::crm::{
    CrmDealAdd, CrmDealDelete, CrmDealFields, CrmDealGet, CrmDealList, CrmDealUpdate, Deal,
    DealField,
};
use bitrix24_types::query::{Filter, Order};
use bitrix24_types::{ApiErrorCode, Client, Error, ListMethod};
use serde_json::json;

async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    (portal, client)
}

#[tokio::test]
async fn typed_crud_round_trip() {
    let (portal, client) = portal_and_client().await;
    let mut fields = Deal {
        title: Some("New Deal".into()),
        type_id: Some("SALE".into()),
        stage_id: Some("NEW".into()),
        opportunity: Some("19999.99".parse().unwrap()),
        opened: Some(false),
        contact_ids: Some(vec![84, 83]),
        ..Deal::default()
    };
    fields.extra.insert("UF_CRM_NOTE".into(), json!("kept"));
    let id = client
        .call(&CrmDealAdd {
            fields,
            params: None,
        })
        .await
        .unwrap()
        .result;
    assert_eq!(portal.deal_count(), 1);

    let deal = client.call(&CrmDealGet::new(id)).await.unwrap().result;
    assert_eq!(deal.id, Some(id));
    assert_eq!(deal.title.as_deref(), Some("New Deal"));
    assert_eq!(
        deal.opportunity.as_ref().map(|d| d.as_str()),
        Some("19999.99")
    );
    assert_eq!(deal.opened, Some(false));
    assert!(
        deal.date_create.and_then(|d| d.offset()).is_some(),
        "portal datetimes carry an offset"
    );
    assert_eq!(deal.extra.get("UF_CRM_NOTE"), Some(&json!("kept")));

    let update = CrmDealUpdate::new(
        id,
        Deal {
            probability: Some(60),
            ..Deal::default()
        },
    );
    assert!(client.call(&update).await.unwrap().result);
    let deal = client.call(&CrmDealGet::new(id)).await.unwrap().result;
    assert_eq!(deal.probability, Some(60));
    assert_eq!(
        deal.title.as_deref(),
        Some("New Deal"),
        "update changes only what is sent"
    );

    assert!(client.call(&CrmDealDelete::new(id)).await.unwrap().result);
    let err = client.call(&CrmDealGet::new(id)).await.unwrap_err();
    match err {
        Error::Api(api) => {
            assert_eq!(api.method, "crm.deal.get");
            assert_eq!(api.description.as_deref(), Some("Not found"));
            assert!(!matches!(api.code, ApiErrorCode::MethodNotFound));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn list_pages_follow_next_until_total() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(120);
    let mut request = CrmDealList {
        order: Some(Order::new().asc(DealField::Id)),
        ..CrmDealList::default()
    };
    let mut ids = Vec::new();
    loop {
        let page = client.call(&request).await.unwrap();
        assert_eq!(page.total, Some(120));
        let next = page.next;
        ids.extend(
            CrmDealList::into_records(page.result)
                .into_iter()
                .filter_map(|d| d.id),
        );
        match next {
            Some(start) => request.set_start(Some(start as i64)),
            None => break,
        }
    }
    let expected: Vec<u64> = (1..=120).collect();
    assert_eq!(ids, expected);

    // The documented fast path: `>ID` cursor, no counting.
    let fast = CrmDealList {
        filter: Some(Filter::new().gt(DealField::Id, 100)),
        order: Some(Order::new().asc(DealField::Id)),
        start: Some(-1),
        ..CrmDealList::default()
    };
    let page = client.call(&fast).await.unwrap();
    assert_eq!(page.next, None);
    let ids: Vec<u64> = CrmDealList::into_records(page.result)
        .into_iter()
        .filter_map(|d| d.id)
        .collect();
    assert_eq!(ids, (101..=120).collect::<Vec<u64>>());
}

#[tokio::test]
async fn fields_describe_the_deal() {
    let (_portal, client) = portal_and_client().await;
    let fields = client.call(&CrmDealFields).await.unwrap().result;
    assert_eq!(fields["ID"].is_read_only, Some(true));
    assert_eq!(fields["TITLE"].type_.as_deref(), Some("string"));
}
