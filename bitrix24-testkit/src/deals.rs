//! The portal's CRM deals: storage, the `crm.deal.*` methods and list filtering.
//!
//! Values are stored the way a real portal encodes them (crm-deal-get.md): numbers as
//! strings (`"ID":"410"`, `"OPPORTUNITY":"1000000.00"`), `Y`/`N` chars, datetimes with the
//! portal's offset, `null` for unset. User fields (`UF_CRM_*`) are stored as given; a user
//! field is known to the portal from the first time a deal carries it (or from
//! [`TestPortal::add_user_field`](crate::TestPortal::add_user_field)).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::call::{CallError, CallResult, Outcome};
use crate::clock::{format_datetime, parse_datetime};
use crate::list_query::{as_text, is_empty, like, start_param, values_of};
use crate::params::{ordered_entries, param};
use crate::payload::Payload;

/// The field descriptions of `crm.deal.fields`, as documented (crm-deal-fields.md).
const FIELDS_JSON: &str = include_str!("deal_fields.json");

/// The order of the fields in a `crm.deal.get` reply (crm-deal-get.md).
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
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
    "LAST_ACTIVITY_BY",
];

/// How a field's values are encoded and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Integers and references (`"410"`).
    Integer,
    /// Money and rates with two decimals (`"1000000.00"`).
    Double,
    /// `Y` / `N`.
    Char,
    /// A date, stored as midnight in the portal's zone.
    Date,
    /// A datetime with offset.
    DateTime,
    /// Text, status codes, currencies.
    Text,
    /// A user field: stored as given.
    User,
}

/// One documented field.
#[derive(Debug)]
struct FieldInfo {
    kind: Kind,
    read_only: bool,
    immutable: bool,
    multiple: bool,
}

fn kind_of_type(wire_type: &str) -> Kind {
    match wire_type {
        "integer" | "user" | "crm_company" | "crm_contact" | "crm_quote" | "crm_lead"
        | "crm_category" | "crm_entity" => Kind::Integer,
        "double" => Kind::Double,
        "char" => Kind::Char,
        "date" => Kind::Date,
        "datetime" => Kind::DateTime,
        _ => Kind::Text,
    }
}

/// The documented descriptions, parsed once.
fn documented() -> &'static (Map<String, Value>, BTreeMap<String, FieldInfo>) {
    static FIELDS: OnceLock<(Map<String, Value>, BTreeMap<String, FieldInfo>)> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let descriptions: Map<String, Value> =
            serde_json::from_str(FIELDS_JSON).unwrap_or_default();
        let infos = descriptions
            .iter()
            .map(|(name, description)| {
                let flag = |key: &str| description[key].as_bool().unwrap_or(false);
                let info = FieldInfo {
                    kind: kind_of_type(description["type"].as_str().unwrap_or("string")),
                    read_only: flag("isReadOnly"),
                    immutable: flag("isImmutable"),
                    multiple: flag("isMultiple"),
                };
                (name.clone(), info)
            })
            .collect();
        (descriptions, infos)
    })
}

/// The kind of a field name, `None` for a name the portal does not know.
fn kind_of(name: &str) -> Option<Kind> {
    if let Some(info) = documented().1.get(name) {
        return Some(info.kind);
    }
    if name.starts_with("UF_") {
        Some(Kind::User)
    } else if name.starts_with("PARENT_ID_") {
        Some(Kind::Integer)
    } else {
        None
    }
}

type Deal = BTreeMap<String, Value>;

/// All deals of the portal and its user fields.
#[derive(Debug, Default)]
pub(crate) struct DealStore {
    last_id: u64,
    deals: BTreeMap<u64, Deal>,
    /// User field name -> its type for `crm.deal.fields`.
    user_fields: BTreeMap<String, String>,
    /// Each deal as a list with every field shows it (an empty `select`), serialised once:
    /// made when a page first carries the deal (when seeding, for seeded ones), dropped
    /// when the deal or the set of user fields changes. See [`Payload`] for why.
    listed: RefCell<HashMap<u64, Arc<RawValue>>>,
}

impl DealStore {
    pub(crate) fn len(&self) -> usize {
        self.deals.len()
    }

    /// Delete a deal; whether it existed.
    pub(crate) fn remove(&mut self, id: u64) -> bool {
        self.listed.get_mut().remove(&id);
        self.deals.remove(&id).is_some()
    }

    /// Declare a user field (`UF_CRM_...`) with its `crm.deal.fields` type.
    pub(crate) fn add_user_field(&mut self, name: &str, wire_type: &str) {
        self.user_fields
            .insert(name.to_owned(), wire_type.to_owned());
        // Every deal's full rendering gains the field.
        self.listed.get_mut().clear();
    }

    /// A deal as a list with every field (`select` is [`Self::resolve_select`] of nothing)
    /// shows it, serialised once and then shared.
    fn listing(&self, id: u64, deal: &Deal, select: &[String]) -> Arc<RawValue> {
        if let Some(text) = self.listed.borrow().get(&id) {
            return Arc::clone(text);
        }
        let value = Value::Object(self.render_fields(deal, Some(select)));
        let text: Arc<RawValue> = match serde_json::value::to_raw_value(&value) {
            Ok(text) => Arc::from(text),
            // Reason: a map of JSON values always serialises; keep the portal up regardless.
            Err(_) => Arc::from(RawValue::NULL.to_owned()),
        };
        self.listed.borrow_mut().insert(id, Arc::clone(&text));
        text
    }

    /// One deal as `crm.deal.get` returns it.
    pub(crate) fn render(&self, id: u64) -> Option<Value> {
        let deal = self.deals.get(&id)?;
        Some(Value::Object(self.render_fields(deal, None)))
    }

    /// Every deal as `crm.deal.get` returns it, by ID.
    pub(crate) fn render_all(&self) -> Vec<Value> {
        self.deals
            .values()
            .map(|deal| Value::Object(self.render_fields(deal, None)))
            .collect()
    }

