//! The portal's own CRM fields (user fields, `UF_CRM_*`) and the methods that describe
//! them: `crm.{deal,lead,contact,company}.userfield.list`, the declared fields in
//! `crm.{deal,lead,contact,company}.fields`, and `crm.item.fields` for smart processes.
//!
//! Fields are declared with [`TestPortal::add_crm_user_field`](crate::TestPortal::add_crm_user_field)
//! or by `crm.{deal,lead,contact,company}.userfield.add`.
//! The standard fields of leads, deals, contacts and companies are their stores' (the full
//! documented sets, see `crm`); those of smart-process items a small documented subset
//! (`crm_fields.json`, from the docs' example reply).
//!
//! # Replies
//! - `*.userfield.list` (crm-deal-userfield-list.md): `ID`, `ENTITY_ID`, `FIELD_NAME`,
//!   `USER_TYPE_ID`, `MULTIPLE`, `MANDATORY`, ..., `SETTINGS`, `LIST` for enumerations
//!   (`ID`, `SORT`, `VALUE`, `DEF`, `XML_ID`). The labels (`EDIT_FORM_LABEL`,
//!   `LIST_COLUMN_LABEL`, `LIST_FILTER_LABEL`) come only with `filter[LANG]`, as documented.
//!   Other filter keys compare for equality (`filter[USER_TYPE_ID]=enumeration`).
//! - `crm.X.fields`: user fields with `isDynamic: true`, `title` the field name, the label in
//!   `listLabel` / `formLabel` / `filterLabel`, `items` (`ID`, `VALUE`) for enumerations.
//! - `crm.item.fields?entityTypeId=N` (crm-item-fields.md): `{"fields": {...}}` with
//!   camelCase names (`ufCrm44_1721812760630`), `title` the label and `upperName` the
//!   original name; `useOriginalUfNames=Y` keys user fields by the original name. Only
//!   smart processes (`entityTypeId` of 128 and above) that have a user field are known;
//!   any other type answers 400 `NOT_FOUND`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use crate::call::{CallError, CallResult, Caller, Outcome};
use crate::crm::CrmStores;
use crate::params::param;
use crate::payload::Payload;

/// Example field descriptions of the docs: `{"item": {...}}`.
const FIELDS_JSON: &str = include_str!("crm_fields.json");

/// `entityTypeId` of leads, deals, contacts and companies (crm data-types.md).
const LEAD: u32 = 1;
const DEAL: u32 = 2;
const CONTACT: u32 = 3;
const COMPANY: u32 = 4;
/// The first `entityTypeId` of smart processes.
const FIRST_SMART_PROCESS: u32 = 128;

/// A user field to declare on the test portal.
///
/// ```
/// use bitrix24_testkit::UserField;
///
/// let colour = UserField::new("UF_CRM_COLOUR", "enumeration")
///     .label("Colour")
///     .multiple()
///     .values(["Red", "Green"]);
/// # let _ = colour;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserField {
    name: String,
    user_type: String,
    label: Option<String>,
    multiple: bool,
    mandatory: bool,
    values: Vec<String>,
}

impl UserField {
    /// A field `UF_CRM_...` of a user type (`string`, `integer`, `double`, `boolean`,
    /// `date`, `datetime`, `enumeration`, `money`, `url`, `address`, `file`, `employee`,
    /// `crm`, `crm_status`, `iblock_element`, ... or an application's `rest_...` type).
    pub fn new(name: &str, user_type: &str) -> Self {
        Self {
            name: name.to_ascii_uppercase(),
            user_type: user_type.to_owned(),
            label: None,
            multiple: false,
            mandatory: false,
            values: Vec::new(),
        }
    }

    /// The label people see (edit form, list column and filter alike).
    pub fn label(mut self, label: &str) -> Self {
        self.label = Some(label.to_owned());
        self
    }

    /// The field holds several values.
    pub fn multiple(mut self) -> Self {
        self.multiple = true;
        self
    }

    /// The field must be filled.
    pub fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }

    /// The items of an enumeration, in order (IDs are given by the portal).
    pub fn values<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.values = values.into_iter().map(|v| v.as_ref().to_owned()).collect();
        self
    }

    /// The field's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A declared field with the IDs the portal gave it and its items.
#[derive(Debug, Clone)]
struct Stored {
    id: u64,
    field: UserField,
    /// Enumeration item IDs, one per value.
    item_ids: Vec<u64>,
}

