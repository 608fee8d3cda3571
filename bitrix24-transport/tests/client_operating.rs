//! The operating-time budget: a method whose `time.operating` grows towards the limit is
//! slowed down before the portal answers `OPERATION_TIME_LIMIT` (the test portal counts
//! each call's execution time per credential and method, and refuses at the limit).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bitrix24_testkit::{OperatingLimit, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::operating_budget::OperatingBudget;
use bitrix24_transport::ratelimit::{BucketConfig, MemoryLimiter};
use bitrix24_transport::retry::RetryPolicy;
use bitrix24_transport::{CallKind, Limiter};
use serde_json::json;

const CALLERS: usize = 16;
const CALLS_EACH: usize = 2;

async fn portal() -> TestPortal {
    let portal = TestPortal::start_with(PortalConfig {
        // 6 s of execution per 2 s window; a call costs 0.25 s: 24 calls fill it, and the
        // first 16 at once (nothing known yet) use 4 s of it.
        operating: Some(
            OperatingLimit::new(Duration::from_secs(6), Duration::from_secs(2))
                .cost("crm.deal.get", Duration::from_millis(250)),
        ),
        ..PortalConfig::unlimited()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    portal
}

/// `CALLERS` callers making `CALLS_EACH` calls each, one after another; the failures.
async fn run(portal: &TestPortal, budget: Option<OperatingBudget>) -> usize {
    let limiter = MemoryLimiter::new(BucketConfig {
        capacity: 1000,
        drain_per_second: 1000.0,
    })
    .with_operating_budget(budget);
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .limiter(Arc::new(limiter) as Arc<dyn Limiter>)
    // A refusal must fail the call, not be waited out by the retry rule.
    .retry(RetryPolicy::NONE)
    .build()
    .unwrap();
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut failed = 0;
                for _ in 0..CALLS_EACH {
                    let reply = client
                        .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                        .await;
                    failed += usize::from(reply.is_err());
                }
                failed
            })
        })
        .collect();
    let mut failed = 0;
    for caller in callers {
        failed += caller.await.unwrap();
    }
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_near_its_operating_limit_waits_instead_of_being_blocked() {
    let portal = portal().await;
    let start = Instant::now();
    // No reserve of its own: the margin is what the replies and the 16 calls in flight
    // say (twice the step seen would not cover them).
    let budget = OperatingBudget {
        limit: Duration::from_secs(6),
        reserve: Duration::ZERO,
    };
    let failed = run(&portal, Some(budget)).await;
    let elapsed = start.elapsed();
    assert_eq!((failed, portal.stats().operation_time_limited), (0, 0));
    // 32 calls of 0.25 s against 6 s per 2 s: they had to spread over windows.
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_budget_the_portal_blocks_the_method() {
    // The control experiment: the same calls untracked are refused.
    let portal = portal().await;
    let failed = run(&portal, None).await;
    assert!(failed >= 1, "{failed}");
    assert_eq!(portal.stats().operation_time_limited as usize, failed);
}
