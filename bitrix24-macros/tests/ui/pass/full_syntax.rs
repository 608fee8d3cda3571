// Every argument at once, in the documented order, with a trailing comma.
use bitrix24_types::{CallKind, ListMethod, Method, Records, bitrix_method};

#[derive(serde::Deserialize)]
pub struct Deal {
    #[serde(rename = "ID")]
    pub id: String,
}

#[bitrix_method(
    "crm.deal.list",
    scope = "crm",
    kind = read,
    api = classic,
    response = Vec<Deal>,
    list(record = Deal, records = result, id = "ID", fast_path),
    crate = ::bitrix24_types,
)]
#[derive(serde::Serialize)]
pub struct CrmDealList {
    pub start: Option<i64>,
}

fn main() {
    const _: () = assert!(matches!(CrmDealList::KIND, CallKind::Read));
    const _: () = assert!(matches!(CrmDealList::RECORDS, Records::Result));
    const _: () = assert!(CrmDealList::FAST_PATH);
    let _ = CrmDealList::NAME;
}
