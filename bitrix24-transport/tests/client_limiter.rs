//! Any [`Limiter`] plugs into the client: it is asked before every request, told about
//! `QUERY_LIMIT_EXCEEDED` and about every reply's `time`, and a limiter that cannot
//! decide stops the call before it is sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::envelope::Time;
use bitrix24_transport::retry::RetryPolicy;
use bitrix24_transport::{CallKind, Error, Limiter, LimiterError, LimiterFuture};
use serde_json::json;

#[derive(Debug, Default)]
struct Counting {
    acquired: AtomicU32,
    saturated: AtomicU32,
    observed: AtomicU32,
    unreachable: AtomicBool,
}

impl Limiter for Counting {
    fn acquire<'a>(&'a self, method: &'a str) -> LimiterFuture<'a, Result<(), LimiterError>> {
        Box::pin(async move {
            assert_eq!(method, "crm.deal.get");
            if self.unreachable.load(Ordering::SeqCst) {
                return Err(LimiterError::new("the shared bucket is unreachable"));
            }
            self.acquired.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }

    fn saturate(&self) -> LimiterFuture<'_, ()> {
        self.saturated.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {})
    }

    fn observe(&self, method: &str, time: &Time) {
        assert_eq!(method, "crm.deal.get");
        assert!(time.operating.is_some());
        self.observed.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn the_client_asks_its_limiter_and_stops_when_it_cannot_decide() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(1);
    let limiter = Arc::new(Counting::default());
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .limiter(limiter.clone())
    .retry(RetryPolicy {
        base_delay: std::time::Duration::from_millis(1),
        ..RetryPolicy::DEFAULT
    })
    .build()
    .unwrap();
    let call = || client.call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read);

    call().await.unwrap();
    assert_eq!(limiter.acquired.load(Ordering::SeqCst), 1);
    assert_eq!(limiter.observed.load(Ordering::SeqCst), 1);

    // A refusal saturates the limiter, and the retry asks it again.
    portal.inject_for("crm.deal.get", Fault::QueryLimit);
    call().await.unwrap();
    assert_eq!(limiter.saturated.load(Ordering::SeqCst), 1);
    assert_eq!(limiter.acquired.load(Ordering::SeqCst), 3);
    assert_eq!(limiter.observed.load(Ordering::SeqCst), 2);

    // Unreachable: a clear, retryable error and nothing sent.
    let sent = portal.stats().http_requests;
    limiter.unreachable.store(true, Ordering::SeqCst);
    let err = call().await.unwrap_err();
    assert!(matches!(err, Error::Limiter(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "rate limiter: the shared bucket is unreachable"
    );
    assert_eq!(portal.stats().http_requests, sent);
    assert!(format!("{client:?}").contains("Counting"));
}
