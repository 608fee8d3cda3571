//! Clients in different processes sharing one token store: a refresh first reads the
//! store again and uses a pair another process rotated, and a refresh the server refuses
//! with `invalid_grant` (the token was spent elsewhere) reads it once more before failing.
//! Each client here stands for a process: its own token state over a shared store.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::auth::{MemoryTokenStore, OAuthApp, StoreFuture, TokenStore, Tokens};
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::{CallKind, Error};
use serde_json::json;

/// A shared store that serves a stale pair for the next `stale` loads (a lagging
/// replica), then the truth.
struct Lagging {
    shared: Arc<MemoryTokenStore>,
    stale_pair: std::sync::Mutex<Option<Tokens>>,
    stale: AtomicU32,
}

impl TokenStore for Lagging {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        let stale = self
            .stale
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if stale {
            let pair = self.stale_pair.lock().unwrap().clone();
            return Box::pin(async move { Ok(pair) });
        }
        self.shared.load()
    }
    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        self.shared.save(tokens)
    }
}

fn client(portal: &TestPortal, store: impl TokenStore + 'static) -> Client {
    let app = OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap();
    Client::builder(Auth::oauth(app, store))
        .rate_limit(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_pair_rotated_by_another_process_is_used_not_refreshed_again() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    let shared = Arc::new(MemoryTokenStore::new());
    let first = client(&portal, Arc::clone(&shared));
    first
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    let second = client(&portal, Arc::clone(&shared));
    let call = |client: &Client| {
        let client = client.clone();
        async move { client.call_raw("profile", json!({}), CallKind::Read).await }
    };
    call(&second).await.unwrap();

    first.refresh_tokens().await.unwrap();
    assert_eq!(portal.stats().token_refreshes, 1);
    // The second "process" still holds the old pair; its refresh finds the new one.
    second.refresh_tokens().await.unwrap();
    assert_eq!(portal.stats().token_refreshes, 1);
    assert_eq!(second.tokens(), shared.get());
    call(&second).await.unwrap();
    assert_eq!(portal.stats().refresh_token_reuses, 0);
}

#[tokio::test]
async fn invalid_grant_reads_the_store_again_and_uses_the_rotated_pair() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    let shared = Arc::new(MemoryTokenStore::new());
    let first = client(&portal, Arc::clone(&shared));
    let old = first
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    let lagging = Arc::new(Lagging {
        shared: Arc::clone(&shared),
        stale_pair: std::sync::Mutex::new(Some(old.clone())),
        stale: AtomicU32::new(0),
    });
    let second = client(&portal, Arc::clone(&lagging));
    second
        .call_raw("profile", json!({}), CallKind::Read)
        .await
        .unwrap();

    first.refresh_tokens().await.unwrap();
    // The second's re-read before refreshing sees the stale pair: it spends the old
    // refresh token, is refused, reads again and takes the pair the first saved.
    lagging.stale.store(1, Ordering::SeqCst);
    second.refresh_tokens().await.unwrap();
    let stats = portal.stats();
    assert_eq!((stats.token_refreshes, stats.refresh_token_reuses), (1, 1));
    assert_eq!(second.tokens(), shared.get());
    assert_ne!(second.tokens().unwrap().refresh_token, old.refresh_token);

    // When nobody saved a new pair, invalid_grant is the error.
    let lone = Arc::new(MemoryTokenStore::with_tokens(old));
    let third = client(&portal, Arc::clone(&lone));
    let err = third.refresh_tokens().await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { code, .. } if code == "invalid_grant"),
        "{err:?}"
    );
}
