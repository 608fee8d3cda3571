//! The bitrix24-rs code generator: YAML method specs in, typed Rust bindings out.
//!
//! One phase per module:
//! [`load`] (YAML -> [`spec`] structures, with spans) ->
//! [`model`] (names resolved, rules checked, deterministic order) ->
//! [`emit`] (`quote` tokens: a `use` prelude per file, short names, facts as docs) ->
//! [`output`] (`prettyplease`, headers, atomic writes). Every Rust name comes from
//! [`naming`]; [`import`] writes the specs from the docs.
//!
//! `cargo xtask codegen` is a thin command line over [`generate`] and [`output`].

pub mod accuracy;
pub mod coverage;
pub mod depth;
pub mod diagnostics;
pub mod emit;
pub mod features;
pub mod import;
pub mod load;
pub mod model;
pub mod naming;
pub mod output;
pub mod portal_fields;
pub mod rules;
pub mod spec;
pub mod tree;

pub use diagnostics::{SpecError, SpecErrors};
pub use output::{GeneratedFile, check, generate, write};

/// Where the generated bindings live, relative to the workspace root.
pub const OUTPUT_DIR: &str = "bitrix24-types/src/generated";

/// Everything that can stop [`regenerate`].
#[derive(Debug)]
pub enum RegenerateError {
    /// The specs are invalid; nothing was written.
    Spec(SpecErrors),
    /// Writing failed part-way; each file written so far is complete (atomic writes).
    Io(std::io::Error),
}

impl std::fmt::Display for RegenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Spec(errors) => errors.fmt(f),
            Self::Io(err) => write!(f, "cannot write the generated files: {err}"),
        }
    }
}

impl std::error::Error for RegenerateError {}

/// Generate from `spec_root` and write into `out_dir`: all or nothing on spec errors.
pub fn regenerate(
    spec_root: &std::path::Path,
    out_dir: &std::path::Path,
) -> Result<output::WriteReport, RegenerateError> {
    let files = generate(spec_root).map_err(RegenerateError::Spec)?;
    write(out_dir, &files).map_err(RegenerateError::Io)
}
