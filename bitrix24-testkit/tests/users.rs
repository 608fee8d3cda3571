//! The test portal's users through the real client: `user.get` filters, order, select,
//! pages and the fast path; `user.current` is the caller; `profile` stays short.

mod support;

use bitrix24_transport::CallKind;
use bitrix24_transport::client::Client;
use serde_json::{Value, json};
use support::portal_and_client;

async fn get(client: &Client, params: Value) -> (Vec<u64>, Option<u64>, Option<u64>) {
    let reply = client
        .call_raw("user.get", params, CallKind::Read)
        .await
        .expect("user.get");
    let ids = reply
        .result
        .as_array()
        .expect("a list")
        .iter()
        .map(|user| user["ID"].as_str().expect("ID").parse().expect("a number"))
        .collect();
    (ids, reply.total, reply.next)
}

#[tokio::test]
async fn user_get_filters_orders_and_pages_as_documented() {
    let (portal, client) = portal_and_client().await;
    portal.seed_users(117);
    assert_eq!(portal.user_count(), 120);

    let first = client
        .call_raw("user.get", json!({}), CallKind::Read)
        .await
        .unwrap();
    assert_eq!((first.total, first.next), (Some(120), Some(50)));
    let john = &first.result[0];
    assert_eq!(john["ID"], "1");
    assert_eq!(john["ACTIVE"], true);
    assert_eq!(
        (&john["NAME"], &john["LAST_NAME"]),
        (&json!("John"), &json!("Doe"))
    );
    assert_eq!(john["EMAIL"], "john.doe@example.com");
    assert_eq!(john["UF_DEPARTMENT"], json!([1]));
    assert_eq!(john["USER_TYPE"], "employee");
    assert_eq!(john["TIMESTAMP_X"], json!({}));
    assert_eq!(john["PERSONAL_BIRTHDAY"], "");
    assert!(john["DATE_REGISTER"].as_str().unwrap().ends_with("+03:00"));
    assert!(
        john.get("PERSONAL_ICQ").is_none(),
        "unset fields are left out"
    );
    assert_eq!(Some(john.clone()), portal.user(1));

    assert_eq!(get(&client, json!({"FILTER": {"ID": 2}})).await.0, [2]);
    assert_eq!(
        get(&client, json!({"ID": 3})).await.0,
        [3],
        "the old top-level form"
    );
    assert_eq!(
        get(&client, json!({"FILTER": {"NAME_SEARCH": "Anna Smi"}}))
            .await
            .0,
        [2]
    );
    let (dismissed, total, _) = get(&client, json!({"FILTER": {"ACTIVE": false}})).await;
    assert!(!dismissed.is_empty() && dismissed.iter().all(|id| id % 10 == 0));
    assert_eq!(total, Some(dismissed.len() as u64));
    let (_, active, _) = get(&client, json!({"FILTER": {"ACTIVE": true}})).await;
    assert_eq!(active, Some(120 - dismissed.len() as u64));
    let (extranet, _, _) = get(&client, json!({"FILTER": {"USER_TYPE": "extranet"}})).await;
    assert!(!extranet.is_empty() && extranet.iter().all(|id| id % 15 == 0));
    let (department, _, _) = get(&client, json!({"FILTER": {"UF_DEPARTMENT": 1, "<=ID": 3}})).await;
    assert_eq!(department, [1, 2, 3]);
    let (descending, _, _) = get(
        &client,
        json!({"sort": "ID", "order": "DESC", "ADMIN_MODE": true}),
    )
    .await;
    assert_eq!(descending[..3], [120, 119, 118]);
    let (last, total, next) = get(&client, json!({"start": 100})).await;
    assert_eq!((last.len(), total, next), (20, Some(120), None));

    let selected = client
        .call_raw(
            "user.get",
            json!({"FILTER": {"ID": 1}, "select": ["ID", "EMAIL", "UF_*"]}),
            CallKind::Read,
        )
        .await
        .unwrap();
    assert_eq!(
        selected.result,
        json!([{"ID": "1", "EMAIL": "john.doe@example.com", "UF_DEPARTMENT": [1], "UF_EMPLOYMENT_DATE": ""}])
    );

    // The fast path: `>ID` and `start=-1` until a short page, each user once.
    let mut seen: Vec<u64> = Vec::new();
    let mut last = 0;
    loop {
        let (page, total, next) = get(
            &client,
            json!({"FILTER": {">ID": last}, "start": -1, "sort": "ID", "order": "ASC"}),
        )
        .await;
        assert_eq!((total, next), (Some(0), None));
        seen.extend(&page);
        match page.last() {
            Some(id) if page.len() == 50 => last = *id,
            _ => break,
        }
    }
    assert_eq!(seen, (1..=120).collect::<Vec<u64>>());
}

#[tokio::test]
async fn user_current_is_the_caller_in_full() {
    let (portal, client) = portal_and_client().await;
    let current = client
        .call_raw("user.current", json!({}), CallKind::Read)
        .await
        .unwrap()
        .result;
    assert_eq!(current["ID"], "1");
    assert_eq!(current["NAME"], "John");
    assert_eq!(current["EMAIL"], "john.doe@example.com");
    assert_eq!(current["UF_DEPARTMENT"], json!([1]));
    assert_eq!(current["IS_ONLINE"], "Y");
    let activity = current["LAST_ACTIVITY_DATE"].as_str().unwrap();
    assert_eq!((activity.len(), &activity[10..11]), (19, " "), "{activity}");
    assert!(current.get("TIMESTAMP_X").is_none());
    let listed = portal.user(1).unwrap();
    assert_eq!(current["DATE_REGISTER"], listed["DATE_REGISTER"]);
    // `profile` keeps its own short answer.
    let profile = client
        .call_raw("profile", json!({}), CallKind::Read)
        .await
        .unwrap()
        .result;
    assert_eq!(
        (&profile["ID"], &profile["ADMIN"], &profile["NAME"]),
        (&json!("1"), &json!(true), &json!("John"))
    );
    assert!(profile.get("EMAIL").is_none());
}
