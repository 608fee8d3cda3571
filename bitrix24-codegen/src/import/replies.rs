//! The replies of a family besides its get and list that show the entity's record.
//!
//! A family's other methods often return the entity too (`vote.attachedvote.recall`'s
//! `attach`, `documentgenerator.document.update`'s `document`, the items of
//! `im.recent.list`), each page typing it anew. [`share_with_replies`] makes them return
//! the record the family's get returns, once every field reads as the record's (objects
//! inside it may show more keys, which the record's objects adopt).

use std::collections::{BTreeMap, BTreeSet};

use super::adoption::{nested_adoptions, read_alike, retype};
use super::emit_yaml::Yaml;
use super::records::{drop_unused, is_referenced, is_within, rename, type_fields, type_refs};
use super::render::FileTree;

/// Replaces the record types of the family's other replies that hold the entity's
/// fields (each of its fields one of the record's, reading alike:
/// `vote.attachedvote.recall`'s `attach`, whose `userAnswerMap` the get page types) by
/// `record`: one type for the entity wherever a reply shows it. Only types in the record's
/// own file (another file's would make the two files' modules use each other), never a
/// type a request or an event uses (a write's type says what it takes; an event's data
/// stays its own), and only one holding three of the record's fields and at least half;
/// the replaced types.
pub(super) fn share_with_replies(
    files: &mut BTreeMap<String, FileTree>,
    family: &str,
    record: &str,
) -> BTreeSet<String> {
    let fields = type_fields(files, record);
    let Some(home) = files
        .iter()
        .find(|(_, file)| file.types.contains_key(record))
        .map(|(key, _)| key.clone())
    else {
        return BTreeSet::new();
    };
    let pages: BTreeSet<String> = files
        .values()
        .flat_map(|file| &file.methods)
        .filter(|(method, _)| {
            method
                .strip_prefix(family)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|verb| !verb.contains('.'))
        })
        .filter_map(|(_, entry)| entry.get("docs")?.as_str().map(str::to_owned))
        .collect();
    let kept = sent_or_evented(files);
    let mut nested = BTreeMap::new();
    let replaced: BTreeSet<String> = files[&home]
        .types
        .iter()
        .filter(|(name, ty)| {
            let page = ty.get("docs").and_then(Yaml::as_str).unwrap_or_default();
            *name != record
                && !kept.contains(*name)
                && is_referenced(files, name)
                && pages.contains(page.split('#').next().unwrap_or_default())
        })
        .map(|(name, _)| name.clone())
        .filter(|name| {
            let mut own = type_fields(files, name);
            let size = own.len();
            // Objects inside the reply's record may show more than the record's own (the
            // user of `im.recent.list`'s items, whose get shows its ID only).
            let adopted = nested_adoptions(files, &mut own, &fields, &read_alike);
            let holds = size >= 3 && size * 2 >= fields.len() && is_within(files, &own, &fields);
            if holds {
                nested.extend(adopted);
            }
            holds
        })
        .collect();
    for (object, typed) in &nested {
        retype(files, object, typed);
    }
    // What the replaced types held (their own nested objects) may be used by nothing now.
    let mut held = BTreeSet::new();
    if let Some(file) = files.get_mut(&home) {
        for name in &replaced {
            if let Some(ty) = file.types.get(name) {
                type_refs(ty, &mut held);
            }
        }
        file.types.retain(|name, _| !replaced.contains(name));
    }
    let renames = replaced
        .iter()
        .map(|name| (name.clone(), record.to_owned()))
        .collect();
    rename(files, &renames);
    drop_unused(files, &held);
    replaced
}

