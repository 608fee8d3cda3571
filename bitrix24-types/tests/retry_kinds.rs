//! End to end: the kind the specs give a method decides whether the client repeats it
//! after a dropped connection. `user.current` only reads (the kind rule: a `current`
//! reads), so a lost reply is asked again; `crm.deal.add` creates, so it is not.
#![cfg(all(feature = "user", feature = "crm"))]
#![allow(deprecated)] // crm.deal.* is deprecated upstream in favour of crm.item.*

use bitrix24_testkit::{Fault, TestPortal};
use bitrix24_types::crm::{CrmDealAdd, Deal};
use bitrix24_types::user::UserCurrent;
use bitrix24_types::{CallKind, Client, Error, Method};

#[tokio::test]
async fn a_dropped_read_is_asked_again_once() {
    assert_eq!(UserCurrent::KIND, CallKind::Read);
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();

    portal.inject_for("user.current", Fault::DropAfterHandling);
    let me = client.call(&UserCurrent).await.unwrap().result;
    assert_eq!(me.id, Some(1));
    assert_eq!(
        portal.stats().calls_by_method.get("user.current"),
        Some(&2),
        "the dropped call and its one repeat"
    );
}

#[tokio::test]
async fn a_dropped_write_is_not_repeated() {
    assert_eq!(CrmDealAdd::KIND, CallKind::Write);
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();

    portal.inject_for("crm.deal.add", Fault::DropAfterHandling);
    let err = client
        .call(&CrmDealAdd {
            fields: Deal {
                title: Some("once".into()),
                ..Deal::default()
            },
            params: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FateUnknown { .. }), "{err:?}");
    assert_eq!(portal.deal_count(), 1, "executed once, never repeated");
    assert_eq!(portal.stats().calls_by_method.get("crm.deal.add"), Some(&1));
}
