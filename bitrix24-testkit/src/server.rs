//! The HTTP side of the portal: an accept loop over hyper's HTTP/1.1 connections, so a
//! fault can drop a connection without any reply, and the routing of one request.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::batch::batch;
use crate::call::{CallError, Caller, success_body};
use crate::clock::{now_unix, time_object};
use crate::credentials::Secrets;
use crate::fault::{Fault, TOKEN_ENDPOINT_METHOD};
use crate::large_reply::LargeBody;
use crate::oauth::token_endpoint;
use crate::operating::Operating;
use crate::params::{self, KEY_ORDER, RAW_JSON, json_key_orders};
use crate::payload::Payload;
use crate::php_form::{decode, key_orders, parse};
use crate::rest::execute;
use crate::state::{State, lock};
use crate::tasks_v3::{self, V3Error, V3Reply, V3Request};

/// The body of a reply: made whole, or generated while it is sent (a large reply).
type ReplyBody = Either<Full<Bytes>, LargeBody>;

/// The largest request body the portal reads.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// What the whole portal shares between connections.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) secrets: Secrets,
    pub(crate) base_url: String,
}

/// Accept connections until the task is aborted (dropping the portal); aborting drops
/// the `JoinSet`, which aborts every connection. With `tls`, each connection starts with
/// a TLS handshake; one that fails (the client refused the certificate) is closed before
/// any request is read.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = Arc::clone(&shared);
                    match tls.clone() {
                        None => connections.spawn(connection(stream, shared)),
                        Some(tls) => connections.spawn(async move {
                            if let Ok(stream) = tls.accept(stream).await {
                                connection(stream, shared).await;
                            }
                        }),
                    };
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection<S>(stream: S, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let service = {
        let kill = Arc::clone(&kill);
        service_fn(move |request| handle(request, Arc::clone(&shared), Arc::clone(&kill)))
    };
    let serving = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    // Dropping the connection future closes the socket with no reply on the wire.
    tokio::select! {
        _ = serving => {}
        () = kill.notified() => {}
    }
}

/// A reply, before the `time` object is added.
#[derive(Debug)]
enum Reply {
    /// A JSON reply; `time` adds the `time` object (REST replies, not the token endpoint).
    Json {
        status: u16,
        /// The reply object's entries, in order.
        body: Vec<(String, Payload)>,
        time: bool,
        operating_reset_at: Option<f64>,
        operating: f64,
        /// The execution time the operating-time accounting charged this call, reported
        /// as its `time.processing` (what a real portal's method would have taken).
        charged: Option<f64>,
    },
    Html(u16),
    Empty(u16),
    /// 200 with a generated body of this many bytes (see [`Fault::LargeReply`]).
    Large {
        bytes: usize,
        announced: bool,
    },
    /// A reply with extra headers (REST 3.0's `Idempotency-Key`, `Idempotent-Replayed`).
    Headed {
        reply: Box<Reply>,
        headers: Vec<(&'static str, String)>,
    },
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        let body = match body {
            Value::Object(map) => map.into_iter().map(|(k, v)| (k, v.into())).collect(),
            other => vec![("result".to_owned(), other.into())],
        };
        Self::object(status, body)
    }

    fn object(status: u16, body: Vec<(String, Payload)>) -> Self {
        Self::Json {
            status,
            body,
            time: true,
            operating_reset_at: None,
            operating: 0.0,
            charged: None,
        }
    }

    fn error(err: &CallError) -> Self {
        Self::json(err.status, err.body())
    }

    fn v3(reply: V3Reply) -> Self {
        let json = Self::json(reply.status, reply.body);
        if reply.headers.is_empty() {
            json
        } else {
            Self::Headed {
                reply: Box::new(json),
                headers: reply.headers,
            }
        }
    }
}

/// What to do with a request once processed.
#[derive(Debug)]
struct Plan {
    reply: Reply,
    delay: Duration,
    /// Close the connection instead of replying.
    drop_connection: bool,
}

