//! End to end: a contact, a company, a lead and a user written and read through their typed
//! records (a task: `task_record.rs`), and contacts exported on the fast path, through the
//! client against the built-in test portal (which encodes values the way a real portal
//! does: numbers and IDs as strings, `Y`/`N`, datetimes with an offset, multifields as
//! lists).
#![cfg(all(feature = "crm", feature = "user"))]
#![allow(deprecated)] // crm.contact/company/lead.* are deprecated upstream for crm.item.*

use bitrix24_testkit::TestPortal;
use bitrix24_types::crm::{
    Company, CompanyField, Contact, CrmCompanyAdd, CrmCompanyGet, CrmCompanyList, CrmCompanyUpdate,
    CrmContactAdd, CrmContactGet, CrmContactList, CrmContactUpdate, CrmLeadAdd, CrmLeadGet,
    CrmLeadList, Lead,
};
use bitrix24_types::export::ExportOptions;
use bitrix24_types::query::Filter;
use bitrix24_types::query::Select;
use bitrix24_types::user::{User, UserCurrent, UserField, UserGet, UserGetOrder};
use bitrix24_types::wire::Multifield;
use bitrix24_types::{Client, ListMethod};
use futures_util::StreamExt;
use serde_json::json;

async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    (portal, client)
}

#[tokio::test]
async fn a_contact_is_added_read_and_updated_as_one_record_type() {
    let (portal, client) = portal_and_client().await;
    let mut fields = Contact {
        name: Some("Ann".into()),
        last_name: Some("Lee".into()),
        opened: Some(true),
        phone: Some(vec![Multifield::new("+1 555 0100", "WORK")]),
        email: Some(vec![
            Multifield::new("ann@example.com", "WORK"),
            Multifield::new("ann@home.example", "HOME"),
        ]),
        // Read-only: a record read back and sent again must not carry it.
        date_create: Some("2020-01-01T00:00:00+00:00".parse().unwrap()),
        ..Contact::default()
    };
    fields.extra.insert("UF_CRM_SHOE_SIZE".into(), json!("42"));
    let add = CrmContactAdd {
        fields: Some(fields),
        params: None,
    };
    let id = client.call(&add).await.unwrap().result;
    assert_eq!(portal.crm_count(bitrix24_testkit::CrmEntity::Contact), 1);

    let contact = client.call(&CrmContactGet::new(id)).await.unwrap().result;
    assert_eq!(contact.id, Some(id), "the ID the add returned");
    assert_eq!(contact.name.as_deref(), Some("Ann"));
    assert_eq!(contact.opened, Some(true));
    let emails: Vec<_> = contact
        .email
        .iter()
        .flatten()
        .map(|m| (m.value.clone().unwrap(), m.value_type.clone().unwrap()))
        .collect();
    assert_eq!(
        emails,
        [
            ("ann@example.com".to_owned(), "WORK".to_owned()),
            ("ann@home.example".to_owned(), "HOME".to_owned())
        ]
    );
    assert!(contact.email.iter().flatten().all(|m| m.id.is_some()));
    assert_ne!(
        contact.date_create.map(|d| d.to_string()),
        Some("2020-01-01T00:00:00+00:00".into()),
        "the portal sets the creation date; the one sent was not sent"
    );
    assert_eq!(contact.extra.get("UF_CRM_SHOE_SIZE"), Some(&json!("42")));

    // The record read is the record to send back.
    let mut changed = contact.clone();
    changed.last_name = Some("Lee-Smith".into());
    let update = CrmContactUpdate {
        id,
        fields: changed,
        params: None,
    };
    assert!(client.call(&update).await.unwrap().result);
    let again = client.call(&CrmContactGet::new(id)).await.unwrap().result;
    assert_eq!(again.last_name.as_deref(), Some("Lee-Smith"));
    assert_eq!(again.date_create, contact.date_create);
}

