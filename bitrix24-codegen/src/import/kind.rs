//! The retry-relevant `kind` of a method, from its name (see the module docs of
//! [`crate::import`]).

/// The retry-relevant kind for a method name; the rule is in the module docs.
pub fn method_kind(name: &str) -> &'static str {
    let last = name.rsplit('.').next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    let upper_after = |prefix: &str| {
        last.get(prefix.len()..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_uppercase())
    };
    if lower.starts_with("get")
        || lower.starts_with("list")
        || matches!(lower.as_str(), "fields" | "search" | "count")
    {
        "read"
    } else if matches!(
        lower.as_str(),
        "update" | "delete" | "set" | "bind" | "unbind"
    ) || (lower.starts_with("set") && upper_after("set"))
    {
        "idempotent"
    } else {
        "write"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_name() {
        assert_eq!(method_kind("crm.deal.get"), "read");
        assert_eq!(method_kind("crm.deal.list"), "read");
        assert_eq!(method_kind("sale.basketitem.getFields"), "read");
        assert_eq!(method_kind("crm.deal.fields"), "read");
        assert_eq!(method_kind("crm.deal.update"), "idempotent");
        assert_eq!(method_kind("crm.deal.delete"), "idempotent");
        assert_eq!(method_kind("landing.template.setLandingRef"), "idempotent");
        assert_eq!(method_kind("crm.deal.productrows.set"), "idempotent");
        assert_eq!(method_kind("crm.deal.add"), "write");
        assert_eq!(method_kind("im.message.send"), "write");
        assert_eq!(method_kind("foo.setup"), "write");
    }
}
