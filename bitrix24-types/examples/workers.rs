//! Several worker processes calling one portal, sharing its rate limit through Redis.
//!
//! ```text
//! cargo run --release --example workers -- --workers 4 --calls 100 [--limiter redis|memory]
//! ```
//!
//! Starts `--workers` copies of itself; each makes `--calls` calls (`server.time`) at once
//! through a client whose limiter is the portal's leaky bucket in Redis (`REDIS_URL`;
//! when it is unset, a `redis-server` of its own on 127.0.0.1), so that all of them
//! together keep within the portal's bucket and together use its burst. The portal is
//! `BITRIX24_WEBHOOK_URL` when it is set, else the built-in test portal with the standard
//! bucket (50, draining 2/s). `--limiter memory` gives each process a bucket of its own
//! instead: the comparison that shows why the bucket must be shared.
//!
//! `--oauth S` runs the OAuth case instead (test portal only): an application's token pair
//! in Redis, access tokens that expire every 2 s, and each worker's `--calls` callers
//! calling for S seconds (no rate limit); it reports the portal's refreshes and the
//! spent refresh tokens presented again. With `--limiter memory` each process keeps its
//! own copy of the pair instead (the comparison).
//!
//! `--stop-redis-after S` stops the example's own redis-server S seconds into the run;
//! with `--concurrency K` (calls in flight per worker; default all, which takes every slot
//! at the start) the calls that ask for a slot after that fail with the limiter's error,
//! unsent.
//!
//! Calls are not retried, so that every refusal shows. The last line reads
//! `calls C, failed F, rate-limit refusals R, wall S s`; R is the test portal's own count
//! of `QUERY_LIMIT_EXCEEDED` replies, or the workers' count on a real portal.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use std::time::Duration;

use bitrix24_redis::{PortalKeys, RedisLimiter, RedisServer, RedisTokenStore};
use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_types::auth::{MemoryTokenStore, OAuthApp, TokenStore, Webhook};
use bitrix24_types::limiter::Limiter;
use bitrix24_types::ratelimit::{BucketConfig, MemoryLimiter};
use bitrix24_types::retry::RetryPolicy;
use bitrix24_types::{ApiErrorCode, Auth, CallKind, Client};

type Failure = Box<dyn std::error::Error>;

/// Whether this OAuth worker has printed a failure already.
static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

struct Options {
    workers: usize,
    calls: usize,
    limiter: String,
    worker: bool,
    /// Seconds of the OAuth case.
    oauth: Option<u64>,
    /// Stop the example's own redis-server this many seconds into the run.
    stop_redis_after: Option<f64>,
    /// Calls in flight at once per worker (default: all of them).
    concurrency: Option<usize>,
}

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        workers: 4,
        calls: 100,
        limiter: "redis".into(),
        worker: false,
        oauth: None,
        stop_redis_after: None,
        concurrency: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--workers" => options.workers = value()?.parse()?,
            "--calls" => options.calls = value()?.parse()?,
            "--limiter" => options.limiter = value()?,
            "--worker" => options.worker = true,
            "--oauth" => options.oauth = Some(value()?.parse()?),
            "--stop-redis-after" => options.stop_redis_after = Some(value()?.parse()?),
            "--concurrency" => options.concurrency = Some(value()?.parse()?),
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    if !matches!(options.limiter.as_str(), "redis" | "memory") {
        return Err("--limiter is `redis` or `memory`".into());
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let options = options()?;
    match (options.worker, options.oauth) {
        (true, None) => worker(&options).await,
        (true, Some(seconds)) => oauth_worker(&options, seconds).await,
        (false, _) => coordinator(&options).await,
    }
}

