//! From specs to the model: names resolved, rules checked, order fixed.
//!
//! The model is what the emitter needs and nothing else: Rust names chosen
//! ([`crate::naming`]), type expressions resolved to [`TypeRef`]s, every named type
//! told whether it is sent (needs `Serialize`) and/or received (needs `Deserialize`).
//! Scopes and modules sit in `BTreeMap`s so output order never depends on input order.

use std::collections::{BTreeMap, BTreeSet};

use marked_yaml::{Span, Spanned};

use crate::diagnostics::{SpecErrors, suggestion};
use crate::load::LoadedSpec;
use crate::naming::{self, FieldName};
use crate::spec::{Deprecation, EventDef, FieldDef, MethodDef, SpecFile, Text, TypeDef};

/// The scope whose types every other scope may use; it has no cargo feature.
pub const COMMON_SCOPE: &str = "common";

/// Names generated code uses unqualified; a spec type must not shadow them.
const PRELUDE_NAMES: &[&str] = &[
    "Option", "Some", "None", "String", "Vec", "Result", "Ok", "Err", "Box",
];

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
    /// The Rust name.
    pub name: FieldName,
    /// The type.
    pub ty: TypeRef,
    /// Not optional.
    pub required: bool,
    /// Sent by the server only.
    pub read_only: bool,
    /// `Some(replacement)` when deprecated.
    pub deprecated: Option<Option<String>>,
    /// Extra doc comment lines (the spec's `doc`).
    pub doc: Vec<String>,
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
    /// `raw`: any JSON, the escape hatch
    Raw,
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
    ("raw", Builtin::Raw),
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
}

/// Where a named type is defined.
struct TypeSite<'a> {
    scope: String,
    module: String,
    file: &'a LoadedSpec,
}

/// Build the model from loaded specs; every problem is reported, not only the first.
pub fn build(specs: &[LoadedSpec]) -> Result<Model, SpecErrors> {
    let mut errors = SpecErrors::default();
    let mut sites: BTreeMap<String, TypeSite<'_>> = BTreeMap::new();
    let mut module_sources: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut method_sources: BTreeMap<(&str, bool), &str> = BTreeMap::new();
    let mut event_sources: BTreeMap<&str, &str> = BTreeMap::new();
    let mut event_of_type: BTreeMap<&str, &str> = BTreeMap::new();

    // Pass 1: scopes, modules and the global namespace of type and method names.
    for file in specs {
        let scope = file.spec.scope.as_str();
        let valid_scope = !scope.is_empty()
            && scope.starts_with(|c: char| c.is_ascii_lowercase())
            && scope
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_scope {
            errors.push(
                &file.path,
                file.spec.scope.span(),
                "scope".into(),
                format!("scope `{scope}` must be lowercase letters, digits and `_` (it becomes a cargo feature)"),
            );
        }
        let stem = file
            .relative
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".yaml");
        let module = naming::module_name(stem);
        if let Some(other) =
            module_sources.insert((scope.to_owned(), module.clone()), &file.relative)
        {
            errors.push(
                &file.path,
                &Span::new_blank(),
                String::new(),
                format!(
                    "module `{scope}::{module}` is also generated from `{other}`; rename one file"
                ),
            );
        }
        for name in file.spec.types.keys() {
            if let Some(previous) = sites.get(name.as_str()) {
                errors.push(
                    &file.path,
                    name.span(),
                    format!("types.{}", name.as_str()),
                    format!(
                        "type `{}` is already defined in `{}`",
                        name.as_str(),
                        previous.file.relative
                    ),
                );
                continue;
            }
            sites.insert(
                name.as_str().to_owned(),
                TypeSite {
                    scope: scope.to_owned(),
                    module: module.clone(),
                    file,
                },
            );
        }
        for (name, def) in &file.spec.methods {
            // A method may be documented in both API generations: the pair is one name
            // with two `api` values, and only a second spec of the same pair is an error.
            let is_v3 = def.api.as_ref().is_some_and(|api| api.as_str() == "v3");
            if let Some(previous) = method_sources.insert((name.as_str(), is_v3), &file.relative) {
                errors.push(
                    &file.path,
                    name.span(),
                    format!("methods.{}", name.as_str()),
                    format!(
                        "method `{}` is already specified in `{previous}`",
                        name.as_str()
                    ),
                );
            }
        }
        for code in file.spec.events.keys() {
            if let Some(previous) = event_sources.insert(code.as_str(), &file.relative) {
                errors.push(
                    &file.path,
                    code.span(),
                    format!("events.{}", code.as_str()),
                    format!(
                        "event `{}` is already specified in `{previous}`",
                        code.as_str()
                    ),
                );
            }
        }
    }

    let known_names: Vec<&str> = BUILTINS
        .iter()
        .map(|(name, _)| *name)
        .chain(sites.keys().map(String::as_str))
        .collect();
    let resolver = Resolver {
        sites: &sites,
        known: &known_names,
        v3_twins: method_sources
            .keys()
            .filter(|(name, is_v3)| *is_v3 && method_sources.contains_key(&(*name, false)))
            .map(|(name, _)| (*name).to_owned())
            .collect(),
    };

    // Pass 2: types and methods.
    let mut model = Model::default();
    for file in specs {
        let scope_name = file.spec.scope.as_str().to_owned();
        let stem = file
            .relative
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".yaml");
        let module_name = naming::module_name(stem);
        let mut module = Module {
            name: module_name.clone(),
            source: file.relative.clone(),
            types: Vec::new(),
            methods: Vec::new(),
            events: Vec::new(),
        };
        for (name, def) in &file.spec.types {
            let key = format!("types.{}", name.as_str());
            if let Some(ty) = build_type(&resolver, file, &scope_name, name, def, &key, &mut errors)
            {
                module.types.push(ty);
            }
        }
        for (name, def) in &file.spec.methods {
            let key = format!("methods.{}", name.as_str());
            if let Some((method, extra)) = build_method(
                &resolver,
                file,
                &scope_name,
                &module_name,
                name,
                def,
                &key,
                &mut errors,
            ) {
                module.types.extend(extra);
                module.methods.push(method);
            }
        }
        for (code, def) in &file.spec.events {
            if let Some(event) = build_event(
                file,
                &scope_name,
                code,
                def,
                &sites,
                &mut event_of_type,
                &mut errors,
            ) {
                module.events.push(event);
            }
        }
        let scope = model.scopes.entry(scope_name.clone()).or_default();
        scope.name = scope_name;
        scope.modules.insert(module_name, module);
    }

    check_namespaces(&model, specs, &mut errors);
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    mark_directions(&mut model);
    for scope in model.scopes.values_mut() {
        for module in scope.modules.values_mut() {
            module.types.sort_by(|a, b| a.name.cmp(&b.name));
            module.methods.sort_by(|a, b| a.name.cmp(&b.name));
            module.events.sort_by(|a, b| a.code.cmp(&b.code));
        }
    }
    Ok(model)
}

