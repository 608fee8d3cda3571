//! Companies (api-reference/crm/companies/): the fields of `crm.company.get` in order,
//! the defaults of `crm.company.add`, the documented error texts, and seeded companies
//! with a phone, an e-mail and a website.

use serde_json::json;

use super::shared::{ADDRESS, COMPANY_NAMES, FLAGS_AND_AUTHORS, UTM, mix, stamp};
use crate::crm::entity::{Entity, Seeding};
use crate::crm::fields::{Kind, Record};

/// The fields of a `crm.company.get` reply before the contact flags (crm-company-get.md).
const GET_ORDER: &[&str] = &["ID", "COMPANY_TYPE", "TITLE", "LOGO", "LEAD_ID"];

/// The fields after the contact flags and authors, before the address.
const BUSINESS: &[&str] = &[
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
];

/// The company type.
pub(crate) static COMPANY: Entity = Entity {
    // `"REVENUE": "0"` in crm-company-get.md: a number as given, not money with decimals.
    kinds: &[("REVENUE", Kind::Number)],
    get_order: &[
        GET_ORDER,
        FLAGS_AND_AUTHORS,
        BUSINESS,
        ADDRESS,
        REGISTERED,
        UTM,
        LAST,
    ],
    defaults: &[
        ("COMPANY_TYPE", "CUSTOMER"),
        ("REVENUE", "0"),
        ("CURRENCY_ID", "USD"),
        ("IS_MY_COMPANY", "N"),
    ],
    update_not_found: ("", "Company is not found"),
    delete_not_found: ("", "Company is not found"),
    seed,
    ..Entity::new("company", 4, include_str!("company_fields.json"))
};

/// The legal and the registered address, after the address.
const REGISTERED: &[&str] = &[
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
];

/// The last fields of the reply, after the campaign.
const LAST: &[&str] = &[
    "LAST_ACTIVITY_BY",
    "LAST_ACTIVITY_TIME",
    "LAST_COMMUNICATION_TIME",
];

const TYPES: &[&str] = &["CUSTOMER", "SUPPLIER", "COMPETITOR", "PARTNER", "OTHER"];
const INDUSTRIES: &[&str] = &["IT", "TELECOM", "MANUFACTURING", "BANKING", "CONSULTING"];
const EMPLOYEES: &[&str] = &["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"];

/// A seeded company: a name, type, industry and size, a yearly revenue, and contacts.
fn seed(company: &mut Record, seeding: &mut Seeding<'_>) {
    let id = seeding.id;
    let mix = mix(id);
    let name = COMPANY_NAMES[id as usize % COMPANY_NAMES.len()];
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