impl Plan {
    fn reply(reply: Reply) -> Self {
        Self {
            reply,
            delay: Duration::ZERO,
            drop_connection: false,
        }
    }
}

async fn handle(
    request: Request<Incoming>,
    shared: Arc<Shared>,
    kill: Arc<Notify>,
) -> Result<Response<ReplyBody>, Infallible> {
    let start = now_unix();
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            lock(&shared.state).stats.http_requests += 1;
            let err = CallError::new(
                413,
                "INVALID_REQUEST",
                "The request body is too large or broken",
            );
            return Ok(build(Reply::error(&err), start, 0.0));
        }
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let processing_started = Instant::now();
    let plan = process(
        &shared,
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        &content_type,
        &parts.headers,
        &body,
    );
    let processing = processing_started.elapsed().as_secs_f64();
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    if plan.drop_connection {
        kill.notify_one();
        std::future::pending::<()>().await;
    }
    Ok(build(plan.reply, start, processing))
}

fn build(reply: Reply, start: f64, processing: f64) -> Response<ReplyBody> {
    let (reply, headers) = match reply {
        Reply::Headed { reply, headers } => (*reply, headers),
        Reply::Large { bytes, announced } => {
            let mut response = Response::new(Either::Right(LargeBody::new(bytes, announced)));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            return response;
        }
        reply => (reply, Vec::new()),
    };
    let (status, content_type, body) = match reply {
        Reply::Json {
            status,
            mut body,
            time,
            operating_reset_at,
            operating,
            charged,
        } => {
            if time {
                let processing = charged.unwrap_or(processing);
                let time =
                    time_object(start, now_unix(), processing, operating, operating_reset_at);
                body.push(("time".into(), time.into()));
            }
            let text = serde_json::to_vec(&Payload::Object(body)).unwrap_or_default();
            (status, Some("application/json; charset=utf-8"), text)
        }
        Reply::Html(status) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            let text = format!(
                "<html><body>{} {}</body></html>",
                code.as_u16(),
                code.canonical_reason().unwrap_or("Error")
            );
            (status, Some("text/html"), text.into_bytes())
        }
        Reply::Empty(status) => (status, None, Vec::new()),
        Reply::Headed { .. } | Reply::Large { .. } => (500, None, Vec::new()),
    };
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(body))));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// Where a request goes.
#[derive(Debug)]
enum Route {
    Token,
    /// `/rest/{user}/{secret}/{method}`.
    Webhook {
        user: String,
        secret: String,
        method: String,
    },
    /// `/rest/{method}` with `auth=TOKEN`.
    OAuth {
        method: String,
    },
    /// REST 3.0: `/rest/api/{user}/{secret}/{method}` (`credentials`) or
    /// `/rest/api/{method}` with `auth=TOKEN`.
    V3 {
        credentials: Option<(String, String)>,
        method: String,
    },
    Unknown,
}

fn route(path: &str) -> Route {
    if matches!(path, "/oauth/token/" | "/oauth/token") {
        return Route::Token;
    }
    let Some(rest) = path.strip_prefix("/rest/") else {
        return Route::Unknown;
    };
    let segments: Vec<String> = rest.trim_end_matches('/').split('/').map(decode).collect();
    let method = |name: &str| name.trim_end_matches(".json").to_ascii_lowercase();
    if let [api, rest @ ..] = segments.as_slice() {
        if api == "api" {
            return match rest {
                [name] if !name.is_empty() => Route::V3 {
                    credentials: None,
                    method: method(name),
                },
                [user, secret, name] if !name.is_empty() => Route::V3 {
                    credentials: Some((user.clone(), secret.clone())),
                    method: method(name),
                },
                _ => Route::Unknown,
            };
        }
    }
    match segments.as_slice() {
        [name] if !name.is_empty() => Route::OAuth {
            method: method(name),
        },
        [user, secret, name] if !name.is_empty() => Route::Webhook {
            user: user.clone(),
            secret: secret.clone(),
            method: method(name),
        },
        _ => Route::Unknown,
    }
}

