//! The test portal's authorization: webhooks, OAuth calls, and the OAuth token endpoint.

mod support;

use std::time::Duration;

use bitrix24_testkit::{PortalConfig, TestPortal};
use serde_json::{Value, json};
use support::{get, post_form, post_json};

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

/// Exchange a fresh authorization code for a token pair.
async fn tokens(portal: &TestPortal) -> Value {
    let url = format!(
        "{}?grant_type=authorization_code&client_id={}&client_secret={}&code={}",
        portal.token_url(),
        portal.client_id(),
        portal.client_secret(),
        portal.issue_authorization_code()
    );
    let reply = get(&url).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

async fn refresh(portal: &TestPortal, refresh_token: &str) -> support::Reply {
    post_form(
        &portal.token_url(),
        &format!(
            "grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={refresh_token}",
            portal.client_id(),
            portal.client_secret()
        ),
    )
    .await
}

#[tokio::test]
async fn webhook_urls_and_their_errors() {
    let portal = portal().await;
    let hook = portal.webhook_url();
    assert!(hook.starts_with(&format!("{}/rest/1/", portal.base_url())));
    assert!(hook.ends_with('/'));
    assert!(portal.base_url().starts_with("http://127.0.0.1:"));
    // With and without `.json`, GET and POST.
    for url in [format!("{hook}profile.json"), format!("{hook}profile")] {
        let reply = get(&url).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json()["result"]["ID"], "1");
    }
    assert_eq!(
        post_json(&format!("{hook}app.info"), &json!({}))
            .await
            .json()["result"]["STATUS"],
        "L"
    );

    let base = portal.base_url();
    for wrong in [
        format!("{base}/rest/1/wrongsecret/profile.json"),
        format!(
            "{base}/rest/2/{}profile",
            hook.rsplit('/').nth(1).map(|s| format!("{s}/")).unwrap()
        ),
    ] {
        let reply = get(&wrong).await;
        assert_eq!(reply.status, 401, "{wrong}");
        assert_eq!(reply.error(), "INVALID_CREDENTIALS");
        assert!(reply.json()["time"].is_object(), "errors carry `time` too");
    }
    let unknown = get(&format!("{hook}crm.nothing.here")).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.error(), "ERROR_METHOD_NOT_FOUND");
}

#[tokio::test]
async fn oauth_calls_and_their_errors() {
    let portal = portal().await;
    let rest = portal.rest_url();
    let missing = get(&format!("{rest}profile.json")).await;
    assert_eq!(
        (missing.status, missing.error()),
        (401, "NO_AUTH_FOUND".to_owned())
    );
    let unknown = get(&format!("{rest}profile.json?auth=nope")).await;
    assert_eq!(
        (unknown.status, unknown.error()),
        (401, "invalid_token".to_owned())
    );

    let pair = tokens(&portal).await;
    let access = pair["access_token"].as_str().unwrap();
    // `auth` in the query with a JSON body, or in the body.
    let by_query = post_json(
        &format!("{rest}crm.deal.add?auth={access}"),
        &json!({"fields": {"TITLE": "x"}}),
    )
    .await;
    assert_eq!(by_query.status, 200);
    let by_body = post_json(
        &format!("{rest}crm.deal.get.json"),
        &json!({"auth": access, "id": 1}),
    )
    .await;
    assert_eq!(by_body.json()["result"]["TITLE"], "x");
    let by_form = post_form(
        &format!("{rest}crm.deal.get"),
        &format!("auth={access}&id=1"),
    )
    .await;
    assert_eq!(by_form.json()["result"]["TITLE"], "x");
    let not_found = get(&format!("{rest}crm.nothing?auth={access}")).await;
    assert_eq!(
        (not_found.status, not_found.error()),
        (404, "ERROR_METHOD_NOT_FOUND".to_owned())
    );

    portal.expire_access_tokens();
    let expired = get(&format!("{rest}profile?auth={access}")).await;
    assert_eq!(
        (expired.status, expired.error()),
        (401, "expired_token".to_owned())
    );
}

