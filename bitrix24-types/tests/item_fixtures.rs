//! The docs' captured `crm.item.*` replies (`fixtures/docs/`) decoded as the records the
//! object type named in the types chooses: a lead's `crm.item.get`, a deal's
//! `crm.item.add` and a page of leads from `crm.item.list`, each as `ItemGet::<Leads>`,
//! `ItemAdd::<Deals>` and `ItemList::<Leads>` read them, with the decode the transport
//! uses (the envelope's `result`, JSON path on failure).
#![cfg(feature = "crm")]

use std::path::Path;

use bitrix24_types::Method;
use bitrix24_types::items::{Deals, ItemAdd, ItemGet, ItemList, Leads};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The `result` of a fixture, decoded as `M`'s response.
fn result_of<M: Method>(fixture: &str) -> M::Response
where
    M::Response: DeserializeOwned,
{
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/docs")
        .join(fixture);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let reply: Value = serde_json::from_str(&text).unwrap();
    let result = serde_json::to_string(&reply["result"]).unwrap();
    let mut de = serde_json::Deserializer::from_str(&result);
    serde_path_to_error::deserialize(&mut de)
        .unwrap_or_else(|e| panic!("{fixture}: result.{}: {}", e.path(), e.inner()))
}

#[test]
fn a_leads_item_reads_as_a_lead() {
    let lead = result_of::<ItemGet<Leads>>("crm.item.get/1.json")
        .item
        .expect("the lead");
    assert_eq!(lead.id, Some(250));
    assert_eq!(lead.title.as_deref(), Some("Lead #250"));
    assert_eq!(lead.last_name.as_deref(), Some("Admins"));
    assert_eq!(lead.stage_id.as_deref(), Some("IN_PROCESS"));
    assert_eq!(
        lead.opportunity.map(|d| d.to_string()).as_deref(),
        Some("999.9")
    );
    assert_eq!(lead.opened, Some(true));
    assert_eq!(lead.has_imol, Some(false));
    assert_eq!(
        lead.birthdate,
        chrono::NaiveDate::from_ymd_opt(2000, 1, 1),
        "a date sent as a datetime at midnight"
    );
    assert_eq!(
        lead.created_time.map(|t| t.to_string()).as_deref(),
        Some("2024-07-22T18:00:08+02:00")
    );
    let fm = lead.fm.expect("the lead's phones and e-mails");
    assert_eq!(fm.len(), 2);
    assert_eq!(lead.observers, Some(vec![]));
    // The portal's own fields stay, keyed as sent.
    assert_eq!(lead.extra.get("ufCrm_1720019876534"), Some(&json!("321")));
    assert!(lead.extra.contains_key("parentId1222"));
}

#[test]
fn a_deals_item_reads_as_a_deal() {
    let deal = result_of::<ItemAdd<Deals>>("crm.item.add/1.json")
        .item
        .expect("the deal");
    assert_eq!(deal.id, Some(342));
    assert_eq!(deal.category_id, Some(9));
    assert_eq!(deal.stage_id.as_deref(), Some("C9:UC_KN8KFI"));
    assert_eq!(deal.lead_id, Some(102));
    assert_eq!(deal.is_new, Some(false));
    assert_eq!(deal.begindate, chrono::NaiveDate::from_ymd_opt(2024, 6, 18));
    assert_eq!(deal.closedate, chrono::NaiveDate::from_ymd_opt(2024, 7, 30));
    assert!(deal.contact_ids.is_some_and(|ids| !ids.is_empty()));
    assert_eq!(deal.extra.get("ufCrm_1721244707107"), Some(&json!(1111.1)));
}

#[test]
fn a_page_of_leads_reads_as_leads() {
    let page = result_of::<ItemList<Leads>>("crm.item.list/1.json");
    let titles: Vec<&str> = page
        .items
        .iter()
        .filter_map(|l| l.title.as_deref())
        .collect();
    assert_eq!(&titles[..3], ["Lead #253", "Lead #255", "Lead #252"]);
    assert!(
        page.items
            .iter()
            .all(|lead| lead.is_manual_opportunity == Some(true))
    );
    assert_eq!(page.items[1].last_name.as_deref(), Some("Weber"));
    assert_eq!(page.items[0].last_name, None, "null is nothing");
}
