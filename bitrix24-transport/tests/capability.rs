//! The capability check against the test portal: a portal that lacks modules and
//! methods, a webhook granted some scopes, portals older than `method.get` or newer than
//! `methods`, and what it costs in requests.

use bitrix24_testkit::{PortalCapabilities, PortalConfig, TestPortal};
use bitrix24_transport::capability::{Availability, CheckSource, MethodQuery};
use bitrix24_transport::client::Client;
use bitrix24_transport::{ApiErrorCode, CallKind, Error};
use serde_json::{Value, json};

/// An on-premise portal without the tasks module and without `crm.item.import`, and a
/// webhook granted `crm` and `user`.
fn lagging(extra_absent: &[&str]) -> PortalConfig {
    let mut absent_methods = vec!["crm.item.import".to_owned()];
    absent_methods.extend(extra_absent.iter().map(|m| (*m).to_owned()));
    PortalConfig {
        rate_limit: None,
        capabilities: PortalCapabilities {
            granted_scopes: Some(vec!["crm".into(), "user".into()]),
            absent_scopes: vec!["task".into(), "tasks".into()],
            absent_methods,
            extra_methods: Vec::new(),
        },
        ..PortalConfig::default()
    }
}

async fn names(client: &Client, params: Value) -> Vec<String> {
    let reply = client
        .call_raw("methods", params, CallKind::Read)
        .await
        .unwrap();
    serde_json::from_value(reply.result).unwrap()
}

const MISSING_TASKS: &[&str] = &[
    "tasks.task.add",
    "tasks.task.get",
    "tasks.task.list",
    "tasks.task.update",
    "tasks.task.delete",
    "task.commentitem.add",
    "task.checklistitem.add",
    "task.elapseditem.add",
    "crm.item.import",
];

#[tokio::test]
async fn two_hundred_methods_cost_six_requests() {
    let portal = TestPortal::start_with(lagging(&[])).await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();

    // The methods to check: 130 of crm, 50 of im, the tasks module and made-up names.
    let crm = names(&client, json!({"scope": "crm"})).await;
    let im = names(&client, json!({"scope": "im"})).await;
    assert!(
        crm.len() >= 130 && im.len() >= 50,
        "{} {}",
        crm.len(),
        im.len()
    );
    let made_up: Vec<String> = (0..11).map(|i| format!("crm.future.method{i}")).collect();
    let mut methods: Vec<String> = Vec::new();
    methods.extend(
        crm.iter()
            .filter(|m| *m != "crm.item.import")
            .take(130)
            .cloned(),
    );
    methods.extend(im.iter().take(50).cloned());
    methods.extend(MISSING_TASKS.iter().map(|m| (*m).to_owned()));
    methods.extend(made_up.iter().cloned());
    assert_eq!(methods.len(), 200);

    let before = portal.stats();
    let report = client.check_capabilities(&methods).await.unwrap();
    let after = portal.stats();

    // 202 questions (scope, scope?full, 200 × method.get) in 5 batch calls, and one
    // more to name the scope of the methods that are not granted.
    assert_eq!(after.http_requests - before.http_requests, 6);
    let asked = |method: &str| {
        after.calls_by_method.get(method).copied().unwrap_or(0)
            - before.calls_by_method.get(method).copied().unwrap_or(0)
    };
    assert_eq!(asked("method.get"), 200);
    assert_eq!(asked("batch"), 6);

    assert_eq!(report.source(), CheckSource::MethodGet);
    assert_eq!(report.methods().len(), 200);
    assert_eq!(
        report.granted_scopes().unwrap(),
        ["crm".to_owned(), "user".to_owned()]
    );
    let portal_scopes = report.portal_scopes().unwrap();
    assert!(portal_scopes.contains(&"im".to_owned()));
    assert!(!portal_scopes.contains(&"task".to_owned()));
    for (index, method) in report.methods().iter().enumerate() {
        assert_eq!(method.name(), methods[index], "the order given is kept");
        let expected = if index < 130 {
            Availability::Available
        } else if index < 180 {
            Availability::NotGranted {
                scope: Some("im".into()),
            }
        } else {
            Availability::Missing { absent_scope: None }
        };
        assert_eq!(method.availability(), &expected, "{}", method.name());
    }
    assert!(!report.all_available());
    assert_eq!(report.unavailable().count(), 70);

    let table = report.to_string();
    assert!(table.starts_with("METHOD"), "{table}");
    assert!(table.ends_with(
        "200 methods: 130 available, 20 missing, 50 not allowed, 0 unknown; granted scopes: crm, user"
    ));
}

