//! From the model to Rust tokens, one file at a time.
//!
//! Emitted code reads like hand-written Rust: a `use` prelude per file importing exactly
//! what the file uses (`imports`), short names in the bodies, struct-level serde
//! attributes where they stand for every field (`fields`), and doc comments that state
//! the spec's facts and link the official page, never prose copied from the docs
//! (`docs`). Items: objects (`object`), open enumerations (`enumeration`), methods
//! (`method`), list records' field enums (`field_enum`); whole files (`files`).

mod context;
mod docs;
mod enumeration;
mod field_enum;
mod fields;
mod files;
mod imports;
mod method;
mod object;

pub use context::TypeIndex;
pub use files::{module_tokens, root_mod_tokens, scope_mod_tokens};
pub use imports::PRELUDE_TYPES;
