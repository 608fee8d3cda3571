//! One tokenized page -> the facts of one method: name, scope, deprecation, REST 3.0
//! marker, the parameter table, anchored sub-tables, the Returned Data table and the
//! JSON example's shape; or of one event ([`event_page`]): its code and where its `data`
//! is described.

use std::collections::BTreeMap;

use super::markdown::{self, Block};
use super::names;
use super::params::ParamCandidates;
pub(crate) use super::samples::is_method_name;
use super::samples::{self, Samples};
use super::table::field_table;
pub(crate) use super::table::{FieldTable, Row};

/// A method page, interpreted.
#[derive(Debug)]
pub(crate) struct MethodPage {
    /// Path relative to the docs root (`api-reference/crm/deals/crm-deal-add.md`).
    pub(crate) path: String,
    /// The REST method name from the title.
    pub(crate) method: String,
    /// The first scope of the `> Scope:` line, normalised to a spec scope name.
    pub(crate) scope: Option<String>,
    /// `Some(replacement)` when a note says the method is deprecated.
    pub(crate) deprecated: Option<Option<String>>,
    /// The page says the method belongs to REST 3.0.
    pub(crate) v3: bool,
    /// Every table with a type column, in page order.
    pub(crate) tables: Vec<FieldTable>,
    /// The parameter table (index into `tables`).
    pub(crate) params: Option<usize>,
    /// The parameter section has a table that could not be read.
    pub(crate) params_unreadable: bool,
    /// `{#anchor}` -> the first table under that heading.
    pub(crate) anchors: BTreeMap<String, usize>,
    /// `### Parameter NAME` / `### NAME Parameter` (lowercase NAME) -> its table.
    pub(crate) named: BTreeMap<String, usize>,
    /// The Returned Data table.
    pub(crate) returned: Option<usize>,
    /// The shape of the first JSON example of the response.
    pub(crate) example: Option<Example>,
    /// Every JSON code block under a response or error heading that is valid JSON, as
    /// written: the docs' captured replies, for the project's fixture set.
    pub(crate) json_examples: Vec<String>,
    /// Every JSON code block under a response heading, as written (valid JSON or the
    /// docs' shorthand with comments and `...`): what [`super::infer`] reads shapes from.
    pub(crate) response_json: Vec<String>,
    /// The page (docs path) whose reply the Response section says this one's is like
    /// ("returns a result similar to [rpa.item.get](./rpa-item-get.md)").
    pub(crate) reply_like: Option<String>,
    /// Tables (or rows) that could not be read: (line, reason).
    pub(crate) problems: Vec<(usize, String)>,
    /// What the code samples call and send.
    pub(crate) samples: Samples,
    /// The title's method name, when the samples call another ([`names`]).
    pub(crate) title_method: Option<String>,
}

/// The kind of a JSON value, as far as the example shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonKind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// `1`, `-1.5`
    Number,
    /// `true` / `false`
    Bool,
    /// `null`
    Null,
    /// Anything else (`...`, comments).
    Other,
}

/// Top-level keys of a response example, and the keys of `result` when it is an object.
#[derive(Debug, Default)]
pub(crate) struct Example {
    /// Top-level keys.
    pub(crate) top: Vec<(String, JsonKind)>,
    /// Keys of the `result` object.
    pub(crate) result_keys: Vec<(String, JsonKind)>,
}

impl Example {
    /// The kind of top-level `key`.
    pub(crate) fn top(&self, key: &str) -> Option<JsonKind> {
        self.top
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, kind)| *kind)
    }
}

/// The method a title names: its last token that is a method name.
pub(crate) fn method_in_title(title: &str) -> Option<String> {
    title
        .split_whitespace()
        .map(|token| {
            token.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*'))
        })
        .rfind(|token| is_method_name(token) && !is_version(token))
        .map(str::to_owned)
}

/// `imbot.v2`: a family of methods (`# API Change Log for imbot.v2`), not a method.
fn is_version(name: &str) -> bool {
    name.rsplit('.').next().is_some_and(|last| {
        last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit())
    })
}

/// The spec scope for a `> Scope:` line: the first scope named, lowercase, with
/// characters other than letters, digits and `_` turned into `_` (`sign.b2e` -> `sign_b2e`).
pub(crate) fn scope_of(line: &str) -> Option<String> {
    let spans = markdown::code_spans(line);
    let first = spans
        .first()?
        .0
        .split(',')
        .next()?
        .trim()
        .to_ascii_lowercase();
    let scope: String = first
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    scope
        .starts_with(|c: char| c.is_ascii_lowercase())
        .then_some(scope)
}

