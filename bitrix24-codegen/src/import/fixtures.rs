//! The docs' reply examples kept as fixtures for `cargo xtask verify-fixtures`.

use std::collections::BTreeMap;

use super::layout::Root;
use super::page::MethodPage;

/// Where `cargo xtask import-docs` writes [`ImportReport::fixtures`](super::ImportReport::fixtures), relative to the
/// workspace root, in the layout `cargo xtask verify-fixtures` reads: a folder per method
/// (`crm.deal.get/1.json`; a REST 3.0 twin's replies as `v3-1.json`) and `error/` for
/// error replies (`error/crm.deal.get-1.json`).
pub const FIXTURES_DIR: &str = "fixtures/docs";

/// Keep the page's JSON examples that are whole replies: an object with `result` (a
/// success) or with `error` and no `result` (an error). Anything else (a request, a bare
/// record) is not a reply and not kept.
pub(super) fn add_fixtures(fixtures: &mut BTreeMap<String, String>, page: &MethodPage, root: Root) {
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
