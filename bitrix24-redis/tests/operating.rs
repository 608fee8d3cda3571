//! The operating-time budget shared through Redis: clients standing for four processes
//! (each its own limiter and connection, eight callers each) calling one method of one
//! webhook slow down together before the portal blocks it, with no reserve: the replies
//! and the calls in flight of all of them set the margin.

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

const CALLERS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_the_budget_wait_instead_of_being_blocked() {
    let redis = RedisServer::start().await.unwrap();
    let portal = TestPortal::start_with(PortalConfig {
        // 6 s of execution per 2 s window; a call costs 0.25 s: 24 calls fill it.
        operating: Some(
            OperatingLimit::new(Duration::from_secs(6), Duration::from_secs(2))
                .cost("crm.deal.get", Duration::from_millis(250)),
        ),
        ..PortalConfig::unlimited()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    // No reserve of its own: the margin is what the replies and the calls in flight of
    // all four processes say.
    let budget = OperatingBudget {
        limit: Duration::from_secs(6),
        reserve: Duration::ZERO,
    };
    // Four clients, each with its own limiter and connection: as four processes.
    let mut clients = Vec::new();
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
        clients.push(
            Client::builder(Auth::Webhook(
                Webhook::parse(&portal.webhook_url()).unwrap(),
            ))
            .limiter(Arc::new(limiter) as Arc<dyn Limiter>)
            .retry(RetryPolicy::NONE)
            .build()
            .unwrap(),
        );
    }
    // One call first, so that the method's cost is known before the 32 callers send at
    // once (before any reply nothing is known, and nothing is checked); its reply is
    // recorded in Redis a moment later.
    let call = |client: &Client| {
        let client = client.clone();
        async move {
            client
                .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                .await
        }
    };
    call(&clients[0]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    let mut callers = Vec::new();
    for client in &clients {
        // Eight callers per process, one call each, all at once.
        for _ in 0..CALLERS {
            let client = client.clone();
            callers.push(tokio::spawn(async move {
                usize::from(call(&client).await.is_err())
            }));
        }
    }
    let mut failed = 0;
    for caller in callers {
        failed += caller.await.unwrap();
    }
    assert_eq!((failed, portal.stats().operation_time_limited), (0, 0));
    // 33 calls of 0.25 s against 6 s per 2 s: they had to spread over two windows.
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}
