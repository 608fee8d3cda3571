//! Export, bulk get and bulk add against the test portal with the standard leaky bucket
//! (50 at once, draining 2 per second) and 50 ms of latency per request, next to the floor
//! the limits set.
//!
//! `cargo bench -p bitrix24-types --bench export` prints one row per case:
//! HTTP requests made, `QUERY_LIMIT_EXCEEDED` (503) replies received, wall time, and the
//! floor: `ceil(records / 2,500)` requests for an export, `ceil(n / 50)` for get and add;
//! the time the bucket needs for those requests (the first 50 at once, then 2 per second)
//! plus one request's latency. Seeding the portal is not timed.

// crm.deal.* is deprecated upstream in favour of crm.item.*; it is still the best-known API.
#![allow(deprecated)]

use std::time::{Duration, Instant};

use bitrix24_testkit::{BucketConfig, PortalConfig, TestPortal};
use bitrix24_types::Client;
use bitrix24_types::bulk::BulkOptions;
use bitrix24_types::crm::{CrmDealAdd, CrmDealGet, CrmDealList, Deal};
use bitrix24_types::export::ExportOptions;
use futures_util::StreamExt;

const LATENCY: Duration = Duration::from_millis(50);
const BUCKET: BucketConfig = BucketConfig::STANDARD;
const RECORDS_PER_REQUEST: u64 = 2_500;
const COMMANDS_PER_REQUEST: u64 = 50;
/// Runs of a case that takes under a second.
const RUNS: usize = 5;

/// What one case did.
struct Row {
    case: String,
    records: u64,
    requests: u64,
    floor_requests: u64,
    rejected: u64,
    wall: Duration,
}

impl Row {
    /// The bucket's time for the floor's requests, plus one request's latency.
    fn floor_time(&self) -> Duration {
        let capacity = u64::from(BUCKET.capacity);
        let paced = self.floor_requests.saturating_sub(capacity) as f64 / BUCKET.drain_per_second;
        Duration::from_secs_f64(paced) + LATENCY
    }

    /// Whether the bucket, not latency and work, sets the floor.
    fn bucket_binds(&self) -> bool {
        self.floor_requests > u64::from(BUCKET.capacity)
    }
}

async fn portal(deals: usize) -> (TestPortal, Client) {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(BUCKET),
        latency: LATENCY,
        ..PortalConfig::default()
    })
    .await
    .expect("the test portal starts");
    portal.seed_deals(deals);
    // `SAFETY_MS=N` runs the cases with a limiter margin of N ms instead of the default
    // (`ratelimit::DEFAULT_SAFETY`): how the default was measured.
    let client = match std::env::var("SAFETY_MS") {
        Ok(ms) => {
            let ms: u64 = ms.parse().expect("SAFETY_MS is a number of milliseconds");
            let auth = bitrix24_types::Auth::Webhook(
                bitrix24_types::auth::Webhook::parse(&portal.webhook_url())
                    .expect("the test portal's webhook URL"),
            );
            Client::builder(auth)
                .rate_limiter(bitrix24_types::ratelimit::MemoryLimiter::with_safety(
                    bitrix24_types::ratelimit::BucketConfig::STANDARD,
                    Duration::from_millis(ms),
                ))
                .build()
                .expect("a webhook client")
        }
        Err(_) => Client::webhook(&portal.webhook_url()).expect("a webhook client"),
    };
    (portal, client)
}

async fn export(client: &Client) -> u64 {
    let mut records = 0;
    let mut chunks = client.export(&CrmDealList::default(), ExportOptions::default());
    while let Some(chunk) = chunks.next().await {
        records += chunk.expect("an export chunk").records.len() as u64;
    }
    records
}

/// Get and add send every batch call at once: the bucket admits its capacity (50) in a
/// burst, so 40 calls need not queue behind each other (the default is 16 at once).
fn bulk_options() -> BulkOptions {
    BulkOptions {
        concurrency: BUCKET.capacity as usize,
    }
}

async fn get(client: &Client, ids: &[u64]) -> u64 {
    let deals = client
        .get_many(ids, CrmDealGet::new, bulk_options())
        .await
        .expect("gets are sent");
    deals.iter().filter(|deal| deal.is_ok()).count() as u64
}

async fn add(client: &Client, n: usize) -> u64 {
    let adds: Vec<CrmDealAdd> = (0..n)
        .map(|i| CrmDealAdd {
            fields: Deal {
                title: Some(format!("Benchmark deal {i}")),
                stage_id: Some("NEW".into()),
                opportunity: Some(format!("{}.50", i * 10).parse().expect("a decimal")),
                ..Deal::default()
            },
            params: None,
        })
        .collect();
    let ids = client
        .call_many(&adds, bulk_options())
        .await
        .expect("adds are sent");
    ids.iter().filter(|id| id.is_ok()).count() as u64
}

