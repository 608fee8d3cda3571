//! What a list's records add to the entity's record when the list returns it.
//!
//! A list page often shows what the get page leaves raw or untold: a field the record
//! types `raw`, text where the record says a number, a few fields it lacks, or more keys of
//! an object inside it (a user field's `SETTINGS` differ by the field's type, so each
//! page's example shows another set). [`joins_record`] decides whether the list's records
//! are the entity's once the record adopts those, and makes it adopt them.

use std::collections::{BTreeMap, BTreeSet};

use super::emit_yaml::Yaml;
use super::records::{NUMBERS, TEXTS, is_within, reads_as, type_fields, type_refs};
use super::render::FileTree;
use crate::naming;

/// Whether a list's records of type `element` are the entity's `record` (with `fields`):
/// each of their fields reads as the record's, once the record adopts what only the list
/// types ([`adopted_types`], which it then does).
pub(super) fn joins_record(
    files: &mut BTreeMap<String, FileTree>,
    record: &str,
    element: &str,
    fields: &BTreeMap<String, String>,
) -> bool {
    let mut own_fields = type_fields(files, element);
    let nested = nested_adoptions(files, &mut own_fields, fields, &read_alike);
    let adopted = adopted_types(files, record, &mut own_fields, fields, Joining::Few);
    let joins = is_within(files, &own_fields, fields)
        || own_fields.is_empty() && !(adopted.is_empty() && nested.is_empty());
    if joins {
        retype(files, record, &adopted);
        for (object, typed) in &nested {
            retype(files, object, typed);
        }
    }
    joins
}

/// Whether a field of type `own` reads as one of type `target`.
pub(super) fn read_alike(files: &BTreeMap<String, FileTree>, own: &str, target: &str) -> bool {
    reads_as(files, own, target, 0)
}

/// How many fields a record lacks may join it from a list.
#[derive(Clone, Copy, PartialEq)]
enum Joining {
    /// A few beside many it shares (at most a quarter of the list's): a list that shows
    /// many more is another view of the entity, not the entity.
    Few,
    /// Any, into the items of a list inside the record (a user field's `LIST`): objects
    /// whose keys vary by what they describe, each page showing another set.
    Any,
    /// Any, into one object inside the record (a user field's `SETTINGS`, one set per
    /// field type); a text ID there widens the record's too.
    One,
}

/// How deep [`nested_adoptions`] looks into objects inside objects (`im.recent.list`'s
/// `chat.entity_link`): far enough for the docs' records, short of a type that holds
/// itself.
const NESTED_DEPTH: usize = 3;

/// Whether two field types of two pages read alike (a list's), or one is sent as the
/// other (a write's).
pub(super) type Alike = dyn Fn(&BTreeMap<String, FileTree>, &str, &str) -> bool;

/// The record's object fields (a user field's `SETTINGS`, the items of its `LIST`) that
/// a list or a write shows as an object type of its own: the record's object type adopts
/// what the other shows beyond the keys they share ([`adopted_types`], any number of
/// them), when the keys they share are `alike` (read alike for a list; as `writes` judges
/// for a write) or are objects that join the same way in turn. Those fields leave `own`;
/// returned: each record object type and the fields it adopts.
pub(super) fn nested_adoptions(
    files: &BTreeMap<String, FileTree>,
    own: &mut BTreeMap<String, String>,
    fields: &BTreeMap<String, String>,
    alike: &Alike,
) -> BTreeMap<String, BTreeMap<String, String>> {
    adoptions_within(files, own, fields, alike, 0)
}

