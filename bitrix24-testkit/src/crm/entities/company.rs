//! Companies (api-reference/crm/companies/): the fields of `crm.company.get` in order,
//! the defaults of `crm.company.add`, the documented error texts, and seeded companies
//! with a phone, an e-mail and a website.

use std::sync::OnceLock;

use serde_json::{Value, json};

use super::shared::{authored, mix, stamp};
use crate::crm::entity::{Change, Entity, Seeding};
use crate::crm::fields::{Kind, Record};

/// The company type.
pub(crate) static COMPANY: Entity = Entity {
    name: "company",
    entity_type_id: 4,
    fields_json: include_str!("company_fields.json"),
    // `"REVENUE": "0"` in crm-company-get.md: a number as given, not money with decimals.
    kinds: &[("REVENUE", Kind::Number)],
    hidden: &[],
    get_order: GET_ORDER,
    defaults,
    first_of: None,
    stage_field: None,
    settle,
    owner_type: None,
    update_not_found: ("", "Company is not found"),
    delete_not_found: ("", "Company is not found"),
    seed,
    described: OnceLock::new(),
};

/// The order of the fields in a `crm.company.get` reply (crm-company-get.md).
const GET_ORDER: &[&str] = &[
    "ID",
    "COMPANY_TYPE",
    "TITLE",
    "LOGO",
    "LEAD_ID",
    "HAS_PHONE",
    "HAS_EMAIL",
    "HAS_IMOL",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "BANKING_DETAILS",
    "INDUSTRY",
    "REVENUE",
    "CURRENCY_ID",
    "EMPLOYEES",
    "COMMENTS",
    "DATE_CREATE",
    "DATE_MODIFY",
    "OPENED",
    "IS_MY_COMPANY",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "ORIGIN_VERSION",
    "ADDRESS",
    "ADDRESS_2",
    "ADDRESS_CITY",
    "ADDRESS_POSTAL_CODE",
    "ADDRESS_REGION",
    "ADDRESS_PROVINCE",
    "ADDRESS_COUNTRY",
    "ADDRESS_COUNTRY_CODE",
    "ADDRESS_LOC_ADDR_ID",
    "ADDRESS_LEGAL",
    "REG_ADDRESS",
    "REG_ADDRESS_2",
    "REG_ADDRESS_CITY",
    "REG_ADDRESS_POSTAL_CODE",
    "REG_ADDRESS_REGION",
    "REG_ADDRESS_PROVINCE",
    "REG_ADDRESS_COUNTRY",
    "REG_ADDRESS_COUNTRY_CODE",
    "REG_ADDRESS_LOC_ADDR_ID",
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
    "LAST_ACTIVITY_BY",
    "LAST_ACTIVITY_TIME",
    "LAST_COMMUNICATION_TIME",
];

/// What `crm.company.add` stores when a field is not written.
fn defaults(_id: u64, user_id: u64, now: i64) -> Vec<(&'static str, Value)> {
    let mut values = authored(user_id, now);
    values.extend([
        ("COMPANY_TYPE", json!("CUSTOMER")),
        ("REVENUE", json!("0")),
        ("CURRENCY_ID", json!("USD")),
        ("IS_MY_COMPANY", json!("N")),
    ]);
    values
}

fn settle(_: &mut Record, _: &Change<'_>) {}

const NAMES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne & Sons",
    "Vandelay Import/Export",
];
const TYPES: &[&str] = &["CUSTOMER", "SUPPLIER", "COMPETITOR", "PARTNER", "OTHER"];
const INDUSTRIES: &[&str] = &["IT", "TELECOM", "MANUFACTURING", "BANKING", "CONSULTING"];
const EMPLOYEES: &[&str] = &["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"];

/// A seeded company: a name, type, industry and size, a yearly revenue, and contacts.
fn seed(company: &mut Record, seeding: &mut Seeding<'_>) {
    let id = seeding.id;
    let mix = mix(id);
    let name = NAMES[id as usize % NAMES.len()];
    let put = |company: &mut Record, field: &str, value: String| {
        company.insert(field.to_owned(), json!(value));
    };
    put(company, "TITLE", format!("{name} #{id}"));
    put(company, "COMPANY_TYPE", TYPES[mix % TYPES.len()].to_owned());
    put(
        company,
        "INDUSTRY",
        INDUSTRIES[mix % INDUSTRIES.len()].to_owned(),
    );
    put(
        company,
        "EMPLOYEES",
        EMPLOYEES[id as usize % EMPLOYEES.len()].to_owned(),
    );
    put(company, "REVENUE", format!("{}", (mix % 5_000) * 1_000));
    let phone = format!("+1800{:07}", id % 10_000_000);
    seeding.multifield(company, "PHONE", &phone, "WORK");
    let domain = name.to_lowercase().replace([' ', '&', '/'], "");
    seeding.multifield(
        company,
        "EMAIL",
        &format!("info{id}@{domain}.example"),
        "WORK",
    );
    seeding.multifield(company, "WEB", &format!("https://{domain}.example"), "WORK");
    stamp(company, seeding);
}
