//! The registry of an application installed on many portals: the installation's tokens
//! in, a ready client out, in this process and in any other sharing the Redis.

use bitrix24_redis::{PortalRegistry, RedisServer};
use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::auth::{MemoryTokenStore, OAuthApp, Secret};
use bitrix24_transport::event::EventAuth;
use bitrix24_transport::ratelimit::BucketConfig;
use bitrix24_transport::{Auth, CallKind, Client, Error};
use serde_json::json;

fn app(portal: &TestPortal) -> OAuthApp {
    OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap()
}

#[tokio::test]
async fn an_installation_gives_a_client_here_and_in_other_processes() {
    let redis = RedisServer::start().await.unwrap();
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    // The installation event's auth block, as the portal sends it.
    let tokens = Client::builder(Auth::oauth(app(&portal), MemoryTokenStore::new()))
        .build()
        .unwrap()
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    let event = EventAuth {
        application_token: Secret::new(portal.application_token()),
        access_token: Some(tokens.access_token.clone()),
        refresh_token: Some(tokens.refresh_token.clone()),
        expires_in: Some(3600),
        scope: tokens.scope.clone(),
        domain: None,
        client_endpoint: Some(tokens.client_endpoint.clone()),
        server_endpoint: None,
        member_id: tokens.member_id.clone(),
        status: Some("L".into()),
    };
    let registry =
        |connection| PortalRegistry::new(connection, app(&portal), BucketConfig::STANDARD);
    let here = registry(bitrix24_redis::connect(&redis.url()).await.unwrap());
    let client = here.install(&event).await.unwrap();
    client
        .call_raw("profile", json!({}), CallKind::Read)
        .await
        .unwrap();

    // Another process: nothing but the member id.
    let there = registry(bitrix24_redis::connect(&redis.url()).await.unwrap());
    let member_id = portal.member_id();
    let other = there.client(&member_id).await.unwrap();
    other.refresh_tokens().await.unwrap();
    // The first process's client, due to refresh, finds the rotated pair in the store
    // and refreshes nothing itself.
    let first = here.client(&member_id).await.unwrap();
    first.refresh_tokens().await.unwrap();
    assert_eq!(first.tokens(), other.tokens());
    first
        .call_raw("profile", json!({}), CallKind::Read)
        .await
        .unwrap();
    let stats = portal.stats();
    assert_eq!((stats.token_refreshes, stats.refresh_token_reuses), (1, 0));

    let err = there.client("n0-such-portal").await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { code, .. } if code == "not_installed"),
        "{err:?}"
    );
    let broken = EventAuth {
        refresh_token: None,
        ..event
    };
    let err = here.install(&broken).await.unwrap_err();
    assert!(err.to_string().contains("no refresh_token"), "{err}");
    assert!(!format!("{here:?}").contains(tokens.access_token.expose()));
}