/// Interpret a tokenized page; `None` when it is not a method page.
pub(crate) fn method_page(path: &str, page: &markdown::Page) -> Option<MethodPage> {
    let samples = samples::read(&page.blocks);
    let (method, title_method) = match method_in_title(page.title.as_deref()?) {
        Some(title) => names::choose(title, &samples, path),
        None => (names::from_file(&samples, path)?, None),
    };
    let has_method_sections = page.blocks.iter().any(|block| {
        matches!(block, Block::Heading(h) if h.level == 2 && {
            let text = h.text.to_ascii_lowercase();
            text.contains("parameters") || text.contains("response")
        })
    });
    if page.scope_line.is_none() && !has_method_sections {
        return None;
    }
    let (mut out, candidates) = read_page_with(path, page, method);
    if out.params.is_none() {
        out.params = candidates.choose(&mut out.tables, samples.body.as_ref());
    }
    out.samples = samples;
    out.title_method = title_method;
    Some(out)
}

/// A page that documents no method, read for its field tables (a page of object fields
/// such as `tasks/fields.md`, which parameters link); `None` when it has none.
pub(crate) fn table_page(path: &str, page: &markdown::Page) -> Option<MethodPage> {
    let out = read_page(path, page, String::new());
    (!out.tables.is_empty()).then_some(out)
}

/// An event page, interpreted: the tables as for a method page (its `method` is the
/// event code), plus where the event's `data` is described.
#[derive(Debug)]
pub(crate) struct EventPage {
    /// The event code, upper case (`ONCRMDEALADD`).
    pub(crate) code: String,
    /// The page's tables, anchors, scope and deprecation.
    pub(crate) page: MethodPage,
    /// A table made of the `data.NAME` rows (index into `page.tables`), names without
    /// the `data.` prefix.
    pub(crate) data_rows: Option<usize>,
    /// The `data` row: (table, row).
    pub(crate) data_row: Option<(usize, usize)>,
}

/// Whether a docs folder holds event pages (`events`, `events-tasks`).
pub(crate) fn is_events_folder(segment: &str) -> bool {
    segment == "events" || segment.starts_with("events-")
}

/// Interpret a page under an events folder that is not a method page; `None` when no
/// event code is found (JS interface events such as `BackgroundCallCard::initialized`,
/// overviews, pages whose examples show several events). The code is the JSON example's `event` value, else the title's last
/// token that reads as an event code (`onCrmDealAdd`, `CATALOG.PRICE.ON.ADD`), upper case.
pub(crate) fn event_page(path: &str, page: &markdown::Page) -> Option<EventPage> {
    let inner = path.strip_prefix("api-reference/").unwrap_or(path);
    let (folder, file) = inner.rsplit_once('/')?;
    if file == "index.md" || !folder.split('/').any(is_events_folder) {
        return None;
    }
    let mut shown: Vec<String> = page
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Code { text, .. } => example_event_code(text),
            _ => None,
        })
        .collect();
    shown.dedup();
    let code_headings = page
        .blocks
        .iter()
        .filter(|block| {
            matches!(block, Block::Heading(h) if h.text.split_whitespace().next().is_some_and(is_event_code))
        })
        .count();
    // Examples or sections of several events: an overview of an event family (the
    // imbot.v2 event formats), not one event.
    if shown.len() > 1 || code_headings > 1 {
        return None;
    }
    let code = shown
        .pop()
        .or_else(|| page.title.as_deref().and_then(code_in_title))?;
    let mut out = read_page(path, page, code.clone());
    // Event pages say it in the note's header ("Event development has been halted").
    if out.deprecated.is_none() {
        let halted = page
            .blocks
            .iter()
            .take_while(|block| !matches!(block, Block::Heading(h) if h.level == 2))
            .any(|block| {
                matches!(block, Block::Note { header, .. } if {
                    let header = header.to_ascii_lowercase();
                    header.contains("has been halted") || header.contains("deprecated")
                })
            });
        if halted {
            out.deprecated = Some(None);
        }
    }
    let mut data_row = None;
    let mut data_rows = None;
    for (index, table) in out.tables.iter().enumerate() {
        if data_row.is_none() {
            data_row = table
                .rows
                .iter()
                .position(|row| row.name == "data")
                .map(|row| (index, row));
        }
        let rows: Vec<Row> = table
            .rows
            .iter()
            .filter_map(|row| {
                let name = row.name.strip_prefix("data.")?;
                (!name.is_empty() && !name.contains('.')).then(|| Row {
                    name: name.to_owned(),
                    required: row.required,
                    types: row.types.clone(),
                    description: row.description.clone(),
                })
            })
            .collect();
        if data_rows.is_none() && !rows.is_empty() {
            data_rows = Some(FieldTable {
                line: table.line,
                key: None,
                rows,
            });
        }
    }
    let data_rows = data_rows.map(|table| {
        out.tables.push(table);
        out.tables.len() - 1
    });
    Some(EventPage {
        code,
        page: out,
        data_rows,
        data_row,
    })
}

