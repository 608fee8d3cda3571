//! Redis hanging while a pair is due: the call fails with a clear token-store error and
//! no refresh token is spent (the lease could not be taken); once Redis answers again
//! the pair is refreshed once and nothing stored was lost.

use std::time::{Duration, Instant};

use bitrix24_redis::{PortalKeys, RedisServer, RedisTokenStore};
use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::auth::{OAuthApp, TokenStore};
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::{CallKind, Error};
use serde_json::json;

#[tokio::test]
async fn a_hanging_redis_spends_no_refresh_token_and_loses_nothing() {
    let redis = RedisServer::start().await.unwrap();
    let portal = TestPortal::start_with(PortalConfig {
        access_token_ttl: Duration::from_secs(1),
        ..PortalConfig::unlimited()
    })
    .await
    .unwrap();
    let app = OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap();
    let keys = PortalKeys::new(&portal.member_id());
    let store = RedisTokenStore::new(bitrix24_redis::connect(&redis.url()).await.unwrap(), keys);
    let client = Client::builder(Auth::oauth(app, store.clone()))
        .rate_limit(None)
        .build()
        .unwrap();
    let installed = client
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    let call = || client.call_raw("profile", json!({}), CallKind::Read);
    call().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;

    redis.pause().unwrap();
    let start = Instant::now();
    let err = call().await.unwrap_err();
    assert!(matches!(err, Error::TokenStore(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("Redis: cannot take the refresh lease"),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(portal.stats().token_refreshes, 0);

    redis.resume().unwrap();
    // The lease the timed-out attempt may have left is given back at once, not after
    // its 30 s TTL.
    let start = Instant::now();
    call().await.unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let stats = portal.stats();
    assert_eq!((stats.token_refreshes, stats.refresh_token_reuses), (1, 0));
    let stored = store.load().await.unwrap().unwrap();
    assert_eq!(Some(stored.clone()), client.tokens());
    assert_ne!(stored.refresh_token, installed.refresh_token);
}