fn adoptions_within(
    files: &BTreeMap<String, FileTree>,
    own: &mut BTreeMap<String, String>,
    fields: &BTreeMap<String, String>,
    alike: &Alike,
    depth: usize,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut adoptions: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut joined = Vec::new();
    for (name, ty) in own.iter() {
        let Some(target) = fields.get(name) else {
            continue;
        };
        let (listed, object) = match (ty.strip_suffix("[]"), target.strip_suffix("[]")) {
            (Some(listed), Some(object)) => (listed, object),
            (None, None) => (ty.as_str(), target.as_str()),
            _ => continue,
        };
        if listed == object || !naming::is_type_name(listed) || !naming::is_type_name(object) {
            continue;
        }
        let object_fields = type_fields(files, object);
        let mut listed_fields = type_fields(files, listed);
        if !listed_fields
            .keys()
            .any(|key| object_fields.contains_key(key))
        {
            continue;
        }
        let inner = if depth + 1 < NESTED_DEPTH {
            adoptions_within(files, &mut listed_fields, &object_fields, alike, depth + 1)
        } else {
            BTreeMap::new()
        };
        let how_many = if ty.ends_with("[]") {
            Joining::Any
        } else {
            Joining::One
        };
        let typed = adopted_types(files, object, &mut listed_fields, &object_fields, how_many);
        let rest_alike = listed_fields.iter().all(|(name, ty)| {
            object_fields
                .get(name)
                .is_some_and(|target| alike(files, ty, target))
        });
        if rest_alike {
            adoptions
                .entry(object.to_owned())
                .or_default()
                .extend(typed);
            for (object, typed) in inner {
                adoptions.entry(object).or_default().extend(typed);
            }
            joined.push(name.clone());
        }
    }
    for name in joined {
        own.remove(&name);
    }
    adoptions
}

/// Takes out of `own` (a list's record fields) those the entity's `record` should type as
/// the list does, and returns them with the type the record adopts: fields it lacks (how
/// many: [`Joining`]); what the record leaves raw (`COMMUNICATIONS`, which only
/// `crm.activity.list` shows); and text where the record says a number (`xmlId`: the list
/// shows `"marketing_department"`), which the record widens to text. Only types the
/// record's own file defines (or builtins), so that sharing never makes two files' modules
/// use each other.
fn adopted_types(
    files: &BTreeMap<String, FileTree>,
    record: &str,
    own: &mut BTreeMap<String, String>,
    fields: &BTreeMap<String, String>,
    how_many: Joining,
) -> BTreeMap<String, String> {
    let home = files.values().find(|file| file.types.contains_key(record));
    let at_home = |ty: &str| {
        let mut named = BTreeSet::new();
        type_refs(&Yaml::str(ty), &mut named);
        named
            .iter()
            .all(|name| home.is_some_and(|file| file.types.contains_key(name)))
    };
    // Fields only the list shows (`companyId` of `sale.order.list`) join the record, when
    // they are a few beside many it shares.
    let unseen: Vec<&String> = own
        .keys()
        .filter(|name| !fields.contains_key(*name))
        .collect();
    let joining = !unseen.is_empty()
        && (how_many != Joining::Few || unseen.len() * 4 <= own.len())
        && unseen.iter().all(|name| at_home(&own[*name]));
    let adopted: BTreeMap<String, String> = own
        .iter()
        .filter_map(|(name, ty)| {
            let Some(target) = fields.get(name) else {
                return joining.then(|| (name.clone(), ty.clone()));
            };
            if how_many != Joining::Few && ty == "raw" && target != "raw" {
                // Inside an object whose keys vary by what it describes, a key the list
                // shows as values of several shapes (`DEFAULT_VALUE`: a text for one
                // field type, an object for another) is one the record must not narrow.
                Some((name.clone(), ty.clone()))
            } else if target == "raw" && ty != "raw" && at_home(ty) {
                Some((name.clone(), ty.clone()))
            } else if TEXTS.contains(&ty.as_str())
                && (NUMBERS.contains(&target.as_str())
                    || how_many == Joining::One && target == "id")
            {
                // Inside one object (not a list of items, each with its own ID), an ID one
                // page shows as text identifies whatever the object links
                // (`entity_link.id` of a chat: a task's number or a CRM entity's code).
                Some((name.clone(), "string".to_owned()))
            } else {
                None
            }
        })
        .collect();
    own.retain(|name, _| !adopted.contains_key(name));
    adopted
}

