// `crate = ...` is where the emitted code looks for `__private`.
use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.add", crate = not_bitrix24_types, response = i64)]
#[derive(serde::Serialize)]
pub struct CrmDealAdd;

fn main() {}