/// Resolves type expressions against builtins and the named types of all specs.
struct Resolver<'a> {
    sites: &'a BTreeMap<String, TypeSite<'a>>,
    known: &'a [&'a str],
    /// REST 3.0 methods that share their name with a classic method.
    v3_twins: BTreeSet<String>,
}

impl Resolver<'_> {
    /// Parse and resolve `expr` (`Deal`, `id[]`, `map<FieldDescription>`).
    fn resolve(&self, expr: &str, from_scope: &str) -> Result<TypeRef, String> {
        let expr = expr.trim();
        if let Some(inner) = expr.strip_suffix("[]") {
            return Ok(TypeRef::List(Box::new(self.resolve(inner, from_scope)?)));
        }
        if let Some(inner) = expr
            .strip_prefix("map<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return Ok(TypeRef::Map(Box::new(self.resolve(inner, from_scope)?)));
        }
        if let Some((_, builtin)) = BUILTINS.iter().find(|(name, _)| *name == expr) {
            return Ok(TypeRef::Builtin(*builtin));
        }
        if let Some(site) = self.sites.get(expr) {
            if site.scope != from_scope && site.scope != COMMON_SCOPE {
                return Err(format!(
                    "type `{expr}` belongs to scope `{}` and cannot be used from scope `{from_scope}`; \
                     move it to a spec with `scope: {COMMON_SCOPE}`",
                    site.scope
                ));
            }
            return Ok(TypeRef::Named {
                scope: site.scope.clone(),
                module: site.module.clone(),
                name: expr.to_owned(),
            });
        }
        if expr.is_empty() {
            return Err("the type is empty".to_owned());
        }
        Err(format!(
            "unknown type `{expr}`{}",
            suggestion(expr, self.known.iter().copied())
        ))
    }
}

