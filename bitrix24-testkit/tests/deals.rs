//! The test portal's CRM deals over HTTP: CRUD, lists, parameters as JSON or PHP form.

mod support;

use bitrix24_testkit::{PortalConfig, TestPortal};
use serde_json::{Value, json};
use support::{get, post_form, post_json};

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

fn ids(reply: &Value) -> Vec<u64> {
    reply["result"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|deal| {
            deal["ID"]
                .as_str()
                .expect("ID is a string")
                .parse()
                .expect("numeric")
        })
        .collect()
}

#[tokio::test]
async fn add_get_update_delete() {
    let portal = portal().await;
    let hook = portal.webhook_url();
    let reply = post_json(
        &format!("{hook}crm.deal.add.json"),
        &json!({"fields": {"TITLE": "New Deal #1", "OPPORTUNITY": 1000000, "PROBABILITY": 99,
            "CURRENCY_ID": "EUR", "IS_MANUAL_OPPORTUNITY": "Y", "UF_CRM_1721244482250": "Hello world!"}}),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    let body = reply.json();
    assert_eq!(body["result"], json!(1));
    for key in [
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish",
        "operating",
        "operating_reset_at",
    ] {
        assert!(body["time"].get(key).is_some(), "time.{key} in {body}");
    }
    assert!(
        body["time"]["date_start"]
            .as_str()
            .unwrap()
            .ends_with("+03:00")
    );
    assert_eq!(portal.deal_count(), 1);

    let deal = post_json(&format!("{hook}crm.deal.get"), &json!({"id": 1}))
        .await
        .json();
    let deal = &deal["result"];
    assert_eq!(deal["ID"], "1");
    assert_eq!(deal["TITLE"], "New Deal #1");
    assert_eq!(deal["OPPORTUNITY"], "1000000.00");
    assert_eq!(deal["PROBABILITY"], "99");
    assert_eq!(deal["IS_MANUAL_OPPORTUNITY"], "Y");
    assert_eq!(deal["LEAD_ID"], Value::Null);
    assert_eq!(deal["UF_CRM_1721244482250"], "Hello world!");
    assert!(deal["DATE_CREATE"].as_str().unwrap().ends_with("+03:00"));
    assert_eq!(Some(deal.clone()), portal.deal(1));

    let updated = post_json(
        &format!("{hook}crm.deal.update.json"),
        &json!({"id": "1", "fields": {"TITLE": "Renamed", "STAGE_ID": "WON"}}),
    )
    .await;
    assert_eq!(updated.json()["result"], json!(true));
    let deal = portal.deal(1).unwrap();
    assert_eq!(
        (
            deal["TITLE"].as_str(),
            deal["STAGE_SEMANTIC_ID"].as_str(),
            deal["CLOSED"].as_str()
        ),
        (Some("Renamed"), Some("S"), Some("Y"))
    );

    let missing = post_json(&format!("{hook}crm.deal.get"), &json!({"id": 99})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"], "");
    assert_eq!(missing.json()["error_description"], "Not found");
    let invalid = get(&format!("{hook}crm.deal.get.json?id=abc")).await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.json()["error_description"],
        "ID is not defined or invalid."
    );
    let no_fields = post_json(&format!("{hook}crm.deal.add"), &json!({})).await;
    assert_eq!(no_fields.status, 400);
    assert_eq!(
        no_fields.json()["error_description"],
        "Parameter 'fields' must be array."
    );

    assert_eq!(
        get(&format!("{hook}crm.deal.delete?id=1")).await.json()["result"],
        json!(true)
    );
    assert_eq!(
        get(&format!("{hook}crm.deal.delete?id=1")).await.status,
        400
    );
    assert_eq!(portal.deal_count(), 0);
    let stats = portal.stats();
    assert_eq!(stats.executed_writes, 3);
    assert_eq!(stats.calls_by_method["crm.deal.get"], 3);
}

#[tokio::test]
async fn fields_describes_standard_and_user_fields() {
    let portal = portal().await;
    portal.add_user_field("UF_CRM_AMOUNT", "double");
    let reply = get(&format!("{}crm.deal.fields", portal.webhook_url()))
        .await
        .json();
    let fields = &reply["result"];
    assert_eq!(
        fields["ID"],
        json!({"type": "integer", "isRequired": false, "isReadOnly": true,
        "isImmutable": false, "isMultiple": false, "isDynamic": false, "title": "ID"})
    );
    assert_eq!(fields["STAGE_ID"]["statusType"], "DEAL_STAGE");
    assert_eq!(fields["CONTACT_IDS"]["isMultiple"], true);
    assert_eq!(fields["UF_CRM_AMOUNT"]["type"], "double");
    assert_eq!(fields["UF_CRM_AMOUNT"]["isDynamic"], true);
}

#[tokio::test]
async fn list_filters_orders_and_selects() {
    let portal = portal().await;
    let hook = portal.webhook_url();
    for (title, amount, stage) in [
        ("Alpha", 10, "NEW"),
        ("Beta", 200, "WON"),
        ("Gamma", 30, "NEW"),
        ("Delta", 200, "LOSE"),
        ("Beta two", 5, "NEW"),
    ] {
        post_json(
            &format!("{hook}crm.deal.add"),
            &json!({"fields": {"TITLE": title, "OPPORTUNITY": amount, "STAGE_ID": stage}}),
        )
        .await;
    }
    let list = |params: Value| {
        let url = format!("{hook}crm.deal.list");
        async move { post_json(&url, &params).await.json() }
    };
    assert_eq!(ids(&list(json!({"filter": {">ID": 3}})).await), [4, 5]);
    assert_eq!(
        ids(&list(json!({"filter": {">=ID": 3, "<ID": 5}})).await),
        [3, 4]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"<=OPPORTUNITY": 30}})).await),
        [1, 3, 5]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"STAGE_ID": "NEW"}})).await),
        [1, 3, 5]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"=STAGE_ID": "WON"}})).await),
        [2]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"!STAGE_ID": "NEW"}})).await),
        [2, 4]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"!=STAGE_ID": "NEW"}})).await),
        [2, 4]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"%TITLE": "beta"}})).await),
        [2, 5]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"@ID": [2, 4, 42]}})).await),
        [2, 4]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"@STAGE_ID": ["WON", "LOSE"], "%TITLE": "a"}})).await),
        [2, 4]
    );
    // Numeric order: 200 > 30 > 10 > 5 (a text order would put "5" first); ties by ID.
    assert_eq!(
        ids(&list(json!({"order": {"OPPORTUNITY": "DESC"}})).await),
        [2, 4, 3, 1, 5]
    );
    assert_eq!(
        ids(&list(json!({"order": {"OPPORTUNITY": "ASC"}})).await),
        [5, 1, 3, 2, 4]
    );
    assert_eq!(
        ids(&list(json!({"order": {"ID": "DESC"}})).await),
        [5, 4, 3, 2, 1]
    );
    assert_eq!(
        ids(&list(json!({"order": {"TITLE": "ASC"}})).await),
        [1, 2, 5, 4, 3]
    );
    // Several sort fields apply in the order given. A raw body: `json!` sorts keys.
    let raw = support::send(
        "POST",
        &format!("{hook}crm.deal.list"),
        Some("application/json"),
        br#"{"order": {"STAGE_ID": "DESC", "ID": "DESC"}}"#,
    )
    .await
    .unwrap();
    assert_eq!(ids(&raw.json()), [2, 5, 3, 1, 4]);
    let form = post_form(
        &format!("{hook}crm.deal.list"),
        "order[STAGE_ID]=DESC&order[ID]=DESC&select[]=ID",
    )
    .await
    .json();
    assert_eq!(ids(&form), [2, 5, 3, 1, 4]);

    let selected = list(json!({"select": ["ID", "TITLE"], "filter": {"ID": 1}})).await;
    assert_eq!(selected["result"], json!([{"ID": "1", "TITLE": "Alpha"}]));
    assert_eq!(selected["total"], json!(1));
    assert!(selected.get("next").is_none());
    let star = list(json!({"select": ["*"], "filter": {"ID": 1}})).await;
    assert_eq!(star["result"][0]["OPPORTUNITY"], "10.00");
    let bad = post_json(&format!("{hook}crm.deal.list"), &json!({"filter": "nope"})).await;
    assert_eq!(
        (bad.status, bad.json()["error_description"].as_str()),
        (400, Some("Parameter 'filter' must be array."))
    );
}

