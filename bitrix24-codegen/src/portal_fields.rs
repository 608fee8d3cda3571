//! A portal's own CRM fields (`UF_*`) as a spec overlay, so an application gets typed
//! fields for its own portal: the pure part of `cargo xtask import-fields`.
//!
//! The command asks the portal for the entity's field list (`crm.deal.fields`, or
//! `crm.item.fields` for a smart process) and its user fields (`crm.deal.userfield.list`
//! with `filter[LANG]`, for the labels and enumeration items), then:
//!
//! 1. [`read_fields`] keeps the user fields (`isDynamic`, or named `UF_*` / `ufCrm*`) with
//!    their type, multiplicity, label and items;
//! 2. [`find_targets`] finds, in the imported specs, the file holding the entity's methods
//!    and the record types they use (`crm.deal.add`'s `fields`, `crm.deal.update`'s
//!    `fields`, `crm.deal.get`'s result, the records of `crm.deal.list`), e.g.
//!    `crm/deals.yaml` with `CrmDealAddFields`, `CrmDealGetDeal`, `CrmDealUpdateFields`;
//! 3. [`overlay()`] writes the fields into each of those types, under the wire name, with
//!    the spec type of their user type (below) and the label and items as doc text;
//!    an enumeration gets an open enum type named after the entity and field
//!    (`DealUfCrm1724077760`, variants from the item labels, wire values the item IDs).
//!    It merges into the overlay file already at that path, keeping hand corrections:
//!    the user fields of the target types and the enum types it writes are its own and
//!    are replaced on every run, so a field deleted on the portal disappears.
//!
//! | user type | spec type |
//! |---|---|
//! | `string`, `url`, `crm_status`, `money` (`100.50\|USD`), `address`, `crm` (`D_1`) | `string` |
//! | `integer` | `integer` |
//! | `double` | `double` |
//! | `boolean` | `boolean` |
//! | `date`, `datetime` | `date`, `datetime` |
//! | `enumeration` | an open enum of the items (`string` when it has none) |
//! | `file` | `file` |
//! | `employee` | `user` |
//! | `iblock_element`, `iblock_section` | `id` |
//! | anything else (`resourcebooking`, `rest_1_type`, ...) | `raw` |
//!
//! A multiple field is a list of its type (`"user[]"`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::import::Yaml;
use crate::import::overlay;

/// The CRM entity whose fields are imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// `crm.deal`.
    Deal,
    /// `crm.lead`.
    Lead,
    /// `crm.contact`.
    Contact,
    /// `crm.company`.
    Company,
    /// `crm.item` of a smart process (or any type `crm.item.fields` knows).
    Item {
        /// The type's `entityTypeId`.
        entity_type_id: u32,
    },
}

impl Entity {
    /// `crm.deal`, `crm.lead`, `crm.contact`, `crm.company`, or `crm.item` with an
    /// `entityTypeId`.
    pub fn parse(name: &str, entity_type_id: Option<u32>) -> Result<Self, String> {
        let entity = match (name, entity_type_id) {
            ("crm.deal", None) => Self::Deal,
            ("crm.lead", None) => Self::Lead,
            ("crm.contact", None) => Self::Contact,
            ("crm.company", None) => Self::Company,
            ("crm.item", Some(entity_type_id)) => Self::Item { entity_type_id },
            ("crm.item", None) => {
                return Err("`crm.item` needs the smart process's `--entity-type-id`".into());
            }
            ("crm.deal" | "crm.lead" | "crm.contact" | "crm.company", Some(_)) => {
                return Err(format!(
                    "`--entity-type-id` is for `crm.item`, not `{name}`"
                ));
            }
            _ => {
                return Err(format!(
                    "unknown entity `{name}`: use crm.deal, crm.lead, crm.contact, crm.company or crm.item"
                ));
            }
        };
        Ok(entity)
    }

