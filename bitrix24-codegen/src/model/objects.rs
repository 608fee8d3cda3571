//! Named types and field lists: names checked, type expressions resolved.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use marked_yaml::{Span, Spanned};

use super::context::{FileContext, deprecation};
use super::items::{FieldModel, Shape, TypeModel};
use crate::diagnostics::SpecErrors;
use crate::emit::PRELUDE_TYPES;
use crate::naming;
use crate::spec::{FieldDef, Text, TypeDef};

/// Resolve a field list (object fields or method params), checking name collisions.
pub(super) fn build_fields(
    ctx: &FileContext<'_>,
    fields: &IndexMap<Text, Spanned<FieldDef>>,
    key: &str,
    errors: &mut SpecErrors,
) -> Vec<FieldModel> {
    let mut out = Vec::new();
    let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
    for (wire, field) in fields {
        let field_key = format!("{key}.{}", wire.as_str());
        if wire.as_str().is_empty() {
            errors.push(
                &ctx.file.path,
                wire.span(),
                field_key,
                "a field name cannot be empty".into(),
            );
            continue;
        }
        let name = naming::field_name(wire.as_str());
        if name.ident == "extra" {
            errors.push(
                &ctx.file.path,
                wire.span(),
                field_key.clone(),
                "`extra` is reserved for the map of unknown and user fields".into(),
            );
        }
        if let Some(other) = rust_names.insert(name.ident.clone(), wire.as_str()) {
            errors.push(
                &ctx.file.path,
                wire.span(),
                field_key.clone(),
                format!(
                    "`{}` and `{other}` both become the Rust field `{}`; rename one in the spec",
                    wire.as_str(),
                    name.ident
                ),
            );
        }
        match ctx.resolver.resolve(field.ty.as_str(), ctx.scope) {
            Ok(ty) => out.push(FieldModel {
                wire: wire.as_str().to_owned(),
                sent: wire.as_str().to_owned(),
                name,
                ty,
                spec_type: field.ty.as_str().trim().to_owned(),
                required: field.required,
                read_only: field.read_only,
                deprecated: deprecation(&field.deprecated),
                doc: field
                    .doc
                    .as_ref()
                    .map(|doc| doc.as_str().lines().map(str::to_owned).collect())
                    .unwrap_or_default(),
                requires: field
                    .requires
                    .iter()
                    .map(|name| name.as_str().to_owned())
                    .collect(),
            }),
            Err(message) => errors.push(
                &ctx.file.path,
                &span_of_type(field),
                format!("{field_key}.type"),
                message,
            ),
        }
    }
    out
}

/// A named type of the spec: an object or an open enumeration.
pub(super) fn build_type(
    ctx: &FileContext<'_>,
    name: &Text,
    def: &TypeDef,
    errors: &mut SpecErrors,
) -> Option<TypeModel> {
    let key = format!("types.{}", name.as_str());
    let key = key.as_str();
    if !naming::is_type_name(name.as_str()) {
        errors.push(
            &ctx.file.path,
            name.span(),
            key.to_owned(),
            format!(
                "type names are UpperCamelCase (`{}`)",
                heck::ToUpperCamelCase::to_upper_camel_case(name.as_str())
            ),
        );
    }
    if PRELUDE_TYPES.contains(&name.as_str()) {
        errors.push(
            &ctx.file.path,
            name.span(),
            key.to_owned(),
            format!(
                "`{}` would shadow a Rust prelude type the bindings use; choose another name",
                name.as_str()
            ),
        );
    }
    let docs_url = ctx.docs_url(&def.docs, key, errors);
    let shape = match (&def.fields, &def.values) {
        (Some(fields), None) => {
            let mut fields = build_fields(ctx, fields, &format!("{key}.fields"), errors);
            if let Some(names) = &def.sent_names {
                if names.as_str() == "upper_snake" {
                    for field in &mut fields {
                        field.sent = naming::upper_wire_name(&field.wire);
                    }
                } else {
                    errors.push(
                        &ctx.file.path,
                        names.span(),
                        format!("{key}.sent_names"),
                        format!("`sent_names` takes `upper_snake`, not `{}`", names.as_str()),
                    );
                }
            }
            Shape::Object(fields)
        }
        (None, Some(values)) => {
            if let Some(names) = &def.sent_names {
                errors.push(
                    &ctx.file.path,
                    names.span(),
                    format!("{key}.sent_names"),
                    "`sent_names` renames an object's fields; an enumeration has none".into(),
                );
            }
            let mut variants = Vec::new();
            let mut seen = BTreeMap::new();
            for (wire, variant) in values {
                let value_key = format!("{key}.values.{}", wire.as_str());
                let snake = heck::ToSnakeCase::to_snake_case(variant.as_str());
                if variant.as_str().is_empty() || snake != variant.as_str() {
                    errors.push(
                        &ctx.file.path,
                        variant.span(),
                        value_key.clone(),
                        format!("variant names are snake_case (`{snake}`)"),
                    );
                }
                let rust = naming::variant_name(variant.as_str());
                if rust == "Unknown" {
                    errors.push(
                        &ctx.file.path,
                        variant.span(),
                        value_key.clone(),
                        "`unknown` is reserved for values the spec does not list".into(),
                    );
                }
                if let Some(other) = seen.insert(rust.clone(), wire.as_str()) {
                    errors.push(
                        &ctx.file.path,
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
                    &ctx.file.path,
                    name.span(),
                    key.to_owned(),
                    "an enumeration needs at least one value".into(),
                );
            }
            Shape::Enum(variants)
        }
        _ => {
            errors.push(
                &ctx.file.path,
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

fn span_of_type(field: &Spanned<FieldDef>) -> Span {
    // A shorthand (`TITLE: string`) has no span of its own; it starts where the field does.
    if field.ty.span().start().is_some() {
        *field.ty.span()
    } else {
        *field.span()
    }
}
