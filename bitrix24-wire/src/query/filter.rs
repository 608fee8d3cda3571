//! `filter`: which records a list returns, as operator-prefixed keys.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::field::{Field, RecordField};
use crate::{DateTime, Decimal};

/// A filter operator: the prefix of the filter key (crm-deal-list.md, crm-item-list.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=`: equal (a key without prefix means the same).
    Eq,
    /// `!=`: not equal.
    Ne,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `@`: one of an array of values.
    In,
    /// `!@`: none of an array of values.
    NotIn,
    /// `%`: contains the text (no `%` in the value).
    Contains,
    /// `!%`: does not contain the text.
    NotContains,
    /// `=%`: matches a LIKE pattern (`%` in the value: `"mol%"`).
    Like,
    /// `!=%`: does not match a LIKE pattern.
    NotLike,
    /// `><`: between two values, inclusive (an array of two).
    Between,
    /// `!><`: not between two values.
    NotBetween,
}

impl Op {
    /// The key prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::In => "@",
            Self::NotIn => "!@",
            Self::Contains => "%",
            Self::NotContains => "!%",
            Self::Like => "=%",
            Self::NotLike => "!=%",
            Self::Between => "><",
            Self::NotBetween => "!><",
        }
    }
}

/// The conditions a list's records meet, all of them (AND): `{"=STAGE_ID":"NEW",">ID":100}`.
///
/// A value is anything that converts into a JSON value (numbers, text, `bool`, and this
/// crate's [`Decimal`] and [`DateTime`], sent as their exact text); `in_`, `not_in` and the
/// ranges send arrays. A second condition with the same operator on the same field
/// replaces the first, since the wire form is an object. [`Filter::any`] adds a group of
/// alternatives (`logic: OR`, crm-item-list.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter<F> {
    conditions: Vec<(String, Value)>,
    groups: usize,
    fields: std::marker::PhantomData<fn() -> F>,
}

impl<F> Default for Filter<F> {
    fn default() -> Self {
        Self {
            conditions: Vec::new(),
            groups: 0,
            fields: std::marker::PhantomData,
        }
    }
}

impl<F: RecordField> Filter<F> {
    /// No condition yet: every record.
    pub fn new() -> Self {
        Self::default()
    }

    /// `field` `op` `value`, the general form of the builders below.
    #[must_use]
    pub fn op(self, op: Op, field: impl Into<Field<F>>, value: impl Into<Value>) -> Self {
        let key = format!("{}{}", op.prefix(), field.into().name());
        self.insert(key, value.into())
    }

    /// `=`: `field` equals `value`.
    #[must_use]
    pub fn eq(self, field: impl Into<Field<F>>, value: impl Into<Value>) -> Self {
        self.op(Op::Eq, field, value)
    }

    /// `!=`: `field` does not equal `value`.
    #[must_use]
    pub fn ne(self, field: impl Into<Field<F>>, value: impl Into<Value>) -> Self {
        self.op(Op::Ne, field, value)
    }

    /// `>`.
    #[must_use]
    pub fn gt(self, field: impl Into<Field<F>>, value: impl Into<Value>) -> Self {
        self.op(Op::Gt, field, value)
    }

    /// `>=`.
    #[must_use]
    pub fn ge(self, field: impl Into<Field<F>>, value: impl Into<Value>) -> Self {
        self.op(Op::Ge, field, value)
    }

    /// `<`.
    #[must_use]
    pub fn lt(self, field: impl Into<Field<F>>, value: impl Into<Value>) -> Self {
        self.op(Op::Lt, field, value)
    }

    /// `<=`.
    #[must_use]
    pub fn le(self, field: impl Into<Field<F>>, value: impl Into<Value>) -> Self {
        self.op(Op::Le, field, value)
    }

    /// `%`: `field` contains the text `text` anywhere.
    #[must_use]
    pub fn like(self, field: impl Into<Field<F>>, text: impl Into<String>) -> Self {
        self.op(Op::Contains, field, text.into())
    }

