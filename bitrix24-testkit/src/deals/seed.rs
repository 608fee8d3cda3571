//! Seeding: realistic deals made in bulk, each what `crm.deal.add` would store for its
//! fields (with the read-only dates set, as an import would), reproducible from its ID.

use serde_json::{Map, Value};

use super::store::{DealStore, derive_stage};
use crate::clock::format_datetime;

impl DealStore {
    /// Add `n` realistic deals (IDs continue the sequence), created over the last weeks.
    ///
    /// Each is what `crm.deal.add` would store for its fields (with the read-only dates
    /// set, as an import would), built directly from a copy of an empty deal: seeding
    /// hundreds of thousands must not take longer than the test that needs them.
    pub(crate) fn seed(&mut self, n: usize, now: i64) {
        // The defaults of `insert`, taken from one deal made and removed again.
        let template = {
            let id = self.insert(&Map::new(), 1, now, true);
            self.last_id -= 1;
            self.deals.remove(&id).unwrap_or_default()
        };
        let everything = self.resolve_select(&[]);
        let total = n as i64;
        for i in 0..n {
            self.last_id += 1;
            let id = self.last_id;
            let seed = Seed::of(id, i as i64 - total, now);
            let mut deal = template.clone();
            let mut set = |name: &str, value: String| match deal.get_mut(name) {
                Some(slot) => *slot = Value::String(value),
                None => {
                    deal.insert(name.to_owned(), Value::String(value));
                }
            };
            set("ID", id.to_string());
            set("TITLE", seed.title());
            set("TYPE_ID", seed.type_id().to_owned());
            set("STAGE_ID", seed.stage().to_owned());
            set("PROBABILITY", seed.probability().to_string());
            set("CURRENCY_ID", seed.currency().to_owned());
            set("OPPORTUNITY", format!("{:.2}", seed.amount()));
            set("COMPANY_ID", seed.company_id().to_string());
            set("CONTACT_ID", seed.contact_id().to_string());
            set("ASSIGNED_BY_ID", seed.assigned_by_id().to_string());
            set("SOURCE_ID", seed.source().to_owned());
            let created = format_datetime(seed.created);
            let modified = format_datetime(seed.created + 3_600);
            set("BEGINDATE", date_only(&created));
            set(
                "CLOSEDATE",
                date_only(&format_datetime(seed.created + 14 * 86_400)),
            );
            set("DATE_CREATE", created);
            set("DATE_MODIFY", modified.clone());
            set("MOVED_TIME", modified);
            set("LAST_ACTIVITY_TIME", format_datetime(seed.created + 7_200));
            set("IS_NEW", seed.is_new().to_owned());
            if let Some(comments) = seed.comments() {
                set("COMMENTS", comments.to_owned());
            }
            if let Some((source, medium)) = seed.utm() {
                set("UTM_SOURCE", source.to_owned());
                set("UTM_MEDIUM", medium.to_owned());
            }
            derive_stage(&mut deal);
            // Served pre-serialised from the first page on.
            self.listing(id, &deal, &everything);
            self.deals.insert(id, deal);
        }
    }
}

const COMPANIES: &[&str] = &[
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
const SOURCES: &[&str] = &[
    "CALL",
    "EMAIL",
    "WEB",
    "ADVERTISING",
    "PARTNER",
    "RECOMMENDATION",
    "WEBFORM",
    "CALLBACK",
];
const CURRENCIES: &[&str] = &["USD", "EUR", "RUB"];

/// What a seeded deal is made of, derived from its ID (reproducible, varied).
#[derive(Debug, Clone, Copy)]
pub(super) struct Seed {
    k: usize,
    mix: usize,
    /// Unix time of creation.
    pub(super) created: i64,
}

impl Seed {
    /// The deal with ID `id`, the `from_end`-th (negative) of a seeding that ends `now`.
    pub(super) fn of(id: u64, from_end: i64, now: i64) -> Self {
        let k = id as usize;
        let mix = k.wrapping_mul(2_654_435_761) % 1_000_003;
        let created = now + from_end * 3_517 - (mix % 600) as i64;
        Self { k, mix, created }
    }

    pub(super) fn title(&self) -> String {
        format!(
            "{}: {} #{}",
            COMPANIES[self.k % COMPANIES.len()],
            PRODUCTS[self.mix % PRODUCTS.len()],
            self.k
        )
    }

    pub(super) fn type_id(&self) -> &'static str {
        TYPES[self.k % TYPES.len()]
    }

    pub(super) fn stage(&self) -> &'static str {
        STAGES[self.mix % STAGES.len()]
    }

    pub(super) fn probability(&self) -> usize {
        (self.mix % 11) * 10
    }

    pub(super) fn currency(&self) -> &'static str {
        CURRENCIES[self.mix % CURRENCIES.len()]
    }

    pub(super) fn amount(&self) -> f64 {
        (self.mix % 250_000) as f64 + (self.mix % 100) as f64 / 100.0
    }

    pub(super) fn company_id(&self) -> usize {
        self.k % 40 + 1
    }

    pub(super) fn contact_id(&self) -> usize {
        self.k % 90 + 1
    }

    pub(super) fn assigned_by_id(&self) -> usize {
        self.k % 6 + 1
    }

    pub(super) fn source(&self) -> &'static str {
        SOURCES[self.mix % SOURCES.len()]
    }

    pub(super) fn is_new(&self) -> &'static str {
        if self.stage() == "NEW" { "Y" } else { "N" }
    }

    pub(super) fn comments(&self) -> Option<&'static str> {
        (self.k % 3 == 0).then_some("Call back after the budget meeting")
    }

    pub(super) fn utm(&self) -> Option<(&'static str, &'static str)> {
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
