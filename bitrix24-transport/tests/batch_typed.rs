//! The typed batch against the test portal: references, splitting, per-command errors,
//! halt, empty maps, awkward strings, and what a caller learns when a call fails.

mod client_support;

use client_support::FAST;
use client_support::impl_method;
use std::time::Duration;

use bitrix24_transport::auth::{MemoryTokenStore, OAuthApp, Webhook};
use bitrix24_transport::batch::{
    Batch, BatchCommandError, BatchError, CommandStatus, MAX_COMMANDS_PER_CALL,
};
use bitrix24_transport::client::{Auth, Client};

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::{ApiErrorCode, ApiVersion, CallKind, Error, Method};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
struct DealAdd {
    fields: Value,
}

impl_method!(DealAdd, "crm.deal.add", Some("crm"), Write, u64);

#[derive(Debug, Serialize)]
struct DealGet {
    id: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
#[allow(non_snake_case)]
struct Deal {
    ID: String,
    TITLE: String,
    #[serde(default)]
    COMMENTS: Option<String>,
}

impl_method!(DealGet, "crm.deal.get", Some("crm"), Read, Deal);

#[derive(Debug, Serialize)]
struct DealUpdate {
    id: u64,
    fields: Value,
}

impl_method!(
    DealUpdate,
    "crm.deal.update",
    Some("crm"),
    IdempotentWrite,
    bool
);

#[derive(Debug, Serialize)]
struct DealList {
    select: Vec<&'static str>,
    order: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<i64>,
}

impl_method!(DealList, "crm.deal.list", Some("crm"), Read, Vec<Value>);

/// A method without parameters (a unit struct serialises to `null`).
#[derive(Debug, Serialize)]
struct Profile;

impl_method!(Profile, "profile", None, Read, Value);

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

fn client(portal: &TestPortal) -> Client {
    Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .timeout(Some(Duration::from_secs(10)))
    .build()
    .unwrap()
}

fn add(title: &str) -> DealAdd {
    DealAdd {
        fields: json!({ "TITLE": title }),
    }
}

#[tokio::test]
async fn add_then_get_by_reference_in_one_call() {
    let portal = portal().await;
    portal.seed_deals(3);
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let mut batch = Batch::new();
    let added = batch.push(&add("Linked deal")).unwrap();
    let got = batch
        .push_with(&DealGet { id: 0 }, [("id", added.result())])
        .unwrap();
    let updated = batch
        .push_with(
            &DealUpdate {
                id: 0,
                fields: json!({"COMMENTS": "placeholder"}),
            },
            [
                ("id", got.field("ID")),
                ("fields.COMMENTS", got.field("TITLE")),
            ],
        )
        .unwrap();
    let list = batch
        .push(&DealList {
            select: vec!["ID", "TITLE"],
            order: json!({"ID": "DESC"}),
            start: None,
        })
        .unwrap();
    let second = batch
        .push_with(&DealGet { id: 0 }, [("id", list.item(1).field("ID"))])
        .unwrap();
    let profile = batch.push(&Profile).unwrap();
    assert_eq!(batch.calls_needed(), 1);
    assert_eq!(
        batch.command_text(got),
        Some("crm.deal.get?id=$result[c0]"),
        "the reference is written as Bitrix24 reads it"
    );
    assert_eq!(batch.command_text(profile), Some("profile"));

    let results = client.batch(batch).await.unwrap();
    assert!(results.all_executed(), "{:?}", results.commands());
    assert!(results.error().is_none() && !results.halted());
    assert_eq!((results.calls_planned(), results.calls_sent()), (1, 1));

    let id = results.get(added).unwrap().result;
    assert_eq!(id, 4);
    let deal = results.get(got).unwrap();
    assert_eq!(deal.result.ID, "4");
    assert_eq!(deal.result.TITLE, "Linked deal");
    assert!(deal.time.is_some_and(|time| time.duration.is_some()));
    assert!(results.get(updated).unwrap().result);
    assert_eq!(portal.deal(4).unwrap()["COMMENTS"], "Linked deal");
    let listed = results.get(list).unwrap();
    assert_eq!(listed.total, Some(4), "result_total of the command");
    assert_eq!(listed.next, None);
    assert_eq!(listed.result.len(), 4);
    assert_eq!(results.get(second).unwrap().result.ID, "3");
    assert_eq!(results.get(profile).unwrap().result["ID"], "1");

    let stats = portal.stats();
    assert_eq!(stats.http_requests, 1);
    assert_eq!(stats.calls_by_method["batch"], 1);
    assert_eq!(stats.executed_writes, 2);
}

#[tokio::test]
async fn results_can_be_read_twice_and_names_are_listed() {
    let portal = portal().await;
    portal.seed_deals(1);
    let mut batch = Batch::new();
    let first = batch.push(&DealGet { id: 1 }).unwrap();
    let second = batch.push(&DealGet { id: 1 }).unwrap();
    assert_eq!((first.name(), second.name()), ("c0".into(), "c1".into()));
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(results.get(first).unwrap(), results.get(first).unwrap());
    let listed = results.commands();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].name, "c1");
    assert_eq!(listed[1].method, "crm.deal.get");
    assert_eq!(listed[1].status, CommandStatus::Executed);
}