/// Start the portal and Redis when not given, run the workers, sum up their lines.
async fn coordinator(options: &Options) -> Result<(), Failure> {
    let mut redis = None;
    let redis_url = match std::env::var("REDIS_URL") {
        Ok(url) => url,
        Err(_) => {
            let server = RedisServer::start().await?;
            let url = server.url();
            eprintln!("REDIS_URL is not set; started redis-server at {url}");
            redis = Some(server);
            url
        }
    };
    if let Some(seconds) = options.oauth {
        return oauth_coordinator(options, &redis_url, seconds).await;
    }
    let mut portal = None;
    let webhook = match std::env::var("BITRIX24_WEBHOOK_URL") {
        Ok(url) => {
            // The URL holds the webhook code: never print it.
            eprintln!("using the portal of BITRIX24_WEBHOOK_URL");
            url
        }
        Err(_) => {
            let started = TestPortal::start_with(PortalConfig::default()).await?;
            eprintln!(
                "BITRIX24_WEBHOOK_URL is not set; using the test portal at {} (standard bucket: 50, 2/s)",
                started.base_url()
            );
            let url = started.webhook_url();
            portal = Some(started);
            url
        }
    };
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let children = (0..options.workers)
        .map(|_| {
            Command::new(&exe)
                .args(["--worker", "--calls", &options.calls.to_string()])
                .args(["--limiter", &options.limiter])
                .args(
                    options
                        .concurrency
                        .map(|k| vec!["--concurrency".to_owned(), k.to_string()])
                        .unwrap_or_default(),
                )
                .env("REDIS_URL", &redis_url)
                .env("BITRIX24_WEBHOOK_URL", &webhook)
                .stdout(Stdio::piped())
                .spawn()
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Redis going away mid-run: the calls not yet given a slot fail, unsent.
    let stopper = match (options.stop_redis_after, redis.take()) {
        (Some(after), Some(server)) => Some(tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs_f64(after)).await;
            eprintln!("stopping redis-server {after} s into the run");
            server.stop().await
        })),
        (Some(_), None) => return Err("--stop-redis-after needs REDIS_URL unset".into()),
        (None, server) => {
            redis = server;
            None
        }
    };
    let (calls, failed, mut refused) = collect(children).await?;
    if let Some(stopper) = stopper {
        stopper.await??;
    }
    let wall = start.elapsed().as_secs_f64();
    if let Some(portal) = &portal {
        let stats = portal.stats();
        refused = stats.query_limit_exceeded as usize;
        let floor = (calls as f64 - 50.0).max(0.0) / 2.0;
        println!(
            "the bucket's floor for {calls} requests: {floor:.1} s; wall / floor: {:.3}",
            if floor > 0.0 { wall / floor } else { 0.0 }
        );
    }
    drop(redis);
    println!("calls {calls}, failed {failed}, rate-limit refusals {refused}, wall {wall:.1} s");
    Ok(())
}

/// Wait for the workers and add up their lines `calls C, failed F, refused R`.
async fn collect(children: Vec<std::process::Child>) -> Result<(usize, usize, usize), Failure> {
    let (mut calls, mut failed, mut refused) = (0, 0, 0);
    for child in children {
        let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await??;
        let text = String::from_utf8_lossy(&output.stdout);
        let numbers: Vec<usize> = text
            .split_whitespace()
            .filter_map(|word| word.trim_end_matches(',').parse().ok())
            .collect();
        match numbers.as_slice() {
            [c, f, r] if output.status.success() => {
                calls += c;
                failed += f;
                refused += r;
            }
            _ => return Err(format!("a worker failed ({}): {text}", output.status).into()),
        }
    }
    Ok((calls, failed, refused))
}

