//! The test portal of bitrix24-rs: a Bitrix24 stand-in on 127.0.0.1 for tests, examples
//! and benchmarks, served by a real HTTP/1.1 server (HTTPS on request), so a client talks
//! to it exactly as to a real portal, and a test can inject the faults a real one shows.
//! Applications reach it as `bitrix24_types::testkit` (the `testkit` feature) or depend on
//! this crate directly (usually as a dev-dependency).
//!
//! Start one on the current Tokio runtime with [`TestPortal::start`] (or
//! [`TestPortal::start_with`] a [`PortalConfig`]), point a client at
//! [`TestPortal::webhook_url`], and drop the portal to shut it down:
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let portal = bitrix24_testkit::TestPortal::start().await?;
//! portal.seed_deals(10);
//! let webhook = portal.webhook_url(); // http://127.0.0.1:PORT/rest/1/<secret>/
//! # let _ = webhook;
//! # Ok(())
//! # }
//! ```
//!
//! [`TestPortal::start`] binds `127.0.0.1:0` and serves, on the current Tokio runtime:
//!
//! - **webhooks**: `/rest/1/{secret}/{method}[.json]` ([`TestPortal::webhook_url`]); a wrong
//!   user or secret is 401 `INVALID_CREDENTIALS`;
//! - **OAuth calls**: `/rest/{method}[.json]` with `auth=ACCESS_TOKEN` in the query or body;
//!   missing is 401 `NO_AUTH_FOUND`, unknown 401 `invalid_token`, expired 401 `expired_token`;
//! - **the OAuth server**: `/oauth/token/` ([`TestPortal::token_url`]), see `oauth` below;
//! - **CRM**: `crm.{lead,deal,contact,company}.add/get/update/delete/list/fields` on one
//!   store per entity type (multifields `PHONE`, `EMAIL`, `WEB`, `IM` of leads, contacts
//!   and companies; money as decimal text), and `crm.{deal,lead}.productrows.set/get` with
//!   amounts kept exact to the digit; seed with [`TestPortal::seed_deals`],
//!   [`TestPortal::seed_contacts`], [`TestPortal::seed_companies`],
//!   [`TestPortal::seed_leads`] (or [`TestPortal::seed_crm`]). Details in the module `crm`
//!   of this crate;
//! - **users**: `user.get` (filter, `sort`/`order`, `select`, pages, `start=-1`) and
//!   `user.current` (the caller's full record); users 1 to 3 exist, more with
//!   [`TestPortal::seed_users`]; see the module `users`;
//! - methods `batch`, `app.info`, `profile`, `scope`, `server.time`; any other is 404
//!   `ERROR_METHOD_NOT_FOUND`;
//! - **events**: `event.bind/unbind/get`, delivery of `ONCRMDEAL{ADD,UPDATE,DELETE}` to
//!   handler URLs, and the offline queue `event.offline.get/clear/error/list` (see the
//!   `events` section below).
//! - `method.get`, `methods` and `scope` answering from [`PortalCapabilities`]: absent
//!   modules and methods (404 when called), granted scopes (403 `insufficient_scope` when
//!   a method of another scope is called).
//! - the portal's own CRM fields ([`TestPortal::add_crm_user_field`]) in
//!   `crm.{lead,deal,contact,company}.fields`, `crm.{deal,lead,contact,company}.userfield.list`
//!   and `crm.item.fields` (smart processes), and declared by
//!   `crm.{deal,lead,contact,company}.userfield.add`; see `user_fields` in the source.
//! - **REST 3.0** at `/rest/api/1/{secret}/{method}` and `/rest/api/{method}` (OAuth):
//!   `tasks.task.add/get/update/delete/list` in the unified format, honouring
//!   `Idempotency-Key` (see "REST 3.0" below).
//! - smart-process items `crm.item.add/get/update/delete/list` (`entityTypeId` 128 and
//!   above; records under `items`, lower-case `id`); the same methods for leads, deals,
//!   contacts and companies (1 to 4) over the classic stores, camelCase and typed (see
//!   `crm/item_view.rs`); and the classic
//!   `tasks.task.add/get/delete/list` (records under `tasks`), which serve the same tasks
//!   as REST 3.0; both lists take the documented filter prefixes, `order`, `select` and
//!   `start` (including `-1`) and walk the ID range a filter allows. Details in the
//!   modules `items` and `tasks_classic` of this crate.
//!
//! Parameters are read from the query string and the body (JSON when the `Content-Type`
//! says so, else PHP-style form data, see [`php_form`]); body keys override query keys.
//! Every REST reply carries the `time` object. Values are encoded as a real portal
//! encodes them (numbers as strings, `Y`/`N`, datetimes with the portal's `+03:00`).
//!
//! ```
//! use bitrix24_testkit::{BucketConfig, Fault, PortalConfig, TestPortal};
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
//! `crm.{lead,deal,contact,company}.list` return pages of [`PortalConfig::page_size`]
//! records from the offset `start`, with `total` and, only when more records remain,
//! `next` (`user.get` and `crm.item.list` alike). `start=-1` is the
//! documented fast path (huge-data.md): the first page only, no `next`, and `total: 0` as
//! in the documented reply. `select` defaults to `*` + `UF_*`, which leave out the
//! multifields (`PHONE`, `EMAIL`, ... come when named); an explicit select returns just
//! those fields (not `ID` unless selected). Filter keys take the operators
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
//! # Operating time
//! With [`PortalConfig::operating`] set, each method is charged its configured execution
//! time per call and per credential (the webhook, or the application), summed over a
//! sliding window; the reply's `time.operating` is that sum, `time.operating_reset_at`
//! when the oldest charge leaves the window, and `time.processing` the call's charge. A call of a method whose sum has reached the
//! limit gets 429 `OPERATION_TIME_LIMIT` and is not executed (counted in
//! [`Stats::operation_time_limited`]).
//!
//! # Faults
//! [`TestPortal::inject`] queues a [`Fault`] for the next REST request (any method, but
//! not the token endpoint); [`TestPortal::inject_for`] for the next call of one method
//! (`"batch"` for batches; [`TOKEN_ENDPOINT_METHOD`] for the token endpoint). Each fires
//! once, in the order injected. [`TestPortal::inject_randomly`] shows faults with given
//! probabilities on every REST request, from a seed. Faults act before the rate limit,
//! so a faulted request that is not executed does not fill the bucket.
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
//! the finished deliveries. Details in the module `events` of this crate.
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

