//! What the portal knows about deal fields: the documented descriptions of
//! `crm.deal.fields`, the order of a `crm.deal.get` reply, each field's kind, and how a
//! written value is stored (crm-deal-get.md: numbers as strings, `Y`/`N`, datetimes with
//! the portal's offset, `null` for unset).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use crate::clock::{format_datetime, parse_datetime};
use crate::list_query;

/// The field descriptions of `crm.deal.fields`, as documented (crm-deal-fields.md).
const FIELDS_JSON: &str = include_str!("fields.json");

/// The order of the fields in a `crm.deal.get` reply (crm-deal-get.md).
pub(super) const GET_ORDER: &[&str] = &[
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
pub(super) enum Kind {
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
pub(super) struct FieldInfo {
    pub(super) kind: Kind,
    pub(super) read_only: bool,
    pub(super) immutable: bool,
    pub(super) multiple: bool,
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
pub(super) fn documented() -> &'static (Map<String, Value>, BTreeMap<String, FieldInfo>) {
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
pub(super) fn kind_of(name: &str) -> Option<Kind> {
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

/// A value as the portal stores a field of this kind.
pub(super) fn encode(kind: Kind, value: &Value) -> Value {
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

/// A date field's value: midnight in the portal's zone.
pub(super) fn format_date_only(unix: i64) -> String {
    let text = format_datetime(unix);
    parse_datetime(&text[..10]).map_or(text, format_datetime)
}

impl Kind {
    /// How the list engine compares and sorts values of this kind.
    pub(super) fn query_kind(self) -> list_query::Kind {
        match self {
            Kind::Integer => list_query::Kind::Integer,
            Kind::Double => list_query::Kind::Number,
            Kind::Date | Kind::DateTime => list_query::Kind::DateTimeOrText,
            Kind::Char | Kind::Text => list_query::Kind::Text,
            Kind::User => list_query::Kind::Any,
        }
    }
}
