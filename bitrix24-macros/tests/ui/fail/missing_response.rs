use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.add", scope = "crm")]
#[derive(serde::Serialize)]
pub struct CrmDealAdd;

#[bitrix_method("crm.deal.get", response)]
#[derive(serde::Serialize)]
pub struct NoValue;

#[bitrix_method("crm.deal.get", response = )]
#[derive(serde::Serialize)]
pub struct EmptyValue;

fn main() {}
