//! The test portal's product rows (`crm.deal.productrows.set/get`, and a lead's) through
//! the real client and over raw HTTP: amounts kept exact to the digit, the derived prices,
//! the deal's amount following its rows, the documented errors, `batch`.

mod support;

use bitrix24_testkit::{CrmEntity, TestPortal};
use serde_json::{Value, json};
use support::{call, portal_and_client, post_form, refused, send};

/// The body of a reply as text, for what a `Value` would round.
async fn raw(portal: &TestPortal, method: &str, body: &str) -> String {
    let reply = send(
        "POST",
        &format!("{}{method}", portal.webhook_url()),
        Some("application/json"),
        body.as_bytes(),
    )
    .await
    .expect("a reply");
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    String::from_utf8(reply.body).expect("UTF-8")
}

#[tokio::test]
async fn amounts_read_back_exactly_as_written() {
    let (portal, client) = portal_and_client().await;
    let deal = call(
        &client,
        "crm.deal.add",
        json!({"fields": {"TITLE": "Rows"}}),
    )
    .await;
    assert_eq!(deal, json!(1));
    // Numbers in a JSON body are read from its text: `0.3` is not `0.1 + 0.2`, and
    // 20-digit amounts keep every digit.
    let set = raw(
        &portal,
        "crm.deal.productrows.set",
        r#"{"id": 1, "rows": [
            {"PRODUCT_NAME": "Thirty cents", "PRICE": 0.3, "QUANTITY": 3, "SORT": 10},
            {"PRODUCT_NAME": "Big", "PRICE": 19999999.99, "SORT": 20},
            {"PRODUCT_NAME": "Huge", "PRICE": 123456789012345678.99, "QUANTITY": 0, "SORT": 30}
        ]}"#,
    )
    .await;
    assert!(set.starts_with(r#"{"result":true,"#), "{set}");
    let got = raw(&portal, "crm.deal.productrows.get", r#"{"id": 1}"#).await;
    for digits in [
        r#""PRICE":0.3,"#,
        r#""PRICE_ACCOUNT":"0.30""#,
        r#""PRICE":19999999.99,"#,
        r#""PRICE_NETTO":19999999.99,"#,
        r#""PRICE":123456789012345678.99,"#,
        r#""QUANTITY":3,"#,
    ] {
        assert!(got.contains(digits), "{digits} in {got}");
    }
    // Through the client: the same rows, in order of SORT, as documented.
    let rows = call(&client, "crm.deal.productrows.get", json!({"id": 1})).await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["PRICE"].to_string(), "0.3");
    assert_eq!(rows[1]["PRICE"].to_string(), "19999999.99");
    assert_eq!(rows[0]["OWNER_ID"], "1");
    assert_eq!(rows[0]["OWNER_TYPE"], "D");
    assert_eq!(rows[0]["ID"], "1");
    assert_eq!(rows[0]["PRODUCT_ID"], json!(0));
    assert_eq!(rows[0]["TAX_RATE"], Value::Null);
    assert_eq!(Some(rows.to_vec()), portal.product_rows(1));
    // The deal's amount follows its rows: 0.3 × 3 + 19999999.99, exactly.
    let deal = portal.deal(1).unwrap();
    assert_eq!(deal["OPPORTUNITY"], "20000000.89");
    assert_eq!(deal["TAX_VALUE"], "0.00");

    // A PHP form sends text; the same digits come back.
    let form = post_form(
        &format!("{}crm.deal.productrows.set", portal.webhook_url()),
        "id=1&rows[0][PRICE]=0.30&rows[0][QUANTITY]=1.5&rows[1][PRICE]=19999999.99",
    )
    .await;
    assert_eq!(form.json()["result"], json!(true));
    let rows = portal.product_rows(1).unwrap();
    assert_eq!(rows.len(), 2, "a set replaces every row");
    assert_eq!(
        (
            rows[0]["PRICE"].to_string(),
            rows[0]["QUANTITY"].to_string()
        ),
        ("0.3".into(), "1.5".into())
    );
    assert_eq!(portal.deal(1).unwrap()["OPPORTUNITY"], "20000000.44");
}

#[tokio::test]
async fn prices_are_derived_and_errors_are_the_documented_ones() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(5);
    // The documented example: 10 % off 999 is 899.10.
    call(
        &client,
        "crm.deal.productrows.set",
        json!({"id": 5, "rows": [
            {"PRODUCT_ID": 450, "PRODUCT_NAME": "Product #2", "PRICE": 899.1, "QUANTITY": 1,
                "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10, "TAX_INCLUDED": "Y",
                "MEASURE_CODE": 796, "MEASURE_NAME": "pcs", "SORT": 10},
            {"PRODUCT_NAME": "Taxed", "PRICE": 118, "TAX_RATE": 18, "DISCOUNT_TYPE_ID": 1,
                "DISCOUNT_SUM": 10, "SORT": 20}
        ]}),
    )
    .await;
    let rows = portal.product_rows(5).unwrap();
    // The row of the documented reply (crm-deal-productrows-get.md), but for what a
    // portal without the inventory module has no value for.
    assert_eq!(
        rows[0],
        json!({"ID": "1", "OWNER_ID": "5", "OWNER_TYPE": "D", "PRODUCT_ID": 450,
            "PRODUCT_NAME": "Product #2", "ORIGINAL_PRODUCT_NAME": "Product #2",
            "PRODUCT_DESCRIPTION": null, "PRICE": 899.1, "PRICE_EXCLUSIVE": 899.1,
            "PRICE_NETTO": 999, "PRICE_BRUTTO": 999, "PRICE_ACCOUNT": "899.10", "QUANTITY": 1,
            "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10, "DISCOUNT_SUM": 99.9, "TAX_RATE": null,
            "TAX_INCLUDED": "Y", "CUSTOMIZED": "Y", "MEASURE_CODE": 796, "MEASURE_NAME": "pcs",
            "SORT": 10, "XML_ID": null, "TYPE": 1, "STORE_ID": null, "RESERVE_ID": null,
            "DATE_RESERVE_END": null, "RESERVE_QUANTITY": null})
    );
    // 118 with 18 % tax in it, 10 off per unit.
    let prices: Vec<String> = [
        "PRICE_EXCLUSIVE",
        "PRICE_NETTO",
        "PRICE_BRUTTO",
        "DISCOUNT_RATE",
    ]
    .iter()
    .map(|key| rows[1][*key].to_string())
    .collect();
    assert_eq!(prices, ["100", "110", "129.8", "9.09"]);
    let deal = portal.deal(5).unwrap();
    assert_eq!(
        (&deal["OPPORTUNITY"], &deal["TAX_VALUE"]),
        (&json!("1017.10"), &json!("18.00"))
    );
    // An amount set by hand stays.
    call(
        &client,
        "crm.deal.update",
        json!({"id": 5, "fields": {"IS_MANUAL_OPPORTUNITY": "Y", "OPPORTUNITY": 5}}),
    )
    .await;
    call(
        &client,
        "crm.deal.productrows.set",
        json!({"id": 5, "rows": [{"PRICE": 1}]}),
    )
    .await;
    assert_eq!(portal.deal(5).unwrap()["OPPORTUNITY"], "5.00");

    assert_eq!(
        refused(&client, "crm.deal.productrows.set", json!({"id": 5, "rows": [{"DISCOUNT_TYPE_ID": 1}]})).await,
        (
            "ERROR_CORE".into(),
            "Discount Sum (DISCOUNT_SUM) is required if Monetary Discount Type (DISCOUNT_TYPE_ID) is defined<br>".into()
        )
    );
    assert_eq!(
        portal.product_rows(5).unwrap().len(),
        1,
        "a refused set changes nothing"
    );
    let (code, description) = refused(
        &client,
        "crm.deal.productrows.set",
        json!({"id": 5, "rows": [{"DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 100}]}),
    )
    .await;
    assert_eq!(code, "ERROR_CORE");
    assert!(description.contains("is 100%"), "{description}");
    assert_eq!(
        refused(&client, "crm.deal.productrows.get", json!({"id": 99})).await,
        ("".into(), "Not found".into())
    );
    assert_eq!(
        refused(
            &client,
            "crm.deal.productrows.set",
            json!({"id": 99, "rows": []})
        )
        .await,
        ("".into(), "Not found".into())
    );
    assert_eq!(
        refused(&client, "crm.deal.productrows.get", json!({"id": "x"})).await,
        (
            "".into(),
            "The parameter id is invalid or not defined.".into()
        )
    );
    assert_eq!(
        call(&client, "crm.deal.productrows.get", json!({"id": 4})).await,
        json!([]),
        "a deal without rows"
    );
    // A deleted deal takes its rows with it.
    call(&client, "crm.deal.delete", json!({"id": 5})).await;
    assert_eq!(portal.product_rows(5), None);

    // Leads have product rows too.
    portal.seed_crm(CrmEntity::Lead, 1);
    call(
        &client,
        "crm.lead.productrows.set",
        json!({"id": 1, "rows": [{"PRODUCT_NAME": "Trial", "PRICE": "49.90", "QUANTITY": 2}]}),
    )
    .await;
    let rows = call(&client, "crm.lead.productrows.get", json!({"id": 1})).await;
    assert_eq!(
        (&rows[0]["OWNER_TYPE"], &rows[0]["PRICE"]),
        (&json!("L"), &json!(49.9))
    );
    assert_eq!(portal.lead(1).unwrap()["OPPORTUNITY"], "99.80");
}

#[tokio::test]
async fn batch_sets_and_gets_rows_with_references() {
    let (portal, client) = portal_and_client().await;
    let batch = call(
        &client,
        "batch",
        json!({"halt": 0, "cmd": {
            "a_deal": "crm.deal.add?fields[TITLE]=Batched",
            "b_rows": "crm.deal.productrows.set?id=$result[a_deal]&rows[0][PRICE]=0.3&rows[0][QUANTITY]=7&rows[1][PRODUCT_NAME]=Free",
            "c_get": "crm.deal.productrows.get?id=$result[a_deal]",
            "d_deal": "crm.deal.get?id=$result[a_deal]",
            "e_again": "crm.deal.productrows.get?id=$result[c_get][0][OWNER_ID]"
        }}),
    )
    .await;
    let results = &batch["result"];
    assert_eq!(results["b_rows"], json!(true));
    assert_eq!(results["c_get"][0]["PRICE"].to_string(), "0.3");
    assert_eq!(results["c_get"][1]["PRODUCT_NAME"], "Free");
    assert_eq!(results["c_get"][1]["PRICE"], json!(0));
    assert_eq!(results["d_deal"]["OPPORTUNITY"], "2.10");
    assert_eq!(results["e_again"], results["c_get"]);
    assert_eq!(batch["result_error"], json!([]));
    assert_eq!(
        portal.stats().calls_by_method["crm.deal.productrows.get"],
        2
    );
}