    /// The method prefix: `crm.deal`, ..., `crm.item`.
    pub fn prefix(&self) -> &'static str {
        match self {
            Self::Deal => "crm.deal",
            Self::Lead => "crm.lead",
            Self::Contact => "crm.contact",
            Self::Company => "crm.company",
            Self::Item { .. } => "crm.item",
        }
    }

    /// The method that lists the fields: `crm.deal.fields`, `crm.item.fields`.
    pub fn fields_method(&self) -> String {
        format!("{}.fields", self.prefix())
    }

    /// The method that lists the user fields with labels and items, if the entity has one.
    pub fn userfield_list_method(&self) -> Option<String> {
        match self {
            Self::Item { .. } => None,
            _ => Some(format!("{}.userfield.list", self.prefix())),
        }
    }

    /// The `entityTypeId` of `crm.item`.
    pub fn entity_type_id(&self) -> Option<u32> {
        match self {
            Self::Item { entity_type_id } => Some(*entity_type_id),
            _ => None,
        }
    }

    /// The start of the enum type names written for this entity (`Deal`, `Item1032`).
    fn type_prefix(&self) -> String {
        match self {
            Self::Deal => "Deal".into(),
            Self::Lead => "Lead".into(),
            Self::Contact => "Contact".into(),
            Self::Company => "Company".into(),
            Self::Item { entity_type_id } => format!("Item{entity_type_id}"),
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Item { entity_type_id } => write!(f, "crm.item (entityTypeId {entity_type_id})"),
            other => f.write_str(other.prefix()),
        }
    }
}

/// One of the portal's own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalField {
    /// The wire name (`UF_CRM_1724077760`, `ufCrm44_1721812814433`).
    pub name: String,
    /// The user type (`enumeration`, `string`, ...).
    pub user_type: String,
    /// Holds a list of values.
    pub multiple: bool,
    /// Must be filled.
    pub mandatory: bool,
    /// The label people see, when the portal gave one.
    pub label: Option<String>,
    /// Enumeration items: (ID, label), in the portal's order.
    pub items: Vec<(String, String)>,
}

/// A reply that does not have the documented shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldsError {
    /// The method whose reply it is.
    pub method: String,
    /// Where in the reply (`result.UF_CRM_X.type`).
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for FieldsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot read the reply at `{}`: {}",
            self.method, self.path, self.reason
        )
    }
}

impl std::error::Error for FieldsError {}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A flag as portals send it: `true`, `"Y"`, `1`, `"1"`; absent or empty is `false`.
fn flag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(text)) => matches!(
            text.trim().to_ascii_lowercase().as_str(),
            "y" | "1" | "true"
        ),
        _ => false,
    }
}

