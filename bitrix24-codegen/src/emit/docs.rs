//! Doc comments: the facts the spec states, never prose copied from the docs.
//!
//! A field says its wire name (and the name requests carry, when another), its spec type
//! (as the spec writes it: `user`, `text`, `Deal[]`), whether it is required or read-only,
//! the values it may take (an enumeration's, `Y`/`N` of a `char`), what replaces it when
//! deprecated, and the spec's own `doc` text (a portal's label for its own field); a list's
//! checked `select`, `order` or `filter` names its field enum. A type says which way it
//! travels; a method its REST name, scope and kind. Each links its official page.

use proc_macro2::TokenStream;
use quote::quote;

use super::context::TypeIndex;
use crate::model::{Builtin, EventModel, FieldModel, Kind, MethodModel, Shape, TypeModel, TypeRef};

/// Enumerations with more values than this are named, not listed, in field docs.
const LISTED_VALUES: usize = 8;

/// Doc lines as `#[doc]` attributes.
pub(super) fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}

/// `#[deprecated]` with what replaces `what`, when deprecated.
pub(super) fn deprecated_attr(deprecated: &Option<Option<String>>, what: &str) -> TokenStream {
    match deprecated {
        None => TokenStream::new(),
        Some(Some(replacement)) => {
            let note = format!("Bitrix24 deprecated {what}; use `{replacement}` instead");
            quote!(#[deprecated(note = #note)])
        }
        Some(None) => {
            let note = format!("Bitrix24 deprecated {what}");
            quote!(#[deprecated(note = #note)])
        }
    }
}

/// A field's doc lines (`` `ID`: id, read-only. ``).
pub(super) fn field_doc(field: &FieldModel, index: &TypeIndex<'_>) -> Vec<String> {
    let ty = if field
        .spec_type
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '_')
    {
        field.spec_type.clone()
    } else {
        format!("`{}`", field.spec_type)
    };
    let mut facts = vec![ty];
    facts.extend(field.required.then(|| "required".to_owned()));
    facts.extend(field.read_only.then(|| "read-only".to_owned()));
    if !field.requires.is_empty() {
        let names: Vec<String> = field
            .requires
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        facts.push(format!("must carry {}", names.join(", ")));
    }
    let name = if field.sent != field.wire && !field.read_only {
        format!("`{}` (sent as `{}`)", field.wire, field.sent)
    } else {
        format!("`{}`", field.wire)
    };
    let mut first = format!("{name}: {}.", facts.join(", "));
    if let Some(values) = values_sentence(&field.ty, index) {
        first.push(' ');
        first.push_str(&values);
    }
    // A checked list parameter: the spec's type is generic, the names are the enum's.
    if let TypeRef::Query(_, fields) = &field.ty {
        if let TypeRef::Named { name, .. } = &**fields {
            first.push_str(&format!(" Field names: [`{name}`]."));
        }
    }
    match &field.deprecated {
        Some(Some(replacement)) => first.push_str(&format!(" Deprecated: use `{replacement}`.")),
        Some(None) => first.push_str(" Deprecated."),
        None => {}
    }
    let mut lines = vec![first];
    if !field.doc.is_empty() {
        lines.push(String::new());
        lines.extend(field.doc.iter().cloned());
    }
    lines
}

/// `One of `Y`, `N`.` for a field of a `char` or an enumeration (`Each one of ...` for a
/// list or map of them).
fn values_sentence(ty: &TypeRef, index: &TypeIndex<'_>) -> Option<String> {
    let (ty, lead) = match ty {
        TypeRef::List(inner) | TypeRef::Map(inner) => (&**inner, "Each one of"),
        other => (other, "One of"),
    };
    let (values, name) = match ty {
        TypeRef::Builtin(Builtin::Char) => (vec!["Y", "N"], "char"),
        TypeRef::Named { name, .. } => (index.enum_values(name)?, name.as_str()),
        _ => return None,
    };
    if values.len() > LISTED_VALUES {
        return Some(format!("{lead} the {} values of `{name}`.", values.len()));
    }
    let listed: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
    Some(format!("{lead} {}.", listed.join(", ")))
}

/// A named type's doc lines; `event` when the type is the `data` of that event.
pub(super) fn type_doc(ty: &TypeModel, event: Option<&EventModel>) -> Vec<String> {
    let mut docs_url = ty.docs_url.as_ref();
    let mut lines = vec![match (&ty.shape, event) {
        (_, Some(event)) => {
            docs_url = event.docs_url.as_ref().or(docs_url);
            format!(
                "The `data` of the event `{}`: scope `{}`.",
                event.code, event.scope
            )
        }
        (Shape::Enum(_), None) => {
            "An open enumeration: a value not listed is kept in `Unknown`.".to_owned()
        }
        (Shape::Object(fields), None) if ty.records_of.is_some() => format!(
            "A list page's `result`: the records sit under `{}`.",
            fields.first().map_or("", |field| field.wire.as_str())
        ),
        (Shape::Object(_), None) => match (ty.sent, ty.received) {
            (true, true) => "Sent in requests and read from responses.",
            (true, false) => "Sent in requests.",
            _ => "Read from responses.",
        }
        .to_owned(),
    }];
    if let Some(url) = docs_url {
        lines.push(String::new());
        lines.push(format!("[Official documentation]({url})"));
    }
    lines
}

/// A method's doc lines: REST name, scope, kind and link.
pub(super) fn method_doc(method: &MethodModel) -> Vec<String> {
    let kind = match method.kind {
        Kind::Read => "reads only",
        Kind::Idempotent => "writes idempotently",
        Kind::Write => "writes (not idempotent: never repeated blindly)",
    };
    let mut lines = vec![format!(
        "`{}`: scope `{}`; {kind}.",
        method.name, method.scope
    )];
    if let Some(url) = &method.docs_url {
        lines.push(String::new());
        lines.push(format!("[Official documentation]({url})"));
    }
    lines
}
