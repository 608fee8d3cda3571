//! Contacts (api-reference/crm/contacts/): the fields of `crm.contact.get` in order, the
//! defaults of `crm.contact.add`, the documented error texts, and seeded people with a
//! phone and (mostly) an e-mail.

use std::sync::OnceLock;

use serde_json::{Value, json};

use super::shared::{Person, authored, blank_when_unset, mix, stamp};
use crate::crm::entity::{Change, Entity, Seeding};
use crate::crm::fields::{Kind, Record};

/// The contact type.
pub(crate) static CONTACT: Entity = Entity {
    name: "contact",
    entity_type_id: 3,
    fields_json: include_str!("contact_fields.json"),
    kinds: &[],
    // Shown by `crm.contact.get`, not described by `crm.contact.fields`.
    hidden: &[("FACE_ID", Kind::Integer)],
    get_order: GET_ORDER,
    defaults,
    first_of: Some(("COMPANY_IDS", "COMPANY_ID")),
    stage_field: None,
    settle,
    owner_type: None,
    update_not_found: ("", "Contact is not found"),
    delete_not_found: ("ERROR_CORE", "Element not found"),
    seed,
    described: OnceLock::new(),
};

/// The order of the fields in a `crm.contact.get` reply (crm-contact-get.md).
const GET_ORDER: &[&str] = &[
    "ID",
    "POST",
    "COMMENTS",
    "HONORIFIC",
    "NAME",
    "SECOND_NAME",
    "LAST_NAME",
    "PHOTO",
    "LEAD_ID",
    "TYPE_ID",
    "SOURCE_ID",
    "SOURCE_DESCRIPTION",
    "COMPANY_ID",
    "BIRTHDATE",
    "EXPORT",
    "HAS_PHONE",
    "HAS_EMAIL",
    "HAS_IMOL",
    "DATE_CREATE",
    "DATE_MODIFY",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "OPENED",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "ORIGIN_VERSION",
    "FACE_ID",
    "LAST_ACTIVITY_TIME",
    "ADDRESS",
    "ADDRESS_2",
    "ADDRESS_CITY",
    "ADDRESS_POSTAL_CODE",
    "ADDRESS_REGION",
    "ADDRESS_PROVINCE",
    "ADDRESS_COUNTRY",
    "ADDRESS_COUNTRY_CODE",
    "ADDRESS_LOC_ADDR_ID",
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
    "LAST_ACTIVITY_BY",
];

/// What `crm.contact.add` stores when a field is not written.
fn defaults(_id: u64, user_id: u64, now: i64) -> Vec<(&'static str, Value)> {
    let mut values = authored(user_id, now);
    values.extend([
        ("TYPE_ID", json!("CLIENT")),
        ("EXPORT", json!("Y")),
        ("BIRTHDATE", json!("")),
    ]);
    values
}

fn settle(contact: &mut Record, _: &Change<'_>) {
    blank_when_unset(contact, &["BIRTHDATE"]);
}

const POSTS: &[&str] = &["Director", "Accountant", "Buyer", "Engineer", "Manager"];
const TYPES: &[&str] = &["CLIENT", "SUPPLIER", "PARTNER", "OTHER"];

/// A seeded contact: a person with a post and type, of one of 40 companies.
fn seed(contact: &mut Record, seeding: &mut Seeding<'_>) {
    let id = seeding.id;
    Person::of(id).fill(contact, seeding);
    let mix = mix(id);
    contact.insert("POST".into(), json!(POSTS[mix % POSTS.len()]));
    contact.insert("TYPE_ID".into(), json!(TYPES[id as usize % TYPES.len()]));
    contact.insert("COMPANY_ID".into(), json!((id % 40 + 1).to_string()));
    if id % 3 == 0 {
        let birthday = format!(
            "19{:02}-{:02}-{:02}T00:00:00+03:00",
            60 + mix % 40,
            mix % 12 + 1,
            mix % 28 + 1
        );
        contact.insert("BIRTHDATE".into(), json!(birthday));
    }
    stamp(contact, seeding);
}
