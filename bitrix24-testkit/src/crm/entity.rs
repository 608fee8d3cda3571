//! What sets one classic CRM entity type (lead, deal, contact, company) apart, as data the
//! one CRM store runs on: its documented fields and the order a `get` shows them, its
//! defaults, how its stage follows from what was written, its product rows, its error
//! texts and how to seed it. The entities themselves are in `entities/`.

use std::sync::OnceLock;

use serde_json::Value;

use super::fields::{Described, Kind, Record};
use super::multifield;

/// One entity type.
#[derive(Debug)]
pub(crate) struct Entity {
    /// The word in the method names: `crm.{name}.add`.
    pub(crate) name: &'static str,
    /// `entityTypeId` (crm data-types.md: 1 lead, 2 deal, 3 contact, 4 company).
    pub(crate) entity_type_id: u32,
    /// The descriptions of `crm.{name}.fields` as documented (standard fields only).
    pub(crate) fields_json: &'static str,
    /// Kinds other than the documented type implies (`REVENUE` of a company, written as
    /// given rather than with two decimals).
    pub(crate) kinds: &'static [(&'static str, Kind)],
    /// Fields a `get` shows that `crm.{name}.fields` does not describe; read-only.
    pub(crate) hidden: &'static [(&'static str, Kind)],
    /// The fields of a `get` reply, in runs, in the order of the `crm.{name}.get` docs;
    /// user fields and multifields with values follow.
    pub(crate) get_order: &'static [&'static [&'static str]],
    /// The title of a new record without one: `"{title} #{id}"`.
    pub(crate) title: Option<&'static str>,
    /// The text values a new record starts with, besides its authors and dates.
    pub(crate) defaults: &'static [(&'static str, &'static str)],
    /// The date fields a new record starts with: the day it was made plus some days.
    pub(crate) dates: &'static [(&'static str, i64)],
    /// A list of IDs that is written (`CONTACT_IDS`) and the field showing its first ID
    /// when that is not written itself (`CONTACT_ID`).
    pub(crate) first_of: Option<(&'static str, &'static str)>,
    /// The field whose change moves the record along (`STAGE_ID`, `STATUS_ID`), setting
    /// `MOVED_TIME` and `MOVED_BY_ID`.
    pub(crate) stage_field: Option<&'static str>,
    /// Derive the fields that follow from the others after a write (stage semantics).
    pub(crate) settle: fn(&mut Record, &Change<'_>),
    /// `OWNER_TYPE` of the entity's product rows (`D`, `L`); `None` without product rows.
    pub(crate) owner_type: Option<&'static str>,
    /// `(error code, description)` of an `update` and a `delete` of a missing record
    /// (`get` answers `Not found` for every entity).
    pub(crate) update_not_found: (&'static str, &'static str),
    pub(crate) delete_not_found: (&'static str, &'static str),
    /// Set the fields of the `seeding.id`-th seeded record (on a copy of a new one).
    pub(crate) seed: fn(&mut Record, &mut Seeding<'_>),
}

/// The parsed descriptions of the entity types, by `entityTypeId` - 1 (an entity is a
/// constant and cannot hold its own).
static DESCRIBED: [OnceLock<Described>; 4] = [const { OnceLock::new() }; 4];

impl Entity {
    /// An entity type with what every one has: no product rows, no stage, `Not found`
    /// errors, nothing derived, nothing seeded. The entity modules set the rest.
    pub(crate) const fn new(
        name: &'static str,
        entity_type_id: u32,
        fields_json: &'static str,
    ) -> Entity {
        Entity {
            name,
            entity_type_id,
            fields_json,
            kinds: &[],
            hidden: &[],
            get_order: &[],
            title: None,
            defaults: &[],
            dates: &[],
            first_of: None,
            stage_field: None,
            settle: |_, _| {},
            owner_type: None,
            update_not_found: ("", "Not found"),
            delete_not_found: ("", "Not found"),
            seed: |_, _| {},
        }
    }

    /// The documented fields, parsed once.
    pub(crate) fn described(&self) -> &'static Described {
        let index = (self.entity_type_id as usize).saturating_sub(1) % DESCRIBED.len();
        DESCRIBED[index].get_or_init(|| Described::parse(self.fields_json, self.kinds, self.hidden))
    }

    /// The fields of a `get` reply, in order.
    pub(crate) fn shown(&self) -> impl Iterator<Item = &'static str> {
        self.get_order.iter().flat_map(|run| run.iter().copied())
    }

    /// Whether the entity has the contact multifields (`PHONE`, `EMAIL`, ...).
    pub(crate) fn has_multifields(&self) -> bool {
        self.described().kind_of("PHONE") == Some(Kind::Multifield)
    }
}

/// A write being settled.
#[derive(Debug)]
pub(crate) struct Change<'a> {
    /// A new record (else an update).
    pub(crate) creating: bool,
    /// The names the write gave (upper case).
    pub(crate) given: &'a [String],
    pub(crate) now: i64,
}

impl Change<'_> {
    pub(crate) fn gave(&self, name: &str) -> bool {
        self.given.iter().any(|given| given == name)
    }
}

/// One record being seeded: which one, and the counter its multifield values take IDs
/// from.
#[derive(Debug)]
pub(crate) struct Seeding<'a> {
    pub(crate) id: u64,
    /// Its place counted from the end of the seeding (`-n` for the first of `n`).
    pub(crate) from_end: i64,
    pub(crate) now: i64,
    pub(crate) multifield_ids: &'a mut u64,
}

impl Seeding<'_> {
    /// Give `record` a value of multifield `field`.
    pub(crate) fn multifield(&mut self, record: &mut Record, field: &str, value: &str, kind: &str) {
        let mut stored = match record.remove(field) {
            Some(Value::Array(values)) => values,
            _ => Vec::new(),
        };
        multifield::push(&mut stored, field, value, kind, self.multifield_ids);
        record.insert(field.to_owned(), Value::Array(stored));
    }
}

/// Set a field of a record being built, in place when it is there.
pub(crate) fn set(record: &mut Record, name: &str, value: String) {
    match record.get_mut(name) {
        Some(slot) => *slot = Value::String(value),
        None => {
            record.insert(name.to_owned(), Value::String(value));
        }
    }
}
