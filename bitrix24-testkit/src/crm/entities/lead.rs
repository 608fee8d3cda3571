//! Leads (api-reference/crm/leads/): the fields of `crm.lead.get` in order, the defaults
//! of `crm.lead.add`, the status semantics (`STATUS_SEMANTIC_ID`, `DATE_CLOSED`), product
//! rows (`OWNER_TYPE` `L`), and seeded leads from people asking for something.

use serde_json::{Value, json};

use super::shared::{
    ADDRESS, FLAGS_AND_AUTHORS, Person, UTM, blank_when_unset, created, mix, stamp,
};
use crate::clock::format_datetime;
use crate::crm::entity::{Change, Entity, Seeding};
use crate::crm::fields::Record;

/// The fields of a `crm.lead.get` reply before the contact flags (crm-lead-get.md).
const GET_ORDER: &[&str] = &[
    "ID",
    "TITLE",
    "HONORIFIC",
    "NAME",
    "SECOND_NAME",
    "LAST_NAME",
    "COMPANY_TITLE",
    "COMPANY_ID",
    "CONTACT_ID",
    "IS_RETURN_CUSTOMER",
    "BIRTHDATE",
    "SOURCE_ID",
    "SOURCE_DESCRIPTION",
    "STATUS_ID",
    "STATUS_DESCRIPTION",
    "POST",
    "COMMENTS",
    "CURRENCY_ID",
    "OPPORTUNITY",
    "IS_MANUAL_OPPORTUNITY",
];

/// The fields after the contact flags and authors, before the address.
const DATES: &[&str] = &[
    "DATE_CREATE",
    "DATE_MODIFY",
    "DATE_CLOSED",
    "STATUS_SEMANTIC_ID",
    "OPENED",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "MOVED_BY_ID",
    "MOVED_TIME",
];

/// The lead type.
pub(crate) static LEAD: Entity = Entity {
    get_order: &[
        GET_ORDER,
        FLAGS_AND_AUTHORS,
        DATES,
        ADDRESS,
        UTM,
        &["LAST_ACTIVITY_BY", "LAST_ACTIVITY_TIME"],
    ],
    title: Some("Lead"),
    defaults: &[
        ("STATUS_ID", "NEW"),
        ("CURRENCY_ID", "USD"),
        ("OPPORTUNITY", "0.00"),
        ("IS_MANUAL_OPPORTUNITY", "N"),
        ("IS_RETURN_CUSTOMER", "N"),
    ],
    first_of: Some(("CONTACT_IDS", "CONTACT_ID")),
    stage_field: Some("STATUS_ID"),
    settle,
    owner_type: Some("L"),
    seed,
    ..Entity::new("lead", 1, include_str!("lead_fields.json"))
};

/// `STATUS_SEMANTIC_ID` follows the status (`CONVERTED` succeeded, `JUNK` failed);
/// `DATE_CLOSED` is when the lead reached a final status, `""` while it is open.
fn settle(lead: &mut Record, change: &Change<'_>) {
    let status = lead
        .get("STATUS_ID")
        .and_then(Value::as_str)
        .unwrap_or("NEW");
    let semantic = match status {
        "CONVERTED" => "S",
        "JUNK" => "F",
        _ => "P",
    };
    lead.insert("STATUS_SEMANTIC_ID".into(), json!(semantic));
    let closed = lead
        .get("DATE_CLOSED")
        .and_then(Value::as_str)
        .is_some_and(|date| !date.is_empty());
    if semantic == "P" {
        lead.insert("DATE_CLOSED".into(), json!(""));
    } else if !closed {
        lead.insert("DATE_CLOSED".into(), json!(format_datetime(change.now)));
    }
    blank_when_unset(lead, &["BIRTHDATE", "DATE_CLOSED"]);
}

const WANTS: &[&str] = &[
    "a quote",
    "a demo",
    "a callback",
    "the price list",
    "a trial",
];
const STATUSES: &[&str] = &["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"];

/// A seeded lead: a person wanting something, at some status, with an amount.
fn seed(lead: &mut Record, seeding: &mut Seeding<'_>) {
    let id = seeding.id;
    let mix = mix(id);
    let person = Person::of(id);
    person.fill(lead, seeding);
    let want = WANTS[mix % WANTS.len()];
    lead.insert(
        "TITLE".into(),
        json!(format!("{} {} wants {want}", person.name, person.last_name)),
    );
    let status = STATUSES[mix % STATUSES.len()];
    lead.insert("STATUS_ID".into(), json!(status));
    lead.insert(
        "OPPORTUNITY".into(),
        json!(format!("{}.00", (mix % 300) * 100)),
    );
    stamp(lead, seeding);
    let created = created(id, seeding.from_end, seeding.now);
    lead.insert("MOVED_TIME".into(), json!(format_datetime(created + 3_600)));
    if status == "CONVERTED" || status == "JUNK" {
        lead.insert(
            "DATE_CLOSED".into(),
            json!(format_datetime(created + 3_600)),
        );
    }
}