#[tokio::test]
async fn scopes_given_with_methods_tell_an_absent_module() {
    let portal = TestPortal::start_with(lagging(&[])).await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let report = client
        .check_capabilities([
            MethodQuery::new("tasks.task.add").with_scope("task"),
            MethodQuery::new("crm.item.import").with_scope("crm"),
            MethodQuery::new("CRM.Deal.Get").with_scope("crm"),
            MethodQuery::new("crm.deal.get"),
            MethodQuery::new("not a method"),
            MethodQuery::new("server.time"),
        ])
        .await
        .unwrap();
    // The name given twice (in another case) is checked once.
    assert_eq!(report.methods().len(), 5);
    assert_eq!(
        report.get("tasks.task.add"),
        Some(&Availability::Missing {
            absent_scope: Some("task".into())
        })
    );
    // The crm module is there: the method is newer than the portal.
    assert_eq!(
        report.get("crm.item.import"),
        Some(&Availability::Missing { absent_scope: None })
    );
    assert_eq!(report.get("crm.deal.get"), Some(&Availability::Available));
    assert_eq!(report.get("server.time"), Some(&Availability::Available));
    assert!(matches!(
        report.get("not a method"),
        Some(Availability::Unknown { .. })
    ));
    // No method exists without being granted: one batch call, nothing to attribute.
    assert_eq!(portal.stats().http_requests, 1);
}

#[tokio::test]
async fn a_portal_older_than_method_get_is_asked_with_methods() {
    let portal = TestPortal::start_with(lagging(&["method.get"]))
        .await
        .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let report = client
        .check_capabilities(["crm.deal.add", "im.message.add", "tasks.task.add"])
        .await
        .unwrap();
    assert_eq!(report.source(), CheckSource::MethodsList);
    assert_eq!(report.get("crm.deal.add"), Some(&Availability::Available));
    assert_eq!(
        report.get("im.message.add"),
        Some(&Availability::NotGranted {
            scope: Some("im".into())
        })
    );
    assert_eq!(
        report.get("tasks.task.add"),
        Some(&Availability::Missing { absent_scope: None })
    );
    // method.get + scopes; methods + methods?full; methods?scope=S per scope.
    assert_eq!(portal.stats().http_requests, 3);
}

#[tokio::test]
async fn where_methods_no_longer_answers_the_given_scope_is_reported() {
    let portal = TestPortal::start_with(lagging(&["methods"])).await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let report = client
        .check_capabilities([
            MethodQuery::new("im.message.add").with_scope("im"),
            MethodQuery::new("im.chat.add"),
            MethodQuery::new("crm.deal.add"),
        ])
        .await
        .unwrap();
    assert_eq!(
        report.get("im.message.add"),
        Some(&Availability::NotGranted {
            scope: Some("im".into())
        })
    );
    assert_eq!(
        report.get("im.chat.add"),
        Some(&Availability::NotGranted { scope: None })
    );
    assert_eq!(report.get("crm.deal.add"), Some(&Availability::Available));
}

#[tokio::test]
async fn a_portal_answering_neither_leaves_methods_unknown() {
    let portal = TestPortal::start_with(lagging(&["methods", "method.get"]))
        .await
        .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let report = client.check_capabilities(["crm.deal.add"]).await.unwrap();
    match report.get("crm.deal.add") {
        Some(Availability::Unknown { reason }) => {
            assert!(
                reason.contains("neither method.get nor methods"),
                "{reason}"
            );
            assert!(reason.contains("ERROR_METHOD_NOT_FOUND"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn by_default_everything_is_there_and_granted() {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let report = client
        .check_capabilities(["crm.deal.add", "im.message.add", "tasks.task.add"])
        .await
        .unwrap();
    assert!(report.all_available(), "{report}");
    let granted = report.granted_scopes().unwrap();
    assert!(granted.contains(&"im".to_owned()) && granted.contains(&"task".to_owned()));
}

#[tokio::test]
async fn calls_outside_the_portal_or_the_scopes_are_refused_as_documented() {
    let portal = TestPortal::start_with(lagging(&[])).await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let err = client
        .call_raw("im.message.add", json!({}), CallKind::Write)
        .await
        .unwrap_err();
    match err {
        Error::Api(api) => {
            assert_eq!(api.code, ApiErrorCode::InsufficientScope);
            assert_eq!(api.status, Some(403));
            assert_eq!(api.method, "im.message.add");
        }
        other => panic!("{other:?}"),
    }
    let err = client
        .call_raw("tasks.task.add", json!({}), CallKind::Write)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.code == ApiErrorCode::MethodNotFound),
        "{err:?}"
    );
    // Granted scopes and basic methods still work.
    let id = client
        .call_raw(
            "crm.deal.add",
            json!({"fields": {"TITLE": "x"}}),
            CallKind::Write,
        )
        .await
        .unwrap();
    assert!(id.result.as_u64().is_some());
    client
        .call_raw("server.time", json!({}), CallKind::Read)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_failed_call_is_an_error_not_a_report() {
    let portal = TestPortal::start_with(lagging(&[])).await.unwrap();
    let wrong = portal.webhook_url().replace("/rest/1/", "/rest/1/x");
    let client = Client::webhook(&wrong).unwrap();
    let err = client
        .check_capabilities(["crm.deal.add"])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.code == ApiErrorCode::InvalidCredentials),
        "{err:?}"
    );
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_checks_too() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let portal = runtime
        .block_on(TestPortal::start_with(lagging(&[])))
        .unwrap();
    let client = bitrix24_transport::BlockingClient::webhook(&portal.webhook_url()).unwrap();
    let report = client
        .check_capabilities(["crm.deal.add", "im.message.add"])
        .unwrap();
    assert_eq!(report.get("crm.deal.add"), Some(&Availability::Available));
    assert_eq!(
        report.get("im.message.add"),
        Some(&Availability::NotGranted {
            scope: Some("im".into())
        })
    );
}
