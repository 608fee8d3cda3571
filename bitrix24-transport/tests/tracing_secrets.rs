//! The `tracing` output at TRACE level of calls under every injected fault, batches, a
//! refused connection and the OAuth flow (code exchange, refreshes, a start from a
//! refresh token alone, a refused refresh), captured whole and searched for every
//! secret the test made: the webhook codes, the authorisation code, the client secret,
//! every access and refresh token issued. None may appear; the spans and events must.

mod client_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24_testkit::{Fault, PortalConfig, TestPortal};
use bitrix24_transport::auth::{MemoryTokenStore, OAuthApp, Tokens, Webhook};
use bitrix24_transport::client::{Auth, CallOptions, Client};
use bitrix24_transport::{Batch, CallKind};
use client_support::{FAST, impl_method};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
struct DealGet {
    id: u64,
}
impl_method!(DealGet, "crm.deal.get", Some("crm"), Read, Value);

#[derive(Debug, Serialize)]
struct DealAdd {
    fields: Value,
}
impl_method!(DealAdd, "crm.deal.add", Some("crm"), Write, Value);

/// Everything the subscriber wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The secrets seen so far.
#[derive(Default)]
struct Secrets(Vec<String>);

impl Secrets {
    fn add(&mut self, secret: &str) {
        assert!(
            secret.len() >= 8,
            "a secret this short could match by chance"
        );
        self.0.push(secret.to_owned());
    }
    fn tokens(&mut self, tokens: Option<Tokens>) {
        if let Some(tokens) = tokens {
            self.add(tokens.access_token.expose());
            self.add(tokens.refresh_token.expose());
        }
    }
}

fn webhook_secret(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_output_never_holds_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let mut secrets = Secrets::default();

    // A webhook client under every fault, reads and writes, and a batch.
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    portal.seed_deals(3);
    secrets.add(&webhook_secret(&portal.webhook_url()));
    secrets.add(&portal.client_secret());
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .timeout(Some(Duration::from_millis(300)))
    .max_reply_bytes(1024 * 1024)
    .build()
    .unwrap();
    let faults = [
        Fault::QueryLimit,
        Fault::OperationTimeLimit,
        Fault::Overload,
        Fault::InternalError,
        Fault::HtmlPage(502),
        Fault::EmptyBody(503),
        Fault::HtmlPage(404),
        Fault::DropBeforeHandling,
        Fault::DropAfterHandling,
        Fault::Slow(Duration::from_secs(1)),
        Fault::LargeReply {
            bytes: 2 * 1024 * 1024,
            announced: false,
        },
    ];
    for fault in faults {
        portal.inject(fault.clone());
        let _ = client.call(&DealGet { id: 1 }).await;
        portal.inject(fault);
        let _ = client
            .call(&DealAdd {
                fields: json!({"TITLE": "traced"}),
            })
            .await;
    }
    let mut batch = Batch::new();
    batch.push(&DealGet { id: 1 }).unwrap();
    batch.push(&DealGet { id: 2 }).unwrap();
    let results = client.batch(batch).await.unwrap();
    assert!(results.error().is_none());

    // A refused connection to a URL with its own secret, within a short deadline.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let refused_url = format!("http://127.0.0.1:{port}/rest/7/refusedsecretcode/");
    secrets.add("refusedsecretcode");
    let refused = Client::builder(Auth::Webhook(Webhook::parse(&refused_url).unwrap()))
        .retry(FAST)
        .build()
        .unwrap();
    let quick = CallOptions {
        deadline: Some(Duration::from_millis(300)),
        ..CallOptions::default()
    };
    let _ = refused
        .call_raw_with(
            "crm.deal.get",
            json!({"id": 1}),
            CallKind::Read,
            Default::default(),
            quick,
        )
        .await;

    // OAuth: the code exchange, calls, a refresh on expiry, a start from the refresh
    // token alone, and a refresh refused because its token was spent.
    let app = || {
        OAuthApp::new(portal.client_id(), portal.client_secret())
            .with_token_url(&portal.token_url())
            .unwrap()
    };
    let oauth = Client::builder(Auth::oauth(app(), MemoryTokenStore::new()))
        .retry(FAST)
        .build()
        .unwrap();
    let code = portal.issue_authorization_code();
    secrets.add(&code);
    oauth.exchange_code(&code).await.unwrap();
    secrets.tokens(oauth.tokens());
    let first = oauth.tokens().unwrap();
    oauth.call(&DealGet { id: 1 }).await.unwrap();
    portal.expire_access_tokens();
    oauth.call(&DealGet { id: 1 }).await.unwrap();
    secrets.tokens(oauth.tokens());
    let started = Client::builder(Auth::oauth(
        app(),
        MemoryTokenStore::with_tokens(Tokens::from_refresh_token(
            oauth.tokens().unwrap().refresh_token,
        )),
    ))
    .retry(FAST)
    .build()
    .unwrap();
    started.call(&DealGet { id: 1 }).await.unwrap();
    secrets.tokens(started.tokens());
    // The first pair's refresh token was spent long ago: refused.
    let spent = Client::builder(Auth::oauth(
        app(),
        MemoryTokenStore::with_tokens(Tokens::from_refresh_token(first.refresh_token)),
    ))
    .retry(FAST)
    .build()
    .unwrap();
    assert!(spent.call(&DealGet { id: 1 }).await.is_err());

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "bitrix24.call",
        "method=\"crm.deal.get\"",
        "method=\"crm.deal.add\"",
        "host=\"127.0.0.1\"",
        "bitrix24 attempt",
        "bitrix24 retry",
        "rate_limit_wait_ms",
        "bitrix24.batch",
        "bitrix24.token",
        "grant_type=\"refresh_token\"",
        "grant_type=\"authorization_code\"",
        "QUERY_LIMIT_EXCEEDED",
        "invalid_grant",
    ] {
        assert!(output.contains(expected), "no `{expected}` in the trace");
    }
    for secret in &secrets.0 {
        assert!(
            !output.contains(secret.as_str()),
            "a secret is in the trace output ({} bytes captured)",
            output.len()
        );
    }
    if let Ok(path) = std::env::var("TRACE_SAMPLE") {
        std::fs::write(path, &output).unwrap();
    }
    eprintln!(
        "{} lines of TRACE output searched for {} secrets",
        output.lines().count(),
        secrets.0.len()
    );
}
