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
//!   (`BX24.placement.call`) are not methods; the pages with a scope that document no
//!   method are listed ([`ImportReport::not_methods`]).
//! - **Method names** (`names`, `samples`): the code samples are what was run. A title
//!   whose name the samples do not call, on a file not named after it, yields to the
//!   samples' method named like the file, else the one they call most (`Pin a Chat at the
//!   Top of the im.recent List` is `im.recent.pin`, `department.department.delete` is
//!   `department.delete`); a title that names no method takes the samples' method named
//!   like the file (`crm-item-fields.md`: `crm.item.fields`; `methods.md`: `methods`).
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
//! - **Parameters**: the first field table (`table`: a `type` column, `**Parameter** /
//!   **Type**`, a `**Field** | **Description**` table, or one without a header) right
//!   under the `## ... Parameters` (or `# Method Parameters`) heading; rows
//!   `|| **NAME** [`type`](...) | description ||`, `*` after the name (`**id***`,
//!   `**id^*^**`) marks it required (`**NAME****`, "required in some cases", does not).
//!   Without one (`params`): the tables under numbered sub-headings (`### 1. By ID`,
//!   ways to call, merged, none required), else the first table before any section
//!   (`crm.deal.productrows.set`), else the keys of the cURL sample's JSON body typed by
//!   their values (list methods that point to the shared list description). An untyped
//!   `id` is an `id`; `auth` (the client's token) is left out. Top-level `select`,
//!   `order` and `filter` without a sub-table are `string[]`, `map<string>` and
//!   `map<raw>` (`query`).
//! - **Named types**: a row of type `object` (or `T[]`, or a docs type name like `deal`)
//!   becomes a named type when it points at a table on the same page: its type link or
//!   description links `#anchor` of a heading `### ... {#anchor}`, or a heading
//!   `### Parameter NAME` / `### NAME Parameter` names the row. The type is named from the
//!   method and the anchor (`crm.deal.add` + `#fields` -> `CrmDealAddFields`), with `2`,
//!   `3`, ... appended on a clash, in page order. Types read from response tables never
//!   mark fields required (a missing field must not fail decoding).
//! - **Types**: see [`types`](self#docs-types) below; what the docs leave unclear is `raw`
//!   and listed in [`ImportReport::raw_fallbacks`] with the reason.
//! - **Field typing** (`typing`): money names are `decimal`, date names `date`/`datetime`
//!   as the examples show (a date kept as text is listed in
//!   [`ImportReport::dates_kept`] with the example that shows why), listed values are
//!   open enums (`values`: `Y`/`N` alone is `char`), one per value set and scope in the
//!   scope's values file. What a request's docs type leaves raw may be typed by a
//!   sub-table an `array` row links, a table on another page the row links (`linked`:
//!   `tasks.task.add` `fields` -> `tasks/fields.md`), a list the description shows, or
//!   the value the cURL sample sends.
//! - **Result**: the `result` row of the `### Returned Data` table (or the first typed
//!   table of `## Response Handling`), else the first JSON example:
//!   a builtin type maps as above (`integer` of an `*.add` method is `id`); an object with a
//!   sub-table is a named type; `T[]` with `total`/`next` documented and a `start`
//!   parameter is a paginated list (`raw[]` records when the record type is unclear); an
//!   `object` `result` whose only other row is a list that the example shows under
//!   `result.KEY` is a keyed list; a reply whose `result` is documented `null` (or, for a
//!   method that changes something, shown only as `null` or `[]`) is `none`; a page whose
//!   examples never show `result` shows the result itself (`{"comment": {...}}`), unless
//!   the example is an envelope missing `result`; a `*.fields` page that lists the fields
//!   but shows no reply returns `map<FieldDescription>`; everything else is `raw`, until
//!   `inherited` (below) finds it elsewhere.
//! - **Namesakes** (run once every page is built, first): a response field left raw
//!   because nothing showed its value (no type, an empty example) takes the type its
//!   namesakes in the scope agree on, at least two of them (`namesakes`).
//! - **Same types** (run once every page is built, after the namesakes): the types of one
//!   spec file with the same fields whose names end in the same word are one type, named
//!   for what their names share (`TasksTask{Add,Get,Pin}Creator` -> `TasksTaskCreator`),
//!   in rounds until nothing more merges (`same_types`).
//! - **Entities** (run once every page is built): the record a family's `*.get` returns is
//!   the entity's record, named for it (`families`); its `list`, `current`, `add` and
//!   `update` take it where their own types read alike (`records::reads_as`; `writes`:
//!   fields only a write takes join the record, the ones no write takes are read-only).
//!   Every method with `start` declares its list, on the fast path where it takes
//!   `filter`, `order` and `start` and its records have an integer ID (`lists`). The
//!   per-object-type records of the universal `crm.item.*` come from object-fields.md
//!   (`item_types`). A result left raw takes the result of the page its Response section
//!   says the reply is like, or, on a page that shows no reply, the result the documented
//!   methods of its scope with the same verb and parameters agree on (`inherited`).
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
//! - **Kind** ([`method_kind`]): the kind rule of [`crate::rules::kind`] (written down with
//!   its cases in `specs/README.md`): reading names are `read`, `update*`, `delete*`,
//!   `set*`, `unbind`, ... are `idempotent`, everything else (`add`, `send`, `bind`, ...)
//!   is `write`, the safe default (never repeated when its fate is unknown). An overlay
//!   can set `kind`, saying why in `kind_reason`.
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
//! | `crm_multifield` | `crm_multifield[]` |
//! | `T[]` | `T[]` when `T` maps; a list of unclear things is `raw` |
//! | `object`, named docs types | a named type when its sub-table is on the page, else `raw` |
//! | another entity's field (`catalog_product.id`, `sale_status.id`) | that field's type on the data-types pages (`doc_types`): `id`, `string`, ... |
//! | the identifiers and enumerations of the data-types pages (`sale_order`, `crm_enum_activitytype`) | `id`, `string`, an enum |
//! | unions (`string \| null`, `datetime`\|`date`, `integer`\|`integer[]` in a request) | one type, see `types::map_union` |
//! | `any`, `array`, `enum`, other unions | `raw` |
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

