//! The docs importer: Bitrix24 REST docs pages in, spec files out.
//!
//! [`import_docs`] reads every page under `DOCS/api-reference/` (the markdown sources of
//! the official docs) and writes, in memory, one spec file per docs folder and scope for
//! every method page; `cargo xtask import-docs` is a thin command line over it.
//!
//! # What is read
//!
//! - **Method pages**: the title's last token that is a method name (`# Create a New Deal
//!   crm.deal.add`), on a page with a `> Scope:` line or a `## ... Parameters` /
//!   `## Response ...` section. Overviews, events (`CATALOG.PRICE.ON.ADD`) and JS pages
//!   (`BX24.placement.call`) are not methods.
//! - **Scope**: the first scope the `> Scope:` line names, lowercase, other characters
//!   than letters, digits and `_` turned into `_` (`sign.b2e` -> `sign_b2e`). A method page
//!   without the line (`event.bind`) goes to scope `common` and is listed in the report.
//! - **Deprecation**: a `{% note %}` before the first `##` whose header says
//!   `DEPRECATED` or whose text says development "has been halted"; the replacement is the
//!   note's only link labelled with a method name (`deprecated: {}` when there is none or
//!   several).
//! - **REST 3.0**: a note before the first `##` saying the method "belongs to REST 3.0"
//!   gives `api: v3`. A method documented in both versions keeps both: the REST 3.0 one
//!   goes to a file of its own next to the classic one's (`tasks/result_v3.yaml`), and its
//!   Rust names carry `V3` (`TasksTaskResultListV3`).
//! - **Parameters**: the first table with a type column right under the `## ... Parameters`
//!   heading; rows `|| **NAME** [`type`](...) | description ||`, `*` after the name
//!   (`**id***`, `**id^*^**`) marks it required (`**NAME****`, "required in some cases",
//!   does not).
//! - **Named types**: a row of type `object` (or `T[]`, or a docs type name like `deal`)
//!   becomes a named type when it points at a table on the same page: its type link or
//!   description links `#anchor` of a heading `### ... {#anchor}`, or a heading
//!   `### Parameter NAME` / `### NAME Parameter` names the row. The type is named from the
//!   method and the anchor (`crm.deal.add` + `#fields` -> `CrmDealAddFields`), with `2`,
//!   `3`, ... appended on a clash, in page order. Types read from response tables never
//!   mark fields required (a missing field must not fail decoding).
//! - **Types**: see [`types`](self#docs-types) below; what the docs leave unclear is `raw`
//!   and listed in [`ImportReport::raw_fallbacks`] with the reason.
//! - **Result**: the `result` row of the `### Returned Data` table (or the first typed
//!   table of `## Response Handling`), else the first JSON example:
//!   a builtin type maps as above (`integer` of an `*.add` method is `id`); an object with a
//!   sub-table is a named type; `T[]` with `total`/`next` documented and a `start`
//!   parameter is a paginated list (`raw[]` records when the record type is unclear); an
//!   `object` `result` whose only other row is a list that the example shows under
//!   `result.KEY` is a keyed list; everything else is `raw`.
//! - **Event pages**: a page under an events folder (`crm/deals/events/`,
//!   `tasks/events-tasks/`) that is not a method page and names an event code: the JSON
//!   example's `"event"` value, else the title's last code-like token (`onCrmDealAdd`,
//!   `CATALOG.PRICE.ON.ADD`), upper case. Its `data` type is named from the file name
//!   (`on-crm-deal-add.md` -> `OnCrmDealAdd`, `Event` then `2`, ... appended on a clash)
//!   and built from, in order: the `data.NAME` rows of the request table; the sub-table
//!   the `data` row links to; a `## ... Parameters` table without the request's own rows
//!   (`event`, `data`, `auth`); else no fields (all in `extra`, reported as a raw
//!   fallback). Sub-tables are named as for methods, with the data type as prefix
//!   (`OnCrmDealAddFields`); nothing is required (the portal sends what it has). The
//!   scope is read as for methods; the event goes to the spec file of the folder holding
//!   the events folder (`crm/deals.yaml`; events only there: the scope with most methods
//!   in a folder keeps the plain file name, so events never rename a file). A deprecation note gives `deprecated: {}`. A
//!   code documented twice keeps its first page.
//! - **Kind** ([`method_kind`]): by the last name segment: `get*`, `list*`, `fields`,
//!   `search`, `count` are `read`; `update`, `delete`, `set`, `set<Upper>...`, `bind`,
//!   `unbind` are `idempotent`; everything else (`add`, `send`, ...) is `write`, the safe
//!   default (never repeated when its fate is unknown). An overlay can set `kind`.
//!
//! # Docs types
//!
//! | docs type | spec type |
//! |---|---|
//! | `integer`, `string`, `text`, `double`, `boolean`, `char`, `date`, `datetime`, `timestamp`, `file` | the same |
//! | `user`, `user.id` | `user` |
//! | `crm_status`, `crm_currency` | `string` |
//! | `crm_category` | `integer` |
//! | `crm_lead`, `crm_deal`, `crm_contact`, `crm_company`, `crm_quote`, `crm_entity` | `id` |
//! | `crm_multifield` | `crm_multifield` |
//! | `T[]` | `T[]` when `T` maps; a list of unclear things is `raw` |
//! | `object`, named docs types | a named type when its sub-table is on the page, else `raw` |
//! | `any`, `array`, `enum`, unions, other pages' types (`sale_status.id`) | `raw` |
//!
//! # Output
//!
//! One file per docs folder (relative to `api-reference/`) and scope:
//! `crm/deals/*.md` -> `crm/deals.yaml`. When a folder has pages of several scopes, the
//! scope with most pages keeps the plain name and the others get `_SCOPE`
//! (`chats/users_imbot.yaml`). When two files of one scope would make the same Rust
//! module, both take parent folder names until they differ
//! (`crm/universal/universal_category.yaml`). Types and methods are sorted by name; the
//! text is fully determined by the pages, so importing twice gives the same bytes.
//!
//! # Hand corrections: overlays
//!
//! Imported files are never edited by hand. Corrections live in **overlay files** in a
//! separate directory tree (proposed: `spec-overlays/` at the workspace root, outside
//! `specs/` so the spec loader never reads a partial file) at the **same relative path**
//! as the imported file they correct (`spec-overlays/crm/deals.yaml` corrects
//! `crm/deals.yaml`). An overlay is a partial spec file in the same format, merged over
//! the fresh import every time ([`import_docs_with_overlays`], [`overlay::merge`]):
//!
//! - maps merge key by key, recursively: imported keys keep their order, keys only in the
//!   overlay are appended in overlay order;
//! - a scalar replaces what was imported (`kind: read`, `result: Deal`, or a field
//!   `OPPORTUNITY: decimal` replacing `{ type: double }` whole);
//! - `~` (or `null`, or an empty value) deletes the key (a wrongly documented parameter);
//! - a map with `$replace: true` replaces the imported map whole instead of merging
//!   (`params: { $replace: true, id: { type: id, required: true } }`);
//! - an overlay file without an imported counterpart is a whole hand-written spec file
//!   (`common/fields.yaml`) and is copied through.
//!
//! ```yaml
//! # spec-overlays/crm/deals.yaml
//! types:
//!   CrmDealAddFields:
//!     fields:
//!       OPPORTUNITY: decimal            # docs say double: money must stay exact
//!       STAGE_SEMANTIC_ID: { type: StageSemantic, read_only: true }
//!   StageSemantic:                      # a type the docs do not have
//!     values: { P: in_progress, S: success, F: failure }
//! methods:
//!   crm.deal.list:
//!     result: { type: "CrmDealAddFields[]", list: { fast_path: true } }
//! ```
//!
//! Because the merge is keyed by names (file path, type, method, field), corrections
//! survive a re-import as long as the docs keep those names; a corrected key that the
//! docs drop reappears as a partial entry and the spec loader names it, so stale
//! corrections are found, not silently lost. Merged files say so in their header.
//! `cargo xtask import-docs --check` compares the committed tree with a fresh import plus
//! the overlays.

