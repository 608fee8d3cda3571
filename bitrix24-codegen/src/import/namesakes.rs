//! Raw fields typed by their namesakes.
//!
//! A response field stays `raw` when its page gives no type and its example shows nothing
//! to type it by (`"DESCRIPTION": null`, `"attachments": []`). The same field of the same
//! scope is often typed on other pages (`user.get`'s `LAST_ACTIVITY_DATE` is `null` in its
//! example, a datetime elsewhere in scope `user`). The page builder marks such fields
//! ([`unseen_field`]); run once every page is built, before the passes that compare
//! types, this pass gives each the type its namesakes agree on: at least
//! [`MIN_NAMESAKES`] fields of that name in the scope's types, all of one type with no raw
//! JSON in it (or of types that read as each other both ways, see [`agreement`]). A field raw for a reason the docs show (a union of types, examples that
//! disagree) is never marked: its namesakes do not overrule its own page. A field whose
//! page's JS sample declares a type ([`super::ts_shape`]) takes that type when its
//! namesakes do not agree: they saw values, the declaration only says what the sample
//! reads. Every mark is removed, typed or not.

use std::collections::{BTreeMap, BTreeSet};

use super::emit_yaml::Yaml;
use super::records::{field_type, reads_as_exactly};
use super::render::FileTree;
use super::report::Problem;

/// The key that marks an unseen field while the pages are joined; never written out.
const UNSEEN: &str = "unseen";

/// The mark's key for the type the page's JS sample declares (see
/// [`super::ts_shape`]): the field's type when its namesakes do not agree.
const DECLARED: &str = "declared";

/// Fewest typed namesakes that must agree.
const MIN_NAMESAKES: usize = 2;

/// A raw response field whose page showed nothing of its value, with the type its JS
/// sample declares, if any.
pub(super) fn unseen_field(declared: Option<&str>) -> Yaml {
    let mut mark = vec![
        ("type".to_owned(), Yaml::str("raw")),
        (UNSEEN.to_owned(), Yaml::Bool(true)),
    ];
    if let Some(declared) = declared {
        mark.push((DECLARED.to_owned(), Yaml::str(declared)));
    }
    Yaml::Map(mark)
}

/// (scope, field wire name) -> type expression -> how many fields have it.
type Namesakes = BTreeMap<(String, String), BTreeMap<String, usize>>;

/// Types the unseen fields of `files` by their namesakes and removes every mark (see the
/// module docs); one note per scope and field name typed.
pub(super) fn type_by_namesakes(files: &mut BTreeMap<String, FileTree>, notes: &mut Vec<Problem>) {
    let namesakes = namesakes(files);
    let agreed: BTreeMap<(String, String), (String, usize)> = unseen_names(files)
        .into_iter()
        .filter_map(|key| {
            let agreed = agreement(files, namesakes.get(&key)?)?;
            Some((key, agreed))
        })
        .collect();
    let agreed =
        |scope: &str, field: &str| agreed.get(&(scope.to_owned(), field.to_owned())).cloned();
    // (scope, field) -> (type, namesakes, fields typed)
    let mut typed: BTreeMap<(String, String), (String, usize, usize)> = BTreeMap::new();
    for file in files.values_mut() {
        let scope = file.scope.clone();
        for ty in file.types.values_mut() {
            let Yaml::Map(entries) = ty else { continue };
            for (key, fields) in entries.iter_mut() {
                let (true, Yaml::Map(fields)) = (key == "fields", fields) else {
                    continue;
                };
                for (name, field) in fields.iter_mut() {
                    if field.get(UNSEEN).is_none() {
                        continue;
                    }
                    *field = match agreed(&scope, name) {
                        Some((agreed, count)) => {
                            let entry = typed.entry((scope.clone(), name.clone())).or_insert((
                                agreed.clone(),
                                count,
                                0,
                            ));
                            entry.2 += 1;
                            Yaml::Str(agreed)
                        }
                        None => match field.get(DECLARED) {
                            Some(Yaml::Str(declared)) => Yaml::str(declared),
                            _ => Yaml::str("raw"),
                        },
                    };
                }
            }
        }
    }
    for ((scope, field), (ty, count, fields)) in typed {
        notes.push(Problem {
            page: format!("scope {scope}"),
            line: None,
            message: format!(
                "`{field}`: {fields} raw field(s) typed `{ty}`, as its {count} typed namesakes are"
            ),
        });
    }
}

/// Every field of every type of `files`: (scope, wire name, entry).
fn every_field(files: &BTreeMap<String, FileTree>) -> impl Iterator<Item = (&str, &str, &Yaml)> {
    files.values().flat_map(|file| {
        file.types.values().flat_map(move |ty| {
            let fields = match ty.get("fields") {
                Some(Yaml::Map(fields)) => fields.as_slice(),
                _ => &[],
            };
            fields
                .iter()
                .map(move |(name, field)| (file.scope.as_str(), name.as_str(), field))
        })
    })
}