/// Text as portals send it (a number is its text); `""` and `null` are nothing.
fn text(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A label: text, or a map by language (`lang` first, then any non-empty one).
fn label(value: Option<&Value>, lang: &str) -> Option<String> {
    match value? {
        Value::Object(by_lang) => {
            text(by_lang.get(lang)).or_else(|| by_lang.values().find_map(|v| text(Some(v))))
        }
        other => text(Some(other)),
    }
}

/// Whether a field name is a user field's: `UF_...` or camelCase `uf` + capital.
fn is_user_field_name(name: &str) -> bool {
    name.starts_with("UF_")
        || (name.starts_with("uf") && name[2..].starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Enumeration items `[{ID, VALUE}]` (also a PHP object of them).
fn items(
    method: &str,
    path: &str,
    value: Option<&Value>,
) -> Result<Vec<(String, String)>, FieldsError> {
    let list: Vec<(String, &Value)> = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Some(other) => {
            return Err(FieldsError {
                method: method.into(),
                path: path.into(),
                reason: format!("expected a list of items, found {}", kind_of(other)),
            });
        }
    };
    let mut out = Vec::new();
    for (index, item) in list {
        let id = text(item.get("ID")).ok_or_else(|| FieldsError {
            method: method.into(),
            path: format!("{path}.{index}.ID"),
            reason: "missing or not an ID".into(),
        })?;
        let value = text(item.get("VALUE")).unwrap_or_else(|| id.clone());
        out.push((id, value));
    }
    Ok(out)
}

/// Read the user fields from the replies: `fields` is the `result` of `crm.X.fields`
/// (for `crm.item.fields`, the object under `result.fields` or `result` itself);
/// `userfields` the `result` of `crm.X.userfield.list`, when asked (it supplies labels in
/// `lang` and items the field list lacks). Fields come sorted by name.
pub fn read_fields(
    entity: Entity,
    fields: &Value,
    userfields: Option<&Value>,
    lang: &str,
) -> Result<Vec<PortalField>, FieldsError> {
    let method = entity.fields_method();
    let (fields, base) = match (entity, fields.get("fields")) {
        (Entity::Item { .. }, Some(inner @ Value::Object(_))) => (inner, "result.fields"),
        _ => (fields, "result"),
    };
    let map = match fields {
        Value::Object(map) => map,
        Value::Array(list) if list.is_empty() => &serde_json::Map::new(),
        other => {
            return Err(FieldsError {
                method,
                path: base.into(),
                reason: format!("expected an object of fields, found {}", kind_of(other)),
            });
        }
    };
    let mut out: BTreeMap<String, PortalField> = BTreeMap::new();
    for (name, description) in map {
        let path = format!("{base}.{name}");
        let Value::Object(description) = description else {
            return Err(FieldsError {
                method,
                path,
                reason: format!(
                    "expected a field description, found {}",
                    kind_of(description)
                ),
            });
        };
        let dynamic = flag(description.get("isDynamic"));
        if !dynamic && !is_user_field_name(name) {
            continue;
        }
        let user_type = text(description.get("type")).ok_or_else(|| FieldsError {
            method: method.clone(),
            path: format!("{path}.type"),
            reason: "missing or not a type name".into(),
        })?;
        let title = text(description.get("title")).filter(|title| title != name);
        let label = label(description.get("formLabel"), lang)
            .or_else(|| label(description.get("listLabel"), lang))
            .or(title)
            .filter(|label| label != name);
        out.insert(
            name.clone(),
            PortalField {
                name: name.clone(),
                user_type,
                multiple: flag(description.get("isMultiple")),
                mandatory: flag(description.get("isRequired")),
                label,
                items: items(&method, &format!("{path}.items"), description.get("items"))?,
            },
        );
    }
    if let (Some(userfields), Some(list_method)) = (userfields, entity.userfield_list_method()) {
        let entries: Vec<&Value> = match userfields {
            Value::Array(list) => list.iter().collect(),
            Value::Object(map) => map.values().collect(),
            Value::Null => Vec::new(),
            other => {
                return Err(FieldsError {
                    method: list_method,
                    path: "result".into(),
                    reason: format!("expected a list of fields, found {}", kind_of(other)),
                });
            }
        };
        for (index, entry) in entries.into_iter().enumerate() {
            let path = format!("result.{index}");
            let name = text(entry.get("FIELD_NAME")).ok_or_else(|| FieldsError {
                method: list_method.clone(),
                path: format!("{path}.FIELD_NAME"),
                reason: "missing or not a name".into(),
            })?;
            let listed_items = items(&list_method, &format!("{path}.LIST"), entry.get("LIST"))?;
            let field = out.entry(name.clone()).or_insert_with(|| PortalField {
                name: name.clone(),
                user_type: text(entry.get("USER_TYPE_ID")).unwrap_or_else(|| "string".into()),
                multiple: flag(entry.get("MULTIPLE")),
                mandatory: flag(entry.get("MANDATORY")),
                label: None,
                items: Vec::new(),
            });
            let listed_label = label(entry.get("EDIT_FORM_LABEL"), lang)
                .or_else(|| label(entry.get("LIST_COLUMN_LABEL"), lang))
                .filter(|label| *label != name);
            if listed_label.is_some() {
                field.label = listed_label;
            }
            if !listed_items.is_empty() {
                field.items = listed_items;
            }
        }
    }
    Ok(out.into_values().collect())
}

/// The spec type of a user type, and a note on its wire form for the docs.
fn spec_type(user_type: &str) -> (&'static str, Option<&'static str>) {
    match user_type {
        "string" | "url" | "crm_status" => ("string", None),
        "money" => ("string", Some("amount and currency: `100.50|USD`")),
        "address" => (
            "string",
            Some("address, coordinates and ID: `Address|lat;lng|id`"),
        ),
        "crm" => (
            "string",
            Some("CRM bindings: `D_1`, `C_2` (a bare ID when bound to one type)"),
        ),
        "integer" => ("integer", None),
        "double" => ("double", None),
        "boolean" => ("boolean", None),
        "date" => ("date", None),
        "datetime" => ("datetime", None),
        "file" => ("file", None),
        "employee" => ("user", None),
        "iblock_element" | "iblock_section" => ("id", None),
        _ => ("raw", None),
    }
}

/// Escape text for a doc comment: markdown would read brackets as links.
fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

/// Snake-case variant names for the items, unique, never `unknown`.
fn variant_names(items: &[(String, String)]) -> Vec<String> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    items
        .iter()
        .map(|(id, value)| {
            let ascii: String = value
                .to_snake_case()
                .chars()
                .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            let mut name = ascii
                .split('_')
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join("_");
            let fits =
                |name: &str| !name.is_empty() && name.to_snake_case() == name && name != "unknown";
            if !fits(&name) {
                name = format!("value_{}", id.to_snake_case());
            }
            let rust = |name: &str| crate::naming::variant_name(name);
            if used.contains(&rust(&name)) || !fits(&name) {
                name = format!("{name}_{}", id.to_snake_case());
            }
            let mut candidate = name.clone();
            let mut n = 2;
            while used.contains(&rust(&candidate)) {
                candidate = format!("{name}_{n}");
                n += 1;
            }
            used.insert(rust(&candidate));
            candidate
        })
        .collect()
}

/// The enum type name for an enumeration field (`DealUfCrm1724077760`).
fn enum_type_name(entity: Entity, field: &str) -> String {
    format!(
        "{}{}",
        entity.type_prefix(),
        field.to_upper_camel_case().replace('_', "")
    )
}

/// Where the overlay goes: the imported spec file and the record types in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// The spec file's path relative to the spec root (`crm/deals.yaml`).
    pub path: String,
    /// The record types of the entity's methods defined in that file, in method order.
    pub types: Vec<String>,
}

