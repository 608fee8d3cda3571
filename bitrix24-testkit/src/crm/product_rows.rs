//! Product rows of deals and leads (`crm.deal.productrows.set/get`,
//! `crm.lead.productrows.set/get`): reading the written rows with their amounts exact,
//! deriving the prices a row does not give, and the rows as `get` shows them
//! (crm-deal-productrows-get.md: IDs as strings, amounts as JSON numbers, `PRICE_ACCOUNT`
//! as text with two decimals).
//!
//! Amounts never pass through `f64`: a JSON body's numbers are read from the request's
//! own text (see `params::RAW_JSON`), form values are text already, and the reply writes
//! each amount's digits as they are kept. Amounts are kept with two decimals (quantities
//! with four), as a portal's database keeps them.
//!
//! A row's prices (crm-deal-productrows-set.md): `PRICE` is the final price of a unit,
//! after the discount and with tax; `PRICE_EXCLUSIVE` after the discount, without tax;
//! `PRICE_NETTO` before the discount, without tax; `PRICE_BRUTTO` before the discount,
//! with tax. Those not written are derived from `PRICE`, `TAX_RATE` and the discount
//! (`DISCOUNT_TYPE_ID` 1: `DISCOUNT_SUM` per unit; 2: `DISCOUNT_RATE` percent).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::decimal::Decimal;
use crate::call::CallError;
use crate::list_query::values_of;
use crate::params::{RAW_JSON, param};

const MONEY_PLACES: u32 = 2;
const QUANTITY_PLACES: u32 = 4;
const PERCENT_DISCOUNT: i64 = 2;
const SUM_DISCOUNT: i64 = 1;

/// One stored product row.
#[derive(Debug, Clone)]
struct Row {
    id: u64,
    product_id: i64,
    product_name: String,
    price: Decimal,
    price_exclusive: Decimal,
    price_netto: Decimal,
    price_brutto: Decimal,
    quantity: Decimal,
    discount_type_id: i64,
    discount_rate: Decimal,
    discount_sum: Decimal,
    tax_rate: Option<Decimal>,
    tax_included: bool,
    measure_code: i64,
    measure_name: String,
    sort: i64,
}

/// The product rows of every record of one entity type.
#[derive(Debug, Default)]
pub(crate) struct ProductRows {
    last_id: u64,
    by_owner: BTreeMap<u64, Vec<Row>>,
}

/// What a row's amounts add up to: `PRICE × QUANTITY` and the tax in it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Totals {
    pub(crate) amount: Decimal,
    pub(crate) tax: Decimal,
}

/// The written rows, each field as written (numbers as their exact text).
pub(crate) type Written = Vec<Map<String, Value>>;

/// The `rows` parameter: from the JSON body's own text when the call came as JSON, so
/// that `0.3` stays `0.3`; else as the form gave it. A missing `rows` is no rows.
pub(crate) fn written(params: &Value) -> Result<Written, CallError> {
    let raw = param(params, RAW_JSON)
        .and_then(Value::as_str)
        .and_then(raw_rows);
    let rows = match raw {
        Some(rows) => rows,
        None => param(params, "rows").cloned().unwrap_or(Value::Null),
    };
    match rows {
        Value::Null => Ok(Vec::new()),
        Value::Array(_) | Value::Object(_) => Ok(values_of(&rows)
            .into_iter()
            .filter_map(|row| match row {
                Value::Object(fields) => Some(fields),
                _ => None,
            })
            .collect()),
        // PHP sends an empty list as an empty string.
        Value::String(text) if text.is_empty() => Ok(Vec::new()),
        _ => Err(CallError::crm("The parameter rows must be array.")),
    }
}

/// `rows` of a JSON body, with every number as a string of its own digits.
fn raw_rows(body: &str) -> Option<Value> {
    let top: BTreeMap<String, Box<RawValue>> = serde_json::from_str(body).ok()?;
    let (_, rows) = top
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("rows"))?;
    Some(exact(rows))
}

