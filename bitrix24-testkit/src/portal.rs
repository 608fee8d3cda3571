//! The running portal: starting it, its URLs and credentials, and what a test may do to
//! it from outside (faults, seeds, expiring tokens, reading its records and counters).

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::clock::now_unix;
use crate::config::PortalConfig;
use crate::credentials::Secrets;
use crate::crm::CrmEntity;
use crate::events::{EventDelivery, Identity};
use crate::fault::Fault;
use crate::items::FIRST_SMART_PROCESS;
use crate::oauth::issue_code;
use crate::server::{Shared, serve};
use crate::state::{State, lock};
use crate::stats::Stats;
use crate::tls::acceptor;
use crate::user_fields::UserField;

/// The running test portal. Dropping it shuts the server down.
pub struct TestPortal {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl fmt::Debug for TestPortal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestPortal")
            .field("base_url", &self.shared.base_url)
            .field("secrets", &"<redacted>")
            .finish()
    }
}

impl Drop for TestPortal {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestPortal {
    /// Start a portal with [`PortalConfig::default`] on the current Tokio runtime.
    pub async fn start() -> std::io::Result<TestPortal> {
        Self::start_with(PortalConfig::default()).await
    }

    /// Start a portal with `config` on the current Tokio runtime.
    pub async fn start_with(config: PortalConfig) -> std::io::Result<TestPortal> {
        Self::bind(config, None).await
    }

    /// Start a portal that serves HTTPS with this certificate chain (PEM, the portal's
    /// certificate first) and private key (PEM, PKCS#8, PKCS#1 or SEC1), as an
    /// on-premise portal behind its company's own certificate authority or a self-signed
    /// certificate does. Every URL the portal gives starts with `https://127.0.0.1:PORT`,
    /// so the certificate must name the IP address `127.0.0.1`.
    ///
    /// A bad certificate or key is an [`std::io::ErrorKind::InvalidInput`] error. A client
    /// that refuses the certificate fails in the handshake, before any request is read.
    pub async fn start_https(
        config: PortalConfig,
        certificate_chain_pem: &[u8],
        private_key_pem: &[u8],
    ) -> std::io::Result<TestPortal> {
        let acceptor = acceptor(certificate_chain_pem, private_key_pem)?;
        Self::bind(config, Some(acceptor)).await
    }

