use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.get", kind = raed, response = i64)]
#[derive(serde::Serialize)]
pub struct Typo;

#[bitrix_method("crm.deal.get", kind = sometimes, response = i64)]
#[derive(serde::Serialize)]
pub struct Unknown;

#[bitrix_method("crm.deal.get", kind = "read", response = i64)]
#[derive(serde::Serialize)]
pub struct Quoted;

#[bitrix_method("crm.deal.get", api = v2, response = i64)]
#[derive(serde::Serialize)]
pub struct BadApi;

fn main() {}
