//! The stores of the four classic CRM entity types side by side, found by the word in a
//! method's name (`crm.contact.get`) or by `entityTypeId` (crm data-types.md).

use super::entities::{COMPANY, CONTACT, DEAL, LEAD};
use super::store::CrmStore;

/// A classic CRM entity type, for [`TestPortal`](crate::TestPortal)'s seeding and
/// inspection helpers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrmEntity {
    /// Leads (`crm.lead.*`, `entityTypeId` 1).
    Lead,
    /// Deals (`crm.deal.*`, `entityTypeId` 2).
    Deal,
    /// Contacts (`crm.contact.*`, `entityTypeId` 3).
    Contact,
    /// Companies (`crm.company.*`, `entityTypeId` 4).
    Company,
}

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
    /// The store of one entity type.
    pub(crate) fn of(&mut self, entity: CrmEntity) -> &mut CrmStore {
        match entity {
            CrmEntity::Lead => &mut self.leads,
            CrmEntity::Deal => &mut self.deals,
            CrmEntity::Contact => &mut self.contacts,
            CrmEntity::Company => &mut self.companies,
        }
    }

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
