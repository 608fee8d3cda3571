//! The method a page documents: its title's method name, unless the page's own code
//! samples call another.
//!
//! Titles are prose and sometimes name the wrong thing: `Pin a Chat at the Top of the
//! im.recent List` documents `im.recent.pin`, `Delete department.department.delete`
//! documents `department.delete`, `Find Employess humanresourses.employee.search` has a
//! typo for `humanresources.employee.search`. The samples are what was run: when the
//! title's name is not among the names they call, the page documents the one they call
//! (the one matching the file name, else the one called most often). When title and
//! samples agree, the prose around them does not count (`task.item.addtofavorite`).

use super::samples::Samples;

/// Letters and digits only, lowercase: how a file name and a method name compare
/// (`rpa-fields-set-settings.md` and `rpa.fields.setSettings` are both
/// `rpafieldssetsettings`).
fn normal(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The file name of `path` without `.md`, normalised.
fn file_stem(path: &str) -> String {
    normal(
        path.rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".md"),
    )
}

/// Whether the page at `path` is named after `method` (`rpa-fields-set-settings.md` and
/// `rpa.fields.setSettings`).
pub fn named_after_file(method: &str, path: &str) -> bool {
    normal(method) == file_stem(path)
}

/// The method the samples call whose name is the file's (`crm-item-fields.md` calls
/// `crm.item.fields`, `methods.md` calls `methods`): the method of a page whose title
/// names none (`# Retrieve Fields of CRM Item`).
pub(crate) fn from_file(samples: &Samples, path: &str) -> Option<String> {
    let stem = file_stem(path);
    samples
        .methods
        .keys()
        .find(|name| normal(name) == stem)
        .cloned()
}

/// The method the page documents, and the title's name when the samples overrule it.
///
/// The title stands when the samples call it (in any case: method names are not case
/// sensitive), when there are no samples, or when the file is named after it (then the
/// samples are the copy: `rpa-comment-update.md` whose samples call `rpa.comment.add`).
/// Otherwise the samples' method named like the file wins, else the one they call most.
pub(crate) fn choose(title: String, samples: &Samples, path: &str) -> (String, Option<String>) {
    let called = samples
        .methods
        .keys()
        .any(|m| m.eq_ignore_ascii_case(&title));
    if samples.methods.is_empty() || called || named_after_file(&title, path) {
        return (title, None);
    }
    let by_file = from_file(samples, path);
    let most = samples
        .methods
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(name, _)| name);
    match by_file.or(most.cloned()) {
        Some(name) => (name, Some(title)),
        None => (title, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(names: &[(&str, usize)]) -> Samples {
        Samples {
            methods: names.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect(),
            ..Samples::default()
        }
    }

    #[test]
    fn samples_overrule_the_title() {
        let pin = samples(&[("im.recent.pin", 4)]);
        assert_eq!(
            choose("im.recent".into(), &pin, "chats/im-recent-pin.md"),
            ("im.recent.pin".into(), Some("im.recent".into()))
        );
        let typo = samples(&[("humanresources.employee.search", 5)]);
        assert_eq!(
            choose(
                "humanresourses.employee.search".into(),
                &typo,
                "departments/employee/humanresources-employee-search.md"
            )
            .0,
            "humanresources.employee.search"
        );
        let by_file = samples(&[("department.get", 5), ("department.delete", 2)]);
        assert_eq!(
            choose(
                "department.department.delete".into(),
                &by_file,
                "x/department-delete.md"
            )
            .0,
            "department.delete"
        );
    }

    #[test]
    fn agreeing_samples_keep_the_title() {
        let copied = samples(&[("rpa.comment.add", 3)]);
        assert_eq!(
            choose(
                "rpa.comment.update".into(),
                &copied,
                "x/rpa-comment-update.md"
            ),
            ("rpa.comment.update".into(), None)
        );
        let case = samples(&[("catalog.roundingrule.list", 3)]);
        assert_eq!(
            choose(
                "catalog.roundingRule.list".into(),
                &case,
                "x/catalog-rounding-rule-list.md"
            )
            .0,
            "catalog.roundingRule.list"
        );
        let favorite = samples(&[("task.item.addtofavorite", 4), ("task.item.list", 1)]);
        assert_eq!(
            choose(
                "task.item.addtofavorite".into(),
                &favorite,
                "x/task-item-add-to-favourite.md"
            ),
            ("task.item.addtofavorite".into(), None)
        );
        assert_eq!(
            choose("x.y".into(), &Samples::default(), "x.md"),
            ("x.y".into(), None)
        );
        let methods = samples(&[("methods", 3)]);
        assert_eq!(
            from_file(&methods, "common/system/methods.md").as_deref(),
            Some("methods")
        );
        assert_eq!(from_file(&methods, "common/system/index.md"), None);
    }
}
