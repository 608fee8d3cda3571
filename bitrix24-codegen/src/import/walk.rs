//! The tree walk: every docs page read and recognised, one page kept per method name
//! (and API generation) and event code, the pages grouped into spec files, each page
//! built into its file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::builder::{Built, PageBuilder, event_type_name, request_type_name};
use super::doc_types::{DocTypes, is_data_types_page};
use super::emit_yaml::Yaml;
use super::families;
use super::field_access;
use super::fixtures::add_fixtures;
use super::inherited;
use super::item_types;
use super::layout::{GroupKey, NO_SCOPE, Root, events_home, file_paths, folder_of};
use super::linked::Linked;
use super::lists;
use super::markdown;
use super::namesakes;
use super::page::{self, EventPage, MethodPage};
use super::records;
use super::render::FileTree;
use super::report::{ImportReport, MethodFacts, Problem};
use super::same_types;
use super::selectable;
use super::typing::Shared;

/// The report so far and the spec files built, by path.
#[derive(Debug, Default)]
pub(super) struct Imported {
    pub(super) report: ImportReport,
    pub(super) files: BTreeMap<String, FileTree>,
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

/// Read every page under `docs_root/api-reference/` and build the spec file trees.
/// `protected`: the type names overlays refer to, which keep their names.
pub(super) fn import_trees(docs_root: &Path, protected: &BTreeSet<String>) -> Imported {
    let mut report = ImportReport::default();
    let mut shared = Shared::default();
    let Some((pages, event_pages, other_pages)) =
        read_pages(docs_root, &mut report, &mut shared.doc_types)
    else {
        return Imported {
            report,
            files: BTreeMap::new(),
        };
    };
    let linked = Linked::new(pages.iter().chain(&other_pages));
    let chosen = choose_methods(&pages, &mut report);
    // Reserve the request type names the model derives from method names (a keyed
    // list's `...Result` wrapper is reserved when one is written).
    let mut used: BTreeSet<String> = chosen
        .iter()
        .map(|(index, root)| request_type_name(&pages[*index].method, *root))
        .collect();
    let events = choose_events(&event_pages, &mut used, &mut report);

    // Files: (root, folder, scope) -> pages.
    let mut groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
    for (index, root) in &chosen {
        let page = &pages[*index];
        let scope = scope_of(page, &format!("`{}`", page.method), &mut report);
        *report.documented.entry(scope.clone()).or_default() += 1;
        groups
            .entry((*root, folder_of(&page.path), scope))
            .or_default()
            .push(*index);
    }
    let mut event_groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
    for (position, (index, _)) in events.iter().enumerate() {
        let page = &event_pages[*index].page;
        let scope = scope_of(page, &format!("event `{}`", page.method), &mut report);
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

    let mut files = BTreeMap::new();
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
            let mut builder = PageBuilder::new(
                page,
                request_type_name(&page.method, *root),
                &mut used,
                &mut shared,
                &linked,
            );
            let method = builder.method();
            let Built { types, raws, notes } = builder.finish();
            add_fixtures(&mut report.fixtures, page, *root);
            report
                .facts
                .insert((page.method.clone(), page.v3), facts_of(page));
            report.methods_written += 1;
            report.v3_twin_methods += usize::from(*root == Root::Twins);
            report.deprecated += usize::from(page.deprecated.is_some());
            report.v3 += usize::from(page.v3);
            report.raw_fallbacks.extend(raws);
            report.notes.extend(notes);
            tree.types.extend(types);
            tree.methods.insert(page.method.clone(), method);
        }
        for position in event_groups.get(key).into_iter().flatten() {
            let (index, name) = &events[*position];
            let event = &event_pages[*index];
            let mut builder =
                PageBuilder::new(&event.page, name.clone(), &mut used, &mut shared, &linked);
            let entry = builder.event(event);
            let Built { types, raws, notes } = builder.finish();
            report.events_written += 1;
            report.events_deprecated += usize::from(event.page.deprecated.is_some());
            report.event_raw_fallbacks += raws.len();
            report.raw_fallbacks.extend(raws);
            report.notes.extend(notes);
            tree.types.extend(types);
            tree.events.insert(event.code.clone(), entry);
        }
        files.insert(path.clone(), tree);
    }
    for ((scope, kind), types) in std::mem::take(&mut shared.files) {
        files.insert(
            kind.path(&scope),
            FileTree {
                folder: String::new(),
                scope,
                types: types.into_iter().collect(),
                methods: BTreeMap::new(),
                events: BTreeMap::new(),
            },
        );
    }
    namesakes::type_by_namesakes(&mut files, &mut report.notes);
    same_types::merge(&mut files, &mut used, protected, &mut report.notes);
    // Read apart from the method pages: it documents no method, only the records the
    // universal crm.item.* methods return per object type.
    if let Some(tree) = fs::read_to_string(docs_root.join(item_types::PAGE))
        .ok()
        .and_then(|text| item_types::item_types(&text))
    {
        files.insert(item_types::FILE.to_owned(), tree);
    }
    let writable = field_access::writable(&pages);
    selectable::adopt_selectable(&mut files, &mut report.notes);
    families::unify(&mut files, &used, &writable, &mut report.notes);
    inherited::inherit(&mut files, &pages, &mut report.notes);
    lists::declare(&mut files, &mut report.notes);
    // A file whose types all merged into other pages' has nothing left to say.
    files.retain(|_, file| {
        !(file.types.is_empty() && file.methods.is_empty() && file.events.is_empty())
    });
    if records::is_referenced(&files, "FieldDescription") {
        files.insert("common/fields.yaml".to_owned(), field_description());
    }
    report.dates_kept = shared.dates_kept;
    // What is written, after the passes merged and dropped types.
    report.types_written = files.values().map(|file| file.types.len()).sum();
    Imported { report, files }
}

