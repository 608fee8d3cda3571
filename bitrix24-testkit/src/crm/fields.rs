//! What the portal knows about the fields of a CRM entity: each field's kind (from its
//! documented type in `crm.X.fields`), and how a written value is stored, the way a real
//! portal encodes it (crm-deal-get.md, crm-contact-get.md: numbers as strings, money with
//! two decimals, `Y`/`N`, datetimes with the portal's offset, `null` for unset).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::decimal::Decimal;
use crate::clock::{format_datetime, parse_datetime};
use crate::list_query;

/// A record's stored fields by wire name.
pub(crate) type Record = BTreeMap<String, Value>;

/// How a field's values are encoded and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Integers and references (`"410"`).
    Integer,
    /// Money and rates with two decimals (`"1000000.00"`).
    Money,
    /// A decimal as given, without padding (`"REVENUE": "0"` of a company).
    Number,
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
    /// `PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`: lists of `{ID, VALUE_TYPE, VALUE, TYPE_ID}`.
    Multifield,
    /// A list of IDs that is written but not shown (`CONTACT_IDS`, `COMPANY_IDS`).
    IdList,
}

/// One documented field.
#[derive(Debug)]
pub(crate) struct FieldInfo {
    pub(crate) kind: Kind,
    pub(crate) read_only: bool,
    pub(crate) immutable: bool,
}

/// The kind of a documented wire type.
fn kind_of_type(wire_type: &str, multiple: bool) -> Kind {
    let reference = matches!(
        wire_type,
        "integer"
            | "user"
            | "crm_company"
            | "crm_contact"
            | "crm_quote"
            | "crm_lead"
            | "crm_category"
            | "crm_entity"
    );
    match wire_type {
        "crm_multifield" => Kind::Multifield,
        _ if reference && multiple => Kind::IdList,
        _ if reference => Kind::Integer,
        "double" => Kind::Money,
        "char" => Kind::Char,
        "date" => Kind::Date,
        "datetime" => Kind::DateTime,
        _ => Kind::Text,
    }
}

/// An entity's documented fields: the descriptions `crm.X.fields` returns and what each
/// field is, plus the fields a `get` shows that the descriptions leave out.
#[derive(Debug)]
pub(crate) struct Described {
    pub(crate) descriptions: Map<String, Value>,
    pub(crate) infos: BTreeMap<String, FieldInfo>,
}

impl Described {
    /// Parse `fields_json` (an object of descriptions as `crm.X.fields` shows them);
    /// `kinds` overrides the kind a type implies, `hidden` adds read-only fields.
    pub(crate) fn parse(
        fields_json: &str,
        kinds: &[(&str, Kind)],
        hidden: &[(&str, Kind)],
    ) -> Described {
        let descriptions: Map<String, Value> =
            serde_json::from_str(fields_json).unwrap_or_default();
        let mut infos: BTreeMap<String, FieldInfo> = descriptions
            .iter()
            .map(|(name, description)| {
                let flag = |key: &str| description[key].as_bool().unwrap_or(false);
                let wire_type = description["type"].as_str().unwrap_or("string");
                let kind = kinds.iter().find(|(field, _)| field == name).map_or_else(
                    || kind_of_type(wire_type, flag("isMultiple")),
                    |(_, kind)| *kind,
                );
                let info = FieldInfo {
                    kind,
                    read_only: flag("isReadOnly"),
                    immutable: flag("isImmutable"),
                };
                (name.clone(), info)
            })
            .collect();
        for (name, kind) in hidden {
            infos.insert(
                (*name).to_owned(),
                FieldInfo {
                    kind: *kind,
                    read_only: true,
                    immutable: false,
                },
            );
        }
        Described {
            descriptions,
            infos,
        }
    }

