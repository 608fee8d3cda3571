//! Directions: which named types are sent (reachable from a request's parameters) and
//! which received (reachable from a response or an event), hence which serde traits.

use std::collections::{BTreeMap, BTreeSet};

use super::items::{Model, Shape, TypeRef};

/// Mark every named type reachable from a request as sent and from a response as received.
pub(super) fn mark_directions(model: &mut Model) {
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
    let mut roots_sent: Vec<String> = roots_sent.iter().flat_map(named_in).collect();
    let sent = reachable(roots_sent.clone(), &fields_of);
    let received = reachable(roots_received.clone(), &fields_of);
    // A type no method or event uses is still public API: it goes both ways (rather than
    // a struct with serde attributes and no serde derives), and so does what it holds.
    let unused: Vec<String> = model
        .scopes
        .values()
        .flat_map(|scope| scope.modules.values())
        .flat_map(|module| &module.types)
        .filter(|ty| !ty.received && !sent.contains(&ty.name) && !received.contains(&ty.name))
        .map(|ty| ty.name.clone())
        .collect();
    roots_sent.extend(unused.iter().cloned());
    roots_received.extend(unused);
    let sent = reachable(roots_sent, &fields_of);
    let received = reachable(roots_received, &fields_of);
    for scope in model.scopes.values_mut() {
        for module in scope.modules.values_mut() {
            for ty in &mut module.types {
                ty.sent |= sent.contains(&ty.name);
                ty.received |= received.contains(&ty.name);
            }
        }
    }
}

/// The named types reachable from `roots` through the fields of object types.
fn reachable(roots: Vec<String>, fields_of: &BTreeMap<String, Vec<TypeRef>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(
                fields_of
                    .get(&name)
                    .into_iter()
                    .flatten()
                    .flat_map(named_in),
            );
        }
    }
    seen
}

/// The named types a type expression mentions.
fn named_in(ty: &TypeRef) -> Vec<String> {
    match ty {
        TypeRef::Builtin(_) => Vec::new(),
        TypeRef::Named { name, .. } => vec![name.clone()],
        TypeRef::List(inner) | TypeRef::Map(inner) => named_in(inner),
        // A field enum is no serde type: its names are written by `query`'s impls.
        TypeRef::Query(..) => Vec::new(),
    }
}
