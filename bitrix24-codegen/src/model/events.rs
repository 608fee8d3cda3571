//! Events: the code checked, and the `data` type an object type of the event's own file
//! that no other event uses.

use std::collections::BTreeMap;

use super::context::{FileContext, deprecation};
use super::items::EventModel;
use crate::diagnostics::{SpecErrors, suggestion};
use crate::spec::{EventDef, SpecFile, Text};

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
pub(super) fn build_event<'a>(
    ctx: &FileContext<'a>,
    code: &'a Text,
    def: &'a EventDef,
    event_of_type: &mut BTreeMap<&'a str, &'a str>,
    errors: &mut SpecErrors,
) -> Option<EventModel> {
    let before = errors.0.len();
    let key = format!("events.{}", code.as_str());
    if !valid_event_code(code.as_str()) {
        errors.push(
            &ctx.file.path,
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
    match ctx.file.spec.types.get(data) {
        None if ctx.resolver.names.sites.contains_key(data) => errors.push(
            &ctx.file.path,
            def.data.span(),
            data_key,
            format!(
                "`{data}` is defined in `{}`; an event's `data` is a named object type of the event's own file",
                ctx.resolver.names.sites[data].file.relative
            ),
        ),
        None => errors.push(
            &ctx.file.path,
            def.data.span(),
            data_key,
            format!(
                "unknown type `{data}`: an event's `data` is a named object type of this file{}",
                suggestion(data, object_types(&ctx.file.spec))
            ),
        ),
        Some(ty) if ty.fields.is_none() => errors.push(
            &ctx.file.path,
            def.data.span(),
            data_key,
            format!("`{data}` is an enumeration; an event's `data` is an object type (`fields`)"),
        ),
        Some(_) => {
            if let Some(other) = event_of_type.insert(data, code.as_str()) {
                errors.push(
                    &ctx.file.path,
                    def.data.span(),
                    data_key,
                    format!(
                        "`{data}` is already the data of event `{other}`; each event has a type of its own"
                    ),
                );
            }
        }
    }
    let docs_url = ctx.docs_url(&def.docs, &key, errors);
    if errors.0.len() > before {
        return None;
    }
    Some(EventModel {
        code: code.as_str().to_owned(),
        type_name: data.to_owned(),
        scope: ctx.scope.to_owned(),
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
