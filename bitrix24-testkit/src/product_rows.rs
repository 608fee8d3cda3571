//! `crm.deal.productrows.set` and `crm.deal.productrows.get`: a deal's product rows, the
//! minimum the typed bindings' end-to-end test needs (a small module of its own, to be
//! reconciled with the fuller product rows of the `portal-entities` work).
//!
//! As the portal's decimal columns do, money and quantities keep the exact digits they
//! were sent with, padded to two decimals (`"0.3"` is `"0.30"`, `19999999.99` stays
//! `"19999999.99"`, `"9007199254740993.01"` loses nothing): no `f64` in between. `set`
//! replaces all rows of the deal (rows not sent are removed); `get` returns them in the
//! order sent, with the IDs `set` gave them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::call::{CallError, CallResult, Outcome};
use crate::deals::DealStore;
use crate::params::{param, parse_id};

/// Fields stored as exact decimal text.
const DECIMALS: &[&str] = &[
    "PRICE",
    "PRICE_EXCLUSIVE",
    "PRICE_NETTO",
    "PRICE_BRUTTO",
    "PRICE_ACCOUNT",
    "QUANTITY",
    "DISCOUNT_RATE",
    "DISCOUNT_SUM",
    "TAX_RATE",
];

/// Fields stored as integers.
const INTEGERS: &[&str] = &[
    "PRODUCT_ID",
    "DISCOUNT_TYPE_ID",
    "MEASURE_CODE",
    "SORT",
    "TYPE",
];

/// Every deal's product rows, and the next row ID.
#[derive(Debug, Default)]
pub(crate) struct ProductRows {
    rows: BTreeMap<u64, Vec<Map<String, Value>>>,
    last_id: u64,
}

/// Run `crm.deal.productrows.set` or `.get`; `None` for any other method.
pub(crate) fn call(
    store: &mut ProductRows,
    deals: &DealStore,
    method: &str,
    params: &Value,
) -> Option<CallResult> {
    let result = match method {
        "crm.deal.productrows.set" | "crm.deal.productrows.get" => {
            match parse_id(param(params, "id")) {
                None => Err(CallError::crm("ID is not defined or invalid.")),
                Some(id) if deals.render(id).is_none() => Err(CallError::crm("Not found")),
                Some(id) if method.ends_with(".set") => set(store, id, params),
                Some(id) => {
                    let rows = store.rows.get(&id).cloned().unwrap_or_default();
                    Ok(Outcome::read(Value::Array(
                        rows.into_iter().map(Value::Object).collect(),
                    )))
                }
            }
        }
        _ => return None,
    };
    Some(result)
}

fn set(store: &mut ProductRows, deal: u64, params: &Value) -> CallResult {
    let sent: Vec<&Value> = match param(params, "rows") {
        None => Vec::new(),
        Some(Value::Array(rows)) => rows.iter().collect(),
        // A PHP form sends a list as an object keyed `0`, `1`, ...
        Some(Value::Object(rows)) => rows.values().collect(),
        Some(_) => return Err(CallError::crm("Parameter 'rows' must be array.")),
    };
    let mut rows = Vec::new();
    for (index, row) in sent.into_iter().enumerate() {
        let Value::Object(fields) = row else {
            return Err(CallError::crm("Each product row must be an object."));
        };
        store.last_id += 1;
        rows.push(stored_row(store.last_id, deal, index, fields)?);
    }
    store.rows.insert(deal, rows);
    Ok(Outcome::write(json!(true)))
}

/// A row as `get` returns it.
fn stored_row(
    id: u64,
    deal: u64,
    index: usize,
    fields: &Map<String, Value>,
) -> Result<Map<String, Value>, CallError> {
    let text = |name: &str| fields.get(name).and_then(scalar_text);
    let mut row = Map::new();
    row.insert("ID".into(), json!(id.to_string()));
    row.insert("OWNER_ID".into(), json!(deal.to_string()));
    row.insert("OWNER_TYPE".into(), json!("D"));
    for name in INTEGERS {
        let value = match text(name) {
            Some(t) => t
                .parse::<i64>()
                .map(|n| json!(n))
                .map_err(|_| CallError::crm(&format!("Invalid value of {name}.")))?,
            None if *name == "SORT" => json!(10 * (index as i64 + 1)),
            None => json!(0),
        };
        row.insert((*name).into(), value);
    }
    row.insert(
        "PRODUCT_NAME".into(),
        json!(text("PRODUCT_NAME").unwrap_or_else(|| format!("[{id}]"))),
    );
    for name in DECIMALS {
        let default = if *name == "QUANTITY" { "1" } else { "0" };
        let given = text(name).unwrap_or_else(|| default.to_owned());
        let value =
            decimal(&given).ok_or_else(|| CallError::crm(&format!("Invalid value of {name}.")))?;
        row.insert((*name).into(), json!(value));
    }
    let included = text("TAX_INCLUDED").is_some_and(|t| t.eq_ignore_ascii_case("Y"));
    row.insert(
        "TAX_INCLUDED".into(),
        json!(if included { "Y" } else { "N" }),
    );
    row.insert("MEASURE_NAME".into(), json!(text("MEASURE_NAME")));
    Ok(row)
}

/// A string or a number as text (numbers as JSON wrote them).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Decimal text padded to two decimals, digits kept exactly; `None` if not a decimal.
fn decimal(text: &str) -> Option<String> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
        return None;
    }
    Some(format!("{sign}{whole}.{fraction:0<2}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_digits() {
        assert_eq!(decimal("0.3").as_deref(), Some("0.30"));
        assert_eq!(decimal("19999999.99").as_deref(), Some("19999999.99"));
        assert_eq!(
            decimal("9007199254740993.01").as_deref(),
            Some("9007199254740993.01")
        );
        assert_eq!(decimal("-5").as_deref(), Some("-5.00"));
        assert_eq!(decimal("1e5"), None);
        assert_eq!(decimal(".5"), None);
    }
}
