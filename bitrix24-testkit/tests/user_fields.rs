//! The test portal's own CRM fields over HTTP: `*.fields`, `*.userfield.list`,
//! `crm.item.fields`, and deals carrying the declared fields.

use bitrix24_testkit::{TestPortal, UserField};
use bitrix24_transport::client::Client;
use bitrix24_transport::{ApiErrorCode, CallKind, Error};
use serde_json::{Value, json};

async fn call(client: &Client, method: &str, params: Value) -> Value {
    client
        .call_raw(method, params, CallKind::Read)
        .await
        .unwrap()
        .result
}

#[tokio::test]
async fn declared_fields_are_described_by_every_method() {
    let portal = TestPortal::start().await.unwrap();
    portal.add_crm_user_field(
        2,
        UserField::new("UF_CRM_RADIO", "enumeration")
            .label("Radio")
            .multiple()
            .values(["Love Radio", "Jazz"]),
    );
    portal.add_crm_user_field(1, UserField::new("UF_CRM_BUDGET", "money").label("Budget"));
    portal.add_crm_user_field(3, UserField::new("UF_CRM_BIRTH", "date").mandatory());
    portal.add_crm_user_field(4, UserField::new("UF_CRM_SITE", "url"));
    portal.add_crm_user_field(
        1032,
        UserField::new("UF_CRM_7_1721812814433", "boolean").label("Approved"),
    );
    let client = Client::webhook(&portal.webhook_url()).unwrap();

    let deal = call(&client, "crm.deal.fields", json!({})).await;
    let radio = &deal["UF_CRM_RADIO"];
    assert_eq!(
        (&radio["type"], &radio["isMultiple"], &radio["isDynamic"]),
        (&json!("enumeration"), &json!(true), &json!(true))
    );
    assert_eq!(radio["items"][1]["VALUE"], "Jazz");
    assert_eq!(radio["formLabel"], "Radio");
    assert_eq!(
        deal["OPPORTUNITY"]["type"], "double",
        "the documented fields stay"
    );

    let list = call(
        &client,
        "crm.deal.userfield.list",
        json!({"filter": {"LANG": "en"}}),
    )
    .await;
    assert_eq!(list[0]["FIELD_NAME"], "UF_CRM_RADIO");
    assert_eq!(list[0]["MULTIPLE"], "Y");
    assert_eq!(list[0]["LIST_COLUMN_LABEL"], "Radio");
    assert_eq!(list[0]["LIST"][0]["VALUE"], "Love Radio");
    assert_eq!(list[0]["LIST"][0]["ID"], radio["items"][0]["ID"]);

    let lead = call(&client, "crm.lead.fields", json!({})).await;
    assert_eq!(lead["UF_CRM_BUDGET"]["type"], "money");
    assert_eq!(lead["STATUS_ID"]["type"], "crm_status");
    let contact = call(&client, "crm.contact.userfield.list", json!({})).await;
    assert_eq!(contact[0]["MANDATORY"], "Y");
    assert!(
        contact[0].get("EDIT_FORM_LABEL").is_none(),
        "labels need LANG"
    );
    let company = call(&client, "crm.company.fields", json!({})).await;
    assert_eq!(company["UF_CRM_SITE"]["type"], "url");

    let item = call(&client, "crm.item.fields", json!({"entityTypeId": 1032})).await;
    let approved = &item["fields"]["ufCrm7_1721812814433"];
    assert_eq!(approved["upperName"], "UF_CRM_7_1721812814433");
    assert_eq!(approved["title"], "Approved");
    assert_eq!(item["fields"]["stageId"]["type"], "crm_status");
    let original = call(
        &client,
        "crm.item.fields",
        json!({"entityTypeId": 1032, "useOriginalUfNames": "Y"}),
    )
    .await;
    assert!(original["fields"]["UF_CRM_7_1721812814433"].is_object());
    let err = client
        .call_raw(
            "crm.item.fields",
            json!({"entityTypeId": 1036}),
            CallKind::Read,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.code == ApiErrorCode::Other("NOT_FOUND".into())),
        "{err:?}"
    );

    // Deals carry the declared field.
    let id = client
        .call_raw(
            "crm.deal.add",
            json!({"fields": {"TITLE": "x", "UF_CRM_RADIO": [radio["items"][1]["ID"]]}}),
            CallKind::Write,
        )
        .await
        .unwrap()
        .result;
    let got = call(&client, "crm.deal.get", json!({ "id": id })).await;
    assert!(got.get("UF_CRM_RADIO").is_some(), "{got}");
}
