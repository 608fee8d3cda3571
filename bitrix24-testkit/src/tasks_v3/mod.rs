//! REST 3.0 (`/rest/api/`): `tasks.task.add/get/update/delete/list` in the unified
//! response format, and `Idempotency-Key` replays (api-reference/rest-v3.md and
//! api-reference/tasks/*-rest-v3.md).
//!
//! Replies: one task as `{"item": {...}}`, a list as `{"items": [...]}`, an update or a
//! delete as `{"result": true}`; errors as `{"error": {"code", "message", "validation"}}`
//! with the documented `BITRIX_REST_V3_EXCEPTION_*` codes and statuses. Values are typed
//! JSON (numbers, booleans, `null`), datetimes ISO-8601 in the portal's zone.
//!
//! Idempotency: a write (`add`, `update`, `delete`) with an `Idempotency-Key` header has
//! its successful reply stored for 24 hours under (caller, user, method, key). A repeat
//! with the same key and the same parameters is answered with the stored reply and
//! `Idempotent-Replayed: true`, without running the method; the same key with other
//! parameters is 422 `..._IDEMPOTENCYKEYREUSEDEXCEPTION`; an error reply is not stored.
//! Parameters are compared without `auth` (a refreshed OAuth token must not turn a
//! repeat into a different call). Every reply to a request with a key echoes it in the
//! `Idempotency-Key` header.

mod list;
mod methods;
mod render;
mod replay;
mod reply;
mod validation;

pub(crate) use replay::{Replays, Stores, V3Request, call};
pub(crate) use reply::{V3Error, V3Reply};
