use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.list", kind = read, response = Vec<i64>, list(record = i64))]
#[derive(serde::Serialize)]
pub struct CrmDealList {
    pub start: u32,
}

fn main() {}