    /// Render a deal; `select = None` means every field.
    fn render_fields(&self, deal: &Deal, select: Option<&[String]>) -> Map<String, Value> {
        let value = |name: &str| deal.get(name).cloned().unwrap_or(Value::Null);
        let mut out = Map::new();
        match select {
            None => {
                for name in GET_ORDER {
                    out.insert((*name).to_owned(), value(name));
                }
                for name in deal.keys().filter(|name| name.starts_with("PARENT_ID_")) {
                    out.insert(name.clone(), value(name));
                }
                for name in self.user_fields.keys() {
                    out.insert(name.clone(), value(name));
                }
            }
            Some(names) => {
                for name in names {
                    out.insert(name.clone(), value(name));
                }
            }
        }
        out
    }

    /// Resolve a `select` list into field names (masks `*` and `UF_*` expanded).
    fn resolve_select(&self, select: &[String]) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let push = |name: &str, names: &mut Vec<String>| {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        };
        let everything = select.is_empty();
        for item in select {
            match item.as_str() {
                "*" => GET_ORDER.iter().for_each(|name| push(name, &mut names)),
                "UF_*" => self
                    .user_fields
                    .keys()
                    .for_each(|name| push(name, &mut names)),
                name if name.starts_with("UF_") => {
                    if self.user_fields.contains_key(name) {
                        push(name, &mut names);
                    }
                }
                name if name.starts_with("PARENT_ID_") => push(name, &mut names),
                name => {
                    if documented().1.get(name).is_some_and(|info| !info.multiple) {
                        push(name, &mut names);
                    }
                }
            }
        }
        if everything {
            GET_ORDER.iter().for_each(|name| push(name, &mut names));
            self.user_fields
                .keys()
                .for_each(|name| push(name, &mut names));
        }
        if names.is_empty() {
            names.push("ID".to_owned());
        }
        names
    }

    /// Create a deal from `fields`; returns its ID. `internal` lets the seeder set fields
    /// that are read-only over the API (creation dates, IDs of the author).
    fn insert(
        &mut self,
        fields: &Map<String, Value>,
        user_id: u64,
        now: i64,
        internal: bool,
    ) -> u64 {
        self.last_id += 1;
        let id = self.last_id;
        let now_text = format_datetime(now);
        let user = user_id.to_string();
        let mut deal: Deal = BTreeMap::new();
        for name in GET_ORDER {
            deal.insert((*name).to_owned(), Value::Null);
        }
        let defaults = [
            ("ID", json!(id.to_string())),
            ("TITLE", json!(format!("Deal #{id}"))),
            ("TYPE_ID", json!("SALE")),
            ("CATEGORY_ID", json!("0")),
            ("STAGE_ID", json!("NEW")),
            ("CURRENCY_ID", json!("USD")),
            ("OPPORTUNITY", json!("0.00")),
            ("IS_MANUAL_OPPORTUNITY", json!("N")),
            ("TAX_VALUE", json!("0.00")),
            ("COMPANY_ID", json!("0")),
            ("BEGINDATE", json!(format_date_only(now))),
            ("CLOSEDATE", json!(format_date_only(now + 7 * 86_400))),
            ("ASSIGNED_BY_ID", json!(user)),
            ("CREATED_BY_ID", json!(user)),
            ("MODIFY_BY_ID", json!(user)),
            ("MOVED_BY_ID", json!(user)),
            ("LAST_ACTIVITY_BY", json!(user)),
            ("DATE_CREATE", json!(now_text)),
            ("DATE_MODIFY", json!(now_text)),
            ("MOVED_TIME", json!(now_text)),
            ("LAST_ACTIVITY_TIME", json!(now_text)),
            ("OPENED", json!("Y")),
            ("CLOSED", json!("N")),
            ("IS_NEW", json!("Y")),
            ("IS_RECURRING", json!("N")),
            ("IS_RETURN_CUSTOMER", json!("N")),
            ("IS_REPEATED_APPROACH", json!("N")),
        ];
        for (name, value) in defaults {
            deal.insert(name.to_owned(), value);
        }
        self.apply(&mut deal, fields, true, internal);
        if deal.get("CONTACT_ID").is_none_or(Value::is_null) {
            if let Some(first) = fields
                .get("CONTACT_IDS")
                .and_then(Value::as_array)
                .and_then(|ids| ids.first())
            {
                deal.insert("CONTACT_ID".into(), encode(Kind::Integer, first));
            }
        }
        // A stage of another funnel carries its prefix (`C1:NEW`).
        let category = deal
            .get("CATEGORY_ID")
            .and_then(Value::as_str)
            .unwrap_or("0")
            .to_owned();
        if category != "0" && !fields.contains_key("STAGE_ID") {
            deal.insert("STAGE_ID".into(), json!(format!("C{category}:NEW")));
        }
        derive_stage(&mut deal);
        deal.insert("ID".into(), json!(id.to_string()));
        self.deals.insert(id, deal);
        id
    }

    /// Write `fields` into `deal`: unknown and read-only fields are ignored (as documented
    /// for `crm.deal.update`), immutable ones only on creation.
    fn apply(
        &mut self,
        deal: &mut Deal,
        fields: &Map<String, Value>,
        creating: bool,
        internal: bool,
    ) {
        for (raw_name, value) in fields {
            let name = raw_name.to_ascii_uppercase();
            if name == "ID" {
                continue;
            }
            if name.starts_with("UF_") {
                if !self.user_fields.contains_key(&name) {
                    self.add_user_field(&name, "string");
                }
                deal.insert(name, value.clone());
                continue;
            }
            if name.starts_with("PARENT_ID_") {
                deal.insert(name, encode(Kind::Integer, value));
                continue;
            }
            let Some(info) = documented().1.get(&name) else {
                continue;
            };
            if info.multiple || (info.read_only && !internal) || (info.immutable && !creating) {
                continue;
            }
            deal.insert(name, encode(info.kind, value));
        }
    }

    fn update(&mut self, id: u64, fields: &Map<String, Value>, user_id: u64, now: i64) -> bool {
        let Some(mut deal) = self.deals.remove(&id) else {
            return false;
        };
        self.listed.get_mut().remove(&id);
        let old_stage = deal.get("STAGE_ID").cloned();
        self.apply(&mut deal, fields, false, false);
        let now_text = json!(format_datetime(now));
        deal.insert("DATE_MODIFY".into(), now_text.clone());
        deal.insert("MODIFY_BY_ID".into(), json!(user_id.to_string()));
        deal.insert("IS_NEW".into(), json!("N"));
        if deal.get("STAGE_ID") != old_stage.as_ref() {
            deal.insert("MOVED_TIME".into(), now_text);
            deal.insert("MOVED_BY_ID".into(), json!(user_id.to_string()));
        }
        derive_stage(&mut deal);
        self.deals.insert(id, deal);
        true
    }

    /// `crm.deal.fields`: the documented descriptions plus the user fields.
    fn fields(&self) -> Value {
        let mut out = documented().0.clone();
        for (name, wire_type) in &self.user_fields {
            out.insert(
                name.clone(),
                json!({
                    "type": wire_type,
                    "isRequired": false,
                    "isReadOnly": false,
                    "isImmutable": false,
                    "isMultiple": false,
                    "isDynamic": true,
                    "title": name,
                    "listLabel": name,
                    "formLabel": name,
                    "filterLabel": name,
                    "settings": [],
                }),
            );
        }
        Value::Object(out)
    }

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
struct Seed {
    k: usize,
    mix: usize,
    /// Unix time of creation.
    created: i64,
}