fn row(case: &str, portal: &TestPortal, records: u64, floor: u64, wall: Duration) -> Row {
    let stats = portal.stats();
    Row {
        case: case.to_owned(),
        records,
        requests: stats.http_requests,
        floor_requests: floor,
        rejected: stats.query_limit_exceeded,
        wall,
    }
}

async fn export_case(deals: usize) -> Row {
    let (portal, client) = portal(deals).await;
    let started = Instant::now();
    let records = export(&client).await;
    let wall = started.elapsed();
    assert_eq!(records, deals as u64, "every deal exported");
    let floor = (deals as u64).div_ceil(RECORDS_PER_REQUEST);
    row(
        &format!("export {deals} deals"),
        &portal,
        records,
        floor,
        wall,
    )
}

async fn get_case(n: usize) -> Row {
    let (portal, client) = portal(n).await;
    let ids: Vec<u64> = (1..=n as u64).collect();
    let started = Instant::now();
    let records = get(&client, &ids).await;
    let wall = started.elapsed();
    assert_eq!(records, n as u64, "every deal read");
    let floor = (n as u64).div_ceil(COMMANDS_PER_REQUEST);
    row(&format!("get {n} IDs"), &portal, records, floor, wall)
}

async fn add_case(n: usize) -> Row {
    let (portal, client) = portal(0).await;
    let started = Instant::now();
    let records = add(&client, n).await;
    let wall = started.elapsed();
    assert_eq!(records, n as u64, "every deal added");
    let floor = (n as u64).div_ceil(COMMANDS_PER_REQUEST);
    row(&format!("add {n} deals"), &portal, records, floor, wall)
}

/// Where the bucket does not bind, a run is a fraction of a second of CPU work on two
/// shared cores, and one run's figure is at the mercy of whatever else runs: the median of
/// `runs` runs, each on a fresh portal, with the spread in the case's name.
async fn median_of<F, Fut>(runs: usize, mut case: F) -> Row
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Row>,
{
    let mut rows = Vec::with_capacity(runs);
    for _ in 0..runs {
        rows.push(case().await);
    }
    rows.sort_by_key(|row| row.wall);
    let (fastest, slowest) = (rows[0].wall, rows[runs - 1].wall);
    let mut median = rows.swap_remove(runs / 2);
    median.case = format!(
        "{}, median of {runs} ({:.2}-{:.2} s)",
        median.case,
        fastest.as_secs_f64(),
        slowest.as_secs_f64()
    );
    median
}

async fn back_to_back(deals: usize, n: usize) -> Row {
    let (portal, client) = portal(deals).await;
    let ids: Vec<u64> = (1..=n as u64).collect();
    let started = Instant::now();
    let exported = export(&client).await;
    let read = get(&client, &ids).await;
    let added = add(&client, n).await;
    let wall = started.elapsed();
    assert_eq!((exported, read, added), (deals as u64, n as u64, n as u64));
    let floor = (deals as u64).div_ceil(RECORDS_PER_REQUEST)
        + 2 * (n as u64).div_ceil(COMMANDS_PER_REQUEST);
    let case = format!("export {deals} + get {n} + add {n}, one client");
    row(&case, &portal, exported + read + added, floor, wall)
}

#[tokio::main]
async fn main() {
    // `cargo bench -p bitrix24-types --bench export -- NAME` runs the cases whose key
    // contains NAME (`export-100k`, `export-200k`, `get`, `add`, `back-to-back`); cargo's
    // own `--bench` flag is skipped.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let wanted = |key: &str| filters.is_empty() || filters.iter().any(|f| key.contains(f.as_str()));
    let mut rows = Vec::new();
    if wanted("export-100k") {
        rows.push(median_of(RUNS, || export_case(100_000)).await);
    }
    if wanted("export-200k") {
        rows.push(export_case(200_000).await);
    }
    if wanted("get") {
        rows.push(get_case(2_000).await);
    }
    if wanted("add") {
        rows.push(add_case(2_000).await);
    }
    if wanted("back-to-back") {
        rows.push(back_to_back(100_000, 2_000).await);
    }
    println!(
        "| case | records | HTTP requests (floor) | 503s | wall s | floor s | wall / floor | records/s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let wall = row.wall.as_secs_f64();
        let floor = row.floor_time().as_secs_f64();
        println!(
            "| {} | {} | {} ({}) | {} | {:.2} | {:.2} | {:.2}{} | {:.0} |",
            row.case,
            row.records,
            row.requests,
            row.floor_requests,
            row.rejected,
            wall,
            floor,
            wall / floor,
            if row.bucket_binds() {
                " (bucket binds)"
            } else {
                ""
            },
            row.records as f64 / wall,
        );
    }
}