mod emit_yaml;
mod markdown;
pub mod overlay;
mod page;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use heck::ToUpperCamelCase;

pub use emit_yaml::{Yaml, to_yaml};

use crate::naming;
use crate::output::{Stale, WriteReport};
use page::{EventPage, JsonKind, MethodPage};
use types::{Mapped, map_doc_type};

/// The scope of method pages that have no `> Scope:` line.
pub const NO_SCOPE: &str = "common";

/// Something the importer could not read, or left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The page, relative to the docs root.
    pub page: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.page, self.message),
            None => write!(f, "{}: {}", self.page, self.message),
        }
    }
}

/// A place that became `raw` JSON because the docs leave its type unclear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFallback {
    /// The page, relative to the docs root.
    pub page: String,
    /// Where in the spec (`crm.deal.add.params.fields`, `CrmDealAddFields.TYPE`).
    pub at: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for RawFallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.page, self.at, self.reason)
    }
}

/// What an import produced and counted.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Spec files by path relative to the spec root (`crm/deals.yaml`) -> YAML text.
    pub files: BTreeMap<String, String>,
    /// The docs' reply examples that are whole JSON replies, by fixture path (see
    /// [`FIXTURES_DIR`]) -> the JSON as the docs write it.
    pub fixtures: BTreeMap<String, String>,
    /// Documented methods (one per name and API generation) by scope (`common` for pages
    /// without a scope line).
    pub documented: BTreeMap<String, usize>,
    /// Markdown pages read.
    pub pages_read: usize,
    /// Pages recognised as method pages.
    pub method_pages: usize,
    /// Methods written.
    pub methods_written: usize,
    /// Of those, deprecated.
    pub deprecated: usize,
    /// Of those, REST 3.0.
    pub v3: usize,
    /// Of those, REST 3.0 twins of a classic method of the same name (in `_v3` files).
    pub v3_twin_methods: usize,
    /// Named types written.
    pub types_written: usize,
    /// Pages recognised as event pages.
    pub event_pages: usize,
    /// Events written.
    pub events_written: usize,
    /// Of those, deprecated.
    pub events_deprecated: usize,
    /// Of [`ImportReport::raw_fallbacks`], those on event pages.
    pub event_raw_fallbacks: usize,
    /// Tables (or table rows) that could not be read, on method pages.
    pub unparsed_tables: Vec<Problem>,
    /// Parameters, fields and results that became `raw`.
    pub raw_fallbacks: Vec<RawFallback>,
    /// Everything else left out or decided by a rule: pages without a scope, duplicate
    /// pages, fields dropped because their names clash.
    pub notes: Vec<Problem>,
    /// Overlay files applied (relative paths).
    pub overlays: Vec<String>,
    /// Errors that stopped part of the import (an unreadable docs root or page).
    pub errors: Vec<String>,
}

