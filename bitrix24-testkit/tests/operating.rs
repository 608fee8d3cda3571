//! The portal's operating-time accounting: each call of a charged method adds its cost to
//! the method's sum per credential, the reply reports it, and at the limit the method is
//! refused with `OPERATION_TIME_LIMIT` until the oldest charge leaves the window.

use std::time::Duration;

use bitrix24_testkit::{OperatingLimit, PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::client::{Auth, Client};
use bitrix24_transport::retry::RetryPolicy;
use bitrix24_transport::{ApiErrorCode, CallKind};
use serde_json::json;

#[tokio::test]
async fn a_method_is_charged_reported_and_refused_at_the_limit() {
    let portal = TestPortal::start_with(PortalConfig {
        operating: Some(
            OperatingLimit::new(Duration::from_secs(1), Duration::from_secs(2))
                .cost("crm.deal.get", Duration::from_millis(400)),
        ),
        ..PortalConfig::unlimited()
    })
    .await
    .unwrap();
    portal.seed_deals(1);
    let client = Client::builder(Auth::Webhook(
        Webhook::parse(&portal.webhook_url()).unwrap(),
    ))
    .rate_limit(None)
    .retry(RetryPolicy::NONE)
    .build()
    .unwrap();
    let get = || client.call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read);
    let mut reported = Vec::new();
    for _ in 0..3 {
        let time = get().await.unwrap().time.unwrap();
        reported.push(time.operating.unwrap());
        assert_eq!(time.processing, Some(0.4));
        let left = time.operating_reset_at.unwrap() - time.start.unwrap();
        assert!(left > 1.5 && left < 2.1, "{left}");
    }
    assert_eq!(reported, [0.4, 0.8, 1.2000000000000002]);
    // Another method is not charged.
    let profile = client
        .call_raw("profile", json!({}), CallKind::Read)
        .await
        .unwrap();
    assert_eq!(profile.time.unwrap().operating, Some(0.0));

    let err = get().await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ApiErrorCode::OperationTimeLimit));
    assert_eq!(portal.stats().operation_time_limited, 1);
    // Once the window has passed, the method runs again with a fresh sum.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let time = get().await.unwrap().time.unwrap();
    assert_eq!(time.operating, Some(0.4));
}