#[tokio::test]
async fn a_company_and_a_lead_read_through_their_records() {
    let (_portal, client) = portal_and_client().await;
    let company = Company {
        title: Some("Acme".into()),
        company_type: Some("CUSTOMER".into()),
        phone: Some(vec![Multifield::new("+1 555 0199", "WORK")]),
        ..Company::default()
    };
    let id = client
        .call(&CrmCompanyAdd::new(company))
        .await
        .unwrap()
        .result;
    let read = client.call(&CrmCompanyGet::new(id)).await.unwrap().result;
    assert_eq!(read.title.as_deref(), Some("Acme"));
    assert_eq!(read.company_type.as_deref(), Some("CUSTOMER"));
    assert_eq!(
        read.phone.as_ref().map(|p| p[0].value.clone()),
        Some(Some("+1 555 0199".into()))
    );
    let update = CrmCompanyUpdate::new(
        id,
        Company {
            title: Some("Acme Ltd".into()),
            ..Company::default()
        },
    );
    assert!(client.call(&update).await.unwrap().result);
    let read = client.call(&CrmCompanyGet::new(id)).await.unwrap().result;
    assert_eq!(read.title.as_deref(), Some("Acme Ltd"));
    // The list reads the same record (not the four fields its page's example shows),
    // with the fields a checked select asks for, multifields among them.
    let request = CrmCompanyList {
        select: Some(Select::new([
            CompanyField::Id,
            CompanyField::Title,
            CompanyField::CompanyType,
            CompanyField::Phone,
        ])),
        ..CrmCompanyList::default()
    };
    let page = client.list(&request).await.unwrap();
    let listed: &Company = &page.records[0];
    assert_eq!(listed.id, Some(id));
    assert_eq!(listed.title.as_deref(), Some("Acme Ltd"));
    assert_eq!(listed.company_type.as_deref(), Some("CUSTOMER"));
    assert_eq!(
        listed.phone.as_ref().map(|p| p[0].value.clone()),
        Some(Some("+1 555 0199".into()))
    );
    assert_eq!(listed.industry, None, "not selected");

    let lead = Lead {
        title: Some("Inbound call".into()),
        name: Some("Bo".into()),
        opportunity: Some("1500.50".parse().unwrap()),
        currency_id: Some("USD".into()),
        contact_ids: Some(vec![]),
        ..Lead::default()
    };
    let id = client
        .call(&CrmLeadAdd {
            fields: Some(lead),
            params: None,
        })
        .await
        .unwrap()
        .result;
    let read = client.call(&CrmLeadGet::new(id)).await.unwrap().result;
    assert_eq!(read.title.as_deref(), Some("Inbound call"));
    assert_eq!(
        read.opportunity.as_ref().map(|d| d.as_str()),
        Some("1500.50")
    );
    assert!(read.date_create.and_then(|d| d.offset()).is_some());
    let page = client.list(&CrmLeadList::default()).await.unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].id, read.id);
}

#[tokio::test]
async fn users_read_through_their_record() {
    let (_portal, client) = portal_and_client().await;
    let me = client.call(&UserCurrent).await.unwrap().result;
    assert_eq!(me.id, Some(1));
    assert!(me.name.is_some());
    let users = client.call(&UserGet::default()).await.unwrap().result;
    assert!(users.len() >= 3, "{users:?}");
    assert!(users.iter().any(|u| u.id == Some(2)));
    assert!(users.iter().all(|u| u.active.is_some()));
}

#[tokio::test]
async fn contacts_export_on_the_fast_path_as_typed_records() {
    const { assert!(CrmContactList::FAST_PATH) };
    let (portal, client) = portal_and_client().await;
    portal.seed_contacts(5_120);
    let mut export = client.export(&CrmContactList::default(), ExportOptions::default());
    let mut ids = Vec::new();
    while let Some(chunk) = export.next().await {
        let chunk = chunk.unwrap();
        ids.extend(chunk.records.iter().map(|c: &Contact| c.id.unwrap()));
    }
    assert_eq!(ids.len(), 5_120);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "in ID order, no repeats"
    );
    let stats = portal.stats();
    // 5,120 records: 3 chained batches of 2,500 at most, plus the first call's ID probe.
    assert!(stats.http_requests <= 4, "{} requests", stats.http_requests);
    // Counted pages would have called crm.contact.list with start=0, 50, ... instead.
    assert!(stats.calls_by_method["crm.contact.list"] <= 3 * 50 + 1);
}

#[tokio::test]
async fn users_export_on_the_fast_path_sorting_by_the_field_sort_names() {
    // user.get sorts by one field (`sort`) with `order` the direction alone; the fast
    // path sends `sort: ID`, `order: ASC` and pages by `>ID` in `FILTER`.
    const { assert!(UserGet::FAST_PATH) };
    assert_eq!(UserGet::SORT_PARAM, Some("sort"));
    let (portal, client) = portal_and_client().await;
    portal.seed_users(3_000);
    let total = portal.user_count();
    // The caller's own sort gives way to the ID the pages follow.
    let request = UserGet {
        sort: Some("LAST_NAME".into()),
        order: Some(UserGetOrder::Desc),
        filter: Some(Filter::new().gt(UserField::Id, 100)),
        ..UserGet::default()
    };
    let mut export = client.export(&request, ExportOptions::default());
    let mut ids = Vec::new();
    while let Some(chunk) = export.next().await {
        ids.extend(chunk.unwrap().records.iter().map(|u: &User| u.id.unwrap()));
    }
    assert_eq!(ids.len(), total - 100, "every user above ID 100, once");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in ID order");
    assert_eq!(ids[0], 101);
    let stats = portal.stats();
    // About 2,900 users: 2 chained batches of 2,500 at most, plus the first call's probe.
    assert!(stats.http_requests <= 3, "{} requests", stats.http_requests);
    // Counted pages would have called user.get with start=0, 50, ... instead.
    assert!(stats.calls_by_method["user.get"] <= 2 * 50 + 1);
}
