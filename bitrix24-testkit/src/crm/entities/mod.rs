//! The four classic CRM entity types the portal serves, one module each: the documented
//! fields (`*_fields.json`, the `crm.X.fields` reply of the docs), the order of a `get`,
//! the defaults, the stage rules and the seeding; what they share is in `shared`.

mod company;
mod contact;
mod deal;
mod lead;
mod shared;

pub(crate) use company::COMPANY;
pub(crate) use contact::CONTACT;
pub(crate) use deal::DEAL;
#[cfg(test)]
pub(crate) use deal::Seed;
pub(crate) use lead::LEAD;
