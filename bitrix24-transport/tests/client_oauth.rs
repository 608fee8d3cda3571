//! The client over OAuth 2.0 against the test portal: code exchange, refresh on
//! `expired_token` (single-flight), token rotation and persistence.

mod client_support;

use client_support::FAST;
use client_support::impl_method;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bitrix24_transport::auth::{
    FileTokenStore, MemoryTokenStore, OAuthApp, Secret, StoreFuture, TokenStore, TokenStoreError,
    Tokens,
};
use bitrix24_transport::client::{Auth, Client};

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::{CallKind, Error};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
struct DealGet {
    id: u64,
}

impl_method!(DealGet, "crm.deal.get", Some("crm"), Read, Value);

fn app(portal: &TestPortal) -> OAuthApp {
    OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap()
}

fn oauth_client(portal: &TestPortal, store: impl TokenStore + 'static) -> Client {
    Client::builder(Auth::oauth(app(portal), store))
        .retry(FAST)
        .rate_limit(None)
        .build()
        .unwrap()
}

/// A client that already went through the code exchange.
async fn authorised(portal: &TestPortal, store: impl TokenStore + 'static) -> (Client, Tokens) {
    let client = oauth_client(portal, store);
    let tokens = client
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    (client, tokens)
}

fn assert_no_secrets(texts: &[String], secrets: &[&str]) {
    for text in texts {
        for secret in secrets {
            assert!(!text.contains(secret), "a secret leaked into: {text}");
        }
    }
}

#[tokio::test]
async fn code_exchange_then_a_call() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let store = Arc::new(MemoryTokenStore::new());
    let (client, tokens) = authorised(&portal, SharedStore(store.clone())).await;
    assert!(tokens.client_endpoint.starts_with(&portal.base_url()));
    assert!(tokens.expires_at.is_some());
    assert_eq!(store.get().as_ref(), Some(&tokens), "the tokens were saved");

    let deal = client.call(&DealGet { id: 1 }).await.unwrap();
    assert_eq!(deal.result["ID"], "1");
    let raw = client
        .call_raw("crm.deal.list", json!({"select": ["ID"]}), CallKind::Read)
        .await
        .unwrap();
    assert_eq!(raw.total, Some(1));

    // Nothing secret in Debug/Display of the client, the tokens or the app.
    let secret = portal.client_secret();
    let texts = [
        format!("{client:?}"),
        format!("{tokens:?}"),
        format!("{:?}", app(&portal)),
        format!("{}", tokens.access_token),
        format!("{:?}", Auth::oauth(app(&portal), MemoryTokenStore::new())),
    ];
    assert_no_secrets(
        &texts,
        &[
            tokens.access_token.expose(),
            tokens.refresh_token.expose(),
            &secret,
        ],
    );
}