/// The `event` value of a JSON example of the handler's request.
fn example_event_code(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let code = value.get("event")?.as_str()?.trim();
    is_event_code(code).then(|| code.to_ascii_uppercase())
}

/// The last title token that reads as an event code, upper case.
pub(crate) fn code_in_title(title: &str) -> Option<String> {
    title
        .split_whitespace()
        .map(|token| token.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .rfind(|token| is_event_code(token))
        .map(str::to_ascii_uppercase)
}

/// `onCrmDealAdd`, `ONCRMDEALADD`, `OnTaskAdd`, `CATALOG.PRICE.ON.ADD`: an event code as
/// the docs write it. Plain words (`On`, `Event`, `onDeleting`) do not count unless
/// written in capitals.
fn is_event_code(token: &str) -> bool {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if token.contains('.') {
        return token.split('.').count() > 2
            && token
                .split('.')
                .all(|s| word(s) && !s.chars().any(|c| c.is_ascii_lowercase()));
    }
    if !word(token) || token.len() < 5 {
        return false;
    }
    let upper = !token.chars().any(|c| c.is_ascii_lowercase());
    let camel_on = (token.starts_with("on") || token.starts_with("On"))
        && token[2..].starts_with(|c: char| c.is_ascii_uppercase())
        // `onDeleting`: one capitalised word after `on` is prose, not a code.
        && token[3..].chars().any(|c| c.is_ascii_uppercase());
    (upper && token.starts_with("ON")) || camel_on
}

/// Read the tables, notes and examples of a page about `method` (or an event code).
fn read_page(path: &str, page: &markdown::Page, method: String) -> MethodPage {
    read_page_with(path, page, method).0
}

/// [`read_page`], and the tables that may list the parameters when none sits under the
/// parameters heading.
fn read_page_with(
    path: &str,
    page: &markdown::Page,
    method: String,
) -> (MethodPage, ParamCandidates) {
    let mut out = MethodPage {
        path: path.to_owned(),
        method,
        scope: page.scope_line.as_deref().and_then(scope_of),
        deprecated: None,
        v3: false,
        tables: Vec::new(),
        params: None,
        params_unreadable: false,
        anchors: BTreeMap::new(),
        named: BTreeMap::new(),
        returned: None,
        example: None,
        json_examples: Vec::new(),
        response_json: Vec::new(),
        reply_like: None,
        problems: Vec::new(),
        samples: Samples::default(),
        title_method: None,
    };
    let mut h2: Option<String> = None;
    let mut heading: Option<&markdown::Heading> = None;
    let mut heading_has_table = false;
    let mut returned_fallback = None;
    let mut seen_title = false;
    let mut candidates = ParamCandidates::default();
    for block in &page.blocks {
        match block {
            Block::Heading(h) => {
                if h.level <= 2 {
                    // A second `#` heading (`# Method Parameters`) opens a section too.
                    let section = h.level == 2 || seen_title;
                    h2 = section.then(|| h.text.to_ascii_lowercase());
                    seen_title |= h.level == 1;
                }
                heading = Some(h);
                heading_has_table = false;
            }
            Block::Note { header, text } if h2.is_none() => {
                let lower = text.to_ascii_lowercase();
                if lower.contains("belongs to rest 3.0") {
                    out.v3 = true;
                }
                let header = header.to_ascii_lowercase();
                if out.deprecated.is_none()
                    && (header.contains("deprecated")
                        || lower.contains("has been halted")
                        || lower.contains("method is deprecated"))
                {
                    out.deprecated = Some(replacement(text));
                }
            }
            Block::Note { .. } => {}
            Block::Prose(line) => {
                if out.reply_like.is_none() && in_response(h2.as_deref(), heading) {
                    out.reply_like = reply_like(path, line);
                }
            }
            Block::Code { lang, text } => {
                let in_response = in_response(h2.as_deref(), heading);
                if in_response && lang == "json" && out.example.is_none() {
                    out.example = Some(scan_example(text));
                }
                if in_response && lang == "json" {
                    out.response_json.push(text.clone());
                }
                let in_error = h2.as_deref().is_some_and(|h| h.contains("error"));
                if (in_response || in_error)
                    && lang == "json"
                    && serde_json::from_str::<serde_json::Value>(text).is_ok()
                {
                    out.json_examples.push(text.trim().to_owned());
                }
            }
            Block::Table(Err(err)) => {
                out.problems.push((err.line, err.reason.clone()));
                if in_params(h2.as_deref(), heading) {
                    out.params_unreadable = true;
                }
            }
            Block::Table(Ok(table)) => {
                let first_under_heading = !heading_has_table;
                heading_has_table = true;
                let Some((mut field_table, row_problems)) = field_table(table) else {
                    continue;
                };
                for warning in &table.warnings {
                    out.problems.push((table.line, warning.clone()));
                }
                for problem in row_problems {
                    out.problems.push((table.line, problem));
                }
                let index = out.tables.len();
                if first_under_heading {
                    if let Some(h) = heading.filter(|h| h.level >= 2) {
                        let parameter = parameter_heading(&h.text);
                        if let Some(anchor) = &h.anchor {
                            out.anchors.entry(anchor.clone()).or_insert(index);
                            field_table.key = Some(anchor.clone());
                        } else if h.level >= 3 {
                            // The anchor the docs site gives a heading without `{#...}`:
                            // links like `[contact](#contact)` point at it. The table keeps
                            // the parameter's name where the heading gives one.
                            let slug = slug(&h.text);
                            if !slug.is_empty() {
                                out.anchors.entry(slug.clone()).or_insert(index);
                                if parameter.is_none() {
                                    field_table.key = Some(slug);
                                }
                            }
                        }
                        if let Some(name) = parameter {
                            if field_table.key.is_none() {
                                field_table.key = Some(name.clone());
                            }
                            out.named.entry(name.to_ascii_lowercase()).or_insert(index);
                        }
                    }
                }
                if out.params.is_none() && in_params(h2.as_deref(), heading) {
                    out.params = Some(index);
                }
                candidates.see(h2.as_deref(), heading, index);
                if in_response(h2.as_deref(), heading) {
                    let under_returned =
                        heading.is_some_and(|h| h.text.to_ascii_lowercase().contains("returned"));
                    if under_returned && out.returned.is_none() {
                        out.returned = Some(index);
                    } else if returned_fallback.is_none() && heading.is_some_and(|h| h.level == 2) {
                        returned_fallback = Some(index);
                    }
                }
                out.tables.push(field_table);
            }
        }
    }
    if out.returned.is_none() {
        out.returned = returned_fallback;
    }
    (out, candidates)
}

/// Whether a block stands under the reply's description: a `## Response` section, or a
/// `### Response Handling` / `### Returned Data` heading that a page puts under another
/// section (crm.contact.update: under `## Working with Multiple Fields`).
fn in_response(h2: Option<&str>, heading: Option<&markdown::Heading>) -> bool {
    if h2.is_some_and(|h| h.contains("response")) {
        return true;
    }
    let in_errors = h2.is_some_and(|h| h.contains("error"));
    heading.is_some_and(|h| {
        let text = h.text.to_ascii_lowercase();
        h.level >= 3 && !in_errors && (text.contains("response") || text.contains("returned"))
    })
}

/// The page a line of a Response section says the reply is like: "similar to" or "same
/// as" with a link to a method page, resolved from `path`.
fn reply_like(path: &str, line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    if !(lower.contains("similar to") || lower.contains("same as")) {
        return None;
    }
    let target = line.split("](").nth(1)?.split(')').next()?;
    let (file, _) = page_link(target)?;
    join(path, file)
}

/// A link to another method or field page of the docs: (file, anchor). `None` for a
/// web address, a non-page file, or the data-types pages (types, not methods).
pub(crate) fn page_link(target: &str) -> Option<(&str, Option<&str>)> {
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    };
    let page = file.ends_with(".md") && !file.contains("://") && !file.contains("data-types");
    page.then_some((file, anchor))
}

