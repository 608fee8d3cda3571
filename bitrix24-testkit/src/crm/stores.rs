//! The stores of the four classic CRM entity types side by side, found by the word in a
//! method's name (`crm.contact.get`) or by `entityTypeId` (crm data-types.md).

use super::entities::{COMPANY, CONTACT, DEAL, LEAD};
use super::store::CrmStore;

/// Leads, deals, contacts and companies.
#[derive(Debug)]
pub(crate) struct CrmStores {
    pub(crate) leads: CrmStore,
    pub(crate) deals: CrmStore,
    pub(crate) contacts: CrmStore,
    pub(crate) companies: CrmStore,
}

impl Default for CrmStores {
    fn default() -> Self {
        Self {
            leads: CrmStore::new(&LEAD),
            deals: CrmStore::new(&DEAL),
            contacts: CrmStore::new(&CONTACT),
            companies: CrmStore::new(&COMPANY),
        }
    }
}

impl CrmStores {
    fn all_mut(&mut self) -> [&mut CrmStore; 4] {
        [
            &mut self.leads,
            &mut self.deals,
            &mut self.contacts,
            &mut self.companies,
        ]
    }

    /// The store of `crm.{name}.*`.
    pub(crate) fn by_name_mut(&mut self, name: &str) -> Option<&mut CrmStore> {
        self.all_mut()
            .into_iter()
            .find(|store| store.entity.name == name)
    }

    /// The store of an `entityTypeId`.
    pub(crate) fn by_type_mut(&mut self, entity_type_id: u32) -> Option<&mut CrmStore> {
        self.all_mut()
            .into_iter()
            .find(|store| store.entity.entity_type_id == entity_type_id)
    }
}