impl ImportReport {
    /// The counts, one line each.
    pub fn summary(&self) -> String {
        let pages: BTreeSet<&str> = self
            .unparsed_tables
            .iter()
            .map(|p| p.page.as_str())
            .collect();
        format!(
            "pages read:       {}\n\
             method pages:     {}\n\
             methods written:  {} ({} deprecated, {} REST 3.0, {} of them twins of a classic method)\n\
             named types:      {}\n\
             event pages:      {}\n\
             events written:   {} ({} deprecated; {} raw fallbacks in their data)\n\
             spec files:       {}\n\
             unparsed tables:  {} (on {} pages)\n\
             raw fallbacks:    {}\n\
             notes:            {}\n\
             overlays applied: {}\n\
             errors:           {}",
            self.pages_read,
            self.method_pages,
            self.methods_written,
            self.deprecated,
            self.v3,
            self.v3_twin_methods,
            self.types_written,
            self.event_pages,
            self.events_written,
            self.events_deprecated,
            self.event_raw_fallbacks,
            self.files.len(),
            self.unparsed_tables.len(),
            pages.len(),
            self.raw_fallbacks.len(),
            self.notes.len(),
            self.overlays.len(),
            self.errors.len(),
        )
    }
}

/// The retry-relevant kind for a method name; the rule is in the module docs.
pub fn method_kind(name: &str) -> &'static str {
    let last = name.rsplit('.').next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    let upper_after = |prefix: &str| {
        last.get(prefix.len()..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_uppercase())
    };
    if lower.starts_with("get")
        || lower.starts_with("list")
        || matches!(lower.as_str(), "fields" | "search" | "count")
    {
        "read"
    } else if matches!(
        lower.as_str(),
        "update" | "delete" | "set" | "bind" | "unbind"
    ) || (lower.starts_with("set") && upper_after("set"))
    {
        "idempotent"
    } else {
        "write"
    }
}

/// Import every method page under `docs_root/api-reference/`, without overlays.
pub fn import_docs(docs_root: &Path) -> ImportReport {
    let imported = import_trees(docs_root);
    render(imported, BTreeMap::new())
}

/// Import, then merge the overlay files found under `overlays` (a missing directory has
/// none). Errors: overlay files that cannot be read or parsed.
pub fn import_docs_with_overlays(
    docs_root: &Path,
    overlays: &Path,
) -> Result<ImportReport, Vec<String>> {
    let overlays = overlay::load_dir(overlays)?;
    Ok(render(import_trees(docs_root), overlays))
}

/// One spec file being built.
#[derive(Debug)]
struct FileTree {
    /// The docs folder it comes from (`crm/deals`).
    folder: String,
    scope: String,
    types: BTreeMap<String, Yaml>,
    methods: BTreeMap<String, Yaml>,
    events: BTreeMap<String, Yaml>,
}

#[derive(Debug, Default)]
struct Imported {
    report: ImportReport,
    files: BTreeMap<String, FileTree>,
}

/// Every `.md` file under `dir`, relative to `base`, `/`-separated, sorted; a directory
/// that cannot be listed is reported, not fatal.
fn markdown_files(base: &Path, dir: &Path, errors: &mut Vec<String>) -> Vec<(String, PathBuf)> {
    match crate::tree::files_under(dir, "md") {
        Ok(files) => files
            .into_iter()
            .map(|(_, path)| (crate::tree::relative(base, &path), path))
            .collect(),
        Err(err) => {
            errors.push(format!("cannot list {}: {err}", dir.display()));
            Vec::new()
        }
    }
}

/// Which side of a name pair a method is: the classic method (or the only one of its
/// name), or the REST 3.0 twin of a classic method, written to a `_v3` file of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Root {
    Main,
    Twins,
}

/// The request struct name the model derives for the method (see
/// [`naming::method_struct_name`]); the prefix of its page's named types.
fn request_type_name(method: &str, root: Root) -> String {
    naming::method_struct_name(method, root == Root::Twins)
}

