//! Deals (api-reference/crm/deals/): the fields of `crm.deal.get` in order, the defaults
//! of `crm.deal.add`, the stage semantics (`STAGE_SEMANTIC_ID`, `CLOSED`, the funnel prefix
//! `C1:` of another category), and realistic seeded deals, reproducible from their IDs.

use serde_json::{Value, json};

use super::shared::{COMPANY_NAMES, SOURCES, UTM, created, mix};
use crate::clock::format_datetime;
use crate::crm::entity::{Change, Entity, Seeding, set};
use crate::crm::fields::Record;

/// The fields of a `crm.deal.get` reply before the campaign (crm-deal-get.md).
const GET_ORDER: &[&str] = &[
    "ID",
    "TITLE",
    "TYPE_ID",
    "STAGE_ID",
    "PROBABILITY",
    "CURRENCY_ID",
    "OPPORTUNITY",
    "IS_MANUAL_OPPORTUNITY",
    "TAX_VALUE",
    "LEAD_ID",
    "COMPANY_ID",
    "CONTACT_ID",
    "QUOTE_ID",
    "BEGINDATE",
    "CLOSEDATE",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "OPENED",
    "CLOSED",
    "COMMENTS",
    "ADDITIONAL_INFO",
    "LOCATION_ID",
    "CATEGORY_ID",
    "STAGE_SEMANTIC_ID",
    "IS_NEW",
    "IS_RECURRING",
    "IS_RETURN_CUSTOMER",
    "IS_REPEATED_APPROACH",
    "SOURCE_ID",
    "SOURCE_DESCRIPTION",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "MOVED_BY_ID",
    "MOVED_TIME",
    "LAST_ACTIVITY_TIME",
];

/// The deal type.
pub(crate) static DEAL: Entity = Entity {
    get_order: &[GET_ORDER, UTM, &["LAST_ACTIVITY_BY"]],
    title: Some("Deal"),
    defaults: &[
        ("TYPE_ID", "SALE"),
        ("CATEGORY_ID", "0"),
        ("STAGE_ID", "NEW"),
        ("CURRENCY_ID", "USD"),
        ("OPPORTUNITY", "0.00"),
        ("IS_MANUAL_OPPORTUNITY", "N"),
        ("TAX_VALUE", "0.00"),
        ("COMPANY_ID", "0"),
        ("CLOSED", "N"),
        ("IS_NEW", "Y"),
        ("IS_RECURRING", "N"),
        ("IS_RETURN_CUSTOMER", "N"),
        ("IS_REPEATED_APPROACH", "N"),
    ],
    // A new deal begins the day it is made and closes a week later.
    dates: &[("BEGINDATE", 0), ("CLOSEDATE", 7)],
    first_of: Some(("CONTACT_IDS", "CONTACT_ID")),
    stage_field: Some("STAGE_ID"),
    settle,
    owner_type: Some("D"),
    seed,
    ..Entity::new("deal", 2, include_str!("deal_fields.json"))
};

/// A stage of another funnel carries its prefix (`C1:NEW`); `STAGE_SEMANTIC_ID` and
/// `CLOSED` follow the stage; an updated deal is no longer new.
fn settle(deal: &mut Record, change: &Change<'_>) {
    if change.creating && !change.gave("STAGE_ID") {
        let category = deal
            .get("CATEGORY_ID")
            .and_then(Value::as_str)
            .unwrap_or("0")
            .to_owned();
        if category != "0" {
            deal.insert("STAGE_ID".into(), json!(format!("C{category}:NEW")));
        }
    }
    if !change.creating {
        deal.insert("IS_NEW".into(), json!("N"));
    }
    derive_stage(deal);
}

/// `STAGE_SEMANTIC_ID` and `CLOSED` from the stage.
fn derive_stage(deal: &mut Record) {
    let stage = deal
        .get("STAGE_ID")
        .and_then(Value::as_str)
        .unwrap_or("NEW");
    let bare = stage.rsplit(':').next().unwrap_or(stage);
    let semantic = match bare {
        "WON" => "S",
        "LOSE" | "APOLOGY" => "F",
        _ => "P",
    };
    deal.insert("STAGE_SEMANTIC_ID".into(), json!(semantic));
    deal.insert(
        "CLOSED".into(),
        json!(if semantic == "P" { "N" } else { "Y" }),
    );
}