/// `file` (relative, `./x.md`, `../y/z.md`) seen from the page at `from`, normalised.
pub(crate) fn join(from: &str, file: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in file.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// A heading's generated anchor: lowercase, words joined by `-`, punctuation dropped
/// (`Returned Data` -> `returned-data`, `contact` -> `contact`).
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Whether a table here is the top-level parameter table: right under the
/// `## ... Parameters` heading, not under one of its sub-headings.
fn in_params(h2: Option<&str>, heading: Option<&markdown::Heading>) -> bool {
    h2.is_some_and(|h| h.contains("parameters")) && heading.is_some_and(|h| h.level <= 2)
}

/// `Parameter fields`, `FIELDS Parameter`, ``Parameter `filter` `` -> the parameter name.
fn parameter_heading(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches('`'))
        .collect();
    let name = match words.as_slice() {
        [first, name] if first.eq_ignore_ascii_case("parameter") => *name,
        [name, last] if last.eq_ignore_ascii_case("parameter") => *name,
        _ => return None,
    };
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| name.to_owned())
}

/// The replacement a deprecation note names: its only link labelled with a method name.
fn replacement(text: &str) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    for (label, _) in markdown::links(text) {
        let label = label.trim().trim_matches('`').to_owned();
        if is_method_name(&label) && !found.contains(&label) {
            found.push(label);
        }
    }
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Read the top-level keys of a JSON example, tolerating comments and `...`.
pub(crate) fn scan_example(text: &str) -> Example {
    let chars: Vec<char> = text.chars().collect();
    let mut example = Example::default();
    let mut depth = 0usize;
    let mut result_open = false;
    let mut expect_result = false;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                let (key, next) = read_string(&chars, i);
                let mut j = next;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                if chars.get(j) == Some(&':') {
                    j += 1;
                    while j < chars.len() && chars[j].is_whitespace() {
                        j += 1;
                    }
                    let kind = match chars.get(j) {
                        Some('{') => JsonKind::Object,
                        Some('[') => JsonKind::Array,
                        Some('"') => JsonKind::String,
                        Some('t' | 'f') => JsonKind::Bool,
                        Some('n') => JsonKind::Null,
                        Some(c) if c.is_ascii_digit() || *c == '-' => JsonKind::Number,
                        _ => JsonKind::Other,
                    };
                    if depth == 1 {
                        if key == "result" && kind == JsonKind::Object {
                            expect_result = true;
                        }
                        example.top.push((key, kind));
                    } else if depth == 2 && result_open {
                        example.result_keys.push((key, kind));
                    }
                    i = j;
                    continue;
                }
                i = next;
                continue;
            }
            '{' | '[' => {
                depth += 1;
                if depth == 2 && expect_result {
                    result_open = true;
                    expect_result = false;
                }
            }
            '}' | ']' => {
                if depth == 2 {
                    result_open = false;
                }
                depth = depth.saturating_sub(1);
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    example
}

