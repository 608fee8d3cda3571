//! On-premise portals: HTTPS with the company's own certificate authority or a
//! self-signed certificate (trusted only by adding its root), plain `http://` only by
//! explicit opt-in, and an OAuth server per portal.

mod client_support;

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::auth::{MemoryTokenStore, OAuthApp, Webhook, WebhookOptions};
use bitrix24_transport::client::{Auth, Client, ClientBuilder};
use bitrix24_transport::v3::Item;
use bitrix24_transport::{CallKind, Error};
use client_support::{FAST, impl_method};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
struct TaskAdd {
    fields: Value,
}
impl_method!(
    TaskAdd,
    "tasks.task.add",
    Some("tasks"),
    Write,
    Item<Value>,
    V3
);

/// A company root certificate authority.
struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Authority {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Self { issuer }
    }

    fn root_pem(&self) -> String {
        self.issuer.pem()
    }

    /// A portal certificate for 127.0.0.1 signed by this authority: (chain, key).
    fn portal_certificate(&self) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (
            format!("{}{}", cert.pem(), self.issuer.pem()),
            key.serialize_pem(),
        )
    }
}

async fn https_portal(chain: &str, key: &str) -> TestPortal {
    TestPortal::start_https(PortalConfig::unlimited(), chain.as_bytes(), key.as_bytes())
        .await
        .expect("the HTTPS portal starts")
}

fn webhook_builder(portal: &TestPortal) -> ClientBuilder {
    Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .retry(FAST)
    .rate_limit(None)
}

fn task() -> TaskAdd {
    TaskAdd {
        fields: json!({"title": "on premise", "creatorId": 1, "responsibleId": 1}),
    }
}