/// The OAuth case: install the app on the test portal (tokens expiring every 2 s) with the
/// pair in Redis, run the workers, report the portal's refreshes.
async fn oauth_coordinator(
    options: &Options,
    redis_url: &str,
    seconds: u64,
) -> Result<(), Failure> {
    if std::env::var_os("BITRIX24_WEBHOOK_URL").is_some() {
        return Err(
            "--oauth runs against the test portal only (unset BITRIX24_WEBHOOK_URL)".into(),
        );
    }
    let portal = TestPortal::start_with(PortalConfig {
        access_token_ttl: Duration::from_secs(2),
        ..PortalConfig::unlimited()
    })
    .await?;
    eprintln!(
        "the test portal at {} issues access tokens for 2 s, no rate limit",
        portal.base_url()
    );
    let app = OAuthApp::new(portal.client_id(), portal.client_secret())
        .with_token_url(&portal.token_url())?;
    let store = RedisTokenStore::new(
        bitrix24_redis::connect(redis_url).await?,
        PortalKeys::new(&portal.member_id()),
    );
    Client::builder(Auth::oauth(app, store))
        .build()?
        .exchange_code(&portal.issue_authorization_code())
        .await?;
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let children = (0..options.workers)
        .map(|_| {
            Command::new(&exe)
                .args(["--worker", "--calls", &options.calls.to_string()])
                .args(["--oauth", &seconds.to_string()])
                .args(["--limiter", &options.limiter])
                .env("REDIS_URL", redis_url)
                .env("B24_CLIENT_ID", portal.client_id())
                .env("B24_CLIENT_SECRET", portal.client_secret())
                .env("B24_TOKEN_URL", portal.token_url())
                .env("B24_MEMBER_ID", portal.member_id())
                .stdout(Stdio::piped())
                .spawn()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (calls, failed, _) = collect(children).await?;
    let wall = start.elapsed().as_secs_f64();
    let stats = portal.stats();
    println!(
        "token refreshes {}, spent refresh tokens presented again {}, access-token lifetimes {:.0}",
        stats.token_refreshes,
        stats.refresh_token_reuses,
        wall / 2.0
    );
    println!(
        "calls {calls}, failed {failed}, rate-limit refusals {}, wall {wall:.1} s",
        stats.query_limit_exceeded
    );
    Ok(())
}

/// One OAuth worker: `--calls` callers calling for `seconds`, the pair in Redis.
async fn oauth_worker(options: &Options, seconds: u64) -> Result<(), Failure> {
    let app = OAuthApp::new(
        std::env::var("B24_CLIENT_ID")?,
        std::env::var("B24_CLIENT_SECRET")?,
    )
    .with_token_url(&std::env::var("B24_TOKEN_URL")?)?;
    let connection = bitrix24_redis::connect(&std::env::var("REDIS_URL")?)
        .await
        .map_err(|err| format!("Redis (REDIS_URL) did not answer: {:?}", err.kind()))?;
    let store = RedisTokenStore::new(
        connection,
        PortalKeys::new(&std::env::var("B24_MEMBER_ID")?),
    );
    let auth = if options.limiter == "memory" {
        // The comparison: each process with its own copy of the pair, as without Redis.
        let tokens = store.load().await?.ok_or("no tokens in Redis")?;
        Auth::oauth(app, MemoryTokenStore::with_tokens(tokens))
    } else {
        Auth::oauth(app, store)
    };
    let client = Client::builder(auth)
        .rate_limit(None)
        .retry(RetryPolicy::NONE)
        .build()?;
    let until = Instant::now() + Duration::from_secs(seconds);
    let callers: Vec<_> = (0..options.calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let (mut calls, mut failed) = (0, 0);
                while Instant::now() < until {
                    let reply = client
                        .call_raw("profile", serde_json::json!({}), CallKind::Read)
                        .await;
                    calls += 1;
                    if let Err(err) = reply {
                        failed += 1;
                        // The first failure of the process is enough to tell why.
                        if !REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                            eprintln!("worker {}: {err}", std::process::id());
                        }
                    }
                    // A caller calls about 20 times a second, not flat out.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                (calls, failed)
            })
        })
        .collect();
    let (mut calls, mut failed) = (0, 0);
    for caller in callers {
        let (c, f) = caller.await?;
        calls += c;
        failed += f;
    }
    println!("calls {calls}, failed {failed}, refused 0");
    Ok(())
}

/// One worker process: `--calls` calls at once, then one line `calls C failed F refused R`.
async fn worker(options: &Options) -> Result<(), Failure> {
    let url = std::env::var("BITRIX24_WEBHOOK_URL")?;
    let webhook = Webhook::parse(&url)?;
    let limiter: Arc<dyn Limiter> = if options.limiter == "redis" {
        // The URL may hold a password: the error names the failure only.
        let connection = bitrix24_redis::connect(&std::env::var("REDIS_URL")?)
            .await
            .map_err(|err| format!("Redis (REDIS_URL) did not answer: {:?}", err.kind()))?;
        // The portal's bucket is keyed by its host: every process of every application
        // on this Redis that calls this portal shares it.
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("portal");
        Arc::new(RedisLimiter::new(
            connection,
            PortalKeys::new(host),
            BucketConfig::STANDARD,
        ))
    } else {
        Arc::new(MemoryLimiter::new(BucketConfig::STANDARD))
    };
    let client = Client::builder(Auth::Webhook(webhook))
        .limiter(limiter)
        .retry(RetryPolicy::NONE)
        .build()?;
    // At most `--concurrency` calls at a time (default: all at once).
    let permits = Arc::new(tokio::sync::Semaphore::new(
        options.concurrency.unwrap_or(options.calls).max(1),
    ));
    let calls: Vec<_> = (0..options.calls)
        .map(|_| {
            let (client, permits) = (client.clone(), Arc::clone(&permits));
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                client
                    .call_raw("server.time", serde_json::json!({}), CallKind::Read)
                    .await
            })
        })
        .collect();
    let (mut failed, mut refused) = (0, 0);
    for call in calls {
        if let Err(err) = call.await? {
            failed += 1;
            if err.api_code() == Some(&ApiErrorCode::QueryLimitExceeded) {
                refused += 1;
            } else if failed == 1 {
                eprintln!("worker {}: {err}", std::process::id());
            }
        }
    }
    println!(
        "calls {}, failed {failed}, refused {refused}",
        options.calls
    );
    Ok(())
}
