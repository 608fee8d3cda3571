//! OAuth tokens shared through Redis by clients that stand for separate processes (each
//! its own token state and its own Redis connection): with access tokens that expire
//! every 2 s, many concurrent calls never fail, each refresh token is spent once, and
//! the pair is refreshed once per expiry, not once per caller.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bitrix24_redis::{PortalKeys, RedisServer, RedisTokenStore};
use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::CallKind;
use bitrix24_transport::auth::{OAuthApp, TokenStore};
use bitrix24_transport::client::{Auth, Client};
use serde_json::json;

const PROCESSES: usize = 4;
const CALLERS: usize = 50;
const RUN: Duration = Duration::from_secs(20);
const TTL: Duration = Duration::from_secs(2);

fn app(portal: &TestPortal) -> OAuthApp {
    OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_many_processes_refresh_each_expiring_pair_once() {
    let redis = RedisServer::start().await.unwrap();
    let portal = TestPortal::start_with(PortalConfig {
        access_token_ttl: TTL,
        ..PortalConfig::unlimited()
    })
    .await
    .unwrap();
    let keys = PortalKeys::with_prefix("test", &portal.member_id());
    // The installation: one process exchanges the code and the pair lands in Redis.
    let installer = Client::builder(Auth::oauth(
        app(&portal),
        RedisTokenStore::new(
            bitrix24_redis::connect(&redis.url()).await.unwrap(),
            keys.clone(),
        ),
    ))
    .build()
    .unwrap();
    installer
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();

    let mut clients = Vec::new();
    for _ in 0..PROCESSES {
        let connection = bitrix24_redis::connect(&redis.url()).await.unwrap();
        let store = RedisTokenStore::new(connection, keys.clone());
        clients.push(
            Client::builder(Auth::oauth(app(&portal), store))
                .rate_limit(None)
                .build()
                .unwrap(),
        );
    }
    let (calls, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for client in &clients {
        for _ in 0..CALLERS {
            let (client, calls, failed) = (client.clone(), calls.clone(), failed.clone());
            tasks.push(tokio::spawn(async move {
                while start.elapsed() < RUN {
                    let reply = client.call_raw("profile", json!({}), CallKind::Read).await;
                    calls.fetch_add(1, Ordering::Relaxed);
                    if let Err(err) = reply {
                        eprintln!("failed: {err}");
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    let stats = portal.stats();
    let (calls, failed) = (
        calls.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    );
    eprintln!(
        "calls {calls}, failed {failed}, refreshes {}, refresh tokens reused {}",
        stats.token_refreshes, stats.refresh_token_reuses
    );
    assert_eq!(failed, 0);
    assert_eq!(
        stats.refresh_token_reuses, 0,
        "a refresh token was spent twice"
    );
    // A pair lives 2 s on the portal; the client sees its expiry rounded down to the
    // second, so it refreshes every 1 to 2 s: 10 to 20 expiries in 20 s (plus the last
    // one in flight). Once per caller would be hundreds.
    let expiries = RUN.as_secs() / TTL.as_secs();
    assert!(
        (expiries..=2 * expiries + 1).contains(&stats.token_refreshes),
        "{} refreshes for {expiries}-{} expiries",
        stats.token_refreshes,
        2 * expiries
    );
    assert!(calls > 1000, "{calls} calls");
    // Nothing was lost: the store holds the pair the clients use now.
    let stored = RedisTokenStore::new(bitrix24_redis::connect(&redis.url()).await.unwrap(), keys)
        .load()
        .await
        .unwrap()
        .unwrap();
    assert!(
        clients
            .iter()
            .any(|client| client.tokens() == Some(stored.clone()))
    );
}
