//! `select`: which fields the records carry.

use serde::{Serialize, Serializer};

use super::field::{Field, RecordField};

/// The fields a list returns: `["ID","TITLE"]`.
///
/// Without a `select` a portal returns its default set (for CRM lists every standard
/// field and no user fields); [`Select::all`] asks for `*`, and a [`CustomField`] of `UF_*`
/// for every user field.
///
/// [`CustomField`]: super::CustomField
#[derive(Debug, Clone, PartialEq)]
pub struct Select<F> {
    fields: Vec<Name<F>>,
}

/// A selected name: a field, or the `*` of every standard field.
#[derive(Debug, Clone, PartialEq)]
enum Name<F> {
    Field(Field<F>),
    All,
}

impl<F: RecordField> Select<F> {
    /// These fields, in this order.
    pub fn new<I: Into<Field<F>>>(fields: impl IntoIterator<Item = I>) -> Self {
        Self {
            fields: fields
                .into_iter()
                .map(|field| Name::Field(field.into()))
                .collect(),
        }
    }

    /// `*`: every standard field.
    pub fn all() -> Self {
        Self {
            fields: vec![Name::All],
        }
    }

    /// One more field.
    #[must_use]
    pub fn and(mut self, field: impl Into<Field<F>>) -> Self {
        self.fields.push(Name::Field(field.into()));
        self
    }

    /// The wire names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|name| match name {
            Name::Field(field) => field.name(),
            Name::All => "*",
        })
    }
}

impl<F: RecordField> Serialize for Select<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
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
        StageId,
    }
    impl RecordField for F {
        fn name(&self) -> &'static str {
            match self {
                Self::Id => "ID",
                Self::StageId => "STAGE_ID",
            }
        }
    }

    #[test]
    fn serialises_the_names_in_order() {
        let select = Select::new([F::StageId, F::Id]).and(CustomField::new("UF_CRM_1"));
        assert_eq!(
            serde_json::to_value(&select).unwrap(),
            json!(["STAGE_ID", "ID", "UF_CRM_1"])
        );
        let all = Select::<F>::all().and(CustomField::new("UF_*"));
        assert_eq!(serde_json::to_value(&all).unwrap(), json!(["*", "UF_*"]));
    }
}