    /// The kind of a field name, `None` for a name the entity does not have.
    pub(crate) fn kind_of(&self, name: &str) -> Option<Kind> {
        if let Some(info) = self.infos.get(name) {
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
}

/// A value as the portal stores a field of this kind (multifields are kept apart).
pub(crate) fn encode(kind: Kind, value: &Value) -> Value {
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
        Kind::Text | Kind::Multifield | Kind::IdList => json!(text),
        Kind::Integer => match number(&text) {
            Some(n) => json!(format!("{}", n.trunc() as i64)),
            None => Value::Null,
        },
        Kind::Money | Kind::Number => decimal(&text, kind == Kind::Money),
        Kind::Char => {
            let yes = matches!(
                text.to_ascii_uppercase().as_str(),
                "Y" | "1" | "TRUE" | "YES"
            );
            json!(if yes { "Y" } else { "N" })
        }
        Kind::Date => match read_date(&text) {
            Some(unix) => json!(format_date_only(unix)),
            None => Value::Null,
        },
        Kind::DateTime => match read_date(&text) {
            Some(unix) => json!(format_datetime(unix)),
            None => Value::Null,
        },
    }
}

/// A decimal kept exact: money rounded to two places (`"0.125"` is `"0.13"`), other
/// numbers as given. Text that is no plain decimal (`"1e3"`) is read as a number.
fn decimal(text: &str, money: bool) -> Value {
    match Decimal::parse(text) {
        Some(exact) if money => json!(exact.fixed(2)),
        Some(exact) => json!(exact.plain()),
        None => match number(&text.replace(',', ".")) {
            Some(n) if money => json!(format!("{n:.2}")),
            Some(n) => json!(n.to_string()),
            None if text.is_empty() => json!(if money { "0.00" } else { "0" }),
            None => Value::Null,
        },
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date or datetime as clients send them, also in the portal's own date format
/// (`11.11.1999`, crm-contact-update.md).
fn read_date(text: &str) -> Option<i64> {
    parse_datetime(text).or_else(|| {
        let mut parts = text.trim().splitn(3, '.');
        let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
        let year = year.get(..4)?;
        let valid =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !(valid(day, 2) && valid(month, 2) && valid(year, 4)) {
            return None;
        }
        parse_datetime(&format!("{year}-{month}-{day}"))
    })
}

/// A date field's value: midnight in the portal's zone.
pub(crate) fn format_date_only(unix: i64) -> String {
    let text = format_datetime(unix);
    parse_datetime(&text[..10]).map_or(text, format_datetime)
}

impl Kind {
    /// How the list engine compares and sorts values of this kind.
    pub(crate) fn query_kind(self) -> list_query::Kind {
        match self {
            Kind::Integer | Kind::IdList => list_query::Kind::Integer,
            Kind::Money | Kind::Number => list_query::Kind::Number,
            Kind::Date | Kind::DateTime => list_query::Kind::DateTimeOrText,
            Kind::Char | Kind::Text | Kind::Multifield => list_query::Kind::Text,
            Kind::User => list_query::Kind::Any,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_like_a_portal() {
        let cases = [
            (Kind::Money, json!(1000000), json!("1000000.00")),
            (Kind::Money, json!("19999999.99"), json!("19999999.99")),
            (Kind::Money, json!("0.125"), json!("0.13")),
            (Kind::Money, json!("1e3"), json!("1000.00")),
            (Kind::Money, json!(""), json!("0.00")),
            (Kind::Money, json!("x"), Value::Null),
            (Kind::Number, json!("0"), json!("0")),
            (Kind::Number, json!(2500.50), json!("2500.5")),
            (Kind::Integer, json!("12.7"), json!("12")),
            (Kind::Char, json!(true), json!("Y")),
            (Kind::Char, json!("n"), json!("N")),
            (
                Kind::Date,
                json!("11.11.1999"),
                json!("1999-11-11T00:00:00+03:00"),
            ),
            (
                Kind::Date,
                json!("1999-11-11T15:00:00+03:00"),
                json!("1999-11-11T00:00:00+03:00"),
            ),
            (Kind::Date, json!("31.02"), Value::Null),
            (
                Kind::DateTime,
                json!("2024-08-30 14:29:00"),
                json!("2024-08-30T14:29:00+03:00"),
            ),
            (Kind::User, json!([1, 2]), json!([1, 2])),
            (Kind::Text, json!(" a "), json!("a")),
        ];
        for (kind, given, stored) in cases {
            assert_eq!(encode(kind, &given), stored, "{kind:?} {given}");
        }
    }

    #[test]
    fn descriptions_give_kinds() {
        let described = Described::parse(
            r#"{"ID": {"type": "integer", "isReadOnly": true},
                "PHONE": {"type": "crm_multifield", "isMultiple": true},
                "COMPANY_IDS": {"type": "crm_company", "isMultiple": true},
                "REVENUE": {"type": "double"}}"#,
            &[("REVENUE", Kind::Number)],
            &[("FACE_ID", Kind::Integer)],
        );
        assert_eq!(described.kind_of("ID"), Some(Kind::Integer));
        assert!(described.infos["ID"].read_only);
        assert_eq!(described.kind_of("PHONE"), Some(Kind::Multifield));
        assert_eq!(described.kind_of("COMPANY_IDS"), Some(Kind::IdList));
        assert_eq!(described.kind_of("REVENUE"), Some(Kind::Number));
        assert!(described.infos["FACE_ID"].read_only);
        assert!(!described.descriptions.contains_key("FACE_ID"));
        assert_eq!(described.kind_of("UF_CRM_1"), Some(Kind::User));
        assert_eq!(described.kind_of("PARENT_ID_153"), Some(Kind::Integer));
        assert_eq!(described.kind_of("NOPE"), None);
    }
}