    /// `!%`: `field` does not contain `text`.
    #[must_use]
    pub fn not_like(self, field: impl Into<Field<F>>, text: impl Into<String>) -> Self {
        self.op(Op::NotContains, field, text.into())
    }

    /// `=%`: `field` matches the LIKE `pattern` (`%` for any text: `"mol%"`).
    #[must_use]
    pub fn like_pattern(self, field: impl Into<Field<F>>, pattern: impl Into<String>) -> Self {
        self.op(Op::Like, field, pattern.into())
    }

    /// `!=%`: `field` does not match the LIKE `pattern`.
    #[must_use]
    pub fn not_like_pattern(self, field: impl Into<Field<F>>, pattern: impl Into<String>) -> Self {
        self.op(Op::NotLike, field, pattern.into())
    }

    /// `@`: `field` is one of `values`.
    #[must_use]
    pub fn in_<V: Into<Value>>(
        self,
        field: impl Into<Field<F>>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.op(Op::In, field, array(values))
    }

    /// `!@`: `field` is none of `values`.
    #[must_use]
    pub fn not_in<V: Into<Value>>(
        self,
        field: impl Into<Field<F>>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.op(Op::NotIn, field, array(values))
    }

    /// `><`: `low <= field <= high`.
    #[must_use]
    pub fn between(
        self,
        field: impl Into<Field<F>>,
        low: impl Into<Value>,
        high: impl Into<Value>,
    ) -> Self {
        self.op(Op::Between, field, vec![low.into(), high.into()])
    }

    /// `!><`: `field` outside `low..=high`.
    #[must_use]
    pub fn not_between(
        self,
        field: impl Into<Field<F>>,
        low: impl Into<Value>,
        high: impl Into<Value>,
    ) -> Self {
        self.op(Op::NotBetween, field, vec![low.into(), high.into()])
    }

    /// A group that holds when any of `alternatives` holds (`logic: OR`); each
    /// alternative's own conditions must all hold.
    #[must_use]
    pub fn any(mut self, alternatives: impl IntoIterator<Item = Filter<F>>) -> Self {
        let mut group = Map::new();
        group.insert("logic".into(), Value::from("OR"));
        for (i, alternative) in alternatives.into_iter().enumerate() {
            group.insert(i.to_string(), alternative.to_value());
        }
        // Groups are keyed by number, as the docs write them; a field name is never one.
        let key = self.groups.to_string();
        self.groups += 1;
        self.insert(key, Value::Object(group))
    }

    /// The conditions as keys and values, in the order they were added.
    pub fn conditions(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.conditions
            .iter()
            .map(|(key, value)| (key.as_str(), value))
    }

    fn insert(mut self, key: String, value: Value) -> Self {
        match self.conditions.iter_mut().find(|(k, _)| *k == key) {
            Some(condition) => condition.1 = value,
            None => self.conditions.push((key, value)),
        }
        self
    }

    fn to_value(&self) -> Value {
        Value::Object(
            self.conditions
                .iter()
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        )
    }
}

fn array<V: Into<Value>>(values: impl IntoIterator<Item = V>) -> Value {
    Value::Array(values.into_iter().map(Into::into).collect())
}

impl<F: RecordField> Serialize for Filter<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.conditions.len()))?;
        for (key, value) in self.conditions() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

// Filter values: a decimal is sent as its exact text, a datetime as ISO 8601, as the
// `Serialize` impls of both write them.
impl From<Decimal> for Value {
    fn from(value: Decimal) -> Self {
        Value::String(value.as_str().to_owned())
    }
}

impl From<&Decimal> for Value {
    fn from(value: &Decimal) -> Self {
        Value::String(value.as_str().to_owned())
    }
}