#[tokio::test]
async fn user_fields_in_select() {
    let portal = portal().await;
    let hook = portal.webhook_url();
    post_json(
        &format!("{hook}crm.deal.add"),
        &json!({"fields": {"TITLE": "a", "UF_CRM_COLOR": "red"}}),
    )
    .await;
    post_json(
        &format!("{hook}crm.deal.add"),
        &json!({"fields": {"TITLE": "b"}}),
    )
    .await;
    let reply = post_json(
        &format!("{hook}crm.deal.list"),
        &json!({"select": ["ID", "UF_*"]}),
    )
    .await
    .json();
    assert_eq!(
        reply["result"],
        json!([{"ID": "1", "UF_CRM_COLOR": "red"}, {"ID": "2", "UF_CRM_COLOR": null}])
    );
    let star = post_json(&format!("{hook}crm.deal.list"), &json!({"select": ["*"]}))
        .await
        .json();
    assert!(
        star["result"][0].get("UF_CRM_COLOR").is_none(),
        "`*` excludes user fields"
    );
    let default = post_json(&format!("{hook}crm.deal.list"), &json!({}))
        .await
        .json();
    assert_eq!(
        default["result"][0]["UF_CRM_COLOR"], "red",
        "the default select is * + UF_*"
    );
    let filtered = post_json(
        &format!("{hook}crm.deal.list"),
        &json!({"filter": {"UF_CRM_COLOR": "red"}, "select": ["ID"]}),
    )
    .await
    .json();
    assert_eq!(filtered["result"], json!([{"ID": "1"}]));
}

