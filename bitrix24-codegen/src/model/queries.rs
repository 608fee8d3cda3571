//! Checked list parameters: every list whose records are a named object type gets a
//! field enum for that type, and its `select`, `order` and `filter` take those fields:
//! when the spec gives them the generic types (`string[]`, `map<string>`, `map<raw>`), or
//! an object type, which is how the importer reads a page that lists the fields these
//! parameters accept (`filter: CrmContactListFilter`); that object's field names join
//! the enum's, after the record's own.
//!
//! Decided here rather than per spec, so a list the importer newly types gets the
//! checked parameters without further work. The names a list filters by are its records'
//! wire names, except where the list says its ID goes by another name in those
//! parameters (`id_param`): when that is the record's ID in upper case (`tasks.task.list`
//! returns `id`, `responsibleId` and filters by `ID`, `RESPONSIBLE_ID`), every name is
//! upper-cased the same way; any other `id_param` leaves the parameters unchecked, since
//! nothing says how the other names map. REST 3.0 lists are left alone: their filter is
//! a list of `[field, operator, value]` conditions, another shape.

use std::collections::{BTreeMap, BTreeSet};

use super::items::{
    Api, Builtin, FieldEnumModel, FieldModel, ListModel, Model, QueryParam, Shape, TypeModel,
    TypeRef,
};
use crate::naming;

/// How a list names its records' fields in `select`, `order` and `filter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Names {
    /// As the records carry them.
    Wire,
    /// Upper snake case of the records' camelCase names.
    Upper,
}

/// A record type and how its fields are named: one field enum each.
type EnumKey = (String, String, String, Names);