/// Sets the types of `record`'s fields named in `typed`, adding those it lacks.
pub(super) fn retype(
    files: &mut BTreeMap<String, FileTree>,
    record: &str,
    typed: &BTreeMap<String, String>,
) {
    let Some(Yaml::Map(entries)) = files
        .values_mut()
        .find_map(|file| file.types.get_mut(record))
        .and_then(|ty| ty.get_mut("fields"))
    else {
        return;
    };
    for (name, field) in entries.iter_mut() {
        let Some(ty) = typed.get(name) else {
            continue;
        };
        match field {
            Yaml::Map(parts) => {
                for (key, value) in parts.iter_mut() {
                    if key == "type" {
                        *value = Yaml::str(ty);
                    }
                }
            }
            other => *other = Yaml::str(ty),
        }
    }
    for (name, ty) in typed {
        if !entries.iter().any(|(field, _)| field == name) {
            entries.push((name.clone(), Yaml::str(ty)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_trees::{record, tree};

    fn user_field_files(listed_settings: &[(&str, &str)]) -> BTreeMap<String, FileTree> {
        BTreeMap::from([(
            "crm/deals.yaml".to_owned(),
            tree(
                vec![
                    (
                        "DealUserfield",
                        record(&[
                            ("ID", "id"),
                            ("SETTINGS", "DealUserfieldSettings"),
                            ("LIST", "DealUserfieldEnum[]"),
                        ]),
                    ),
                    ("DealUserfieldSettings", record(&[("ROWS", "integer")])),
                    (
                        "DealUserfieldEnum",
                        record(&[("VALUE", "string"), ("SORT", "integer")]),
                    ),
                    (
                        "DealUserfieldListItem",
                        record(&[
                            ("ID", "id"),
                            ("SETTINGS", "DealUserfieldListSettings"),
                            ("LIST", "DealUserfieldListEnum[]"),
                        ]),
                    ),
                    ("DealUserfieldListSettings", record(listed_settings)),
                    (
                        "DealUserfieldListEnum",
                        record(&[("ID", "id"), ("VALUE", "string"), ("SORT", "string")]),
                    ),
                ],
                Vec::new(),
            ),
        )])
    }

    #[test]
    fn objects_inside_the_record_adopt_the_keys_the_list_shows_besides_theirs() {
        let mut files = user_field_files(&[
            ("ROWS", "integer"),
            ("DISPLAY", "string"),
            ("LIST_HEIGHT", "integer"),
            ("USE_USERS", "char"),
        ]);
        let fields = type_fields(&files, "DealUserfield");
        assert!(joins_record(
            &mut files,
            "DealUserfield",
            "DealUserfieldListItem",
            &fields
        ));
        // Any number of settings join: each field type has its own.
        let settings = type_fields(&files, "DealUserfieldSettings");
        assert_eq!(
            settings.keys().collect::<Vec<_>>(),
            ["DISPLAY", "LIST_HEIGHT", "ROWS", "USE_USERS"]
        );
        // A list item's ID joins; its SORT shown as text widens the record's number.
        let item = type_fields(&files, "DealUserfieldEnum");
        assert_eq!(item.get("ID").map(String::as_str), Some("id"));
        assert_eq!(item.get("SORT").map(String::as_str), Some("string"));
        // The record's own fields are untouched.
        assert_eq!(type_fields(&files, "DealUserfield"), fields);
    }

    #[test]
    fn an_object_that_shares_no_key_or_reads_otherwise_keeps_the_list_apart() {
        for listed in [
            [("COLOUR", "string")],
            // What the record reads as a number the list shows as an object.
            [("ROWS", "DealUserfieldEnum")],
        ] {
            let mut files = user_field_files(&listed);
            let fields = type_fields(&files, "DealUserfield");
            assert!(!joins_record(
                &mut files,
                "DealUserfield",
                "DealUserfieldListItem",
                &fields
            ));
            // Nothing changed: the record's settings are as they were.
            assert_eq!(
                type_fields(&files, "DealUserfieldSettings")
                    .keys()
                    .collect::<Vec<_>>(),
                ["ROWS"]
            );
            assert!(!type_fields(&files, "DealUserfieldEnum").contains_key("ID"));
        }
    }
}