fn span_of_type(field: &Spanned<FieldDef>) -> Span {
    // A shorthand (`TITLE: string`) has no span of its own; it starts where the field does.
    if field.ty.span().start().is_some() {
        *field.ty.span()
    } else {
        *field.span()
    }
}

fn deprecation(dep: &Option<Deprecation>) -> Option<Option<String>> {
    dep.as_ref()
        .map(|d| d.replacement.as_ref().map(|r| r.as_str().to_owned()))
}

fn docs_url(
    file: &LoadedSpec,
    docs: &Option<Text>,
    key: &str,
    errors: &mut SpecErrors,
) -> Option<String> {
    let docs = docs.as_ref()?;
    let (page, anchor) = match docs.as_str().split_once('#') {
        Some((page, anchor)) => (page, Some(anchor)),
        None => (docs.as_str(), None),
    };
    let Some(stem) = page
        .strip_suffix(".md")
        .filter(|s| !s.is_empty() && !s.starts_with('/'))
    else {
        errors.push(
            &file.path,
            docs.span(),
            format!("{key}.docs"),
            format!(
                "`{}` must be a docs page path relative to the docs root, ending in `.md`",
                docs.as_str()
            ),
        );
        return None;
    };
    Some(match anchor {
        Some(anchor) => format!("{DOCS_BASE}{stem}.html#{anchor}"),
        None => format!("{DOCS_BASE}{stem}.html"),
    })
}

/// Resolve a field list (object fields or method params), checking name collisions.
fn build_fields(
    resolver: &Resolver<'_>,
    file: &LoadedSpec,
    scope: &str,
    fields: &indexmap::IndexMap<Text, Spanned<FieldDef>>,
    key: &str,
    errors: &mut SpecErrors,
) -> Vec<FieldModel> {
    let mut out = Vec::new();
    let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
    for (wire, field) in fields {
        let field_key = format!("{key}.{}", wire.as_str());
        if wire.as_str().is_empty() {
            errors.push(
                &file.path,
                wire.span(),
                field_key,
                "a field name cannot be empty".into(),
            );
            continue;
        }
        let name = naming::field_name(wire.as_str());
        if name.ident == "extra" {
            errors.push(
                &file.path,
                wire.span(),
                field_key.clone(),
                "`extra` is reserved for the map of unknown and user fields".into(),
            );
        }
        if let Some(other) = rust_names.insert(name.ident.clone(), wire.as_str()) {
            errors.push(
                &file.path,
                wire.span(),
                field_key.clone(),
                format!(
                    "`{}` and `{other}` both become the Rust field `{}`; rename one in the spec",
                    wire.as_str(),
                    name.ident
                ),
            );
        }
        match resolver.resolve(field.ty.as_str(), scope) {
            Ok(ty) => out.push(FieldModel {
                wire: wire.as_str().to_owned(),
                name,
                ty,
                required: field.required,
                read_only: field.read_only,
                deprecated: deprecation(&field.deprecated),
                doc: field
                    .doc
                    .as_ref()
                    .map(|doc| doc.as_str().lines().map(str::to_owned).collect())
                    .unwrap_or_default(),
            }),
            Err(message) => errors.push(
                &file.path,
                &span_of_type(field),
                format!("{field_key}.type"),
                message,
            ),
        }
    }
    out
}

