use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.add", scope = "crm", response = i64, scope = "crm")]
#[derive(serde::Serialize)]
pub struct CrmDealAdd;

fn main() {}
