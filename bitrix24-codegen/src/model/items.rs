//! The model's data: everything the emitter needs and nothing else.

use std::collections::BTreeMap;

use crate::naming::FieldName;

/// The scope whose types every other scope may use; it has no cargo feature.
pub const COMMON_SCOPE: &str = "common";

/// Where the official documentation is published; spec `docs` paths are relative to it.
pub const DOCS_BASE: &str = "https://apidocs.bitrix24.com/";

/// Everything to generate, by scope.
#[derive(Debug, Default)]
pub struct Model {
    /// Scopes by name.
    pub scopes: BTreeMap<String, Scope>,
}

/// One scope: one cargo feature and one Rust module.
#[derive(Debug, Default)]
pub struct Scope {
    /// The scope name (`crm`).
    pub name: String,
    /// Modules (one per spec file) by module name.
    pub modules: BTreeMap<String, Module>,
}

/// The bindings of one spec file.
#[derive(Debug)]
pub struct Module {
    /// The Rust module name (`deal`).
    pub name: String,
    /// The spec file, relative to the spec root (`crm/deal.yaml`).
    pub source: String,
    /// Named types, sorted by name.
    pub types: Vec<TypeModel>,
    /// Methods, sorted by REST name.
    pub methods: Vec<MethodModel>,
    /// Events, sorted by code.
    pub events: Vec<EventModel>,
    /// Field enums of the list records defined here, sorted by name.
    pub field_enums: Vec<FieldEnumModel>,
}

/// The field names of a list's records, as `select`, `order` and `filter` name them: one
/// enum per record type (and naming rule), implementing `query::RecordField`.
#[derive(Debug)]
pub struct FieldEnumModel {
    /// The enum's Rust name (`DealField`).
    pub name: String,
    /// The record type it names the fields of (`Deal`).
    pub record: String,
    /// (wire name, variant name), in the record's field order.
    pub variants: Vec<(String, String)>,
}

/// One event: the code a handler is bound to and the type its `data` decodes into.
#[derive(Debug)]
pub struct EventModel {
    /// The event code, upper case (`ONCRMDEALADD`).
    pub code: String,
    /// The payload type: a named object type of the same module.
    pub type_name: String,
    /// Scope.
    pub scope: String,
    /// Link to the official page.
    pub docs_url: Option<String>,
    /// `Some(replacement)` when deprecated.
    pub deprecated: Option<Option<String>>,
}

/// A type the spec names, or one the generator adds (a keyed list's result).
#[derive(Debug)]
pub struct TypeModel {
    /// The Rust type name.
    pub name: String,
    /// Link to the official page.
    pub docs_url: Option<String>,
    /// Object or enumeration.
    pub shape: Shape,
    /// Used in a request: needs `Serialize`.
    pub sent: bool,
    /// Used in a response: needs `Deserialize` and `Lenient`.
    pub received: bool,
    /// For a keyed list result: the records field, to implement `IntoRecords`.
    pub records_of: Option<(String, TypeRef)>,
}

/// What a named type is.
#[derive(Debug)]
pub enum Shape {
    /// An object with known fields; unknown keys (user fields) are kept in `extra`.
    Object(Vec<FieldModel>),
    /// An open enumeration: (wire value, variant name); unknown values survive.
    Enum(Vec<(String, String)>),
}

/// A field of an object or a parameter of a method.
#[derive(Debug, Clone)]
pub struct FieldModel {
    /// The wire name.
    pub wire: String,
    /// The key a request carries it under: the wire name, unless its type's
    /// `sent_names` says otherwise.
    pub sent: String,
    /// The Rust name.
    pub name: FieldName,
    /// The type.
    pub ty: TypeRef,
    /// The type expression as the spec writes it (`user`, `Deal[]`), for docs.
    pub spec_type: String,
    /// Not optional.
    pub required: bool,
    /// Sent by the server only.
    pub read_only: bool,
    /// `Some(replacement)` when deprecated.
    pub deprecated: Option<Option<String>>,
    /// Extra doc comment lines (the spec's `doc`).
    pub doc: Vec<String>,
    /// For a method parameter of a record type: the record's fields (wire names) the
    /// method requires (`Method::REQUIRED`), checked to be the record's writable fields.
    pub requires: Vec<String>,
}

/// A resolved type expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A wire primitive.
    Builtin(Builtin),
    /// A named type: (scope, module, name).
    Named {
        /// Scope of the defining spec.
        scope: String,
        /// Module of the defining spec.
        module: String,
        /// Type name.
        name: String,
    },
    /// `T[]`
    List(Box<TypeRef>),
    /// `map<T>`: object keyed by text.
    Map(Box<TypeRef>),
    /// A list's checked `select`, `order` or `filter` over a field enum (a `Named` one
    /// of [`Module::field_enums`]); the generator decides it, no spec writes it.
    Query(QueryParam, Box<TypeRef>),
}