#[tokio::test]
async fn pages_next_total_and_the_fast_path() {
    let portal = portal().await;
    portal.seed_deals(120);
    assert_eq!(portal.deal_count(), 120);
    let hook = portal.webhook_url();
    let page = |start: i64| {
        let url = format!("{hook}crm.deal.list?select[]=ID&start={start}");
        async move { get(&url).await.json() }
    };
    let first = page(0).await;
    assert_eq!(
        (ids(&first).len(), &first["total"], &first["next"]),
        (50, &json!(120), &json!(50))
    );
    let second = page(50).await;
    assert_eq!(ids(&second)[0], 51);
    assert_eq!(second["next"], json!(100));
    let last = page(100).await;
    assert_eq!((ids(&last).len(), &last["total"]), (20, &json!(120)));
    assert!(last.get("next").is_none(), "no next on the last page");

    // start=-1: the first page, no next, total 0 (as huge-data.md shows).
    let fast = page(-1).await;
    assert_eq!(ids(&fast).len(), 50);
    assert!(fast.get("next").is_none());
    assert_eq!(fast["total"], json!(0));

    // The documented fast loop: order by ID, >ID filter, start=-1, until a short page.
    let mut seen: Vec<u64> = Vec::new();
    let mut last_id = 0;
    loop {
        let reply = post_json(
            &format!("{hook}crm.deal.list"),
            &json!({"order": {"ID": "ASC"}, "filter": {">ID": last_id}, "select": ["ID", "TITLE"], "start": -1}),
        )
        .await
        .json();
        let page = ids(&reply);
        seen.extend(&page);
        match page.last() {
            Some(id) if page.len() == 50 => last_id = *id,
            _ => break,
        }
    }
    assert_eq!(seen, (1..=120).collect::<Vec<u64>>());
}

#[tokio::test]
async fn small_pages_from_the_config() {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: None,
        page_size: 3,
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    portal.seed_deals(7);
    let reply = get(&format!("{}crm.deal.list?start=3", portal.webhook_url()))
        .await
        .json();
    assert_eq!(ids(&reply), [4, 5, 6]);
    assert_eq!((&reply["total"], &reply["next"]), (&json!(7), &json!(6)));
}

#[tokio::test]
async fn json_and_php_form_parameters_give_the_same_result() {
    let portal = portal().await;
    let hook = portal.webhook_url();
    portal.seed_deals(60);
    let params = json!({
        "filter": {">ID": "5", "@STAGE_ID": ["NEW", "WON", "LOSE", "PREPARATION"], "%TITLE": "a"},
        "order": {"OPPORTUNITY": "DESC"},
        "select": ["ID", "TITLE", "OPPORTUNITY"],
        "start": "0",
    });
    let form = "filter[%3EID]=5&filter[@STAGE_ID][]=NEW&filter[@STAGE_ID][]=WON&filter[@STAGE_ID][]=LOSE\
        &filter[@STAGE_ID][]=PREPARATION&filter[%25TITLE]=a&order[OPPORTUNITY]=DESC\
        &select[]=ID&select[]=TITLE&select[]=OPPORTUNITY&start=0";
    let by_json = post_json(&format!("{hook}crm.deal.list"), &params)
        .await
        .json();
    let by_form = post_form(&format!("{hook}crm.deal.list"), form)
        .await
        .json();
    let by_query = get(&format!("{hook}crm.deal.list.json?{form}"))
        .await
        .json();
    assert!(!by_json["result"].as_array().unwrap().is_empty());
    assert_eq!(by_json["result"], by_form["result"]);
    assert_eq!(by_json["result"], by_query["result"]);
    assert_eq!(by_json["total"], by_form["total"]);

    // Writes too: `&` and `=` survive percent-encoding, `+` is a space.
    let added = post_form(
        &format!("{hook}crm.deal.add"),
        "fields[TITLE]=a%26b+c%3D&fields[OPPORTUNITY]=12.5",
    )
    .await
    .json();
    let id = added["result"].as_u64().unwrap();
    let deal = portal.deal(id).unwrap();
    assert_eq!(
        (deal["TITLE"].as_str(), deal["OPPORTUNITY"].as_str()),
        (Some("a&b c="), Some("12.50"))
    );
}
