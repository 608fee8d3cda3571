//! Methods: kind, API generation, parameters, result and list pagination checked.

use marked_yaml::{Span, Spanned};

use super::context::{FileContext, deprecation};
use super::items::{
    Api, Builtin, FieldModel, Kind, ListModel, MethodModel, QueryParam, Shape, TypeModel, TypeRef,
};
use super::objects::build_fields;
use crate::diagnostics::{SpecErrors, suggestion};
use crate::naming;
use crate::spec::{MethodDef, ResultDef, Text};

/// A method, and the result type the generator adds for a list keyed in `result`.
pub(super) fn build_method(
    ctx: &FileContext<'_>,
    name: &Text,
    def: &MethodDef,
    errors: &mut SpecErrors,
) -> Option<(MethodModel, Option<TypeModel>)> {
    let key = format!("methods.{}", name.as_str());
    let key = key.as_str();
    let before = errors.0.len();
    if !valid_method_name(name.as_str()) {
        errors.push(
            &ctx.file.path,
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
                &ctx.file.path,
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
                &ctx.file.path,
                span,
                format!("{key}.api"),
                format!("unknown api `{other}`: expected `classic` or `v3`"),
            );
            Api::Classic
        }
    };
    let docs_url = ctx.docs_url(&def.docs, key, errors);
    let params = build_fields(ctx, &def.params, &format!("{key}.params"), errors);
    let result_span = span_of_result(&def.result);
    let result_key = format!("{key}.result");
    let records = match ctx
        .resolver
        .resolve_result(def.result.ty.as_str(), ctx.scope)
    {
        Ok(ty) => Some(ty),
        Err(message) => {
            errors.push(
                &ctx.file.path,
                &result_span,
                format!("{result_key}.type"),
                message,
            );
            None
        }
    };
    let v3_twin = api == Api::V3 && ctx.resolver.names.v3_twins.contains(name.as_str());
    let type_name = naming::method_struct_name(name.as_str(), v3_twin);
    let mut extra_type = None;
    let mut list = None;
    let mut response = records.clone();
    if let (Some(list_def), Some(records)) = (&def.result.list, &records) {
        let record = match records {
            TypeRef::List(record) => Some((**record).clone()),
            _ => {
                errors.push(
                    &ctx.file.path,
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
                &ctx.file.path,
                &result_span,
                format!("{result_key}.list.counted"),
                "`counted` changes how the fast path pages; without `fast_path: true` pages are \
                 counted anyway: remove it or add `fast_path: true`"
                    .into(),
            );
        }
        if !has_start {
            errors.push(
                &ctx.file.path,
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
                    sent: records_key.clone(),
                    name: naming::field_name(records_key),
                    ty: records.clone(),
                    spec_type: def.result.ty.as_str().trim().to_owned(),
                    required: false,
                    read_only: true,
                    deprecated: None,
                    doc: Vec::new(),
                    requires: Vec::new(),
                };
                response = Some(TypeRef::Named {
                    scope: ctx.scope.to_owned(),
                    module: ctx.module.clone(),
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
                param_names: if list_def.fast_path {
                    fast_path_names(&params)
                } else {
                    Vec::new()
                },
                sort_param: list_def.sort_param.as_ref().and_then(|sort| {
                    let scalar = params.iter().any(|param| {
                        param.wire == sort.as_str() && matches!(param.ty, TypeRef::Builtin(_))
                    });
                    if !scalar {
                        errors.push(
                            &ctx.file.path,
                            sort.span(),
                            format!("{key}.result.list.sort_param"),
                            format!(
                                "`{}` is no parameter of the method naming a field (a scalar)",
                                sort.as_str()
                            ),
                        );
                    }
                    scalar.then(|| sort.as_str().to_owned())
                }),
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
            scope: ctx.scope.to_owned(),
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

fn valid_method_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn span_of_result(result: &Spanned<ResultDef>) -> Span {
    if result.ty.span().start().is_some() {
        *result.ty.span()
    } else {
        *result.span()
    }
}

/// The names a fast-path list takes its filter, order and select by, where they are not
/// the lowercase ones. An `order` that is a direction (`user.get`: `sort` names the field,
/// `order` the direction) is no order map and is left out.
fn fast_path_names(params: &[FieldModel]) -> Vec<(QueryParam, String)> {
    let mut names: Vec<(QueryParam, String)> = Vec::new();
    for param in params {
        let Some(kind) = QueryParam::of(&param.wire) else {
            continue;
        };
        // A scalar (a direction, a field name) plays none of these parts.
        let scalar = matches!(param.ty, TypeRef::Builtin(_));
        if scalar || names.iter().any(|(taken, _)| *taken == kind) {
            continue;
        }
        names.push((kind, param.wire.clone()));
    }
    names.retain(|(kind, wire)| wire != kind.default_wire());
    names
}