impl Seed {
    /// The deal with ID `id`, the `from_end`-th (negative) of a seeding that ends `now`.
    fn of(id: u64, from_end: i64, now: i64) -> Self {
        let k = id as usize;
        let mix = k.wrapping_mul(2_654_435_761) % 1_000_003;
        let created = now + from_end * 3_517 - (mix % 600) as i64;
        Self { k, mix, created }
    }

    fn title(&self) -> String {
        format!(
            "{}: {} #{}",
            COMPANIES[self.k % COMPANIES.len()],
            PRODUCTS[self.mix % PRODUCTS.len()],
            self.k
        )
    }

    fn type_id(&self) -> &'static str {
        TYPES[self.k % TYPES.len()]
    }

    fn stage(&self) -> &'static str {
        STAGES[self.mix % STAGES.len()]
    }

    fn probability(&self) -> usize {
        (self.mix % 11) * 10
    }

    fn currency(&self) -> &'static str {
        CURRENCIES[self.mix % CURRENCIES.len()]
    }

    fn amount(&self) -> f64 {
        (self.mix % 250_000) as f64 + (self.mix % 100) as f64 / 100.0
    }

    fn company_id(&self) -> usize {
        self.k % 40 + 1
    }

    fn contact_id(&self) -> usize {
        self.k % 90 + 1
    }

    fn assigned_by_id(&self) -> usize {
        self.k % 6 + 1
    }

    fn source(&self) -> &'static str {
        SOURCES[self.mix % SOURCES.len()]
    }

    fn is_new(&self) -> &'static str {
        if self.stage() == "NEW" { "Y" } else { "N" }
    }

    fn comments(&self) -> Option<&'static str> {
        (self.k % 3 == 0).then_some("Call back after the budget meeting")
    }

    fn utm(&self) -> Option<(&'static str, &'static str)> {
        (self.k % 4 == 0).then_some(("google", "CPC"))
    }
}

/// The date part of a formatted datetime at midnight (what [`format_date_only`] gives).
fn date_only(datetime: &str) -> String {
    match (datetime.get(..10), datetime.get(19..)) {
        (Some(date), Some(offset)) => format!("{date}T00:00:00{offset}"),
        _ => datetime.to_owned(),
    }
}

/// A date field's value: midnight in the portal's zone.
fn format_date_only(unix: i64) -> String {
    let text = format_datetime(unix);
    parse_datetime(&text[..10]).map_or(text, format_datetime)
}

/// `STAGE_SEMANTIC_ID` and `CLOSED` follow the stage.
fn derive_stage(deal: &mut Deal) {
    let stage = deal
        .get("STAGE_ID")
        .and_then(Value::as_str)
        .unwrap_or("NEW")
        .to_owned();
    let bare = stage.rsplit(':').next().unwrap_or(&stage);
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

/// A value as the portal stores a field of this kind.
fn encode(kind: Kind, value: &Value) -> Value {
    let text = match value {
        Value::Null => return Value::Null,
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => {
            return match kind {
                Kind::Char => json!(if *flag { "Y" } else { "N" }),
                Kind::User => value.clone(),
                _ => json!(if *flag { "1" } else { "0" }),
            };
        }
        Value::Array(_) | Value::Object(_) => {
            return match kind {
                Kind::User => value.clone(),
                _ => Value::Null,
            };
        }
    };
    match kind {
        Kind::User => value.clone(),
        Kind::Text => json!(text),
        Kind::Integer => match number(&text) {
            Some(n) => json!(format!("{}", n.trunc() as i64)),
            None => Value::Null,
        },
        Kind::Double => match number(&text.replace(',', ".")) {
            Some(n) => json!(format!("{n:.2}")),
            None if text.is_empty() => json!("0.00"),
            None => Value::Null,
        },
        Kind::Char => {
            let yes = matches!(
                text.to_ascii_uppercase().as_str(),
                "Y" | "1" | "TRUE" | "YES"
            );
            json!(if yes { "Y" } else { "N" })
        }
        Kind::Date => match parse_datetime(&text) {
            Some(unix) => json!(format_date_only(unix)),
            None => Value::Null,
        },
        Kind::DateTime => match parse_datetime(&text) {
            Some(unix) => json!(format_datetime(unix)),
            None => Value::Null,
        },
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A positive integer ID as clients send it (`5`, `"5"`).
pub(crate) fn parse_id(value: Option<&Value>) -> Option<u64> {
    let id = match value? {
        Value::Number(number) => number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f < 9e15)
                .map(|f| f as u64)
        }),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    }?;
    (id > 0).then_some(id)
}

fn crm_error(description: &str) -> CallError {
    CallError::new(400, "", description)
}

/// The `fields` parameter as an object; PHP forms send `[]` for an empty one.
fn fields_param(params: &Value) -> Result<Map<String, Value>, CallError> {
    match param(params, "fields") {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
        _ => Err(crm_error("Parameter 'fields' must be array.")),
    }
}

