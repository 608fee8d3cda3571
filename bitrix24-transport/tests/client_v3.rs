//! REST 3.0 through the client against the test portal: the `/rest/api/` webhook and OAuth
//! forms, the unified reply and error formats, and `Idempotency-Key`: a write whose reply
//! was lost is retried with the same key and applied once.

mod client_support;

use std::time::Duration;

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::auth::{MemoryTokenStore, OAuthApp};
use bitrix24_transport::client::{Auth, CallOptions, Client};
use bitrix24_transport::v3::{Flag, Item, Items};
use bitrix24_transport::{ApiErrorCode, ApiVersion, CallKind, Error, Idempotency, IdempotencyKey};
use client_support::{FAST, impl_method};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A task as REST 3.0 returns it (the fields these tests look at).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Task {
    id: u64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    responsible_id: Option<u64>,
    #[serde(default)]
    deadline: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    responsible: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct NewTask {
    title: String,
    creator_id: u64,
    responsible_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<String>,
}

#[derive(Debug, Serialize)]
struct TaskAdd {
    fields: NewTask,
}
impl_method!(
    TaskAdd,
    "tasks.task.add",
    Some("tasks"),
    Write,
    Item<Task>,
    V3
);

#[derive(Debug, Serialize)]
struct TaskGet {
    id: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    select: Vec<&'static str>,
}
impl_method!(
    TaskGet,
    "tasks.task.get",
    Some("tasks"),
    Read,
    Item<Task>,
    V3
);

#[derive(Debug, Serialize)]
struct TaskUpdate {
    id: u64,
    fields: Value,
}
impl_method!(
    TaskUpdate,
    "tasks.task.update",
    Some("tasks"),
    IdempotentWrite,
    Flag,
    V3
);

#[derive(Debug, Serialize)]
struct TaskDelete {
    id: u64,
}
impl_method!(
    TaskDelete,
    "tasks.task.delete",
    Some("tasks"),
    IdempotentWrite,
    Flag,
    V3
);

#[derive(Debug, Default, Serialize)]
struct TaskList {
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination: Option<Value>,
}
impl_method!(
    TaskList,
    "tasks.task.list",
    Some("tasks"),
    Read,
    Items<Task>,
    V3
);

/// `tasks.task.get` read into a type whose `id` is text: the reply does not fit.
#[derive(Debug, Serialize)]
struct TaskGetMistyped {
    id: u64,
}
#[derive(Debug, Deserialize)]
struct MistypedTask {
    #[serde(rename = "id")]
    _id: String,
}
impl_method!(
    TaskGetMistyped,
    "tasks.task.get",
    Some("tasks"),
    Read,
    Item<MistypedTask>,
    V3
);

/// A classic write, for the contrast with REST 3.0.
#[derive(Debug, Serialize)]
struct DealAdd {
    fields: Value,
}
impl_method!(DealAdd, "crm.deal.add", Some("crm"), Write, u64);

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

fn webhook_client(portal: &TestPortal) -> Client {
    Client::builder(Auth::Webhook(
        bitrix24_transport::auth::Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .rate_limit(None)
    .build()
    .unwrap()
}

fn new_task(title: &str) -> TaskAdd {
    TaskAdd {
        fields: NewTask {
            title: title.into(),
            creator_id: 1,
            responsible_id: 2,
            deadline: Some("2026-12-31T23:59:59+02:00".into()),
        },
    }
}

fn calls(portal: &TestPortal, method: &str) -> u64 {
    portal
        .stats()
        .calls_by_method
        .get(method)
        .copied()
        .unwrap_or(0)
}

fn api_error(err: Error) -> bitrix24_transport::ApiError {
    match err {
        Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn crud_over_the_webhook_form() {
    let portal = portal().await;
    let client = webhook_client(&portal);

    let added = client.call(&new_task("Prepare a report")).await.unwrap();
    let task = added.result.item;
    assert_eq!(task.id, 1);
    assert_eq!(task.title.as_deref(), Some("Prepare a report"));
    assert_eq!(task.status.as_deref(), Some("pending"));
    // Stored in the portal's zone (+03:00), as a portal returns datetimes.
    assert_eq!(task.deadline.as_deref(), Some("2027-01-01T00:59:59+03:00"));
    assert!(added.time.is_some(), "the unified format carries `time`");

    let fetched = client
        .call(&TaskGet {
            id: task.id,
            select: vec!["id", "title", "responsible.name", "responsible.email"],
        })
        .await
        .unwrap()
        .result
        .item;
    assert_eq!(fetched.title.as_deref(), Some("Prepare a report"));
    assert_eq!(fetched.deadline, None, "not selected");
    assert_eq!(
        fetched.responsible,
        Some(json!({"name": "Anna", "email": "anna.smith@example.com"}))
    );

    let updated = client
        .call(&TaskUpdate {
            id: task.id,
            fields: json!({"title": "Report, final", "status": "in_progress"}),
        })
        .await
        .unwrap();
    assert!(updated.result.result);
    let fetched = client
        .call(&TaskGet {
            id: task.id,
            select: Vec::new(),
        })
        .await
        .unwrap()
        .result
        .item;
    assert_eq!(fetched.title.as_deref(), Some("Report, final"));
    assert_eq!(fetched.status.as_deref(), Some("in_progress"));
    assert_eq!(fetched.responsible_id, Some(2));

    for title in ["b", "c", "d"] {
        client.call(&new_task(title)).await.unwrap();
    }
    let listed = client
        .call(&TaskList {
            select: Some(vec!["id", "title"]),
            filter: Some(json!([["id", ">", 1], {"logic": "or", "conditions": [["id", [2, 4]], ["id", "=", 3]]}])),
            order: Some(json!({"id": "DESC"})),
            pagination: Some(json!({"page": 1, "limit": 2})),
        })
        .await
        .unwrap()
        .result
        .items;
    let ids: Vec<u64> = listed.iter().map(|task| task.id).collect();
    assert_eq!(ids, [4, 3]);
    assert_eq!(listed[0].title.as_deref(), Some("d"));
    // Without `select` a list holds ids only.
    let ids_only = client
        .call(&TaskList::default())
        .await
        .unwrap()
        .result
        .items;
    assert_eq!(ids_only.len(), 4);
    assert!(ids_only.iter().all(|task| task.title.is_none()));

    let deleted = client.call(&TaskDelete { id: task.id }).await.unwrap();
    assert!(deleted.result.result);
    assert_eq!(portal.task_count(), 3);
    let err = client
        .call(&TaskGet {
            id: task.id,
            select: Vec::new(),
        })
        .await
        .unwrap_err();
    let api = api_error(err);
    assert_eq!(
        api.code.as_wire(),
        "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION"
    );
    assert_eq!(api.status, Some(400));
    assert_eq!(
        api.description.as_deref(),
        Some("Record with ID = `1` not found")
    );

    let stats = portal.stats();
    assert_eq!(stats.executed_writes, 6, "4 adds, 1 update, 1 delete");
    assert_eq!(stats.idempotent_replays, 0);
}

#[tokio::test]
async fn error_replies_name_the_method_code_and_fields() {
    let portal = portal().await;
    let client = webhook_client(&portal);

    // Missing required fields: one validation entry per field.
    let err = client
        .call_raw_with(
            "tasks.task.add",
            json!({"fields": {"description": "no title"}}),
            CallKind::Write,
            ApiVersion::V3,
            CallOptions::default(),
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    let api = api_error(err);
    assert_eq!(
        api.code.as_wire(),
        "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION"
    );
    assert_eq!(api.status, Some(400));
    assert_eq!(api.method, "tasks.task.add");
    assert_eq!(
        api.description.as_deref(),
        Some(
            "Error validating request object: `title`: Required field `title` is not specified; \
             `creatorId`: Required field `creatorId` is not specified; \
             `responsibleId`: Required field `responsibleId` is not specified"
        )
    );
    assert!(
        text.starts_with("tasks.task.add: BITRIX_REST_V3_EXCEPTION_VALIDATION_"),
        "{text}"
    );

    // A wrong type, and an unknown user.
    let mut bad = new_task("x");
    bad.fields.deadline = Some("tomorrow".into());
    bad.fields.responsible_id = 99;
    let api = api_error(client.call(&bad).await.unwrap_err());
    let description = api.description.unwrap();
    assert!(
        description.contains("`deadline`: Field `deadline` requires data type `DateTime`"),
        "{description}"
    );
    assert!(
        description.contains("`responsibleId`: User specified in the \"Executor\" field not found"),
        "{description}"
    );

    // `creatorId` cannot be changed; a task that does not exist is access denied.
    client.call(&new_task("t")).await.unwrap();
    let api = api_error(
        client
            .call(&TaskUpdate {
                id: 1,
                fields: json!({"creatorId": 2}),
            })
            .await
            .unwrap_err(),
    );
    assert!(
        api.description
            .unwrap()
            .contains("`creatorId`: In DTO `TaskDto`")
    );
    let api = api_error(
        client
            .call(&TaskUpdate {
                id: 42,
                fields: json!({"title": "x"}),
            })
            .await
            .unwrap_err(),
    );
    assert_eq!(
        api.code.as_wire(),
        "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION"
    );
    assert_eq!(api.status, Some(403));

    // Lists: an unknown relation in `select`, a bad order, a bad page, a filter field.
    let cases = [
        (
            TaskList {
                select: Some(vec!["responsible.stageId"]),
                ..TaskList::default()
            },
            "UNKNOWNDTOPROPERTYEXCEPTION",
            "Unknown field `stageId` for entity `UserDto`",
        ),
        (
            TaskList {
                order: Some(json!({"id": "UP"})),
                ..TaskList::default()
            },
            "INVALIDORDEREXCEPTION",
            "sorting parameter",
        ),
        (
            TaskList {
                pagination: Some(json!({"limit": "abc"})),
                ..TaskList::default()
            },
            "INVALIDPAGINATIONEXCEPTION",
            "pagination parameter",
        ),
        (
            TaskList {
                filter: Some(json!([["title", "=", "x"]])),
                ..TaskList::default()
            },
            "VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "`title`: In DTO `TaskDto`, the `title` field requires the `Filterable` attribute",
        ),
    ];
    for (request, code, words) in cases {
        let api = api_error(client.call(&request).await.unwrap_err());
        assert_eq!(
            api.code.as_wire(),
            format!("BITRIX_REST_V3_EXCEPTION_{code}")
        );
        let description = api.description.unwrap_or_default();
        assert!(description.contains(words), "{description}");
    }

    // A method the portal does not serve at /rest/api/.
    let err = client
        .call_raw_with(
            "crm.deal.list",
            json!({}),
            CallKind::Read,
            ApiVersion::V3,
            CallOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ApiErrorCode::MethodNotFound));
}

#[tokio::test]
async fn a_reply_that_does_not_fit_names_the_method_and_path() {
    let portal = portal().await;
    let client = webhook_client(&portal);
    client.call(&new_task("t")).await.unwrap();
    let err = client.call(&TaskGetMistyped { id: 1 }).await.unwrap_err();
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.method, "tasks.task.get");
            assert_eq!(decode.path, "result.item.id");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("tasks.task.get: cannot read the response at `result.item.id`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_write_whose_reply_was_lost_is_retried_with_its_key_and_applied_once() {
    let portal = portal().await;
    let client = webhook_client(&portal);

    portal.inject_for("tasks.task.add", Fault::DropAfterHandling);
    let added = client.call(&new_task("exactly once")).await.unwrap();
    assert_eq!(added.result.item.id, 1);
    assert_eq!(added.result.item.title.as_deref(), Some("exactly once"));
    let stats = portal.stats();
    assert_eq!(calls(&portal, "tasks.task.add"), 2, "sent twice");
    assert_eq!(stats.executed_writes, 1, "executed once");
    assert_eq!(
        stats.idempotent_replays, 1,
        "the repeat got the stored reply"
    );
    assert_eq!(portal.task_count(), 1);

    // The next call has its own key: it runs.
    client.call(&new_task("second")).await.unwrap();
    assert_eq!(portal.task_count(), 2);
    assert_eq!(portal.stats().executed_writes, 2);

    // A gateway error after the call ran: retried, applied once.
    portal.inject_for("tasks.task.update", Fault::DropAfterHandling);
    portal.inject_for("tasks.task.update", Fault::HtmlPage(502));
    let updated = client
        .call(&TaskUpdate {
            id: 2,
            fields: json!({"title": "second, renamed"}),
        })
        .await
        .unwrap();
    assert!(updated.result.result);
    assert_eq!(portal.stats().executed_writes, 3);
    assert_eq!(portal.stats().idempotent_replays, 2);
    assert_eq!(portal.task(2).unwrap()["title"], "second, renamed");
}

#[tokio::test]
async fn without_a_key_a_lost_write_reply_is_fate_unknown_as_in_the_classic_api() {
    let portal = portal().await;
    let client = webhook_client(&portal);

    // Classic: never repeated.
    portal.inject_for("crm.deal.add", Fault::DropAfterHandling);
    let err = client
        .call(&DealAdd {
            fields: json!({"TITLE": "classic"}),
        })
        .await
        .unwrap_err();
    assert!(err.is_fate_unknown(), "{err:?}");
    assert_eq!(calls(&portal, "crm.deal.add"), 1);

    // REST 3.0 with the key switched off: the same.
    portal.inject_for("tasks.task.add", Fault::DropAfterHandling);
    let off = CallOptions {
        idempotency: Idempotency::Off,
        ..CallOptions::default()
    };
    let err = client
        .call_with(&new_task("no key"), off)
        .await
        .unwrap_err();
    assert!(err.is_fate_unknown(), "{err:?}");
    assert!(!err.to_string().contains("Idempotency-Key"), "{err}");
    assert_eq!(calls(&portal, "tasks.task.add"), 1);
    assert_eq!(portal.task_count(), 1, "it ran; the client cannot know");

    // A classic call with an explicit key is refused before sending: the classic API
    // would ignore it.
    let keyed = CallOptions {
        idempotency: Idempotency::Key(IdempotencyKey::new("k-1").unwrap()),
        ..CallOptions::default()
    };
    let err = client
        .call_with(
            &DealAdd {
                fields: json!({"TITLE": "x"}),
            },
            keyed,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert!(err.to_string().contains("only for REST 3.0"), "{err}");
    assert_eq!(calls(&portal, "crm.deal.add"), 1, "not sent");
}

#[tokio::test]
async fn a_callers_key_settles_a_write_across_calls_and_refuses_other_parameters() {
    let portal = portal().await;
    let client = webhook_client(&portal);
    let key = IdempotencyKey::new("order-2026-0042").unwrap();
    let keyed = CallOptions {
        idempotency: Idempotency::Key(key),
        ..CallOptions::default()
    };

    let first = client
        .call_with(&new_task("from order 42"), keyed)
        .await
        .unwrap();
    // Another client (a restarted process) repeats the call with the stored key.
    let again = webhook_client(&portal)
        .call_with(&new_task("from order 42"), keyed)
        .await
        .unwrap();
    assert_eq!(again.result, first.result, "the stored reply");
    assert_eq!(portal.task_count(), 1);
    assert_eq!(portal.stats().executed_writes, 1);
    assert_eq!(portal.stats().idempotent_replays, 1);

    // The same key with other parameters: refused, not repeated, not executed.
    let err = client
        .call_with(&new_task("something else"), keyed)
        .await
        .unwrap_err();
    let api = api_error(err);
    assert_eq!(
        api.code.as_wire(),
        "BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION"
    );
    assert_eq!(api.status, Some(422));
    assert_eq!(calls(&portal, "tasks.task.add"), 3);
    assert_eq!(portal.task_count(), 1);

    // The same key for another method is another call.
    let deleted = client
        .call_with(
            &TaskDelete {
                id: first.result.item.id,
            },
            keyed,
        )
        .await
        .unwrap();
    assert!(deleted.result.result);
    assert_eq!(portal.task_count(), 0);
}

#[tokio::test]
async fn a_keyed_write_that_timed_out_early_is_not_repeated_but_can_be_settled() {
    let portal = portal().await;
    let client = webhook_client(&portal);
    let key = IdempotencyKey::generate();
    // A timeout far below the portal's 60-second execution limit: the first attempt
    // may still be running, so the client does not send a second one.
    let quick = CallOptions {
        timeout: Some(Duration::from_millis(200)),
        idempotency: Idempotency::Key(key),
        ..CallOptions::default()
    };
    portal.inject_for("tasks.task.add", Fault::Slow(Duration::from_secs(2)));
    let err = client
        .call_with(&new_task("slow"), quick)
        .await
        .unwrap_err();
    assert!(err.is_fate_unknown(), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("Idempotency-Key `{key}`")),
        "{err}"
    );
    assert_eq!(calls(&portal, "tasks.task.add"), 1);

    // Settling it later with the same key returns what the first attempt did.
    let settled = client
        .call_with(
            &new_task("slow"),
            CallOptions {
                idempotency: Idempotency::Key(key),
                ..CallOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(settled.result.item.title.as_deref(), Some("slow"));
    assert_eq!(portal.task_count(), 1);
    assert_eq!(portal.stats().executed_writes, 1);
}

#[tokio::test]
async fn the_oauth_form_with_a_token_refresh_and_a_lost_reply() {
    let portal = portal().await;
    let app = OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap();
    let client = Client::builder(Auth::oauth(app, MemoryTokenStore::new()))
        .retry(FAST)
        .rate_limit(None)
        .build()
        .unwrap();
    client
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();

    let added = client.call(&new_task("over OAuth")).await.unwrap();
    assert_eq!(added.result.item.id, 1);
    let fetched = client
        .call(&TaskGet {
            id: 1,
            select: vec!["id", "title"],
        })
        .await
        .unwrap();
    assert_eq!(fetched.result.item.title.as_deref(), Some("over OAuth"));

    // The token expires and the reply to the retried write is lost: the client refreshes,
    // sends again (new `auth`, same key), and the write still runs once.
    portal.expire_access_tokens();
    // The first fault is a no-op for the attempt that meets `expired_token`.
    portal.inject_for("tasks.task.add", Fault::Slow(Duration::ZERO));
    portal.inject_for("tasks.task.add", Fault::DropAfterHandling);
    let second = client.call(&new_task("after refresh")).await.unwrap();
    assert_eq!(second.result.item.id, 2);
    let stats = portal.stats();
    assert_eq!(stats.token_refreshes, 1);
    assert_eq!(stats.executed_writes, 2);
    assert_eq!(stats.idempotent_replays, 1);
    assert_eq!(portal.task_count(), 2);
}
