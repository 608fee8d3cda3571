//! The result side of a method page: what `result` decodes into, from the Returned Data
//! table where it says, from the JSON reply examples where it does not (see "Result" in
//! the module docs of [`crate::import`]), and the list facts of paginated methods.

use serde_json::{Map, Value};

use super::builder::PageBuilder;
use super::documented::RowTypes;
use super::emit_yaml::Yaml;
use super::field_names::is_record_id;
use super::infer::{self, Shape};
use super::kind::method_kind;
use super::page::{self, JsonKind};
use super::ts_shape;
use super::types::{Mapped, map_doc_type};
use crate::naming;

/// Whether `value`, which the example typing reads as `inferred`, reads as the number
/// type `documented` too (a number, or text that parses as one).
fn reads_as(documented: &str, inferred: &str, value: &Value) -> bool {
    matches!(
        (documented, inferred),
        ("integer", "string") | ("double" | "decimal", "string" | "integer")
    ) && infer::fits(documented, value)
}

/// Rows of a Returned Data table that describe the envelope, not `result`.
pub(super) const ENVELOPE_ROWS: &[&str] = &[
    "result",
    "total",
    "next",
    "time",
    "error",
    "error_description",
];

impl PageBuilder<'_> {
    /// The `result` of every reply example of the page, unmerged, read once per page. A
    /// page whose replies
    /// never show `result` shows the result itself, without its envelope (`{"comment":
    /// {...}}` on rpa.comment.add): those replies are taken whole, error replies and
    /// envelopes left out.
    fn result_examples(&self) -> &[Value] {
        self.result_examples
            .get_or_init(|| self.read_result_examples())
    }

    /// Every JSON reply example of the page that parses, whole.
    fn replies(&self) -> Vec<Value> {
        self.page
            .response_json
            .iter()
            .filter_map(|text| infer::parse_example(text))
            .collect()
    }

    fn read_result_examples(&self) -> Vec<Value> {
        let replies = self.replies();
        let enveloped = replies.iter().any(|reply| reply.get("result").is_some());
        replies
            .into_iter()
            .filter_map(|mut reply| match reply.get_mut("result") {
                Some(result) => Some(result.take()),
                None if enveloped => None,
                None => reply
                    .as_object()
                    // An envelope without `result` (`{"measures": [...], "total": 4}`) is
                    // a mistake of the example, not a bare result.
                    .is_some_and(|map| {
                        !map.is_empty() && !ENVELOPE_ROWS.iter().any(|key| map.contains_key(*key))
                    })
                    .then_some(reply),
            })
            .collect()
    }

    /// The `result` of every reply example of the page, merged into one value, with the
    /// records they all leave empty filled in from the JS sample's declaration
    /// ([`ts_shape::fill`]; after the merge, so that no example's values mix with the
    /// declaration's).
    fn result_example(&self) -> Option<Value> {
        let mut merged = infer::merge_all(self.result_examples().iter())?;
        if let Some(shape) = &self.page.samples.result_shape {
            if infer::informative(&merged) {
                ts_shape::fill(&mut merged, shape, "result");
            }
        }
        Some(merged)
    }

    /// The reply carries no data (the `none` result): the `result` row documents `null`,
    /// or a method that changes something shows `result` only as `null` or `[]`. A
    /// reading method's `[]` is an empty list, not nothing, so it is not taken.
    fn no_data(&self) -> bool {
        let rows: &[page::Row] = self
            .page
            .returned
            .map(|table| self.page.tables[table].rows.as_slice())
            .unwrap_or_default();
        let row = rows.iter().find(|r| r.name == "result");
        if let Some(row) = row {
            if let [(text, _)] = row.types.as_slice() {
                if text.eq_ignore_ascii_case("null") {
                    return true;
                }
            }
        }
        if method_kind(&self.page.method) == "read" {
            return false;
        }
        let results = self.result_examples();
        !results.is_empty()
            && results
                .iter()
                .all(|r| r.is_null() || r.as_array().is_some_and(Vec::is_empty))
    }

    /// A `*.fields` method whose page documents no reply but lists the entity's fields
    /// (the outdated `crm.measure.fields`): its reply is their descriptions, as every
    /// documented `*.fields` reply is.
    fn field_list_page(&self) -> bool {
        self.page.method.to_ascii_lowercase().ends_with(".fields")
            && self.page.response_json.is_empty()
            && self
                .linked
                .family_fields(&self.page.method)
                .is_some_and(|(page, _)| page.path == self.page.path)
    }

    /// The result type (see the module docs); where the reply examples contradict what
    /// the table says (`integer` documented, `{"id": 1823}` shown), the examples win:
    /// they are what a portal sent.
    pub(super) fn result(&mut self, params: &[(String, Yaml)]) -> Yaml {
        let at = format!("{}.result", self.page.method);
        if self.no_data() {
            self.note(format!("{at}: the reply carries no data (`null` or `[]`)"));
            return Yaml::str("none");
        }
        if self.field_list_page() {
            self.note(format!(
                "{at}: no reply documented: the page lists the fields it describes"
            ));
            return Yaml::str("map<FieldDescription>");
        }
        let documented = self.documented_result(params);
        let ty = match &documented {
            Yaml::Str(ty) => Some(ty.as_str()),
            Yaml::Map(entries) => entries
                .iter()
                .find(|(key, _)| key == "type")
                .and_then(|(_, ty)| ty.as_str()),
            _ => None,
        };
        // A keyed list (`{"gadgets": [...]}`) shows its records under the key.
        let key = documented
            .get("list")
            .and_then(|list| list.get("key"))
            .and_then(Yaml::as_str);
        let shown = self.result_example();
        let records = match (key, &shown) {
            (Some(key), Some(example)) => example.get(key),
            _ => shown.as_ref(),
        };
        match (ty, records) {
            (Some(ty), Some(records)) if !infer::fits(ty, records) => {
                let example = shown.clone().unwrap_or_default();
                self.note(format!(
                    "{at}: documented `{ty}`, but the reply examples show otherwise: typed by them"
                ));
                self.result_from_example(&example, &at, false)
            }
            _ if ty.is_some_and(|ty| ty.starts_with("raw")) => {
                self.family_record(documented, params)
            }
            _ => documented,
        }
    }

    /// A raw result of a family's `get` or `list` typed by the family's `*.fields` page
    /// (outdated pages that show no reply: `crm.product.get`, `crm.measure.list`).
    /// A list whose page documents no `start` stays a plain array: the pagination marker
    /// needs the parameter it pages with.
    fn family_record(&mut self, raw: Yaml, params: &[(String, Yaml)]) -> Yaml {
        let method = self.page.method.to_ascii_lowercase();
        let list = method.ends_with(".list") || method.ends_with(".getlist");
        if !(list || method.ends_with(".get")) {
            return raw;
        }
        let Some((page, table)) = self.linked.family_fields(&self.page.method) else {
            return raw;
        };
        let at = format!("{}.result", self.page.method);
        let record = self.linked_table_type(page, table, "record");
        self.raws.retain(|r| !r.at.starts_with(&at));
        self.note(format!(
            "{at}: no reply documented: records typed by {}",
            page.method
        ));
        match raw {
            Yaml::Map(mut entries) => {
                for (key, value) in entries.iter_mut() {
                    if key == "type" {
                        *value = Yaml::Str(format!("{record}[]"));
                    }
                }
                Yaml::Map(entries)
            }
            _ if list && params.iter().any(|(name, _)| name == "start") => Yaml::Map(vec![
                ("type".to_owned(), Yaml::Str(format!("{record}[]"))),
                ("list".to_owned(), Yaml::Map(Vec::new())),
            ]),
            _ if list => Yaml::Str(format!("{record}[]")),
            _ => Yaml::Str(record),
        }
    }

    /// The result type the Returned Data table gives, the examples filling its gaps.
    fn documented_result(&mut self, params: &[(String, Yaml)]) -> Yaml {
        let page = self.page;
        let at = format!("{}.result", page.method);
        let is_add = page
            .method
            .rsplit('.')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case("add"));
        let has_start = params
            .iter()
            .any(|(name, ty)| name == "start" && ty.as_str() == Some("integer"));
        let rows: &[page::Row] = page
            .returned
            .map(|table| page.tables[table].rows.as_slice())
            .unwrap_or_default();
        let example = self.result_example();
        let shown = page.example.as_ref();
        let documented = |key: &str| {
            rows.iter().any(|r| r.name == key) || shown.is_some_and(|e| e.top(key).is_some())
        };
        let paginated = has_start && (documented("total") || documented("next"));
        if let Some(value) = &example {
            // `*.fields`: whatever the table says, the reply is the field descriptions.
            if infer::shape("result", value) == Shape::FieldDescriptions {
                return Yaml::str("map<FieldDescription>");
            }
        }
        if example.is_none() {
            if let Some(records) = self.bare_records(rows, &at) {
                return match paginated {
                    true => self.list(records, None, None),
                    false => Yaml::Str(format!("{records}[]")),
                };
            }
        }
        let result_row = rows.iter().find(|r| r.name == "result");
        let Some(row) = result_row else {
            if let Some(flat) = self.flattened(rows, example.as_ref(), &at) {
                return Yaml::Str(flat);
            }
            return match &example {
                Some(Value::Number(_)) if is_add => Yaml::str("id"),
                Some(value) => self.result_from_example(value, &at, paginated),
                None => Yaml::Str(self.raw(&at, "no Returned Data table or example")),
            };
        };
        let [(text, link)] = row.types.as_slice() else {
            return match &example {
                Some(value) => self.result_from_example(value, &at, paginated),
                None => Yaml::Str(self.raw(&at, "the `result` row has no single type")),
            };
        };
        match map_doc_type(text) {
            Mapped::Spec(spec) => match spec.strip_suffix("[]") {
                Some(record) if paginated => self.list(record.to_owned(), None, example.as_ref()),
                _ if spec == "integer" && is_add => Yaml::str("id"),
                _ => Yaml::Str(spec),
            },
            Mapped::Raw(reason) => match &example {
                Some(value) => self.result_from_example(value, &at, paginated),
                // An `array` whose records' fields the table lists beside it.
                None if text.trim().eq_ignore_ascii_case("array") => {
                    match self.flattened(rows, None, &format!("{at} records")) {
                        Some(records) if paginated => self.list(records, None, None),
                        Some(records) => Yaml::Str(format!("{records}[]")),
                        None => Yaml::Str(self.raw(&at, reason)),
                    }
                }
                None => Yaml::Str(self.raw(&at, reason)),
            },
            Mapped::Object { list: true, name } => {
                let records = match self.sub_table(row, link.as_deref(), &name) {
                    Ok(table) => {
                        let record = example
                            .as_ref()
                            .and_then(|e| e.as_array())
                            .and_then(|items| infer::merge_all(items.iter()))
                            .filter(Value::is_object);
                        if let Some(record) = record {
                            self.table_examples.entry(table).or_insert(record);
                        }
                        self.place_table(table, String::new());
                        self.named(table, true)
                    }
                    Err(reason) => match &example {
                        Some(Value::Array(items)) if !items.is_empty() => {
                            let merged = infer::merge_all(items.iter()).unwrap_or_default();
                            self.inferred(&merged, &format!("{at} records"), "record")
                        }
                        _ => self.raw(&format!("{at} records"), reason),
                    },
                };
                if paginated {
                    self.list(records, None, example.as_ref())
                } else {
                    Yaml::Str(format!("{records}[]"))
                }
            }
            Mapped::Object { list: false, name } => {
                match self.sub_table(row, link.as_deref(), &name) {
                    Ok(table) => {
                        if let Some((key, record, list)) = self.wrapped(table, example.as_ref()) {
                            return Yaml::Str(self.wrapper(table, &key, record, list));
                        }
                        if let Some(record) = example.clone().filter(Value::is_object) {
                            self.table_examples.entry(table).or_insert(record);
                        }
                        self.place_table(table, String::new());
                        Yaml::Str(self.named(table, true))
                    }
                    Err(reason) => {
                        if let Some(keyed) = self.keyed_list(rows, paginated, example.as_ref()) {
                            return keyed;
                        }
                        if let Some(flat) = self.flattened(rows, example.as_ref(), &at) {
                            return Yaml::Str(flat);
                        }
                        match &example {
                            Some(value) => self.result_from_example(value, &at, paginated),
                            // The record's fields listed on another page
                            // (`crm.requisite.get`: "the values of [requisite
                            // fields](./index.md#fields)"), its example unreadable.
                            None => match self.linked_reply(row) {
                                Some(record) => {
                                    self.raws.retain(|raw| raw.at != at);
                                    Yaml::Str(record)
                                }
                                None => Yaml::Str(self.raw(&at, reason)),
                            },
                        }
                    }
                }
            }
        }
    }

    /// The key and record of a result that the example shows holding the record table
    /// `table` describes under one key, where the docs say the result is the record
    /// (`vote.attachedvote.get`: "result ... contains the `attach` object", linked to the
    /// table of `attach`; the reply is `{"attach": {...}}`), or a list of them
    /// (`booking.v1.booking.list`: `{"booking": [{...}]}`; the records merged, and `true`).
    /// `None` when any key of the example is a field of the table, or the key's record
    /// shares no field with it.
    fn wrapped(&self, table: usize, example: Option<&Value>) -> Option<(String, Value, bool)> {
        let Some(Value::Object(shown)) = example else {
            return None;
        };
        let rows = &self.page.tables[table].rows;
        let is_field = |key: &String| rows.iter().any(|row| row.name == *key);
        let mut entries = shown.iter();
        let (Some((key, held)), None) = (entries.next(), entries.next()) else {
            return None;
        };
        let (record, list) = match held {
            Value::Array(items) => (infer::merge_all(items.iter())?, true),
            record => (record.clone(), false),
        };
        let Value::Object(fields) = &record else {
            return None;
        };
        if is_field(key) || !fields.keys().any(is_field) {
            return None;
        }
        Some((key.clone(), record, list))
    }

    /// A named result type holding the record of `table` under `key`, or a list of them
    /// (see [`PageBuilder::wrapped`]), with `record` as its example.
    fn wrapper(&mut self, table: usize, key: &str, record: Value, list: bool) -> String {
        self.table_examples.entry(table).or_insert(record);
        self.place_table(table, format!(".{key}"));
        let name = self.unique_name("result");
        let inner = self.named(table, true);
        let held = if list { format!("{inner}[]") } else { inner };
        self.types.push((
            name.clone(),
            Yaml::Map(vec![
                ("docs".to_owned(), Yaml::str(&self.page.path)),
                (
                    "fields".to_owned(),
                    Yaml::Map(vec![(key.to_owned(), Yaml::Str(held))]),
                ),
            ]),
        ));
        name
    }

    /// The result typed from its example alone; a paginated list or a keyed list where
    /// the example shows one.
    fn result_from_example(&mut self, value: &Value, at: &str, paginated: bool) -> Yaml {
        if paginated {
            match infer::shape("result", value) {
                Shape::List(record) => {
                    let records = self.inferred(&record, &format!("{at} records"), "record");
                    return self.list(records, None, Some(value));
                }
                Shape::Object(map) => {
                    let lists: Vec<(&String, &Value)> =
                        map.iter().filter(|(_, v)| v.is_array()).collect();
                    if let [(key, Value::Array(items))] = lists.as_slice() {
                        if map.len() == 1 && !items.is_empty() {
                            let wrapper = naming::list_result_name(&self.prefix);
                            if self.used.insert(wrapper) {
                                let merged = infer::merge_all(items.iter()).unwrap_or_default();
                                let records =
                                    self.inferred(&merged, &format!("{at}.{key} records"), key);
                                return self.list(records, Some(key), Some(value));
                            }
                        }
                    }
                }
                Shape::Unknown => {
                    self.raw(&format!("{at} records"), "the example shows no record");
                    return self.list("raw".to_owned(), None, None);
                }
                _ => {}
            }
        }
        Yaml::Str(self.inferred(value, at, "result"))
    }

    /// The record type of a reply the examples show as a bare list of records, without
    /// its envelope (`[{"id": 1, ...}, ...]` on tasks.api.scrum.epic.list), the table's
    /// rows being the records' fields: the examples that only show the envelope are
    /// read as `result`, so these are read here, where nothing else types the result.
    fn bare_records(&mut self, rows: &[page::Row], at: &str) -> Option<String> {
        let shown = self.replies();
        let mut items = Vec::new();
        for reply in &shown {
            match reply {
                Value::Array(records) if records.iter().all(Value::is_object) => {
                    items.extend(records.iter())
                }
                // An error reply beside the list.
                Value::Object(map) if map.contains_key("error") => {}
                _ => return None,
            }
        }
        let record = infer::merge_all(items.into_iter())?;
        self.flattened(rows, Some(&record), &format!("{at} records"))
    }

    /// The rows of a Returned Data table besides the envelope ones, when the example's
    /// `result` (or, without an example, the table alone) shows they are `result`'s own
    /// fields: many pages list them at the top level instead of in a sub-table.
    fn flattened(
        &mut self,
        rows: &[page::Row],
        example: Option<&Value>,
        at: &str,
    ) -> Option<String> {
        let table = self.page.returned?;
        let own: Vec<&page::Row> = rows
            .iter()
            .filter(|r| !ENVELOPE_ROWS.contains(&r.name.as_str()))
            .collect();
        if own.is_empty() {
            return None;
        }
        match example {
            Some(Value::Object(map)) => {
                let shown = own.iter().filter(|r| map.contains_key(&r.name)).count();
                // Most rows are keys of `result` itself, not of something under it.
                if shown * 2 < own.len() || shown == 0 {
                    return None;
                }
                let mut record = map.clone();
                record.retain(|key, _| {
                    !ENVELOPE_ROWS.contains(&key.as_str()) || own.iter().any(|r| r.name == *key)
                });
                self.table_examples
                    .entry(table)
                    .or_insert(Value::Object(record));
            }
            Some(_) => return None,
            None => {}
        }
        let name = self.unique_name("result");
        self.place_table(table, String::new());
        let fields = self.fields_from(table, &own, true, at);
        self.types.push((
            name.clone(),
            Yaml::Map(vec![
                ("docs".to_owned(), Yaml::str(&self.page.path)),
                ("fields".to_owned(), Yaml::Map(fields)),
            ]),
        ));
        Some(name)
    }

    /// `{type: "R[]", list: {key?, id_field?}}` for a paginated method, the ID field read
    /// from the records' example.
    fn list(&mut self, records: String, key: Option<&str>, example: Option<&Value>) -> Yaml {
        let mut list = Vec::new();
        if let Some(key) = key {
            list.push(("key".to_owned(), Yaml::str(key)));
        }
        let record = example.and_then(|value| {
            let items = match key {
                Some(key) => value.get(key)?,
                None => value,
            };
            infer::merge_all(items.as_array()?.iter())
        });
        if let Some(Value::Object(record)) = record {
            if !record.contains_key("ID") && record.contains_key("id") {
                list.push(("id_field".to_owned(), Yaml::str("id")));
            }
        }
        Yaml::Map(vec![
            ("type".to_owned(), Yaml::Str(format!("{records}[]"))),
            ("list".to_owned(), Yaml::Map(list)),
        ])
    }

    /// `result` is an object whose only documented content is one list the example shows
    /// under `result.KEY`: a keyed list.
    fn keyed_list(
        &mut self,
        rows: &[page::Row],
        paginated: bool,
        example: Option<&Value>,
    ) -> Option<Yaml> {
        if !paginated {
            return None;
        }
        let page = self.page;
        let others: Vec<&page::Row> = rows
            .iter()
            .filter(|r| !ENVELOPE_ROWS.contains(&r.name.as_str()))
            .collect();
        let [row] = others.as_slice() else {
            return None;
        };
        let shown = page.example.as_ref().is_some_and(|e| {
            e.result_keys
                .iter()
                .any(|(k, kind)| *k == row.name && *kind == JsonKind::Array)
        });
        let [(text, link)] = row.types.as_slice() else {
            return None;
        };
        if !shown {
            return None;
        }
        let at = format!("{}.result.{}", page.method, row.name);
        let wrapper = naming::list_result_name(&self.prefix);
        if !self.used.insert(wrapper.clone()) {
            self.raw(
                &at,
                format!("the keyed list's type name `{wrapper}` is taken"),
            );
            return None;
        }
        let items = example
            .and_then(|e| e.get(&row.name))
            .and_then(Value::as_array)
            .and_then(|items| infer::merge_all(items.iter()));
        let records = match map_doc_type(text) {
            Mapped::Spec(spec) => spec.strip_suffix("[]")?.to_owned(),
            Mapped::Object { list: true, name } => {
                match self.sub_table(row, link.as_deref(), &name) {
                    Ok(table) => {
                        if let Some(record) = items.filter(Value::is_object) {
                            self.table_examples.entry(table).or_insert(record);
                        }
                        self.place_table(table, format!(".{}", row.name));
                        self.named(table, true)
                    }
                    Err(reason) => match items {
                        Some(record) => self.inferred(&record, &format!("{at} records"), &row.name),
                        None => self.raw(&format!("{at} records"), reason),
                    },
                }
            }
            _ => return None,
        };
        Some(self.list(records, Some(&row.name), example))
    }

    /// The spec type of an example value found under `key`; objects become named types
    /// (named after the key), lists and maps of what their elements show.
    pub(super) fn inferred(&mut self, value: &Value, at: &str, key: &str) -> String {
        match infer::shape(key, value) {
            Shape::Scalar(spec) => match self.documented(key) {
                // A number sent as text ("CREATED_BY": "1269") where the reply table
                // documents a number.
                Some(documented) if reads_as(&documented, spec, value) => documented,
                _ => spec.to_owned(),
            },
            Shape::FieldDescriptions => "map<FieldDescription>".to_owned(),
            Shape::Map(element) => {
                let inner = self.inferred(&element, &format!("{at}.*"), &format!("{key} item"));
                format!("map<{inner}>")
            }
            Shape::List(element) => {
                let inner = self.inferred(&element, at, &format!("{key} item"));
                format!("{inner}[]")
            }
            Shape::Object(map) => self.inferred_object(&map, at, key),
            Shape::Unknown => {
                if let Some(documented) = self.documented(key) {
                    return documented;
                }
                if let Some(declared) = self.declared(at, key) {
                    let ty = self.inferred(&declared, at, key);
                    // Builtins are lower case, named types upper: a record the declaration
                    // describes, which nothing else would type.
                    if ty.chars().any(|c| c.is_ascii_uppercase()) {
                        return ty;
                    }
                    return self.unless_namesakes(at, ty, "the sample declares it");
                }
                if let Some(ty) = self.described(key, at) {
                    return self.unless_namesakes(
                        at,
                        ty,
                        "the family's `*.fields` reply describes it",
                    );
                }
                match self.linked.module_type(&self.page.path, key) {
                    // The module's tables name the field alike wherever they list it.
                    Some(ty) => ty.to_owned(),
                    None => self.unseen(at, "the example shows nothing to type it by"),
                }
            }
            Shape::Mixed => self.raw(at, "the examples show values of different kinds"),
        }
    }

    /// An example of what the JS sample's TypeScript declaration of the result shows at
    /// `at` (`crm.x.get.result.item.startPlan`), for a field the reply example leaves
    /// `null` or empty; `None` when it declares nothing there.
    fn declared(&self, at: &str, key: &str) -> Option<Value> {
        let shape = self.page.samples.result_shape.as_ref()?;
        let rest = self.result_path(at)?;
        let path: Vec<&str> = rest.split('.').filter(|s| !s.is_empty()).collect();
        let example = shape.at(&path)?.example(key);
        infer::informative(&example).then_some(example)
    }

    /// The type every row named `key` in the page's reply tables states (the result's
    /// table and those after it; see [`super::documented`]), when they agree: what types a field of a
    /// record typed from the example, which shows it `null` (`im.recent.get`'s
    /// `chat.background_id`, `integer` in the table of the chat). Tables before the
    /// result's describe the request.
    fn documented(&self, key: &str) -> Option<String> {
        let types = self.reply_rows.get_or_init(|| {
            let page = self.page;
            let from = page
                .returned
                .and_then(|table| page.tables.get(table))
                .map(|table| table.line);
            RowTypes::of(
                page.tables
                    .iter()
                    .filter(|table| from.is_some_and(|from| table.line >= from))
                    .flat_map(|table| &table.rows),
            )
        });
        types.agreed(key).map(str::to_owned)
    }

    /// Where `at` stands under `result`, as `.chat.mute_list`: `{method}.result...` as
    /// it reads (a list's `records` step dropped: the shapes' lists hold them), or the
    /// field of a table's record whose place under `result` is known; `None` elsewhere.
    fn result_path(&self, at: &str) -> Option<String> {
        if let Some(rest) = at.strip_prefix(&format!("{}.result", self.page.method)) {
            return Some(rest.replace(" records", ""));
        }
        self.record_paths.iter().rev().find_map(|(record, path)| {
            let rest = at.strip_prefix(record.as_str())?;
            rest.starts_with('.')
                .then(|| Some(format!("{}{rest}", path.as_ref()?)))?
        })
    }

    /// A field the example leaves `null` that another source types (`source`): that
    /// type unless its namesakes, which saw values, agree on one ([`super::namesakes`]).
    fn unless_namesakes(&mut self, at: &str, ty: String, source: &str) -> String {
        let reason = format!(
            "the example shows nothing to type it by; {source} `{ty}`, its type unless its \
             namesakes agree on one"
        );
        self.declared.insert(at.to_owned(), ty);
        self.unseen(at, reason)
    }

    /// The field descriptions of the family's `*.fields` reply, read once per page.
    fn family_descriptions(&self) -> Option<&Map<String, Value>> {
        self.family_descriptions
            .get_or_init(|| {
                let page = self.linked.fields_page(&self.page.method)?;
                page.response_json
                    .iter()
                    .filter_map(|text| infer::parse_example(text))
                    .find_map(|mut reply| match reply.get_mut("result")?.take() {
                        Value::Object(fields) if infer::is_field_descriptions(&fields) => {
                            Some(fields)
                        }
                        _ => None,
                    })
            })
            .as_ref()
    }

    /// The type the reply of the family's `*.fields` method gives the field `key` of the
    /// record the page returns (`crm.company.get` `REG_ADDRESS_CITY`: `crm.company.fields`
    /// shows `{"type": "string", "isMultiple": false, ...}`), for a field the reply
    /// example leaves `null`; `None` for a nested record's field or one it does not list.
    fn described(&self, key: &str, at: &str) -> Option<String> {
        if self.result_path(at)? != format!(".{key}") {
            return None;
        }
        let field = self.family_descriptions()?.get(key)?;
        let documented = field.get("type")?.as_str()?;
        let spec = match map_doc_type(documented) {
            Mapped::Spec(spec)
                if matches!(spec.as_str(), "double" | "integer" | "string")
                    && crate::rules::money::is_money_field(key, documented) =>
            {
                "decimal".to_owned()
            }
            Mapped::Spec(spec) => spec,
            _ => return None,
        };
        let multiple = field.get("isMultiple").and_then(Value::as_bool) == Some(true);
        Some(if multiple && !spec.ends_with("[]") {
            format!("{spec}[]")
        } else {
            spec
        })
    }

    /// The fields of the example record `shown` (of the record at `at`), each typed from
    /// its value: those `take` accepts (given the Rust name and the wire name; it records
    /// the names it takes). A portal's own keys, non-names and `extra` are left to
    /// `extra`.
    pub(super) fn example_fields(
        &mut self,
        shown: &Map<String, Value>,
        at: &str,
        mut take: impl FnMut(String, &str) -> bool,
    ) -> Vec<(String, Yaml)> {
        let mut fields = Vec::new();
        for (field, value) in shown {
            if !infer::is_example_field(field) {
                continue;
            }
            let ident = naming::field_name(field).ident;
            if ident == "extra" || !take(ident, field) {
                continue;
            }
            let field_at = format!("{at}.{field}");
            let mut ty = self.inferred(value, &field_at, field);
            if is_record_id(field) && ty == "integer" {
                ty = "id".to_owned();
            }
            fields.push((field.clone(), self.response_field(ty, &field_at)));
        }
        fields
    }

    /// A named type for an example object: one field per key (portal-specific keys land
    /// in `extra`), each typed from its value.
    fn inferred_object(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> String {
        let name = self.unique_name(key);
        let mut idents = std::collections::BTreeSet::new();
        let fields = self.example_fields(map, at, |ident, _| idents.insert(ident));
        self.types.push((
            name.clone(),
            Yaml::Map(vec![
                ("docs".to_owned(), Yaml::str(&self.page.path)),
                ("fields".to_owned(), Yaml::Map(fields)),
            ]),
        ));
        name
    }
}