/// Run a `crm.deal.*` method; `None` if `method` is not one.
pub(crate) fn call(
    store: &mut DealStore,
    method: &str,
    params: &Value,
    user_id: u64,
    now: i64,
    page_size: usize,
) -> Option<CallResult> {
    let result = match method {
        "crm.deal.add" => fields_param(params).map(|fields| {
            let id = store.insert(&fields, user_id, now, false);
            Outcome::write(json!(id))
        }),
        "crm.deal.get" => match parse_id(param(params, "id")) {
            None => Err(crm_error("ID is not defined or invalid.")),
            Some(id) => store
                .render(id)
                .map(Outcome::read)
                .ok_or_else(|| crm_error("Not found")),
        },
        "crm.deal.update" => match parse_id(param(params, "id")) {
            None => Err(crm_error("ID is not defined or invalid.")),
            Some(id) => fields_param(params).and_then(|fields| {
                if store.update(id, &fields, user_id, now) {
                    Ok(Outcome::write(json!(true)))
                } else {
                    Err(crm_error("Not found"))
                }
            }),
        },
        "crm.deal.delete" => match parse_id(param(params, "id")) {
            None => Err(crm_error("ID is not defined or invalid.")),
            Some(id) if store.remove(id) => Ok(Outcome::write(json!(true))),
            Some(_) => Err(crm_error("Not found")),
        },
        "crm.deal.fields" => Ok(Outcome::read(store.fields())),
        "crm.deal.list" => list(store, params, page_size),
        _ => return None,
    };
    Some(result)
}

/// A filter operation (crm-deal-list.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    NotIn,
    /// `%`: substring anywhere.
    Contains,
    /// `!%`: no such substring.
    NotContains,
    /// `=%`, `%=`: SQL LIKE with `%` wildcards in the value.
    Like,
}

/// Split a filter key into its operation and field name.
fn split_filter_key(key: &str) -> (Op, &str) {
    const PREFIXES: &[(&str, Op)] = &[
        ("!@", Op::NotIn),
        ("!%", Op::NotContains),
        ("!=", Op::Ne),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("=%", Op::Like),
        ("%=", Op::Like),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("@", Op::In),
        ("%", Op::Contains),
        ("=", Op::Eq),
        ("!", Op::Ne),
    ];
    for (prefix, op) in PREFIXES {
        if let Some(field) = key.strip_prefix(prefix) {
            return (*op, field);
        }
    }
    (Op::Eq, key)
}

#[derive(Debug)]
struct Condition {
    field: String,
    kind: Kind,
    op: Op,
    values: Vec<Value>,
}

/// Compare a stored value with a filter (or another stored) value by the field's kind.
fn compare(kind: Kind, stored: &Value, other: &Value) -> Option<Ordering> {
    let left = as_text(stored)?;
    let right = as_text(other)?;
    let numeric = || Some((number(&left)?, number(&right.replace(',', "."))?));
    match kind {
        Kind::Integer | Kind::Double => numeric().and_then(|(a, b)| a.partial_cmp(&b)),
        Kind::Date | Kind::DateTime => match (parse_datetime(&left), parse_datetime(&right)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => Some(left.cmp(&right)),
        },
        Kind::User => match numeric() {
            Some((a, b)) => a.partial_cmp(&b),
            None => Some(left.to_lowercase().cmp(&right.to_lowercase())),
        },
        Kind::Char | Kind::Text => Some(left.to_lowercase().cmp(&right.to_lowercase())),
    }
}

/// What a value sorts by. A total order (the sort may panic without one): NULL first
/// ascending, as in MySQL, then numbers (or instants), then text case-insensitively.
#[derive(Debug)]
enum SortKey {
    Null,
    Number(f64),
    Text(String),
}

impl SortKey {
    fn rank(&self) -> u8 {
        match self {
            SortKey::Null => 0,
            SortKey::Number(_) => 1,
            SortKey::Text(_) => 2,
        }
    }
}

impl PartialEq for SortKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

fn sort_key(kind: Kind, value: &Value) -> SortKey {
    let Some(text) = as_text(value) else {
        return SortKey::Null;
    };
    let parsed = match kind {
        Kind::Integer | Kind::Double | Kind::User => number(&text),
        Kind::Date | Kind::DateTime => parse_datetime(&text).map(|unix| unix as f64),
        Kind::Char | Kind::Text => None,
    };
    match parsed {
        Some(n) => SortKey::Number(n),
        None => SortKey::Text(text.to_lowercase()),
    }
}

/// `=`: equal; an empty filter value matches an unset field; a stored list matches if
/// any element does.
fn equals(kind: Kind, stored: &Value, wanted: &Value) -> bool {
    if is_empty(wanted) {
        return is_empty(stored);
    }
    match stored {
        Value::Array(items) => items.iter().any(|item| equals(kind, item, wanted)),
        _ => compare(kind, stored, wanted) == Some(Ordering::Equal),
    }
}

impl Condition {
    /// The one number an `ID` condition compares with, clamped to the range of IDs;
    /// `None` for another field, several values, or a value that is not a number.
    fn id_bound(&self) -> Option<f64> {
        match self.values.as_slice() {
            [value] if self.field == "ID" => as_text(value)
                .and_then(|text| number(&text.replace(',', ".")))
                .map(|n| n.clamp(0.0, u64::MAX as f64)),
            _ => None,
        }
    }

    fn matches(&self, deal: &Deal) -> bool {
        let stored = deal.get(&self.field).unwrap_or(&Value::Null);
        let any = |test: &dyn Fn(&Value) -> bool| self.values.iter().any(test);
        match self.op {
            Op::Eq | Op::In => any(&|v| equals(self.kind, stored, v)),
            Op::Ne | Op::NotIn => !any(&|v| equals(self.kind, stored, v)),
            Op::Gt | Op::Ge | Op::Lt | Op::Le => any(&|v| {
                let Some(ordering) = compare(self.kind, stored, v) else {
                    return false;
                };
                match self.op {
                    Op::Gt => ordering == Ordering::Greater,
                    Op::Ge => ordering != Ordering::Less,
                    Op::Lt => ordering == Ordering::Less,
                    _ => ordering != Ordering::Greater,
                }
            }),
            Op::Contains | Op::NotContains => {
                let found = as_text(stored).is_some_and(|text| {
                    let text = text.to_lowercase();
                    self.values
                        .iter()
                        .filter_map(as_text)
                        .any(|needle| text.contains(&needle.to_lowercase()))
                });
                found == (self.op == Op::Contains)
            }
            Op::Like => as_text(stored).is_some_and(|text| {
                self.values
                    .iter()
                    .filter_map(as_text)
                    .any(|pattern| like(&text, &pattern))
            }),
        }
    }
}

