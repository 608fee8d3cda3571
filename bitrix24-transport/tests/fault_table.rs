//! The README's fault table, one test per row: what each failure proves about the method
//! having run, and what the client does about it, for a read and for a write.
//!
//! Rows not here are tested where their machinery is: `expired_token` in
//! `client_oauth.rs`, a certificate refused in `client_onpremise.rs`, a refused
//! connection in `client_webhook.rs`, the deadline in `deadline.rs`.

// Reason: this file uses the quick retry policy, not the `impl_method!` macro.
#[allow(unused_imports)]
mod client_support;

use std::time::Duration;

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::{ApiErrorCode, CallKind, Error, Response};
use client_support::FAST;
use serde_json::{Value, json};

/// What one call under one fault came to.
struct Outcome {
    result: Result<Response<Value>, Error>,
    /// HTTP requests the portal received for it.
    requests: u64,
    /// Writes the portal executed for it.
    executed: u64,
}

/// Make a read (`crm.deal.get`) or a write (`crm.deal.add`) with `faults` queued.
async fn under(kind: CallKind, faults: &[Fault]) -> Outcome {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(1);
    let before = portal.stats();
    for fault in faults {
        portal.inject(fault.clone());
    }
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .rate_limit(None)
    .timeout(Some(Duration::from_millis(500)))
    .build()
    .unwrap();
    let result = match kind {
        CallKind::Read => {
            client
                .call_raw("crm.deal.get", json!({"id": 1}), kind)
                .await
        }
        _ => {
            client
                .call_raw("crm.deal.add", json!({"fields": {"TITLE": "row"}}), kind)
                .await
        }
    };
    let after = portal.stats();
    Outcome {
        result,
        requests: after.http_requests - before.http_requests,
        executed: after.executed_writes - before.executed_writes,
    }
}

/// The row of a failure that proves the method did not run: both kinds are repeated
/// past the attempts of the policy, and a write runs exactly once.
async fn not_executed_row(fault: Fault) {
    let faults = vec![fault; FAST.max_attempts as usize + 2];
    for kind in [CallKind::Read, CallKind::Write] {
        let outcome = under(kind, &faults).await;
        assert!(outcome.result.is_ok(), "{kind:?}: {:?}", outcome.result);
        assert_eq!(outcome.requests, faults.len() as u64 + 1, "{kind:?}");
        let writes = u64::from(kind == CallKind::Write);
        assert_eq!(outcome.executed, writes, "{kind:?}");
    }
}

/// The row of a failure after which the method may have run: a read is repeated and
/// succeeds; a write is sent once and its fate is unknown; `ran` says whether the portal
/// did run it.
async fn fate_unknown_row(fault: Fault, ran: bool) {
    let read = under(CallKind::Read, std::slice::from_ref(&fault)).await;
    assert!(read.result.is_ok(), "{fault:?}: {:?}", read.result);
    assert_eq!(read.requests, 2, "{fault:?}");
    let write = under(CallKind::Write, std::slice::from_ref(&fault)).await;
    let err = write.result.unwrap_err();
    assert!(err.is_fate_unknown(), "{fault:?}: {err:?}");
    assert_eq!(write.requests, 1, "{fault:?}: never repeated");
    assert_eq!(write.executed, u64::from(ran), "{fault:?}");
}

/// The row of a refusal for good: returned at once for both kinds.
async fn refused_row(fault: Fault, check: impl Fn(&Error) -> bool) {
    for kind in [CallKind::Read, CallKind::Write] {
        let outcome = under(kind, std::slice::from_ref(&fault)).await;
        let err = outcome.result.unwrap_err();
        assert!(check(&err), "{kind:?}: {err:?}");
        assert_eq!(outcome.requests, 1, "{kind:?}");
        assert_eq!(outcome.executed, 0, "{kind:?}");
    }
}

#[tokio::test]
async fn row_query_limit_exceeded_is_repeated_until_it_fits() {
    not_executed_row(Fault::QueryLimit).await;
}

#[tokio::test]
async fn row_operation_time_limit_is_waited_out_and_repeated() {
    // Each refusal blocks the method for about a second: two of them, not six.
    let faults = [Fault::OperationTimeLimit, Fault::OperationTimeLimit];
    for kind in [CallKind::Read, CallKind::Write] {
        let outcome = under(kind, &faults).await;
        assert!(outcome.result.is_ok(), "{kind:?}: {:?}", outcome.result);
        assert_eq!(outcome.requests, 3, "{kind:?}");
        assert_eq!(outcome.executed, u64::from(kind == CallKind::Write));
    }
}

#[tokio::test]
async fn row_internal_server_error_500_may_have_run() {
    fate_unknown_row(Fault::InternalError, false).await;
}

#[tokio::test]
async fn row_gateway_page_5xx_may_have_run() {
    fate_unknown_row(Fault::HtmlPage(502), false).await;
    fate_unknown_row(Fault::EmptyBody(503), false).await;
}

#[tokio::test]
async fn row_connection_dropped_may_have_run() {
    fate_unknown_row(Fault::DropBeforeHandling, false).await;
    fate_unknown_row(Fault::DropAfterHandling, true).await;
}

#[tokio::test]
async fn row_no_reply_within_the_timeout_may_have_run() {
    fate_unknown_row(Fault::Slow(Duration::from_secs(3)), true).await;
}

#[tokio::test]
async fn row_overload_limit_is_never_repeated() {
    refused_row(Fault::Overload, |err| {
        err.api_code() == Some(&ApiErrorCode::OverloadLimit)
    })
    .await;
}

#[tokio::test]
async fn row_client_error_4xx_is_never_repeated() {
    refused_row(Fault::HtmlPage(404), |err| {
        matches!(err, Error::Http { status: 404, .. })
    })
    .await;
}
