//! The crm.deal vertical slice: generated bindings serialise requests exactly as the
//! docs show and decode realistic (and hostile) responses without loss or panic.
//!
//! Fixtures in `tests/fixtures/` are the docs' own response examples.
#![cfg(feature = "crm")]
// crm.deal.* is deprecated upstream in favour of crm.item.*; these tests use it on purpose.
#![allow(deprecated)]

use bitrix24_types::crm::{
    CrmDealAdd, CrmDealDelete, CrmDealFields, CrmDealGet, CrmDealList, CrmDealUpdate, Deal,
    StageSemantic,
};
use bitrix24_types::wire::Decimal;
use bitrix24_types::{CallKind, ListMethod, Method, Records, decode_response};
use serde_json::json;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn deal_add_serialises_to_the_documented_body() {
    let request = CrmDealAdd {
        fields: Deal {
            title: Some("New Deal".into()),
            type_id: Some("SALE".into()),
            stage_id: Some("NEW".into()),
            ..Deal::default()
        },
        params: None,
    };
    let body = serde_json::to_string(&request).unwrap();
    assert_eq!(
        body,
        r#"{"fields":{"TITLE":"New Deal","TYPE_ID":"SALE","STAGE_ID":"NEW"}}"#
    );
}

#[test]
fn requests_are_strict_about_wire_forms() {
    let mut fields = Deal {
        opened: Some(true),
        is_manual_opportunity: Some(false),
        opportunity: Some("1000000.00".parse::<Decimal>().unwrap()),
        contact_ids: Some(vec![84, 83]),
        begindate: Some(chrono::NaiveDate::from_ymd_opt(2024, 8, 30).unwrap()),
        // Read-only fields are never sent, even when set.
        id: Some(410),
        date_create: Some("2024-08-30T14:29:00+02:00".parse().unwrap()),
        ..Deal::default()
    };
    fields
        .extra
        .insert("UF_CRM_1721244482250".into(), json!("Hello world!"));
    let request = CrmDealUpdate::new(410, fields);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "id": 410,
            "fields": {
                "OPENED": "Y",
                "IS_MANUAL_OPPORTUNITY": "N",
                "OPPORTUNITY": "1000000.00",
                "CONTACT_IDS": [84, 83],
                "BEGINDATE": "2024-08-30",
                "UF_CRM_1721244482250": "Hello world!"
            }
        })
    );
}

#[test]
fn method_facts_come_from_the_spec() {
    assert_eq!(CrmDealAdd::NAME, "crm.deal.add");
    assert_eq!(CrmDealAdd::SCOPE, Some("crm"));
    assert_eq!(CrmDealAdd::KIND, CallKind::Write);
    assert_eq!(CrmDealGet::KIND, CallKind::Read);
    assert_eq!(CrmDealUpdate::KIND, CallKind::IdempotentWrite);
    assert_eq!(CrmDealDelete::KIND, CallKind::IdempotentWrite);
    assert_eq!(CrmDealList::RECORDS, Records::Result);
    assert_eq!(CrmDealList::ID_FIELD, "ID");
    const { assert!(CrmDealList::FAST_PATH) };
    // A method without parameters serialises to nothing; the transport sends `{}`.
    assert_eq!(serde_json::to_value(CrmDealFields).unwrap(), json!(null));
    let mut list = CrmDealList::default();
    list.set_start(Some(-1));
    assert_eq!(serde_json::to_value(&list).unwrap(), json!({"start": -1}));
}

#[test]
fn the_documented_get_response_decodes_without_loss() {
    let reply = decode_response::<CrmDealGet>(&fixture("crm.deal.get.json"), Some(200)).unwrap();
    let deal = reply.result;
    assert_eq!(deal.id, Some(410));
    assert_eq!(deal.title.as_deref(), Some("New Deal #1"));
    assert_eq!(deal.probability, Some(99));
    assert_eq!(
        deal.opportunity.as_ref().map(Decimal::as_str),
        Some("1000000.00")
    );
    assert_eq!(deal.tax_value.as_ref().map(Decimal::as_str), Some("0.00"));
    assert_eq!(deal.is_manual_opportunity, Some(true));
    assert_eq!(deal.opened, Some(true));
    assert_eq!(deal.closed, Some(false));
    assert_eq!(deal.lead_id, None, "null is nothing");
    assert_eq!(deal.company_id, Some(9));
    assert_eq!(deal.category_id, Some(0), "funnel 0 is a real value");
    assert_eq!(deal.stage_semantic_id, Some(StageSemantic::InProgress));
    assert_eq!(deal.begindate, chrono::NaiveDate::from_ymd_opt(2024, 8, 30));
    let created = deal.date_create.unwrap().to_chrono().unwrap();
    assert_eq!(created.to_rfc3339(), "2024-08-30T14:29:00+02:00");
    assert_eq!(deal.comments.as_deref(), Some("[B]Example comment[/B]"));
    // Fields the spec does not name survive: user fields and relationship fields.
    assert_eq!(
        deal.extra.get("UF_CRM_1721244482250"),
        Some(&json!("Hello world!"))
    );
    assert_eq!(deal.extra.get("PARENT_ID_1220"), Some(&json!("22")));
    let time = reply.time.unwrap();
    assert_eq!(
        time.date_start.as_deref(),
        Some("2024-08-30T14:29:05+02:00")
    );
}

