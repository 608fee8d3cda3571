//! A Bitrix24 stand-in on 127.0.0.1 for tests, examples and benchmarks.
//!
//! [`TestPortal::start`] binds `127.0.0.1:0` and serves, on the current Tokio runtime:
//!
//! - **webhooks**: `/rest/1/{secret}/{method}[.json]` ([`TestPortal::webhook_url`]); a wrong
//!   user or secret is 401 `INVALID_CREDENTIALS`;
//! - **OAuth calls**: `/rest/{method}[.json]` with `auth=ACCESS_TOKEN` in the query or body;
//!   missing is 401 `NO_AUTH_FOUND`, unknown 401 `invalid_token`, expired 401 `expired_token`;
//! - **the OAuth server**: `/oauth/token/` ([`TestPortal::token_url`]), see `oauth` below;
//! - methods `crm.deal.add/get/update/delete/list/fields`, `batch`, `app.info`, `profile`
//!   (also `user.current`), `scope`, `server.time`; any other is 404 `ERROR_METHOD_NOT_FOUND`;
//! - **events**: `event.bind/unbind/get`, delivery of `ONCRMDEAL{ADD,UPDATE,DELETE}` to
//!   handler URLs, and the offline queue `event.offline.get/clear/error/list` (see the
//!   `events` section below).
//! - `method.get`, `methods` and `scope` answering from [`PortalCapabilities`]: absent
//!   modules and methods (404 when called), granted scopes (403 `insufficient_scope` when
//!   a method of another scope is called).
//! - the portal's own CRM fields ([`TestPortal::add_crm_user_field`]) in `crm.deal.fields`,
//!   `crm.{lead,contact,company}.fields`, `crm.{deal,lead,contact,company}.userfield.list`
//!   and `crm.item.fields` (smart processes); see `user_fields` in the source.
//! - **REST 3.0** at `/rest/api/1/{secret}/{method}` and `/rest/api/{method}` (OAuth):
//!   `tasks.task.add/get/update/delete/list` in the unified format, honouring
//!   `Idempotency-Key` (see "REST 3.0" below).
//! - smart-process items `crm.item.add/get/update/delete/list` (`entityTypeId` 128 and
//!   above; records under `items`, lower-case `id`), and the classic
//!   `tasks.task.add/get/delete/list` (records under `tasks`), which serve the same tasks
//!   as REST 3.0; both lists take the documented filter prefixes, `order`, `select` and
//!   `start` (including `-1`) and walk the ID range a filter allows. Details in the
//!   modules `testkit/items.rs` and `testkit/tasks_classic.rs`.
//!
//! Parameters are read from the query string and the body (JSON when the `Content-Type`
//! says so, else PHP-style form data, see [`php_form`]); body keys override query keys.
//! Every REST reply carries the `time` object. Values are encoded as a real portal
//! encodes them (numbers as strings, `Y`/`N`, datetimes with the portal's `+03:00`).
//!
//! ```
//! use bitrix24_transport::testkit::{BucketConfig, Fault, PortalConfig, TestPortal};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let portal = TestPortal::start_with(PortalConfig {
//!     rate_limit: Some(BucketConfig::ENTERPRISE),
//!     ..PortalConfig::default()
//! })
//! .await?;
//! portal.seed_deals(120);
//! portal.inject_for("crm.deal.list", Fault::QueryLimit);
//! let hook = portal.webhook_url(); // http://127.0.0.1:PORT/rest/1/<secret>/
//! assert!(hook.starts_with(&portal.base_url()));
//! // ... point the client at `hook` (or at `token_url()` + `rest_url()` for OAuth) ...
//! assert_eq!(portal.deal_count(), 120);
//! assert_eq!(portal.stats().http_requests, 0);
//! # Ok(())
//! # }
//! ```
//!
//! # Lists
//! `crm.deal.list` returns pages of [`PortalConfig::page_size`] records from the offset
//! `start`, with `total` and, only when more records remain, `next`. `start=-1` is the
//! documented fast path (huge-data.md): the first page only, no `next`, and `total: 0` as
//! in the documented reply. `select` defaults to `*` + `UF_*`; an explicit select returns
//! just those fields (not `ID` unless selected). Filter keys take the operators
//! `=`, `!`/`!=`, `>`, `>=`, `<`, `<=`, `@` (in), `!@`, `%` (substring), `!%`, `=%`/`%=`
//! (LIKE with `%`); numbers and dates compare as numbers and instants, text
//! case-insensitively; an array value for `=` means IN. Order by any field, ties by `ID`.
//!
//! # Rate limit
//! A leaky bucket per portal ([`BucketConfig`]): each REST HTTP request adds 1 (a `batch`
//! is one request), the level drains continuously; a request that would take the level
//! over `capacity` gets 503 `QUERY_LIMIT_EXCEEDED` and is not executed (nor counted in
//! the level). From an empty bucket exactly `capacity` requests pass at once. The token
//! endpoint is not limited.
//!
//! # Faults
//! [`TestPortal::inject`] queues a [`Fault`] for the next REST request (any method, but
//! not the token endpoint); [`TestPortal::inject_for`] for the next call of one method
//! (`"batch"` for batches; [`TOKEN_ENDPOINT_METHOD`] for the token endpoint). Each fires
//! once, in the order injected. Faults act before the rate limit, so a faulted request
//! that is not executed does not fill the bucket.
//!
//! # Stats
//! [`Stats::calls_by_method`] counts calls that arrived per method name (lowercase),
//! executed or not, plus one per command inside a `batch`. [`Stats::executed_writes`]
//! counts successful `add`/`update`/`delete` executions.
//!
//! # Events
//! Bindings per event code; a deal write POSTs the event to each online binding's URL
//! as a real portal does (a PHP-encoded form whose `auth` block carries a fresh access
//! token and [`TestPortal::application_token`]), from a background task that never delays
//! the reply, and queues it for offline bindings. [`TestPortal::event_deliveries`] lists
//! the finished deliveries. Details in the module `testkit/events.rs`.
//! # REST 3.0
//! The body must be a JSON object (else 400 `BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION`);
//! the query string is not read, except an application's `auth`. Successful replies are
//! `{"result": {"item": ...}}`, `{"result": {"items": [...]}}` or `{"result": {"result":
//! true}}` plus `time`; method errors are `{"error": {"code", "message", "validation"}}`
//! with the documented codes. Credentials, the rate limit and faults answer as on the
//! classic paths (classic error envelope). A write (`add`, `update`, `delete`) with an
//! `Idempotency-Key` header runs once: a repeat with the same key and parameters gets
//! the stored reply with `Idempotent-Replayed: true` (counted in
//! [`Stats::idempotent_replays`], not in `executed_writes`); the same key with other
//! parameters is 422 `..._IDEMPOTENCYKEYREUSEDEXCEPTION`. Users 1, 2 and 3 exist (for
//! `creatorId`, `responsibleId` and `select: ["responsible.name"]`). Tasks filter by
//! `id` only, as documented.
//!
//! # OAuth
//! [`TestPortal::issue_authorization_code`] plays the user approving the app; the code is
//! valid once, for 30 s. A refresh rotates both tokens; the used refresh token then
//! answers 400 `invalid_grant`; a wrong client secret 401 `invalid_client`.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

