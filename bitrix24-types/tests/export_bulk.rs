//! The generated crm.deal bindings through the export, the record stream and the bulk
//! calls, against the test portal.
#![cfg(feature = "crm")]
#![allow(deprecated)] // crm.deal.* is deprecated upstream in favour of crm.item.*

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_types::bulk::BulkOptions;
use bitrix24_types::crm::{CrmDealAdd, CrmDealGet, CrmDealList, Deal, DealField};
use bitrix24_types::export::{Cursor, ExportOptions};
use bitrix24_types::query::Filter;
use bitrix24_types::{Client, Error};
use futures_util::StreamExt;

async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    (portal, client)
}

#[tokio::test]
async fn typed_deals_are_exported_once_each_in_id_order() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(5_200);
    let mut export = client.export(&CrmDealList::default(), ExportOptions::default());
    let mut ids = Vec::new();
    let mut last_cursor = None;
    while let Some(chunk) = export.next().await {
        let chunk = chunk.unwrap();
        for deal in &chunk.records {
            assert!(deal.title.is_some() && deal.date_create.is_some());
            ids.push(deal.id.unwrap());
        }
        last_cursor = Some(chunk.cursor);
    }
    assert_eq!(ids, (1..=5_200).collect::<Vec<u64>>());
    assert_eq!(last_cursor, Some(Cursor::AfterId(5_200)));
    assert_eq!(portal.stats().http_requests, 3);
}

#[tokio::test]
async fn typed_stream_and_bulk_calls() {
    let (portal, client) = portal_and_client().await;
    let adds: Vec<CrmDealAdd> = (0..75)
        .map(|i| CrmDealAdd {
            fields: Deal {
                title: Some(format!("Typed bulk {i}")),
                opportunity: Some(format!("{i}.25").parse().unwrap()),
                ..Deal::default()
            },
            params: None,
        })
        .collect();
    let ids: Vec<u64> = client
        .call_many(&adds, BulkOptions::default())
        .await
        .unwrap()
        .into_iter()
        .map(|id| id.unwrap())
        .collect();
    assert_eq!(ids, (1..=75).collect::<Vec<u64>>());
    let deals = client
        .get_many(&ids, CrmDealGet::new, BulkOptions::default())
        .await
        .unwrap();
    for (i, deal) in deals.into_iter().enumerate() {
        let deal = deal.unwrap();
        assert_eq!(deal.title, Some(format!("Typed bulk {i}")));
        assert_eq!(
            deal.opportunity.map(|d| d.as_str().to_owned()),
            Some(format!("{i}.25"))
        );
    }
    assert_eq!(portal.stats().http_requests, 4);

    let request = CrmDealList {
        filter: Some(Filter::new().gt(DealField::Id, 20)),
        ..CrmDealList::default()
    };
    let streamed: Vec<u64> = client
        .stream(request)
        .map(|deal| deal.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(streamed, (21..=75).collect::<Vec<u64>>());

    // A missing deal is that input's error, as a transport error too.
    let missing = client
        .get_many(&[1, 999], CrmDealGet::new, BulkOptions::default())
        .await
        .unwrap();
    assert!(missing[0].is_ok());
    let err = Error::from(missing[1].clone().unwrap_err());
    assert!(matches!(err, Error::Api(api) if api.description.as_deref() == Some("Not found")));
}