/// The types a method's parameters or an event use, directly or inside other types.
fn sent_or_evented(files: &BTreeMap<String, FileTree>) -> BTreeSet<String> {
    let mut pending = BTreeSet::new();
    for file in files.values() {
        for entry in file.methods.values() {
            if let Some(params) = entry.get("params") {
                type_refs(params, &mut pending);
            }
        }
        for event in file.events.values() {
            type_refs(event, &mut pending);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop_first() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(ty) = files.values().find_map(|file| file.types.get(&name)) {
            type_refs(ty, &mut pending);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_trees::{record, tree};

    /// `ty` documented on `page`.
    fn on(page: &str, ty: Yaml) -> Yaml {
        let Yaml::Map(mut entries) = ty else {
            unreachable!("a record is a map")
        };
        entries.insert(0, ("docs".to_owned(), Yaml::str(page)));
        Yaml::Map(entries)
    }

    fn reply(page: &str, result: &str) -> Yaml {
        Yaml::Map(vec![
            ("docs".to_owned(), Yaml::str(page)),
            ("result".to_owned(), Yaml::str(result)),
        ])
    }

    /// A family like `im.recent`: the get's records hold a chat (with a link inside) and
    /// a user of its ID only; the list's items show the user whole and type the link's
    /// ID as text. `links` is how the list's items type the list of links they carry.
    fn recent_files(links: &str) -> BTreeMap<String, FileTree> {
        let (get, list) = ("chats/get.md", "chats/list.md");
        BTreeMap::from([(
            "chats.yaml".to_owned(),
            tree(
                vec![
                    (
                        "Recent",
                        on(
                            get,
                            record(&[
                                ("id", "string"),
                                ("title", "string"),
                                ("chat", "RecentChat"),
                                ("user", "RecentUser"),
                                ("links", "RecentLink[]"),
                            ]),
                        ),
                    ),
                    (
                        "RecentChat",
                        on(
                            get,
                            record(&[
                                ("id", "id"),
                                ("entity_link", "RecentLink"),
                                ("mute_list", "raw"),
                            ]),
                        ),
                    ),
                    (
                        "RecentLink",
                        on(get, record(&[("id", "id"), ("type", "string")])),
                    ),
                    ("RecentUser", on(get, record(&[("id", "id")]))),
                    (
                        "ListHolder",
                        on(
                            list,
                            record(&[("items", "ListItem[]"), ("hasMore", "boolean")]),
                        ),
                    ),
                    (
                        "ListItem",
                        on(
                            list,
                            record(&[
                                ("id", "string"),
                                ("title", "string"),
                                ("chat", "ListChat"),
                                ("user", "ListUser"),
                                ("links", links),
                            ]),
                        ),
                    ),
                    (
                        "ListChat",
                        on(
                            list,
                            record(&[
                                ("id", "id"),
                                ("entity_link", "ListLink"),
                                ("mute_list", "map<boolean>"),
                            ]),
                        ),
                    ),
                    (
                        "ListLink",
                        on(list, record(&[("id", "string"), ("type", "string")])),
                    ),
                    (
                        "ListUser",
                        on(
                            list,
                            record(&[("id", "id"), ("name", "string"), ("bot", "boolean")]),
                        ),
                    ),
                ],
                vec![
                    ("im.recent.get", reply(get, "Recent[]")),
                    ("im.recent.list", reply(list, "ListHolder")),
                ],
            ),
        )])
    }

    fn field(files: &BTreeMap<String, FileTree>, ty: &str, name: &str) -> Option<String> {
        type_fields(files, ty).get(name).cloned()
    }

    #[test]
    fn the_items_a_reply_lists_become_the_record_whose_objects_adopt_what_they_show() {
        let mut files = recent_files("RecentLink[]");
        let replaced = share_with_replies(&mut files, "im.recent", "Recent");
        assert_eq!(replaced, BTreeSet::from(["ListItem".to_owned()]));
        assert_eq!(
            field(&files, "ListHolder", "items").as_deref(),
            Some("Recent[]")
        );
        // The user the get shows by ID adopts what the list shows of it.
        assert_eq!(
            type_fields(&files, "RecentUser").keys().collect::<Vec<_>>(),
            ["bot", "id", "name"]
        );
        // Two objects deep: the link's ID, text on one page, is text.
        assert_eq!(field(&files, "RecentLink", "id").as_deref(), Some("string"));
        // What the get leaves raw the list types.
        assert_eq!(
            field(&files, "RecentChat", "mute_list").as_deref(),
            Some("map<boolean>")
        );
        // The list's own objects are used by nothing now.
        for gone in ["ListChat", "ListLink", "ListUser"] {
            assert!(
                files.values().all(|file| !file.types.contains_key(gone)),
                "{gone}"
            );
        }
    }

    #[test]
    fn items_with_their_own_ids_as_text_keep_the_reply_apart_and_the_record_unchanged() {
        // A list of links inside each item: every link's `id` is its own, which the
        // record reads as an ID; the list's text is no reason to widen it.
        let mut files = recent_files("ListLink[]");
        let before = type_fields(&files, "RecentUser");
        assert!(share_with_replies(&mut files, "im.recent", "Recent").is_empty());
        assert_eq!(
            field(&files, "ListHolder", "items").as_deref(),
            Some("ListItem[]")
        );
        assert_eq!(type_fields(&files, "RecentUser"), before);
        assert_eq!(field(&files, "RecentLink", "id").as_deref(), Some("id"));
    }
}
