//! The records of one CRM entity type: creating, updating and deleting them as the
//! `crm.X.*` methods do, and rendering them as `crm.X.get` and `crm.X.list` show them.
//! What differs between leads, deals, contacts and companies comes from their
//! [`Entity`]. User fields (`UF_CRM_*`) are stored as given; one is known to the store
//! from the first time a record carries it (or from `TestPortal::add_crm_user_field`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::entity::{Change, Entity};
use super::fields::{Kind, Record, encode, format_date_only};
use super::multifield;
use super::product_rows::{ProductRows, Totals, Written};
use crate::call::CallError;
use crate::clock::format_datetime;
use crate::list_query::{self, values_of};

/// All records of one entity type, its user fields and its product rows.
#[derive(Debug)]
pub(crate) struct CrmStore {
    pub(crate) entity: &'static Entity,
    pub(super) last_id: u64,
    pub(super) records: BTreeMap<u64, Record>,
    /// User field name -> its type for `crm.X.fields`.
    user_fields: BTreeMap<String, String>,
    /// The IDs of multifield values (`PHONE`, `EMAIL`, ...) are counted here.
    pub(super) multifield_ids: u64,
    pub(super) rows: ProductRows,
    /// Each record as a list with every field shows it (an empty `select`), serialised
    /// once: made when a page first carries the record (when seeding, for seeded ones),
    /// dropped when the record or the set of user fields changes. See
    /// [`Payload`](crate::payload::Payload) for why.
    listed: RefCell<HashMap<u64, Arc<RawValue>>>,
}

