//! [`Multifield`]: the `crm_multifield` object (phones, e-mails, websites, messengers).
//!
//! Leads, contacts and companies keep contact data in multiple fields `PHONE`, `EMAIL`,
//! `WEB`, `IM` (and the system field `LINK`); each value is an object with `ID`, `TYPE_ID`,
//! `VALUE` and `VALUE_TYPE`. Portals send `ID` as a string; requests omit what is not set.

use serde::{Deserialize, Deserializer, Serialize};

use super::lenient::{Lenient, object_or_nothing};

/// One value of a CRM multiple field (`crm_multifield`).
///
/// Wire names: `ID`, `TYPE_ID` (`PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`), `VALUE`, and
/// `VALUE_TYPE` (`WORK`, `MOBILE`, `HOME`, `OTHER`, ...; see the Bitrix24 docs for the list
/// per type). Reading is lenient (`"ID": "225"`, `""` and `null` are accepted), writing
/// skips fields that are `None`.
///
/// On update, a value with an `ID` changes that value, one without adds a value, and one
/// with an `ID` and an empty `VALUE` deletes it ([`Multifield::delete`]).
///
/// ```
/// use bitrix24_wire::Multifield;
///
/// let add = Multifield::new("+1 555 0100", "WORK");
/// assert_eq!(
///     serde_json::to_string(&add).unwrap(),
///     r#"{"VALUE":"+1 555 0100","VALUE_TYPE":"WORK"}"#
/// );
///
/// let read: Multifield = serde_json::from_str(
///     r#"{"ID": "225", "TYPE_ID": "PHONE", "VALUE": "+1 555 0100", "VALUE_TYPE": "WORK"}"#,
/// ).unwrap();
/// assert_eq!(read.id, Some(225));
/// assert_eq!(serde_json::to_string(&Multifield::delete(225)).unwrap(), r#"{"ID":225,"VALUE":""}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Multifield {
    /// `ID`: identifier of this value; `None` for a value to add.
    #[serde(
        rename = "ID",
        default,
        deserialize_with = "super::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<u64>,
    /// `TYPE_ID`: the kind of field (`PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`).
    #[serde(
        rename = "TYPE_ID",
        default,
        deserialize_with = "super::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub type_id: Option<String>,
    /// `VALUE`: the phone number, address, URL or handle.
    #[serde(
        rename = "VALUE",
        default,
        deserialize_with = "super::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<String>,
    /// `VALUE_TYPE`: the kind of value (`WORK`, `MOBILE`, `HOME`, `OTHER`, ...).
    #[serde(
        rename = "VALUE_TYPE",
        default,
        deserialize_with = "super::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_type: Option<String>,
}

impl Multifield {
    /// A value to add: its text and its value type (e.g. `"WORK"`).
    pub fn new(value: impl Into<String>, value_type: impl Into<String>) -> Self {
        Multifield {
            value: Some(value.into()),
            value_type: Some(value_type.into()),
            ..Multifield::default()
        }
    }

    /// A change to the existing value `id`: its new text and value type.
    pub fn update(id: u64, value: impl Into<String>, value_type: impl Into<String>) -> Self {
        Multifield {
            id: Some(id),
            ..Multifield::new(value, value_type)
        }
    }

    /// Deletes the existing value `id` on update: `{"ID": id, "VALUE": ""}`, as documented
    /// for `crm.contact.update` ("pass the identifier and an empty `VALUE`").
    pub fn delete(id: u64) -> Self {
        Multifield {
            id: Some(id),
            value: Some(String::new()),
            ..Multifield::default()
        }
    }

    /// Sets `TYPE_ID` (`PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`).
    pub fn with_type_id(mut self, type_id: impl Into<String>) -> Self {
        self.type_id = Some(type_id.into());
        self
    }
}

/// An object is a multifield; `null`, `""`, `false` and `[]` are nothing.
impl Lenient for Multifield {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        object_or_nothing(de)
    }
}
