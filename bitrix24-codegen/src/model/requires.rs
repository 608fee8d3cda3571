//! `requires` on a method parameter: the fields of its record the method requires.
//!
//! An entity's record is shared by its reads and writes, so every field of it is optional
//! in Rust; the write's own page still requires some (`crm.quote.add`: `TITLE`). The spec
//! says so on the parameter (`fields: { type: Quote, requires: [TITLE] }`), and the
//! generated method lists the paths in `Method::REQUIRED`, which the client checks
//! before sending. Checked here, once every type is built: each name is a field of the
//! parameter's record that a request carries (not read-only); `requires` anywhere else
//! (a type's field) is an error.

use crate::diagnostics::{SpecErrors, suggestion};
use crate::load::LoadedSpec;
use crate::naming;
use crate::spec::{FieldDef, Text};

use super::items::{FieldModel, Model, Shape, TypeRef};
use indexmap::IndexMap;
use marked_yaml::Spanned;

/// Reports every `requires` that names no writable field of its parameter's record, or
/// that is not on a method parameter.
pub(super) fn check_requires(model: &Model, specs: &[LoadedSpec], errors: &mut SpecErrors) {
    for file in specs {
        for (type_name, def) in &file.spec.types {
            let fields = def.fields.iter().flatten();
            for (wire, field) in fields {
                if let Some(first) = field.requires.first() {
                    errors.push(
                        &file.path,
                        first.span(),
                        format!(
                            "types.{}.fields.{}.requires",
                            type_name.as_str(),
                            wire.as_str()
                        ),
                        "`requires` belongs on a method's parameter of a record type".into(),
                    );
                }
            }
        }
        let module_name = naming::spec_module_name(&file.relative);
        let Some(module) = model
            .scopes
            .get(file.spec.scope.as_str())
            .and_then(|scope| scope.modules.get(&module_name))
        else {
            continue;
        };
        for (method_name, def) in &file.spec.methods {
            let Some(method) = module
                .methods
                .iter()
                .find(|method| method.name == method_name.as_str())
            else {
                continue;
            };
            for (wire, param) in with_requires(&def.params) {
                let key = format!("methods.{}.params.{}.requires", method_name.as_str(), wire);
                let record = method
                    .params
                    .iter()
                    .find(|p| p.wire == wire)
                    .and_then(|p| record_fields(model, &p.ty));
                let Some((record, fields)) = record else {
                    errors.push(
                        &file.path,
                        param.requires[0].span(),
                        key,
                        format!(
                            "`requires` names fields of a record; `{wire}` is `{}`, no record type",
                            param.ty.as_str()
                        ),
                    );
                    continue;
                };
                for name in &param.requires {
                    let message = match fields.iter().find(|(field, _)| field == name.as_str()) {
                        Some((_, false)) => continue,
                        Some((_, true)) => format!(
                            "`{}` is a read-only field of `{record}`: no request carries it",
                            name.as_str()
                        ),
                        None => {
                            let writable = fields
                                .iter()
                                .filter(|(_, read_only)| !read_only)
                                .map(|(field, _)| field.as_str());
                            format!(
                                "`{}` is no field of `{record}`{}",
                                name.as_str(),
                                suggestion(name.as_str(), writable)
                            )
                        }
                    };
                    errors.push(&file.path, name.span(), key.clone(), message);
                }
            }
        }
    }
}

/// Spells each `requires` name as requests carry it (`Method::REQUIRED` checks the JSON
/// sent): `responsibleId` of a record with `sent_names: upper_snake` is `RESPONSIBLE_ID`.
pub(super) fn send_requires(model: &mut Model) {
    let mut renamed = Vec::new();
    for (scope, module, method, param) in params_with_requires(model) {
        let sent =
            |name: &String| sent_name(model, &param.ty, name).unwrap_or_else(|| name.clone());
        let names: Vec<String> = param.requires.iter().map(sent).collect();
        renamed.push((scope, module, method, param.wire.clone(), names));
    }
    for (scope, module, method, wire, names) in renamed {
        let param = model
            .scopes
            .get_mut(&scope)
            .and_then(|scope| scope.modules.get_mut(&module))
            .and_then(|module| module.methods.iter_mut().find(|m| m.name == method))
            .and_then(|method| method.params.iter_mut().find(|p| p.wire == wire));
        if let Some(param) = param {
            param.requires = names;
        }
    }
}

/// Every method parameter with `requires`, with its scope, module and method names.
fn params_with_requires(
    model: &Model,
) -> impl Iterator<Item = (String, String, String, &FieldModel)> {
    model.scopes.iter().flat_map(|(scope, s)| {
        s.modules.iter().flat_map(move |(module, m)| {
            m.methods.iter().flat_map(move |method| {
                method
                    .params
                    .iter()
                    .filter(|param| !param.requires.is_empty())
                    .map(move |param| (scope.clone(), module.clone(), method.name.clone(), param))
            })
        })
    })
}

/// The key requests carry a record's field `wire` under.
fn sent_name(model: &Model, ty: &TypeRef, wire: &str) -> Option<String> {
    let fields = record(model, ty)?.1;
    fields
        .iter()
        .find(|field| field.wire == wire)
        .map(|field| field.sent.clone())
}

/// The parameters that say what of their record the method requires.
fn with_requires(
    params: &IndexMap<Text, Spanned<FieldDef>>,
) -> impl Iterator<Item = (&str, &FieldDef)> {
    params
        .iter()
        .filter(|(_, param)| !param.requires.is_empty())
        .map(|(wire, param)| (wire.as_str(), &**param))
}

/// A named object type's name and its fields' wire names, each with whether it is
/// read-only.
fn record_fields<'m>(model: &'m Model, ty: &TypeRef) -> Option<(&'m str, Vec<(String, bool)>)> {
    let (name, fields) = record(model, ty)?;
    let fields = fields
        .iter()
        .map(|field| (field.wire.clone(), field.read_only))
        .collect();
    Some((name, fields))
}

/// A named object type's name and fields.
fn record<'m>(model: &'m Model, ty: &TypeRef) -> Option<(&'m str, &'m [FieldModel])> {
    let TypeRef::Named {
        scope,
        module,
        name,
    } = ty
    else {
        return None;
    };
    let found = model
        .scopes
        .get(scope)?
        .modules
        .get(module)?
        .types
        .iter()
        .find(|ty| &ty.name == name)?;
    let Shape::Object(fields) = &found.shape else {
        return None;
    };
    Some((found.name.as_str(), fields))
}
