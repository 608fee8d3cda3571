use bitrix24_types::bitrix_method;

#[bitrix_method(scope = "crm", response = i64)]
#[derive(serde::Serialize)]
pub struct CrmDealAdd;

#[bitrix_method]
#[derive(serde::Serialize)]
pub struct NoArguments;

#[bitrix_method(response = i64, "crm.deal.add")]
#[derive(serde::Serialize)]
pub struct NameNotFirst;

fn main() {}