mod bucket;
mod capabilities;
mod clock;
mod deals;
mod events;
mod items;
mod list_query;
mod oauth;
mod payload;
pub mod php_form;
mod rest;
mod server;
mod state;
mod tasks_classic;
mod tasks_v3;
mod tls;
mod user_fields;

pub use capabilities::PortalCapabilities;
pub use events::EventDelivery;
use server::Shared;
use state::{PendingFault, Secrets, State, lock};
pub use user_fields::UserField;

/// The method name under which faults for the token endpoint are injected.
pub const TOKEN_ENDPOINT_METHOD: &str = "oauth.token";

/// A rate-limit bucket: `capacity` requests at once, draining `drain_per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketConfig {
    /// The level above which requests are rejected (limits.md `X`).
    pub capacity: u32,
    /// How fast the level drains, per second (limits.md `Y`).
    pub drain_per_second: f64,
}

impl BucketConfig {
    /// Every plan but Enterprise: 50, draining 2 per second.
    pub const STANDARD: BucketConfig = BucketConfig {
        capacity: 50,
        drain_per_second: 2.0,
    };
    /// Enterprise: 250, draining 5 per second.
    pub const ENTERPRISE: BucketConfig = BucketConfig {
        capacity: 250,
        drain_per_second: 5.0,
    };
}

/// How a [`TestPortal`] behaves.
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// The request-rate limit; `None` = unlimited. Default: [`BucketConfig::STANDARD`].
    pub rate_limit: Option<BucketConfig>,
    /// Added to every reply. Default: none.
    pub latency: Duration,
    /// The lifetime of issued access tokens. Default: 3600 s.
    pub access_token_ttl: Duration,
    /// Records per list page. Default: 50 (0 is read as 1).
    pub page_size: usize,
    /// Absent modules and methods, granted scopes. Default: everything present and granted.
    pub capabilities: PortalCapabilities,
}

impl PortalConfig {
    /// The defaults without a rate limit: for tests that are not about the limit.
    pub fn unlimited() -> Self {
        Self {
            rate_limit: None,
            ..Self::default()
        }
    }
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            rate_limit: Some(BucketConfig::STANDARD),
            latency: Duration::ZERO,
            access_token_ttl: Duration::from_secs(3600),
            page_size: 50,
            capabilities: PortalCapabilities::default(),
        }
    }
}