/// A type expression's named type, if it is one (`Deal`, `"Deal[]"` -> `Deal`).
fn named_type(ty: &str) -> Option<String> {
    let ty = ty.trim().trim_end_matches("[]");
    crate::naming::is_type_name(ty).then(|| ty.to_owned())
}

/// The type of a field or result entry: `T` or `{ type: T, ... }`.
fn type_of(value: &Yaml) -> Option<&str> {
    value
        .as_str()
        .or_else(|| value.get("type").and_then(Yaml::as_str))
}

/// Find the entity's spec file and record types among `imported` (relative path ->
/// spec text, as the docs importer produces them).
pub fn find_targets(
    entity: Entity,
    imported: &BTreeMap<String, String>,
) -> Result<Targets, String> {
    let prefix = entity.prefix();
    let add = format!("{prefix}.add");
    for (path, text) in imported {
        if !text.contains(&add) {
            continue;
        }
        let Ok(tree) = overlay::parse(text) else {
            continue;
        };
        let Some(methods) = tree.get("methods") else {
            continue;
        };
        if methods.get(&add).is_none() {
            continue;
        }
        let defined = |name: &str| tree.get("types").and_then(|t| t.get(name)).is_some();
        let mut types: Vec<String> = Vec::new();
        for verb in ["add", "update", "get", "list"] {
            let Some(method) = methods.get(&format!("{prefix}.{verb}")) else {
                continue;
            };
            let ty = match verb {
                "add" | "update" => method
                    .get("params")
                    .and_then(|p| p.get("fields"))
                    .and_then(type_of),
                _ => method.get("result").and_then(type_of),
            };
            if let Some(name) = ty.and_then(named_type) {
                if defined(&name) && !types.contains(&name) {
                    types.push(name);
                }
            }
        }
        if types.is_empty() {
            return Err(format!(
                "{path}: none of {prefix}.add, .update, .get, .list uses a named record type to add the fields to"
            ));
        }
        return Ok(Targets {
            path: path.clone(),
            types,
        });
    }
    Err(format!(
        "no imported spec file defines `{add}`: import the docs first (cargo xtask import-docs)"
    ))
}