/// `order`, `filter`, `select` must be objects (or lists); PHP sends `[]` when empty.
fn object_param<'a>(params: &'a Value, name: &str) -> Result<Option<&'a Value>, CallError> {
    match param(params, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if items.is_empty() => Ok(None),
        Some(value @ Value::Object(_)) => Ok(Some(value)),
        Some(_) => Err(crm_error(&format!("Parameter '{name}' must be array."))),
    }
}

/// `crm.deal.list`: filter, order, select, pages of `page_size` (`start`, `next`, `total`;
/// `start=-1` returns just the first page without `next` and with `total` 0, as
/// huge-data.md shows).
fn list(store: &DealStore, params: &Value, page_size: usize) -> CallResult {
    let page_size = page_size.max(1);
    let mut conditions = Vec::new();
    if let Some(Value::Object(filter)) = object_param(params, "filter")? {
        for (key, value) in filter {
            let (op, field) = split_filter_key(key.trim());
            let field = field.trim().to_ascii_uppercase();
            let Some(kind) = kind_of(&field) else {
                continue;
            };
            conditions.push(Condition {
                field,
                kind,
                op,
                values: values_of(value),
            });
        }
    }
    let mut order: Vec<(String, Kind, bool)> = Vec::new();
    if object_param(params, "order")?.is_some() {
        for (field, direction) in ordered_entries(params, "order") {
            let field = field.trim().to_ascii_uppercase();
            let Some(kind) = kind_of(&field) else {
                continue;
            };
            let ascending = !as_text(direction).is_some_and(|d| d.eq_ignore_ascii_case("DESC"));
            order.push((field, kind, ascending));
        }
    }
    let select: Vec<String> = match param(params, "select") {
        Some(value @ (Value::Array(_) | Value::Object(_))) => values_of(value)
            .iter()
            .filter_map(as_text)
            .map(|name| name.trim().to_ascii_uppercase())
            .collect(),
        Some(Value::String(name)) => vec![name.trim().to_ascii_uppercase()],
        _ => Vec::new(),
    };
    let select = store.resolve_select(&select);

    let start = start_param(params);
    let (offset, fast) = if start < 0 {
        (0, true)
    } else {
        (usize::try_from(start).unwrap_or(usize::MAX), false)
    };
    // Deals are kept by ID, so a list in ID order walks just the ID range the filter
    // allows (the documented fast export stays cheap with hundreds of thousands of
    // deals); any other order sorts what matches.
    let Some(range) = IdRange::of(&conditions) else {
        let empty = Value::Array(Vec::new()).into();
        return Ok(list_outcome(empty, fast, 0, offset, page_size));
    };
    conditions.retain(|condition| !IdRange::is_exact(condition));
    let candidates = store.deals.range(range.low..=range.high);
    let by_id = match order.as_slice() {
        [] => Some(true),
        [(field, _, ascending)] if field == "ID" => Some(*ascending),
        _ => None,
    };
    let matches = |deal: &Deal| conditions.iter().all(|c| c.matches(deal));
    let (page, total): (Vec<(u64, &Deal)>, usize) = match by_id {
        Some(ascending) => {
            let walk: Box<dyn Iterator<Item = (&u64, &Deal)>> = if ascending {
                Box::new(candidates)
            } else {
                Box::new(candidates.rev())
            };
            let mut matching = walk.filter(|(_, deal)| matches(deal));
            let page = matching
                .by_ref()
                .skip(offset)
                .take(page_size)
                .map(|(id, deal)| (*id, deal))
                .collect::<Vec<_>>();
            // Counting is what `start=-1` skips (huge-data.md).
            let total = if fast {
                0
            } else {
                offset.saturating_add(page.len()) + matching.count()
            };
            let total = if page.is_empty() && !fast {
                // `skip` consumed the records before `offset` without counting them.
                store
                    .deals
                    .range(range.low..=range.high)
                    .filter(|(_, deal)| matches(deal))
                    .count()
            } else {
                total
            };
            (page, total)
        }
        None => {
            let mut matching: Vec<(&u64, &Deal)> =
                candidates.filter(|(_, deal)| matches(deal)).collect();
            matching.sort_by(|(id_a, a), (id_b, b)| {
                for (field, kind, ascending) in &order {
                    let null = Value::Null;
                    let va = sort_key(*kind, a.get(field).unwrap_or(&null));
                    let vb = sort_key(*kind, b.get(field).unwrap_or(&null));
                    let ordering = va.cmp(&vb);
                    let ordering = if *ascending {
                        ordering
                    } else {
                        ordering.reverse()
                    };
                    if ordering != Ordering::Equal {
                        return ordering;
                    }
                }
                id_a.cmp(id_b)
            });
            let page = matching
                .iter()
                .skip(offset)
                .take(page_size)
                .map(|(id, deal)| (**id, *deal))
                .collect();
            (page, matching.len())
        }
    };
    let page = if select == store.resolve_select(&[]) {
        let records = page
            .iter()
            .map(|(id, deal)| store.listing(*id, deal, &select));
        Payload::Records(records.collect())
    } else {
        let records = page
            .iter()
            .map(|(_, deal)| Value::Object(store.render_fields(deal, Some(&select))));
        Value::Array(records.collect()).into()
    };
    Ok(list_outcome(page, fast, total, offset, page_size))
}

/// A list reply: the page, and `total`/`next` unless it is the fast path.
fn list_outcome(
    page: Payload,
    fast: bool,
    total: usize,
    offset: usize,
    page_size: usize,
) -> Outcome {
    let mut outcome = Outcome::read(page);
    if fast {
        outcome.total = Some(0);
    } else {
        outcome.total = Some(total as u64);
        let next = offset.saturating_add(page_size);
        if next < total {
            outcome.next = Some(next as u64);
        }
    }
    outcome
}

