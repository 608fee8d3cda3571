// The minimum (name and response), on each struct shape, and keys in any order after the name.
use bitrix24_types::{Method, bitrix_method};

#[bitrix_method("batch", response = serde_json::Value)]
#[derive(serde::Serialize)]
pub struct Unit;

#[bitrix_method("crm.deal.get", response = std::collections::HashMap<String, String>)]
#[derive(serde::Serialize)]
pub struct Tuple(pub i64);

#[bitrix_method("crm.deal.delete", response = (), scope = "crm", kind = idempotent)]
#[derive(serde::Serialize)]
pub struct KeysInAnyOrder {
    pub id: i64,
}

fn assert_method<M: Method>() {}

fn main() {
    assert_method::<Unit>();
    assert_method::<Tuple>();
    assert_method::<KeysInAnyOrder>();
}
