//! The test portal's `batch`: references, empty maps, halt, limits, stats.

mod support;

use bitrix24_testkit::{BucketConfig, PortalConfig, TestPortal};
use serde_json::{Map, Value, json};
use support::{get, post_form, post_json, send};

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

#[tokio::test]
async fn linked_commands_with_references() {
    let portal = portal().await;
    portal.seed_deals(3);
    // A raw body: `json!` would sort the commands by name, and they must run as written.
    let body = r#"{"halt": 0, "cmd": {
        "add": "crm.deal.add?fields[TITLE]=Linked%20deal&fields[OPPORTUNITY]=42",
        "get": "crm.deal.get?id=$result[add]",
        "update": "crm.deal.update?id=$result[get][ID]&fields[COMMENTS]=copy%20of%20$result[get][TITLE]",
        "list": "crm.deal.list?select[]=ID&select[]=TITLE&order[ID]=DESC",
        "first": "crm.deal.get?ID=$result[list][1][ID]"
    }}"#;
    let reply = send(
        "POST",
        &format!("{}batch", portal.webhook_url()),
        Some("application/json"),
        body.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert!(body["time"].is_object());
    let batch = &body["result"];
    assert_eq!(batch["result"]["add"], json!(4));
    assert_eq!(batch["result"]["get"]["TITLE"], "Linked deal");
    assert_eq!(batch["result"]["get"]["OPPORTUNITY"], "42.00");
    assert_eq!(batch["result"]["update"], json!(true));
    assert_eq!(
        batch["result"]["first"]["ID"], "3",
        "the second deal by ID DESC"
    );
    assert_eq!(
        batch["result_error"],
        json!([]),
        "an empty map is written as []"
    );
    assert_eq!(batch["result_total"], json!({"list": 4}));
    assert_eq!(batch["result_next"], json!([]));
    let times = batch["result_time"].as_object().unwrap();
    assert_eq!(times.len(), 5);
    assert!(times["get"]["duration"].is_number());
    assert_eq!(portal.deal(4).unwrap()["COMMENTS"], "copy of Linked deal");

    let stats = portal.stats();
    assert_eq!(stats.calls_by_method["batch"], 1);
    assert_eq!(stats.calls_by_method["crm.deal.get"], 2);
    assert_eq!(stats.calls_by_method["crm.deal.list"], 1);
    assert_eq!(stats.executed_writes, 2);
    assert_eq!(stats.http_requests, 1);
}

#[tokio::test]
async fn list_pages_inside_a_batch_report_next() {
    let portal = portal().await;
    portal.seed_deals(70);
    let reply = post_json(
        &format!("{}batch", portal.webhook_url()),
        &json!({"cmd": {"p1": "crm.deal.list?select[]=ID", "p2": "crm.deal.list?select[]=ID&start=50"}}),
    )
    .await
    .json();
    let batch = &reply["result"];
    assert_eq!(batch["result_total"], json!({"p1": 70, "p2": 70}));
    assert_eq!(batch["result_next"], json!({"p1": 50}));
    assert_eq!(batch["result"]["p2"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn errors_halt_and_nesting() {
    let portal = portal().await;
    let url = format!("{}batch", portal.webhook_url());
    let cmd = json!({"a": "crm.deal.get?id=77", "b": "batch?cmd[x]=profile", "c": "crm.deal.add?fields[TITLE]=x"});
    let reply = post_json(&url, &json!({"halt": 0, "cmd": cmd}))
        .await
        .json();
    let batch = &reply["result"];
    assert_eq!(
        batch["result_error"]["a"],
        json!({"error": "", "error_description": "Not found"})
    );
    assert_eq!(
        batch["result_error"]["b"]["error"],
        "ERROR_BATCH_METHOD_NOT_ALLOWED"
    );
    assert_eq!(batch["result"], json!({"c": 1}));
    assert_eq!(portal.deal_count(), 1);

    let halted = post_json(&url, &json!({"halt": 1, "cmd": cmd}))
        .await
        .json();
    let batch = &halted["result"];
    assert_eq!(batch["result"], json!([]));
    assert_eq!(batch["result_error"].as_object().unwrap().len(), 1);
    assert_eq!(portal.deal_count(), 1, "halt stops before the add");
}

#[tokio::test]
async fn more_than_fifty_commands_is_an_error() {
    let portal = portal().await;
    let url = format!("{}batch", portal.webhook_url());
    let commands = |n: usize| -> Value {
        Value::Object(
            (0..n)
                .map(|i| (format!("c{i}"), json!("crm.deal.add?fields[TITLE]=x")))
                .collect::<Map<_, _>>(),
        )
    };
    let ok = post_json(&url, &json!({"cmd": commands(50)})).await;
    assert_eq!(ok.status, 200);
    assert_eq!(portal.deal_count(), 50);
    let too_many = post_json(&url, &json!({"cmd": commands(51)})).await;
    assert_eq!(too_many.status, 400);
    assert_eq!(too_many.error(), "ERROR_BATCH_LENGTH_EXCEEDED");
    assert_eq!(portal.deal_count(), 50, "nothing of it runs");
}

#[tokio::test]
async fn form_encoded_batch_and_list_commands() {
    let portal = portal().await;
    // The batch itself form-encoded: each command is a value, so it is encoded twice.
    let body = "halt=0&cmd[one]=crm.deal.add%3Ffields%5BTITLE%5D%3Da%2526b&cmd[two]=crm.deal.get%3Fid%3D%24result%5Bone%5D";
    let reply = post_form(&format!("{}batch", portal.webhook_url()), body)
        .await
        .json();
    assert_eq!(reply["result"]["result"]["two"]["TITLE"], "a&b");
    // Commands as a list: the results come back as lists too.
    let listed = post_json(
        &format!("{}batch", portal.webhook_url()),
        &json!({"cmd": ["profile", "crm.deal.get?id=1"]}),
    )
    .await
    .json();
    assert_eq!(listed["result"]["result"][0]["ID"], "1");
    assert_eq!(listed["result"]["result"][1]["TITLE"], "a&b");
    // And by GET with the query string.
    let got = get(&format!("{}batch?cmd[p]=profile", portal.webhook_url()))
        .await
        .json();
    assert_eq!(got["result"]["result"]["p"]["ID"], "1");
}

#[tokio::test]
async fn a_batch_is_one_request_for_the_bucket() {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(BucketConfig {
            capacity: 2,
            drain_per_second: 0.001,
        }),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    let cmd: Map<String, Value> = (0..50)
        .map(|i| (format!("c{i}"), json!("profile")))
        .collect();
    let url = format!("{}batch", portal.webhook_url());
    assert_eq!(post_json(&url, &json!({"cmd": cmd})).await.status, 200);
    assert_eq!(post_json(&url, &json!({"cmd": cmd})).await.status, 200);
    let third = post_json(&url, &json!({"cmd": cmd})).await;
    assert_eq!(
        (third.status, third.error()),
        (503, "QUERY_LIMIT_EXCEEDED".to_owned())
    );
    let stats = portal.stats();
    assert_eq!(stats.calls_by_method["profile"], 100);
    assert_eq!(stats.query_limit_exceeded, 1);
}