/// Which checked list parameter a [`TypeRef::Query`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryParam {
    /// `select`: `query::Select<F>`.
    Select,
    /// `order`: `query::Order<F>`.
    Order,
    /// `filter`: `query::Filter<F>`.
    Filter,
}

impl QueryParam {
    /// The part a list parameter named `wire` plays, whatever its case: `select`,
    /// `order` or `sort` (`entity.item.get`'s `SORT`), `filter`.
    pub fn of(wire: &str) -> Option<QueryParam> {
        match wire.to_ascii_lowercase().as_str() {
            "select" => Some(QueryParam::Select),
            "order" | "sort" => Some(QueryParam::Order),
            "filter" => Some(QueryParam::Filter),
            _ => None,
        }
    }

    /// The name the transport sends the parameter by unless told otherwise.
    pub fn default_wire(self) -> &'static str {
        match self {
            QueryParam::Select => "select",
            QueryParam::Order => "order",
            QueryParam::Filter => "filter",
        }
    }
}

/// The wire primitives a spec can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Builtin {
    /// `string`, `text`
    String,
    /// `integer`
    Integer,
    /// `id`, `user`: identifiers
    Id,
    /// `double`
    Double,
    /// `decimal`: money and exact decimals
    Decimal,
    /// `char`: `Y`/`N`
    Char,
    /// `boolean`: JSON `true`/`false`
    Boolean,
    /// `date`
    Date,
    /// `datetime`: with the portal's offset
    DateTime,
    /// `timestamp`: Unix seconds
    Timestamp,
    /// `file`: upload shape in requests, file description in responses
    File,
    /// `crm_multifield`: one PHONE/EMAIL/WEB/IM entry
    Multifield,
    /// `localized`: one text for every language, or a text per language (docs
    /// `string|lang_map`)
    Localized,
    /// `raw`: any JSON, the escape hatch
    Raw,
    /// `none`: a result that carries no data (documented `null` or `[]`); results only
    Nothing,
}

/// Spec names of the builtins, as the spec writes them.
pub const BUILTINS: &[(&str, Builtin)] = &[
    ("string", Builtin::String),
    ("text", Builtin::String),
    ("integer", Builtin::Integer),
    ("id", Builtin::Id),
    ("user", Builtin::Id),
    ("double", Builtin::Double),
    ("decimal", Builtin::Decimal),
    ("char", Builtin::Char),
    ("boolean", Builtin::Boolean),
    ("date", Builtin::Date),
    ("datetime", Builtin::DateTime),
    ("timestamp", Builtin::Timestamp),
    ("file", Builtin::File),
    ("crm_multifield", Builtin::Multifield),
    ("localized", Builtin::Localized),
    ("raw", Builtin::Raw),
    ("none", Builtin::Nothing),
];

/// How a call changes the portal (spec `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `read`
    Read,
    /// `idempotent`
    Idempotent,
    /// `write`
    Write,
}

/// REST generation (spec `api`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `classic`
    Classic,
    /// `v3`
    V3,
}

/// One REST method.
#[derive(Debug)]
pub struct MethodModel {
    /// REST name (`crm.deal.add`).
    pub name: String,
    /// Request type name (`CrmDealAdd`).
    pub type_name: String,
    /// Scope.
    pub scope: String,
    /// Retry-relevant kind.
    pub kind: Kind,
    /// REST generation.
    pub api: Api,
    /// Link to the official page.
    pub docs_url: Option<String>,
    /// `Some(replacement)` when deprecated.
    pub deprecated: Option<Option<String>>,
    /// Parameters in spec order.
    pub params: Vec<FieldModel>,
    /// The type `result` decodes into.
    pub response: TypeRef,
    /// Pagination, for list methods.
    pub list: Option<ListModel>,
}

/// Pagination facts of a list method.
#[derive(Debug)]
pub struct ListModel {
    /// One record.
    pub record: TypeRef,
    /// The key records sit under, if not the result itself.
    pub key: Option<String>,
    /// The record's ID field on the wire.
    pub id_field: String,
    /// The ID's name in `filter`, `order` and `select`, when not `id_field`.
    pub id_param: Option<String>,
    /// Whether the fast path applies.
    pub fast_path: bool,
    /// Whether the fast path must count pages (`start=0`).
    pub counted: bool,
    /// The parameters the fast path writes whose names are not the lowercase ones
    /// (`entity.item.get`: `FILTER`, `SORT`).
    pub param_names: Vec<(QueryParam, String)>,
    /// The parameter naming the one field to sort by, when the order is a direction.
    pub sort_param: Option<String>,
}
