use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.add", scop = "crm", response = i64)]
#[derive(serde::Serialize)]
pub struct Typo;

#[bitrix_method("crm.deal.add", method = "post", response = i64)]
#[derive(serde::Serialize)]
pub struct NothingClose;

#[bitrix_method("crm.deal.list", response = Vec<i64>, record = i64)]
#[derive(serde::Serialize)]
pub struct ListKeyOutsideList {
    pub start: Option<i64>,
}

fn main() {}