/// The IDs a filter can match at most, from its `ID` comparisons: a superset (the other
/// conditions are still checked); exact for the comparisons `>`, `>=`, `<`, `<=` with a
/// number, which [`IdRange::is_exact`] lets the walk skip.
#[derive(Debug, Clone, Copy)]
struct IdRange {
    low: u64,
    high: u64,
}

impl IdRange {
    /// `None` when no ID can match (an ID compared with something that is not a number
    /// matches nothing, as in [`compare`]).
    fn of(conditions: &[Condition]) -> Option<IdRange> {
        let mut range = IdRange {
            low: 0,
            high: u64::MAX,
        };
        for condition in conditions {
            if condition.field != "ID" || condition.values.len() != 1 {
                continue;
            }
            let bound = || condition.id_bound();
            // IDs are whole numbers: `> 4.5` and `> 4` both start at 5, `< 4` ends at 3.
            match condition.op {
                Op::Gt => range.low = range.low.max((bound()?.floor() as u64).checked_add(1)?),
                Op::Ge => range.low = range.low.max(bound()?.ceil() as u64),
                Op::Lt => match (bound()?.ceil() as u64).checked_sub(1) {
                    Some(high) => range.high = range.high.min(high),
                    None => return None,
                },
                Op::Le => range.high = range.high.min(bound()?.floor() as u64),
                Op::Eq | Op::In if !is_empty(&condition.values[0]) => {
                    let id = bound()?;
                    range.low = range.low.max(id.floor() as u64);
                    range.high = range.high.min(id.ceil() as u64);
                }
                _ => {}
            }
        }
        (range.low <= range.high).then_some(range)
    }