fn build_type(
    resolver: &Resolver<'_>,
    file: &LoadedSpec,
    scope: &str,
    name: &Text,
    def: &TypeDef,
    key: &str,
    errors: &mut SpecErrors,
) -> Option<TypeModel> {
    if !naming::is_type_name(name.as_str()) {
        errors.push(
            &file.path,
            name.span(),
            key.to_owned(),
            format!(
                "type names are UpperCamelCase (`{}`)",
                heck::ToUpperCamelCase::to_upper_camel_case(name.as_str())
            ),
        );
    }
    if PRELUDE_NAMES.contains(&name.as_str()) {
        errors.push(
            &file.path,
            name.span(),
            key.to_owned(),
            format!(
                "`{}` would shadow a Rust prelude type the bindings use; choose another name",
                name.as_str()
            ),
        );
    }
    let docs_url = docs_url(file, &def.docs, key, errors);
    let shape = match (&def.fields, &def.values) {
        (Some(fields), None) => Shape::Object(build_fields(
            resolver,
            file,
            scope,
            fields,
            &format!("{key}.fields"),
            errors,
        )),
        (None, Some(values)) => {
            let mut variants = Vec::new();
            let mut seen = BTreeMap::new();
            for (wire, variant) in values {
                let value_key = format!("{key}.values.{}", wire.as_str());
                let snake = heck::ToSnakeCase::to_snake_case(variant.as_str());
                if variant.as_str().is_empty() || snake != variant.as_str() {
                    errors.push(
                        &file.path,
                        variant.span(),
                        value_key.clone(),
                        format!("variant names are snake_case (`{snake}`)"),
                    );
                }
                let rust = naming::variant_name(variant.as_str());
                if rust == "Unknown" {
                    errors.push(
                        &file.path,
                        variant.span(),
                        value_key.clone(),
                        "`unknown` is reserved for values the spec does not list".into(),
                    );
                }
                if let Some(other) = seen.insert(rust.clone(), wire.as_str()) {
                    errors.push(
                        &file.path,
                        variant.span(),
                        value_key,
                        format!(
                            "values `{other}` and `{}` both become the variant `{rust}`",
                            wire.as_str()
                        ),
                    );
                }
                variants.push((wire.as_str().to_owned(), rust));
            }
            if variants.is_empty() {
                errors.push(
                    &file.path,
                    name.span(),
                    key.to_owned(),
                    "an enumeration needs at least one value".into(),
                );
            }
            Shape::Enum(variants)
        }
        _ => {
            errors.push(
                &file.path,
                name.span(),
                key.to_owned(),
                "a type has either `fields` (an object) or `values` (an enumeration)".into(),
            );
            return None;
        }
    };
    Some(TypeModel {
        name: name.as_str().to_owned(),
        docs_url,
        shape,
        sent: false,
        received: false,
        records_of: None,
    })
}

fn valid_method_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn build_method(
    resolver: &Resolver<'_>,
    file: &LoadedSpec,
    scope: &str,
    module: &str,
    name: &Text,
    def: &MethodDef,
    key: &str,
    errors: &mut SpecErrors,
) -> Option<(MethodModel, Option<TypeModel>)> {
    let before = errors.0.len();
    if !valid_method_name(name.as_str()) {
        errors.push(
            &file.path,
            name.span(),
            key.to_owned(),
            "method names are dot-separated segments of letters, digits and `_` (`crm.deal.add`)"
                .into(),
        );
    }
    let kind = match def.kind.as_str() {
        "read" => Some(Kind::Read),
        "idempotent" => Some(Kind::Idempotent),
        "write" => Some(Kind::Write),
        other => {
            errors.push(
                &file.path,
                def.kind.span(),
                format!("{key}.kind"),
                format!(
                    "unknown kind `{other}`: expected `read`, `idempotent` or `write`{}",
                    suggestion(other, ["read", "idempotent", "write"])
                ),
            );
            None
        }
    };
    let api = match def.api.as_ref().map(|api| (api.as_str(), api.span())) {
        None | Some(("classic", _)) => Api::Classic,
        Some(("v3", _)) => Api::V3,
        Some((other, span)) => {
            errors.push(
                &file.path,
                span,
                format!("{key}.api"),
                format!("unknown api `{other}`: expected `classic` or `v3`"),
            );
            Api::Classic
        }
    };
    let docs_url = docs_url(file, &def.docs, key, errors);
    let params = build_fields(
        resolver,
        file,
        scope,
        &def.params,
        &format!("{key}.params"),
        errors,
    );
    let result_span = span_of_result(&def.result);
    let result_key = format!("{key}.result");
    let records = match resolver.resolve(def.result.ty.as_str(), scope) {
        Ok(ty) => Some(ty),
        Err(message) => {
            errors.push(
                &file.path,
                &result_span,
                format!("{result_key}.type"),
                message,
            );
            None
        }
    };
    let v3_twin = api == Api::V3 && resolver.v3_twins.contains(name.as_str());
    let type_name = naming::method_struct_name(name.as_str(), v3_twin);
    let mut extra_type = None;
    let mut list = None;
    let mut response = records.clone();
    if let (Some(list_def), Some(records)) = (&def.result.list, &records) {
        let record = match records {
            TypeRef::List(record) => Some((**record).clone()),
            _ => {
                errors.push(
                    &file.path,
                    &result_span,
                    format!("{result_key}.type"),
                    format!(
                        "a list method's result type is its records list (`{}[]`)",
                        def.result.ty.as_str()
                    ),
                );
                None
            }
        };
        let has_start = params.iter().any(|p| {
            p.wire == "start" && p.ty == TypeRef::Builtin(Builtin::Integer) && !p.required
        });
        if list_def.counted && !list_def.fast_path {
            errors.push(
                &file.path,
                &result_span,
                format!("{result_key}.list.counted"),
                "`counted` changes how the fast path pages; without `fast_path: true` pages are \
                 counted anyway: remove it or add `fast_path: true`"
                    .into(),
            );
        }
        if !has_start {
            errors.push(
                &file.path,
                name.span(),
                format!("{key}.params"),
                "a list method needs an optional `start: integer` parameter for pagination".into(),
            );
        }
        if let Some(record) = record {
            let key_name = list_def.key.as_ref().map(|k| k.as_str().to_owned());
            if let Some(records_key) = &key_name {
                let wrapper = naming::list_result_name(&type_name);
                let field = FieldModel {
                    wire: records_key.clone(),
                    name: naming::field_name(records_key),
                    ty: records.clone(),
                    required: false,
                    read_only: true,
                    deprecated: None,
                    doc: Vec::new(),
                };
                response = Some(TypeRef::Named {
                    scope: scope.to_owned(),
                    module: module.to_owned(),
                    name: wrapper.clone(),
                });
                extra_type = Some(TypeModel {
                    name: wrapper,
                    docs_url: docs_url.clone(),
                    records_of: Some((field.name.ident.clone(), record.clone())),
                    shape: Shape::Object(vec![field]),
                    sent: false,
                    received: true,
                });
            }
            list = Some(ListModel {
                record,
                key: key_name,
                id_field: list_def
                    .id_field
                    .as_ref()
                    .map_or_else(|| "ID".to_owned(), |id| id.as_str().to_owned()),
                id_param: list_def.id_param.as_ref().map(|id| id.as_str().to_owned()),
                fast_path: list_def.fast_path,
                counted: list_def.counted,
            });
        }
    }
    if errors.0.len() > before {
        return None;
    }
    Some((
        MethodModel {
            name: name.as_str().to_owned(),
            type_name,
            scope: scope.to_owned(),
            kind: kind?,
            api,
            docs_url,
            deprecated: deprecation(&def.deprecated),
            params,
            response: response?,
            list,
        },
        extra_type,
    ))
}

