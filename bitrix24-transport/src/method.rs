//! The method trait: what the transport needs to know to call one REST method.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How a call changes the portal, which decides whether the transport may repeat it.
///
/// A call whose fate is unknown (the connection dropped after the request was sent)
/// is repeated only when repeating cannot do harm: [`CallKind::Read`] and
/// [`CallKind::IdempotentWrite`]. A [`CallKind::Write`] is never repeated blindly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// Reads only (`*.get`, `*.list`, `*.fields`).
    Read,
    /// Writes, but doing it twice has the effect of doing it once (`*.update`, `*.delete`).
    IdempotentWrite,
    /// Writes, and doing it twice does it twice (`*.add`, sending a message).
    Write,
}

impl CallKind {
    /// Whether a call of this kind may be repeated when its fate is unknown.
    pub const fn is_retry_safe(self) -> bool {
        matches!(self, Self::Read | Self::IdempotentWrite)
    }
}

/// Which REST API generation serves the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiVersion {
    /// The classic API at `/rest/METHOD.json`.
    #[default]
    Classic,
    /// REST 3.0 at `/rest/api/METHOD`.
    V3,
}

/// One Bitrix24 REST method, as a request value.
///
/// The value's [`Serialize`] output is the method's parameters: a JSON object whose
/// keys are the wire names (`{"fields":{"TITLE":"New Deal"}}`). A method without
/// parameters may serialize to `null` (a unit struct); the transport then sends `{}`.
///
/// Implementations are normally written by `#[bitrix_method]`, never by hand.
pub trait Method: Serialize {
    /// The REST method name, e.g. `crm.deal.add`.
    const NAME: &'static str;
    /// The permission scope the method needs (`crm`, `task`, `user`, ...), when known.
    const SCOPE: Option<&'static str>;
    /// Whether and how the call writes; the retry policy is decided from it.
    const KIND: CallKind;
    /// Which API generation serves the method.
    const API: ApiVersion;
    /// The type the envelope's `result` decodes into.
    type Response: DeserializeOwned;
    /// What the request must carry though its type lets it be unset, as dotted paths of
    /// wire names (`fields.TITLE`): an entity's record is shared by its reads and writes,
    /// so its fields are all optional, while the write's page requires some. The client
    /// refuses to send a request without them ([`Error::Encode`](crate::Error::Encode)
    /// naming the path), as the portal would, but before anything is sent.
    const REQUIRED: &'static [&'static str] = &[];
}

/// The first of `required` (dotted paths of wire names) that `params` lacks or holds as
/// `null`: what [`Method::REQUIRED`] names and the request does not carry.
pub(crate) fn missing_required<'a>(params: &Value, required: &[&'a str]) -> Option<&'a str> {
    required.iter().copied().find(|path| {
        path.split('.')
            .try_fold(params, |value, key| value.get(key))
            .is_none_or(Value::is_null)
    })
}

/// A request's parameters as JSON, checked against [`Method::REQUIRED`]; what went wrong
/// otherwise, for the caller's own encode error.
pub(crate) fn encode_params<M: Method>(request: &M) -> Result<Value, String> {
    let params = serde_json::to_value(request).map_err(|err| err.to_string())?;
    match missing_required(&params, M::REQUIRED) {
        Some(path) => Err(format!("`{path}` is required and not set")),
        None => Ok(params),
    }
}

/// Where the records of a list method's `result` sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Records {
    /// `result` is the array of records itself (`crm.deal.list`).
    Result,
    /// `result` is an object holding the array under this key (`tasks.task.list`: `tasks`).
    Key(&'static str),
}

/// A list method paginated by `start` with `next`/`total` in the envelope.
pub trait ListMethod: Method {
    /// One record of the list.
    type Record: DeserializeOwned;
    /// Where the records sit in `result`.
    const RECORDS: Records;
    /// The record's ID field on the wire (`ID`, `id`).
    const ID_FIELD: &'static str;
    /// Whether the documented fast path (order by ID, `>ID` filter, `start=-1`) applies.
    const FAST_PATH: bool;
    /// The ID's name in `filter`, `order` and `select`, where it differs from the record's
    /// [`ID_FIELD`](Self::ID_FIELD): `tasks.task.list` filters by `ID`, records carry `id`.
    const ID_PARAM: &'static str = Self::ID_FIELD;
    /// The name the method takes its filter by: `filter`, or `FILTER` (`entity.item.get`,
    /// `sonet_group.get`). The fast path writes its `>ID` there.
    const FILTER_PARAM: &'static str = "filter";
    /// The name the method takes its sort order by (field -> direction): `order`, or
    /// `ORDER`, `SORT` (`entity.item.get`). The fast path orders by ID there.
    const ORDER_PARAM: &'static str = "order";
    /// The name the method takes the one field to sort by, when it sorts by one field
    /// named there and takes the direction alone in [`ORDER_PARAM`](Self::ORDER_PARAM)
    /// (`user.get`: `sort: "ID"`, `order: "ASC"`); `None` when the order is a map of
    /// fields to directions.
    const SORT_PARAM: Option<&'static str> = None;
    /// The name the method takes the fields to return by: `select`, or `SELECT`.
    const SELECT_PARAM: &'static str = "select";
    /// The list's pages are always counted (`start=-1` is not documented for it): the fast
    /// path then pages by ID with `start=0`, still chained, and the portal counts each page.
    const COUNTED: bool = false;
    /// Take the records out of a decoded `result`.
    fn into_records(result: Self::Response) -> Vec<Self::Record>
    where
        Self::Response: IntoRecords<Self::Record>,
    {
        result.into_records()
    }
    /// Set the `start` parameter (`None` leaves it to the server; `Some(-1)` skips counting).
    fn set_start(&mut self, start: Option<i64>);
}

/// How a list method's decoded `result` yields its records.
///
/// `Vec<R>` (records are the result itself) is covered here; a result that holds the
/// records under a key (`{"tasks": [...]}`) gets an implementation from the generator.
pub trait IntoRecords<R> {
    /// Take the records out.
    fn into_records(self) -> Vec<R>;
}

impl<R> IntoRecords<R> for Vec<R> {
    fn into_records(self) -> Vec<R> {
        self
    }
}