#[tokio::test]
async fn lists_report_total_and_next_per_command() {
    let portal = portal().await;
    portal.seed_deals(70);
    let mut batch = Batch::new();
    let page = |start| DealList {
        select: vec!["ID"],
        order: json!({"ID": "ASC"}),
        start,
    };
    let first = batch.push(&page(None)).unwrap();
    let last = batch.push(&page(Some(50))).unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    let first = results.get(first).unwrap();
    assert_eq!((first.total, first.next), (Some(70), Some(50)));
    assert_eq!(first.result.len(), 50);
    let last = results.get(last).unwrap();
    assert_eq!((last.total, last.next), (Some(70), None));
    assert_eq!(last.result.len(), 20);
}

#[tokio::test]
async fn one_hundred_twenty_commands_go_in_three_calls() {
    let portal = portal().await;
    let client = client(&portal);
    let mut batch = Batch::new();
    let mut pairs = Vec::new();
    for i in 0..60 {
        let added = batch.push(&add(&format!("Deal {i}"))).unwrap();
        let got = batch
            .push_with(&DealGet { id: 0 }, [("id", added.result())])
            .unwrap();
        pairs.push((i, added, got));
    }
    assert_eq!(batch.len(), 120);
    assert_eq!(batch.calls_needed(), 3);
    let results = client.batch(batch).await.unwrap();
    assert_eq!(portal.stats().http_requests, 3);
    assert_eq!(portal.stats().calls_by_method["batch"], 3);
    assert_eq!((results.calls_planned(), results.calls_sent()), (3, 3));
    assert_eq!(results.count(CommandStatus::Executed), 120);
    for (i, added, got) in pairs {
        let id = results.get(added).unwrap().result;
        let deal = results.get(got).unwrap().result;
        assert_eq!(deal.ID, id.to_string(), "the pair stayed in one call");
        assert_eq!(deal.TITLE, format!("Deal {i}"));
    }
    assert_eq!(portal.deal_count(), 60);
}

#[tokio::test]
async fn a_reference_across_the_split_point_keeps_its_group_together() {
    let portal = portal().await;
    portal.seed_deals(1);
    let mut batch = Batch::new();
    let first = batch.push(&add("Far away")).unwrap();
    let fillers: Vec<_> = (0..59)
        .map(|_| batch.push(&DealGet { id: 1 }).unwrap())
        .collect();
    // Command 60 references command 0: without grouping they would be 50 commands apart.
    let late = batch
        .push_with(&DealGet { id: 0 }, [("id", first.result())])
        .unwrap();
    assert_eq!(batch.calls_needed(), 2);
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(portal.stats().http_requests, 2);
    assert!(results.all_executed(), "{:?}", results.commands());
    assert_eq!(results.get(late).unwrap().result.TITLE, "Far away");
    for filler in fillers {
        assert_eq!(results.get(filler).unwrap().result.ID, "1");
    }
}