/// A misbehaviour for the portal to show on one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 503 `QUERY_LIMIT_EXCEEDED`; the call is not executed.
    QueryLimit,
    /// 429 `OPERATION_TIME_LIMIT` with `time.operating_reset_at` about 1 s ahead; not executed.
    OperationTimeLimit,
    /// 503 `OVERLOAD_LIMIT`; not executed.
    Overload,
    /// 500 `INTERNAL_SERVER_ERROR`; not executed.
    InternalError,
    /// This status with an HTML body (`<html><body>502 Bad Gateway</body></html>`); not executed.
    HtmlPage(u16),
    /// This status with an empty body; not executed.
    EmptyBody(u16),
    /// Close the connection without a reply; the call is NOT executed.
    DropBeforeHandling,
    /// Execute the call, then close the connection without a reply.
    DropAfterHandling,
    /// Execute the call and delay the reply by this much (on top of the latency).
    Slow(Duration),
}

/// What the portal has seen; see the module docs for what each counter counts.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// HTTP requests received (REST, token endpoint, anything).
    pub http_requests: u64,
    /// Calls per method name, including each command of a `batch`.
    pub calls_by_method: BTreeMap<String, u64>,
    /// Replies of `QUERY_LIMIT_EXCEEDED` (by the bucket or by [`Fault::QueryLimit`]).
    pub query_limit_exceeded: u64,
    /// Successful `grant_type=refresh_token` exchanges.
    pub token_refreshes: u64,
    /// Executed writes (`crm.deal.add`, `update`, `delete`, REST 3.0 `tasks.task.*`
    /// writes), inside batches too.
    pub executed_writes: u64,
    /// REST 3.0 writes answered with a stored reply for a repeated `Idempotency-Key`
    /// instead of running again.
    pub idempotent_replays: u64,
}

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
        let acceptor = tls::acceptor(certificate_chain_pem, private_key_pem)?;
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
        lock(&shared.state).events.identify(events::Identity {
            base_url: shared.base_url.clone(),
            application_token: shared.secrets.application_token.clone(),
            member_id: shared.secrets.member_id.clone(),
        });
        let server = tokio::spawn(server::serve(listener, Arc::clone(&shared), tls));
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
        oauth::issue_code(&mut lock(&self.shared.state))
    }

    /// Make the next REST request (any method, not the token endpoint) show `fault`, once.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.state).faults.push_back(PendingFault {
            method: None,
            fault,
        });
    }

    /// Make the next call of `method` (`"batch"`, [`TOKEN_ENDPOINT_METHOD`], ...) show
    /// `fault`, once.
    pub fn inject_for(&self, method: &str, fault: Fault) {
        lock(&self.shared.state).faults.push_back(PendingFault {
            method: Some(method.to_ascii_lowercase()),
            fault,
        });
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
        let now = clock::now_unix().floor() as i64;
        lock(&self.shared.state).deals.seed(n, now);
    }

    /// Delete a deal, as `crm.deal.delete` would (not counted as a call); whether it existed.
    pub fn delete_deal(&self, id: u64) -> bool {
        lock(&self.shared.state).deals.remove(id)
    }

    /// How many deals exist.
    pub fn deal_count(&self) -> usize {
        lock(&self.shared.state).deals.len()
    }

    /// One deal as `crm.deal.get` returns it.
    pub fn deal(&self, id: u64) -> Option<serde_json::Value> {
        lock(&self.shared.state).deals.render(id)
    }

    /// Every deal as `crm.deal.get` returns it, by ID.
    pub fn deals(&self) -> Vec<serde_json::Value> {
        lock(&self.shared.state).deals.render_all()
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
        let now = clock::now_unix().floor() as i64;
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
            entity_type_id >= items::FIRST_SMART_PROCESS,
            "entityTypeId {entity_type_id} is not a smart process (128 and above)"
        );
        let now = clock::now_unix().floor() as i64;
        lock(&self.shared.state).items.seed(entity_type_id, n, now);
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
            .deals
            .add_user_field(&name.to_ascii_uppercase(), wire_type);
    }

    /// Declare a user field of a CRM entity type (`entityTypeId`: 1 lead, 2 deal,
    /// 3 contact, 4 company, 128 and above a smart process), with its label, multiplicity
    /// and enumeration items, as the `*.fields`, `*.userfield.list` and `crm.item.fields`
    /// replies describe it. A deal field is also stored on deals like
    /// [`TestPortal::add_user_field`].
    pub fn add_crm_user_field(&self, entity_type_id: u32, field: UserField) {
        let mut state = lock(&self.shared.state);
        let state = &mut *state;
        state
            .user_fields
            .add(entity_type_id, field, &mut state.deals);
    }
}
