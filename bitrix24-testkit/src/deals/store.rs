//! The deals themselves: creating, updating and deleting them as the `crm.deal.*`
//! methods do, and rendering them as `crm.deal.get` and `crm.deal.list` show them. User
//! fields (`UF_CRM_*`) are stored as given; a user field is known to the portal from the
//! first time a deal carries it (or from `TestPortal::add_user_field`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::fields::{GET_ORDER, Kind, documented, encode, format_date_only};
use crate::clock::format_datetime;

/// A deal's stored fields by wire name.
pub(super) type Deal = BTreeMap<String, Value>;

/// All deals of the portal and its user fields.
#[derive(Debug, Default)]
pub(crate) struct DealStore {
    pub(super) last_id: u64,
    pub(super) deals: BTreeMap<u64, Deal>,
    /// User field name -> its type for `crm.deal.fields`.
    user_fields: BTreeMap<String, String>,
    /// Each deal as a list with every field shows it (an empty `select`), serialised once:
    /// made when a page first carries the deal (when seeding, for seeded ones), dropped
    /// when the deal or the set of user fields changes. See [`Payload`](crate::payload::Payload) for why.
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
    pub(super) fn listing(&self, id: u64, deal: &Deal, select: &[String]) -> Arc<RawValue> {
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
    pub(super) fn render_fields(
        &self,
        deal: &Deal,
        select: Option<&[String]>,
    ) -> Map<String, Value> {
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
    pub(super) fn resolve_select(&self, select: &[String]) -> Vec<String> {
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
    pub(super) fn insert(
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

    pub(super) fn update(
        &mut self,
        id: u64,
        fields: &Map<String, Value>,
        user_id: u64,
        now: i64,
    ) -> bool {
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
    pub(super) fn fields(&self) -> Value {
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
}

/// `STAGE_SEMANTIC_ID` and `CLOSED` follow the stage.
pub(super) fn derive_stage(deal: &mut Deal) {
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