impl From<DateTime> for Value {
    fn from(value: DateTime) -> Self {
        Value::String(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::CustomField;
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum F {
        Id,
        Title,
        Opportunity,
    }
    impl RecordField for F {
        fn name(&self) -> &'static str {
            match self {
                Self::Id => "ID",
                Self::Title => "TITLE",
                Self::Opportunity => "OPPORTUNITY",
            }
        }
    }

    fn wire(filter: &Filter<F>) -> Value {
        serde_json::to_value(filter).unwrap()
    }

    #[test]
    fn each_operator_serialises_to_its_prefix() {
        let cases: [(Filter<F>, Value); 14] = [
            (Filter::new().eq(F::Title, "A"), json!({"=TITLE": "A"})),
            (Filter::new().ne(F::Title, "A"), json!({"!=TITLE": "A"})),
            (Filter::new().gt(F::Id, 100), json!({">ID": 100})),
            (Filter::new().ge(F::Id, 100u64), json!({">=ID": 100})),
            (Filter::new().lt(F::Id, -1), json!({"<ID": -1})),
            (Filter::new().le(F::Id, 7), json!({"<=ID": 7})),
            (Filter::new().in_(F::Id, [1, 2]), json!({"@ID": [1, 2]})),
            (
                Filter::new().not_in(F::Title, ["a", "b"]),
                json!({"!@TITLE": ["a", "b"]}),
            ),
            (
                Filter::new().like(F::Title, "mol"),
                json!({"%TITLE": "mol"}),
            ),
            (
                Filter::new().not_like(F::Title, "mol"),
                json!({"!%TITLE": "mol"}),
            ),
            (
                Filter::new().like_pattern(F::Title, "mol%"),
                json!({"=%TITLE": "mol%"}),
            ),
            (
                Filter::new().not_like_pattern(F::Title, "%mol"),
                json!({"!=%TITLE": "%mol"}),
            ),
            (Filter::new().between(F::Id, 1, 9), json!({"><ID": [1, 9]})),
            (
                Filter::new().not_between(F::Id, 1, 9),
                json!({"!><ID": [1, 9]}),
            ),
        ];
        for (filter, expected) in cases {
            assert_eq!(wire(&filter), expected);
        }
    }

    #[test]
    fn values_keep_their_wire_form() {
        let amount: Decimal = "19999.90".parse().unwrap();
        let when: DateTime = "2024-08-30T14:29:00+02:00".parse().unwrap();
        let filter = Filter::new()
            .ge(F::Opportunity, &amount)
            .lt(CustomField::new("UF_CRM_DUE"), when)
            .eq(CustomField::new("UF_CRM_FLAG"), true);
        assert_eq!(
            wire(&filter),
            json!({
                ">=OPPORTUNITY": "19999.90",
                "<UF_CRM_DUE": "2024-08-30T14:29:00+02:00",
                "=UF_CRM_FLAG": true,
            })
        );
    }

    #[test]
    fn a_repeated_condition_replaces_and_keeps_its_place() {
        let filter = Filter::new().gt(F::Id, 1).eq(F::Title, "A").gt(F::Id, 5);
        let keys: Vec<_> = filter.conditions().map(|(key, _)| key).collect();
        assert_eq!(keys, [">ID", "=TITLE"]);
        assert_eq!(
            serde_json::to_string(&filter).unwrap(),
            r#"{">ID":5,"=TITLE":"A"}"#
        );
    }

    #[test]
    fn groups_of_alternatives_are_numbered() {
        let filter = Filter::new()
            .le(F::Id, 12)
            .any([
                Filter::new().eq(F::Title, "WON"),
                Filter::new().eq(F::Id, 1),
            ])
            .any([Filter::new().gt(F::Opportunity, 5)]);
        assert_eq!(
            wire(&filter),
            json!({
                "<=ID": 12,
                "0": {"logic": "OR", "0": {"=TITLE": "WON"}, "1": {"=ID": 1}},
                "1": {"logic": "OR", "0": {">OPPORTUNITY": 5}},
            })
        );
    }
}