/// Event codes as Bitrix24 sends them: upper-case letters, digits and `_`, in
/// dot-separated segments (`ONCRMDEALADD`, `CATALOG.PRICE.ON.ADD`).
fn valid_event_code(code: &str) -> bool {
    code.starts_with(|c: char| c.is_ascii_uppercase())
        && code.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Check one event: its code, and that `data` names an object type of the same file
/// that no other event uses.
fn build_event<'a>(
    file: &'a LoadedSpec,
    scope: &str,
    code: &'a Text,
    def: &'a EventDef,
    sites: &BTreeMap<String, TypeSite<'_>>,
    event_of_type: &mut BTreeMap<&'a str, &'a str>,
    errors: &mut SpecErrors,
) -> Option<EventModel> {
    let before = errors.0.len();
    let key = format!("events.{}", code.as_str());
    if !valid_event_code(code.as_str()) {
        errors.push(
            &file.path,
            code.span(),
            key.clone(),
            format!(
                "event codes are upper-case letters, digits and `_`, in dot-separated segments (`{}`)",
                code.as_str().to_ascii_uppercase()
            ),
        );
    }
    let data = def.data.as_str();
    let data_key = format!("{key}.data");
    match file.spec.types.get(data) {
        None if sites.contains_key(data) => errors.push(
            &file.path,
            def.data.span(),
            data_key,
            format!(
                "`{data}` is defined in `{}`; an event's `data` is a named object type of the event's own file",
                sites[data].file.relative
            ),
        ),
        None => errors.push(
            &file.path,
            def.data.span(),
            data_key,
            format!(
                "unknown type `{data}`: an event's `data` is a named object type of this file{}",
                suggestion(data, object_types(&file.spec))
            ),
        ),
        Some(ty) if ty.fields.is_none() => errors.push(
            &file.path,
            def.data.span(),
            data_key,
            format!("`{data}` is an enumeration; an event's `data` is an object type (`fields`)"),
        ),
        Some(_) => {
            if let Some(other) = event_of_type.insert(data, code.as_str()) {
                errors.push(
                    &file.path,
                    def.data.span(),
                    data_key,
                    format!(
                        "`{data}` is already the data of event `{other}`; each event has a type of its own"
                    ),
                );
            }
        }
    }
    let docs_url = docs_url(file, &def.docs, &key, errors);
    if errors.0.len() > before {
        return None;
    }
    Some(EventModel {
        code: code.as_str().to_owned(),
        type_name: data.to_owned(),
        scope: scope.to_owned(),
        docs_url,
        deprecated: deprecation(&def.deprecated),
    })
}

