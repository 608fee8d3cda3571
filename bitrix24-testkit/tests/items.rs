//! The test portal's smart-process items over HTTP: `crm.item.add/get/update/delete/list`
//! in the documented shapes, the list's filter, order, select and pages, and the fast
//! path (`start=-1`, `>id`, chained by references inside `batch`).

mod support;

use bitrix24_testkit::{PortalConfig, TestPortal};
use serde_json::{Value, json};
use support::{post_form, post_json};

/// A smart process (`entityTypeId` 128 and above).
const SPA: u32 = 1036;

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

async fn call(portal: &TestPortal, method: &str, params: Value) -> Value {
    post_json(&format!("{}{method}", portal.webhook_url()), &params)
        .await
        .json()
}

fn ids(reply: &Value) -> Vec<u64> {
    reply["result"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {reply}"))
        .iter()
        .map(|item| item["id"].as_u64().expect("id is a number"))
        .collect()
}

#[tokio::test]
async fn add_get_update_delete_in_the_documented_shapes() {
    let portal = portal().await;
    let added = call(
        &portal,
        "crm.item.add",
        json!({"entityTypeId": SPA, "fields": {"title": "Delivery to Berlin", "opportunity": 999.99,
            "opened": "N", "observers": [2, 3], "assignedById": "6", "begindate": "2024-06-18",
            "ufCrm5_1721244707107": 1111.1, "parentId2": 7, "id": 99, "createdBy": 5,
            "notAField": 1}}),
    )
    .await;
    let item = &added["result"]["item"];
    assert_eq!(item["id"], json!(1));
    assert_eq!(item["entityTypeId"], json!(SPA));
    assert_eq!(item["title"], "Delivery to Berlin");
    assert_eq!(item["opportunity"], json!(999.99));
    assert_eq!(item["opened"], "N");
    assert_eq!(item["observers"], json!([2, 3]));
    assert_eq!(item["assignedById"], json!(6));
    assert_eq!(item["createdBy"], json!(1), "read-only: the caller");
    assert_eq!(item["begindate"], "2024-06-18T00:00:00+03:00");
    assert_eq!(item["ufCrm5_1721244707107"], json!(1111.1));
    assert_eq!(item["parentId2"], json!(7));
    assert_eq!(item["stageId"], "DT1036_1:NEW");
    assert_eq!(item["stageSemanticId"], "P");
    assert_eq!(item["isManualOpportunity"], "N");
    assert!(item["createdTime"].as_str().unwrap().ends_with("+03:00"));
    assert!(item.get("notAField").is_none());
    assert_eq!(portal.item(SPA, 1).as_ref(), Some(item));
    assert_eq!(portal.item_count(SPA), 1);

    let got = call(
        &portal,
        "crm.item.get",
        json!({"entityTypeId": SPA, "id": "1"}),
    )
    .await;
    assert_eq!(&got["result"]["item"], item);

    let updated = call(
        &portal,
        "crm.item.update",
        json!({"entityTypeId": SPA, "id": 1, "fields": {"stageId": "DT1036_1:SUCCESS", "title": "Delivered"}}),
    )
    .await;
    let item = &updated["result"]["item"];
    assert_eq!(item["title"], "Delivered");
    assert_eq!(item["stageSemanticId"], "S");
    assert_eq!(item["previousStageId"], "DT1036_1:NEW");
    assert_eq!(item["opportunity"], json!(999.99), "untouched fields stay");

    // Each smart process counts its own IDs; a second item of the first continues at 2.
    let other = call(
        &portal,
        "crm.item.add",
        json!({"entityTypeId": 1040, "fields": {}}),
    )
    .await;
    assert_eq!(other["result"]["item"]["id"], json!(1));
    assert_eq!(other["result"]["item"]["title"], "Item #1");
    let second = call(
        &portal,
        "crm.item.add",
        json!({"entityTypeId": SPA, "fields": {"categoryId": 7}}),
    )
    .await;
    assert_eq!(second["result"]["item"]["id"], json!(2));
    assert_eq!(second["result"]["item"]["stageId"], "DT1036_7:NEW");

    let deleted = call(
        &portal,
        "crm.item.delete",
        json!({"entityTypeId": SPA, "id": 1}),
    )
    .await;
    assert_eq!(deleted["result"], json!([]));
    assert_eq!(portal.item_count(SPA), 1);
    assert!(!portal.delete_item(SPA, 1));
    assert!(portal.delete_item(SPA, 2));
    assert_eq!(portal.stats().executed_writes, 5);
}

#[tokio::test]
async fn errors_are_the_documented_ones() {
    let portal = portal().await;
    let hook = portal.webhook_url();
    let error = |params: Value, method: &'static str| {
        let url = format!("{hook}{method}");
        async move {
            let reply = post_json(&url, &params).await;
            assert_eq!(reply.status, 400, "{method} {params}");
            let body = reply.json();
            (
                body["error"].as_str().unwrap().to_owned(),
                body["error_description"].as_str().unwrap().to_owned(),
            )
        }
    };
    // Deals (2) are served from the deal store (`crm/item_view.rs`); 5 is no entity type.
    for entity_type in [json!(5), json!("x"), json!(null)] {
        let (code, text) = error(json!({"entityTypeId": entity_type}), "crm.item.list").await;
        assert_eq!(
            (code.as_str(), text.as_str()),
            ("NOT_FOUND", "Smart process not found")
        );
    }
    let (code, text) = error(json!({"entityTypeId": SPA, "id": 5}), "crm.item.get").await;
    assert_eq!(
        (code.as_str(), text.as_str()),
        ("NOT_FOUND", "Element not found")
    );
    let (code, _) = error(json!({"entityTypeId": SPA}), "crm.item.get").await;
    assert_eq!(code, "100");
    let (code, text) = error(json!({"entityTypeId": SPA, "id": 5}), "crm.item.delete").await;
    assert_eq!(
        (code.as_str(), text.as_str()),
        ("NOT_FOUND", "Item not found")
    );
    let (code, text) = error(
        json!({"entityTypeId": SPA, "fields": {"observers": 3}}),
        "crm.item.add",
    )
    .await;
    assert_eq!(code, "100");
    assert_eq!(
        text,
        "Expected iterable value for multiple field, but got `integer` instead"
    );
    let (code, text) = error(
        json!({"entityTypeId": SPA, "fields": {"opportunity": "lots"}}),
        "crm.item.add",
    )
    .await;
    assert_eq!(code, "CRM_FIELD_ERROR_VALUE_NOT_VALID");
    assert!(text.contains("opportunity"));
    let (code, text) = error(
        json!({"entityTypeId": SPA, "filter": {">nope": 1}}),
        "crm.item.list",
    )
    .await;
    assert_eq!(code, "INVALID_ARG_VALUE");
    assert_eq!(
        text,
        "Invalid filter: field 'nope' is not allowed in filter"
    );
    let (_, text) = error(
        json!({"entityTypeId": SPA, "order": {"nope": "ASC"}}),
        "crm.item.list",
    )
    .await;
    assert_eq!(text, "Invalid order: field 'nope' is not allowed in order");
    let (_, text) = error(
        json!({"entityTypeId": SPA, "order": {"id": "UP"}}),
        "crm.item.list",
    )
    .await;
    assert!(text.starts_with("Invalid order: allowed sort directions are ASC, DESC"));
    assert_eq!(portal.stats().executed_writes, 0);
}

