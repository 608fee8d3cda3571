//! The Redis bucket against the test portal's: clients that share it never earn
//! `QUERY_LIMIT_EXCEEDED` and finish at the pace the bucket sets; clients with a bucket
//! each do earn it; Redis down fails the call (or falls back) and never sends it blindly.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bitrix24_redis::{PortalKeys, RedisLimiter, RedisServer, Unavailable};
use bitrix24_testkit::{self as testkit, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::ratelimit::{BucketConfig, MemoryLimiter};
use bitrix24_transport::retry::RetryPolicy;
use bitrix24_transport::{CallKind, Error, Limiter};
use serde_json::json;

const BUCKET: BucketConfig = BucketConfig {
    capacity: 20,
    drain_per_second: 10.0,
};

async fn portal() -> TestPortal {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(testkit::BucketConfig {
            capacity: BUCKET.capacity,
            drain_per_second: BUCKET.drain_per_second,
        }),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    portal
}

fn client(portal: &TestPortal, limiter: Arc<dyn Limiter>) -> Client {
    Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .limiter(limiter)
    // A refusal must show in the portal's stats, not be retried away.
    .retry(RetryPolicy::NONE)
    .build()
    .unwrap()
}

/// `per_client` calls from each client at once; the number that failed.
async fn burst(clients: &[Client], per_client: usize) -> usize {
    let calls: Vec<_> = clients
        .iter()
        .flat_map(|client| (0..per_client).map(move |_| client.clone()))
        .map(|client| {
            tokio::spawn(async move {
                client
                    .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                    .await
            })
        })
        .collect();
    let mut failed = 0;
    for call in calls {
        if call.await.unwrap().is_err() {
            failed += 1;
        }
    }
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_four_clients_sharing_the_redis_bucket_never_exceed_the_portal() {
    let redis = RedisServer::start().await.unwrap();
    let portal = portal().await;
    // Four clients, each with its own connection to Redis: as four processes.
    let mut clients = Vec::new();
    for _ in 0..4 {
        let connection = bitrix24_redis::connect(&redis.url()).await.unwrap();
        let limiter = RedisLimiter::new(connection, PortalKeys::new("shared"), BUCKET);
        clients.push(client(&portal, Arc::new(limiter)));
    }
    let start = Instant::now();
    let failed = burst(&clients, 40).await;
    let elapsed = start.elapsed().as_secs_f64();
    let stats = portal.stats();
    assert_eq!((failed, stats.query_limit_exceeded), (0, 0));
    assert_eq!(stats.http_requests, 160);
    // The floor: 140 requests beyond the burst at 10/s = 14 s; within 1.1x of it.
    let floor = (160.0 - 20.0) / 10.0;
    assert!(elapsed >= floor, "{elapsed} s");
    assert!(
        elapsed <= floor * 1.1,
        "{elapsed} s against a floor of {floor} s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_clients_with_a_bucket_each_are_refused() {
    // The control experiment: each client's own bucket lets its burst go, together four.
    let portal = portal().await;
    let clients: Vec<_> = (0..4)
        .map(|_| client(&portal, Arc::new(MemoryLimiter::new(BUCKET))))
        .collect();
    let failed = burst(&clients, 20).await;
    assert!(failed >= 40, "{failed} failed");
    assert_eq!(portal.stats().query_limit_exceeded as usize, failed);
}

#[tokio::test]
async fn the_script_hands_out_slots_like_the_memory_bucket() {
    let redis = RedisServer::start().await.unwrap();
    let connection = bitrix24_redis::connect(&redis.url()).await.unwrap();
    let config = BucketConfig {
        capacity: 3,
        drain_per_second: 2.0,
    };
    let limiter =
        RedisLimiter::new(connection, PortalKeys::new("slots"), config).with_safety(Duration::ZERO);
    let start = Instant::now();
    for _ in 0..3 {
        limiter.acquire("m").await.unwrap();
    }
    assert!(start.elapsed() < Duration::from_millis(100));
    // The fourth and fifth wait for one and two drain steps (0.5 s each).
    limiter.acquire("m").await.unwrap();
    let fourth = start.elapsed();
    assert!(fourth >= Duration::from_millis(480), "{fourth:?}");
    assert!(fourth < Duration::from_millis(700), "{fourth:?}");
    // Saturated: the next waits a full step again.
    Limiter::saturate(&limiter).await;
    let before = Instant::now();
    limiter.acquire("m").await.unwrap();
    assert!(before.elapsed() >= Duration::from_millis(450));

    // The Enterprise bucket of another portal: 250 at once, then a slot per 200 ms.
    let connection = bitrix24_redis::connect(&redis.url()).await.unwrap();
    let enterprise = RedisLimiter::new(
        connection,
        PortalKeys::new("enterprise"),
        BucketConfig::ENTERPRISE,
    )
    .with_safety(Duration::ZERO);
    let start = Instant::now();
    for _ in 0..250 {
        enterprise.acquire("m").await.unwrap();
    }
    let burst = start.elapsed();
    enterprise.acquire("m").await.unwrap();
    let paced = start.elapsed() - burst;
    assert!(burst < Duration::from_secs(1), "{burst:?}");
    assert!(paced >= Duration::from_millis(150), "{paced:?}");
}

#[tokio::test]
async fn redis_down_fails_the_call_unsent_or_falls_back_and_recovers() {
    let redis = RedisServer::start().await.unwrap();
    let port = redis.port();
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(1);
    let connection = bitrix24_redis::connect(&redis.url()).await.unwrap();
    let keys = PortalKeys::new("down");
    let failing = RedisLimiter::new(connection.clone(), keys.clone(), BUCKET);
    let local = MemoryLimiter::new(BucketConfig {
        capacity: 5,
        drain_per_second: 2.5,
    });
    let falling_back =
        RedisLimiter::new(connection, keys, BUCKET).on_unavailable(Unavailable::Local(local));
    let strict = client(&portal, Arc::new(failing));
    let lenient = client(&portal, Arc::new(falling_back));
    let call = |client: &Client| {
        let client = client.clone();
        async move {
            client
                .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                .await
        }
    };
    call(&strict).await.unwrap();
    redis.stop().await.unwrap();

    let sent = portal.stats().http_requests;
    let start = Instant::now();
    let err = call(&strict).await.unwrap_err();
    assert!(matches!(err, Error::Limiter(_)), "{err:?}");
    assert!(err.to_string().contains("Redis did not answer"), "{err}");
    assert!(!err.to_string().contains("127.0.0.1"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(portal.stats().http_requests, sent);

    // The fallback paces by its local share: 5 at once, then 2.5/s.
    let start = Instant::now();
    for _ in 0..7 {
        call(&lenient).await.unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_millis(800),
        "{:?}",
        start.elapsed()
    );

    // Redis back on the same port: the strict client works again.
    let _redis = RedisServer::start_on(port).await.unwrap();
    let mut recovered = false;
    for _ in 0..50 {
        if call(&strict).await.is_ok() {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered);
}
