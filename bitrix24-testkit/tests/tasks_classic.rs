//! The test portal's classic `tasks.task.add/get/delete/list` over HTTP: the documented
//! classic shapes, the same tasks as REST 3.0 serves, and the list's filter, order,
//! select and pages.

mod support;

use bitrix24_testkit::{PortalConfig, TestPortal};
use serde_json::{Value, json};
use support::{post_form, post_json};

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

async fn call_v3(portal: &TestPortal, method: &str, params: Value) -> Value {
    let hook = portal.webhook_url().replacen("/rest/", "/rest/api/", 1);
    post_json(&format!("{hook}{method}"), &params).await.json()
}

async fn error(portal: &TestPortal, method: &str, params: Value) -> (String, String) {
    let reply = post_json(&format!("{}{method}", portal.webhook_url()), &params).await;
    assert_eq!(reply.status, 400, "{method} {params}");
    let body = reply.json();
    (
        body["error"].as_str().unwrap().to_owned(),
        body["error_description"].as_str().unwrap().to_owned(),
    )
}

fn ids(reply: &Value) -> Vec<u64> {
    reply["result"]["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks in {reply}"))
        .iter()
        .map(|task| {
            task["id"]
                .as_str()
                .expect("id is a string")
                .parse()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn add_get_delete_in_the_classic_form_over_the_tasks_rest_v3_serves() {
    let portal = portal().await;
    let added = call(
        &portal,
        "tasks.task.add",
        json!({"fields": {"TITLE": "task for test", "RESPONSIBLE_ID": 2, "PRIORITY": "2",
            "DEADLINE": "2025-10-24T19:00:00+02:00", "AUDITORS": [1, 3]}}),
    )
    .await;
    let task = &added["result"]["task"];
    assert_eq!(task["id"], "1");
    assert_eq!(task["title"], "task for test");
    assert_eq!(task["responsibleId"], "2");
    assert_eq!(task["createdBy"], "1");
    assert_eq!(task["priority"], "2");
    assert_eq!(task["status"], "2");
    assert_eq!(task["deadline"], "2025-10-24T20:00:00+03:00");
    assert_eq!(task["auditors"], json!(["1", "3"]));
    assert_eq!(task["allowChangeDeadline"], "N");
    assert_eq!(task["responsible"]["id"], "2");
    assert_eq!(task["group"], json!([]));
    assert_eq!(portal.task_count(), 1);

    let got = call(&portal, "tasks.task.get", json!({"taskId": 1})).await;
    assert_eq!(&got["result"]["task"], task);
    let selected = call(
        &portal,
        "tasks.task.get",
        json!({"taskId": "1", "select": ["TITLE", "STATUS"]}),
    )
    .await;
    assert_eq!(
        selected["result"]["task"],
        json!({"id": "1", "title": "task for test", "status": "2"})
    );

    // One store: REST 3.0 sees the classic task, the classic methods see a REST 3.0 one.
    let v3 = call_v3(&portal, "tasks.task.get", json!({"id": 1})).await;
    assert_eq!(v3["result"]["item"]["title"], "task for test");
    assert_eq!(v3["result"]["item"]["priority"], "high");
    let v3_added = call_v3(
        &portal,
        "tasks.task.add",
        json!({"fields": {"title": "from REST 3.0", "creatorId": 3, "responsibleId": 1, "status": "completed"}}),
    )
    .await;
    assert_eq!(v3_added["result"]["item"]["id"], json!(2));
    let classic = call(&portal, "tasks.task.get", json!({"taskId": 2})).await;
    assert_eq!(classic["result"]["task"]["createdBy"], "3");
    assert_eq!(classic["result"]["task"]["status"], "5");

    let deleted = call(&portal, "tasks.task.delete", json!({"taskId": 1})).await;
    assert_eq!(deleted["result"], json!({"task": true}));
    let missing = call(&portal, "tasks.task.get", json!({"taskId": 1})).await;
    assert_eq!(
        missing["result"],
        json!([]),
        "a missing task is an empty result"
    );
    assert!(portal.delete_task(2));
    assert!(!portal.delete_task(2));
    assert_eq!(portal.task_count(), 0);
    assert_eq!(portal.stats().executed_writes, 3);
}

#[tokio::test]
async fn errors_are_the_documented_ones() {
    let portal = portal().await;
    let cases = [
        ("tasks.task.add", json!({}), "100"),
        (
            "tasks.task.add",
            json!({"fields": {"RESPONSIBLE_ID": 1}}),
            "ERROR_CORE",
        ),
        ("tasks.task.get", json!({}), "100"),
        ("tasks.task.get", json!({"taskId": "x"}), "0"),
        (
            "tasks.task.get",
            json!({"taskId": 1, "select": "TITLE"}),
            "100",
        ),
        ("tasks.task.delete", json!({"taskId": 5}), "1048582"),
        ("tasks.task.list", json!({"order": {"NOPE": "asc"}}), "0"),
    ];
    for (method, params, code) in cases {
        assert_eq!(
            error(&portal, method, params.clone()).await.0,
            code,
            "{method} {params}"
        );
    }
    let (_, text) = error(
        &portal,
        "tasks.task.add",
        json!({"fields": {"RESPONSIBLE_ID": 1}}),
    )
    .await;
    assert_eq!(text, "Task title is not specified<br>");
    let (_, text) = error(
        &portal,
        "tasks.task.add",
        json!({"fields": {"TITLE": "x", "RESPONSIBLE_ID": 77}}),
    )
    .await;
    assert_eq!(
        text,
        "User specified in the \"Responsible\" field not found<br>"
    );
    let (_, text) = error(
        &portal,
        "tasks.task.list",
        json!({"order": {"NOPE": "asc"}}),
    )
    .await;
    assert_eq!(text, "Invalid sorting key (internal error)");
    assert_eq!(portal.task_count(), 0);
}

#[tokio::test]
async fn lists_filter_order_select_and_page() {
    let portal = portal().await;
    portal.seed_tasks(130);
    assert_eq!(portal.task_count(), 130);

    // Newest first by default, 50 to a page, `total` and `next`.
    let first = call(&portal, "tasks.task.list", json!({})).await;
    assert_eq!(ids(&first), (81..=130).rev().collect::<Vec<_>>());
    assert_eq!(
        (first["total"].clone(), first["next"].clone()),
        (json!(130), json!(50))
    );
    let last = call(&portal, "tasks.task.list", json!({"start": 100})).await;
    assert_eq!(ids(&last), (1..=30).rev().collect::<Vec<_>>());
    assert!(last.get("next").is_none());

    let ascending = call(
        &portal,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "filter": {">ID": 5, "<=ID": 8}, "select": ["ID", "TITLE"]}),
    )
    .await;
    assert_eq!(ids(&ascending), vec![6, 7, 8]);
    assert_eq!(ascending["total"], json!(3));
    let titles: Vec<Value> = (6..=8)
        .map(|id| json!({"id": id.to_string(), "title": portal.task(id).unwrap()["title"]}))
        .collect();
    assert_eq!(ascending["result"]["tasks"], Value::Array(titles));

    // Filters by the documented names, checked against the stored tasks.
    let stored = |field: &str, id: u64| portal.task(id).unwrap()[field].clone();
    let by_responsible: Vec<u64> = (1..=130)
        .filter(|id| stored("responsibleId", *id) == json!(2))
        .collect();
    let reply = call(
        &portal,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "filter": {"RESPONSIBLE_ID": 2, "<=ID": 60}, "select": ["ID", "RESPONSIBLE_ID"]}),
    )
    .await;
    let expected: Vec<u64> = by_responsible
        .iter()
        .copied()
        .filter(|id| *id <= 60)
        .collect();
    assert_eq!(ids(&reply), expected);
    assert_eq!(reply["result"]["tasks"][0]["responsible"]["id"], "2");
    let completed: Vec<u64> = (1..=130)
        .filter(|id| stored("status", *id) == json!("completed"))
        .collect();
    assert!(!completed.is_empty() && completed.len() < 130);
    let reply = call(
        &portal,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "filter": {"REAL_STATUS": 5}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(
        ids(&reply),
        completed.iter().copied().take(50).collect::<Vec<_>>()
    );
    let reply = call(
        &portal,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "filter": {"!STATUS": 5, "<=ID": 30, "UNKNOWN_FIELD": 1}, "select": ["ID"]}),
    )
    .await;
    let expected: Vec<u64> = (1..=30).filter(|id| !completed.contains(id)).collect();
    assert_eq!(ids(&reply), expected, "an unknown filter field is left out");

    // Another order, ties by ID; then the fast path.
    let reply = call(
        &portal,
        "tasks.task.list",
        json!({"order": {"DEADLINE": "desc"}, "select": ["ID", "DEADLINE"]}),
    )
    .await;
    assert_eq!(
        ids(&reply),
        (81..=130).rev().collect::<Vec<_>>(),
        "seeded deadlines grow with the ID"
    );
    let reply = call(
        &portal,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "filter": {">ID": 100}, "select": ["ID"], "start": -1}),
    )
    .await;
    assert_eq!(ids(&reply), (101..=130).collect::<Vec<_>>());
    assert_eq!(reply["total"], json!(0));
    assert!(reply.get("next").is_none());

    // The same as a PHP form.
    let reply = post_form(
        &format!("{}tasks.task.list", portal.webhook_url()),
        "order[ID]=asc&filter[%3EID]=127&select[]=ID",
    )
    .await
    .json();
    assert_eq!(ids(&reply), vec![128, 129, 130]);
}