fn import_trees(docs_root: &Path) -> Imported {
    let mut imported = Imported::default();
    let report = &mut imported.report;
    let api = docs_root.join("api-reference");
    if !api.is_dir() {
        report.errors.push(format!(
            "{} has no api-reference/ folder: not a docs root",
            docs_root.display()
        ));
        return imported;
    }
    let mut pages: Vec<MethodPage> = Vec::new();
    let mut event_pages: Vec<EventPage> = Vec::new();
    for (relative, path) in markdown_files(docs_root, &api, &mut report.errors) {
        let text = match fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(err) => {
                report.errors.push(format!("cannot read {relative}: {err}"));
                continue;
            }
        };
        report.pages_read += 1;
        let tokens = markdown::parse_page(&text);
        if let Some(page) = page::method_page(&relative, &tokens) {
            for (line, reason) in &page.problems {
                report.unparsed_tables.push(Problem {
                    page: relative.clone(),
                    line: Some(*line),
                    message: reason.clone(),
                });
            }
            pages.push(page);
        } else if let Some(event) = page::event_page(&relative, &tokens) {
            for (line, reason) in &event.page.problems {
                report.unparsed_tables.push(Problem {
                    page: relative.clone(),
                    line: Some(*line),
                    message: reason.clone(),
                });
            }
            event_pages.push(event);
        }
    }
    report.method_pages = pages.len();
    report.event_pages = event_pages.len();

    // Which page each method comes from: classic first; a REST 3.0 page of the same name
    // is its twin; further pages of one name are reported and left out.
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, page) in pages.iter().enumerate() {
        by_name.entry(&page.method).or_default().push(index);
    }
    let mut chosen: Vec<(usize, Root)> = Vec::new();
    for (name, indexes) in &by_name {
        let classic = indexes.iter().copied().find(|i| !pages[*i].v3);
        let v3 = indexes.iter().copied().find(|i| pages[*i].v3);
        let mut kept = Vec::new();
        match (classic, v3) {
            (Some(c), Some(v)) => {
                kept.push((c, Root::Main));
                kept.push((v, Root::Twins));
            }
            (Some(one), None) | (None, Some(one)) => kept.push((one, Root::Main)),
            (None, None) => {}
        }
        for index in indexes {
            if let Some((other, _)) = kept.iter().find(|(k, _)| k != index) {
                if !kept.iter().any(|(k, _)| k == index) {
                    report.notes.push(Problem {
                        page: pages[*index].path.clone(),
                        line: None,
                        message: format!(
                            "`{name}` is also documented by {}; this page is left out",
                            pages[*other].path
                        ),
                    });
                }
            }
        }
        chosen.extend(kept);
    }
    chosen.sort();

    // Reserve the request type names the model derives from method names (a keyed
    // list's `...Result` wrapper is reserved when one is written).
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (index, root) in &chosen {
        used.insert(request_type_name(&pages[*index].method, *root));
    }

    // Events: one page per code, a data type name each, reserved like request names.
    let mut events: Vec<(usize, String)> = Vec::new();
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, event) in event_pages.iter().enumerate() {
        if let Some(first) = codes.get(event.code.as_str()) {
            report.notes.push(Problem {
                page: event.page.path.clone(),
                line: None,
                message: format!(
                    "event `{}` is also documented by {}; this page is left out",
                    event.code, event_pages[*first].page.path
                ),
            });
            continue;
        }
        codes.insert(&event.code, index);
        let name = event_type_name(&event.page.path, &used);
        used.insert(name.clone());
        events.push((index, name));
    }

    // Files: (root, folder, scope) -> pages.
    let mut groups: BTreeMap<(Root, String, String), Vec<usize>> = BTreeMap::new();
    for (index, root) in &chosen {
        let page = &pages[*index];
        let scope = page.scope.clone().unwrap_or_else(|| {
            report.notes.push(Problem {
                page: page.path.clone(),
                line: None,
                message: format!(
                    "no `> Scope:` line: `{}` goes to scope `{NO_SCOPE}`",
                    page.method
                ),
            });
            NO_SCOPE.to_owned()
        });
        *report.documented.entry(scope.clone()).or_default() += 1;
        groups
            .entry((*root, folder_of(&page.path), scope))
            .or_default()
            .push(*index);
    }
    let mut event_groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
    for (position, (index, _)) in events.iter().enumerate() {
        let page = &event_pages[*index].page;
        let scope = page.scope.clone().unwrap_or_else(|| {
            report.notes.push(Problem {
                page: page.path.clone(),
                line: None,
                message: format!(
                    "no `> Scope:` line: event `{}` goes to scope `{NO_SCOPE}`",
                    page.method
                ),
            });
            NO_SCOPE.to_owned()
        });
        event_groups
            .entry((Root::Main, events_home(&page.path), scope))
            .or_default()
            .push(position);
    }
    let mut method_counts: BTreeMap<GroupKey, usize> = groups
        .iter()
        .map(|(key, pages)| (key.clone(), pages.len()))
        .collect();
    for key in event_groups.keys() {
        method_counts.entry(key.clone()).or_insert(0);
    }
    let paths = file_paths(&method_counts);

    for key in method_counts.keys() {
        let (root, folder, scope) = key;
        let Some(path) = paths.get(key) else {
            continue;
        };
        let mut tree = FileTree {
            folder: folder.clone(),
            scope: scope.clone(),
            types: BTreeMap::new(),
            methods: BTreeMap::new(),
            events: BTreeMap::new(),
        };
        for index in groups.get(key).into_iter().flatten() {
            let page = &pages[*index];
            let mut builder = PageBuilder {
                page,
                prefix: request_type_name(&page.method, *root),
                used: &mut used,
                types: Vec::new(),
                memo: BTreeMap::new(),
                building: BTreeSet::new(),
                raws: Vec::new(),
                notes: Vec::new(),
            };
            let method = builder.method();
            let PageBuilder {
                types, raws, notes, ..
            } = builder;
            add_fixtures(&mut report.fixtures, page, *root);
            report.methods_written += 1;
            report.v3_twin_methods += usize::from(*root == Root::Twins);
            report.deprecated += usize::from(page.deprecated.is_some());
            report.v3 += usize::from(page.v3);
            report.types_written += types.len();
            report.raw_fallbacks.extend(raws);
            report.notes.extend(notes);
            tree.types.extend(types);
            tree.methods.insert(page.method.clone(), method);
        }
        for position in event_groups.get(key).into_iter().flatten() {
            let (index, name) = &events[*position];
            let event = &event_pages[*index];
            let mut builder = PageBuilder {
                page: &event.page,
                prefix: name.clone(),
                used: &mut used,
                types: Vec::new(),
                memo: BTreeMap::new(),
                building: BTreeSet::new(),
                raws: Vec::new(),
                notes: Vec::new(),
            };
            let entry = builder.event(event);
            let PageBuilder {
                types, raws, notes, ..
            } = builder;
            report.events_written += 1;
            report.events_deprecated += usize::from(event.page.deprecated.is_some());
            report.types_written += types.len();
            report.event_raw_fallbacks += raws.len();
            report.raw_fallbacks.extend(raws);
            report.notes.extend(notes);
            tree.types.extend(types);
            tree.events.insert(event.code.clone(), entry);
        }
        imported.files.insert(path.clone(), tree);
    }
    imported
}

