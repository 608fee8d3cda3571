//! The kind rule: what a method's name says about repeating it (`specs/README.md`, "The
//! kind rule", lists the same cases).
//!
//! The transport repeats a call whose fate is unknown (a dropped connection) only for
//! `read` and `idempotent` methods, so the rule errs towards `write`: a name it cannot
//! place is `write`, never repeated. A method whose docs say it does more than its name
//! (`disk.storage.getForApp` creates the storage it returns) keeps its rule-given kind in
//! the import and is corrected in an overlay that sets `kind` and says why in
//! `kind_reason`; the model build rejects a kind that departs from the rule without one.

/// Last name segments that only read, besides `get*`, `list*` and `is*`.
const READING: &[&str] = &[
    "fields",
    "search",
    "count",
    "current",
    "info",
    "time",
    "admin",
    "status",
    "statuslist",
    "types",
    "countries",
    "children",
    "subordinates",
    "multidepartment",
    "groups",
    "instances",
    "items",
    "events",
    "access",
    "name",
    "text",
    "senders",
    "thread",
    "tail",
    "download",
    "settings",
    "findbycomm",
    "searchcrmentities",
    "resolveidbypublicurl",
    "canmovetask",
    "check",
    "checkcontent",
    "availabletoadd",
    "version",
];

/// Last name segments that set a state, so that doing it twice is doing it once, besides
/// `update*`, `delete*` and `set<Upper>...`.
const SETTING: &[&str] = &[
    "set",
    "unbind",
    "unregister",
    "unset",
    "remove",
    "rename",
    "mute",
    "unmute",
    "pin",
    "unpin",
];

/// Prefixes of last name segments that create something (an `add` twice adds twice).
const CREATING_PREFIXES: &[&str] = &["add", "create", "send", "upload", "copy", "attach"];

/// Last name segments that create something.
const CREATING: &[&str] = &["bind", "register", "import", "batchimport"];

/// Namespaces whose every method reads (`crm.enum.ownertype` lists the owner types).
const READING_NAMESPACES: &[&str] = &["crm.enum."];

/// The retry-relevant kind the rule gives a method name: `read`, `idempotent` or `write`.
pub fn method_kind(name: &str) -> &'static str {
    if reads(name) {
        "read"
    } else if sets(name) {
        "idempotent"
    } else {
        "write"
    }
}

/// The last segment as written, and in lowercase.
fn last(name: &str) -> (&str, String) {
    let last = name.rsplit('.').next().unwrap_or(name);
    (last, last.to_ascii_lowercase())
}

/// Whether `segment` starts with `prefix` (any case) followed by an upper-case letter
/// (`setLandingRef`, `isActionAllowed`).
fn camel_prefix(segment: &str, prefix: &str) -> bool {
    segment
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        && segment[prefix.len()..].starts_with(|c: char| c.is_ascii_uppercase())
}

/// The name says the method only reads: a last segment `get*`, `list*`, `is<Upper>...`
/// (`isActionAllowed`, also written `isactionallowed`) or one of `READING`; a method of a
/// reading namespace (`crm.enum.*`); or a middle segment `get*`/`list`
/// (`calendar.event.get.nearest`, `lists.element.get.file.url`) before a last segment
/// that neither creates nor sets.
pub fn reads(name: &str) -> bool {
    let (segment, lower) = last(name);
    if lower.starts_with("get")
        || lower.starts_with("list")
        || camel_prefix(segment, "is")
        || lower == "isactionallowed"
        || READING.contains(&lower.as_str())
        || READING_NAMESPACES.iter().any(|ns| name.starts_with(ns))
    {
        return true;
    }
    let segments: Vec<&str> = name.split('.').collect();
    let middle = segments.len() > 2
        && segments[1..segments.len() - 1].iter().any(|s| {
            let s = s.to_ascii_lowercase();
            s.starts_with("get") || s == "list"
        });
    middle && !creates(name) && !sets(name)
}

/// The name says doing it twice is doing it once: a last segment `update*`, `delete*`,
/// `set<Upper>...` or one of `SETTING`.
pub fn sets(name: &str) -> bool {
    let (segment, lower) = last(name);
    lower.starts_with("update")
        || lower.starts_with("delete")
        || camel_prefix(segment, "set")
        || SETTING.contains(&lower.as_str())
}

/// The name says the method creates something: a last segment starting with one of
/// `CREATING_PREFIXES` (`add`, `addToFavorite`, `sendTyping`) or one of `CREATING`
/// (`bind`, `register`). Such a method is never `read` or `idempotent` by the rule.
pub fn creates(name: &str) -> bool {
    let (_, lower) = last(name);
    CREATING_PREFIXES.iter().any(|p| lower.starts_with(p)) || CREATING.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_name() {
        for (name, kind) in [
            ("crm.deal.get", "read"),
            ("crm.deal.list", "read"),
            ("sale.basketitem.getFields", "read"),
            ("crm.deal.fields", "read"),
            ("user.current", "read"),
            ("app.info", "read"),
            ("server.time", "read"),
            ("user.admin", "read"),
            ("timeman.status", "read"),
            ("crm.enum.ownertype", "read"),
            ("crm.enum.settings.mode", "read"),
            ("task.item.isactionallowed", "read"),
            ("task.elapseditem.isActionAllowed", "read"),
            ("landing.role.isEnabled", "read"),
            ("calendar.event.get.nearest", "read"),
            ("lists.element.get.file.url", "read"),
            ("crm.deal.update", "idempotent"),
            ("crm.deal.delete", "idempotent"),
            ("crm.orderentity.deleteByFilter", "idempotent"),
            ("landing.template.setLandingRef", "idempotent"),
            ("crm.deal.productrows.set", "idempotent"),
            ("event.unbind", "idempotent"),
            ("ai.engine.unregister", "idempotent"),
            ("crm.deal.add", "write"),
            ("im.message.send", "write"),
            ("placement.bind", "write"),
            ("event.bind", "write"),
            ("ai.engine.register", "write"),
            ("foo.setup", "write"),
            ("imopenlines.session.intercept", "write"),
        ] {
            assert_eq!(method_kind(name), kind, "{name}");
        }
    }

    #[test]
    fn creating_names() {
        for name in [
            "crm.deal.add",
            "task.item.addtofavorite",
            "imbot.chat.sendTyping",
            "placement.bind",
            "crm.item.import",
        ] {
            assert!(creates(name), "{name}");
            assert!(!reads(name) && !sets(name), "{name}");
        }
        for name in ["placement.unbind", "ai.engine.unregister", "crm.deal.get"] {
            assert!(!creates(name), "{name}");
        }
    }
}
