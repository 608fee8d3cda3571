//! `cargo xtask coverage`, second part: how faithfully the specs follow the docs, as the
//! figures of issue 16 (parameters the docs list, identifiers and parameters left `raw`,
//! kinds, method names, documented methods without a spec, money, dates, value sets),
//! each with the items behind it.
//!
//! The figures read the loaded specs (with their overlays) and, when the docs were read,
//! the import's facts about each page ([`MethodFacts`]): what its parameter table lists,
//! what its code samples call and send, which raw fallbacks it reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::import::{ImportReport, MethodFacts, named_after_file};
use crate::load::LoadedSpec;
use crate::rules::dates::is_date_name;
use crate::rules::kind::reads;
use crate::rules::money::is_money_name;
use crate::spec::{FieldDef, MethodDef, SpecFile, Text};

use indexmap::IndexMap;
use marked_yaml::Spanned;

/// A count and the items behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Items {
    /// What is counted, one line each (`crm.deal.get.params.id`).
    pub items: Vec<String>,
}

impl Items {
    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn push(&mut self, item: String) {
        self.items.push(item);
    }
}

/// The figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accuracy {
    /// Methods in the specs.
    pub methods: usize,
    /// Methods without parameters whose docs list some (table rows or sample keys).
    pub params_missing: Items,
    /// Of those, methods whose docs table marks one required.
    pub params_missing_required: usize,
    /// `id`/`ID` parameters and fields typed `raw`.
    pub raw_ids: Items,
    /// Parameters in the specs.
    pub params: usize,
    /// Parameters typed `raw` (or a list or map of it): `filter`, `order` and `select`.
    pub raw_query_params: Items,
    /// Other parameters typed `raw`.
    pub raw_data_params: Items,
    /// Raw parameters the import did not list with a reason (docs read only).
    pub raw_params_unexplained: Items,
    /// Methods whose name reads but whose kind is `write`, without a `kind_reason`.
    pub reads_marked_write: Items,
    /// Methods whose kind departs from the kind rule with a `kind_reason`.
    pub kind_decisions: Items,
    /// Methods whose page's code samples call other methods only, and whose page is not
    /// named after them either.
    pub names_contradicted: Items,
    /// Methods whose samples call other methods only while title and file name agree
    /// (the samples were copied from another page).
    pub samples_copied: Items,
    /// Methods named after the samples rather than the page title.
    pub names_corrected: Items,
    /// Methods with a docs page but no spec (docs read only).
    pub documented_unspecced: Items,
    /// Pages with a `> Scope:` line that document no method, not counting `index.md`.
    pub not_methods: Items,
    /// Money-named scalar fields and parameters.
    pub money: usize,
    /// Of those, not typed `decimal`.
    pub money_not_decimal: Items,
    /// Date-named fields and parameters typed text, raw, `date` or `datetime`, without
    /// those the import kept because their examples or docs type show no date.
    pub dates: usize,
    /// Date-named fields kept as documented, with what shows they are no dates.
    pub dates_kept: Items,
    /// Of those, typed as text.
    pub dates_text: Items,
    /// Of those, typed `raw`.
    pub dates_raw: Items,
    /// Enumeration types.
    pub enums: usize,
    /// Fields and parameters typed with an enumeration (or a list of one).
    pub enum_fields: usize,
}

/// One field or parameter, with where it is.
struct Field<'a> {
    at: String,
    wire: &'a str,
    ty: &'a str,
    is_param: bool,
}

/// Every field and parameter of a spec file.
fn fields_of(spec: &SpecFile) -> Vec<Field<'_>> {
    fn add<'a>(
        out: &mut Vec<Field<'a>>,
        at: &str,
        fields: &'a IndexMap<Text, Spanned<FieldDef>>,
        is_param: bool,
    ) {
        for (wire, field) in fields {
            out.push(Field {
                at: format!("{at}.{}", wire.as_str()),
                wire: wire.as_str(),
                ty: field.ty.as_str().trim(),
                is_param,
            });
        }
    }
    let mut out = Vec::new();
    for (name, def) in &spec.methods {
        add(
            &mut out,
            &format!("{}.params", name.as_str()),
            &def.params,
            true,
        );
    }
    for (name, def) in &spec.types {
        if let Some(fields) = &def.fields {
            add(&mut out, name.as_str(), fields, false);
        }
    }
    out
}

/// `raw`, `raw[]`, `map<raw>`.
fn is_raw(ty: &str) -> bool {
    base(ty) == "raw"
}

/// The named or builtin type inside `T[]` and `map<T>`.
fn base(ty: &str) -> &str {
    let mut ty = ty.trim();
    loop {
        if let Some(inner) = ty.strip_suffix("[]") {
            ty = inner;
        } else if let Some(inner) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
            ty = inner;
        } else {
            return ty;
        }
    }
}