/// Give list methods with typed records their field enums and checked parameters.
pub(super) fn check_list_queries(model: &mut Model) {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut objects: BTreeSet<String> = BTreeSet::new();
    let mut records: BTreeMap<&str, (&str, &str, &TypeModel)> = BTreeMap::new();
    for scope in model.scopes.values() {
        for module in scope.modules.values() {
            for ty in &module.types {
                taken.insert(ty.name.clone());
                if matches!(ty.shape, Shape::Object(_)) {
                    objects.insert(ty.name.clone());
                }
                records.insert(&ty.name, (&scope.name, &module.name, ty));
            }
            taken.extend(module.methods.iter().map(|m| m.type_name.clone()));
        }
    }

    // Which enum each list uses, and the enums in a fixed order (hence fixed names).
    let mut uses: Vec<(String, String, usize, EnumKey)> = Vec::new();
    let mut wanted: BTreeMap<EnumKey, Vec<String>> = BTreeMap::new();
    for scope in model.scopes.values() {
        for module in scope.modules.values() {
            for (i, method) in module.methods.iter().enumerate() {
                // REST 3.0 filters are lists of `[field, operator, value]`, not keys.
                if method.api != Api::Classic {
                    continue;
                }
                let Some(list) = &method.list else { continue };
                let TypeRef::Named { name, .. } = &list.record else {
                    continue;
                };
                let Some(&(rscope, rmodule, record)) = records.get(name.as_str()) else {
                    continue;
                };
                let Shape::Object(fields) = &record.shape else {
                    continue;
                };
                let Some(names) = names_of(list) else {
                    continue;
                };
                if fields.is_empty() {
                    continue;
                }
                let key = (rscope.into(), rmodule.into(), name.clone(), names);
                let wires = wanted.entry(key.clone()).or_insert_with(|| {
                    fields
                        .iter()
                        .map(|f| match names {
                            Names::Wire => f.wire.clone(),
                            Names::Upper => naming::upper_wire_name(&f.wire),
                        })
                        .collect()
                });
                // The names a parameter's own object type lists are already as the
                // parameter writes them.
                for param in &method.params {
                    if let Some(fields) = param_object(&param.wire, &param.ty, &records) {
                        wires.extend(fields.iter().map(|f| f.wire.clone()));
                    }
                }
                uses.push((scope.name.clone(), module.name.clone(), i, key));
            }
        }
    }

    let mut enum_names: BTreeMap<EnumKey, String> = BTreeMap::new();
    for (key, wires) in wanted {
        let variants = variants(wires.into_iter());
        let base = naming::field_enum_name(&key.2);
        let name = [base.clone(), format!("{base}Name")]
            .into_iter()
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(|name| !taken.contains(name))
            .unwrap_or(base);
        taken.insert(name.clone());
        enum_names.insert(key.clone(), name.clone());
        let module = model
            .scopes
            .get_mut(&key.0)
            .and_then(|scope| scope.modules.get_mut(&key.1));
        if let Some(module) = module {
            module.field_enums.push(FieldEnumModel {
                name,
                record: key.2.clone(),
                variants,
            });
        }
    }
    for scope in model.scopes.values_mut() {
        for module in scope.modules.values_mut() {
            module.field_enums.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    for (scope, module, i, key) in uses {
        let fields = TypeRef::Named {
            scope: key.0.clone(),
            module: key.1.clone(),
            name: enum_names[&key].clone(),
        };
        let Some(method) = model
            .scopes
            .get_mut(&scope)
            .and_then(|scope| scope.modules.get_mut(&module))
            .and_then(|module| module.methods.get_mut(i))
        else {
            continue;
        };
        for param in &mut method.params {
            if let Some(kind) = query_param(&param.wire, &param.ty, &objects) {
                param.ty = TypeRef::Query(kind, Box::new(fields.clone()));
            }
        }
    }
}

/// How `list` names its records' fields, `None` when nothing says.
fn names_of(list: &ListModel) -> Option<Names> {
    match &list.id_param {
        None => Some(Names::Wire),
        Some(param) if *param == list.id_field => Some(Names::Wire),
        Some(param) if *param == naming::upper_wire_name(&list.id_field) => Some(Names::Upper),
        Some(_) => None,
    }
}

/// The variants for `wires`: each wire name once, a variant name clashing with an earlier
/// one numbered (`ID` and `Id` would both be `Id`).
fn variants(wires: impl Iterator<Item = String>) -> Vec<(String, String)> {
    let mut seen_wires = BTreeSet::new();
    let mut seen_names = BTreeSet::new();
    let mut out = Vec::new();
    for wire in wires {
        if !seen_wires.insert(wire.clone()) {
            continue;
        }
        let base = naming::field_variant_name(&wire);
        let mut name = base.clone();
        let mut n = 2;
        while !seen_names.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push((wire, name));
    }
    out
}

/// The checked parameter a list's parameter becomes: one of the generic spec types, or
/// an object type (see the module doc); anything else (`user.get`'s `order` is a
/// direction) stays as it is.
fn query_param(wire: &str, ty: &TypeRef, objects: &BTreeSet<String>) -> Option<QueryParam> {
    let kind = QueryParam::of(wire)?;
    let generic = match kind {
        QueryParam::Select => TypeRef::List(Box::new(TypeRef::Builtin(Builtin::String))),
        QueryParam::Order => TypeRef::Map(Box::new(TypeRef::Builtin(Builtin::String))),
        QueryParam::Filter => TypeRef::Map(Box::new(TypeRef::Builtin(Builtin::Raw))),
    };
    let object = matches!(ty, TypeRef::Named { name, .. } if objects.contains(name));
    (*ty == generic || object).then_some(kind)
}

/// The fields of a `select`, `order` or `filter` typed as an object.
fn param_object<'a>(
    wire: &str,
    ty: &TypeRef,
    types: &BTreeMap<&str, (&str, &str, &'a TypeModel)>,
) -> Option<&'a [FieldModel]> {
    QueryParam::of(wire)?;
    let TypeRef::Named { name, .. } = ty else {
        return None;
    };
    match &types.get(name.as_str())?.2.shape {
        Shape::Object(fields) => Some(fields),
        Shape::Enum(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::build_loaded;
    use super::super::items::{Model, QueryParam, TypeRef};
    use crate::load::load_texts;

    fn model(spec: &str) -> Model {
        let files = BTreeMap::from([("crm/things.yaml".to_owned(), spec.to_owned())]);
        build_loaded(load_texts(&files)).unwrap()
    }

    /// The type of `method`'s parameter `param` as (checked kind, enum name), or `None`.
    fn checked(model: &Model, method: &str, param: &str) -> Option<(QueryParam, String)> {
        let module = &model.scopes["crm"].modules["things"];
        let method = module.methods.iter().find(|m| m.name == method).unwrap();
        let param = method.params.iter().find(|p| p.wire == param).unwrap();
        match &param.ty {
            TypeRef::Query(kind, fields) => match &**fields {
                TypeRef::Named { name, .. } => Some((*kind, name.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    fn variants(model: &Model, name: &str) -> Vec<(String, String)> {
        let module = &model.scopes["crm"].modules["things"];
        let fields = module.field_enums.iter().find(|e| e.name == name).unwrap();
        fields.variants.clone()
    }

    const SPEC: &str = r#"
scope: crm
types:
  Thing:
    fields:
      ID: { type: id, read_only: true }
      STAGE_ID: string
  ThingFilter:
    fields:
      ID: integer
      stageId: string
      SEARCH_CONTENT: string
  Other:
    fields:
      id: id
      responsibleId: id
  ThingField:
    fields:
      X: string
methods:
  crm.thing.list:
    kind: read
    params:
      select: "string[]"
      filter: ThingFilter
      order: map<string>
      start: integer
    result: { type: "Thing[]", list: { fast_path: true } }
  crm.thing.search:
    kind: read
    params:
      filter: map<raw>
      order: string
      start: integer
    result: { type: "Thing[]", list: {} }
  crm.other.list:
    kind: read
    params:
      filter: map<raw>
      start: integer
    result: { type: "Other[]", list: { id_field: id, id_param: ID } }
  crm.other.search:
    kind: read
    params:
      filter: map<raw>
      start: integer
    result: { type: "Other[]", list: { id_field: id, id_param: THING_ID } }
  crm.thing.tail:
    kind: read
    api: v3
    params:
      filter: map<raw>
      start: integer
    result: { type: "Thing[]", list: {} }
  crm.thing.get:
    kind: read
    params:
      filter: map<raw>
    result: "Thing[]"
"#;

    #[test]
    fn lists_with_typed_records_take_their_records_field_enum() {
        let model = model(SPEC);
        // `ThingField` is a spec type already: the enum takes the next free name.
        let thing = "ThingFieldName".to_owned();
        assert_eq!(
            checked(&model, "crm.thing.list", "select"),
            Some((QueryParam::Select, thing.clone()))
        );
        assert_eq!(
            checked(&model, "crm.thing.list", "order"),
            Some((QueryParam::Order, thing.clone()))
        );
        // An object-typed filter lists filterable names; they join the record's own.
        assert_eq!(
            checked(&model, "crm.thing.list", "filter"),
            Some((QueryParam::Filter, thing.clone()))
        );
        let names: Vec<(&str, &str)> = vec![
            ("ID", "Id"),
            ("STAGE_ID", "StageId"),
            ("stageId", "StageId2"),
            ("SEARCH_CONTENT", "SearchContent"),
        ];
        let got = variants(&model, &thing);
        let got: Vec<(&str, &str)> = got.iter().map(|(w, v)| (w.as_str(), v.as_str())).collect();
        assert_eq!(got, names);
        // Shared by the second list of the same records; its `order` is a direction.
        assert_eq!(
            checked(&model, "crm.thing.search", "filter"),
            Some((QueryParam::Filter, thing))
        );
        assert_eq!(checked(&model, "crm.thing.search", "order"), None);
        // Not a list: nothing is said about its records' names.
        assert_eq!(checked(&model, "crm.thing.get", "filter"), None);
        // REST 3.0: conditions are triples, not prefixed keys.
        assert_eq!(checked(&model, "crm.thing.tail", "filter"), None);
    }

    #[test]
    fn an_upper_case_id_param_upper_cases_every_name_and_another_leaves_them() {
        let model = model(SPEC);
        assert_eq!(
            checked(&model, "crm.other.list", "filter"),
            Some((QueryParam::Filter, "OtherField".to_owned()))
        );
        assert_eq!(
            variants(&model, "OtherField"),
            [
                ("ID".to_owned(), "Id".to_owned()),
                ("RESPONSIBLE_ID".to_owned(), "ResponsibleId".to_owned())
            ]
        );
        assert_eq!(checked(&model, "crm.other.search", "filter"), None);
        let module = &model.scopes["crm"].modules["things"];
        let enums: Vec<&str> = module.field_enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(enums, ["OtherField", "ThingFieldName"]);
    }
}
