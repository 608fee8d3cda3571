//! The page builder: one method (or event) page's tables into its spec entry and the
//! named types under it (see "Named types", "Types" and "Result" in the module docs of
//! [`crate::import`]).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;

use super::doc_types::Resolved;
use super::emit_yaml::Yaml;
use super::field_names::{
    is_ids_name, is_numbered, is_placeholder, is_record_id, lists_ids, names_an_id,
};
use super::kind::method_kind;
use super::layout::NO_SCOPE;
use super::layout::Root;
use super::linked::Linked;
use super::markdown;
use super::namesakes;
use super::page::{self, EventPage, MethodPage};
use super::query::query_param;
use super::report::{Problem, RawFallback};
use super::samples::{sample_type, sends, sent_under, shown_record, shown_value};
use super::types::{Mapped, map_doc_type, map_union, map_union_with};
use super::typing::{
    Examples, Shared, Typed, described_union, enum_for, not_a_date, refine, unclear_date,
    union_parts,
};
use super::values::ValueSet;
use crate::naming;

/// The request struct name the model derives for the method (see
/// [`naming::method_struct_name`]); the prefix of its page's named types.
pub(super) fn request_type_name(method: &str, root: Root) -> String {
    naming::method_struct_name(method, root == Root::Twins)
}

/// The data type name of an event page: its file name in UpperCamelCase
/// (`on-crm-deal-add.md` -> `OnCrmDealAdd`), made unique against `used`.
pub(super) fn event_type_name(path: &str, used: &BTreeSet<String>) -> String {
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".md");
    let mut base = stem.to_upper_camel_case();
    if !naming::is_type_name(&base) {
        base = format!("Event{base}");
    }
    if !used.contains(&base) && naming::is_type_name(&base) {
        return base;
    }
    let base = format!("{base}Event");
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// Builds one method and the named types of its page.
pub(super) struct PageBuilder<'a> {
    pub(super) page: &'a MethodPage,
    /// The method's request type name: the prefix of its named types.
    pub(super) prefix: String,
    /// Every type name taken so far (all pages).
    pub(super) used: &'a mut BTreeSet<String>,
    /// What typing shares between pages: the docs' own types, the enums made so far.
    pub(super) shared: &'a mut Shared,
    /// The page's JSON examples, for the typing rules.
    examples: Examples,
    /// The pages whose tables a row may link.
    pub(super) linked: &'a Linked<'a>,
    /// The scope of the file the types go to (the linking page's, for a linked table).
    pub(super) scope: String,
    pub(super) types: Vec<(String, Yaml)>,
    /// (table, read from a response) -> type name.
    memo: BTreeMap<(usize, bool), String>,
    /// Tables whose type is being built (a table that contains itself stays raw).
    pub(super) building: BTreeSet<usize>,
    /// A response table -> the example value of one of its records (an object), to type
    /// what the table leaves unclear (see [`super::infer`]).
    pub(super) table_examples: BTreeMap<usize, serde_json::Value>,
    /// The example of the record whose table is being read, innermost last.
    records: Vec<Option<serde_json::Value>>,
    /// A response table -> where its records stand under `result` (`""` for the result's
    /// own records, `.chat`, `.items.user`): the path the sample's TypeScript declaration
    /// and the family's `*.fields` reply are read at for the fields its example leaves
    /// empty.
    table_paths: BTreeMap<usize, String>,
    /// The `at` of each record whose table is being read and where it stands under
    /// `result` (if known), innermost last.
    pub(super) record_paths: Vec<(String, Option<String>)>,
    pub(super) raws: Vec<RawFallback>,
    /// The `result` of the page's reply examples, parsed on first use
    /// (`PageBuilder::result_examples`).
    pub(super) result_examples: std::cell::OnceCell<Vec<serde_json::Value>>,
    /// The field descriptions of the family's `*.fields` reply, read on first use
    /// (`PageBuilder::family_descriptions`).
    pub(super) family_descriptions:
        std::cell::OnceCell<Option<serde_json::Map<String, serde_json::Value>>>,
    /// What the page's reply tables state of each field name, read on first use
    /// (`PageBuilder::documented`).
    pub(super) reply_rows: std::cell::OnceCell<super::documented::RowTypes>,
    /// Reading a table on another page for a reply: the fields its example shows and
    /// the table lacks are added too, typed by their values (`fields-rest-v3.md` lacks
    /// `forumTopicId`, which `tasks.task.get` sends).
    pub(super) shown_fields: bool,
    /// Reading a table on another page for a request: the linking page's cURL sample
    /// body, which sends the table's fields (the table's own page has no sample).
    pub(super) sent_body: Option<&'a serde_json::Map<String, serde_json::Value>>,
    /// Where a raw type stands for a value nothing showed (no type, an empty example),
    /// not for one shown to be unclear: what `namesakes` may type.
    unseen: BTreeSet<String>,
    /// Unseen fields the JS sample declares a scalar type for (`at` -> type): theirs
    /// when their namesakes do not agree ([`namesakes`]).
    pub(super) declared: BTreeMap<String, String>,
    pub(super) notes: Vec<Problem>,
}

