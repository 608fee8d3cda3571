//! Contacts (api-reference/crm/contacts/): the fields of `crm.contact.get` in order, the
//! defaults of `crm.contact.add`, the documented error texts, and seeded people with a
//! phone and (mostly) an e-mail.

use serde_json::json;

use super::shared::{ADDRESS, Person, UTM, blank_when_unset, mix, stamp};
use crate::crm::entity::{Change, Entity, Seeding};
use crate::crm::fields::{Kind, Record};

/// The fields of a `crm.contact.get` reply before the address (crm-contact-get.md).
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
];

/// The contact type.
pub(crate) static CONTACT: Entity = Entity {
    // Shown by `crm.contact.get`, not described by `crm.contact.fields`.
    hidden: &[("FACE_ID", Kind::Integer)],
    get_order: &[GET_ORDER, ADDRESS, UTM, &["LAST_ACTIVITY_BY"]],
    defaults: &[("TYPE_ID", "CLIENT"), ("EXPORT", "Y")],
    first_of: Some(("COMPANY_IDS", "COMPANY_ID")),
    settle,
    update_not_found: ("", "Contact is not found"),
    delete_not_found: ("ERROR_CORE", "Element not found"),
    seed,
    ..Entity::new("contact", 3, include_str!("contact_fields.json"))
};

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