impl CrmStore {
    pub(crate) fn new(entity: &'static Entity) -> Self {
        Self {
            entity,
            last_id: 0,
            records: BTreeMap::new(),
            user_fields: BTreeMap::new(),
            multifield_ids: 0,
            rows: ProductRows::default(),
            listed: RefCell::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Delete a record (and its product rows); whether it existed.
    pub(crate) fn remove(&mut self, id: u64) -> bool {
        self.listed.get_mut().remove(&id);
        self.rows.forget(id);
        self.records.remove(&id).is_some()
    }

    /// Every field name the entity has: the documented ones and the user fields.
    pub(crate) fn field_names(&self) -> impl Iterator<Item = &str> {
        let described = self.entity.described().infos.keys();
        described.chain(self.user_fields.keys()).map(String::as_str)
    }

    /// Declare a user field (`UF_CRM_...`) with its `crm.X.fields` type.
    pub(crate) fn add_user_field(&mut self, name: &str, wire_type: &str) {
        self.user_fields
            .insert(name.to_owned(), wire_type.to_owned());
        // Every record's full rendering gains the field.
        self.listed.get_mut().clear();
    }

    /// A record as a list with every field (`select` is [`Self::resolve_select`] of
    /// nothing) shows it, serialised once and then shared.
    pub(super) fn listing(&self, id: u64, record: &Record, select: &[String]) -> Arc<RawValue> {
        if let Some(text) = self.listed.borrow().get(&id) {
            return Arc::clone(text);
        }
        let value = Value::Object(self.render_fields(record, Some(select)));
        let text: Arc<RawValue> = match serde_json::value::to_raw_value(&value) {
            Ok(text) => Arc::from(text),
            // Reason: a map of JSON values always serialises; keep the portal up regardless.
            Err(_) => Arc::from(RawValue::NULL.to_owned()),
        };
        self.listed.borrow_mut().insert(id, Arc::clone(&text));
        text
    }

    /// One record as `crm.X.get` returns it.
    pub(crate) fn render(&self, id: u64) -> Option<Value> {
        let record = self.records.get(&id)?;
        Some(Value::Object(self.render_fields(record, None)))
    }

    /// Every record as `crm.X.get` returns it, by ID.
    pub(crate) fn render_all(&self) -> Vec<Value> {
        self.records
            .values()
            .map(|record| Value::Object(self.render_fields(record, None)))
            .collect()
    }

    /// Render a record; `select = None` means what `get` shows. Multifields show only
    /// with values (crm-contact-get.md).
    pub(super) fn render_fields(
        &self,
        record: &Record,
        select: Option<&[String]>,
    ) -> Map<String, Value> {
        let value = |name: &str| record.get(name).cloned().unwrap_or(Value::Null);
        let mut out = Map::new();
        match select {
            None => {
                for name in self.entity.shown() {
                    out.insert(name.to_owned(), value(name));
                }
                for name in record.keys().filter(|name| name.starts_with("PARENT_ID_")) {
                    out.insert(name.clone(), value(name));
                }
                for name in self.user_fields.keys() {
                    out.insert(name.clone(), value(name));
                }
                for name in multifield::NAMES {
                    if let Some(values) = record.get(name) {
                        out.insert(name.to_owned(), values.clone());
                    }
                }
            }
            Some(names) => {
                for name in names {
                    if multifield::NAMES.contains(&name.as_str()) {
                        if let Some(values) = record.get(name) {
                            out.insert(name.clone(), values.clone());
                        }
                    } else {
                        out.insert(name.clone(), value(name));
                    }
                }
            }
        }
        out
    }

    /// Resolve a `select` list into field names: the masks `*` (the fields of a `get`)
    /// and `UF_*` (the user fields) expanded, multifields only when named (crm-contact-list.md).
    pub(super) fn resolve_select(&self, select: &[String]) -> Vec<String> {
        let described = self.entity.described();
        let mut names: Vec<String> = Vec::new();
        let push = |name: &str, names: &mut Vec<String>| {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        };
        let everything = select.is_empty();
        for item in select {
            match item.as_str() {
                "*" => self.entity.shown().for_each(|name| push(name, &mut names)),
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
                    if described
                        .infos
                        .get(name)
                        .is_some_and(|info| info.kind != Kind::IdList)
                    {
                        push(name, &mut names);
                    }
                }
            }
        }
        if everything {
            self.entity.shown().for_each(|name| push(name, &mut names));
            self.user_fields
                .keys()
                .for_each(|name| push(name, &mut names));
        }
        if names.is_empty() {
            names.push("ID".to_owned());
        }
        names
    }

    /// A field name as `filter` and `order` write it: its stored name and how it
    /// compares; `None` for a field the entity does not have.
    pub(super) fn resolve(&self, name: &str) -> Option<(String, list_query::Kind)> {
        let field = name.trim().to_ascii_uppercase();
        let kind = self.entity.described().kind_of(&field)?.query_kind();
        Some((field, kind))
    }

    /// One stored field of a record as a filter compares it (`Null` when unset; the
    /// values of a multifield).
    pub(super) fn read<'r>(record: &'r Record, field: &str) -> Cow<'r, Value> {
        if multifield::NAMES.contains(&field) {
            return Cow::Owned(multifield::values(record, field));
        }
        record
            .get(field)
            .map_or(Cow::Owned(Value::Null), Cow::Borrowed)
    }

    /// Create a record from `fields`; returns its ID. `internal` lets the seeder set
    /// fields that are read-only over the API (creation dates, IDs of the author).
    pub(super) fn insert(
        &mut self,
        fields: &Map<String, Value>,
        user_id: u64,
        now: i64,
        internal: bool,
    ) -> u64 {
        self.last_id += 1;
        let id = self.last_id;
        let mut record = self.blank(id, user_id, now);
        let given = self.apply(&mut record, fields, true, internal);
        self.settle(
            &mut record,
            &Change {
                creating: true,
                given: &given,
                now,
            },
        );
        self.records.insert(id, record);
        id
    }

    /// A new record with every field of a `get` at its default: written by `user_id`
    /// `now`, open to everyone, with the entity's defaults.
    pub(super) fn blank(&self, id: u64, user_id: u64, now: i64) -> Record {
        let mut record: Record = self
            .entity
            .shown()
            .map(|name| (name.to_owned(), Value::Null))
            .collect();
        let user = json!(user_id.to_string());
        let now_text = json!(format_datetime(now));
        let mut authored = vec![
            ("ID", json!(id.to_string())),
            ("ASSIGNED_BY_ID", user.clone()),
            ("CREATED_BY_ID", user.clone()),
            ("MODIFY_BY_ID", user.clone()),
            ("LAST_ACTIVITY_BY", user.clone()),
            ("DATE_CREATE", now_text.clone()),
            ("DATE_MODIFY", now_text.clone()),
            ("LAST_ACTIVITY_TIME", now_text.clone()),
            ("OPENED", json!("Y")),
        ];
        if record.contains_key("MOVED_TIME") {
            authored.extend([("MOVED_BY_ID", user), ("MOVED_TIME", now_text)]);
        }
        if let Some(title) = self.entity.title {
            authored.push(("TITLE", json!(format!("{title} #{id}"))));
        }
        for (name, value) in authored {
            record.insert(name.to_owned(), value);
        }
        for (name, value) in self.entity.defaults {
            record.insert((*name).to_owned(), json!(value));
        }
        for (name, days) in self.entity.dates {
            record.insert(
                (*name).to_owned(),
                json!(format_date_only(now + days * 86_400)),
            );
        }
        record
    }

    /// What follows from a write: the entity's own rules, and the multifield flags.
    pub(super) fn settle(&self, record: &mut Record, change: &Change<'_>) {
        (self.entity.settle)(record, change);
        if self.entity.has_multifields() {
            multifield::settle_flags(record);
        }
    }

    /// Write `fields` into `record`: unknown and read-only fields are ignored (as
    /// documented for `crm.X.update`), immutable ones only on creation. Returns the
    /// names written.
    fn apply(
        &mut self,
        record: &mut Record,
        fields: &Map<String, Value>,
        creating: bool,
        internal: bool,
    ) -> Vec<String> {
        let described = self.entity.described();
        let mut given = Vec::new();
        for (raw_name, value) in fields {
            let name = raw_name.trim().to_ascii_uppercase();
            if name == "ID" {
                continue;
            }
            if name.starts_with("UF_") {
                if !self.user_fields.contains_key(&name) {
                    self.add_user_field(&name, "string");
                }
                record.insert(name.clone(), value.clone());
                given.push(name);
                continue;
            }
            if name.starts_with("PARENT_ID_") {
                record.insert(name.clone(), encode(Kind::Integer, value));
                given.push(name);
                continue;
            }
            let Some(info) = described.infos.get(&name) else {
                continue;
            };
            if (info.read_only && !internal) || (info.immutable && !creating) {
                continue;
            }
            match info.kind {
                Kind::Multifield => {
                    multifield::write(record, &name, value, &mut self.multifield_ids);
                }
                // Written, not shown: the first ID fills the single field (below).
                Kind::IdList => {}
                kind => {
                    record.insert(name.clone(), encode(kind, value));
                }
            }
            given.push(name);
        }
        if let Some((list, single)) = self.entity.first_of {
            let list_value = fields
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(list))
                .map(|(_, value)| value);
            if let Some(list_value) = list_value {
                if !given.iter().any(|name| name == single) {
                    let first = values_of(list_value).first().cloned();
                    let first = first.map_or(Value::Null, |id| encode(Kind::Integer, &id));
                    record.insert(single.to_owned(), first);
                }
            }
        }
        given
    }

    /// Update a record as `crm.X.update` does; whether it existed.
    pub(super) fn update(
        &mut self,
        id: u64,
        fields: &Map<String, Value>,
        user_id: u64,
        now: i64,
    ) -> bool {
        let Some(mut record) = self.records.remove(&id) else {
            return false;
        };
        self.listed.get_mut().remove(&id);
        let stage_field = self.entity.stage_field;
        let old_stage = stage_field.and_then(|field| record.get(field).cloned());
        let given = self.apply(&mut record, fields, false, false);
        let now_text = json!(format_datetime(now));
        record.insert("DATE_MODIFY".into(), now_text.clone());
        record.insert("MODIFY_BY_ID".into(), json!(user_id.to_string()));
        if let Some(field) = stage_field {
            if record.get(field) != old_stage.as_ref() && record.contains_key("MOVED_TIME") {
                record.insert("MOVED_TIME".into(), now_text);
                record.insert("MOVED_BY_ID".into(), json!(user_id.to_string()));
            }
        }
        self.settle(
            &mut record,
            &Change {
                creating: false,
                given: &given,
                now,
            },
        );
        self.records.insert(id, record);
        true
    }

    /// Replace the product rows of record `id`; `Ok(false)` when there is no such
    /// record. Unless its amount is set by hand (`IS_MANUAL_OPPORTUNITY`), a record with
    /// rows takes its `OPPORTUNITY` (and a deal its `TAX_VALUE`) from them.
    pub(super) fn set_product_rows(
        &mut self,
        id: u64,
        written: &Written,
    ) -> Result<bool, CallError> {
        if !self.records.contains_key(&id) {
            return Ok(false);
        }
        let Totals { amount, tax } = self.rows.set(id, written)?;
        let has_rows = self.rows.has(id);
        if let Some(record) = self.records.get_mut(&id) {
            let manual = record.get("IS_MANUAL_OPPORTUNITY").and_then(Value::as_str) == Some("Y");
            if has_rows && !manual {
                record.insert("OPPORTUNITY".into(), json!(amount.fixed(2)));
                if record.contains_key("TAX_VALUE") {
                    record.insert("TAX_VALUE".into(), json!(tax.fixed(2)));
                }
                self.listed.get_mut().remove(&id);
            }
        }
        Ok(true)
    }

    /// The product rows of record `id` as `productrows.get` shows them, parsed back.
    pub(crate) fn product_rows(&self, id: u64) -> Vec<Value> {
        let owner_type = self.entity.owner_type.unwrap_or_default();
        self.rows
            .render(id, owner_type)
            .iter()
            .map(|row| serde_json::from_str(row.get()).unwrap_or(Value::Null))
            .collect()
    }

    /// `crm.X.fields`: the documented descriptions plus the user fields.
    pub(super) fn fields(&self) -> Value {
        let mut out = self.entity.described().descriptions.clone();
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
