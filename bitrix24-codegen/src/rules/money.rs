//! The money rule: a field whose name says it holds an amount of money is `decimal`
//! (exact text), whatever number type the docs give it; an `f64` rounds `0.1 + 0.2` and
//! `19999999.99`.

use super::words::words;

/// Words that name an amount of money (`OPPORTUNITY`, `PRICE_NETTO`, `purchasingPrice`,
/// `DISCOUNT_SUM`, `psSum`, `AMOUNT`, `COST`).
const MONEY: &[&str] = &["price", "opportunity", "amount", "sum", "cost"];

/// Word pairs that name an amount of money (`TAX_VALUE`, `taxValue`, `discountValue`).
const MONEY_PAIRS: &[[&str; 2]] = &[["tax", "value"], ["discount", "value"]];

/// Words that make a money word name something else: its identifier, type, currency,
/// count or rate (`PRICE_TYPE_ID`, `COST_CURRENCY`, `AMOUNT_CNT`, `DISCOUNT_RATE`), a flag
/// (`IS_MANUAL_OPPORTUNITY`, `SETTINGS_SHOW_PRICE_COUNT`), or a raw template placeholder.
const NOT_MONEY: &[&str] = &[
    "id",
    "ids",
    "type",
    "types",
    "code",
    "currency",
    "cnt",
    "count",
    "rate",
    "group",
    "groups",
    "lang",
    "langs",
    "mode",
    "is",
    "has",
    "show",
    "use",
    "include",
    "settings",
    "raw",
    "precision",
    "list",
    "format",
];

/// Whether the wire name names an amount of money.
pub fn is_money_name(name: &str) -> bool {
    let words = words(name);
    let money = words.iter().any(|w| MONEY.contains(&w.as_str()))
        || words.windows(2).any(|pair| {
            MONEY_PAIRS
                .iter()
                .any(|m| pair[0] == m[0] && pair[1] == m[1])
        });
    money && !words.iter().any(|w| NOT_MONEY.contains(&w.as_str()))
}

/// Whether a field of this name and documented number type holds money: a money name
/// ([`is_money_name`]), or `total` documented as `double` (a document's total; an
/// `integer` `total` counts records).
pub fn is_money_field(name: &str, documented: &str) -> bool {
    is_money_name(name) || (name.eq_ignore_ascii_case("total") && documented == "double")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_names() {
        for name in [
            "OPPORTUNITY",
            "PRICE",
            "PRICE_NETTO",
            "PRICE_ACCOUNT",
            "price",
            "purchasingPrice",
            "basePriceDelivery",
            "TAX_VALUE",
            "taxValue",
            "DISCOUNT_SUM",
            "discountValue",
            "sum",
            "psSum",
            "TotalSum",
            "AMOUNT",
            "lostAmount",
            "COST",
            "opportunityAccount",
        ] {
            assert!(is_money_name(name), "{name}");
        }
        for name in [
            "PRICE_TYPE_ID",
            "trialPriceId",
            "COST_CURRENCY",
            "AMOUNT_CNT",
            "DISCOUNT_RATE",
            "IS_MANUAL_OPPORTUNITY",
            "isManualOpportunity",
            "SETTINGS_SHOW_PRICE_COUNT",
            "priceType",
            "summary",
            "total",
            "QUANTITY",
        ] {
            assert!(!is_money_name(name), "{name}");
        }
        assert!(is_money_field("total", "double"));
        assert!(!is_money_field("total", "integer"));
    }
}
