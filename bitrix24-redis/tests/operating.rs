//! The operating-time budget shared through Redis: clients standing for four processes
//! (each its own limiter and connection) calling one method of one webhook slow down
//! together before the portal blocks it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bitrix24_redis::{PortalKeys, RedisLimiter, RedisServer};
use bitrix24_testkit::{OperatingLimit, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::operating_budget::OperatingBudget;
use bitrix24_transport::ratelimit::BucketConfig;
use bitrix24_transport::retry::RetryPolicy;
use bitrix24_transport::{CallKind, Limiter};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_the_budget_wait_instead_of_being_blocked() {
    let redis = RedisServer::start().await.unwrap();
    let portal = TestPortal::start_with(PortalConfig {
        // 3 s of execution per 2 s window; a call costs 0.25 s.
        operating: Some(
            OperatingLimit::new(Duration::from_secs(3), Duration::from_secs(2))
                .cost("crm.deal.get", Duration::from_millis(250)),
        ),
        ..PortalConfig::unlimited()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    // The margin covers what four processes can have in flight or not yet recorded.
    let budget = OperatingBudget {
        limit: Duration::from_secs(3),
        reserve: Duration::from_secs(2),
    };
    let mut callers = Vec::new();
    let start = Instant::now();
    for _ in 0..4 {
        let connection = bitrix24_redis::connect(&redis.url()).await.unwrap();
        let limiter = RedisLimiter::new(
            connection,
            PortalKeys::new("operating"),
            BucketConfig {
                capacity: 1000,
                drain_per_second: 1000.0,
            },
        )
        .with_operating_budget(Some(budget))
        .with_credential("webhook-1");
        let client = Client::builder(Auth::Webhook(
            Webhook::parse(&portal.webhook_url()).unwrap(),
        ))
        .limiter(Arc::new(limiter) as Arc<dyn Limiter>)
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap();
        callers.push(tokio::spawn(async move {
            let mut failed = 0;
            for _ in 0..5 {
                let reply = client
                    .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                    .await;
                failed += usize::from(reply.is_err());
            }
            failed
        }));
    }
    let mut failed = 0;
    for caller in callers {
        failed += caller.await.unwrap();
    }
    assert_eq!((failed, portal.stats().operation_time_limited), (0, 0));
    // 20 calls of 0.25 s against 3 s per 2 s: they had to spread over windows.
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}
