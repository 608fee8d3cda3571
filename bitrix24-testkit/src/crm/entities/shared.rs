//! What the entity modules share: runs of fields their `get` replies have in common,
//! date fields shown as `""` when unset, and the makings of seeded records (a
//! reproducible mix from the ID, creation times, sources, people with a phone and an
//! e-mail).

use serde_json::{Value, json};

use crate::clock::format_datetime;
use crate::crm::entity::Seeding;
use crate::crm::fields::Record;

/// A seeded record's pseudo-random number, from its ID (reproducible, varied).
pub(super) fn mix(id: u64) -> usize {
    (id as usize).wrapping_mul(2_654_435_761) % 1_000_003
}

/// When the `from_end`-th (negative) record of a seeding that ends `now` was created:
/// about one an hour, the last just before `now`.
pub(super) fn created(id: u64, from_end: i64, now: i64) -> i64 {
    now + from_end * 3_517 - (mix(id) % 600) as i64
}

const FIRST_NAMES: &[&str] = &[
    "John", "Anna", "Oleg", "Maria", "Peter", "Olga", "Ivan", "Elena", "James", "Sofia", "Marek",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Ivanova", "Brown", "Garcia", "Müller", "Kowalski", "Rossi", "Dubois", "Novak",
    "O'Brien", "Tanaka",
];
/// The address of a lead, contact or company, in the order their `get` shows it.
pub(super) const ADDRESS: &[&str] = &[
    "ADDRESS",
    "ADDRESS_2",
    "ADDRESS_CITY",
    "ADDRESS_POSTAL_CODE",
    "ADDRESS_REGION",
    "ADDRESS_PROVINCE",
    "ADDRESS_COUNTRY",
    "ADDRESS_COUNTRY_CODE",
    "ADDRESS_LOC_ADDR_ID",
];

/// The contact flags and the authors of a lead or company, in the order their `get`
/// shows them.
pub(super) const FLAGS_AND_AUTHORS: &[&str] = &[
    "HAS_PHONE",
    "HAS_EMAIL",
    "HAS_IMOL",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
];

/// Names of seeded companies (deals are with them, too).
pub(super) const COMPANY_NAMES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne & Sons",
    "Vandelay Import/Export",
    "Soylent",
    "Tyrell",
];

/// The campaign a record came from.
pub(super) const UTM: &[&str] = &[
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
];

/// Sources of seeded records (`SOURCE_ID`).
pub(super) const SOURCES: &[&str] = &[
    "CALL",
    "EMAIL",
    "WEB",
    "ADVERTISING",
    "PARTNER",
    "RECOMMENDATION",
    "WEBFORM",
    "CALLBACK",
];

/// A seeded person: names, an e-mail and a phone.
pub(super) struct Person {
    pub(super) name: &'static str,
    pub(super) last_name: &'static str,
}

impl Person {
    pub(super) fn of(id: u64) -> Person {
        let k = id as usize;
        Person {
            name: FIRST_NAMES[k % FIRST_NAMES.len()],
            last_name: LAST_NAMES[mix(id) % LAST_NAMES.len()],
        }
    }

    /// `NAME`, `LAST_NAME`, a work phone and an e-mail (not for every fifth).
    pub(super) fn fill(&self, record: &mut Record, seeding: &mut Seeding<'_>) {
        record.insert("NAME".into(), json!(self.name));
        record.insert("LAST_NAME".into(), json!(self.last_name));
        let phone = format!("+1555{:07}", seeding.id % 10_000_000);
        seeding.multifield(record, "PHONE", &phone, "WORK");
        if seeding.id % 5 != 0 {
            let email = format!(
                "{}.{}{}@example.com",
                self.name.to_lowercase(),
                self.last_name.to_lowercase().replace(['\'', 'ü'], ""),
                seeding.id
            );
            seeding.multifield(record, "EMAIL", &email, "WORK");
        }
    }
}

/// The dates and authors of a seeded record, as an import sets them.
pub(super) fn stamp(record: &mut Record, seeding: &Seeding<'_>) {
    let created = created(seeding.id, seeding.from_end, seeding.now);
    let assigned = json!((seeding.id % 6 + 1).to_string());
    record.insert("ASSIGNED_BY_ID".into(), assigned);
    record.insert("DATE_CREATE".into(), json!(format_datetime(created)));
    record.insert(
        "DATE_MODIFY".into(),
        json!(format_datetime(created + 3_600)),
    );
    record.insert(
        "LAST_ACTIVITY_TIME".into(),
        json!(format_datetime(created + 7_200)),
    );
    let source = SOURCES[mix(seeding.id) % SOURCES.len()];
    if record.contains_key("SOURCE_ID") {
        record.insert("SOURCE_ID".into(), json!(source));
    }
}

/// Date fields a `get` shows as `""` when unset (crm-lead-get.md: `"BIRTHDATE": ""`).
pub(super) fn blank_when_unset(record: &mut Record, fields: &[&str]) {
    for field in fields {
        if record.get(*field).is_none_or(Value::is_null) {
            record.insert((*field).to_owned(), json!(""));
        }
    }
}