#[tokio::test]
async fn lists_filter_order_select_and_page() {
    let portal = portal().await;
    portal.seed_items(SPA, 120);
    assert_eq!(portal.item_count(SPA), 120);

    let first = call(&portal, "crm.item.list", json!({"entityTypeId": SPA})).await;
    assert_eq!(ids(&first), (1..=50).collect::<Vec<_>>());
    assert_eq!(
        (first["total"].clone(), first["next"].clone()),
        (json!(120), json!(50))
    );
    assert_eq!(
        Some(&first["result"]["items"][0]),
        portal.item(SPA, 1).as_ref(),
        "without select, every field"
    );
    let last = call(
        &portal,
        "crm.item.list",
        json!({"entityTypeId": SPA, "start": 100}),
    )
    .await;
    assert_eq!(ids(&last), (101..=120).collect::<Vec<_>>());
    assert!(last.get("next").is_none());

    let selected = call(
        &portal,
        "crm.item.list",
        json!({"entityTypeId": SPA, "select": ["ID", "title"], "filter": {">id": 30, "<=id": 33}}),
    )
    .await;
    assert_eq!(
        selected["result"]["items"],
        json!([
            {"id": 31, "title": portal.item(SPA, 31).unwrap()["title"]},
            {"id": 32, "title": portal.item(SPA, 32).unwrap()["title"]},
            {"id": 33, "title": portal.item(SPA, 33).unwrap()["title"]},
        ])
    );
    assert_eq!(selected["total"], json!(3));

    // Filters as the docs write them, checked against the stored items.
    let won: Vec<u64> = (1..=120)
        .filter(|id| portal.item(SPA, *id).unwrap()["stageId"] == "DT1036_1:SUCCESS")
        .collect();
    assert!(!won.is_empty() && won.len() < 120);
    let reply = call(
        &portal,
        "crm.item.list",
        json!({"entityTypeId": SPA, "select": ["id"], "filter": {"@stageId": ["DT1036_1:SUCCESS"]}}),
    )
    .await;
    assert_eq!(
        ids(&reply),
        won.iter().copied().take(50).collect::<Vec<_>>()
    );
    let reply = call(
        &portal,
        "crm.item.list",
        json!({"entityTypeId": SPA, "select": ["id"],
            "filter": {"<=id": 20, "0": {"logic": "OR", "0": {"stageSemanticId": "S"}, "1": {"id": 2}}}}),
    )
    .await;
    let expected: Vec<u64> = (1..=20).filter(|id| *id == 2 || won.contains(id)).collect();
    assert_eq!(ids(&reply), expected);

    // Any order: sorted with ties by ID; the amounts come back descending.
    let reply = call(
        &portal,
        "crm.item.list",
        json!({"entityTypeId": SPA, "select": ["id", "opportunity"], "order": {"opportunity": "DESC"}}),
    )
    .await;
    let amounts: Vec<f64> = reply["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["opportunity"].as_f64().unwrap())
        .collect();
    assert_eq!(amounts.len(), 50);
    assert!(amounts.windows(2).all(|pair| pair[0] >= pair[1]));
    let reply = call(
        &portal,
        "crm.item.list",
        json!({"entityTypeId": SPA, "select": ["id"], "order": {"id": "DESC"}, "start": 50}),
    )
    .await;
    assert_eq!(ids(&reply), (21..=70).rev().collect::<Vec<_>>());

    // The same as a PHP form.
    let reply = post_form(
        &format!("{}crm.item.list", portal.webhook_url()),
        "entityTypeId=1036&select[]=id&filter[%3Eid]=115&order[id]=ASC",
    )
    .await
    .json();
    assert_eq!(ids(&reply), vec![116, 117, 118, 119, 120]);
}

#[tokio::test]
async fn the_fast_path_pages_by_id_without_counting_also_chained_in_a_batch() {
    let portal = portal().await;
    portal.seed_items(SPA, 12_000);
    assert!(portal.delete_item(SPA, 11_990));
    let reply = call(
        &portal,
        "crm.item.list",
        json!({"entityTypeId": SPA, "select": ["id"], "order": {"id": "ASC"},
            "filter": {">id": 11_950}, "start": -1}),
    )
    .await;
    let expected: Vec<u64> = (11_951..=12_000).filter(|id| *id != 11_990).collect();
    assert_eq!(ids(&reply), expected);
    assert_eq!(reply["total"], json!(0));
    assert!(reply.get("next").is_none());

    let page = "crm.item.list?entityTypeId=1036&select[0]=id&order[id]=ASC&start=-1";
    let batch = call(
        &portal,
        "batch",
        json!({"halt": 0, "cmd": {
            "c0": format!("{page}&filter[%3Eid]=100"),
            "c1": format!("{page}&filter[%3Eid]=$result[c0][items][49][id]"),
        }}),
    )
    .await;
    let chained: Vec<u64> = batch["result"]["result"]["c1"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect();
    assert_eq!(chained, (151..=200).collect::<Vec<_>>());
    assert_eq!(batch["result"]["result_total"], json!({"c0": 0, "c1": 0}));
}
