//! The portal's classic CRM entities: leads, deals, contacts and companies, on one store
//! that each entity type's description (`entities/`) parameterises, with the methods
//! `crm.X.add/get/update/delete/list/fields` and the product rows of deals and leads, and
//! the same records through `crm.item.*` (`item_view`).
//!
//! Values are stored the way a real portal encodes them (crm-deal-get.md,
//! crm-contact-get.md): numbers as strings (`"ID":"410"`, `"OPPORTUNITY":"1000000.00"`),
//! `Y`/`N` chars, datetimes with the portal's offset, `null` for unset, the multifields
//! `PHONE`, `EMAIL`, `WEB`, `IM` as lists of `{ID, VALUE_TYPE, VALUE, TYPE_ID}`. User
//! fields (`UF_CRM_*`) are stored as given; a user field is known to the portal from the
//! first time a record carries it (or from `TestPortal::add_crm_user_field`).

mod decimal;
mod entities;
mod entity;
mod fields;
mod item_view;
mod list;
mod methods;
mod multifield;
mod product_rows;
mod seed;
mod store;
mod stores;
#[cfg(test)]
mod tests;

pub(crate) use item_view::call as call_item;
pub(crate) use methods::call;
pub use stores::CrmEntity;
pub(crate) use stores::CrmStores;
