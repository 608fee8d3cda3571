//! From specs to the model: names resolved, rules checked, order fixed.
//!
//! The model ([`items`]) is what the emitter needs and nothing else: Rust names chosen
//! ([`crate::naming`]), type expressions resolved to [`TypeRef`]s, every named type
//! told whether it is sent (needs `Serialize`) and/or received (needs `Deserialize`).
//! Scopes and modules sit in `BTreeMap`s so output order never depends on input order.
//!
//! [`build`] runs the passes, one module each: the global names (`namespace`), then per
//! spec file its types (`objects`), methods (`methods`) and events (`events`), all
//! resolving type expressions through one `resolve::Resolver`; last, the directions
//! (`directions`) and the checked `select`/`order`/`filter` of lists with typed records
//! (`queries`); a parameter's `requires` is checked against its record (`requires`). The linter (`lint`) checks every spec against the naming rules of
//! [`crate::rules`]; its errors stop the build like any other.

mod build;
mod context;
mod directions;
mod events;
pub mod items;
mod lint;
mod methods;
mod namespace;
mod objects;
mod queries;
mod requires;
mod resolve;

pub use build::{build, build_loaded};
pub use items::{
    Api, BUILTINS, Builtin, COMMON_SCOPE, DOCS_BASE, EventModel, FieldEnumModel, FieldModel, Kind,
    ListModel, MethodModel, Model, Module, QueryParam, Scope, Shape, TypeModel, TypeRef,
};
pub use lint::{Lints, lint};