#[tokio::test]
async fn a_bad_code_or_secret_is_an_oauth_error_without_secrets() {
    let portal = TestPortal::start().await.unwrap();
    let client = oauth_client(&portal, MemoryTokenStore::new());
    let err = client.exchange_code("not-a-code").await.unwrap_err();
    match &err {
        Error::OAuth { code, .. } => assert_eq!(code, "invalid_grant"),
        other => panic!("expected OAuth, got {other:?}"),
    }

    let wrong = OAuthApp::new(portal.client_id(), "wrong-client-secret")
        .with_token_url(&portal.token_url())
        .unwrap();
    let client = Client::builder(Auth::oauth(wrong, MemoryTokenStore::new()))
        .build()
        .unwrap();
    let err = client
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { code, .. } if code == "invalid_client"),
        "{err:?}"
    );
    assert_no_secrets(
        &[format!("{err}"), format!("{err:?}")],
        &["wrong-client-secret"],
    );

    // No tokens yet: a call says so instead of sending anything.
    let client = oauth_client(&portal, MemoryTokenStore::new());
    let err = client.call(&DealGet { id: 1 }).await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { code, .. } if code == "no_tokens"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_repeated() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let (client, first) = authorised(&portal, MemoryTokenStore::new()).await;
    client.call(&DealGet { id: 1 }).await.unwrap();

    portal.expire_access_tokens();
    let deal = client.call(&DealGet { id: 1 }).await.unwrap();
    assert_eq!(deal.result["ID"], "1");
    assert_eq!(portal.stats().token_refreshes, 1);
    let second = client.tokens().unwrap();
    assert_ne!(second.access_token, first.access_token);
    assert_ne!(
        second.refresh_token, first.refresh_token,
        "refresh rotates the pair"
    );

    // The old refresh token is rejected by the portal now.
    let stale = Tokens {
        access_token: Secret::new("stale"),
        ..first
    };
    let stale_client = oauth_client(&portal, MemoryTokenStore::with_tokens(stale));
    let err = stale_client.refresh_tokens().await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { code, .. } if code == "invalid_grant"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_expired_calls_cause_one_refresh() {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(1);
    let (client, _) = authorised(&portal, MemoryTokenStore::new()).await;
    client.call(&DealGet { id: 1 }).await.unwrap();
    portal.expire_access_tokens();

    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call(&DealGet { id: 1 }).await })
        })
        .collect();
    for call in calls {
        let reply = call.await.unwrap();
        assert!(reply.is_ok(), "{reply:?}");
    }
    assert_eq!(portal.stats().token_refreshes, 1);
}

#[tokio::test]
async fn the_file_store_persists_the_rotated_pair_before_use() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let dir = std::env::temp_dir().join(format!("b24-client-oauth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    let _ = std::fs::remove_file(&path);

    let (client, first) = authorised(&portal, FileTokenStore::new(&path)).await;
    let on_disk = FileTokenStore::new(&path).load().await.unwrap().unwrap();
    assert_eq!(on_disk, first);

    portal.expire_access_tokens();
    client.call(&DealGet { id: 1 }).await.unwrap();
    let rotated = FileTokenStore::new(&path).load().await.unwrap().unwrap();
    assert_ne!(rotated.refresh_token, first.refresh_token);
    assert_eq!(Some(&rotated), client.tokens().as_ref());

    // A new process picks the rotated pair up from the file and works with it.
    let later = oauth_client(&portal, FileTokenStore::new(&path));
    later.call(&DealGet { id: 1 }).await.unwrap();
    later.refresh_tokens().await.unwrap();
    assert_eq!(portal.stats().token_refreshes, 2);
    // Only the final file is left behind, no temporary files.
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the token file is private");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn when_saving_fails_the_call_fails_and_the_new_tokens_are_not_used() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let store = FlakyStore::default();
    let fail = store.fail.clone();
    let (client, first) = authorised(&portal, store).await;
    portal.expire_access_tokens();
    fail.store(true, Ordering::SeqCst);
    let err = client.call(&DealGet { id: 1 }).await.unwrap_err();
    assert!(matches!(err, Error::TokenStore(_)), "{err:?}");
    assert_eq!(
        client.tokens().unwrap(),
        first,
        "unsaved tokens are never used"
    );
    assert_no_secrets(
        &[format!("{err}"), format!("{err:?}")],
        &[first.refresh_token.expose()],
    );
}

#[tokio::test]
async fn tokens_due_to_expire_are_refreshed_before_the_call() {
    let portal = TestPortal::start_with(PortalConfig {
        access_token_ttl: Duration::from_secs(5),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    let (client, first) = authorised(&portal, MemoryTokenStore::new()).await;
    // Pretend the token expires now: the client refreshes before sending.
    let due = Tokens {
        expires_at: Some(0),
        ..first
    };
    let client2 = oauth_client(&portal, MemoryTokenStore::with_tokens(due));
    client2.call(&DealGet { id: 1 }).await.unwrap();
    assert_eq!(portal.stats().token_refreshes, 1);
    drop(client);
}

#[tokio::test]
async fn a_failed_refresh_is_reported_without_the_url_or_secrets() {
    use bitrix24_testkit::{Fault, TOKEN_ENDPOINT_METHOD};
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    let (client, first) = authorised(&portal, MemoryTokenStore::new()).await;
    portal.expire_access_tokens();
    portal.inject_for(TOKEN_ENDPOINT_METHOD, Fault::DropAfterHandling);
    let err = client.call(&DealGet { id: 1 }).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let secret = portal.client_secret();
    assert_no_secrets(
        &[format!("{err}"), format!("{err:?}")],
        &[
            first.access_token.expose(),
            first.refresh_token.expose(),
            &secret,
            "client_secret",
            "refresh_token=",
        ],
    );
    // The token endpoint may have rotated the pair before the connection dropped; the
    // client kept the last pair it saved and did not make the call.
    assert_eq!(client.tokens().unwrap(), first);

    let (client, _) = authorised(&portal, MemoryTokenStore::new()).await;
    portal.inject_for(TOKEN_ENDPOINT_METHOD, Fault::HtmlPage(502));
    let err = client.refresh_tokens().await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
}

/// A store shared with the test through an `Arc`.
struct SharedStore(Arc<MemoryTokenStore>);

impl TokenStore for SharedStore {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        self.0.load()
    }
    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        self.0.save(tokens)
    }
}

/// A store whose saves fail on demand.
#[derive(Default)]
struct FlakyStore {
    inner: MemoryTokenStore,
    fail: Arc<AtomicBool>,
}

impl TokenStore for FlakyStore {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        self.inner.load()
    }
    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        if self.fail.load(Ordering::SeqCst) {
            Box::pin(async { Err(TokenStoreError::new("disk full")) })
        } else {
            self.inner.save(tokens)
        }
    }
}