/// The request's parameters: the query string, overlaid with the body (JSON or form).
fn parameters(query: &str, content_type: &str, body: &[u8]) -> Result<Value, CallError> {
    let mut params = match parse(query) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut orders = key_orders(query);
    let body_params = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else if content_type.contains("json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(mut map)) => {
                orders.extend(json_key_orders(body));
                let raw = String::from_utf8_lossy(body).into_owned();
                map.insert(RAW_JSON.to_owned(), Value::String(raw));
                map
            }
            Ok(Value::Array(items)) if items.is_empty() => Map::new(),
            _ => {
                return Err(CallError::new(
                    400,
                    "INVALID_REQUEST",
                    "The request body is not a JSON object",
                ));
            }
        }
    } else {
        let text = String::from_utf8_lossy(body);
        orders.extend(key_orders(&text));
        match parse(&text) {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    };
    params.extend(body_params);
    params.insert(KEY_ORDER.to_owned(), Value::Object(orders));
    Ok(Value::Object(params))
}

/// REST 3.0 parameters: the body's JSON object only (rest-v3.md: the query string is not
/// read), except an application's `auth`, taken from the query when the body lacks it.
fn v3_parameters(query: &str, content_type: &str, body: &[u8]) -> Result<Value, V3Error> {
    let mut params = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else if content_type.contains("json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            _ => return Err(V3Error::invalid_json()),
        }
    } else {
        return Err(V3Error::invalid_json());
    };
    if !params.contains_key("auth") {
        if let Some(token) = parse(query).get("auth") {
            params.insert("auth".into(), token.clone());
        }
    }
    Ok(Value::Object(params))
}

/// The reply of a fault that answers before the call runs; `None` for the others.
fn fault_reply(fault: &Fault, state: &mut State) -> Option<Plan> {
    let reply = match fault {
        Fault::QueryLimit => {
            state.stats.query_limit_exceeded += 1;
            Reply::error(&query_limit())
        }
        Fault::OperationTimeLimit => {
            let err = CallError::new(
                429,
                "OPERATION_TIME_LIMIT",
                "Method is blocked due to operation time limit.",
            );
            let mut reply = Reply::error(&err);
            if let Reply::Json {
                operating_reset_at,
                operating,
                ..
            } = &mut reply
            {
                *operating_reset_at = Some(now_unix() + 1.0);
                *operating = 480.5;
            }
            reply
        }
        Fault::Overload => Reply::error(&CallError::new(
            503,
            "OVERLOAD_LIMIT",
            "REST API is blocked due to overload.",
        )),
        Fault::InternalError => Reply::error(&CallError::new(
            500,
            "INTERNAL_SERVER_ERROR",
            "Internal server error",
        )),
        Fault::HtmlPage(status) => Reply::Html(*status),
        Fault::LargeReply { bytes, announced } => Reply::Large {
            bytes: *bytes,
            announced: *announced,
        },
        Fault::EmptyBody(status) => Reply::Empty(*status),
        Fault::DropBeforeHandling => {
            return Some(Plan {
                reply: Reply::Empty(502),
                delay: Duration::ZERO,
                drop_connection: true,
            });
        }
        Fault::DropAfterHandling | Fault::Slow(_) => return None,
    };
    Some(Plan::reply(reply))
}