/// What building a page left besides its spec entry.
pub(super) struct Built {
    /// The named types of the page, in the order they were built.
    pub(super) types: Vec<(String, Yaml)>,
    pub(super) raws: Vec<RawFallback>,
    pub(super) notes: Vec<Problem>,
}

impl<'a> PageBuilder<'a> {
    /// A builder for `page`, naming its types after `prefix` and unique against `used`.
    pub(super) fn new(
        page: &'a MethodPage,
        prefix: String,
        used: &'a mut BTreeSet<String>,
        shared: &'a mut Shared,
        linked: &'a Linked<'a>,
    ) -> Self {
        Self {
            page,
            prefix,
            used,
            shared,
            linked,
            scope: page.scope.clone().unwrap_or_else(|| NO_SCOPE.to_owned()),
            examples: Examples::of(page),
            types: Vec::new(),
            memo: BTreeMap::new(),
            building: BTreeSet::new(),
            table_examples: BTreeMap::new(),
            records: Vec::new(),
            table_paths: BTreeMap::new(),
            record_paths: Vec::new(),
            raws: Vec::new(),
            shown_fields: false,
            sent_body: None,
            unseen: BTreeSet::new(),
            declared: BTreeMap::new(),
            result_examples: std::cell::OnceCell::new(),
            family_descriptions: std::cell::OnceCell::new(),
            reply_rows: std::cell::OnceCell::new(),
            notes: Vec::new(),
        }
    }

    /// The named types, raw fallbacks and notes of everything built.
    pub(super) fn finish(self) -> Built {
        Built {
            types: self.types,
            raws: self.raws,
            notes: self.notes,
        }
    }

    /// `raw` for a value nothing showed (see `unseen`), for `reason`.
    pub(super) fn unseen(&mut self, at: &str, reason: impl Into<String>) -> String {
        self.unseen.insert(at.to_owned());
        self.raw(at, reason)
    }

    /// A response field's entry: its type, marked for `namesakes` when it is raw because
    /// nothing showed what it holds.
    pub(super) fn response_field(&self, ty: String, at: &str) -> Yaml {
        if ty == "raw" && self.unseen.contains(at) {
            namesakes::unseen_field(self.declared.get(at).map(String::as_str))
        } else {
            Yaml::Str(ty)
        }
    }

    pub(super) fn raw(&mut self, at: &str, reason: impl Into<String>) -> String {
        self.raws.push(RawFallback {
            page: self.page.path.clone(),
            at: at.to_owned(),
            reason: reason.into(),
        });
        "raw".to_owned()
    }

    pub(super) fn note(&mut self, message: String) {
        self.notes.push(Problem {
            page: self.page.path.clone(),
            line: None,
            message,
        });
    }

    /// The method's spec entry; its named types go to `types`.
    pub(super) fn method(&mut self) -> Yaml {
        let page = self.page;
        let name = page.method.clone();
        let mut entries = vec![
            ("docs".to_owned(), Yaml::str(&page.path)),
            ("kind".to_owned(), Yaml::str(method_kind(&name))),
        ];
        if page.v3 {
            entries.push(("api".to_owned(), Yaml::str("v3")));
        }
        if let Some(replacement) = &page.deprecated {
            let inner = match replacement {
                Some(method) => vec![("replacement".to_owned(), Yaml::str(method))],
                None => Vec::new(),
            };
            entries.push(("deprecated".to_owned(), Yaml::Map(inner)));
        }
        if page.params_unreadable && page.params.is_none() {
            self.note(format!(
                "`{name}`: the parameter table could not be read; no parameters written"
            ));
        }
        let params = match page.params {
            Some(table) => self.fields(table, false, &format!("{name}.params")),
            None => Vec::new(),
        };
        let result = self.result(&params);
        if !params.is_empty() {
            entries.push(("params".to_owned(), Yaml::Map(params)));
        }
        entries.push(("result".to_owned(), result));
        Yaml::Map(entries)
    }