#[tokio::test]
async fn a_chain_longer_than_one_call_is_refused_before_sending() {
    let portal = portal().await;
    let mut batch = Batch::new();
    // Sixty adds, each titled with the ID the previous one returned.
    let mut previous = batch.push(&add("Start")).unwrap();
    let mut refused = None;
    for _ in 1..60 {
        match batch.push_with(&add("placeholder"), [("fields.TITLE", previous.result())]) {
            Ok(next) => previous = next,
            Err(err) => {
                refused = Some(err);
                break;
            }
        }
    }
    let err = refused.expect("a chain of more than 50 is refused");
    match &err {
        BatchError::GroupTooLarge { size, max, method } => {
            assert_eq!(*size, MAX_COMMANDS_PER_CALL + 1);
            assert_eq!(*max, MAX_COMMANDS_PER_CALL);
            assert_eq!(method, "crm.deal.add");
        }
        other => panic!("expected GroupTooLarge, got {other:?}"),
    }
    assert_eq!(
        batch.len(),
        MAX_COMMANDS_PER_CALL,
        "the refused command is not added"
    );
    assert!(err.to_string().contains("at most 50"), "{err}");
    let as_error: Error = err.into();
    assert!(matches!(as_error, Error::Encode { .. }));
    assert_eq!(portal.stats().http_requests, 0, "nothing was sent");
    assert_eq!(portal.deal_count(), 0);
}

#[tokio::test]
async fn a_sixty_command_chain_of_gets_is_refused() {
    let portal = portal().await;
    let mut batch = Batch::new();
    let mut previous = batch.push(&DealGet { id: 1 }).unwrap();
    let mut pushed = 1;
    let err = loop {
        match batch.push_with(&DealGet { id: 0 }, [("id", previous.field("ID"))]) {
            Ok(next) => {
                previous = next;
                pushed += 1;
                assert!(pushed < 60);
            }
            Err(err) => break err,
        }
    };
    assert_eq!(pushed, MAX_COMMANDS_PER_CALL);
    assert!(matches!(err, BatchError::GroupTooLarge { size: 51, .. }));
    // The batch as it stands (one chain of 50) still goes in one call.
    assert_eq!(batch.calls_needed(), 1);
    assert_eq!(portal.stats().http_requests, 0);
}

#[tokio::test]
async fn per_command_errors_while_others_succeed() {
    let portal = portal().await;
    portal.seed_deals(2);
    let mut batch = Batch::new();
    let ok = batch.push(&DealGet { id: 1 }).unwrap();
    let missing = batch.push(&DealGet { id: 999 }).unwrap();
    let also_ok = batch.push(&DealGet { id: 2 }).unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(results.get(ok).unwrap().result.ID, "1");
    assert_eq!(results.get(also_ok).unwrap().result.ID, "2");
    assert_eq!(results.status(missing), Some(CommandStatus::Failed));
    match results.get(missing) {
        Err(BatchCommandError::Api(api)) => {
            assert_eq!(api.method, "crm.deal.get");
            assert_eq!(api.code, ApiErrorCode::Other(String::new()));
            assert_eq!(api.description.as_deref(), Some("Not found"));
        }
        other => panic!("expected the command's own error, got {other:?}"),
    }
    assert!(results.error().is_none(), "the batch call itself succeeded");
    assert!(!results.all_executed());
    assert_eq!(results.count(CommandStatus::Failed), 1);
}