#[tokio::test]
async fn token_exchange_and_rotation() {
    let portal = portal().await;
    let pair = tokens(&portal).await;
    let port = portal.base_url().rsplit(':').next().unwrap().to_owned();
    assert_eq!(pair["expires_in"], json!(3600));
    assert_eq!(pair["domain"], json!(format!("127.0.0.1:{port}")));
    assert_eq!(
        pair["client_endpoint"],
        json!(format!("{}/rest/", portal.base_url()))
    );
    assert_eq!(
        pair["server_endpoint"],
        json!(format!("{}/oauth/", portal.base_url()))
    );
    assert_eq!(pair["member_id"], json!(portal.member_id()));
    assert_eq!(
        (&pair["scope"], &pair["status"], &pair["user_id"]),
        (&json!("crm,user"), &json!("L"), &json!(1))
    );
    assert!(pair["expires"].as_u64().is_some());
    let first_access = pair["access_token"].as_str().unwrap().to_owned();
    let first_refresh = pair["refresh_token"].as_str().unwrap().to_owned();

    let rotated = refresh(&portal, &first_refresh).await;
    assert_eq!(rotated.status, 200);
    let rotated = rotated.json();
    let second_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rotated["access_token"].as_str().unwrap(), first_access);
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(portal.stats().token_refreshes, 1);

    // The used refresh token is dead; the new one works once.
    let reused = refresh(&portal, &first_refresh).await;
    assert_eq!(
        (reused.status, reused.error()),
        (400, "invalid_grant".to_owned())
    );
    assert!(reused.json()["error_description"].is_string());
    assert_eq!(portal.stats().refresh_token_reuses, 1);
    // A token never issued is refused too, but is no reuse.
    assert_eq!(refresh(&portal, "n0tissued").await.status, 400);
    assert_eq!(portal.stats().refresh_token_reuses, 1);
    assert_eq!(refresh(&portal, &second_refresh).await.status, 200);
    assert_eq!(portal.stats().token_refreshes, 2);

    // The new access token works after the old ones are expired... until it is expired too.
    portal.expire_access_tokens();
    let new_pair = tokens(&portal).await;
    let url = format!(
        "{}profile?auth={}",
        portal.rest_url(),
        new_pair["access_token"].as_str().unwrap()
    );
    assert_eq!(get(&url).await.status, 200);
}

#[tokio::test]
async fn token_endpoint_errors() {
    let portal = portal().await;
    let token = portal.token_url();
    let (id, secret) = (portal.client_id(), portal.client_secret());
    let code = portal.issue_authorization_code();
    let wrong_secret = get(&format!(
        "{token}?grant_type=authorization_code&client_id={id}&client_secret=nope&code={code}"
    ))
    .await;
    assert_eq!(
        (wrong_secret.status, wrong_secret.error()),
        (401, "invalid_client".to_owned())
    );
    let wrong_id = get(&format!(
        "{token}?grant_type=authorization_code&client_id=nope&client_secret={secret}&code={code}"
    ))
    .await;
    assert_eq!(wrong_id.error(), "invalid_client");
    let good = format!(
        "{token}?grant_type=authorization_code&client_id={id}&client_secret={secret}&code={code}"
    );
    assert_eq!(get(&good).await.status, 200);
    let reused = get(&good).await;
    assert_eq!(
        (reused.status, reused.error()),
        (400, "invalid_grant".to_owned()),
        "a code is one-time"
    );
    let bogus = get(&format!(
        "{token}?grant_type=authorization_code&client_id={id}&client_secret={secret}&code=bogus"
    ))
    .await;
    assert_eq!(bogus.error(), "invalid_grant");
    assert_eq!(
        get(&format!("{token}?client_id={id}&client_secret={secret}"))
            .await
            .error(),
        "invalid_request"
    );
    assert_eq!(
        get(&format!(
            "{token}?grant_type=password&client_id={id}&client_secret={secret}"
        ))
        .await
        .error(),
        "unsupported_grant_type"
    );
    assert_eq!(portal.stats().token_refreshes, 0);
}

#[tokio::test]
async fn access_tokens_expire_after_their_ttl() {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: None,
        access_token_ttl: Duration::from_millis(300),
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    let pair = tokens(&portal).await;
    assert_eq!(
        pair["expires_in"],
        json!(0),
        "whole seconds, as on the wire"
    );
    let url = format!(
        "{}profile?auth={}",
        portal.rest_url(),
        pair["access_token"].as_str().unwrap()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(get(&url).await.error(), "expired_token");
    let rotated = refresh(&portal, pair["refresh_token"].as_str().unwrap())
        .await
        .json();
    let url = format!(
        "{}profile?auth={}",
        portal.rest_url(),
        rotated["access_token"].as_str().unwrap()
    );
    assert_eq!(get(&url).await.status, 200);
}

#[tokio::test]
async fn debug_output_hides_secrets() {
    let portal = portal().await;
    let pair = tokens(&portal).await;
    let debug = format!("{portal:?}");
    let secret = portal
        .webhook_url()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    for hidden in [
        secret,
        portal.client_secret(),
        portal.application_token(),
        pair["access_token"].as_str().unwrap().to_owned(),
    ] {
        assert!(!debug.contains(&hidden), "{debug}");
    }
}