    /// An event's spec entry; its data type (named [`PageBuilder::prefix`]) and the
    /// types under it go to `types`. Where the data is described: see the module docs.
    pub(super) fn event(&mut self, event: &EventPage) -> Yaml {
        let page = self.page;
        let at = format!("{}.data", event.code);
        let envelope = |table: usize| {
            page.tables[table]
                .rows
                .iter()
                .any(|row| matches!(row.name.as_str(), "event" | "data" | "auth"))
        };
        let table = event
            .data_rows
            .or_else(|| {
                let (table, row) = event.data_row?;
                let row = &page.tables[table].rows[row];
                let [(text, link)] = row.types.as_slice() else {
                    return None;
                };
                let name = match map_doc_type(text) {
                    Mapped::Object { list: false, name } => name,
                    _ => return None,
                };
                self.sub_table(row, link.as_deref(), &name).ok()
            })
            .or_else(|| page.params.filter(|table| !envelope(*table)));
        let name = self.prefix.clone();
        let fields = match table {
            Some(table) => {
                self.memo.insert((table, true), name.clone());
                self.fields(table, true, &at)
            }
            None => {
                self.raw(
                    &at,
                    "the page describes no `data` fields; all of them land in `extra`",
                );
                Vec::new()
            }
        };
        self.types.push((
            name.clone(),
            Yaml::Map(vec![
                ("docs".to_owned(), Yaml::str(&page.path)),
                ("fields".to_owned(), Yaml::Map(fields)),
            ]),
        ));
        let mut entry = vec![
            ("docs".to_owned(), Yaml::str(&page.path)),
            ("data".to_owned(), Yaml::Str(name)),
        ];
        if page.deprecated.is_some() {
            entry.push(("deprecated".to_owned(), Yaml::Map(Vec::new())));
        }
        Yaml::Map(entry)
    }

    /// The fields of table `table`, deduplicated the way the model requires.
    pub(super) fn fields(&mut self, table: usize, response: bool, at: &str) -> Vec<(String, Yaml)> {
        let rows: Vec<&page::Row> = self.page.tables[table].rows.iter().collect();
        self.fields_from(table, &rows, response, at)
    }

    /// The fields of `rows`, some or all rows of table `table`.
    pub(super) fn fields_from(
        &mut self,
        table: usize,
        rows: &[&page::Row],
        response: bool,
        at: &str,
    ) -> Vec<(String, Yaml)> {
        let page = self.page;
        self.building.insert(table);
        let example = response
            .then(|| self.table_examples.get(&table).cloned())
            .flatten();
        self.records.push(example);
        let path = self.table_paths.get(&table).cloned();
        self.record_paths.push((at.to_owned(), path));
        let mut out: Vec<(String, Yaml)> = Vec::new();
        let mut idents: BTreeMap<String, String> = BTreeMap::new();
        for row in rows.iter().copied() {
            if is_placeholder(&row.name) || is_numbered(row) {
                self.note(format!(
                    "{at}.{}: left out: a placeholder, not a name (such fields land in `extra`)",
                    row.name
                ));
                continue;
            }
            if row.name == "auth" && at == format!("{}.params", page.method) {
                self.note(format!(
                    "{at}.auth: left out: the access token is the client's to send"
                ));
                continue;
            }
            let ident = naming::field_name(&row.name).ident;
            if ident == "extra" {
                self.note(format!(
                    "{at}.{}: left out: `extra` is reserved for unknown fields",
                    row.name
                ));
                continue;
            }
            if let Some(other) = idents.get(&ident) {
                if *other != row.name {
                    self.note(format!(
                        "{at}.{}: left out: it and `{other}` both become the Rust field `{ident}`",
                        row.name
                    ));
                }
                continue;
            }
            idents.insert(ident, row.name.clone());
            let field_at = format!("{at}.{}", row.name);
            let ty = self.field_type(row, response, &field_at);
            let value = if row.required && !response {
                Yaml::Map(vec![
                    ("type".to_owned(), Yaml::Str(ty)),
                    ("required".to_owned(), Yaml::Bool(true)),
                ])
            } else if response {
                self.response_field(ty, &field_at)
            } else {
                Yaml::Str(ty)
            };
            out.push((row.name.clone(), value));
        }
        if let Some(Some(serde_json::Value::Object(shown))) =
            self.records.last().filter(|_| self.shown_fields).cloned()
        {
            let added = self.example_fields(&shown, at, |ident, field| {
                let free =
                    !rows.iter().any(|row| row.name == field) && !idents.contains_key(&ident);
                if free {
                    idents.insert(ident, field.to_owned());
                }
                free
            });
            out.extend(added);
        }
        self.records.pop();
        self.record_paths.pop();
        self.building.remove(&table);
        out
    }