#[tokio::test]
async fn a_result_of_the_wrong_shape_names_the_method_and_path() {
    #[derive(Debug, Serialize)]
    struct StrictGet {
        id: u64,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        #[serde(rename = "TITLE")]
        title: u64,
    }
    impl Method for StrictGet {
        const NAME: &'static str = "crm.deal.get";
        const SCOPE: Option<&'static str> = Some("crm");
        const KIND: CallKind = CallKind::Read;
        const API: ApiVersion = ApiVersion::Classic;
        type Response = Strict;
    }
    let portal = portal().await;
    portal.seed_deals(1);
    let mut batch = Batch::new();
    let _first = batch.push(&Profile).unwrap();
    let strict = batch.push(&StrictGet { id: 1 }).unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(results.status(strict), Some(CommandStatus::Executed));
    match results.get(strict) {
        Err(BatchCommandError::Decode(err)) => {
            assert_eq!(err.method, "crm.deal.get");
            assert_eq!(err.path, "result.result.c1.TITLE");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn halt_stops_at_the_first_failing_command() {
    let portal = portal().await;
    let mut batch = Batch::new();
    batch.halt(true);
    let first = batch.push(&add("Before")).unwrap();
    let missing = batch.push(&DealGet { id: 999 }).unwrap();
    let after = batch.push(&add("After")).unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(results.status(first), Some(CommandStatus::Executed));
    assert_eq!(results.status(missing), Some(CommandStatus::Failed));
    assert_eq!(results.status(after), Some(CommandStatus::NotExecuted));
    assert!(matches!(
        results.get(after),
        Err(BatchCommandError::NotExecuted { ref name, .. }) if name == "c2"
    ));
    assert!(results.halted());
    assert_eq!(portal.deal_count(), 1, "halt stopped before the second add");
}

#[tokio::test]
async fn without_halt_every_command_runs() {
    let portal = portal().await;
    let mut batch = Batch::new();
    let _first = batch.push(&add("Before")).unwrap();
    let _missing = batch.push(&DealGet { id: 999 }).unwrap();
    let after = batch.push(&add("After")).unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(results.get(after).unwrap().result, 2);
    assert!(!results.halted());
    assert_eq!(portal.deal_count(), 2);
}

#[tokio::test]
async fn halt_in_a_split_batch_does_not_send_later_calls() {
    let portal = portal().await;
    let mut batch = Batch::new();
    batch.halt(true);
    let missing = batch.push(&DealGet { id: 999 }).unwrap();
    let mut later = Vec::new();
    for i in 0..70 {
        later.push(batch.push(&add(&format!("Never {i}"))).unwrap());
    }
    assert_eq!(batch.calls_needed(), 2);
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(
        portal.stats().http_requests,
        1,
        "the second call was not sent"
    );
    assert_eq!((results.calls_planned(), results.calls_sent()), (2, 1));
    assert!(results.halted());
    assert_eq!(results.status(missing), Some(CommandStatus::Failed));
    assert_eq!(results.count(CommandStatus::NotExecuted), 70);
    assert!(later.iter().all(|cmd| matches!(
        results.get(*cmd),
        Err(BatchCommandError::NotExecuted { .. })
    )));
    assert_eq!(portal.deal_count(), 0);
}

#[tokio::test]
async fn empty_maps_written_as_lists_are_read() {
    let portal = portal().await;
    // Every command fails: `result`, `result_total`, `result_next`, `result_time` are `[]`.
    let mut batch = Batch::new();
    let failed: Vec<_> = (0..3)
        .map(|i| batch.push(&DealGet { id: 900 + i }).unwrap())
        .collect();
    let results = client(&portal).batch(batch).await.unwrap();
    assert!(results.error().is_none(), "{:?}", results.error());
    for cmd in failed {
        assert!(matches!(results.get(cmd), Err(BatchCommandError::Api(_))));
    }
    // Every command succeeds: `result_error`, `result_total` and `result_next` are `[]`.
    portal.seed_deals(1);
    let mut batch = Batch::new();
    let ok = batch.push(&DealGet { id: 1 }).unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    let deal = results.get(ok).unwrap();
    assert_eq!((deal.total, deal.next), (None, None));
    assert_eq!(deal.result.ID, "1");
}

#[tokio::test]
async fn an_empty_batch_sends_nothing() {
    let portal = portal().await;
    let results = client(&portal).batch(Batch::new()).await.unwrap();
    assert!(results.all_executed() && results.commands().is_empty());
    assert_eq!(results.calls_sent(), 0);
    assert_eq!(portal.stats().http_requests, 0);
}

#[tokio::test]
async fn awkward_strings_survive_a_round_trip() {
    let portal = portal().await;
    let titles = [
        "a&b=c",
        "[x] and ]y[ and fields[TITLE]=z",
        "#hash +plus %25 % %%",
        "spaces  and\nnew\r\nlines\tand tabs",
        "Сделка №1 — 你好 🚀",
        "$result[c0] is not a reference here",
        "?question=mark&amp;",
        "quote \" and backslash \\ and 'single'",
    ];
    let mut batch = Batch::new();
    let mut pairs = Vec::new();
    for title in titles {
        let added = batch
            .push(&DealAdd {
                fields: json!({"TITLE": title, "COMMENTS": format!("{title}|{title}")}),
            })
            .unwrap();
        let got = batch
            .push_with(&DealGet { id: 0 }, [("id", added.result())])
            .unwrap();
        pairs.push((title, got));
    }
    let results = client(&portal).batch(batch).await.unwrap();
    assert!(results.all_executed(), "{:?}", results.commands());
    for (title, got) in pairs {
        let deal = results.get(got).unwrap().result;
        assert_eq!(deal.TITLE, title);
        assert_eq!(
            deal.COMMENTS.as_deref(),
            Some(format!("{title}|{title}").as_str())
        );
    }
}

#[tokio::test]
async fn a_reference_to_another_batch_is_refused() {
    let portal = portal().await;
    let mut one = Batch::new();
    let mut two = Batch::new();
    let added = one.push(&add("One")).unwrap();
    let err = two
        .push_with(&DealGet { id: 0 }, [("id", added.result())])
        .unwrap_err();
    assert!(
        matches!(err, BatchError::ForeignReference { ref path, .. } if path == "id"),
        "{err:?}"
    );
    assert!(two.is_empty());
    let theirs = two.push(&DealGet { id: 1 }).unwrap();
    let results = client(&portal).batch(one).await.unwrap();
    assert!(matches!(
        results.get(theirs),
        Err(BatchCommandError::ForeignCommand { .. })
    ));
    assert_eq!(results.status(theirs), None);
}

#[tokio::test]
async fn a_lost_reply_with_an_add_is_unknown_and_not_repeated() {
    let portal = portal().await;
    portal.seed_deals(1);
    portal.inject_for("batch", Fault::DropAfterHandling);
    let mut batch = Batch::new();
    let read = batch.push(&DealGet { id: 1 }).unwrap();
    let added = batch.push(&add("Maybe")).unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(results.status(read), Some(CommandStatus::Unknown));
    assert_eq!(results.status(added), Some(CommandStatus::Unknown));
    assert!(matches!(
        results.get(added),
        Err(BatchCommandError::Unknown { ref method, .. }) if method == "crm.deal.add"
    ));
    assert!(results.error().is_some_and(Error::is_fate_unknown));
    let stats = portal.stats();
    assert_eq!(
        stats.calls_by_method["batch"], 1,
        "the batch was not repeated"
    );
    assert_eq!(stats.executed_writes, 1, "the add ran once");
    assert_eq!(portal.deal_count(), 2);
}

#[tokio::test]
async fn a_lost_reply_of_reads_and_updates_is_repeated() {
    let portal = portal().await;
    portal.seed_deals(1);
    portal.inject_for("batch", Fault::DropAfterHandling);
    let mut batch = Batch::new();
    let read = batch.push(&DealGet { id: 1 }).unwrap();
    let update = batch
        .push(&DealUpdate {
            id: 1,
            fields: json!({"COMMENTS": "again"}),
        })
        .unwrap();
    let results = client(&portal).batch(batch).await.unwrap();
    assert!(results.all_executed(), "{:?}", results.error());
    assert_eq!(results.get(read).unwrap().result.ID, "1");
    assert!(results.get(update).unwrap().result);
    assert_eq!(portal.stats().calls_by_method["batch"], 2, "retried once");
}

#[tokio::test]
async fn after_a_failed_call_the_later_calls_are_not_sent() {
    let portal = portal().await;
    let mut batch = Batch::new();
    let first_call: Vec<_> = (0..50)
        .map(|i| batch.push(&add(&format!("A{i}"))).unwrap())
        .collect();
    let second_call: Vec<_> = (0..10)
        .map(|i| batch.push(&add(&format!("B{i}"))).unwrap())
        .collect();
    portal.inject_for("batch", Fault::Overload);
    let results = client(&portal).batch(batch).await.unwrap();
    assert_eq!(results.calls_sent(), 1);
    assert_eq!(portal.stats().calls_by_method["batch"], 1);
    assert_eq!(
        results.error().and_then(Error::api_code),
        Some(&ApiErrorCode::OverloadLimit)
    );
    // The portal refused the call: nothing ran, and nothing of the next call was sent.
    for cmd in first_call.iter().chain(&second_call) {
        assert_eq!(results.status(*cmd), Some(CommandStatus::NotExecuted));
    }
    assert_eq!(portal.deal_count(), 0);
}

#[tokio::test]
async fn a_lost_reply_in_the_second_call_keeps_the_first() {
    let portal = portal().await;
    let mut batch = Batch::new();
    let first_call: Vec<_> = (0..50)
        .map(|i| batch.push(&add(&format!("A{i}"))).unwrap())
        .collect();
    let second_call: Vec<_> = (0..10)
        .map(|i| batch.push(&add(&format!("B{i}"))).unwrap())
        .collect();
    portal.inject_for("batch", Fault::Slow(Duration::ZERO)); // The first call goes through.
    portal.inject_for("batch", Fault::DropAfterHandling);
    let results = client(&portal).batch(batch).await.unwrap();
    for cmd in &first_call {
        assert_eq!(results.status(*cmd), Some(CommandStatus::Executed));
    }
    for cmd in &second_call {
        assert_eq!(results.status(*cmd), Some(CommandStatus::Unknown));
    }
    assert_eq!(results.count(CommandStatus::Unknown), 10);
    assert_eq!(portal.stats().executed_writes, 60, "each add ran once");
}

#[tokio::test]
async fn a_batch_over_oauth() {
    let portal = portal().await;
    portal.seed_deals(1);
    let app = OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap();
    let client = Client::builder(Auth::oauth(app, MemoryTokenStore::new()))
        .retry(FAST)
        .build()
        .unwrap();
    client
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    let mut batch = Batch::new();
    let added = batch.push(&add("Over OAuth")).unwrap();
    let got = batch
        .push_with(&DealGet { id: 0 }, [("id", added.result())])
        .unwrap();
    let results = client.batch(batch).await.unwrap();
    assert_eq!(results.get(got).unwrap().result.TITLE, "Over OAuth");
    // The token expires: the batch is refreshed and repeated (not executed the first time).
    portal.expire_access_tokens();
    let mut batch = Batch::new();
    let again = batch.push(&add("After refresh")).unwrap();
    let results = client.batch(batch).await.unwrap();
    assert_eq!(results.get(again).unwrap().result, 3);
    assert_eq!(portal.stats().token_refreshes, 1);
}

#[tokio::test]
async fn commands_run_in_push_order_past_ten() {
    // `c10` sorts before `c9` as text: a chain through them only works if the commands
    // are sent in push order.
    let portal = portal().await;
    let mut batch = Batch::new();
    let first = batch.push(&add("Chained")).unwrap();
    let mut previous = batch
        .push_with(&DealGet { id: 0 }, [("id", first.result())])
        .unwrap();
    for _ in 0..20 {
        previous = batch
            .push_with(&DealGet { id: 0 }, [("id", previous.field("ID"))])
            .unwrap();
    }
    assert_eq!(previous.name(), "c21");
    let results = client(&portal).batch(batch).await.unwrap();
    assert!(results.all_executed(), "{:?}", results.commands());
    assert_eq!(results.get(previous).unwrap().result.TITLE, "Chained");
}