#[test]
fn a_realistic_portal_response_decodes_leniently() {
    let body = json!({
        "result": {
            "ID": 411,
            "TITLE": 12345,
            "PROBABILITY": "",
            "OPPORTUNITY": 19999.99,
            "TAX_VALUE": "",
            "IS_NEW": "1",
            "OPENED": true,
            "CLOSED": "N",
            "COMPANY_ID": "0",
            "CONTACT_IDS": {"0": "84", "1": 83},
            "BEGINDATE": "30.08.2024",
            "CLOSEDATE": "2024-09-09T02:00:00+02:00",
            "DATE_CREATE": "30.08.2024 14:29:00",
            "DATE_MODIFY": false,
            "STAGE_SEMANTIC_ID": "X",
            "UF_CRM_EMPTY": [],
            "BRAND_NEW_FIELD": {"nested": true}
        },
        "time": {"start": 1.0, "operating_reset_at": 1725021545}
    });
    let reply = decode_response::<CrmDealGet>(body.to_string().as_bytes(), Some(200)).unwrap();
    let deal = reply.result;
    assert_eq!(deal.id, Some(411));
    assert_eq!(deal.title.as_deref(), Some("12345"));
    assert_eq!(deal.probability, None);
    assert_eq!(
        deal.opportunity.as_ref().map(Decimal::as_str),
        Some("19999.99")
    );
    assert_eq!(deal.tax_value, None);
    assert_eq!(deal.is_new, Some(true));
    assert_eq!(deal.opened, Some(true));
    assert_eq!(deal.closed, Some(false));
    assert_eq!(deal.company_id, Some(0));
    assert_eq!(deal.contact_ids, Some(vec![84, 83]));
    assert_eq!(deal.begindate, chrono::NaiveDate::from_ymd_opt(2024, 8, 30));
    assert_eq!(deal.closedate, chrono::NaiveDate::from_ymd_opt(2024, 9, 9));
    assert_eq!(deal.date_create.unwrap().to_string(), "2024-08-30T14:29:00");
    assert_eq!(deal.date_modify, None);
    assert_eq!(
        deal.stage_semantic_id,
        Some(StageSemantic::Unknown("X".into()))
    );
    assert_eq!(deal.extra.get("UF_CRM_EMPTY"), Some(&json!([])));
    assert_eq!(
        deal.extra.get("BRAND_NEW_FIELD"),
        Some(&json!({"nested": true}))
    );
    assert_eq!(reply.time.unwrap().operating_reset_at, Some(1725021545.0));
}

#[test]
fn a_bad_response_names_the_method_and_json_path() {
    let cases = [
        (
            json!({"result": {"ID": "410", "PROBABILITY": "ninety"}}),
            "result.PROBABILITY",
        ),
        (
            json!({"result": {"DATE_CREATE": "yesterday"}}),
            "result.DATE_CREATE",
        ),
        (
            json!({"result": {"CONTACT_IDS": ["1", "two"]}}),
            "result.CONTACT_IDS",
        ),
        (json!({"result": "not an object"}), "result"),
    ];
    for (body, path) in cases {
        let err = decode_response::<CrmDealGet>(body.to_string().as_bytes(), Some(200))
            .unwrap_err()
            .unwrap_err();
        assert_eq!(err.method, "crm.deal.get");
        assert!(
            err.path.starts_with(path),
            "{body}: path {} should start with {path}",
            err.path
        );
        assert!(
            err.to_string()
                .starts_with("crm.deal.get: cannot read the response at"),
            "{err}"
        );
    }
}

#[test]
fn non_json_bodies_are_errors_not_panics() {
    for body in [
        &b""[..],
        b"   ",
        b"<html><body>502 Bad Gateway</body></html>",
        b"{\"result\":",
        b"null",
        b"[]",
    ] {
        let err = decode_response::<CrmDealGet>(body, Some(502))
            .unwrap_err()
            .unwrap_err();
        assert_eq!(err.method, "crm.deal.get");
    }
}

#[test]
fn an_error_envelope_is_an_api_error() {
    let body = br#"{"error":"","error_description":"Not found"}"#;
    let err = decode_response::<CrmDealGet>(body, Some(400))
        .unwrap_err()
        .unwrap();
    assert_eq!(err.method, "crm.deal.get");
    assert_eq!(err.description.as_deref(), Some("Not found"));
    assert_eq!(err.status, Some(400));
}

#[test]
fn a_list_page_with_next_and_total_decodes() {
    let reply = decode_response::<CrmDealList>(&fixture("crm.deal.list.json"), Some(200)).unwrap();
    assert_eq!(reply.total, Some(6));
    assert_eq!(reply.next, None);
    let deals = CrmDealList::into_records(reply.result);
    assert_eq!(deals.len(), 6);
    assert_eq!(deals[0].id, Some(37));
    assert_eq!(deals[0].stage_id.as_deref(), Some("C1:NEW"));
    assert_eq!(
        deals[5].opportunity.as_ref().map(Decimal::as_str),
        Some("18500.00")
    );

    let page = json!({"result": [{"ID": "1"}, {"ID": "2"}], "next": 50, "total": "120"});
    let reply = decode_response::<CrmDealList>(page.to_string().as_bytes(), Some(200)).unwrap();
    assert_eq!((reply.next, reply.total), (Some(50), Some(120)));
}

#[test]
fn the_documented_fields_response_decodes() {
    let reply =
        decode_response::<CrmDealFields>(&fixture("crm.deal.fields.json"), Some(200)).unwrap();
    let fields = reply.result;
    assert!(fields.len() > 40, "{}", fields.len());
    let id = &fields["ID"];
    assert_eq!(id.type_.as_deref(), Some("integer"));
    assert_eq!(id.is_read_only, Some(true));
    assert_eq!(
        fields["STAGE_ID"]
            .status_type
            .as_ref()
            .and_then(|status| status.as_str()),
        Some("DEAL_STAGE")
    );
    assert_eq!(fields["CONTACT_ID"].is_deprecated, Some(true));
    assert_eq!(
        fields["COMPANY_ID"].settings,
        Some(json!({"parentEntityTypeId": 4}))
    );
}
