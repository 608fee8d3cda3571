//! The spec linter: every spec checked against the naming rules of [`crate::rules`], so a
//! binding that would retry what it must not, or round money, does not build.
//!
//! Errors (the model build fails, `file:line:col` as every spec error):
//! - a `kind` that departs from the kind rule without a `kind_reason` (a creating verb
//!   marked `read` or `idempotent`, a reading verb marked `write`), or a `kind_reason` on a
//!   kind that does not depart;
//! - a money-named field or parameter typed as a number other than `decimal`.
//!
//! Warnings ([`Lints::warnings`], listed by `cargo xtask import-docs` in
//! `target/import-report.txt` and counted by `cargo xtask coverage`): a money-named field
//! typed as text (the docs' examples may show formatted text), and a date-named field
//! typed as text. The checks that need the docs (parameters the docs list, the name the
//! code samples use) are the importer's (`crate::import`).

use indexmap::IndexMap;
use marked_yaml::{Span, Spanned};

use crate::diagnostics::{SpecError, SpecErrors};
use crate::load::LoadedSpec;
use crate::rules::dates::is_date_name;
use crate::rules::kind::{creates, method_kind, reads};
use crate::rules::money::is_money_name;
use crate::spec::{FieldDef, Text};

/// What the linter found.
#[derive(Debug, Default)]
pub struct Lints {
    /// Problems that stop the build.
    pub errors: SpecErrors,
    /// Problems listed for review.
    pub warnings: Vec<SpecError>,
}

/// Spec types that hold a number in an `f64` or an `i64`.
const NUMBERS: &[&str] = &["double", "integer"];

/// Spec types that hold text.
const TEXTS: &[&str] = &["string", "text"];

/// Lint every spec.
pub fn lint(specs: &[LoadedSpec]) -> Lints {
    let mut lints = Lints::default();
    for file in specs {
        for (name, def) in &file.spec.methods {
            let key = format!("methods.{}", name.as_str());
            lint_kind(
                file,
                name,
                &def.kind,
                def.kind_reason.as_ref(),
                &key,
                &mut lints,
            );
            lint_fields(file, &def.params, &format!("{key}.params"), &mut lints);
        }
        for (name, def) in &file.spec.types {
            if let Some(fields) = &def.fields {
                let key = format!("types.{}.fields", name.as_str());
                lint_fields(file, fields, &key, &mut lints);
            }
        }
    }
    lints
}

/// What the kind rule says about a name, for messages.
fn rule_says(name: &str) -> &'static str {
    if reads(name) {
        "the name reads"
    } else if creates(name) {
        "the name creates"
    } else if method_kind(name) == "idempotent" {
        "the name sets a state"
    } else {
        "a name the rule cannot place is `write`"
    }
}

fn lint_kind(
    file: &LoadedSpec,
    name: &Text,
    kind: &Text,
    reason: Option<&Text>,
    key: &str,
    lints: &mut Lints,
) {
    if !matches!(kind.as_str(), "read" | "idempotent" | "write") {
        // An unknown kind is the method pass's error.
        return;
    }
    let rule = method_kind(name.as_str());
    let departs = kind.as_str() != rule;
    match (departs, reason) {
        (true, None) => lints.errors.push(
            &file.path,
            span_or(kind.span(), name.span()),
            format!("{key}.kind"),
            format!(
                "kind `{}` departs from the kind rule, which gives `{rule}` ({}); follow the \
                 rule, or say in `kind_reason` what the docs say the method does",
                kind.as_str(),
                rule_says(name.as_str())
            ),
        ),
        (false, Some(reason)) => lints.errors.push(
            &file.path,
            reason.span(),
            format!("{key}.kind_reason"),
            format!("kind `{rule}` is the rule's: remove the `kind_reason`"),
        ),
        _ => {}
    }
}

fn lint_fields(
    file: &LoadedSpec,
    fields: &IndexMap<Text, Spanned<FieldDef>>,
    key: &str,
    lints: &mut Lints,
) {
    for (wire, field) in fields {
        let ty = field.ty.as_str().trim();
        let at = format!("{key}.{}", wire.as_str());
        let span = span_or(field.ty.span(), field.span());
        if is_money_name(wire.as_str()) {
            if NUMBERS.contains(&ty) {
                lints.errors.push(
                    &file.path,
                    span,
                    format!("{at}.type"),
                    format!(
                        "`{}` names money: type it `decimal` (`{ty}` rounds or cuts it)",
                        wire.as_str()
                    ),
                );
            } else if TEXTS.contains(&ty) {
                lints.warnings.push(warning(
                    file,
                    span,
                    &at,
                    format!("`{}` names money but is typed `{ty}`", wire.as_str()),
                ));
            }
        }
        if is_date_name(wire.as_str()) && TEXTS.contains(&ty) {
            lints.warnings.push(warning(
                file,
                span,
                &at,
                format!("`{}` names a date but is typed `{ty}`", wire.as_str()),
            ));
        }
    }
}

fn warning(file: &LoadedSpec, span: &Span, at: &str, message: String) -> SpecError {
    let mut one = SpecErrors::default();
    one.push(&file.path, span, format!("{at}.type"), message);
    one.0.remove(0)
}

/// `span` when it has a position (a shorthand value has none), else `fallback`.
fn span_or<'a>(span: &'a Span, fallback: &'a Span) -> &'a Span {
    if span.start().is_some() {
        span
    } else {
        fallback
    }
}