/// The data type name of an event page: its file name in UpperCamelCase
/// (`on-crm-deal-add.md` -> `OnCrmDealAdd`), made unique against `used`.
fn event_type_name(path: &str, used: &BTreeSet<String>) -> String {
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

/// The docs folder whose spec file an event goes to: the folder holding its (last)
/// events folder (`crm/deals/events/x.md` and `crm/universal/events/type/x.md` ->
/// `crm/deals`, `crm/universal`); a top-level events folder is its own.
fn events_home(path: &str) -> String {
    let folder = folder_of(path);
    let segments: Vec<&str> = folder.split('/').collect();
    match segments.iter().rposition(|s| page::is_events_folder(s)) {
        Some(at) if at > 0 => segments[..at].join("/"),
        _ => folder,
    }
}

/// Where `cargo xtask import-docs` writes [`ImportReport::fixtures`], relative to the
/// workspace root, in the layout `cargo xtask verify-fixtures` reads: a folder per method
/// (`crm.deal.get/1.json`; a REST 3.0 twin's replies as `v3-1.json`) and `error/` for
/// error replies (`error/crm.deal.get-1.json`).
pub const FIXTURES_DIR: &str = "fixtures/docs";

/// Keep the page's JSON examples that are whole replies: an object with `result` (a
/// success) or with `error` and no `result` (an error). Anything else (a request, a bare
/// record) is not a reply and not kept.
fn add_fixtures(fixtures: &mut BTreeMap<String, String>, page: &MethodPage, root: Root) {
    let prefix = if root == Root::Twins { "v3-" } else { "" };
    let (mut successes, mut errors) = (0, 0);
    for text in &page.json_examples {
        let Ok(serde_json::Value::Object(reply)) = serde_json::from_str(text) else {
            continue;
        };
        let path = if reply.contains_key("result") {
            successes += 1;
            format!("{}/{prefix}{successes}.json", page.method)
        } else if reply.contains_key("error") {
            errors += 1;
            format!("error/{}-{prefix}{errors}.json", page.method)
        } else {
            continue;
        };
        fixtures.insert(path, format!("{text}\n"));
    }
}

/// `api-reference/crm/deals/crm-deal-add.md` -> `crm/deals`.
fn folder_of(path: &str) -> String {
    let inner = path.strip_prefix("api-reference/").unwrap_or(path);
    match inner.rsplit_once('/') {
        Some((folder, _)) => folder.to_owned(),
        None => String::new(),
    }
}

/// A spec file's group: root, docs folder, scope.
type GroupKey = (Root, String, String);

/// Choose a file path for every group: `FOLDER.yaml`, `_SCOPE` for the minor scopes of
/// a folder, parent folder names prepended while two files of a scope share a module.
///
/// `groups` holds each group's number of method pages: the scope with most methods in a
/// folder keeps the plain name (events do not count, so they never rename a file).
fn file_paths(groups: &BTreeMap<GroupKey, usize>) -> BTreeMap<GroupKey, String> {
    let mut main_scope: BTreeMap<(Root, &str), (&str, usize)> = BTreeMap::new();
    for ((root, folder, scope), methods) in groups {
        let entry = main_scope
            .entry((*root, folder.as_str()))
            .or_insert((scope.as_str(), *methods));
        if *methods > entry.1 {
            *entry = (scope.as_str(), *methods);
        }
    }
    let segments = |folder: &str| -> Vec<String> {
        let list: Vec<String> = folder
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if list.is_empty() {
            vec!["api_reference".to_owned()]
        } else {
            list
        }
    };
    let stem = |key: &(Root, String, String), depth: usize| -> String {
        let (root, folder, scope) = key;
        let parts = segments(folder);
        let take = depth.min(parts.len());
        let mut stem = parts[parts.len() - take..].join("_");
        if main_scope
            .get(&(*root, folder.as_str()))
            .is_some_and(|(main, _)| main != scope)
        {
            stem.push('_');
            stem.push_str(scope);
        }
        stem
    };
    let mut depth: BTreeMap<&(Root, String, String), usize> =
        groups.keys().map(|key| (key, 1)).collect();
    loop {
        let mut modules: BTreeMap<(Root, &str, String), Vec<&GroupKey>> = BTreeMap::new();
        for key in groups.keys() {
            let module = naming::module_name(&stem(key, depth[key]));
            modules
                .entry((key.0, key.2.as_str(), module))
                .or_default()
                .push(key);
        }
        let mut changed = false;
        for clash in modules.values().filter(|keys| keys.len() > 1) {
            for key in clash {
                let max = segments(&key.1).len();
                if depth[*key] < max {
                    *depth.entry(*key).or_default() += 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    groups
        .keys()
        .map(|key| {
            let parts = segments(&key.1);
            let parent = parts[..parts.len() - 1].join("/");
            // REST 3.0 twins sit next to their classic namesakes, in files of their own.
            let suffix = if key.0 == Root::Twins { "_v3" } else { "" };
            let file = format!("{}{suffix}.yaml", stem(key, depth[key]));
            let path = if parent.is_empty() || key.1.is_empty() {
                file
            } else {
                format!("{parent}/{file}")
            };
            (key.clone(), path)
        })
        .collect()
}

/// A name that stands for many (`UF_CRM_...`, `UF_CRM_xxx`, `<node selector>`).
fn is_placeholder(name: &str) -> bool {
    name.contains("...")
        || name.contains('…')
        || name.contains(['<', '{', '*'])
        || name.to_ascii_lowercase().ends_with("xxx")
}

/// Builds one method and the named types of its page.
struct PageBuilder<'a> {
    page: &'a MethodPage,
    /// The method's request type name: the prefix of its named types.
    prefix: String,
    /// Every type name taken so far (all pages).
    used: &'a mut BTreeSet<String>,
    types: Vec<(String, Yaml)>,
    /// (table, read from a response) -> type name.
    memo: BTreeMap<(usize, bool), String>,
    /// Tables whose type is being built (a table that contains itself stays raw).
    building: BTreeSet<usize>,
    raws: Vec<RawFallback>,
    notes: Vec<Problem>,
}

impl PageBuilder<'_> {
    fn raw(&mut self, at: &str, reason: impl Into<String>) -> String {
        self.raws.push(RawFallback {
            page: self.page.path.clone(),
            at: at.to_owned(),
            reason: reason.into(),
        });
        "raw".to_owned()
    }

    fn note(&mut self, message: String) {
        self.notes.push(Problem {
            page: self.page.path.clone(),
            line: None,
            message,
        });
    }

    fn method(&mut self) -> Yaml {
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
    fn event(&mut self, event: &EventPage) -> Yaml {
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
    fn fields(&mut self, table: usize, response: bool, at: &str) -> Vec<(String, Yaml)> {
        let page = self.page;
        self.building.insert(table);
        let mut out: Vec<(String, Yaml)> = Vec::new();
        let mut idents: BTreeMap<String, String> = BTreeMap::new();
        for row in &page.tables[table].rows {
            if is_placeholder(&row.name) {
                self.note(format!(
                    "{at}.{}: left out: a placeholder, not a name (such fields land in `extra`)",
                    row.name
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
            let ty = self.field_type(row, response, &format!("{at}.{}", row.name));
            let value = if row.required && !response {
                Yaml::Map(vec![
                    ("type".to_owned(), Yaml::Str(ty)),
                    ("required".to_owned(), Yaml::Bool(true)),
                ])
            } else {
                Yaml::Str(ty)
            };
            out.push((row.name.clone(), value));
        }
        self.building.remove(&table);
        out
    }

    fn field_type(&mut self, row: &page::Row, response: bool, at: &str) -> String {
        let [(text, link)] = row.types.as_slice() else {
            return if row.types.is_empty() {
                self.raw(at, "no type given")
            } else {
                self.raw(at, "several types given")
            };
        };
        match map_doc_type(text) {
            Mapped::Spec(spec) => spec,
            Mapped::Raw(reason) => self.raw(at, reason),
            Mapped::Object { list, name } => match self.sub_table(row, link.as_deref(), &name) {
                Ok(table) if self.building.contains(&table) => {
                    self.raw(at, "the type contains itself")
                }
                Ok(table) => {
                    let named = self.named(table, response);
                    if list { format!("{named}[]") } else { named }
                }
                Err(reason) => self.raw(at, reason),
            },
        }
    }

    /// The table on this page that describes `row`'s object.
    fn sub_table(&self, row: &page::Row, link: Option<&str>, name: &str) -> Result<usize, String> {
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
    fn named(&mut self, table: usize, response: bool) -> String {
        if let Some(name) = self.memo.get(&(table, response)) {
            return name.clone();
        }
        let page = self.page;
        let info = &page.tables[table];
        let key = info
            .key
            .clone()
            .unwrap_or_else(|| format!("table {}", info.line));
        let name = self.unique_name(&key);
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

    fn unique_name(&mut self, key: &str) -> String {
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

    /// The result type (see the module docs).
    fn result(&mut self, params: &[(String, Yaml)]) -> Yaml {
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
        let example = page.example.as_ref();
        let documented = |key: &str| {
            rows.iter().any(|r| r.name == key) || example.is_some_and(|e| e.top(key).is_some())
        };
        let paginated = has_start && (documented("total") || documented("next"));
        let list = |records: String, key: Option<&str>| {
            let list = match key {
                Some(key) => vec![("key".to_owned(), Yaml::str(key))],
                None => Vec::new(),
            };
            Yaml::Map(vec![
                ("type".to_owned(), Yaml::Str(format!("{records}[]"))),
                ("list".to_owned(), Yaml::Map(list)),
            ])
        };
        if let Some(row) = rows.iter().find(|r| r.name == "result") {
            let [(text, link)] = row.types.as_slice() else {
                return Yaml::Str(self.raw(&at, "the `result` row has no single type"));
            };
            return match map_doc_type(text) {
                Mapped::Spec(spec) => match spec.strip_suffix("[]") {
                    Some(record) if paginated => list(record.to_owned(), None),
                    _ if spec == "integer" && is_add => Yaml::str("id"),
                    _ => Yaml::Str(spec),
                },
                Mapped::Raw(reason) => Yaml::Str(self.raw(&at, reason)),
                Mapped::Object { list: true, name } => {
                    let records = match self.sub_table(row, link.as_deref(), &name) {
                        Ok(table) => Some(self.named(table, true)),
                        Err(reason) => {
                            self.raw(&format!("{at} records"), reason);
                            None
                        }
                    };
                    match (records, paginated) {
                        (Some(records), true) => list(records, None),
                        (None, true) => list("raw".to_owned(), None),
                        (Some(records), false) => Yaml::Str(format!("{records}[]")),
                        (None, false) => Yaml::str("raw"),
                    }
                }
                Mapped::Object { list: false, name } => {
                    match self.sub_table(row, link.as_deref(), &name) {
                        Ok(table) => Yaml::Str(self.named(table, true)),
                        Err(reason) => match self.keyed_list(rows, paginated) {
                            Some(result) => result,
                            None => Yaml::Str(self.raw(&at, reason)),
                        },
                    }
                }
            };
        }
        match example.and_then(|e| e.top("result")) {
            Some(JsonKind::Bool) => Yaml::str("boolean"),
            Some(JsonKind::Number) if is_add => Yaml::str("id"),
            Some(JsonKind::Number) => Yaml::str("integer"),
            Some(JsonKind::String) => Yaml::str("string"),
            Some(JsonKind::Array) if paginated => {
                self.raw(&format!("{at} records"), "no Returned Data table");
                list("raw".to_owned(), None)
            }
            Some(_) => Yaml::Str(self.raw(&at, "no Returned Data table; the example is not clear")),
            None => Yaml::Str(self.raw(&at, "no Returned Data table or example")),
        }
    }

    /// `result` is an object whose only documented content is one list the example shows
    /// under `result.KEY`: a keyed list.
    fn keyed_list(&mut self, rows: &[page::Row], paginated: bool) -> Option<Yaml> {
        if !paginated {
            return None;
        }
        let page = self.page;
        let others: Vec<&page::Row> = rows
            .iter()
            .filter(|r| !matches!(r.name.as_str(), "result" | "total" | "next" | "time"))
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
        let records = match map_doc_type(text) {
            Mapped::Spec(spec) => spec.strip_suffix("[]")?.to_owned(),
            Mapped::Object { list: true, name } => {
                match self.sub_table(row, link.as_deref(), &name) {
                    Ok(table) => self.named(table, true),
                    Err(reason) => self.raw(&format!("{at} records"), reason),
                }
            }
            _ => return None,
        };
        Some(Yaml::Map(vec![
            ("type".to_owned(), Yaml::Str(format!("{records}[]"))),
            (
                "list".to_owned(),
                Yaml::Map(vec![("key".to_owned(), Yaml::Str(row.name.clone()))]),
            ),
        ]))
    }
}

/// The YAML tree of one file.
fn file_tree(file: FileTree) -> Yaml {
    let mut root = vec![("scope".to_owned(), Yaml::Str(file.scope))];
    if !file.types.is_empty() {
        root.push((
            "types".to_owned(),
            Yaml::Map(file.types.into_iter().collect()),
        ));
    }
    if !file.methods.is_empty() || file.events.is_empty() {
        root.push((
            "methods".to_owned(),
            Yaml::Map(file.methods.into_iter().collect()),
        ));
    }
    if !file.events.is_empty() {
        root.push((
            "events".to_owned(),
            Yaml::Map(file.events.into_iter().collect()),
        ));
    }
    Yaml::Map(root)
}

fn render(imported: Imported, overlays: BTreeMap<String, Yaml>) -> ImportReport {
    let Imported { mut report, files } = imported;
    let mut trees: BTreeMap<String, (Option<String>, Yaml)> = files
        .into_iter()
        .map(|(path, file)| (path, (Some(file.folder.clone()), file_tree(file))))
        .collect();
    for (path, overlay) in overlays {
        report.overlays.push(path.clone());
        match trees.get_mut(&path) {
            Some((_, tree)) => overlay::merge(tree, overlay),
            None => {
                let mut tree = Yaml::Map(Vec::new());
                overlay::merge(&mut tree, overlay);
                trees.insert(path, (None, tree));
            }
        }
    }
    for (path, (folder, tree)) in trees {
        let merged = report.overlays.contains(&path);
        let header = header(folder.as_deref(), merged.then_some(path.as_str()));
        report.files.insert(path, to_yaml(&header, &tree));
    }
    report
}

fn header(folder: Option<&str>, overlay: Option<&str>) -> Vec<String> {
    let mut lines = Vec::new();
    match folder {
        Some(folder) => lines.push(format!(
            "Imported by `cargo xtask import-docs` from api-reference/{folder}/ of the Bitrix24 REST docs."
        )),
        None => lines.push("Hand-written: copied from the overlay of the same path.".to_owned()),
    }
    if let Some(path) = overlay {
        lines.push(format!("Hand corrections merged from the overlay {path}."));
    }
    lines.push("Do not edit: correct it in the overlay file of the same path.".to_owned());
    lines
}

/// Write `files` (relative path -> text) under `out`, deleting `.yaml` files there that
/// are no longer produced.
pub fn write_specs(out: &Path, files: &BTreeMap<String, String>) -> io::Result<WriteReport> {
    crate::tree::write_tree(
        out,
        "yaml",
        files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
    )
}

/// Compare `files` with the `.yaml` files under `out`; writes nothing.
pub fn check_specs(out: &Path, files: &BTreeMap<String, String>) -> io::Result<Vec<Stale>> {
    crate::tree::check_tree(
        out,
        "yaml",
        files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
    )
}

/// Load and build a set of spec files held in memory (as [`ImportReport::files`]), the
/// way `cargo xtask codegen` would: the errors of both phases, or the model.
pub fn build_model(
    files: &BTreeMap<String, String>,
) -> Result<crate::model::Model, crate::SpecErrors> {
    crate::model::build_loaded(crate::load::load_texts(files))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokenize, interpret and build one page the way [`import_trees`] does.
    fn build_one(text: &str) {
        let tokens = markdown::parse_page(text);
        if let Some(page) = page::method_page("api-reference/x/y.md", &tokens) {
            let mut used = BTreeSet::new();
            let mut builder = PageBuilder {
                page: &page,
                prefix: request_type_name(&page.method, Root::Main),
                used: &mut used,
                types: Vec::new(),
                memo: BTreeMap::new(),
                building: BTreeSet::new(),
                raws: Vec::new(),
                notes: Vec::new(),
            };
            let _ = builder.method();
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

    #[test]
    fn kinds_follow_the_name() {
        assert_eq!(method_kind("crm.deal.get"), "read");
        assert_eq!(method_kind("crm.deal.list"), "read");
        assert_eq!(method_kind("sale.basketitem.getFields"), "read");
        assert_eq!(method_kind("crm.deal.fields"), "read");
        assert_eq!(method_kind("crm.deal.update"), "idempotent");
        assert_eq!(method_kind("crm.deal.delete"), "idempotent");
        assert_eq!(method_kind("landing.template.setLandingRef"), "idempotent");
        assert_eq!(method_kind("crm.deal.productrows.set"), "idempotent");
        assert_eq!(method_kind("crm.deal.add"), "write");
        assert_eq!(method_kind("im.message.send"), "write");
        assert_eq!(method_kind("foo.setup"), "write");
    }
}