    async fn bind(
        config: PortalConfig,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> std::io::Result<TestPortal> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(config)),
            secrets: Secrets::generate(),
            base_url: format!("{scheme}://{addr}"),
        });
        lock(&shared.state).events.identify(Identity {
            base_url: shared.base_url.clone(),
            application_token: shared.secrets.application_token.clone(),
            member_id: shared.secrets.member_id.clone(),
        });
        let server = tokio::spawn(serve(listener, Arc::clone(&shared), tls));
        Ok(TestPortal {
            shared,
            addr,
            server,
        })
    }

    /// The socket address the portal listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` for [`TestPortal::start_https`]).
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// `http://127.0.0.1:PORT/rest/1/<secret>/`: the webhook of user 1.
    pub fn webhook_url(&self) -> String {
        format!(
            "{}/rest/1/{}/",
            self.shared.base_url, self.shared.secrets.webhook_secret
        )
    }

    /// `http://127.0.0.1:PORT/rest/`: where OAuth calls go (`client_endpoint`).
    pub fn rest_url(&self) -> String {
        format!("{}/rest/", self.shared.base_url)
    }

    /// `http://127.0.0.1:PORT/oauth/token/`: the portal also plays the OAuth server.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token/", self.shared.base_url)
    }

    /// The application's `client_id`.
    pub fn client_id(&self) -> String {
        lock(&self.shared.state).client_id.clone()
    }

    /// The application's `client_secret`.
    pub fn client_secret(&self) -> String {
        self.shared.secrets.client_secret.clone()
    }

    /// The application's `application_token` (the one event handlers are signed with).
    pub fn application_token(&self) -> String {
        self.shared.secrets.application_token.clone()
    }

    /// The portal's `member_id`.
    pub fn member_id(&self) -> String {
        self.shared.secrets.member_id.clone()
    }

    /// A one-time authorization code, as if a user approved the app (valid 30 s).
    pub fn issue_authorization_code(&self) -> String {
        issue_code(&mut lock(&self.shared.state))
    }

    /// Make the next REST request (any method, not the token endpoint) show `fault`, once.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.state).faults.push(None, fault);
    }

    /// Make the next call of `method` (`"batch"`,
    /// [`TOKEN_ENDPOINT_METHOD`](crate::TOKEN_ENDPOINT_METHOD), ...) show `fault`, once.
    pub fn inject_for(&self, method: &str, fault: Fault) {
        lock(&self.shared.state)
            .faults
            .push(Some(method.to_ascii_lowercase()), fault);
    }

    /// From now on, show each of `faults` on a REST request (any method, not the token
    /// endpoint) with its probability (`[(Fault::InternalError, 0.05), ...]`: 5% of the
    /// requests each; at most one fault per request), drawn from `seed` so a run can be
    /// repeated. Injected faults come first. An empty list stops it.
    pub fn inject_randomly(&self, faults: Vec<(Fault, f64)>, seed: u64) {
        lock(&self.shared.state).faults.set_random(faults, seed);
    }

    /// Every access token issued so far is expired from now on (`expired_token`).
    pub fn expire_access_tokens(&self) {
        for token in lock(&self.shared.state).tokens.access.values_mut() {
            token.forced_expired = true;
        }
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.state).stats.clone()
    }

    /// Add `n` realistic deals, IDs continuing the sequence.
    pub fn seed_deals(&self, n: usize) {
        let now = now_unix().floor() as i64;
        lock(&self.shared.state).crm.deals.seed(n, now);
    }

    /// Delete a deal, as `crm.deal.delete` would (not counted as a call); whether it existed.
    pub fn delete_deal(&self, id: u64) -> bool {
        lock(&self.shared.state).crm.deals.remove(id)
    }

    /// How many deals exist.
    pub fn deal_count(&self) -> usize {
        lock(&self.shared.state).crm.deals.len()
    }

    /// One deal as `crm.deal.get` returns it.
    pub fn deal(&self, id: u64) -> Option<serde_json::Value> {
        lock(&self.shared.state).crm.deals.render(id)
    }

    /// Every deal as `crm.deal.get` returns it, by ID.
    pub fn deals(&self) -> Vec<serde_json::Value> {
        lock(&self.shared.state).crm.deals.render_all()
    }

    /// Add `n` realistic records of a CRM entity type, IDs continuing its sequence, each
    /// what `crm.X.add` would store for its fields, with the dates of an import (created
    /// about an hour apart up to now); seeding hundreds of thousands takes a moment.
    pub fn seed_crm(&self, entity: CrmEntity, n: usize) {
        let now = now_unix().floor() as i64;
        lock(&self.shared.state).crm.of(entity).seed(n, now);
    }

    /// One record of a CRM entity type as `crm.X.get` returns it.
    pub fn crm_record(&self, entity: CrmEntity, id: u64) -> Option<serde_json::Value> {
        lock(&self.shared.state).crm.of(entity).render(id)
    }

    /// Every record of a CRM entity type as `crm.X.get` returns it, by ID.
    pub fn crm_records(&self, entity: CrmEntity) -> Vec<serde_json::Value> {
        lock(&self.shared.state).crm.of(entity).render_all()
    }

    /// How many records of a CRM entity type exist.
    pub fn crm_count(&self, entity: CrmEntity) -> usize {
        lock(&self.shared.state).crm.of(entity).len()
    }

    /// Delete a record of a CRM entity type (with its product rows), as `crm.X.delete`
    /// would (not counted as a call); whether it existed.
    pub fn delete_crm_record(&self, entity: CrmEntity, id: u64) -> bool {
        lock(&self.shared.state).crm.of(entity).remove(id)
    }

    /// Add `n` realistic contacts: a name, a work phone, for four in five an e-mail, a
    /// post, a type and one of 40 companies; a birthday for every third.
    pub fn seed_contacts(&self, n: usize) {
        self.seed_crm(CrmEntity::Contact, n);
    }

    /// One contact as `crm.contact.get` returns it.
    pub fn contact(&self, id: u64) -> Option<serde_json::Value> {
        self.crm_record(CrmEntity::Contact, id)
    }

    /// The product rows of a deal as `crm.deal.productrows.get` returns them (amounts as
    /// JSON numbers); `None` when there is no such deal.
    pub fn product_rows(&self, deal_id: u64) -> Option<Vec<serde_json::Value>> {
        let mut state = lock(&self.shared.state);
        let deals = state.crm.of(CrmEntity::Deal);
        deals.render(deal_id)?;
        Some(deals.product_rows(deal_id))
    }

    /// Add `n` realistic companies: a name, type, industry and size, a yearly revenue, a
    /// phone, an e-mail and a website.
    pub fn seed_companies(&self, n: usize) {
        self.seed_crm(CrmEntity::Company, n);
    }

    /// One company as `crm.company.get` returns it.
    pub fn company(&self, id: u64) -> Option<serde_json::Value> {
        self.crm_record(CrmEntity::Company, id)
    }

    /// Add `n` varied users, IDs continuing after users 1 to 3: names, e-mails, positions,
    /// departments 1 to 5, birthdays for every fourth; every tenth is dismissed
    /// (`ACTIVE: false`), every fifteenth an extranet user without a department.
    pub fn seed_users(&self, n: usize) {
        lock(&self.shared.state).users.seed(n);
    }

    /// Add `n` realistic leads: a person with a phone and mostly an e-mail, wanting
    /// something, at a status from `NEW` to `CONVERTED` or `JUNK`, with an amount.
    pub fn seed_leads(&self, n: usize) {
        self.seed_crm(CrmEntity::Lead, n);
    }

    /// One lead as `crm.lead.get` returns it.
    pub fn lead(&self, id: u64) -> Option<serde_json::Value> {
        self.crm_record(CrmEntity::Lead, id)
    }

    /// One user as `user.get` returns it.
    pub fn user(&self, id: u64) -> Option<serde_json::Value> {
        lock(&self.shared.state).users.get(id)
    }

    /// How many users exist (users 1 to 3 from the start).
    pub fn user_count(&self) -> usize {
        lock(&self.shared.state).users.len()
    }

    /// The event deliveries to handler URLs finished so far (see `event.bind`), in the
    /// order they finished.
    pub fn event_deliveries(&self) -> Vec<EventDelivery> {
        lock(&self.shared.state).events.deliveries()
    }

    /// How many tasks exist (REST 3.0 and the classic methods serve the same tasks).
    pub fn task_count(&self) -> usize {
        lock(&self.shared.state).tasks_v3.len()
    }

    /// Add `n` varied tasks (titles, assignees 1 to 3, priorities, statuses, deadlines),
    /// IDs continuing the sequence, as `tasks.task.add` would store them; seeding tens of
    /// thousands takes milliseconds.
    pub fn seed_tasks(&self, n: usize) {
        let now = now_unix().floor() as i64;
        lock(&self.shared.state).tasks_v3.seed(n, now);
    }

    /// Delete a task, as `tasks.task.delete` would (not counted as a call); whether it
    /// existed.
    pub fn delete_task(&self, id: u64) -> bool {
        lock(&self.shared.state).tasks_v3.remove(id)
    }

    /// Add `n` varied items (titles, stages, amounts, assignees) to the smart process
    /// `entity_type_id`, IDs continuing its sequence, as `crm.item.add` would store them;
    /// seeding tens of thousands takes milliseconds.
    ///
    /// # Panics
    /// When `entity_type_id` is below 128: the portal serves `crm.item.*` for smart
    /// processes only.
    pub fn seed_items(&self, entity_type_id: u32, n: usize) {
        assert!(
            entity_type_id >= FIRST_SMART_PROCESS,
            "entityTypeId {entity_type_id} is not a smart process (128 and above)"
        );
        let now = now_unix().floor() as i64;
        lock(&self.shared.state).items.seed(entity_type_id, n, now);
    }

    /// Add `n` items named `Item 1`, `Item 2`, ... to the application storage `entity`
    /// (created when missing), as `entity.item.add` would store them (by user 1).
    pub fn seed_app_storage(&self, entity: &str, n: usize) {
        let now = now_unix().floor() as i64;
        lock(&self.shared.state).app_storage.seed(entity, n, 1, now);
    }

    /// Delete an item of a smart process, as `crm.item.delete` would (not counted as a
    /// call); whether it existed.
    pub fn delete_item(&self, entity_type_id: u32, id: u64) -> bool {
        lock(&self.shared.state).items.remove(entity_type_id, id)
    }

    /// How many items the smart process `entity_type_id` has.
    pub fn item_count(&self, entity_type_id: u32) -> usize {
        lock(&self.shared.state).items.len(entity_type_id)
    }

    /// One item of a smart process as `crm.item.get` shows it (under `item`).
    pub fn item(&self, entity_type_id: u32, id: u64) -> Option<serde_json::Value> {
        lock(&self.shared.state).items.render(entity_type_id, id)
    }

    /// One REST 3.0 task with every field, as `tasks.task.get` returns it without `select`.
    pub fn task(&self, id: u64) -> Option<serde_json::Value> {
        lock(&self.shared.state).tasks_v3.get(id)
    }

    /// Declare a deal user field (`UF_CRM_...`) with its `crm.deal.fields` type
    /// (`string`, `double`, `enumeration`, ...). Undeclared `UF_*` fields are accepted too,
    /// and declared as `string` when first written.
    pub fn add_user_field(&self, name: &str, wire_type: &str) {
        lock(&self.shared.state)
            .crm
            .deals
            .add_user_field(&name.to_ascii_uppercase(), wire_type);
    }

    /// Declare a user field of a CRM entity type (`entityTypeId`: 1 lead, 2 deal,
    /// 3 contact, 4 company, 128 and above a smart process), with its label, multiplicity
    /// and enumeration items, as the `*.fields`, `*.userfield.list` and `crm.item.fields`
    /// replies describe it. A field of a lead, deal, contact or company is also known to
    /// that entity's records (shown by `get` and `list`) like
    /// [`TestPortal::add_user_field`] for deals.
    pub fn add_crm_user_field(&self, entity_type_id: u32, field: UserField) {
        let mut state = lock(&self.shared.state);
        let state = &mut *state;
        state.user_fields.add(entity_type_id, field, &mut state.crm);
    }
}
