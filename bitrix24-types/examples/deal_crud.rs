//! Create, read, update, list and delete a CRM deal with the typed bindings.
//!
//! Uses the incoming webhook in `BITRIX24_WEBHOOK_URL` when it is set
//! (`https://PORTAL/rest/USER_ID/CODE/`); otherwise starts the built-in test portal on
//! 127.0.0.1, so `cargo run --example deal_crud` works anywhere.

// crm.deal.* is deprecated upstream in favour of crm.item.*; it is still the best-known API.
#![allow(deprecated)]

use bitrix24_testkit::TestPortal;
use bitrix24_types::crm::{
    CrmDealAdd, CrmDealDelete, CrmDealGet, CrmDealList, CrmDealUpdate, Deal, DealField,
};
use bitrix24_types::query::{Filter, Select};
use bitrix24_types::{Client, ListMethod};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the test portal alive for the whole run (dropping it stops the server).
    let mut _portal = None;
    let client = match std::env::var("BITRIX24_WEBHOOK_URL") {
        Ok(url) => {
            // The URL holds the webhook code: never print it.
            println!("using the portal of BITRIX24_WEBHOOK_URL");
            Client::webhook(&url)?
        }
        Err(_) => {
            let portal = TestPortal::start().await?;
            println!(
                "BITRIX24_WEBHOOK_URL is not set; using the test portal at {}",
                portal.base_url()
            );
            let client = Client::webhook(&portal.webhook_url())?;
            _portal = Some(portal);
            client
        }
    };

    let add = CrmDealAdd {
        fields: Deal {
            title: Some("New Deal".into()),
            type_id: Some("SALE".into()),
            stage_id: Some("NEW".into()),
            opportunity: Some("1500.00".parse()?),
            currency_id: Some("EUR".into()),
            ..Deal::default()
        },
        params: None,
    };
    let id = client.call(&add).await?.result;
    println!("crm.deal.add    -> id {id}");

    let deal = client.call(&CrmDealGet::new(id)).await?.result;
    println!(
        "crm.deal.get    -> {:?}, {} {}, created {}",
        deal.title.as_deref().unwrap_or_default(),
        deal.opportunity.as_ref().map(|d| d.as_str()).unwrap_or("-"),
        deal.currency_id.as_deref().unwrap_or("-"),
        deal.date_create.map(|d| d.to_string()).unwrap_or_default(),
    );

    let update = CrmDealUpdate::new(
        id,
        Deal {
            title: Some("New Deal (negotiating)".into()),
            probability: Some(60),
            ..Deal::default()
        },
    );
    println!("crm.deal.update -> {}", client.call(&update).await?.result);

    let list = CrmDealList {
        select: Some(Select::new([
            DealField::Id,
            DealField::Title,
            DealField::Probability,
        ])),
        filter: Some(Filter::new().eq(DealField::Id, id)),
        ..CrmDealList::default()
    };
    let page = client.call(&list).await?;
    let total = page.total;
    for deal in CrmDealList::into_records(page.result) {
        println!(
            "crm.deal.list   -> #{} {:?} {}%",
            deal.id.unwrap_or_default(),
            deal.title.unwrap_or_default(),
            deal.probability.unwrap_or_default()
        );
    }
    println!("                   total {}", total.unwrap_or_default());

    println!(
        "crm.deal.delete -> {}",
        client.call(&CrmDealDelete::new(id)).await?.result
    );
    Ok(())
}
