// Every problem is reported in one compile, each at its own tokens.
use bitrix24_types::bitrix_method;

#[bitrix_method(
    "crm.deal..list",
    scope = crm,
    kind = reading,
    responce = Vec<i64>,
    kind = read,
    list(record = i64, fastpath),
)]
#[derive(serde::Serialize)]
pub struct CrmDealList {
    pub select: Vec<String>,
}

fn main() {}