/// The string starting at `chars[start] == '"'`, and the index after its closing quote.
fn read_string(chars: &[char], start: usize) -> (String, usize) {
    let mut out = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if let Some(c) = chars.get(i + 1) {
                    out.push(*c);
                }
                i += 2;
            }
            '"' => return (out, i + 1),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_methods() {
        assert_eq!(
            method_in_title("Create a New Deal crm.deal.add").as_deref(),
            Some("crm.deal.add")
        );
        assert_eq!(
            method_in_title("Get Available Fields (sale.basketitem.getFields)").as_deref(),
            Some("sale.basketitem.getFields")
        );
        assert_eq!(
            method_in_title("Get Task by ID v 3.0 tasks.task.get").as_deref(),
            Some("tasks.task.get")
        );
        assert_eq!(method_in_title("Deprecated task.item.* Methods"), None);
        assert_eq!(method_in_title("Event CATALOG.PRICE.ON.ADD"), None);
        assert_eq!(method_in_title("API Change Log for imbot.v2"), None);
    }

    #[test]
    fn titles_name_events() {
        for (title, code) in [
            (
                "Event When Creating a Deal onCrmDealAdd",
                Some("ONCRMDEALADD"),
            ),
            ("Event on Task Addition OnTaskAdd", Some("ONTASKADD")),
            (
                "Callback Request Event ONEXTERNALCALLBACKSTART",
                Some("ONEXTERNALCALLBACKSTART"),
            ),
            (
                "Event on Adding Price CATALOG.PRICE.ON.ADD",
                Some("CATALOG.PRICE.ON.ADD"),
            ),
            ("Event onDeleting Resource Type", None),
            ("Event on Booking Update", None),
            (
                "After the Call Card Is Created BackgroundCallCard::initialized",
                None,
            ),
        ] {
            assert_eq!(code_in_title(title).as_deref(), code, "{title}");
        }
        assert_eq!(
            example_event_code(r#"{"event": "onCrmActivityAdd", "data": {}}"#).as_deref(),
            Some("ONCRMACTIVITYADD")
        );
        assert_eq!(example_event_code(r#"{"event": "x y"}"#), None);
    }

    #[test]
    fn scopes_are_normalised() {
        assert_eq!(scope_of("> Scope: [`crm`](x.md)").as_deref(), Some("crm"));
        assert_eq!(
            scope_of("> Scope: [`placement, crm`](x.md)").as_deref(),
            Some("placement")
        );
        assert_eq!(
            scope_of("> Scope: [`sign.b2e`](x), [`crm`](x)").as_deref(),
            Some("sign_b2e")
        );
        assert_eq!(scope_of("> Scope:"), None);
    }

    fn params_of(text: &str) -> (String, Vec<(String, bool)>) {
        let tokens = markdown::parse_page(text);
        let page = method_page("api-reference/x/a-b.md", &tokens).expect("a method page");
        let rows = page
            .params
            .map(|t| {
                page.tables[t]
                    .rows
                    .iter()
                    .map(|r| (r.name.clone(), r.required))
                    .collect()
            })
            .unwrap_or_default();
        (page.method, rows)
    }

    #[test]
    fn parameter_tables_found_where_pages_put_them() {
        let row = |name: &str, required: bool| (name.to_owned(), required);
        // Right under the title, before any section.
        let intro = "# Set a.b\n\n> Scope: [`crm`](x)\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
|| **id***\n[`integer`](x) | Id ||\n|#\n\n## Response Handling\n";
        assert_eq!(params_of(intro).1, [row("id", true)]);
        // Ways to call under numbered sub-headings: merged, none required.
        let ways = "# Get a.b\n\n> Scope: [`vote`](x)\n\n## Method Parameters\n\n### 1. By ID\n\n#|\n\
|| **Name**\n`type` | **Description** ||\n|| **attachId***\n[`integer`](x) | Id ||\n|#\n\n\
### 2. By Element\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
|| **entityId***\n[`integer`](x) | Id ||\n|#\n";
        assert_eq!(
            params_of(ways).1,
            [row("attachId", false), row("entityId", false)]
        );
        // A two-column table whose names carry their types, without a `type` header.
        let untyped = "# Get a.b\n\n> Scope: [`crm`](x)\n\n## Method Parameters\n\n#|\n\
|| **Field** | **Description** ||\n|| **code***\n[`string`](x) | Code ||\n|#\n";
        assert_eq!(params_of(untyped).1, [row("code", true)]);
        // No table: the cURL sample's body.
        let sample = "# List a.b\n\n> Scope: [`crm`](x)\n\n## Method Parameters\n\nSee list methods.\n\n\
```bash\ncurl -d '{\"order\":{\"ID\":\"ASC\"},\"select\":[\"ID\"],\"auth\":\"t\"}' \
https://x/rest/a.b\n```\n";
        assert_eq!(
            params_of(sample).1,
            [row("order", false), row("select", false)]
        );
    }

    #[test]
    fn samples_name_the_method() {
        let page = "# Pin a Chat at the Top of the im.recent List\n\n> Scope: [`im`](x)\n\n\
## Method Parameters\n\n```bash\ncurl https://x/rest/1/w/im.recent.pin\n```\n";
        let tokens = markdown::parse_page(page);
        let page = method_page("api-reference/chats/im-recent-pin.md", &tokens).unwrap();
        assert_eq!(page.method, "im.recent.pin");
        assert_eq!(page.title_method.as_deref(), Some("im.recent"));
    }

    #[test]
    fn examples_show_the_result_shape() {
        let example = scan_example(
            r#"{ "result": { "tasks": [ { "id": "1" } ], "x": "a\"b" }, "total": 6, "time": {} }"#,
        );
        assert_eq!(example.top("result"), Some(JsonKind::Object));
        assert_eq!(example.top("total"), Some(JsonKind::Number));
        assert_eq!(
            example.result_keys,
            vec![
                ("tasks".to_owned(), JsonKind::Array),
                ("x".to_owned(), JsonKind::String)
            ]
        );
    }
}