    /// Whether the range alone decides `condition` (it is one [`IdRange::of`] bounds
    /// exactly): every deal's `ID` is its key, so the walk need not check it again.
    fn is_exact(condition: &Condition) -> bool {
        matches!(condition.op, Op::Gt | Op::Ge | Op::Lt | Op::Le) && condition.id_bound().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_725_017_340;

    /// An outcome with its result as a JSON value (pages of records parsed back).
    struct Done {
        result: Value,
        total: Option<u64>,
        next: Option<u64>,
    }

    fn ok(result: Option<CallResult>) -> Done {
        match result {
            Some(Ok(outcome)) => Done {
                result: outcome.result.to_value(),
                total: outcome.total,
                next: outcome.next,
            },
            Some(Err(err)) => panic!("error: {err:?}"),
            None => panic!("not a deal method"),
        }
    }

    fn err(result: Option<CallResult>) -> CallError {
        match result {
            Some(Err(err)) => err,
            other => panic!(
                "expected an error, got {:?}",
                other.map(|r| r.map(|o| o.result))
            ),
        }
    }

    fn run(store: &mut DealStore, method: &str, params: Value) -> Option<CallResult> {
        call(store, method, &params, 1, NOW, 50)
    }

    #[test]
    fn add_encodes_values_like_a_portal() {
        let mut store = DealStore::default();
        let id = ok(run(
            &mut store,
            "crm.deal.add",
            json!({"fields": {"TITLE": "New Deal #1", "OPPORTUNITY": 1000000, "PROBABILITY": "99",
                "IS_MANUAL_OPPORTUNITY": true, "BEGINDATE": "2024-08-30", "COMPANY_ID": 9,
                "STAGE_ID": "WON", "DATE_CREATE": "2000-01-01", "UF_CRM_1721244482250": "Hello world!",
                "NOT_A_FIELD": 1}}),
        ))
        .result;
        assert_eq!(id, json!(1));
        let deal = store.render(1).unwrap();
        assert_eq!(deal["ID"], "1");
        assert_eq!(deal["OPPORTUNITY"], "1000000.00");
        assert_eq!(deal["PROBABILITY"], "99");
        assert_eq!(deal["IS_MANUAL_OPPORTUNITY"], "Y");
        assert_eq!(deal["BEGINDATE"], "2024-08-30T00:00:00+03:00");
        assert_eq!(deal["COMPANY_ID"], "9");
        assert_eq!(deal["STAGE_SEMANTIC_ID"], "S");
        assert_eq!(deal["CLOSED"], "Y");
        assert_eq!(deal["DATE_CREATE"], "2024-08-30T14:29:00+03:00");
        assert_eq!(deal["LEAD_ID"], Value::Null);
        assert_eq!(deal["UF_CRM_1721244482250"], "Hello world!");
        assert!(deal.get("NOT_A_FIELD").is_none());
        let fields = ok(run(&mut store, "crm.deal.fields", json!({}))).result;
        assert_eq!(fields["UF_CRM_1721244482250"]["isDynamic"], true);
        assert_eq!(fields["CATEGORY_ID"]["isImmutable"], true);
        assert_eq!(fields["ID"]["type"], "integer");
    }

    #[test]
    fn get_update_delete_and_their_errors() {
        let mut store = DealStore::default();
        ok(run(
            &mut store,
            "crm.deal.add",
            json!({"fields": {"TITLE": "a"}}),
        ));
        assert_eq!(
            ok(run(&mut store, "crm.deal.get", json!({"id": "1"}))).result["TITLE"],
            "a"
        );
        assert_eq!(
            err(run(&mut store, "crm.deal.get", json!({"id": 2}))).description,
            "Not found"
        );
        let bad = err(run(&mut store, "crm.deal.get", json!({"id": "x"})));
        assert_eq!((bad.status, bad.code.as_str()), (400, ""));
        assert_eq!(bad.description, "ID is not defined or invalid.");
        ok(run(
            &mut store,
            "crm.deal.update",
            json!({"ID": 1, "FIELDS": {"TITLE": "b", "CATEGORY_ID": 5}}),
        ));
        let deal = store.render(1).unwrap();
        assert_eq!(
            (deal["TITLE"].as_str(), deal["CATEGORY_ID"].as_str()),
            (Some("b"), Some("0"))
        );
        assert_eq!(
            err(run(
                &mut store,
                "crm.deal.update",
                json!({"id": 1, "fields": "x"})
            ))
            .description,
            "Parameter 'fields' must be array."
        );
        assert_eq!(
            ok(run(&mut store, "crm.deal.delete", json!({"id": 1}))).result,
            json!(true)
        );
        assert_eq!(
            err(run(&mut store, "crm.deal.delete", json!({"id": 1}))).description,
            "Not found"
        );
        assert!(run(&mut store, "crm.deal.nope", json!({})).is_none());
    }

    #[test]
    fn list_filters_orders_and_pages() {
        let mut store = DealStore::default();
        for (title, amount, stage) in [
            ("Alpha", 10, "NEW"),
            ("Beta", 200, "WON"),
            ("gamma", 30, "NEW"),
            ("Delta", 200, "LOSE"),
        ] {
            ok(run(
                &mut store,
                "crm.deal.add",
                json!({"fields": {"TITLE": title, "OPPORTUNITY": amount, "STAGE_ID": stage}}),
            ));
        }
        let ids = |params: Value, store: &mut DealStore| -> Vec<String> {
            let outcome = ok(run(store, "crm.deal.list", params));
            outcome
                .result
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["ID"].as_str().unwrap_or("?").to_owned())
                .collect()
        };
        assert_eq!(
            ids(json!({"filter": {">ID": 2}, "select": ["ID"]}), &mut store),
            ["3", "4"]
        );
        assert_eq!(
            ids(
                json!({"filter": {">=OPPORTUNITY": "30"}, "select": ["ID"]}),
                &mut store
            ),
            ["2", "3", "4"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"<OPPORTUNITY": 100.5}, "select": ["ID"]}),
                &mut store
            ),
            ["1", "3"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"STAGE_ID": "NEW"}, "select": ["ID"]}),
                &mut store
            ),
            ["1", "3"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"!STAGE_ID": "NEW"}, "select": ["ID"]}),
                &mut store
            ),
            ["2", "4"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"!=STAGE_ID": "NEW"}, "select": ["ID"]}),
                &mut store
            ),
            ["2", "4"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"%TITLE": "AMM"}, "select": ["ID"]}),
                &mut store
            ),
            ["3"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"=%TITLE": "%ta"}, "select": ["ID"]}),
                &mut store
            ),
            ["2", "4"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"@ID": [1, "4", 9]}, "select": ["ID"]}),
                &mut store
            ),
            ["1", "4"]
        );
        assert_eq!(
            ids(
                json!({"filter": {"!@ID": [1, 4]}, "select": ["ID"]}),
                &mut store
            ),
            ["2", "3"]
        );
        assert_eq!(
            ids(json!({"filter": {"=ID": 2}, "select": ["ID"]}), &mut store),
            ["2"]
        );
        // Numeric order (200 > 30 > 10), ties by ID.
        assert_eq!(
            ids(
                json!({"order": {"OPPORTUNITY": "DESC"}, "select": ["ID"]}),
                &mut store
            ),
            ["2", "4", "3", "1"]
        );
        assert_eq!(
            ids(
                json!({"order": {"TITLE": "asc"}, "select": ["ID"]}),
                &mut store
            ),
            ["1", "2", "4", "3"]
        );
        let all = ok(run(&mut store, "crm.deal.list", json!({})));
        assert_eq!(all.total, Some(4));
        assert_eq!(all.next, None);
        assert!(all.result[0].get("UF_CRM_X").is_none());
        assert_eq!(all.result[0]["OPPORTUNITY"], "10.00");
        let selected = ok(run(
            &mut store,
            "crm.deal.list",
            json!({"select": ["TITLE"]}),
        ));
        assert_eq!(selected.result[0], json!({"TITLE": "Alpha"}));
        assert!(
            err(run(&mut store, "crm.deal.list", json!({"filter": "x"})))
                .description
                .contains("filter")
        );
    }

    #[test]
    fn paging_next_total_and_fast_path() {
        let mut store = DealStore::default();
        store.seed(120, NOW);
        assert_eq!(store.len(), 120);
        let page = |start: Value, store: &mut DealStore| {
            ok(run(
                store,
                "crm.deal.list",
                json!({"start": start, "select": ["ID"]}),
            ))
        };
        let first = page(json!(0), &mut store);
        assert_eq!(
            (
                first.result.as_array().unwrap().len(),
                first.total,
                first.next
            ),
            (50, Some(120), Some(50))
        );
        let last = page(json!("100"), &mut store);
        assert_eq!(
            (last.result.as_array().unwrap().len(), last.total, last.next),
            (20, Some(120), None)
        );
        assert_eq!(last.result[0]["ID"], "101");
        let fast = page(json!(-1), &mut store);
        assert_eq!(
            (fast.result.as_array().unwrap().len(), fast.total, fast.next),
            (50, Some(0), None)
        );
        let beyond = page(json!(1000), &mut store);
        assert_eq!(
            (beyond.result.as_array().unwrap().len(), beyond.next),
            (0, None)
        );
    }

    #[test]
    fn id_ranges_walk_in_either_direction_and_count() {
        let mut store = DealStore::default();
        store.seed(300, NOW);
        assert!(store.deals.remove(&150).is_some());
        let ids =
            |params: Value, store: &mut DealStore| -> (Vec<String>, Option<u64>, Option<u64>) {
                let outcome = ok(run(store, "crm.deal.list", params));
                let ids = outcome
                    .result
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["ID"].as_str().unwrap_or("?").to_owned())
                    .collect();
                (ids, outcome.total, outcome.next)
            };
        let (page, total, next) = ids(
            json!({"filter": {">ID": "147.5", "<=ID": 153}, "select": ["ID"], "start": 0}),
            &mut store,
        );
        assert_eq!(page, ["148", "149", "151", "152", "153"]);
        assert_eq!((total, next), (Some(5), None));
        let (page, total, _) = ids(
            json!({"filter": {">=ID": 290}, "order": {"ID": "DESC"}, "select": ["ID"], "start": -1}),
            &mut store,
        );
        assert_eq!(page.first().map(String::as_str), Some("300"));
        assert_eq!(page.len(), 11);
        assert_eq!(total, Some(0));
        // Offsets past the first page count every match.
        let (page, total, next) = ids(
            json!({"filter": {">ID": 100}, "select": ["ID"], "start": 50}),
            &mut store,
        );
        assert_eq!(
            (page.first().map(String::as_str), total, next),
            (Some("152"), Some(199), Some(100))
        );
        let (page, total, _) = ids(json!({"filter": {">ID": 100}, "start": 500}), &mut store);
        assert_eq!((page.len(), total), (0, Some(199)));
        // An ID compared with text matches nothing; so does an empty range.
        for filter in [
            json!({">ID": "$result[c0][49][ID]"}),
            json!({">ID": 5, "<ID": 3}),
        ] {
            let (page, total, _) = ids(json!({"filter": filter, "start": 0}), &mut store);
            assert_eq!((page.len(), total), (0, Some(0)));
        }
        // Other orders still sort what matches.
        let (page, _, _) = ids(
            json!({"filter": {"<=ID": 3}, "order": {"TITLE": "ASC", "ID": "DESC"}, "select": ["ID"]}),
            &mut store,
        );
        assert_eq!(page.len(), 3);
    }

    #[test]
    fn seeding_stores_what_an_import_of_the_same_fields_would() {
        let mut seeded = DealStore::default();
        seeded.seed(48, NOW);
        let mut imported = DealStore::default();
        for i in 0..48u64 {
            let seed = Seed::of(i + 1, i as i64 - 48, NOW);
            let created = seed.created;
            let mut fields = json!({
                "TITLE": seed.title(), "TYPE_ID": seed.type_id(), "STAGE_ID": seed.stage(),
                "PROBABILITY": seed.probability(), "CURRENCY_ID": seed.currency(),
                "OPPORTUNITY": seed.amount(), "COMPANY_ID": seed.company_id(),
                "CONTACT_ID": seed.contact_id(), "ASSIGNED_BY_ID": seed.assigned_by_id(),
                "SOURCE_ID": seed.source(), "DATE_CREATE": format_datetime(created),
                "DATE_MODIFY": format_datetime(created + 3_600),
                "MOVED_TIME": format_datetime(created + 3_600),
                "LAST_ACTIVITY_TIME": format_datetime(created + 7_200),
                "BEGINDATE": format_date_only(created),
                "CLOSEDATE": format_date_only(created + 14 * 86_400),
                "IS_NEW": seed.is_new(),
            });
            if let Some(comments) = seed.comments() {
                fields["COMMENTS"] = json!(comments);
            }
            if let Some((source, medium)) = seed.utm() {
                fields["UTM_SOURCE"] = json!(source);
                fields["UTM_MEDIUM"] = json!(medium);
            }
            imported.insert(fields.as_object().unwrap(), 1, created, true);
        }
        assert_eq!(seeded.render_all(), imported.render_all());
        assert_eq!(seeded.last_id, 48);
    }

    #[test]
    fn seeded_deals_look_real() {
        let mut store = DealStore::default();
        store.seed(10, NOW);
        for deal in store.render_all() {
            assert!(deal["ID"].as_str().unwrap().parse::<u64>().is_ok());
            assert!(deal["OPPORTUNITY"].as_str().unwrap().contains('.'));
            assert!(parse_datetime(deal["DATE_CREATE"].as_str().unwrap()).unwrap() < NOW);
            assert!(deal["DATE_CREATE"].as_str().unwrap().ends_with("+03:00"));
        }
    }

    #[test]
    fn sorting_mixed_values_is_total() {
        let mut store = DealStore::default();
        for value in ["10", "9", "a", "", "B", "1e3", "-1", "x9", "2024-01-01"] {
            let fields = json!({"UF_CRM_MIX": value, "OPPORTUNITY": value, "BEGINDATE": value, "TITLE": value});
            ok(run(&mut store, "crm.deal.add", json!({"fields": fields})));
        }
        for field in ["UF_CRM_MIX", "OPPORTUNITY", "BEGINDATE", "TITLE", "LEAD_ID"] {
            for direction in ["ASC", "DESC"] {
                let params = json!({"order": {field: direction}, "select": ["ID"]});
                assert_eq!(ok(run(&mut store, "crm.deal.list", params)).total, Some(9));
            }
        }
    }

    #[test]
    fn id_bounds_select_exactly_the_ids_they_name() {
        let mut store = DealStore::default();
        store.seed(10, NOW);
        let ids = |store: &mut DealStore, filter: Value| -> Vec<u64> {
            let params = json!({"filter": filter, "select": ["ID"], "start": -1});
            let page = ok(run(store, "crm.deal.list", params)).result;
            let page = page.as_array().unwrap().clone();
            page.iter()
                .map(|deal| deal["ID"].as_str().unwrap().parse().unwrap())
                .collect()
        };
        let cases: &[(Value, &[u64])] = &[
            (json!({">ID": 7}), &[8, 9, 10]),
            (json!({">ID": "7.5"}), &[8, 9, 10]),
            (json!({">=ID": 7.5}), &[8, 9, 10]),
            (json!({">=ID": "8"}), &[8, 9, 10]),
            (json!({"<ID": 3}), &[1, 2]),
            (json!({"<ID": "2,5"}), &[1, 2]),
            (json!({"<=ID": 2.5}), &[1, 2]),
            (json!({">ID": 3, "<=ID": 5}), &[4, 5]),
            (json!({">ID": -5, "<ID": 3}), &[1, 2]),
            (json!({">=ID": -5, "<ID": 2}), &[1]),
            (json!({"<ID": 0}), &[]),
            (json!({"<=ID": -1}), &[]),
            (json!({">ID": "x"}), &[]),
            (json!({">ID": 18_446_744_073_709_551_615_u64}), &[]),
            (json!({">ID": 8, "!ID": 9}), &[10]),
        ];
        for (filter, expected) in cases {
            assert_eq!(ids(&mut store, filter.clone()), *expected, "{filter}");
        }
    }

    #[test]
    fn like_patterns() {
        assert!(like("Molecule", "mol%"));
        assert!(like("a molecule", "%mol%"));
        assert!(!like("a molecule", "mol%"));
        assert!(like("abc", "a_c"));
        assert!(like("", "%"));
        assert!(!like("abc", ""));
    }
}
