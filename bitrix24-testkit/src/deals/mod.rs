//! The portal's CRM deals: storage, the `crm.deal.*` methods and the deal list.
//!
//! Values are stored the way a real portal encodes them (crm-deal-get.md): numbers as
//! strings (`"ID":"410"`, `"OPPORTUNITY":"1000000.00"`), `Y`/`N` chars, datetimes with the
//! portal's offset, `null` for unset. User fields (`UF_CRM_*`) are stored as given; a user
//! field is known to the portal from the first time a deal carries it (or from
//! `TestPortal::add_user_field`).

mod fields;
mod list;
mod methods;
mod seed;
mod store;
#[cfg(test)]
mod tests;

pub(crate) use methods::call;
pub(crate) use store::DealStore;