    /// The type of `row`, a row of table `table`, read as a field of a record that the
    /// example `record` shows (the context [`PageBuilder::fields_from`] sets for each row).
    pub(super) fn row_type_in(
        &mut self,
        table: usize,
        row: &page::Row,
        record: serde_json::Value,
        response: bool,
        at: &str,
    ) -> String {
        self.building.insert(table);
        self.records.push(Some(record));
        self.record_paths.push((at.to_owned(), None));
        let ty = self.field_type(row, response, at);
        self.record_paths.pop();
        self.records.pop();
        self.building.remove(&table);
        ty
    }

    /// Records that the records of response table `table` stand at `path` under `result`
    /// (see [`PageBuilder::table_paths`]); the first place found holds.
    pub(super) fn place_table(&mut self, table: usize, path: String) {
        self.table_paths.entry(table).or_insert(path);
    }

    /// The example value of field `name` of the record being read, if it shows one.
    pub(super) fn example_of(&self, name: &str) -> Option<serde_json::Value> {
        self.records.last()?.as_ref()?.get(name).cloned()
    }

    /// A response field the table leaves unclear: typed from its example when there is
    /// one, else `raw` for `reason`.
    fn unclear(&mut self, row: &page::Row, response: bool, at: &str, reason: String) -> String {
        if response {
            if let Some(ty) = self.linked_reply(row) {
                return ty;
            }
        }
        match self.example_of(&row.name).filter(|_| response) {
            Some(value) => self.inferred(&value, at, &row.name),
            None => self.raw(at, reason),
        }
    }

    /// The row's type; a date-named field that stays text or raw is noted with the
    /// example that shows it is no date.
    fn field_type(&mut self, row: &page::Row, response: bool, at: &str) -> String {
        let mut ty = self.unclear_field_type(row, response, at);
        if let Some(example) = self.example_of(&row.name).filter(|_| response) {
            // What a portal sent wins over what the table says (`CATEGORY_ID` typed
            // `boolean`, `"2"` shown).
            if !super::infer::fits(&ty, &example) {
                self.note(format!(
                    "{at}: documented `{ty}`, but the reply example shows otherwise: typed by it"
                ));
                ty = self.inferred(&example, at, &row.name);
            }
        }
        // A record's own `ID`, and a method's own `id` parameter, name a record as the ID
        // its `add` returned does (`id`, unsigned): `crm.contact.get` documents both
        // `integer`.
        if is_record_id(&row.name) && ty == "integer" {
            ty = "id".to_owned();
        }
        // `CONTACT_IDS`, `memberIds`: a list of IDs, where a row types one (`crm_contact`
        // with "list of contacts" in prose).
        if is_ids_name(&row.name) && matches!(ty.as_str(), "id" | "integer" | "user") {
            ty.push_str("[]");
        }
        if matches!(ty.as_str(), "string" | "text" | "raw") {
            if let Some(reason) = not_a_date(row, &self.examples) {
                self.shared.dates_kept.push(RawFallback {
                    page: self.page.path.clone(),
                    at: at.to_owned(),
                    reason,
                });
            }
        }
        ty
    }

