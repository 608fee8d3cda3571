//! The users' unit tests: `user.get` filters, order, select and pages; `user.current`.

use serde_json::{Value, json};

use super::methods::call;
use super::store::UserStore;
use crate::call::Outcome;

const NOW: i64 = 1_725_017_340;

fn run(store: &UserStore, method: &str, params: Value) -> Outcome {
    call(store, method, &params, 1, 50)
        .expect("a user method")
        .expect("no error")
}

fn ids(store: &UserStore, params: Value) -> Vec<u64> {
    let result = run(store, "user.get", params).result.to_value();
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["ID"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn users_one_to_three_are_there_as_documented() {
    let store = UserStore::new(NOW);
    let all = run(&store, "user.get", json!({}));
    assert_eq!((all.total, all.next), (Some(3), None));
    let first = &all.result.to_value()[0];
    assert_eq!(first["ID"], "1");
    assert_eq!(first["ACTIVE"], true);
    assert_eq!(
        (&first["NAME"], &first["LAST_NAME"]),
        (&json!("John"), &json!("Doe"))
    );
    assert_eq!(first["UF_DEPARTMENT"], json!([1]));
    assert_eq!(first["TIMESTAMP_X"], json!({}));
    assert_eq!(first["USER_TYPE"], "employee");
    assert_eq!(first["PERSONAL_BIRTHDAY"], "");
    assert!(
        first["DATE_REGISTER"]
            .as_str()
            .unwrap()
            .ends_with("T00:00:00+03:00")
    );
    assert!(first.get("XML_ID").is_none(), "null fields are left out");
    let current = run(&store, "user.current", json!({})).result.to_value();
    assert_eq!(current["EMAIL"], "john.doe@example.com");
    assert!(current.get("TIMESTAMP_X").is_none() && current.get("USER_TYPE").is_none());
    let active = current["LAST_ACTIVITY_DATE"].as_str().unwrap();
    assert_eq!((active.len(), &active[10..11]), (19, " "));
    assert!(call(&store, "user.update", &json!({}), 1, 50).is_none());
}

#[test]
fn filters_order_select_and_pages() {
    let mut store = UserStore::new(NOW);
    store.seed(117);
    assert_eq!(store.len(), 120);
    assert_eq!(ids(&store, json!({"FILTER": {"ID": 2}})), [2]);
    assert_eq!(
        ids(&store, json!({"ID": "3"})),
        [3],
        "top-level fields filter"
    );
    assert_eq!(ids(&store, json!({"filter": {"@ID": [1, 3]}})), [1, 3]);
    let inactive = ids(&store, json!({"FILTER": {"ACTIVE": false}}));
    assert!(!inactive.is_empty() && inactive.iter().all(|id| id % 10 == 0));
    let active = run(&store, "user.get", json!({"FILTER": {"ACTIVE": true}}));
    assert_eq!(active.total, Some(120 - inactive.len() as u64));
    let extranet = ids(&store, json!({"FILTER": {"USER_TYPE": "extranet"}}));
    assert!(!extranet.is_empty() && extranet.iter().all(|id| id % 15 == 0));
    let department = ids(&store, json!({"UF_DEPARTMENT": 1, "start": -1}));
    assert!(department.contains(&1));
    assert_eq!(
        ids(&store, json!({"FILTER": {"NAME_SEARCH": "oleg iva"}})),
        [3]
    );
    assert_eq!(
        ids(&store, json!({"FILTER": {">=DATE_REGISTER": "not a date"}})),
        [0u64; 0]
    );
    let newest = ids(
        &store,
        json!({"SORT": "DATE_REGISTER", "ORDER": "desc", "start": -1}),
    );
    assert_eq!(newest.len(), 50);
    let page = run(&store, "user.get", json!({"start": 100}));
    assert_eq!((page.total, page.next), (Some(120), None));
    assert_eq!(page.result.to_value().as_array().unwrap().len(), 20);
    let first = run(&store, "user.get", json!({}));
    assert_eq!(first.next, Some(50));
    let fast = run(
        &store,
        "user.get",
        json!({"FILTER": {">ID": 110}, "start": -1}),
    );
    assert_eq!((fast.total, fast.next), (Some(0), None));
    assert_eq!(fast.result.to_value().as_array().unwrap().len(), 10);
    let selected = run(
        &store,
        "user.get",
        json!({"ID": 1, "select": ["EMAIL", "ID"]}),
    );
    assert_eq!(
        selected.result.to_value(),
        json!([{"ID": "1", "EMAIL": "john.doe@example.com"}])
    );
    let masks = run(&store, "user.get", json!({"ID": 1, "select": ["UF_*"]}));
    assert_eq!(
        masks.result.to_value(),
        json!([{"UF_DEPARTMENT": [1], "UF_EMPLOYMENT_DATE": ""}])
    );
    let admin = ids(&store, json!({"ADMIN_MODE": true, "ID": 2}));
    assert_eq!(admin, [2]);
}
