//! The date rule: a field whose name says it holds a date (`DATE_CREATE`, `createdDate`,
//! `RQ_VAT_CERT_DATE`, `PERSONAL_BIRTHDAY`, `BEGINDATE`, `updatedAt`) is `date` or
//! `datetime`, not text, unless the docs' examples show it is something else (a Unix
//! timestamp stays the integer it is documented as).

use super::words::words;

/// Words that name a date (`begindate` as the docs write `BEGINDATE`).
const DATE: &[&str] = &[
    "date",
    "begindate",
    "closedate",
    "startdate",
    "enddate",
    "birthdate",
    "birthday",
];

/// Past participles that, followed by `at`, name a moment (`createdAt`, `updated_at`).
const MOMENT: &[&str] = &[
    "created",
    "updated",
    "modified",
    "changed",
    "deleted",
    "published",
    "started",
    "finished",
    "closed",
];

/// Words that make a date word name something else: its format, type, offset or flag
/// (`formatDate`, `OFFSET_BEGINDATE_TYPE`, `isBeginCloseDatesEnabled`), or a Unix
/// timestamp (`DATE_FROM_TS_UTC`).
const NOT_DATE: &[&str] = &[
    "format",
    "type",
    "value",
    "enabled",
    "is",
    "has",
    "id",
    "mode",
    "offset",
    "ts",
    "timestamp",
    "field",
    "fields",
];

/// Whether the wire name names a date or a moment.
pub fn is_date_name(name: &str) -> bool {
    let words = words(name);
    let date = words.iter().any(|w| DATE.contains(&w.as_str()))
        || matches!(words.as_slice(), [.., moment, at] if at == "at" && MOMENT.contains(&moment.as_str()));
    date && !words.iter().any(|w| NOT_DATE.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_names() {
        for name in [
            "DATE_CREATE",
            "DATE_MODIFY",
            "createdDate",
            "RQ_VAT_CERT_DATE",
            "PERSONAL_BIRTHDAY",
            "BEGINDATE",
            "dateFrom",
            "updatedAt",
            "END_DATE_PLAN_AFTER",
        ] {
            assert!(is_date_name(name), "{name}");
        }
        for name in [
            "formatDate",
            "formatDatetime",
            "OFFSET_BEGINDATE_TYPE",
            "isBeginCloseDatesEnabled",
            "update",
            "updatedBy",
            "DATE_FROM_TS_UTC",
            "QUEUE_TIME",
            "candidate",
        ] {
            assert!(!is_date_name(name), "{name}");
        }
    }
}