fn query_limit() -> CallError {
    CallError::new(503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
}

/// Route and run one request under the state lock; sleeping is left to the caller.
fn process(
    shared: &Shared,
    path: &str,
    query: &str,
    content_type: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Plan {
    let mut state = lock(&shared.state);
    state.stats.http_requests += 1;
    let latency = state.config.latency;
    let route = route(path);
    let method = match &route {
        Route::Token => TOKEN_ENDPOINT_METHOD.to_owned(),
        Route::Webhook { method, .. } | Route::OAuth { method } | Route::V3 { method, .. } => {
            method.clone()
        }
        Route::Unknown => {
            // Under /rest/ a JSON error (REST 3.0 paths, a missing method); elsewhere a page.
            let reply = if path.starts_with("/rest/") {
                let name = path.trim_start_matches("/rest/");
                Reply::error(&CallError::method_not_found(name))
            } else {
                Reply::Html(404)
            };
            let mut plan = Plan::reply(reply);
            plan.delay = latency;
            return plan;
        }
    };
    if !matches!(route, Route::Token) {
        *state
            .stats
            .calls_by_method
            .entry(method.clone())
            .or_default() += 1;
    }
    let fault = state.faults.take(&method);
    let mut plan = match fault
        .as_ref()
        .and_then(|fault| fault_reply(fault, &mut state))
    {
        Some(plan) => plan,
        None => {
            let reply = run(
                shared,
                &mut state,
                &route,
                &method,
                query,
                content_type,
                headers,
                body,
            );
            Plan::reply(reply)
        }
    };
    match fault {
        Some(Fault::DropAfterHandling) => plan.drop_connection = true,
        Some(Fault::Slow(delay)) => plan.delay = delay,
        _ => {}
    }
    plan.delay = plan.delay.saturating_add(latency);
    plan
}

/// Rate limit, authorization, then the method.
// Reason: the request's parts, passed apart so the state lock is taken once by the caller.
#[allow(clippy::too_many_arguments)]
fn run(
    shared: &Shared,
    state: &mut State,
    route: &Route,
    method: &str,
    query: &str,
    content_type: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    let params = match route {
        Route::V3 { .. } => match v3_parameters(query, content_type, body) {
            Ok(params) => params,
            Err(err) => return Reply::v3(V3Reply::error(&err)),
        },
        _ => match parameters(query, content_type, body) {
            Ok(params) => params,
            Err(err) => return Reply::error(&err),
        },
    };
    if let Route::Token = route {
        let (status, body) = token_endpoint(state, &shared.secrets, &shared.base_url, &params);
        let mut reply = Reply::json(status, body);
        if let Reply::Json { time, .. } = &mut reply {
            *time = false;
        }
        return reply;
    }
    if let Some(bucket) = state.bucket.as_mut() {
        if !bucket.admit(Instant::now()) {
            state.stats.query_limit_exceeded += 1;
            return Reply::error(&query_limit());
        }
    }
    let caller = match route {
        Route::Webhook { user, secret, .. }
        | Route::V3 {
            credentials: Some((user, secret)),
            ..
        } => {
            if user == "1" && *secret == shared.secrets.webhook_secret {
                Caller { user_id: 1 }
            } else {
                return Reply::error(&CallError::new(
                    401,
                    "INVALID_CREDENTIALS",
                    "Invalid request credentials",
                ));
            }
        }
        _ => {
            let token = params::param(&params, "auth")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim();
            if token.is_empty() {
                return Reply::error(&CallError::new(
                    401,
                    "NO_AUTH_FOUND",
                    "Wrong authorization data",
                ));
            }
            match state.tokens.access.get(token) {
                None => {
                    return Reply::error(&CallError::new(
                        401,
                        "invalid_token",
                        "Unable to get application by token",
                    ));
                }
                Some(access) if access.is_expired(Instant::now()) => {
                    return Reply::error(&CallError::new(
                        401,
                        "expired_token",
                        "The access token provided has expired.",
                    ));
                }
                Some(access) => Caller {
                    user_id: access.user_id,
                },
            }
        }
    };
    // Operating time is counted per credential: the webhook, or the application.
    let credential = match route {
        Route::Webhook { user, .. }
        | Route::V3 {
            credentials: Some((user, _)),
            ..
        } => format!("webhook:{user}"),
        _ => "app".to_owned(),
    };
    let now = now_unix();
    if let Some(clock) = state.operating.as_mut() {
        if let Err(report) = clock.admit(&credential, method, now) {
            state.stats.operation_time_limited += 1;
            let err = CallError::new(
                429,
                "OPERATION_TIME_LIMIT",
                "Method is blocked due to operation time limit.",
            );
            return with_operating(Reply::error(&err), report);
        }
    }
    let reply = if let Route::V3 { credentials, .. } = route {
        let empty = Map::new();
        let request = V3Request {
            method,
            params: params.as_object().unwrap_or(&empty),
            user_id: caller.user_id,
            webhook: credentials.is_some(),
            idempotency_key: headers.get("idempotency-key").map(HeaderValue::as_bytes),
        };
        let stores = tasks_v3::Stores {
            tasks: &mut state.tasks_v3,
            replays: &mut state.replays,
            stats: &mut state.stats,
        };
        Reply::v3(tasks_v3::call(stores, &request))
    } else {
        let result = if method == "batch" {
            batch(state, &params, caller)
        } else {
            execute(state, method, &params, caller)
        };
        match result {
            Ok(outcome) => Reply::object(200, success_body(outcome)),
            Err(err) => Reply::error(&err),
        }
    };
    match state
        .operating
        .as_mut()
        .and_then(|clock| clock.charge(&credential, method, now))
    {
        Some(report) => with_operating(reply, report),
        None => reply,
    }
}

/// The reply with its `time.operating` and `time.operating_reset_at` from the accounting.
fn with_operating(reply: Reply, report: Operating) -> Reply {
    match reply {
        Reply::Json {
            status, body, time, ..
        } => Reply::Json {
            status,
            body,
            time,
            operating_reset_at: Some(report.reset_at),
            operating: report.operating,
            charged: report.charged,
        },
        Reply::Headed { reply, headers } => Reply::Headed {
            reply: Box::new(with_operating(*reply, report)),
            headers,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn routes() {
        assert!(matches!(route("/oauth/token/"), Route::Token));
        assert!(
            matches!(route("/rest/crm.deal.list.json"), Route::OAuth { method } if method == "crm.deal.list")
        );
        assert!(
            matches!(route("/rest/crm.deal.list/"), Route::OAuth { method } if method == "crm.deal.list")
        );
        assert!(matches!(
            route("/rest/1/abc/CRM.DEAL.GET.json"),
            Route::Webhook { user, secret, method } if user == "1" && secret == "abc" && method == "crm.deal.get"
        ));
        assert!(matches!(
            route("/rest/api/tasks.task.add"),
            Route::V3 { credentials: None, method } if method == "tasks.task.add"
        ));
        assert!(matches!(
            route("/rest/api/1/abc/tasks.task.get"),
            Route::V3 { credentials: Some((user, secret)), method }
                if user == "1" && secret == "abc" && method == "tasks.task.get"
        ));
        for unknown in [
            "/",
            "/rest/",
            "/rest/api/",
            "/rest/api/1/tasks.task.get",
            "/rest/api/1/abc/x/tasks.task.get",
            "/rest/a/b",
            "/rest/1/2/3/4",
            "/other",
            "/rest//",
        ] {
            assert!(matches!(route(unknown), Route::Unknown), "{unknown}");
        }
    }

    #[test]
    fn body_overrides_query() {
        let mut params =
            parameters("auth=t&start=5", "application/json", br#"{"start": 10}"#).unwrap();
        params.as_object_mut().unwrap().remove(KEY_ORDER);
        assert_eq!(params[RAW_JSON], r#"{"start": 10}"#);
        params.as_object_mut().unwrap().remove(RAW_JSON);
        assert_eq!(params, json!({"auth": "t", "start": 10}));
        let mut params = parameters("a=1", "application/x-www-form-urlencoded", b"b[]=2").unwrap();
        params.as_object_mut().unwrap().remove(KEY_ORDER);
        assert_eq!(params, json!({"a": "1", "b": ["2"]}));
        let params = parameters(
            "cmd[z]=1",
            "application/json",
            br#"{"cmd": {"b": "x", "a": "y"}, "order": {"STAGE_ID": "ASC", "ID": "DESC"}, "n": 1}"#,
        )
        .unwrap();
        assert_eq!(
            params[KEY_ORDER],
            json!({"cmd": ["b", "a"], "order": ["STAGE_ID", "ID"]})
        );
        assert!(parameters("", "application/json", b"[1]").is_err());
        assert!(parameters("", "application/json", b"{").is_err());
    }
}