/// The shared type of one entry of what a `*.fields` method returns: the results typed
/// `map<FieldDescription>` refer to it, so the import defines it (in the `common` scope,
/// compiled with every feature) whatever overlays it is given.
fn field_description() -> FileTree {
    let fields = [
        ("type", "string"),
        ("isRequired", "boolean"),
        ("isReadOnly", "boolean"),
        ("isImmutable", "boolean"),
        ("isMultiple", "boolean"),
        ("isDynamic", "boolean"),
        ("isDeprecated", "boolean"),
        ("title", "string"),
        // A status entity id (`DEAL_STAGE`) or a list of them (crm.requisite.fields).
        ("statusType", "raw"),
        ("listLabel", "string"),
        ("formLabel", "string"),
        ("filterLabel", "string"),
        ("settings", "raw"),
        ("items", "raw"),
    ];
    let record = Yaml::Map(vec![
        (
            "docs".to_owned(),
            Yaml::str("api-reference/crm/deals/crm-deal-fields.md"),
        ),
        (
            "fields".to_owned(),
            Yaml::Map(
                fields
                    .iter()
                    .map(|(name, ty)| ((*name).to_owned(), Yaml::str(*ty)))
                    .collect(),
            ),
        ),
    ]);
    FileTree {
        folder: String::new(),
        scope: "common".to_owned(),
        types: BTreeMap::from([("FieldDescription".to_owned(), record)]),
        methods: BTreeMap::new(),
        events: BTreeMap::new(),
    }
}

/// The method and event pages under `docs_root/api-reference/` and the other pages with
/// field tables (which parameters may link), with the method pages' unreadable tables
/// reported, and the data-types pages read into `doc_types`; `None` when there is no
/// such folder.
fn read_pages(
    docs_root: &Path,
    report: &mut ImportReport,
    doc_types: &mut DocTypes,
) -> Option<(Vec<MethodPage>, Vec<EventPage>, Vec<MethodPage>)> {
    let api = docs_root.join("api-reference");
    if !api.is_dir() {
        report.errors.push(format!(
            "{} has no api-reference/ folder: not a docs root",
            docs_root.display()
        ));
        return None;
    }
    let mut pages: Vec<MethodPage> = Vec::new();
    let mut event_pages: Vec<EventPage> = Vec::new();
    let mut other_pages: Vec<MethodPage> = Vec::new();
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
        if is_data_types_page(&relative) {
            doc_types.add_page(&tokens);
        }
        let page = page::method_page(&relative, &tokens);
        let event = page
            .is_none()
            .then(|| page::event_page(&relative, &tokens))
            .flatten();
        let problems = match (&page, &event) {
            (Some(page), _) => &page.problems,
            (None, Some(event)) => &event.page.problems,
            (None, None) => {
                other_pages.extend(page::table_page(&relative, &tokens));
                if let Some(reason) = not_a_method(&tokens) {
                    report.not_methods.push(Problem {
                        page: relative.clone(),
                        line: None,
                        message: reason,
                    });
                }
                continue;
            }
        };
        for (line, reason) in problems {
            report.unparsed_tables.push(Problem {
                page: relative.clone(),
                line: Some(*line),
                message: reason.clone(),
            });
        }
        pages.extend(page);
        event_pages.extend(event);
    }
    report.method_pages = pages.len();
    report.event_pages = event_pages.len();
    Some((pages, event_pages, other_pages))
}

/// Which page each method comes from: classic first; a REST 3.0 page of the same name
/// is its twin; further pages of one name are reported and left out. Sorted.
fn choose_methods(pages: &[MethodPage], report: &mut ImportReport) -> Vec<(usize, Root)> {
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
    chosen
}

/// Events: one page per code (the first), a data type name each, reserved in `used`
/// like request names. `(index of the page, data type name)`.
fn choose_events(
    event_pages: &[EventPage],
    used: &mut BTreeSet<String>,
    report: &mut ImportReport,
) -> Vec<(usize, String)> {
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
        let name = event_type_name(&event.page.path, used);
        used.insert(name.clone());
        events.push((index, name));
    }
    events
}

/// The page's scope; a page without a `> Scope:` line goes to [`NO_SCOPE`], noted as
/// `what` (`` `crm.deal.add` ``, `` event `ONAPPINSTALL` ``).
fn scope_of(page: &MethodPage, what: &str, report: &mut ImportReport) -> String {
    page.scope.clone().unwrap_or_else(|| {
        report.notes.push(Problem {
            page: page.path.clone(),
            line: None,
            message: format!("no `> Scope:` line: {what} goes to scope `{NO_SCOPE}`"),
        });
        NO_SCOPE.to_owned()
    })
}

/// What a method page says, for the checks against its spec.
fn facts_of(page: &MethodPage) -> MethodFacts {
    MethodFacts {
        page: page.path.clone(),
        params: page
            .params
            .map(|table| {
                page.tables[table]
                    .rows
                    .iter()
                    .map(|row| (row.name.clone(), row.required))
                    .collect()
            })
            .unwrap_or_default(),
        sample_params: page.samples.params.clone(),
        sample_methods: page.samples.methods.keys().cloned().collect(),
        title_method: page.title_method.clone(),
    }
}

/// Why a page with a `> Scope:` line is no method page; `None` for pages without one
/// (overviews, guides).
fn not_a_method(tokens: &markdown::Page) -> Option<String> {
    tokens.scope_line.as_ref()?;
    let title = tokens.title.as_deref().unwrap_or_default();
    Some(if title.contains("BX24.") {
        "a browser call (`BX24.*`), not a REST method".to_owned()
    } else {
        "its title names no method and no code sample calls a method named like the file".to_owned()
    })
}