/// (scope, field name) of every unseen field.
fn unseen_names(files: &BTreeMap<String, FileTree>) -> BTreeSet<(String, String)> {
    every_field(files)
        .filter(|(_, _, field)| field.get(UNSEEN).is_some())
        .map(|(scope, name, _)| (scope.to_owned(), name.to_owned()))
        .collect()
}

/// The type namesakes agree on, with how many they are: one type, or types that read
/// as each other both ways (the same checklist member record built on seven pages under
/// seven names; `integer` and `id`), the first by name standing for them all.
fn agreement(
    files: &BTreeMap<String, FileTree>,
    types: &BTreeMap<String, usize>,
) -> Option<(String, usize)> {
    let (first, _) = types.first_key_value()?;
    let alike = types.keys().all(|other| {
        other == first
            || (reads_as_exactly(files, first, other) && reads_as_exactly(files, other, first))
    });
    let count: usize = types.values().sum();
    (alike && count >= MIN_NAMESAKES).then(|| (first.clone(), count))
}

/// The types of every field of `files` with no raw JSON in it, by scope and name.
fn namesakes(files: &BTreeMap<String, FileTree>) -> Namesakes {
    let mut out = Namesakes::new();
    for (scope, name, field) in every_field(files) {
        let ty = field_type(field);
        if ty.is_empty() || mentions_raw(ty) {
            continue;
        }
        *out.entry((scope.to_owned(), name.to_owned()))
            .or_default()
            .entry(ty.to_owned())
            .or_default() += 1;
    }
    out
}

/// Whether a type expression has raw JSON in it (`raw`, `raw[]`, `map<raw>`).
fn mentions_raw(ty: &str) -> bool {
    ty.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|word| word == "raw")
}

#[cfg(test)]
mod tests {
    use super::super::test_trees::{record, tree};
    use super::*;

    fn unseen(names: &[&str]) -> Yaml {
        let fields = names
            .iter()
            .map(|name| ((*name).to_owned(), unseen_field(None)))
            .collect();
        Yaml::Map(vec![("fields".to_owned(), Yaml::Map(fields))])
    }

    fn field<'a>(files: &'a BTreeMap<String, FileTree>, ty: &str, name: &str) -> &'a Yaml {
        files["a.yaml"].types[ty]
            .get("fields")
            .and_then(|fields| fields.get(name))
            .unwrap()
    }

    #[test]
    fn an_unseen_field_takes_the_type_its_namesakes_agree_on() {
        let mut files = BTreeMap::from([(
            "a.yaml".to_owned(),
            tree(
                vec![
                    (
                        "One",
                        record(&[("SEEN", "datetime"), ("NOTE", "string"), ("ODD", "integer")]),
                    ),
                    (
                        "Two",
                        record(&[("SEEN", "datetime"), ("NOTE", "integer"), ("ODD", "raw")]),
                    ),
                    ("Three", unseen(&["SEEN", "NOTE", "ODD"])),
                    // Raw for a reason its page shows: not the namesakes' to type.
                    ("Four", record(&[("SEEN", "raw")])),
                ],
                vec![],
            ),
        )]);
        let mut notes = Vec::new();
        type_by_namesakes(&mut files, &mut notes);
        assert_eq!(field(&files, "Three", "SEEN"), &Yaml::str("datetime"));
        // Namesakes that disagree, or one alone, say nothing; no mark is left behind.
        assert_eq!(field(&files, "Three", "NOTE"), &Yaml::str("raw"));
        assert_eq!(field(&files, "Three", "ODD"), &Yaml::str("raw"));
        assert_eq!(field(&files, "Two", "ODD"), &Yaml::str("raw"));
        assert_eq!(field(&files, "Four", "SEEN"), &Yaml::str("raw"));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.contains("`SEEN`"), "{}", notes[0].message);
    }

    #[test]
    fn a_declared_type_types_what_namesakes_do_not() {
        let declared = |ty: &str| {
            Yaml::Map(vec![(
                "fields".to_owned(),
                Yaml::Map(vec![
                    ("SEEN".to_owned(), unseen_field(Some(ty))),
                    ("LONE".to_owned(), unseen_field(Some(ty))),
                ]),
            )])
        };
        let mut files = BTreeMap::from([(
            "a.yaml".to_owned(),
            tree(
                vec![
                    ("One", record(&[("SEEN", "datetime")])),
                    ("Two", record(&[("SEEN", "datetime")])),
                    ("Three", declared("string")),
                ],
                vec![],
            ),
        )]);
        type_by_namesakes(&mut files, &mut Vec::new());
        // Namesakes saw values: they come first; alone, the declaration types the field.
        assert_eq!(field(&files, "Three", "SEEN"), &Yaml::str("datetime"));
        assert_eq!(field(&files, "Three", "LONE"), &Yaml::str("string"));
    }

    #[test]
    fn raw_inside_a_type_is_raw() {
        assert!(mentions_raw("map<raw>"));
        assert!(mentions_raw("raw[]"));
        assert!(!mentions_raw("RawThing"));
        assert!(!mentions_raw("string"));
    }
}