    /// The row's type: [`PageBuilder::docs_field_type`], and what types a row its docs
    /// type leaves raw, in order: a date name with dates shown or described; and in a
    /// request (not a reply, which its own tables type): a sub-table an `array` row links (`crm.activity.add` `fields`: an object, or a list of it when
    /// the sample sends a list); a table on another page an `object` or `array` row links
    /// ([`Linked`]); a list an `array` row's description shows; for a top-level
    /// parameter, the list parameter rules ([`query_param`]) and then the value the cURL
    /// sample sends for an `array`, `any` or untyped row (a list of strings is
    /// `string[]`).
    fn unclear_field_type(&mut self, row: &page::Row, response: bool, at: &str) -> String {
        let ty = self.unclear_field_type_by_facts(row, response, at);
        // Last, when nothing else typed it: an `array` whose description says it lists
        // IDs, unless a sample sends it in a shape no rule read (`[["user", "3"]]`).
        let array = matches!(row.types.as_slice(), [(text, _)] if text.trim().eq_ignore_ascii_case("array"));
        let sent = [self.page.samples.body.as_ref(), self.sent_body]
            .into_iter()
            .flatten()
            .any(|body| sends(body, &row.name));
        if ty == "raw" && array && !sent && lists_ids(&row.description) {
            self.raws.retain(|raw| raw.at != at);
            return "integer[]".to_owned();
        }
        ty
    }

    /// [`Self::unclear_field_type`] but for the IDs an `array`'s description speaks of.
    fn unclear_field_type_by_facts(&mut self, row: &page::Row, response: bool, at: &str) -> String {
        let ty = self.docs_field_type(row, response, at);
        if ty != "raw" {
            return ty;
        }
        if let Some(date) = unclear_date(row, &self.examples) {
            self.raws.retain(|raw| raw.at != at);
            return date.to_owned();
        }
        let top_param = !response && at == format!("{}.params.{}", self.page.method, row.name);
        let sample = self
            .page
            .samples
            .body
            .as_ref()
            .and_then(|body| body.get(&row.name))
            .filter(|_| top_param);
        let doc = row
            .types
            .first()
            .map(|(text, _)| text.trim().to_ascii_lowercase());
        if doc.as_deref() == Some("array") {
            // A list the description shows (`e.g., ["ext-msg-1007"]`,
            // `"inFavorite": [29]`).
            let shown = markdown::code_spans(&row.description)
                .iter()
                .filter_map(|(span, _)| shown_value(span, &row.name))
                .find(serde_json::Value::is_array)
                .and_then(|value| sample_type(&value));
            if let Some(list) = shown {
                self.raws.retain(|raw| raw.at != at);
                return list;
            }
        }
        // A record the description shows ("in the format `{"module": "crm", "code":
        // "CONTACT"}`"): typed by its fields; fields it does not show land in `extra`. Not
        // a list's `order` or `filter`, nor an object the description keys by something
        // ("key — the option code"): those are maps their example only samples.
        let keyed = row.description.to_ascii_lowercase().contains("key");
        if doc.as_deref() == Some("object")
            && !keyed
            && query_param(&row.name, doc.as_deref()).is_none()
        {
            if let Some(record) = shown_record(&row.description) {
                self.raws.retain(|raw| raw.at != at);
                return self.inferred(&record, at, &row.name);
            }
        }
        // The rules below read what is sent; replies are typed by their own tables.
        if response {
            return match self.listed_records(row, doc.as_deref()) {
                Some(records) => {
                    self.raws.retain(|raw| raw.at != at);
                    records
                }
                None => ty,
            };
        }
        if let (Some("array"), [(_, link)]) = (doc.as_deref(), row.types.as_slice()) {
            if let Ok(table) = self.sub_table(row, link.as_deref(), "array") {
                if !self.building.contains(&table) {
                    self.raws.retain(|raw| raw.at != at);
                    let named = self.named(table, response);
                    let list = sample.is_some_and(|value| {
                        value
                            .as_array()
                            .is_some_and(|items| items.iter().all(|v| v.is_object()))
                    });
                    return if list { format!("{named}[]") } else { named };
                }
            }
        }
        if matches!(doc.as_deref(), Some("object" | "array" | "object[]")) {
            if let Ok(named) = self.linked_type(row, response) {
                self.raws.retain(|raw| raw.at != at);
                let list = doc.as_deref() == Some("object[]")
                    || sample.is_some_and(|value| {
                        value
                            .as_array()
                            .is_some_and(|items| items.iter().all(|v| v.is_object()))
                    });
                return if list { format!("{named}[]") } else { named };
            }
        }
        let unclear = row.types.is_empty() || matches!(doc.as_deref(), Some("array" | "any"));
        // An `object` the sample sends as `{"fileData": [name, base64]}` is an upload.
        let sent_fits = |typed: &String| {
            unclear || (typed == "file" && matches!(doc.as_deref(), Some("object")))
        };
        if !top_param {
            // A field inside a parameter: what the cURL sample sends under its name, when
            // every place the sample uses the name agrees (`fields.iblockSection: [12]`).
            // The table's own page's sample first, then the linking page's.
            let sent = [self.page.samples.body.as_ref(), self.sent_body]
                .into_iter()
                .flatten()
                .find_map(|body| sent_under(body, &row.name))
                .filter(sent_fits);
            if let Some(typed) = sent {
                self.raws.retain(|raw| raw.at != at);
                return typed;
            }
            return ty;
        }
        if let Some((query, reason)) = query_param(&row.name, doc.as_deref()) {
            self.raws.retain(|raw| raw.at != at);
            if let Some(reason) = reason {
                self.raw(at, reason);
            }
            return query.to_owned();
        }
        match sample.and_then(sample_type).filter(sent_fits) {
            Some(typed) => {
                self.raws.retain(|raw| raw.at != at);
                typed
            }
            None => ty,
        }
    }