/// The names of a file's object types, for suggestions.
fn object_types(spec: &SpecFile) -> impl Iterator<Item = &str> {
    spec.types
        .iter()
        .filter(|(_, def)| def.fields.is_some())
        .map(|(name, _)| name.as_str())
}

fn span_of_result(result: &Spanned<crate::spec::ResultDef>) -> Span {
    if result.ty.span().start().is_some() {
        *result.ty.span()
    } else {
        *result.span()
    }
}

/// Types and method request types share one flat namespace per scope (the scope module
/// re-exports every file's items), so a clash is a spec error, not a compile error.
fn check_namespaces(model: &Model, specs: &[LoadedSpec], errors: &mut SpecErrors) {
    for scope in model.scopes.values() {
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for module in scope.modules.values() {
            let items = module
                .types
                .iter()
                .map(|t| t.name.as_str())
                .chain(module.methods.iter().map(|m| m.type_name.as_str()));
            for item in items {
                if let Some(other) = names.insert(item, &module.source) {
                    let path = specs
                        .iter()
                        .find(|s| s.relative == module.source)
                        .map(|s| s.path.clone())
                        .unwrap_or_default();
                    errors.push(
                        &path,
                        &Span::new_blank(),
                        String::new(),
                        format!(
                            "the Rust name `{item}` is generated twice in scope `{}` (also from `{other}`)",
                            scope.name
                        ),
                    );
                }
            }
        }
    }
}

/// Mark every named type reachable from a request as sent and from a response as received.
fn mark_directions(model: &mut Model) {
    let mut sent = BTreeSet::new();
    let mut received = BTreeSet::new();
    let mut fields_of: BTreeMap<String, Vec<TypeRef>> = BTreeMap::new();
    let mut roots_sent = Vec::new();
    let mut roots_received = Vec::new();
    for scope in model.scopes.values() {
        for module in scope.modules.values() {
            for ty in &module.types {
                if let Shape::Object(fields) = &ty.shape {
                    fields_of.insert(
                        ty.name.clone(),
                        fields.iter().map(|f| f.ty.clone()).collect(),
                    );
                }
                if ty.received {
                    roots_received.push(ty.name.clone());
                }
            }
            for method in &module.methods {
                roots_sent.extend(method.params.iter().map(|p| p.ty.clone()));
                roots_received.extend(named_in(&method.response));
            }
            // An event's data arrives from the portal: it is read, leniently.
            roots_received.extend(module.events.iter().map(|e| e.type_name.clone()));
        }
    }
    let mut stack: Vec<String> = roots_sent.iter().flat_map(named_in).collect();
    while let Some(name) = stack.pop() {
        if sent.insert(name.clone()) {
            stack.extend(
                fields_of
                    .get(&name)
                    .into_iter()
                    .flatten()
                    .flat_map(named_in),
            );
        }
    }
    let mut stack = roots_received;
    while let Some(name) = stack.pop() {
        if received.insert(name.clone()) {
            stack.extend(
                fields_of
                    .get(&name)
                    .into_iter()
                    .flatten()
                    .flat_map(named_in),
            );
        }
    }
    for scope in model.scopes.values_mut() {
        for module in scope.modules.values_mut() {
            for ty in &mut module.types {
                ty.sent |= sent.contains(&ty.name);
                ty.received |= received.contains(&ty.name);
                // A type no method uses yet is still public API: give it both directions
                // rather than a struct with serde attributes and no serde derives.
                if !ty.sent && !ty.received {
                    ty.sent = true;
                    ty.received = true;
                }
            }
        }
    }
}

/// The named types a type expression mentions.
fn named_in(ty: &TypeRef) -> Vec<String> {
    match ty {
        TypeRef::Builtin(_) => Vec::new(),
        TypeRef::Named { name, .. } => vec![name.clone()],
        TypeRef::List(inner) | TypeRef::Map(inner) => named_in(inner),
    }
}