/// The user fields of every CRM entity type.
#[derive(Debug, Default)]
pub(crate) struct UserFieldStore {
    last_id: u64,
    by_type: BTreeMap<u32, Vec<Stored>>,
}

impl UserFieldStore {
    /// Declare `field` on entity type `entity_type_id` (redeclaring a name replaces it);
    /// the field's ID.
    pub(crate) fn add(
        &mut self,
        entity_type_id: u32,
        field: UserField,
        crm: &mut CrmStores,
    ) -> u64 {
        if let Some(store) = crm.by_type_mut(entity_type_id) {
            store.add_user_field(&field.name, &field.user_type);
        }
        self.last_id += 1;
        let id = 100 + self.last_id;
        let mut item_ids = Vec::new();
        for _ in &field.values {
            self.last_id += 1;
            item_ids.push(1000 + self.last_id);
        }
        let fields = self.by_type.entry(entity_type_id).or_default();
        fields.retain(|stored| stored.field.name != field.name);
        fields.push(Stored {
            id,
            field,
            item_ids,
        });
        id
    }

    fn fields(&self, entity_type_id: u32) -> &[Stored] {
        self.by_type
            .get(&entity_type_id)
            .map_or(&[][..], Vec::as_slice)
    }
}

/// The documented example descriptions, parsed once.
fn documented(entity: &str) -> Map<String, Value> {
    static FIELDS: OnceLock<Map<String, Value>> = OnceLock::new();
    let all = FIELDS.get_or_init(|| serde_json::from_str(FIELDS_JSON).unwrap_or_default());
    all.get(entity)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// `UF_CRM_44_1721812760630` -> `ufCrm44_1721812760630` (crm-item-fields.md): lowercase,
/// an underscore dropped and the next letter raised, except between two digits.
pub(crate) fn camel_name(name: &str) -> String {
    let chars: Vec<char> = name.to_ascii_lowercase().chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut raise = false;
    for (index, &c) in chars.iter().enumerate() {
        if c == '_' {
            let before = index.checked_sub(1).map(|i| chars[i]);
            let after = chars.get(index + 1);
            if before.is_some_and(|b| b.is_ascii_digit()) && after.is_some_and(char::is_ascii_digit)
            {
                out.push('_');
            } else {
                raise = !out.is_empty();
            }
            continue;
        }
        if raise {
            out.push(c.to_ascii_uppercase());
            raise = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The type's `SETTINGS` as a fresh field of that type has them.
fn settings(user_type: &str) -> Value {
    match user_type {
        "string" | "url" => {
            json!({"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": ""})
        }
        "enumeration" => {
            json!({"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "", "SHOW_NO_VALUE": "Y"})
        }
        "double" => {
            json!({"PRECISION": 2, "SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": null})
        }
        "boolean" => json!({"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX"}),
        _ => json!({"DEFAULT_VALUE": ""}),
    }
}

/// A field as `crm.X.fields` / `crm.item.fields` describe it.
fn description(stored: &Stored, item: bool) -> Value {
    let field = &stored.field;
    let label = field.label.clone().unwrap_or_else(|| field.name.clone());
    let mut out = Map::new();
    out.insert("type".into(), json!(field.user_type));
    out.insert("isRequired".into(), json!(field.mandatory));
    out.insert("isReadOnly".into(), json!(false));
    out.insert("isImmutable".into(), json!(false));
    out.insert("isMultiple".into(), json!(field.multiple));
    out.insert("isDynamic".into(), json!(true));
    if field.user_type == "enumeration" {
        let items: Vec<Value> = stored
            .item_ids
            .iter()
            .zip(&field.values)
            .map(|(id, value)| json!({"ID": id.to_string(), "VALUE": value}))
            .collect();
        out.insert("items".into(), json!(items));
    }
    out.insert(
        "title".into(),
        json!(if item { &label } else { &field.name }),
    );
    out.insert("listLabel".into(), json!(label));
    out.insert("formLabel".into(), json!(label));
    out.insert("filterLabel".into(), json!(label));
    out.insert("settings".into(), settings(&field.user_type));
    if item {
        out.insert("upperName".into(), json!(field.name));
    }
    Value::Object(out)
}

/// A field as `*.userfield.list` lists it; labels only when a language was asked for.
fn userfield_entry(stored: &Stored, entity_id: &str, with_labels: bool) -> Value {
    let field = &stored.field;
    let yes_no = |flag: bool| if flag { "Y" } else { "N" };
    let mut out = Map::new();
    out.insert("ID".into(), json!(stored.id.to_string()));
    out.insert("ENTITY_ID".into(), json!(entity_id));
    out.insert("FIELD_NAME".into(), json!(field.name));
    out.insert("USER_TYPE_ID".into(), json!(field.user_type));
    out.insert("XML_ID".into(), Value::Null);
    out.insert("SORT".into(), json!("100"));
    out.insert("MULTIPLE".into(), json!(yes_no(field.multiple)));
    out.insert("MANDATORY".into(), json!(yes_no(field.mandatory)));
    out.insert("SHOW_FILTER".into(), json!("E"));
    out.insert("SHOW_IN_LIST".into(), json!("Y"));
    out.insert("EDIT_IN_LIST".into(), json!("Y"));
    out.insert("IS_SEARCHABLE".into(), json!("N"));
    out.insert("SETTINGS".into(), settings(&field.user_type));
    if with_labels {
        let label = field.label.clone().unwrap_or_default();
        out.insert("EDIT_FORM_LABEL".into(), json!(label));
        out.insert("LIST_COLUMN_LABEL".into(), json!(label));
        out.insert("LIST_FILTER_LABEL".into(), json!(label));
        out.insert("ERROR_MESSAGE".into(), Value::Null);
        out.insert("HELP_MESSAGE".into(), Value::Null);
    }
    if field.user_type == "enumeration" {
        let list: Vec<Value> = stored
            .item_ids
            .iter()
            .zip(&field.values)
            .enumerate()
            .map(|(index, (id, value))| {
                json!({
                    "ID": id.to_string(),
                    "SORT": ((index + 1) * 10).to_string(),
                    "VALUE": value,
                    "DEF": "N",
                    "XML_ID": format!("{:032x}", u128::from(*id) * 0x9e37_79b9_7f4a_7c15),
                })
            })
            .collect();
        out.insert("LIST".into(), json!(list));
    }
    Value::Object(out)
}

/// `*.userfield.list`: the fields of one entity type, filtered.
fn userfield_list(store: &UserFieldStore, entity_type_id: u32, params: &Value) -> Value {
    let entity_id = match entity_type_id {
        LEAD => "CRM_LEAD",
        DEAL => "CRM_DEAL",
        CONTACT => "CRM_CONTACT",
        _ => "CRM_COMPANY",
    };
    let filter = param(params, "filter").and_then(Value::as_object);
    let with_labels = filter.is_some_and(|filter| {
        filter.iter().any(|(key, value)| {
            key.eq_ignore_ascii_case("LANG") && value.as_str().is_some_and(|v| !v.is_empty())
        })
    });
    let entries: Vec<Value> = store
        .fields(entity_type_id)
        .iter()
        .map(|stored| userfield_entry(stored, entity_id, with_labels))
        .filter(|entry| {
            filter.is_none_or(|filter| {
                filter.iter().all(|(key, wanted)| {
                    if key.eq_ignore_ascii_case("LANG") {
                        return true;
                    }
                    let wanted = match wanted {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    entry
                        .get(key.to_ascii_uppercase())
                        .and_then(Value::as_str)
                        .is_some_and(|have| have.eq_ignore_ascii_case(&wanted))
                })
            })
        })
        .collect();
    Value::Array(entries)
}

/// `*.userfield.add` (crm-deal-userfield-add.md): `FIELD_NAME` (`UF_CRM_` added when
/// missing, upper-cased, `A-Z`, `0-9`, `_`, 50 characters at most with the prefix) and
/// `USER_TYPE_ID` are required; `LABEL`, or `EDIT_FORM_LABEL` as one text or by language
/// (`en` first), is the label; `MULTIPLE`, `MANDATORY` (`Y`); `LIST` items' `VALUE`s for an
/// enumeration. A name taken, or any of that missing or malformed, is `ERROR_CORE`.
fn userfield_add(
    store: &mut UserFieldStore,
    crm: &mut CrmStores,
    entity_type_id: u32,
    params: &Value,
) -> CallResult {
    let core = |description: &str| CallError::new(400, "ERROR_CORE", description);
    let fields = param(params, "fields")
        .and_then(Value::as_object)
        .ok_or_else(|| core("fields are required"))?;
    let text = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
    };
    let code = text("FIELD_NAME")
        .ok_or_else(|| core("FIELD_NAME is required"))?
        .to_ascii_uppercase();
    let name = if code.starts_with("UF_CRM_") {
        code
    } else {
        format!("UF_CRM_{code}")
    };
    let valid = name.len() <= 50
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return Err(core("FIELD_NAME is invalid"));
    }
    if store
        .fields(entity_type_id)
        .iter()
        .any(|s| s.field.name == name)
    {
        return Err(core("a field with this FIELD_NAME exists"));
    }
    let user_type = text("USER_TYPE_ID").ok_or_else(|| core("USER_TYPE_ID is required"))?;
    let mut field = UserField::new(&name, user_type);
    let label = text("LABEL")
        .map(str::to_owned)
        .or_else(|| match fields.get("EDIT_FORM_LABEL") {
            Some(Value::String(label)) => Some(label.clone()),
            Some(Value::Object(by_language)) => by_language
                .get("en")
                .or_else(|| by_language.values().next())
                .and_then(Value::as_str)
                .map(str::to_owned),
            _ => None,
        });
    if let Some(label) = label {
        field = field.label(&label);
    }
    if text("MULTIPLE") == Some("Y") {
        field = field.multiple();
    }
    if text("MANDATORY") == Some("Y") {
        field = field.mandatory();
    }
    if let Some(Value::Array(items)) = fields.get("LIST") {
        field = field.values(items.iter().filter_map(|item| item.get("VALUE")?.as_str()));
    }
    let id = store.add(entity_type_id, field, crm);
    Ok(Outcome::write(json!(id)))
}

/// `crm.item.fields` for a smart process.
fn item_fields(store: &UserFieldStore, params: &Value) -> CallResult {
    let entity_type_id = match param(params, "entityTypeId") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    };
    let known = entity_type_id
        .and_then(|id| u32::try_from(id).ok())
        .filter(|id| *id >= FIRST_SMART_PROCESS && !store.fields(*id).is_empty());
    let Some(entity_type_id) = known else {
        return Err(CallError::new(400, "NOT_FOUND", "Smart process not found"));
    };
    let original = matches!(
        param(params, "useOriginalUfNames").and_then(Value::as_str),
        Some("Y" | "y")
    );
    let mut fields = documented("item");
    for stored in store.fields(entity_type_id) {
        let key = if original {
            stored.field.name.clone()
        } else {
            camel_name(&stored.field.name)
        };
        fields.insert(key, description(stored, true));
    }
    Ok(Outcome::read(json!({ "fields": fields })))
}

/// The user fields' methods; `None` for any other method.
pub(crate) fn call(
    store: &mut UserFieldStore,
    crm: &mut CrmStores,
    method: &str,
    params: &Value,
) -> Option<CallResult> {
    let result = match method {
        "crm.lead.fields" | "crm.deal.fields" | "crm.contact.fields" | "crm.company.fields" => {
            // The entity store's description, with the declared fields' full descriptions.
            let mut outcome =
                match crate::crm::call(crm, method, params, Caller { user_id: 0 }, 0, 1)? {
                    Ok(outcome) => outcome,
                    Err(err) => return Some(Err(err)),
                };
            let entity = method
                .trim_start_matches("crm.")
                .trim_end_matches(".fields");
            let entity_type_id = crm.by_name_mut(entity)?.entity.entity_type_id;
            if let Payload::Value(Value::Object(map)) = &mut outcome.result {
                for stored in store.fields(entity_type_id) {
                    map.insert(stored.field.name.clone(), description(stored, false));
                }
            }
            Ok(outcome)
        }
        "crm.deal.userfield.list" => Ok(Outcome::read(userfield_list(store, DEAL, params))),
        "crm.lead.userfield.list" => Ok(Outcome::read(userfield_list(store, LEAD, params))),
        "crm.contact.userfield.list" => Ok(Outcome::read(userfield_list(store, CONTACT, params))),
        "crm.company.userfield.list" => Ok(Outcome::read(userfield_list(store, COMPANY, params))),
        "crm.deal.userfield.add" => userfield_add(store, crm, DEAL, params),
        "crm.lead.userfield.add" => userfield_add(store, crm, LEAD, params),
        "crm.contact.userfield.add" => userfield_add(store, crm, CONTACT, params),
        "crm.company.userfield.add" => userfield_add(store, crm, COMPANY, params),
        "crm.item.fields" => item_fields(store, params),
        _ => return None,
    };
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_field_is_added_under_its_prefixed_name_once() {
        let mut store = UserFieldStore::default();
        let mut crm = CrmStores::default();
        let mut add = |fields: Value| {
            call(
                &mut store,
                &mut crm,
                "crm.deal.userfield.add",
                &json!({ "fields": fields }),
            )
            .unwrap()
        };
        let code = |result: CallResult| result.err().map(|err| err.code);
        let id = add(json!({"FIELD_NAME": "colour", "USER_TYPE_ID": "string", "LABEL": "Colour"}))
            .unwrap()
            .result
            .to_value();
        assert!(id.as_u64().is_some(), "{id}");
        for bad in [
            json!({"FIELD_NAME": "COLOUR", "USER_TYPE_ID": "string"}),
            json!({"FIELD_NAME": "UF_CRM_COLOUR", "USER_TYPE_ID": "string"}),
            json!({"USER_TYPE_ID": "string"}),
            json!({"FIELD_NAME": "SHADE"}),
            json!({"FIELD_NAME": "SHADE-2", "USER_TYPE_ID": "string"}),
        ] {
            assert_eq!(
                code(add(bad.clone())).as_deref(),
                Some("ERROR_CORE"),
                "{bad}"
            );
        }
        let listed = userfield_list(&store, DEAL, &json!({"filter": {"LANG": "en"}}));
        assert_eq!(listed.as_array().map(Vec::len), Some(1));
        assert_eq!(listed[0]["FIELD_NAME"], "UF_CRM_COLOUR");
        assert_eq!(listed[0]["EDIT_FORM_LABEL"], "Colour");
        // The deal store knows the field: a deal carrying it keeps it.
        assert!(crm.deals.field_names().any(|name| name == "UF_CRM_COLOUR"));
    }

    #[test]
    fn camel_names_are_as_documented() {
        assert_eq!(
            camel_name("UF_CRM_44_1721812760630"),
            "ufCrm44_1721812760630"
        );
        assert_eq!(camel_name("UF_CRM_2_1639669411830"), "ufCrm2_1639669411830");
        assert_eq!(camel_name("PARENT_ID_1248"), "parentId1248");
        assert_eq!(camel_name("UF_CRM_COLOUR"), "ufCrmColour");
    }

    #[test]
    fn the_documented_item_subset_is_there() {
        let fields = documented("item");
        assert!(fields.len() >= 10);
        assert!(fields.values().all(|f| f["type"].is_string()));
        assert!(fields.contains_key("stageId"));
    }

    #[test]
    fn lists_filter_and_label_on_request() {
        let mut store = UserFieldStore::default();
        let mut crm = CrmStores::default();
        store.add(
            DEAL,
            UserField::new("uf_crm_colour", "enumeration")
                .label("Colour")
                .values(["Red", "Green"]),
            &mut crm,
        );
        store.add(DEAL, UserField::new("UF_CRM_NOTE", "string"), &mut crm);
        let all = userfield_list(&store, DEAL, &json!({}));
        assert_eq!(all.as_array().unwrap().len(), 2);
        assert!(all[0].get("EDIT_FORM_LABEL").is_none());
        assert_eq!(all[0]["FIELD_NAME"], "UF_CRM_COLOUR");
        assert_eq!(all[0]["LIST"][1]["VALUE"], "Green");
        let labelled = userfield_list(
            &store,
            DEAL,
            &json!({"filter": {"LANG": "en", "USER_TYPE_ID": "enumeration"}}),
        );
        assert_eq!(labelled.as_array().unwrap().len(), 1);
        assert_eq!(labelled[0]["EDIT_FORM_LABEL"], "Colour");
        let fields = call(&mut store, &mut crm, "crm.deal.fields", &json!({}))
            .unwrap()
            .unwrap()
            .result
            .to_value();
        assert_eq!(fields["UF_CRM_COLOUR"]["items"][0]["VALUE"], "Red");
        assert_eq!(fields["UF_CRM_COLOUR"]["listLabel"], "Colour");
        assert_eq!(fields["TITLE"]["type"], "string");
        assert!(matches!(
            call(
                &mut store,
                &mut crm,
                "crm.item.fields",
                &json!({"entityTypeId": 2})
            ),
            Some(Err(CallError { status: 400, .. }))
        ));
    }
}