    /// A `string | object` row (a property's `Name`) whose namesake on the page, in
    /// another case (the action's `NAME`), is described as localized texts: the same
    /// convention, texts by language, which the page says once.
    fn localized_like_its_namesake(&self, row: &page::Row) -> bool {
        let union = union_parts(row);
        if union != ["string", "object"] {
            return false;
        }
        self.page
            .tables
            .iter()
            .flat_map(|table| &table.rows)
            .filter(|other| other.name != row.name && other.name.eq_ignore_ascii_case(&row.name))
            .any(|other| described_union(other) == Some("localized"))
    }

    /// The row's type as its docs type and the typing rules give it.
    fn docs_field_type(&mut self, row: &page::Row, response: bool, at: &str) -> String {
        if let Some(ty) = described_union(row) {
            return ty.to_owned();
        }
        if self.localized_like_its_namesake(row) {
            return "localized".to_owned();
        }
        let [(text, link)] = row.types.as_slice() else {
            let lower = row.name.to_ascii_lowercase();
            return if row.types.is_empty() && lower == "id" {
                // An untyped `id` row (`crm.measure.get`) is an identifier.
                "id".to_owned()
            } else if row.types.is_empty() && names_an_id(&row.name) && !response {
                // An untyped `TASKID`, `USER_ID` sent is an identifier too (an integer).
                "integer".to_owned()
            } else if row.types.is_empty() {
                let ty = self.unclear(row, response, at, "no type given".to_owned());
                if ty == "raw" {
                    self.unseen.insert(at.to_owned());
                }
                ty
            } else {
                let parts: Vec<&str> = row.types.iter().map(|(text, _)| text.as_str()).collect();
                // Other entities' fields (`catalog_product.id`) as the data-types pages
                // type them.
                let doc_types = &self.shared.doc_types;
                let union = map_union_with(&parts, !response, |part| match map_doc_type(part) {
                    Mapped::Spec(spec) => Some(spec),
                    _ if part.contains('.') => match doc_types.resolve(part) {
                        Some(Resolved::Spec(spec)) => Some(spec),
                        _ => None,
                    },
                    _ => None,
                });
                match union {
                    Mapped::Spec(spec) => {
                        let typed = refine(row, &parts.join("|"), spec, &self.examples);
                        self.typed(row, typed)
                    }
                    // `object | array`: read as the one `object` span it stands for.
                    Mapped::Object { list: false, name } => {
                        let span = row
                            .types
                            .iter()
                            .find(|(text, _)| text.trim().eq_ignore_ascii_case(&name))
                            .cloned();
                        let single = page::Row {
                            types: span.into_iter().collect(),
                            ..row.clone()
                        };
                        self.docs_field_type(&single, response, at)
                    }
                    _ => {
                        let reason = format!("several types `{}`", parts.join(" | "));
                        self.unclear(row, response, at, reason)
                    }
                }
            };
        };
        // A union in one span (`integer | integer[]`) is read as a request's or a
        // reply's: a request sends one of its types, a reply may hold any.
        let mapped = match map_doc_type(text) {
            Mapped::Spec(_) | Mapped::Raw(_) if !response && text.contains('|') => {
                let parts: Vec<&str> = text.split('|').collect();
                match map_union(&parts, true) {
                    Mapped::Raw(_) => {
                        return self.raw(at, format!("several types `{}`", text.trim()));
                    }
                    mapped => mapped,
                }
            }
            mapped => mapped,
        };
        match mapped {
            Mapped::Spec(spec) => {
                let typed = refine(row, text, spec, &self.examples);
                self.typed(row, typed)
            }
            Mapped::Raw(reason) => self.unclear(row, response, at, reason),
            Mapped::Object { list, name } => {
                // A field of another entity (`catalog_product.id`) is never a sub-table.
                let dotted = name.contains('.');
                let table = (!dotted).then(|| self.sub_table(row, link.as_deref(), &name));
                match table {
                    Some(Ok(table)) if self.building.contains(&table) => {
                        self.raw(at, "the type contains itself")
                    }
                    Some(Ok(table)) if !list && self.keyed_table(table).is_some() => {
                        self.keyed_values(row, table, response, at)
                    }
                    Some(Ok(table)) => {
                        let keyed = self.keyed_example(row, table).filter(|_| response && !list);
                        let Some((record, listed)) = keyed else {
                            self.note_table_example(row, table, response);
                            let named = self.named(table, response);
                            return if list { format!("{named}[]") } else { named };
                        };
                        self.table_examples.entry(table).or_insert(record);
                        let named = self.named(table, response);
                        if listed {
                            format!("map<{named}[]>")
                        } else {
                            format!("map<{named}>")
                        }
                    }
                    _ if response
                        && self
                            .linked
                            .entity_table(&self.page.path, row, &name)
                            .is_some() =>
                    {
                        let named = self.entity_type(row, &name);
                        if list { format!("{named}[]") } else { named }
                    }
                    other => {
                        let reason = match other {
                            Some(Err(reason)) => reason,
                            _ => format!(
                                "docs type `{name}`: the data-types pages do not describe it"
                            ),
                        };
                        match self.shared.doc_types.resolve(&name) {
                            Some(resolved) => {
                                let typed = self.docs_typed(row, text, &name, resolved);
                                let ty = self.typed(row, typed);
                                if list { format!("{ty}[]") } else { ty }
                            }
                            None => self.unclear(row, response, at, reason),
                        }
                    }
                }
            }
        }
    }

