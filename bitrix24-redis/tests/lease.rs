//! The refresh lease: one holder at a time, the next one waits until it is released (or
//! expires), and a release never frees a lease another holder took since.

use std::time::{Duration, Instant};

use bitrix24_redis::{PortalKeys, RedisServer, RedisTokenStore};
use bitrix24_transport::auth::TokenStore;

async fn store(url: &str, ttl: Duration) -> RedisTokenStore {
    RedisTokenStore::new(
        bitrix24_redis::connect(url).await.unwrap(),
        PortalKeys::new("lease"),
    )
    .with_lease_ttl(ttl)
}

#[tokio::test]
async fn one_holder_at_a_time_and_an_expired_lease_is_not_freed_by_its_old_holder() {
    let redis = RedisServer::start().await.unwrap();
    let url = redis.url();
    let store = |ttl| store(&url, ttl);
    let first = store(Duration::from_secs(5)).await;
    let second = store(Duration::from_secs(5)).await;

    let held = first.lease().await.unwrap().expect("Redis stores lease");
    let waiting = tokio::spawn(async move {
        let start = Instant::now();
        let lease = second.lease().await.unwrap().unwrap();
        (start.elapsed(), lease)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "the second took a held lease");
    held.release().await.unwrap();
    let (waited, second_lease) = waiting.await.unwrap();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");

    // A lease that expired while held: its holder's late release leaves the new one alone.
    second_lease.release().await.unwrap();
    let short = store(Duration::from_millis(200)).await;
    let stale = short.lease().await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let third = store(Duration::from_secs(5)).await;
    let current = third.lease().await.unwrap().unwrap();
    stale.release().await.unwrap();
    let fourth = store(Duration::from_millis(500)).await;
    let start = Instant::now();
    let blocked = tokio::time::timeout(Duration::from_millis(300), fourth.lease()).await;
    assert!(
        blocked.is_err(),
        "the stale release freed the current lease"
    );
    current.release().await.unwrap();
    assert!(fourth.lease().await.unwrap().is_some());
    assert!(start.elapsed() < Duration::from_secs(2));
}
