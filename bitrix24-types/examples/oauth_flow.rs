//! The OAuth 2.0 flow of a local or mass-market application: authorize link, code
//! exchange, calls with the access token, and refresh with the rotated pair persisted
//! to a file before it is used.
//!
//! With `BITRIX24_PORTAL` (`https://example.bitrix24.com`), `BITRIX24_CLIENT_ID`,
//! `BITRIX24_CLIENT_SECRET` and, once the user approved the app, `BITRIX24_AUTH_CODE`
//! set, it talks to that portal; otherwise it runs the whole flow against the built-in
//! test portal on 127.0.0.1.

#![allow(deprecated)] // crm.deal.* is deprecated upstream in favour of crm.item.*

use bitrix24_testkit::TestPortal;
use bitrix24_types::auth::{FileTokenStore, OAuthApp, TokenStore};
use bitrix24_types::crm::CrmDealFields;
use bitrix24_types::{Auth, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store_path = std::env::temp_dir().join(format!(
        "bitrix24-oauth-example-{}.json",
        std::process::id()
    ));
    let env = |name: &str| std::env::var(name).ok();
    let mut _portal = None;
    let (app, portal_url, code) = match (
        env("BITRIX24_PORTAL"),
        env("BITRIX24_CLIENT_ID"),
        env("BITRIX24_CLIENT_SECRET"),
    ) {
        (Some(portal), Some(id), Some(secret)) => {
            let app = OAuthApp::new(id, secret);
            let Some(code) = env("BITRIX24_AUTH_CODE") else {
                println!(
                    "Open this link, approve the app, then set BITRIX24_AUTH_CODE to the `code` it redirects with:"
                );
                println!("{}", app.authorize_url(&portal, "example-state")?);
                return Ok(());
            };
            (app, portal, code)
        }
        _ => {
            let portal = TestPortal::start().await?;
            println!(
                "no OAuth settings; using the test portal at {}",
                portal.base_url()
            );
            let app = OAuthApp::new(portal.client_id(), portal.client_secret())
                .with_token_url(&portal.token_url())?;
            let url = portal.base_url();
            // The test portal plays the user who approves the app.
            let code = portal.issue_authorization_code();
            _portal = Some(portal);
            (app, url, code)
        }
    };

    println!(
        "authorize link: {}",
        app.authorize_url(&portal_url, "example-state")?
    );
    let client = Client::builder(Auth::oauth(app, FileTokenStore::new(&store_path))).build()?;
    let tokens = client.exchange_code(&code).await?;
    println!("exchanged the code; tokens (redacted): {tokens:?}");

    let fields = client.call(&CrmDealFields).await?.result;
    println!(
        "crm.deal.fields -> {} fields, e.g. TITLE is {:?}",
        fields.len(),
        fields.get("TITLE").and_then(|f| f.type_.clone())
    );

    // Bitrix24 rotates the refresh token on every refresh; the store has the new pair
    // before any call uses it.
    client.refresh_tokens().await?;
    let stored = FileTokenStore::new(&store_path).load().await?;
    println!(
        "refreshed; the token file holds the rotated pair: {}",
        stored.is_some()
    );
    let fields = client.call(&CrmDealFields).await?.result;
    println!(
        "crm.deal.fields with the new access token -> {} fields",
        fields.len()
    );

    let _ = std::fs::remove_file(&store_path);
    Ok(())
}