/// The field's overlay entry and, for an enumeration, its enum type.
fn field_entry(entity: Entity, field: &PortalField) -> (Yaml, Option<(String, Yaml)>) {
    let (mut ty, note) = spec_type(&field.user_type);
    let mut enum_type = None;
    let enum_name = enum_type_name(entity, &field.name);
    if field.user_type == "enumeration" && !field.items.is_empty() {
        let variants = variant_names(&field.items);
        let values = field
            .items
            .iter()
            .zip(variants)
            .map(|((id, _), variant)| (id.clone(), Yaml::str(variant)))
            .collect();
        enum_type = Some((
            enum_name.clone(),
            Yaml::Map(vec![("values".into(), Yaml::Map(values))]),
        ));
    } else if field.user_type == "enumeration" {
        ty = "string";
    }
    let ty = match &enum_type {
        Some((name, _)) => name.clone(),
        None => ty.to_owned(),
    };
    let ty = if field.multiple {
        format!("{ty}[]")
    } else {
        ty
    };

    let mut doc: Vec<String> = Vec::new();
    if let Some(label) = &field.label {
        doc.push(doc_text(label));
    }
    let mut facts = format!("The portal's field: user type `{}`", field.user_type);
    if field.multiple {
        facts.push_str(", multiple");
    }
    if field.mandatory {
        facts.push_str(", required on the portal");
    }
    facts.push('.');
    if let Some(note) = note {
        facts.push_str(&format!(" Value: {note}."));
    }
    doc.push(facts);
    if !field.items.is_empty() {
        let listed: Vec<String> = field
            .items
            .iter()
            .map(|(id, value)| format!("`{}` {}", id.replace('`', ""), doc_text(value)))
            .collect();
        doc.push(format!("Items: {}.", listed.join(", ")));
    }
    let entry = Yaml::Map(vec![
        ("type".into(), Yaml::str(ty)),
        ("doc".into(), Yaml::str(doc.join("\n"))),
    ]);
    (entry, enum_type)
}

/// Whether `field` (a key of a target type) belongs to this entity's import.
fn owned_field(entity: Entity, key: &str, fields: &[PortalField]) -> bool {
    match entity {
        Entity::Item { .. } => {
            // A smart process's fields are `ufCrm{N}_...`; the item types are shared by
            // all processes, so only this process's prefixes are owned.
            let prefixes: BTreeSet<&str> = fields
                .iter()
                .filter_map(|f| f.name.find('_').map(|at| &f.name[..=at]))
                .filter(|p| p.starts_with("ufCrm"))
                .collect();
            prefixes.iter().any(|p| key.starts_with(p)) || fields.iter().any(|f| f.name == key)
        }
        _ => key.starts_with("UF_"),
    }
}

