//! Field names: a record's own ([`RecordField`], generated) or a portal's ([`CustomField`]).

use std::fmt;

use serde::{Serialize, Serializer};

/// The fields of one record type, as `select`, `order` and `filter` name them.
///
/// The generator implements it for each list record's field enum (`DealField::StageId`
/// is `STAGE_ID`, `ItemField::StageId` is `stageId`).
pub trait RecordField: Copy + fmt::Debug {
    /// The field's wire name.
    fn name(&self) -> &'static str;
}

/// A field the record type does not list: a portal's own field (`UF_CRM_1`,
/// `ufCrm5_1700000000`) or a pattern `select` accepts (`UF_*`).
///
/// The name is sent as given: a user field exists only on its portal, so nothing here can
/// check it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomField(String);

impl CustomField {
    /// The field `name`, as the portal names it.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.0
    }
}

/// One field of `F`'s record, or a [`CustomField`]; every builder takes either.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field<F> {
    /// A field the record type lists.
    Record(F),
    /// A portal's own field.
    User(CustomField),
}

impl<F: RecordField> Field<F> {
    /// The wire name.
    pub fn name(&self) -> &str {
        match self {
            Self::Record(field) => field.name(),
            Self::User(field) => field.name(),
        }
    }
}

impl<F: RecordField> From<F> for Field<F> {
    fn from(field: F) -> Self {
        Self::Record(field)
    }
}

impl<F> From<CustomField> for Field<F> {
    fn from(field: CustomField) -> Self {
        Self::User(field)
    }
}

impl<F: RecordField> Serialize for Field<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Title;
    impl RecordField for Title {
        fn name(&self) -> &'static str {
            "TITLE"
        }
    }

    #[test]
    fn record_and_user_fields_serialise_as_their_names() {
        let fields: Vec<Field<Title>> = vec![Title.into(), CustomField::new("UF_CRM_7").into()];
        assert_eq!(
            serde_json::to_value(&fields).unwrap(),
            serde_json::json!(["TITLE", "UF_CRM_7"])
        );
        assert_eq!(fields[1].name(), "UF_CRM_7");
    }
}