impl Accuracy {
    /// Measure `specs`; `report` is a docs import (without overlays) when the docs were
    /// read.
    pub fn measure(specs: &[LoadedSpec], report: Option<&ImportReport>) -> Self {
        let mut out = Self::default();
        let enums: BTreeSet<&str> = specs
            .iter()
            .flat_map(|file| &file.spec.types)
            .filter(|(_, def)| def.values.is_some())
            .map(|(name, _)| name.as_str())
            .collect();
        out.enums = enums.len();
        let explained: BTreeSet<&str> = report
            .map(|r| r.raw_fallbacks.iter().map(|f| f.at.as_str()).collect())
            .unwrap_or_default();
        let kept: BTreeMap<&str, &str> = report
            .map(|r| {
                r.dates_kept
                    .iter()
                    .map(|k| (k.at.as_str(), k.reason.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let mut specced: BTreeSet<(String, bool)> = BTreeSet::new();
        for file in specs {
            for (name, def) in &file.spec.methods {
                out.methods += 1;
                let name = name.as_str();
                let v3 = def.api.as_ref().is_some_and(|api| api.as_str() == "v3");
                specced.insert((name.to_owned(), v3));
                let facts = report.and_then(|r| r.facts.get(&(name.to_owned(), v3)));
                out.method(name, def, facts);
            }
            for field in fields_of(&file.spec) {
                out.field(&field, &enums, report.is_some(), &explained, &kept);
            }
        }
        if let Some(report) = report {
            for ((name, v3), facts) in &report.facts {
                if !specced.contains(&(name.clone(), *v3)) {
                    out.documented_unspecced
                        .push(format!("{name} ({})", facts.page));
                }
            }
            for page in &report.not_methods {
                if !page.page.ends_with("/index.md") {
                    out.not_methods.push(page.to_string());
                }
            }
        }
        out
    }

    fn method(&mut self, name: &str, def: &MethodDef, facts: Option<&MethodFacts>) {
        let reason = def.kind_reason.is_some();
        if reads(name) && def.kind.as_str() == "write" && !reason {
            self.reads_marked_write.push(name.to_owned());
        }
        if reason {
            self.kind_decisions.push(format!(
                "{name}: {} ({})",
                def.kind.as_str(),
                def.kind_reason
                    .as_ref()
                    .map(|r| r.as_str())
                    .unwrap_or_default()
            ));
        }
        let Some(facts) = facts else {
            return;
        };
        if def.params.is_empty() && (!facts.params.is_empty() || !facts.sample_params.is_empty()) {
            self.params_missing.push(format!("{name} ({})", facts.page));
            if facts.params.iter().any(|(_, required)| *required) {
                self.params_missing_required += 1;
            }
        }
        let called = facts
            .sample_methods
            .iter()
            .any(|m| m.eq_ignore_ascii_case(name));
        if !facts.sample_methods.is_empty() && !called {
            let item = format!(
                "{name}: the samples of {} call {}",
                facts.page,
                facts.sample_methods.join(", ")
            );
            if named_after_file(name, &facts.page) {
                self.samples_copied.push(item);
            } else {
                self.names_contradicted.push(item);
            }
        }
        if let Some(title) = &facts.title_method {
            self.names_corrected
                .push(format!("{name}: the title of {} says {title}", facts.page));
        }
    }

    fn field(
        &mut self,
        field: &Field<'_>,
        enums: &BTreeSet<&str>,
        docs: bool,
        explained: &BTreeSet<&str>,
        kept: &BTreeMap<&str, &str>,
    ) {
        let raw = is_raw(field.ty);
        if raw && field.wire.eq_ignore_ascii_case("id") {
            self.raw_ids.push(field.at.clone());
        }
        if field.is_param {
            self.params += 1;
            if raw {
                if matches!(
                    field.wire.to_ascii_lowercase().as_str(),
                    "filter" | "order" | "select"
                ) {
                    self.raw_query_params.push(field.at.clone());
                } else {
                    self.raw_data_params.push(field.at.clone());
                }
                // A `filter` map is raw by the list parameter rule, which says why.
                let filter_rule =
                    field.wire.eq_ignore_ascii_case("filter") && field.ty == "map<raw>";
                if docs && !filter_rule && !explained.contains(field.at.as_str()) {
                    self.raw_params_unexplained.push(field.at.clone());
                }
            }
        }
        if enums.contains(base(field.ty)) {
            self.enum_fields += 1;
        }
        let scalar = matches!(
            field.ty,
            "double" | "integer" | "string" | "text" | "decimal"
        );
        if is_money_name(field.wire) && scalar {
            self.money += 1;
            if field.ty != "decimal" {
                self.money_not_decimal
                    .push(format!("{}: {}", field.at, field.ty));
            }
        }
        let dated = matches!(field.ty, "string" | "text" | "raw" | "date" | "datetime");
        let kept_reason = kept
            .get(field.at.as_str())
            .filter(|_| matches!(field.ty, "string" | "text" | "raw"));
        if let (true, true, Some(reason)) = (is_date_name(field.wire), dated, kept_reason) {
            self.dates_kept
                .push(format!("{}: {} ({reason})", field.at, field.ty));
        } else if is_date_name(field.wire) && dated {
            self.dates += 1;
            match field.ty {
                "string" | "text" => self.dates_text.push(field.at.clone()),
                "raw" => self.dates_raw.push(field.at.clone()),
                _ => {}
            }
        }
    }

    /// The share of date-named fields typed `date` or `datetime`, in percent.
    pub fn dates_typed_percent(&self) -> f64 {
        if self.dates == 0 {
            return 100.0;
        }
        let typed = self.dates - self.dates_text.len() - self.dates_raw.len();
        100.0 * typed as f64 / self.dates as f64
    }

    /// The items behind every figure, as sections for a report.
    pub fn details(&self) -> BTreeMap<&'static str, &Items> {
        BTreeMap::from([
            (
                "methods without the parameters their docs list",
                &self.params_missing,
            ),
            ("id/ID typed raw", &self.raw_ids),
            ("raw filter/order/select parameters", &self.raw_query_params),
            ("raw data parameters", &self.raw_data_params),
            (
                "raw parameters the import lists no reason for",
                &self.raw_params_unexplained,
            ),
            (
                "reading methods marked write without a reason",
                &self.reads_marked_write,
            ),
            (
                "kinds decided in overlays, with their reasons",
                &self.kind_decisions,
            ),
            (
                "names the code samples contradict",
                &self.names_contradicted,
            ),
            (
                "names taken from the samples, not the title",
                &self.names_corrected,
            ),
            (
                "samples copied from another page (title and file name agree)",
                &self.samples_copied,
            ),
            (
                "documented methods without a spec",
                &self.documented_unspecced,
            ),
            (
                "pages with a scope that document no method",
                &self.not_methods,
            ),
            ("money not decimal", &self.money_not_decimal),
            ("date-named fields typed as text", &self.dates_text),
            ("date-named fields typed raw", &self.dates_raw),
            (
                "date-named fields kept as the docs show them",
                &self.dates_kept,
            ),
        ])
    }
}

impl fmt::Display for Accuracy {
    /// One line per figure of issue 16.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw_params = self.raw_query_params.len() + self.raw_data_params.len();
        writeln!(f, "accuracy ({} methods)", self.methods)?;
        writeln!(
            f,
            "  methods without the parameters their docs list  {} ({} with a required one)",
            self.params_missing.len(),
            self.params_missing_required
        )?;
        writeln!(
            f,
            "  id/ID typed raw                                 {}",
            self.raw_ids.len()
        )?;
        writeln!(
            f,
            "  parameters typed raw                            {raw_params} of {} ({} filter/order/select, {} data; {} without a listed reason)",
            self.params,
            self.raw_query_params.len(),
            self.raw_data_params.len(),
            self.raw_params_unexplained.len()
        )?;
        writeln!(
            f,
            "  reading methods marked write                    {}",
            self.reads_marked_write.len()
        )?;
        writeln!(
            f,
            "  kinds decided in overlays (with a reason)       {}",
            self.kind_decisions.len()
        )?;
        writeln!(
            f,
            "  names the code samples contradict               {} ({} corrected by the samples; {} pages with copied samples)",
            self.names_contradicted.len(),
            self.names_corrected.len(),
            self.samples_copied.len()
        )?;
        writeln!(
            f,
            "  documented methods without a spec               {} ({} pages that document no method listed)",
            self.documented_unspecced.len(),
            self.not_methods.len()
        )?;
        writeln!(
            f,
            "  money fields typed decimal                      {} of {}",
            self.money - self.money_not_decimal.len(),
            self.money
        )?;
        writeln!(
            f,
            "  date fields typed date/datetime                 {:.1}% of {} ({} text, {} raw; {} more kept as their examples show)",
            self.dates_typed_percent(),
            self.dates,
            self.dates_text.len(),
            self.dates_raw.len(),
            self.dates_kept.len()
        )?;
        write!(
            f,
            "  value sets as open enums                        {} ({} fields and parameters)",
            self.enums, self.enum_fields
        )
    }
}
