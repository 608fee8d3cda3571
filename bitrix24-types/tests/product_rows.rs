//! End to end: a deal's product rows set and read back through the client with the
//! generated `crm.deal.productrows.*` bindings, prices as exact decimals.
#![cfg(feature = "crm")]
#![allow(deprecated)] // crm.deal.productrows.* is deprecated upstream for crm.item.productrow.*

use bitrix24_testkit::TestPortal;
use bitrix24_types::crm::{
    CrmDealAdd, CrmDealProductrowsGet, CrmDealProductrowsSet, CrmDealProductrowsSetParameterRows,
    Deal,
};
use bitrix24_types::wire::Decimal;
use bitrix24_types::{Client, Error};

/// Prices that arithmetic on `f64` would spoil: a sum that binary fractions round
/// (`0.1 + 0.2`), a large amount with cents, and one with 14 significant digits. The
/// portal sends amounts back as JSON numbers (PHP floats), so what survives the trip is at
/// most the 15 significant digits a double holds: amounts past 2^53 cannot come back exact
/// from any portal, whatever the client does.
const PRICES: [&str; 3] = ["0.30", "19999999.99", "123456789012.34"];

fn row(name: &str, price: &str) -> CrmDealProductrowsSetParameterRows {
    CrmDealProductrowsSetParameterRows {
        product_name: Some(name.to_owned()),
        price: Some(price.parse().unwrap()),
        quantity: Some(1.0),
        ..CrmDealProductrowsSetParameterRows::default()
    }
}

/// Decimal text without the zeros that end its fraction: `0.30` and `0.3` are one amount.
fn significant(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[tokio::test]
async fn prices_round_trip_exactly() {
    // What the binding protects against: the same values through f64.
    assert_ne!((0.1_f64 + 0.2).to_string(), "0.3");

    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let deal = client
        .call(&CrmDealAdd {
            fields: Deal {
                title: Some("Rows".into()),
                ..Deal::default()
            },
            params: None,
        })
        .await
        .unwrap()
        .result;

    let mut set = CrmDealProductrowsSet::new(deal);
    set.rows = Some(
        PRICES
            .iter()
            .enumerate()
            .map(|(i, price)| row(&format!("Product {i}"), price))
            .collect(),
    );
    assert!(client.call(&set).await.unwrap().result);

    let rows = client
        .call(&CrmDealProductrowsGet::new(deal))
        .await
        .unwrap()
        .result;
    // The portal sends amounts as JSON numbers, so "0.30" comes back as `0.3`: every digit
    // that carries value survives, the trailing zero of the fraction need not.
    let prices: Vec<&str> = rows
        .iter()
        .map(|row| row.price.as_ref().map_or("", Decimal::as_str))
        .collect();
    let sent: Vec<&str> = PRICES.iter().map(|price| significant(price)).collect();
    assert_eq!(
        prices.iter().map(|p| significant(p)).collect::<Vec<_>>(),
        sent
    );
    assert_eq!(rows[1].product_name.as_deref(), Some("Product 1"));
    assert_eq!(rows[0].owner_id, Some(i64::try_from(deal).unwrap()));
    assert_eq!(rows[2].quantity, Some(1.0));

    // `set` replaces the rows: the rows not sent are gone.
    let mut set = CrmDealProductrowsSet::new(deal);
    set.rows = Some(vec![row("Only", "0.10")]);
    assert!(client.call(&set).await.unwrap().result);
    let rows = client
        .call(&CrmDealProductrowsGet::new(deal))
        .await
        .unwrap()
        .result;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].price.as_ref().map(|p| significant(p.as_str())),
        Some("0.1")
    );

    // The typed call names its deal: a missing one is the portal's error, not a panic.
    let err = client
        .call(&CrmDealProductrowsGet::new(deal + 1000))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
}
