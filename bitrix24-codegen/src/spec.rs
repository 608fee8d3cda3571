//! The spec files as written: serde structures faithful to the YAML, with spans.
//!
//! Nothing here is interpreted; [`crate::model`] resolves names and checks the rules.
//! Every value an error may point at is [`Spanned`], so diagnostics carry line:column.
//! The format is documented in `specs/README.md`.

use std::fmt;

use indexmap::IndexMap;
use marked_yaml::Spanned;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

/// A key or value as written, with where it was written.
pub type Text = Spanned<String>;

/// One spec file: the methods, events and named types of one entity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The permission scope; also the cargo feature and module the bindings live in.
    pub scope: Text,
    /// Named types: objects (`fields`) or open enumerations (`values`).
    #[serde(default)]
    pub types: IndexMap<Text, TypeDef>,
    /// REST methods by wire name (`crm.deal.add`).
    #[serde(default)]
    pub methods: IndexMap<Text, MethodDef>,
    /// Events by code (`ONCRMDEALADD`): what the portal POSTs to a handler.
    #[serde(default)]
    pub events: IndexMap<Text, EventDef>,
}

/// One event an application can bind a handler to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    /// Docs page, relative to the docs root.
    pub docs: Option<Text>,
    /// The named object type of this file that the event's `data` decodes into.
    pub data: Text,
    /// Present when the event is deprecated.
    pub deprecated: Option<Deprecation>,
}

/// A named type: an object with `fields`, or an enumeration with `values`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Docs page, relative to the docs root (`api-reference/crm/deals/crm-deal-get.md#deal`).
    pub docs: Option<Text>,
    /// Object fields by wire name, in wire order.
    pub fields: Option<IndexMap<Text, Spanned<FieldDef>>>,
    /// Enumeration values: wire value -> variant name (snake_case).
    pub values: Option<IndexMap<Text, Text>>,
    /// `upper_snake`: requests carry each field under the upper snake case of its wire
    /// name, responses under the wire name itself (`tasks.task.add` takes
    /// `RESPONSIBLE_ID`, `tasks.task.get` returns `responsibleId`).
    pub sent_names: Option<Text>,
}

/// One REST method.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodDef {
    /// Docs page, relative to the docs root.
    pub docs: Option<Text>,
    /// `read`, `idempotent` or `write`: decides the transport's retry policy.
    pub kind: Text,
    /// Why `kind` departs from the kind rule (`crate::rules::kind`): what the docs say the
    /// method does besides what its name says (`disk.storage.getForApp` creates the
    /// storage). Required when it departs; the model build checks.
    pub kind_reason: Option<Text>,
    /// `classic` (default) or `v3`.
    pub api: Option<Text>,
    /// Present when the method is deprecated.
    pub deprecated: Option<Deprecation>,
    /// Parameters by wire name.
    #[serde(default)]
    pub params: IndexMap<Text, Spanned<FieldDef>>,
    /// What `result` holds.
    pub result: Spanned<ResultDef>,
}

/// A deprecation note.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// The method (or field) to use instead.
    pub replacement: Option<Text>,
}

/// A field or parameter: a type expression, optionally with flags.
///
/// Written either as the bare type (`TITLE: string`) or as a map
/// (`ID: { type: id, read_only: true }`).
#[derive(Debug)]
pub struct FieldDef {
    /// The type expression (`string`, `Deal`, `id[]`, `map<FieldDescription>`).
    pub ty: Text,
    /// Must be sent in requests (and is expected in responses).
    pub required: bool,
    /// Sent by the server only; never serialised into a request.
    pub read_only: bool,
    /// Present when the field is deprecated.
    pub deprecated: Option<Deprecation>,
    /// Text for the field's doc comment (a portal's label for its own field); lines
    /// separated by `\n`.
    pub doc: Option<Text>,
    /// A method parameter's record fields (wire names) that the method requires though
    /// the record, shared by reads and writes, has them optional (`fields` of
    /// `crm.quote.add`: `[TITLE]`). Only on a method's parameter of a record type.
    pub requires: Vec<Text>,
}

/// The result of a method: a type expression, optionally with list pagination.
///
/// Written either as the bare type (`result: boolean`) or as a map
/// (`result: { type: "Deal[]", list: { id_field: ID, fast_path: true } }`).
#[derive(Debug)]
pub struct ResultDef {
    /// The type of `result`; for list methods the type of the records list (`Deal[]`).
    pub ty: Text,
    /// Present for list methods paginated with `start`/`next`/`total`.
    pub list: Option<ListDef>,
}

/// Pagination facts of a list method.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListDef {
    /// The key the records sit under (`tasks`); absent when `result` is the list itself.
    pub key: Option<Text>,
    /// The record's ID field on the wire (default `ID`).
    pub id_field: Option<Text>,
    /// The ID's name in `filter`, `order` and `select` when it is not `id_field`
    /// (`tasks.task.list` filters by `ID`, its records carry `id`).
    pub id_param: Option<Text>,
    /// Whether the documented fast path (order by ID, `>ID` filter, `start=-1`) applies.
    #[serde(default)]
    pub fast_path: bool,
    /// The list's pages are always counted (`start=-1` is not documented for it): the
    /// fast path pages by ID with `start=0`. Only with `fast_path`.
    #[serde(default)]
    pub counted: bool,
    /// The parameter naming the one field the list sorts by, when its `order` is the
    /// direction alone (`user.get`: `sort: ID`, `order: ASC`).
    pub sort_param: Option<Text>,
}

/// The map form of a field, before the shorthand is folded in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldMap {
    #[serde(rename = "type")]
    ty: Text,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    read_only: bool,
    deprecated: Option<Deprecation>,
    doc: Option<Text>,
    #[serde(default)]
    requires: Vec<Text>,
}

/// The map form of a result.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultMap {
    #[serde(rename = "type")]
    ty: Text,
    list: Option<ListDef>,
}

/// A shorthand string gets the span of its node from the enclosing `Spanned` once
/// loaded; until then it has a blank span (see [`crate::load`]).
fn blank(text: &str) -> Text {
    Spanned::new(marked_yaml::Span::new_blank(), text.to_owned())
}

impl<'de> Deserialize<'de> for FieldDef {
    fn deserialize<D: de::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = FieldDef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a type (`string`) or a map with `type`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<FieldDef, E> {
                Ok(FieldDef {
                    ty: blank(text),
                    required: false,
                    read_only: false,
                    deprecated: None,
                    doc: None,
                    requires: Vec::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FieldDef, A::Error> {
                let m = FieldMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FieldDef {
                    ty: m.ty,
                    required: m.required,
                    read_only: m.read_only,
                    deprecated: m.deprecated,
                    doc: m.doc,
                    requires: m.requires,
                })
            }
        }
        de.deserialize_any(FieldVisitor)
    }
}

impl<'de> Deserialize<'de> for ResultDef {
    fn deserialize<D: de::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct ResultVisitor;
        impl<'de> Visitor<'de> for ResultVisitor {
            type Value = ResultDef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a type (`boolean`) or a map with `type` and `list`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<ResultDef, E> {
                Ok(ResultDef {
                    ty: blank(text),
                    list: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ResultDef, A::Error> {
                let m = ResultMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ResultDef {
                    ty: m.ty,
                    list: m.list,
                })
            }
        }
        de.deserialize_any(ResultVisitor)
    }
}
