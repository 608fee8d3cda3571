use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.add", crate = "::bitrix24_types", response = i64)]
#[derive(serde::Serialize)]
pub struct QuotedCratePath;

#[bitrix_method("crm.deal.add", crate = bitrix24_types::<T>, response = Vec<i64>>)]
#[derive(serde::Serialize)]
pub struct GenericCratePathAndStrayBracket;

#[bitrix_method("crm.deal.add", scope = "", response = 42)]
#[derive(serde::Serialize)]
pub struct EmptyScopeAndNotAType;

#[bitrix_method("crm.deal.add", scope: "crm", response = i64,, kind = write)]
#[derive(serde::Serialize)]
pub struct Punctuation;

fn main() {}