#[tokio::test]
async fn a_portal_behind_its_own_authority_needs_that_root() {
    let authority = Authority::new("Example Corp Root CA");
    let (chain, key) = authority.portal_certificate();
    let portal = https_portal(&chain, &key).await;
    assert!(portal.webhook_url().starts_with("https://127.0.0.1:"));

    // Without the root: a clear TLS error, and nothing reached the portal.
    let client = webhook_builder(&portal).build().unwrap();
    let err = client.call(&task()).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("invalid peer certificate"), "{text}");
    assert!(text.contains("add_root_certificate_pem"), "{text}");
    assert!(!text.contains(&portal.webhook_url()), "no secret: {text}");
    assert_eq!(portal.stats().http_requests, 0);

    // Another authority's root does not help: the chain is still verified.
    let other = Authority::new("Someone Else CA");
    let client = webhook_builder(&portal)
        .add_root_certificate_pem(other.root_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let err = client.call(&task()).await.unwrap_err();
    assert!(
        err.to_string().contains("invalid peer certificate"),
        "{err}"
    );
    assert_eq!(portal.stats().http_requests, 0);

    // With the company's root: REST 3.0 and classic calls go through.
    let client = webhook_builder(&portal)
        .add_root_certificate_pem(authority.root_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let added = client.call(&task()).await.unwrap();
    assert_eq!(added.result.item["title"], "on premise");
    let reply = client
        .call_raw("profile", json!({}), CallKind::Read)
        .await
        .unwrap();
    assert_eq!(reply.result["ID"], "1");
    assert_eq!(portal.task_count(), 1);
}

#[tokio::test]
async fn a_self_signed_portal_certificate_is_its_own_root() {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    params.is_ca = IsCa::ExplicitNoCa;
    let cert = params.self_signed(&key).unwrap();
    let portal = https_portal(&cert.pem(), &key.serialize_pem()).await;

    let err = webhook_builder(&portal)
        .build()
        .unwrap()
        .call(&task())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("invalid peer certificate"),
        "{err}"
    );

    let client = webhook_builder(&portal)
        .add_root_certificate_pem(cert.pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    client.call(&task()).await.unwrap();
    assert_eq!(portal.task_count(), 1);
}

#[tokio::test]
async fn oauth_over_https_trusts_the_same_root_for_the_token_server() {
    let authority = Authority::new("Example Corp Root CA");
    let (chain, key) = authority.portal_certificate();
    let portal = https_portal(&chain, &key).await;
    let app = OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())
        .unwrap();
    let client = Client::builder(Auth::oauth(app, MemoryTokenStore::new()))
        .retry(FAST)
        .rate_limit(None)
        .add_root_certificate_pem(authority.root_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let tokens = client
        .exchange_code(&portal.issue_authorization_code())
        .await
        .unwrap();
    assert!(tokens.client_endpoint.starts_with("https://127.0.0.1:"));
    client.call(&task()).await.unwrap();
    client.refresh_tokens().await.unwrap();
    client.call(&task()).await.unwrap();
    assert_eq!(portal.stats().token_refreshes, 1);
    assert_eq!(portal.task_count(), 2);
}

#[test]
fn a_root_that_is_not_a_pem_certificate_is_refused() {
    let builder = || {
        Client::builder(Auth::Webhook(
            Webhook::parse("https://b24.corp.example/rest/1/s3cr3t/").unwrap(),
        ))
    };
    for (pem, words) in [
        (&b"not a certificate"[..], "no `BEGIN CERTIFICATE` block"),
        (
            &b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"[..],
            "not PEM",
        ),
    ] {
        let err = builder().add_root_certificate_pem(pem).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(err.to_string().contains(words), "{err}");
    }
}

#[tokio::test]
async fn plain_http_is_refused_off_loopback_unless_allowed() {
    let secret = "s3cr3tc0de";
    let url = format!("http://b24.corp.example/rest/1/{secret}/");
    let err = Client::webhook(&url).unwrap_err();
    assert!(matches!(err, Error::InvalidWebhookUrl(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the webhook URL uses plain http:// to `b24.corp.example`; the secret would travel \
         unencrypted (use https://, or allow insecure http explicitly)"
    );
    assert!(!format!("{err:?}").contains(secret));

    // The explicit opt-in.
    let hook = Webhook::parse_with(
        &url,
        WebhookOptions {
            allow_insecure_http: true,
        },
    )
    .unwrap();
    assert_eq!(hook.portal().as_str(), "http://b24.corp.example/");
    Client::builder(Auth::Webhook(hook)).build().unwrap();

    // OAuth: the token server over plain http is refused off loopback.
    let err = OAuthApp::new("app.1", "secret")
        .with_token_url("http://oauth.corp.example/oauth/token/")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid URL: token URL: the scheme must be https (or http to a loopback host), found `http`"
    );
    let app = OAuthApp::new("app.1", "secret")
        .allow_insecure_http()
        .with_token_url("http://oauth.corp.example/oauth/token/")
        .unwrap();
    assert_eq!(
        app.token_url().as_str(),
        "http://oauth.corp.example/oauth/token/"
    );

    // Loopback needs no opt-in: the test portal is plain http on 127.0.0.1.
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    client.call(&task()).await.unwrap();
}

#[tokio::test]
async fn each_portal_has_its_own_oauth_server() {
    let first = TestPortal::start().await.unwrap();
    let second = TestPortal::start().await.unwrap();
    let client_for = |portal: &TestPortal| {
        let app = OAuthApp::new(portal.client_id(), portal.client_secret())
            .with_token_url(&portal.token_url())
            .unwrap();
        assert_eq!(app.token_url().as_str(), portal.token_url());
        Client::builder(Auth::oauth(app, MemoryTokenStore::new()))
            .retry(FAST)
            .rate_limit(None)
            .build()
            .unwrap()
    };
    let (a, b) = (client_for(&first), client_for(&second));

    // A code issued by one portal's server means nothing to the other's.
    let err = b
        .exchange_code(&first.issue_authorization_code())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OAuth { .. }), "{err:?}");

    a.exchange_code(&first.issue_authorization_code())
        .await
        .unwrap();
    b.exchange_code(&second.issue_authorization_code())
        .await
        .unwrap();
    a.refresh_tokens().await.unwrap();
    a.call(&task()).await.unwrap();
    b.call(&task()).await.unwrap();
    b.call(&task()).await.unwrap();
    assert_eq!(first.stats().token_refreshes, 1);
    assert_eq!(second.stats().token_refreshes, 0);
    assert_eq!((first.task_count(), second.task_count()), (1, 2));
}
