use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.list", response = Vec<i64>, list(record = i64, recrods = "deals"))]
#[derive(serde::Serialize)]
pub struct UnknownKey {
    pub start: Option<i64>,
}

#[bitrix_method("crm.deal.list", response = Vec<i64>, list(record = i64, record = u64, fast_path = true))]
#[derive(serde::Serialize)]
pub struct DuplicateAndFlagWithValue {
    pub start: Option<i64>,
}

#[bitrix_method("crm.deal.list", response = Vec<i64>, list(records = deals, id = ""))]
#[derive(serde::Serialize)]
pub struct MissingRecordBadValues {
    pub start: Option<i64>,
}

#[bitrix_method("crm.deal.list", response = Vec<i64>, list = i64)]
#[derive(serde::Serialize)]
pub struct NotParenthesized {
    pub start: Option<i64>,
}

#[bitrix_method("crm.deal.list", response = Vec<i64>, list(record = i64, counted = yes, id_param = ""))]
#[derive(serde::Serialize)]
pub struct CountedWithValueEmptyIdParam {
    pub start: Option<i64>,
}

fn main() {}