mod adoption;
mod builder;
mod doc_types;
mod documented;
mod emit_yaml;
mod families;
mod field_access;
mod field_names;
mod fixtures;
mod infer;
mod inherited;
mod item_types;
mod kind;
mod layout;
mod linked;
mod linked_types;
mod lists;
mod markdown;
mod names;
mod namesakes;
pub mod overlay;
mod page;
mod params;
mod query;
mod record_sets;
mod records;
mod render;
mod replies;
mod report;
mod result;
mod same_types;
mod samples;
mod selectable;
mod table;
#[cfg(test)]
mod test_trees;
mod ts_shape;
mod types;
mod typing;
mod values;
mod walk;
mod writes;

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

pub use emit_yaml::{Yaml, to_yaml};
pub use fixtures::FIXTURES_DIR;
pub use kind::method_kind;
pub use layout::NO_SCOPE;
pub use names::named_after_file;
pub use report::{ImportReport, MethodFacts, Problem, RawFallback};

use crate::tree::{Stale, WriteReport};

/// Import every method page under `docs_root/api-reference/`, without overlays.
pub fn import_docs(docs_root: &Path) -> ImportReport {
    let imported = walk::import_trees(docs_root, &BTreeSet::new());
    render::render(imported.report, imported.files, BTreeMap::new())
}

/// Import, then merge the overlay files found under `overlays` (a missing directory has
/// none). Errors: overlay files that cannot be read or parsed.
pub fn import_docs_with_overlays(
    docs_root: &Path,
    overlays: &Path,
) -> Result<ImportReport, Vec<String>> {
    let overlays = overlay::load_dir(overlays)?;
    // The types the overlays correct keep their names (see `same_types`); a type they
    // delete is named as the import names it, so that the deletion finds it.
    let mut named = BTreeSet::new();
    for overlay in overlays.values() {
        if let Some(Yaml::Map(types)) = overlay.get("types") {
            let corrected = types.iter().filter(|(_, ty)| *ty != Yaml::Null);
            named.extend(corrected.map(|(name, _)| name.clone()));
        }
        records::type_refs(overlay, &mut named);
    }
    let imported = walk::import_trees(docs_root, &named);
    Ok(render::render(imported.report, imported.files, overlays))
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
