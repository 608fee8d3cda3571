//! The docs' reply examples kept as fixtures for `cargo xtask verify-fixtures`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::infer;
use super::layout::Root;
use super::page::MethodPage;

/// Where `cargo xtask import-docs` writes [`ImportReport::fixtures`](super::ImportReport::fixtures), relative to the
/// workspace root, in the layout `cargo xtask verify-fixtures` reads: a folder per method
/// (`crm.deal.get/1.json`; a REST 3.0 twin's replies as `v3-1.json`) and `error/` for
/// error replies (`error/crm.deal.get-1.json`).
pub const FIXTURES_DIR: &str = "fixtures/docs";

/// Keep the page's JSON examples that are whole replies: an object with `result` (a
/// success) or with `error` and no `result` (an error). Anything else (a request, a bare
/// record) is not a reply and not kept. An example that is JSON is kept as written; one
/// that only reads as JSON once its comments, `...` elisions and unescaped `\` are
/// mended ([`infer::parse_example`]) is kept as what it reads as.
pub(super) fn add_fixtures(fixtures: &mut BTreeMap<String, String>, page: &MethodPage, root: Root) {
    let prefix = if root == Root::Twins { "v3-" } else { "" };
    let (mut successes, mut errors) = (0, 0);
    // The replies that are JSON first, so that their numbers stay as they were.
    let written = page.json_examples.iter().filter_map(|text| {
        Some((
            serde_json::from_str(text).ok()?,
            Cow::Borrowed(text.as_str()),
        ))
    });
    let mended = page
        .response_json
        .iter()
        .filter(|text| serde_json::from_str::<serde_json::Value>(text).is_err())
        .filter_map(|text| {
            let reply = infer::parse_example(text)?;
            let text = serde_json::to_string_pretty(&reply).ok()?;
            Some((reply, Cow::Owned(text)))
        });
    for (reply, text) in written.chain(mended) {
        let serde_json::Value::Object(reply) = reply else {
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