/// A JSON value with its numbers as strings of their own text.
fn exact(raw: &RawValue) -> Value {
    let text = raw.get().trim_start();
    if text.starts_with('[') {
        let items: Vec<Box<RawValue>> = serde_json::from_str(raw.get()).unwrap_or_default();
        Value::Array(items.iter().map(|item| exact(item)).collect())
    } else if text.starts_with('{') {
        let entries: Vec<(String, Box<RawValue>)> =
            serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(raw.get())
                .map(|map| map.into_iter().collect())
                .unwrap_or_default();
        Value::Object(
            entries
                .iter()
                .map(|(key, item)| (key.clone(), exact(item)))
                .collect(),
        )
    } else if text.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
        Value::String(text.trim_end().to_owned())
    } else {
        serde_json::from_str(raw.get()).unwrap_or(Value::Null)
    }
}

/// A field of a written row, by name in any case.
fn field<'a>(row: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    row.iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .filter(|value| !matches!(value, Value::Null) && value.as_str() != Some(""))
}

fn amount(row: &Map<String, Value>, name: &str, places: u32) -> Option<Decimal> {
    field(row, name)
        .and_then(Decimal::of_value)
        .map(|value| value.round(places))
}

fn integer(row: &Map<String, Value>, name: &str) -> Option<i64> {
    let value = field(row, name)?;
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn text(row: &Map<String, Value>, name: &str) -> Option<String> {
    match field(row, name)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The error a portal gives for a discount it cannot work out.
fn discount_error(description: &str) -> CallError {
    CallError::new(400, "ERROR_CORE", &format!("{description}<br>"))
}

/// `a × (1 + percent / 100)` or its inverse, in money places.
fn with_percent(value: Decimal, percent: Decimal, add: bool) -> Option<Decimal> {
    let factor = Decimal::whole(100).add(percent)?;
    if add {
        value.mul(factor)?.div(Decimal::whole(100), MONEY_PLACES)
    } else {
        value.mul(Decimal::whole(100))?.div(factor, MONEY_PLACES)
    }
}

/// A written row as stored, with the prices it does not give derived.
fn build(written: &Map<String, Value>, id: u64) -> Result<Row, CallError> {
    let price = amount(written, "PRICE", MONEY_PLACES).unwrap_or(Decimal::ZERO);
    let tax_rate = amount(written, "TAX_RATE", MONEY_PLACES);
    let tax = tax_rate.unwrap_or(Decimal::ZERO);
    let discount_type_id = integer(written, "DISCOUNT_TYPE_ID");
    let mut discount_rate = amount(written, "DISCOUNT_RATE", MONEY_PLACES);
    let mut discount_sum = amount(written, "DISCOUNT_SUM", MONEY_PLACES);
    let hundred = Decimal::whole(100);
    match discount_type_id {
        Some(PERCENT_DISCOUNT) if discount_rate.is_none() => {
            return Err(discount_error(
                "Discount Rate (DISCOUNT_RATE) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined",
            ));
        }
        Some(PERCENT_DISCOUNT) if discount_rate == Some(hundred) && discount_sum.is_none() => {
            return Err(discount_error(
                "Discount Sum (DISCOUNT_SUM) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined and Discount Rate (DISCOUNT_RATE) is 100%",
            ));
        }
        Some(SUM_DISCOUNT) if discount_sum.is_none() => {
            return Err(discount_error(
                "Discount Sum (DISCOUNT_SUM) is required if Monetary Discount Type (DISCOUNT_TYPE_ID) is defined",
            ));
        }
        _ => {}
    }
    let discount_type_id = discount_type_id.unwrap_or(PERCENT_DISCOUNT);
    let overflow = || CallError::new(400, "ERROR_CORE", "The amount is out of range.<br>");
    let price_exclusive = match amount(written, "PRICE_EXCLUSIVE", MONEY_PLACES) {
        Some(given) => given,
        None if tax.is_zero() => price,
        None => with_percent(price, tax, false).ok_or_else(overflow)?,
    };
    let price_netto = match amount(written, "PRICE_NETTO", MONEY_PLACES) {
        Some(given) => given,
        None if discount_type_id == SUM_DISCOUNT => price_exclusive
            .add(discount_sum.unwrap_or(Decimal::ZERO))
            .ok_or_else(overflow)?,
        None => {
            let rate = discount_rate.unwrap_or(Decimal::ZERO);
            if rate.is_zero() {
                price_exclusive
            } else if rate == hundred {
                discount_sum.unwrap_or(Decimal::ZERO)
            } else {
                let left = hundred.sub(rate).ok_or_else(overflow)?;
                price_exclusive
                    .mul(hundred)
                    .and_then(|scaled| scaled.div(left, MONEY_PLACES))
                    .ok_or_else(overflow)?
            }
        }
    };
    let discount = price_netto.sub(price_exclusive).ok_or_else(overflow)?;
    if discount_type_id == SUM_DISCOUNT {
        discount_rate = Some(if price_netto.is_zero() {
            Decimal::ZERO
        } else {
            discount
                .mul(hundred)
                .and_then(|scaled| scaled.div(price_netto, MONEY_PLACES))
                .ok_or_else(overflow)?
        });
    } else {
        discount_sum = Some(discount);
    }
    let price_brutto = match amount(written, "PRICE_BRUTTO", MONEY_PLACES) {
        Some(given) => given,
        None if tax.is_zero() => price_netto,
        None => with_percent(price_netto, tax, true).ok_or_else(overflow)?,
    };
    let tax_included = text(written, "TAX_INCLUDED").is_some_and(|flag| {
        matches!(
            flag.trim().to_ascii_uppercase().as_str(),
            "Y" | "1" | "TRUE"
        )
    });
    Ok(Row {
        id,
        product_id: integer(written, "PRODUCT_ID").unwrap_or(0),
        product_name: text(written, "PRODUCT_NAME").unwrap_or_else(|| format!("[{id}]")),
        price,
        price_exclusive,
        price_netto,
        price_brutto,
        quantity: amount(written, "QUANTITY", QUANTITY_PLACES).unwrap_or(Decimal::whole(1)),
        discount_type_id,
        discount_rate: discount_rate.unwrap_or(Decimal::ZERO),
        discount_sum: discount_sum.unwrap_or(Decimal::ZERO),
        tax_rate,
        tax_included,
        measure_code: integer(written, "MEASURE_CODE").unwrap_or(0),
        measure_name: text(written, "MEASURE_NAME").unwrap_or_default(),
        sort: integer(written, "SORT").unwrap_or(0),
    })
}

impl ProductRows {
    /// Replace the rows of `owner` with `written` (a row naming one of its rows by `ID`
    /// keeps that ID); the totals of the new rows. Nothing changes when a row is refused.
    pub(crate) fn set(&mut self, owner: u64, written: &Written) -> Result<Totals, CallError> {
        let kept: Vec<u64> = self
            .by_owner
            .get(&owner)
            .map(|rows| rows.iter().map(|row| row.id).collect())
            .unwrap_or_default();
        let mut next = self.last_id;
        let mut rows = Vec::with_capacity(written.len());
        for fields in written {
            let id = match integer(fields, "ID").and_then(|id| u64::try_from(id).ok()) {
                Some(id) if kept.contains(&id) && !rows.iter().any(|row: &Row| row.id == id) => id,
                _ => {
                    next += 1;
                    next
                }
            };
            rows.push(build(fields, id)?);
        }
        self.last_id = next;
        rows.sort_by_key(|row| (row.sort, row.id));
        let totals = totals(&rows);
        if rows.is_empty() {
            self.by_owner.remove(&owner);
        } else {
            self.by_owner.insert(owner, rows);
        }
        Ok(totals)
    }

    /// Whether `owner` has rows.
    pub(crate) fn has(&self, owner: u64) -> bool {
        self.by_owner.contains_key(&owner)
    }

    /// Forget the rows of a deleted record.
    pub(crate) fn forget(&mut self, owner: u64) {
        self.by_owner.remove(&owner);
    }

    /// The rows of `owner` as `get` shows them, each serialised as written.
    pub(crate) fn render(&self, owner: u64, owner_type: &str) -> Vec<Arc<RawValue>> {
        self.by_owner
            .get(&owner)
            .map(|rows| {
                rows.iter()
                    .map(|row| render_row(row, owner, owner_type))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `PRICE × QUANTITY` and the tax in it, over all rows, in money places.
fn totals(rows: &[Row]) -> Totals {
    let mut amount = Decimal::ZERO;
    let mut tax = Decimal::ZERO;
    for row in rows {
        let line = row.price.mul(row.quantity).unwrap_or(Decimal::ZERO);
        let line_tax = row
            .price
            .sub(row.price_exclusive)
            .and_then(|unit| unit.mul(row.quantity))
            .unwrap_or(Decimal::ZERO);
        amount = amount.add(line).unwrap_or(amount);
        tax = tax.add(line_tax).unwrap_or(tax);
    }
    Totals {
        amount: amount.round(MONEY_PLACES),
        tax: tax.round(MONEY_PLACES),
    }
}

/// One row as `get` shows it; amounts are JSON numbers written with their own digits.
fn render_row(row: &Row, owner: u64, owner_type: &str) -> Arc<RawValue> {
    enum Cell {
        Json(Value),
        Number(String),
    }
    let number = |value: Decimal| Cell::Number(value.plain());
    let cells = [
        ("ID", Cell::Json(json!(row.id.to_string()))),
        ("OWNER_ID", Cell::Json(json!(owner.to_string()))),
        ("OWNER_TYPE", Cell::Json(json!(owner_type))),
        ("PRODUCT_ID", Cell::Json(json!(row.product_id))),
        ("PRODUCT_NAME", Cell::Json(json!(row.product_name))),
        ("ORIGINAL_PRODUCT_NAME", Cell::Json(json!(row.product_name))),
        ("PRODUCT_DESCRIPTION", Cell::Json(Value::Null)),
        ("PRICE", number(row.price)),
        ("PRICE_EXCLUSIVE", number(row.price_exclusive)),
        ("PRICE_NETTO", number(row.price_netto)),
        ("PRICE_BRUTTO", number(row.price_brutto)),
        (
            "PRICE_ACCOUNT",
            Cell::Json(json!(row.price.fixed(MONEY_PLACES))),
        ),
        ("QUANTITY", number(row.quantity)),
        ("DISCOUNT_TYPE_ID", Cell::Json(json!(row.discount_type_id))),
        ("DISCOUNT_RATE", number(row.discount_rate)),
        ("DISCOUNT_SUM", number(row.discount_sum)),
        (
            "TAX_RATE",
            row.tax_rate.map_or(Cell::Json(Value::Null), number),
        ),
        (
            "TAX_INCLUDED",
            Cell::Json(json!(if row.tax_included { "Y" } else { "N" })),
        ),
        ("CUSTOMIZED", Cell::Json(json!("Y"))),
        ("MEASURE_CODE", Cell::Json(json!(row.measure_code))),
        ("MEASURE_NAME", Cell::Json(json!(row.measure_name))),
        ("SORT", Cell::Json(json!(row.sort))),
        ("XML_ID", Cell::Json(Value::Null)),
        ("TYPE", Cell::Json(json!(1))),
        ("STORE_ID", Cell::Json(Value::Null)),
        ("RESERVE_ID", Cell::Json(Value::Null)),
        ("DATE_RESERVE_END", Cell::Json(Value::Null)),
        ("RESERVE_QUANTITY", Cell::Json(Value::Null)),
    ];
    let mut text = String::from("{");
    for (index, (key, cell)) in cells.iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        let value = match cell {
            Cell::Json(value) => value.to_string(),
            Cell::Number(digits) => digits.clone(),
        };
        let _ = write!(text, "\"{key}\":{value}");
    }
    text.push('}');
    // Reason: the text is JSON by construction; keep the portal up regardless.
    RawValue::from_string(text)
        .map(Arc::from)
        .unwrap_or_else(|_| Arc::from(RawValue::NULL.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(value: Value) -> Written {
        written(&json!({ "rows": value })).unwrap()
    }

    fn shown(store: &ProductRows, owner: u64) -> Vec<Value> {
        store
            .render(owner, "D")
            .iter()
            .map(|raw| serde_json::from_str(raw.get()).unwrap())
            .collect()
    }

    #[test]
    fn numbers_are_read_from_the_body_text() {
        let body = r#"{"id": 5, "ROWS": [{"PRICE": 123456789012345678.99, "QUANTITY": 2},
            {"PRICE": "0.3", "PRODUCT_NAME": "x", "TAX_RATE": null}], "x": [1.5]}"#;
        let params = json!({ RAW_JSON: body, "rows": [{"PRICE": 1.0}] });
        let given = written(&params).unwrap();
        assert_eq!(given[0]["PRICE"], "123456789012345678.99");
        assert_eq!(given[0]["QUANTITY"], "2");
        assert_eq!(given[1]["PRICE"], "0.3");
        assert_eq!(given[1]["TAX_RATE"], Value::Null);
        let mut store = ProductRows::default();
        store.set(5, &given).unwrap();
        let raw = store.render(5, "D");
        assert!(
            raw[0].get().contains(r#""PRICE":123456789012345678.99,"#),
            "{}",
            raw[0].get()
        );
        assert!(raw[1].get().contains(r#""PRICE":0.3,"#), "{}", raw[1].get());
        // Form values are text already; a PHP list may come as a map.
        assert_eq!(
            rows(json!({"0": {"PRICE": "19999999.99"}}))[0]["PRICE"],
            "19999999.99"
        );
        assert!(written(&json!({"rows": "x"})).is_err());
        assert!(written(&json!({})).unwrap().is_empty());
    }

    #[test]
    fn prices_are_derived_as_documented() {
        let mut store = ProductRows::default();
        let totals = store
            .set(
                5,
                &rows(json!([
                    {"PRODUCT_ID": 450, "PRODUCT_NAME": "Product #2", "PRICE": "899.1",
                        "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10, "TAX_INCLUDED": "Y",
                        "MEASURE_CODE": 796, "MEASURE_NAME": "pcs", "SORT": 10},
                    {"PRICE": 118, "QUANTITY": 3, "TAX_RATE": 18, "DISCOUNT_TYPE_ID": 1,
                        "DISCOUNT_SUM": 10, "SORT": 20},
                ])),
            )
            .unwrap();
        let shown = shown(&store, 5);
        let first = &shown[0];
        assert_eq!(first["ID"], "1");
        assert_eq!(first["OWNER_ID"], "5");
        assert_eq!(first["PRICE"], json!(899.1));
        assert_eq!(first["PRICE_EXCLUSIVE"], json!(899.1));
        assert_eq!(first["PRICE_NETTO"], json!(999));
        assert_eq!(first["PRICE_BRUTTO"], json!(999));
        assert_eq!(first["DISCOUNT_SUM"], json!(99.9));
        assert_eq!(first["PRICE_ACCOUNT"], "899.10");
        assert_eq!(first["TAX_RATE"], Value::Null);
        assert_eq!(
            (&first["TAX_INCLUDED"], &first["QUANTITY"]),
            (&json!("Y"), &json!(1))
        );
        let second = &shown[1];
        assert_eq!(second["PRODUCT_NAME"], "[2]");
        assert_eq!(second["PRICE_EXCLUSIVE"], json!(100));
        assert_eq!(second["PRICE_NETTO"], json!(110));
        assert_eq!(second["PRICE_BRUTTO"], json!(129.8));
        assert_eq!(second["DISCOUNT_RATE"], json!(9.09));
        assert_eq!(totals.amount.fixed(2), "1253.10");
        assert_eq!(totals.tax.fixed(2), "54.00");
    }

    #[test]
    fn a_set_replaces_the_rows_and_keeps_named_ids() {
        let mut store = ProductRows::default();
        store
            .set(1, &rows(json!([{"PRICE": 1}, {"PRICE": 2}])))
            .unwrap();
        store
            .set(
                1,
                &rows(json!([{"ID": "2", "PRICE": 5}, {"ID": 99, "PRICE": 6}])),
            )
            .unwrap();
        let ids: Vec<Value> = shown(&store, 1)
            .iter()
            .map(|row| row["ID"].clone())
            .collect();
        assert_eq!(ids, [json!("2"), json!("3")]);
        let refused = store.set(1, &rows(json!([{"PRICE": 1}, {"DISCOUNT_TYPE_ID": 1}])));
        let err = refused.unwrap_err();
        assert_eq!((err.status, err.code.as_str()), (400, "ERROR_CORE"));
        assert!(
            err.description.contains("DISCOUNT_SUM"),
            "{}",
            err.description
        );
        assert_eq!(shown(&store, 1).len(), 2, "a refused set changes nothing");
        for refused in [
            json!([{"DISCOUNT_TYPE_ID": 2}]),
            json!([{"DISCOUNT_TYPE_ID": "2", "DISCOUNT_RATE": "100"}]),
        ] {
            assert!(store.set(1, &rows(refused)).is_err());
        }
        store.set(1, &Vec::new()).unwrap();
        assert!(!store.has(1));
    }
}