// Layout, so that no module imports one that imports it back: leaves first (`call`,
// `params`, `payload`, `clock`, `php_form`, `config`, `fault`, `large_reply`, `stats`,
// `credentials`, `list_query`); then each method family with its store (`crm`, `items`, `task_store`,
// `tasks_classic`, `tasks_v3`, `events`, `user_fields`, `capabilities`), which take the
// stores they need, never the whole state; `state` composes the stores; `rest` (the one
// dispatcher that knows every family), `batch` and `oauth` run on the state; `server`
// routes HTTP requests to them; `portal` is the handle a test holds. This root only
// declares and re-exports.
mod app_storage;
mod batch;
mod bucket;
mod call;
mod capabilities;
mod clock;
mod config;
mod credentials;
mod crm;
mod events;
mod fault;
mod items;
mod large_reply;
mod list_query;
mod oauth;
mod operating;
mod params;
mod payload;
pub mod php_form;
mod portal;
mod rest;
mod server;
mod state;
mod stats;
mod task_store;
mod tasks_classic;
mod tasks_v3;
mod tls;
mod user_fields;
mod users;

pub use capabilities::PortalCapabilities;
pub use config::{BucketConfig, OperatingLimit, PortalConfig};
pub use crm::CrmEntity;
pub use events::EventDelivery;
pub use fault::{Fault, TOKEN_ENDPOINT_METHOD};
pub use portal::TestPortal;
pub use stats::Stats;
pub use user_fields::UserField;
