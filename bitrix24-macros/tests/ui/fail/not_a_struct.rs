use bitrix24_types::bitrix_method;

#[bitrix_method("crm.deal.add", response = i64)]
pub enum CrmDealAdd {
    Deal { title: String },
}

#[bitrix_method("crm.deal.get", response = i64)]
pub fn crm_deal_get() {}

// The item is kept despite the error: using it adds no "cannot find type" noise.
fn main() {
    let _ = CrmDealAdd::Deal { title: String::new() };
    crm_deal_get();
}
