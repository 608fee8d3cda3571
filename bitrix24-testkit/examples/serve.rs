//! Serve the test portal from its own process, so that a client's CPU can be measured
//! apart from the portal's (`/usr/bin/time` on the client alone).
//!
//! ```text
//! cargo run --release -p bitrix24-testkit --example serve -- 100000 50
//! ```
//!
//! Seeds that many deals (default 100,000), with the standard bucket (50 at once, 2 per
//! second) and that many milliseconds of latency per request (default 50); prints the
//! webhook URL on stdout, then serves until its standard input closes.

use std::io::{BufRead, Write};
use std::time::Duration;

use bitrix24_testkit::{PortalConfig, TestPortal};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let deals: usize = args.next().map_or(Ok(100_000), |n| n.parse())?;
    let latency: u64 = args.next().map_or(Ok(50), |ms| ms.parse())?;
    let portal = TestPortal::start_with(PortalConfig {
        latency: Duration::from_millis(latency),
        ..PortalConfig::default()
    })
    .await?;
    portal.seed_deals(deals);
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", portal.webhook_url())?;
    stdout.flush()?;
    drop(stdout);
    // Serve until the caller closes our standard input.
    tokio::task::spawn_blocking(|| for _ in std::io::stdin().lock().lines() {}).await?;
    let stats = portal.stats();
    eprintln!(
        "portal: {} HTTP requests, {} QUERY_LIMIT_EXCEEDED",
        stats.http_requests, stats.query_limit_exceeded
    );
    Ok(())
}