/// The overlay for `fields` over `targets`, merged into `existing` (the overlay file
/// already at `targets.path`, if any): see the [module docs](self).
pub fn overlay(
    entity: Entity,
    fields: &[PortalField],
    targets: &Targets,
    existing: Option<Yaml>,
) -> Yaml {
    let mut base = existing.unwrap_or(Yaml::Map(Vec::new()));
    // Drop what an earlier run wrote: this entity's user fields and enum types.
    let enum_prefix = format!("{}Uf", entity.type_prefix());
    if let Some(Yaml::Map(types)) = base.get_mut("types") {
        types.retain(|(name, _)| {
            !(name.starts_with(&enum_prefix)
                && name[enum_prefix.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        });
        for (name, def) in types.iter_mut() {
            if !targets.types.contains(name) {
                continue;
            }
            if let Some(Yaml::Map(entries)) = def.get_mut("fields") {
                entries.retain(|(key, _)| !owned_field(entity, key, fields));
            }
        }
    }
    let mut field_entries = Vec::new();
    let mut enum_types = Vec::new();
    for field in fields {
        let (entry, enum_type) = field_entry(entity, field);
        field_entries.push((field.name.clone(), entry));
        enum_types.extend(enum_type);
    }
    let mut types: Vec<(String, Yaml)> = targets
        .types
        .iter()
        .map(|name| {
            (
                name.clone(),
                Yaml::Map(vec![("fields".into(), Yaml::Map(field_entries.clone()))]),
            )
        })
        .collect();
    types.extend(enum_types);
    overlay::merge(
        &mut base,
        Yaml::Map(vec![("types".to_owned(), Yaml::Map(types))]),
    );
    base
}

/// The overlay as file text, with a header saying where it comes from.
pub fn render(entity: Entity, overlay: &Yaml) -> String {
    let header = [
        format!("Spec overlay. The portal's own fields of {entity} are written by"),
        "`cargo xtask import-fields` (rerun it to refresh them); other entries are kept.".into(),
    ];
    crate::import::to_yaml(&header, overlay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deal_fields() -> Value {
        json!({
            "ID": {"type": "integer", "isDynamic": false, "title": "ID"},
            "TITLE": {"type": "string", "isDynamic": false, "title": "Title"},
            "UF_CRM_RADIO": {
                "type": "enumeration", "isMultiple": true, "isDynamic": true,
                "isRequired": false, "title": "UF_CRM_RADIO",
                "items": [{"ID": "3157", "VALUE": "Children's Radio"}, {"ID": "3159", "VALUE": "Детское"}],
            },
            "UF_CRM_BUDGET": {"type": "money", "isDynamic": true, "isRequired": "Y", "title": "UF_CRM_BUDGET", "formLabel": "Budget [EUR]"},
            "UF_CRM_OWNER": {"type": "employee", "isDynamic": true, "isMultiple": "N"},
            "UF_CRM_BOOKING": {"type": "resourcebooking", "isDynamic": true},
        })
    }

    #[test]
    fn reads_user_fields_with_labels_from_both_replies() {
        let userfields = json!([
            {"FIELD_NAME": "UF_CRM_RADIO", "USER_TYPE_ID": "enumeration", "MULTIPLE": "Y",
             "EDIT_FORM_LABEL": {"de": "Radio DE", "en": "Radio"},
             "LIST": [{"ID": "3157", "VALUE": "Children's Radio"}, {"ID": "3159", "VALUE": "Детское"}, {"ID": "3161", "VALUE": "Love Radio"}]},
            {"FIELD_NAME": "UF_CRM_ONLY_LISTED", "USER_TYPE_ID": "date", "MULTIPLE": "N", "MANDATORY": "Y"},
        ]);
        let fields = read_fields(Entity::Deal, &deal_fields(), Some(&userfields), "en").unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "UF_CRM_BOOKING",
                "UF_CRM_BUDGET",
                "UF_CRM_ONLY_LISTED",
                "UF_CRM_OWNER",
                "UF_CRM_RADIO"
            ]
        );
        let radio = &fields[4];
        assert_eq!(radio.label.as_deref(), Some("Radio"));
        assert!(radio.multiple);
        assert_eq!(radio.items.len(), 3, "the list's items win");
        assert_eq!(fields[1].label.as_deref(), Some("Budget [EUR]"));
        assert!(fields[1].mandatory);
        assert_eq!(fields[2].user_type, "date");
        assert!(fields[2].mandatory);
        assert_eq!(
            fields[3].label, None,
            "a title that is the name is no label"
        );
    }

    #[test]
    fn bad_replies_name_the_method_and_path() {
        let err = read_fields(
            Entity::Deal,
            &json!({"UF_X": {"isDynamic": true}}),
            None,
            "en",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "crm.deal.fields: cannot read the reply at `result.UF_X.type`: missing or not a type name"
        );
        let err = read_fields(Entity::Deal, &json!("nope"), None, "en").unwrap_err();
        assert_eq!(err.path, "result");
        let err = read_fields(
            Entity::Item { entity_type_id: 1032 },
            &json!({"fields": {"ufCrm5_1": {"type": "enumeration", "isDynamic": true, "items": [{"VALUE": "x"}]}}}),
            None,
            "en",
        )
        .unwrap_err();
        assert_eq!(err.path, "result.fields.ufCrm5_1.items.0.ID");
        let err =
            read_fields(Entity::Lead, &json!({}), Some(&json!([{"ID": 1}])), "en").unwrap_err();
        assert_eq!(
            (err.method.as_str(), err.path.as_str()),
            ("crm.lead.userfield.list", "result.0.FIELD_NAME")
        );
    }

    #[test]
    fn types_map_and_variants_are_valid_names() {
        assert_eq!(spec_type("employee").0, "user");
        assert_eq!(spec_type("iblock_element").0, "id");
        assert_eq!(spec_type("rest_12_mytype").0, "raw");
        let items = vec![
            ("1".to_owned(), "Children's Radio".to_owned()),
            ("2".to_owned(), "Детское".to_owned()),
            ("3".to_owned(), "children's radio!".to_owned()),
            ("4".to_owned(), "Unknown".to_owned()),
            ("5".to_owned(), "".to_owned()),
        ];
        assert_eq!(
            variant_names(&items),
            [
                "children_s_radio",
                "value_2",
                "children_s_radio_3",
                "value_4",
                "value_5"
            ]
        );
        for name in [
            enum_type_name(Entity::Deal, "UF_CRM_1724077760"),
            enum_type_name(
                Entity::Item {
                    entity_type_id: 1032,
                },
                "ufCrm44_1721812814433",
            ),
        ] {
            assert!(crate::naming::is_type_name(&name), "{name}");
        }
        assert_eq!(
            enum_type_name(Entity::Deal, "UF_CRM_1724077760"),
            "DealUfCrm1724077760"
        );
        assert_eq!(doc_text("Budget [EUR] *x*"), "Budget \\[EUR\\] \\*x\\*");
    }

    #[test]
    fn entities_parse() {
        assert_eq!(Entity::parse("crm.deal", None), Ok(Entity::Deal));
        assert_eq!(
            Entity::parse("crm.item", Some(1032)),
            Ok(Entity::Item {
                entity_type_id: 1032
            })
        );
        assert!(Entity::parse("crm.item", None).is_err());
        assert!(Entity::parse("crm.deal", Some(3)).is_err());
        assert!(Entity::parse("tasks.task", None).is_err());
        assert_eq!(
            Entity::Company.userfield_list_method().unwrap(),
            "crm.company.userfield.list"
        );
        assert_eq!(
            Entity::Item { entity_type_id: 7 }.fields_method(),
            "crm.item.fields"
        );
    }

    const SPEC: &str = "\
scope: crm
types:
  CrmDealAddFields:
    fields:
      TITLE: string
  CrmDealGetDeal:
    fields:
      ID: integer
methods:
  crm.deal.add:
    kind: write
    params:
      fields: { type: CrmDealAddFields, required: true }
    result: id
  crm.deal.get:
    kind: read
    params:
      id: { type: integer, required: true }
    result: CrmDealGetDeal
  crm.deal.list:
    kind: read
    params:
      start: integer
    result: { type: \"raw[]\", list: {} }
";

    #[test]
    fn targets_are_the_record_types_of_the_entity_methods() {
        let imported = BTreeMap::from([
            (
                "crm/other.yaml".to_owned(),
                "scope: crm\nmethods: {}\n".to_owned(),
            ),
            ("crm/deals.yaml".to_owned(), SPEC.to_owned()),
        ]);
        let targets = find_targets(Entity::Deal, &imported).unwrap();
        assert_eq!(targets.path, "crm/deals.yaml");
        assert_eq!(targets.types, ["CrmDealAddFields", "CrmDealGetDeal"]);
        let err = find_targets(Entity::Lead, &imported).unwrap_err();
        assert!(err.contains("crm.lead.add"), "{err}");
    }

    #[test]
    fn the_overlay_replaces_its_own_entries_and_keeps_hand_corrections() {
        let targets = Targets {
            path: "crm/deals.yaml".into(),
            types: vec!["CrmDealAddFields".into(), "CrmDealGetDeal".into()],
        };
        let fields = read_fields(Entity::Deal, &deal_fields(), None, "en").unwrap();
        let existing = overlay::parse(
            "types:\n  CrmDealAddFields:\n    fields:\n      OPPORTUNITY: decimal\n      UF_CRM_GONE: string\n  DealUfCrmGone:\n    values: { \"1\": a }\n  DealStage:\n    values: { N: new }\nmethods:\n  crm.deal.get:\n    kind: read\n",
        )
        .unwrap();
        let merged = overlay(Entity::Deal, &fields, &targets, Some(existing));
        let text = render(Entity::Deal, &merged);
        assert!(text.contains("OPPORTUNITY: decimal"), "{text}");
        assert!(text.contains("DealStage:"), "{text}");
        assert!(text.contains("crm.deal.get:"), "{text}");
        assert!(!text.contains("UF_CRM_GONE"), "{text}");
        assert!(!text.contains("DealUfCrmGone"), "{text}");
        assert!(text.contains("type: \"DealUfCrmRadio[]\""), "{text}");
        assert!(text.contains("UF_CRM_OWNER: { type: user,"), "{text}");
        assert!(text.contains("UF_CRM_BOOKING: { type: raw,"), "{text}");
        // Re-reading the file and running again gives the same text.
        let again = overlay(
            Entity::Deal,
            &fields,
            &targets,
            Some(overlay::parse(&text).unwrap()),
        );
        assert_eq!(render(Entity::Deal, &again), text);
    }

    #[test]
    fn merged_over_the_spec_it_generates_typed_documented_fields() {
        let userfields =
            json!([{"FIELD_NAME": "UF_CRM_RADIO", "EDIT_FORM_LABEL": "Radio <station>"}]);
        let fields = read_fields(Entity::Deal, &deal_fields(), Some(&userfields), "en").unwrap();
        let imported = BTreeMap::from([("crm/deals.yaml".to_owned(), SPEC.to_owned())]);
        let targets = find_targets(Entity::Deal, &imported).unwrap();
        let mut spec = overlay::parse(SPEC).unwrap();
        overlay::merge(&mut spec, overlay(Entity::Deal, &fields, &targets, None));
        let files = BTreeMap::from([(targets.path.clone(), crate::import::to_yaml(&[], &spec))]);
        let model = crate::import::build_model(&files).unwrap();
        let generated = crate::output::render(&model, "specs").unwrap();
        let deals = &generated
            .iter()
            .find(|file| file.path == "crm/deals.rs")
            .unwrap()
            .contents;
        assert!(
            deals.contains("pub uf_crm_radio: Option<Vec<DealUfCrmRadio>>,"),
            "{deals}"
        );
        assert!(deals.contains("pub uf_crm_owner: Option<u64>,"), "{deals}");
        assert!(
            deals.contains("pub uf_crm_budget: Option<String>,"),
            "{deals}"
        );
        assert!(deals.contains("/// Radio \\<station\\>"), "{deals}");
        assert!(deals.contains("pub enum DealUfCrmRadio {"), "{deals}");
        assert!(deals.contains("ChildrenSRadio,"), "{deals}");
        assert!(
            deals.contains("\"3157\" => Self::ChildrenSRadio,"),
            "{deals}"
        );
    }
}
