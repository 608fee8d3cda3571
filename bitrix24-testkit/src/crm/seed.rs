//! Seeding: realistic records made in bulk, each what `crm.X.add` would store for its
//! fields (with the read-only dates set, as an import would), reproducible from its ID.

use super::entity::{Change, Seeding};
use super::store::CrmStore;

impl CrmStore {
    /// Add `n` realistic records (IDs continue the sequence), created over the last weeks.
    ///
    /// Each is built directly from a copy of an empty record by the entity's seeding
    /// (see `entities/`): seeding hundreds of thousands must not take longer than the
    /// test that needs them. Each is served pre-serialised from the first page on.
    pub(crate) fn seed(&mut self, n: usize, now: i64) {
        let template = {
            let mut template = self.blank(0, 1, now);
            self.settle(
                &mut template,
                &Change {
                    creating: true,
                    given: &[],
                    now,
                },
            );
            template
        };
        let everything = self.resolve_select(&[]);
        let total = n as i64;
        let seed = self.entity.seed;
        for i in 0..n {
            self.last_id += 1;
            let id = self.last_id;
            let mut record = template.clone();
            super::entity::set(&mut record, "ID", id.to_string());
            let mut seeding = Seeding {
                id,
                from_end: i as i64 - total,
                now,
                multifield_ids: &mut self.multifield_ids,
            };
            seed(&mut record, &mut seeding);
            self.settle(
                &mut record,
                &Change {
                    creating: true,
                    given: &[],
                    now,
                },
            );
            self.listing(id, &record, &everything);
            self.records.insert(id, record);
        }
    }
}