    /// A type the data-types pages give: a spec type the rules still apply to, or the
    /// values of an enumeration docs type (one enum per docs type and scope).
    fn docs_typed(&mut self, row: &page::Row, text: &str, name: &str, resolved: Resolved) -> Typed {
        match resolved {
            Resolved::Spec(spec) => refine(row, text, spec, &self.examples),
            Resolved::Values(ValueSet::YesNo) => Typed::Spec("char".to_owned()),
            Resolved::Values(ValueSet::Values(values)) => Typed::Docs {
                name: name.to_ascii_lowercase(),
                values,
            },
        }
    }

    /// Keeps the example of `row` (a record, or a list of them merged) as the example of
    /// the records of `table`, which types it.
    pub(super) fn note_table_example(&mut self, row: &page::Row, table: usize, response: bool) {
        if response {
            if let Some((_, Some(path))) = self.record_paths.last() {
                let path = format!("{path}.{}", row.name);
                self.place_table(table, path);
            }
        }
        if let Some(record) = self.example_record(&row.name).filter(|_| response) {
            self.table_examples.entry(table).or_insert(record);
        }
    }

    /// The example of field `name` as one record: the object shown, or the objects of
    /// the list shown merged.
    pub(super) fn example_record(&self, name: &str) -> Option<serde_json::Value> {
        let record = match self.example_of(name)? {
            serde_json::Value::Array(items) => super::infer::merge_all(items.iter()),
            other => Some(other),
        };
        record.filter(serde_json::Value::is_object)
    }

    /// The spec type for what the typing rules decided; an enum is made (or reused) here.
    fn typed(&mut self, row: &page::Row, typed: Typed) -> String {
        let scope = self.scope.clone();
        match typed {
            Typed::Spec(spec) => spec,
            Typed::Values { values, list } => {
                let key = format!("field {} {values:?}", row.name);
                let base = format!("{} {}", self.prefix, row.name).to_upper_camel_case();
                let name = self.enum_type(scope, key, &base, values);
                if list { format!("{name}[]") } else { name }
            }
            Typed::Docs { name, values } => {
                let key = format!("docs {name}");
                // `crm_enum_activitytype` -> `CrmEnumActivitytypeValue`: the method
                // `crm.enum.activitytype` has the plain name.
                let base = format!("{} value", name).to_upper_camel_case();
                self.enum_type(scope, key, &base, values)
            }
        }
    }