/// A seeded deal: what `crm.deal.add` would store for its fields, with the read-only
/// dates set as an import would.
fn seed(deal: &mut Record, seeding: &mut Seeding<'_>) {
    let seed = Seed::of(seeding.id, seeding.from_end, seeding.now);
    let mut put = |name: &str, value: String| set(deal, name, value);
    put("TITLE", seed.title());
    put("TYPE_ID", seed.type_id().to_owned());
    put("STAGE_ID", seed.stage().to_owned());
    put("PROBABILITY", seed.probability().to_string());
    put("CURRENCY_ID", seed.currency().to_owned());
    put("OPPORTUNITY", format!("{:.2}", seed.amount()));
    put("COMPANY_ID", seed.company_id().to_string());
    put("CONTACT_ID", seed.contact_id().to_string());
    put("ASSIGNED_BY_ID", seed.assigned_by_id().to_string());
    put("SOURCE_ID", seed.source().to_owned());
    let created = format_datetime(seed.created);
    let modified = format_datetime(seed.created + 3_600);
    put("BEGINDATE", date_only(&created));
    put(
        "CLOSEDATE",
        date_only(&format_datetime(seed.created + 14 * 86_400)),
    );
    put("DATE_CREATE", created);
    put("DATE_MODIFY", modified.clone());
    put("MOVED_TIME", modified);
    put("LAST_ACTIVITY_TIME", format_datetime(seed.created + 7_200));
    put("IS_NEW", seed.is_new().to_owned());
    if let Some(comments) = seed.comments() {
        put("COMMENTS", comments.to_owned());
    }
    if let Some((source, medium)) = seed.utm() {
        put("UTM_SOURCE", source.to_owned());
        put("UTM_MEDIUM", medium.to_owned());
    }
}

const PRODUCTS: &[&str] = &[
    "annual licence",
    "server upgrade",
    "consulting",
    "onboarding",
    "support plan",
    "hardware order",
    "training",
    "integration",
];
const STAGES: &[&str] = &[
    "NEW",
    "PREPARATION",
    "PREPAYMENT_INVOICE",
    "EXECUTING",
    "FINAL_INVOICE",
    "WON",
    "LOSE",
];
const TYPES: &[&str] = &["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"];
const CURRENCIES: &[&str] = &["USD", "EUR", "RUB"];

/// What a seeded deal is made of, derived from its ID (reproducible, varied).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seed {
    k: usize,
    mix: usize,
    /// Unix time of creation.
    pub(crate) created: i64,
}

impl Seed {
    /// The deal with ID `id`, the `from_end`-th (negative) of a seeding that ends `now`.
    pub(crate) fn of(id: u64, from_end: i64, now: i64) -> Self {
        Self {
            k: id as usize,
            mix: mix(id),
            created: created(id, from_end, now),
        }
    }

    pub(crate) fn title(&self) -> String {
        format!(
            "{}: {} #{}",
            COMPANY_NAMES[self.k % COMPANY_NAMES.len()],
            PRODUCTS[self.mix % PRODUCTS.len()],
            self.k
        )
    }

    pub(crate) fn type_id(&self) -> &'static str {
        TYPES[self.k % TYPES.len()]
    }

    pub(crate) fn stage(&self) -> &'static str {
        STAGES[self.mix % STAGES.len()]
    }

    pub(crate) fn probability(&self) -> usize {
        (self.mix % 11) * 10
    }

    pub(crate) fn currency(&self) -> &'static str {
        CURRENCIES[self.mix % CURRENCIES.len()]
    }

    pub(crate) fn amount(&self) -> f64 {
        (self.mix % 250_000) as f64 + (self.mix % 100) as f64 / 100.0
    }

    pub(crate) fn company_id(&self) -> usize {
        self.k % 40 + 1
    }

    pub(crate) fn contact_id(&self) -> usize {
        self.k % 90 + 1
    }

    pub(crate) fn assigned_by_id(&self) -> usize {
        self.k % 6 + 1
    }

    pub(crate) fn source(&self) -> &'static str {
        SOURCES[self.mix % SOURCES.len()]
    }

    pub(crate) fn is_new(&self) -> &'static str {
        if self.stage() == "NEW" { "Y" } else { "N" }
    }

    pub(crate) fn comments(&self) -> Option<&'static str> {
        (self.k % 3 == 0).then_some("Call back after the budget meeting")
    }

    pub(crate) fn utm(&self) -> Option<(&'static str, &'static str)> {
        (self.k % 4 == 0).then_some(("google", "CPC"))
    }
}

/// The date part of a formatted datetime at midnight (what `format_date_only` gives).
fn date_only(datetime: &str) -> String {
    match (datetime.get(..10), datetime.get(19..)) {
        (Some(date), Some(offset)) => format!("{date}T00:00:00{offset}"),
        _ => datetime.to_owned(),
    }
}
