use bitrix24_types::bitrix_method;

#[bitrix_method("crm.quote.add", response = u64, requires = "fields.TITLE")]
#[derive(serde::Serialize)]
pub struct NotAList;

#[bitrix_method("crm.quote.add", response = u64, requires = ["fields.TITLE", TITLE, "fields..ID", ""])]
#[derive(serde::Serialize)]
pub struct BadPaths;

fn main() {}