    /// The enum for `values` ([`enum_for`]), with this page as its docs.
    fn enum_type(
        &mut self,
        scope: String,
        key: String,
        base: &str,
        values: Vec<(String, String)>,
    ) -> String {
        enum_for(
            self.shared,
            self.used,
            &scope,
            key,
            base,
            values,
            &self.page.path,
        )
    }

    /// The table on this page that describes `row`'s object.
    pub(super) fn sub_table(
        &self,
        row: &page::Row,
        link: Option<&str>,
        name: &str,
    ) -> Result<usize, String> {
        let page = self.page;
        if let Some(table) = link
            .and_then(|l| l.strip_prefix('#'))
            .and_then(|anchor| page.anchors.get(anchor))
        {
            return Ok(*table);
        }
        let linked: BTreeSet<usize> = markdown::links(&row.description)
            .iter()
            .filter_map(|(_, target)| target.strip_prefix('#'))
            .filter_map(|anchor| page.anchors.get(anchor).copied())
            .collect();
        match linked.len() {
            1 => return Ok(linked.into_iter().next().unwrap_or_default()),
            0 => {}
            _ => return Err("the description links several sub-tables".to_owned()),
        }
        if let Some(table) = page.named.get(&row.name.to_ascii_lowercase()) {
            return Ok(*table);
        }
        match link {
            Some(target) if target.contains(".md#") && !target.contains("data-types") => Err(
                format!("docs type `{name}` is described on another page ({target})"),
            ),
            _ => Err(format!("docs type `{name}` has no sub-table on the page")),
        }
    }

    /// The named type of table `table`, built on first use.
    pub(super) fn named(&mut self, table: usize, response: bool) -> String {
        if let Some(name) = self.memo.get(&(table, response)) {
            return name.clone();
        }
        let info = &self.page.tables[table];
        let key = info
            .key
            .clone()
            .unwrap_or_else(|| format!("table {}", info.line));
        let name = self.unique_name(&key);
        self.build_named(table, response, name)
    }

    /// Build table `table` as the named type `name`.
    pub(super) fn build_named(&mut self, table: usize, response: bool, name: String) -> String {
        let page = self.page;
        let key = page.tables[table].key.clone().unwrap_or_default();
        self.memo.insert((table, response), name.clone());
        let fields = self.fields(table, response, &name);
        let anchored = page.anchors.get(&key) == Some(&table);
        let docs = if anchored {
            format!("{}#{key}", page.path)
        } else {
            page.path.clone()
        };
        self.types.push((
            name.clone(),
            Yaml::Map(vec![
                ("docs".to_owned(), Yaml::Str(docs)),
                ("fields".to_owned(), Yaml::Map(fields)),
            ]),
        ));
        name
    }

    pub(super) fn unique_name(&mut self, key: &str) -> String {
        let mut base = format!("{} {key}", self.prefix).to_upper_camel_case();
        if !naming::is_type_name(&base) {
            base = format!("T{}", base.to_upper_camel_case());
        }
        let mut name = base.clone();
        let mut n = 2;
        while self.used.contains(&name) || !naming::is_type_name(&name) {
            name = format!("{base}{n}");
            n += 1;
            if n > 1000 {
                break;
            }
        }
        self.used.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokenize, interpret and build one page the way the tree walk does.
    fn build_one(text: &str) {
        let tokens = markdown::parse_page(text);
        if let Some(page) = page::method_page("api-reference/x/y.md", &tokens) {
            let mut used = BTreeSet::new();
            let mut shared = Shared::default();
            let linked = Linked::default();
            let prefix = request_type_name(&page.method, Root::Main);
            let _ = PageBuilder::new(&page, prefix, &mut used, &mut shared, &linked).method();
        }
    }

    #[test]
    fn no_page_panics_cut_or_garbled() {
        let pages = [
            include_str!("../../tests/docs/api-reference/crm/widgets/crm-widget-add.md"),
            include_str!("../../tests/docs/api-reference/crm/widgets/crm-widget-get.md"),
            include_str!("../../tests/docs/api-reference/tasks/tasks-gadget-list.md"),
        ];
        let inserts = [
            "", "||", "|", "\n#|\n", "\n|#\n", "```", "`", "**", "{#", "é",
        ];
        for text in pages {
            for (index, _) in text.char_indices().step_by(11) {
                for insert in inserts {
                    build_one(&format!("{}{insert}", &text[..index]));
                    build_one(&format!("{}{insert}{}", &text[..index], &text[index..]));
                }
            }
        }
    }
}