#[tokio::test]
async fn a_store_with_only_a_refresh_token_refreshes_once_before_the_first_call() {
    let portal = TestPortal::start().await.unwrap();
    portal.seed_deals(1);
    // The installation: the app keeps only the refresh token.
    let (_, installed) = authorised(&portal, MemoryTokenStore::new()).await;
    let refresh_token = installed.refresh_token.expose().to_owned();

    let store = Arc::new(MemoryTokenStore::with_tokens(Tokens::from_refresh_token(
        refresh_token.as_str(),
    )));
    let client = oauth_client(&portal, SharedStore(store.clone()));
    // Several first calls at once still spend the refresh token once.
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call(&DealGet { id: 1 }).await })
        })
        .collect();
    for call in calls {
        let deal = call.await.unwrap().unwrap();
        assert_eq!(deal.result["ID"], "1");
    }
    assert_eq!(portal.stats().token_refreshes, 1);
    let saved = store.get().unwrap();
    assert!(saved.has_access_token() && saved.expires_at.is_some());
    assert!(saved.client_endpoint.starts_with(&portal.base_url()));
    assert_ne!(
        saved.refresh_token.expose(),
        refresh_token,
        "rotated and saved"
    );

    // The same from a JSON file holding only {"refresh_token": ...}; an explicit
    // refresh_tokens() right after loading does not spend it twice.
    let dir = std::env::temp_dir().join(format!("b24-refresh-only-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    let refresh_token = saved.refresh_token.expose().to_owned();
    std::fs::write(&path, json!({ "refresh_token": refresh_token }).to_string()).unwrap();
    let client = oauth_client(&portal, FileTokenStore::new(&path));
    client.refresh_tokens().await.unwrap();
    client.call(&DealGet { id: 1 }).await.unwrap();
    assert_eq!(portal.stats().token_refreshes, 2);
    let on_disk = FileTokenStore::new(&path).load().await.unwrap().unwrap();
    assert!(on_disk.has_access_token());
    std::fs::remove_dir_all(&dir).unwrap();
}
