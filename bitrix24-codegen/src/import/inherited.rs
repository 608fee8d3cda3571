//! Results a page leaves raw, taken from what other pages document.
//!
//! Run once every page is built and the families joined, on the methods whose result is
//! still `raw` because their own page shows no reply:
//!
//! - **A reply like another's.** A Response section that says the reply is "similar to"
//!   or "the same as" another method's, linking its page (`rpa.item.add` -> `rpa.item.get`),
//!   takes that method's result, when it is typed and in the same scope.
//! - **The convention of the verb.** A page with no reply at all (no Returned Data table,
//!   no example: the outdated `crm.product.add`) takes the result that the documented
//!   methods of its scope with the same last name part and the same parameters agree on
//!   (`add(fields)` returns the new `id`, `update(id, fields)` and `delete(id)` a
//!   `boolean`, `fields()` the field descriptions), when at least [`MIN_AGREEING`] of them
//!   agree and they are at least three in four of those with such a result. Only the
//!   results that carry no page's own type count ([`CONVENTIONAL`]).
//!
//! Each method changed gets a note saying where its result came from.

use std::collections::BTreeMap;

use super::emit_yaml::Yaml;
use super::page::MethodPage;
use super::render::FileTree;
use super::report::Problem;

/// The results a convention may give: none of them names a type of one page.
const CONVENTIONAL: &[&str] = &[
    "id",
    "integer",
    "boolean",
    "string",
    "none",
    "map<FieldDescription>",
];

/// Fewest documented methods that must agree on a convention.
const MIN_AGREEING: usize = 5;

/// Where a method sits: (file path, method name).
type Site = (String, String);

/// Types the results of `files` that their pages leave raw (see the module docs).
pub(super) fn inherit(
    files: &mut BTreeMap<String, FileTree>,
    pages: &[MethodPage],
    notes: &mut Vec<Problem>,
) {
    let by_path: BTreeMap<&str, &MethodPage> = pages
        .iter()
        .map(|page| (page.path.as_str(), page))
        .collect();
    let sites: Vec<(Site, &MethodPage)> = files
        .iter()
        .flat_map(|(path, file)| {
            file.methods.iter().filter_map(|(method, entry)| {
                let docs = entry.get("docs")?.as_str()?;
                let page = by_path.get(docs)?;
                Some(((path.clone(), method.clone()), *page))
            })
        })
        .collect();
    let conventions = conventions(files, &sites);
    for ((path, method), page) in &sites {
        if !is_raw(result_of(files, path, method)) {
            continue;
        }
        let scope = files[path].scope.clone();
        let inherited = page
            .reply_like
            .as_deref()
            .and_then(|like| typed_result_of_page(files, &sites, like, &scope))
            .map(|(other, result)| (result, format!("the reply is like `{other}`'s")))
            .or_else(|| {
                if documents_reply(page) {
                    return None;
                }
                let key = convention_key(&scope, method, &files[path].methods[method]);
                let (result, agreeing) = conventions.get(&key)?;
                Some((
                    Yaml::str(result.as_str()),
                    format!(
                        "no reply documented: `{result}`, as the {agreeing} documented `{}` \
                         methods of scope `{scope}` with the same parameters return",
                        key.1
                    ),
                ))
            });
        let Some((result, why)) = inherited else {
            continue;
        };
        if let Some(Yaml::Map(entries)) = files
            .get_mut(path)
            .and_then(|file| file.methods.get_mut(method))
        {
            for (key, value) in entries.iter_mut() {
                if key == "result" {
                    *value = result.clone();
                }
            }
        }
        notes.push(Problem {
            page: page.path.clone(),
            line: None,
            message: format!("{method}.result: {why}"),
        });
    }
}

/// A page that shows or describes its reply in any way: only pages that do not are
/// typed by convention.
fn documents_reply(page: &MethodPage) -> bool {
    page.returned.is_some() || !page.response_json.is_empty() || page.reply_like.is_some()
}

/// (scope, last name part lowercase, parameter names): what methods must share for one's
/// reply to say what another's is.
type ConventionKey = (String, String, Vec<String>);

fn convention_key(scope: &str, method: &str, entry: &Yaml) -> ConventionKey {
    let verb = method
        .rsplit('.')
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase();
    let mut params: Vec<String> = match entry.get("params") {
        Some(Yaml::Map(params)) => params.iter().map(|(name, _)| name.clone()).collect(),
        _ => Vec::new(),
    };
    params.sort();
    (scope.to_owned(), verb, params)
}

/// The conventional result of each key, with how many documented methods agree on it.
fn conventions(
    files: &BTreeMap<String, FileTree>,
    sites: &[(Site, &MethodPage)],
) -> BTreeMap<ConventionKey, (String, usize)> {
    let mut seen: BTreeMap<ConventionKey, BTreeMap<String, usize>> = BTreeMap::new();
    for ((path, method), page) in sites {
        if !documents_reply(page) {
            continue;
        }
        let Some(Yaml::Str(result)) = result_of(files, path, method) else {
            continue;
        };
        if !CONVENTIONAL.contains(&result.as_str()) {
            continue;
        }
        let key = convention_key(&files[path].scope, method, &files[path].methods[method]);
        *seen
            .entry(key)
            .or_default()
            .entry(result.clone())
            .or_default() += 1;
    }
    seen.into_iter()
        .filter_map(|(key, counts)| {
            let total: usize = counts.values().sum();
            let (result, agreeing) = counts.into_iter().max_by_key(|(_, n)| *n)?;
            (agreeing >= MIN_AGREEING && agreeing * 4 >= total * 3)
                .then_some((key, (result, agreeing)))
        })
        .collect()
}

/// The typed result of the method documented on the page at `docs` in `scope`, with its
/// name.
fn typed_result_of_page(
    files: &BTreeMap<String, FileTree>,
    sites: &[(Site, &MethodPage)],
    docs: &str,
    scope: &str,
) -> Option<(String, Yaml)> {
    let ((path, method), _) = sites.iter().find(|(_, page)| page.path == docs)?;
    let result = result_of(files, path, method)?;
    (files[path].scope == scope && !is_raw(Some(result)))
        .then(|| (method.clone(), without_list(result)))
}

/// A list's records without its pagination: a write that answers like a list page does
/// not page.
fn without_list(result: &Yaml) -> Yaml {
    match result.get("type") {
        Some(ty) => ty.clone(),
        None => result.clone(),
    }
}

fn result_of<'a>(
    files: &'a BTreeMap<String, FileTree>,
    path: &str,
    method: &str,
) -> Option<&'a Yaml> {
    files.get(path)?.methods.get(method)?.get("result")
}

/// `raw`, `raw[]`, or a list of either.
fn is_raw(result: Option<&Yaml>) -> bool {
    let ty = match result {
        Some(Yaml::Str(ty)) => Some(ty.as_str()),
        Some(map) => map.get("type").and_then(Yaml::as_str),
        None => None,
    };
    ty.is_some_and(|ty| ty == "raw" || ty == "raw[]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_is_raw_whether_plain_or_a_list() {
        assert!(is_raw(Some(&Yaml::str("raw"))));
        assert!(is_raw(Some(&Yaml::Map(vec![(
            "type".to_owned(),
            Yaml::str("raw[]")
        )]))));
        assert!(!is_raw(Some(&Yaml::str("id"))));
        assert!(!is_raw(None));
    }
}
