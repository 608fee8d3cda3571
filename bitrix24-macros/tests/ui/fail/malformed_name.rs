use bitrix24_types::bitrix_method;

#[bitrix_method("", response = i64)]
#[derive(serde::Serialize)]
pub struct Empty;

#[bitrix_method("crm-deal.add", response = i64)]
#[derive(serde::Serialize)]
pub struct Dash;

#[bitrix_method(".crm.deal.add", response = i64)]
#[derive(serde::Serialize)]
pub struct LeadingDot;

#[bitrix_method("crm..deal.add", response = i64)]
#[derive(serde::Serialize)]
pub struct DoubleDot;

#[bitrix_method(crm.deal.add, response = i64)]
#[derive(serde::Serialize)]
pub struct NotALiteral;

#[bitrix_method(42, response = i64)]
#[derive(serde::Serialize)]
pub struct NotAString;

fn main() {}
