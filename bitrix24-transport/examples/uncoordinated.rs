//! Three clients in separate processes, 60 calls each at once, against one test portal
//! with the standard bucket (50, draining 2/s), all with the default settings: how many
//! calls fail, how many requests the portal refused, how long it took.
//!
//! ```text
//! cargo run -p bitrix24-transport --example uncoordinated
//! ```
//!
//! The process started without arguments runs the portal and starts three copies of
//! itself with `--client WEBHOOK_URL`; each prints one line `failed=N ok=M` and exits.
//! With `RUST_LOG` set (`RUST_LOG=bitrix24_transport=info`), the clients print their
//! `tracing` output (calls, retries, rate-limit waits) to stderr.

use std::process::{Command, Stdio};
use std::time::Instant;

use bitrix24_testkit::{BucketConfig, PortalConfig, TestPortal};
use bitrix24_transport::CallKind;
use bitrix24_transport::client::Client;
use serde_json::json;

const CLIENTS: usize = 3;
const CALLS: usize = 60;

#[tokio::main]
async fn main() {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--client") => client(args.get(2).expect("--client WEBHOOK_URL")).await,
        _ => portal().await,
    }
}

/// One client process: 60 calls at once, then one line of counts.
async fn client(url: &str) {
    let client = Client::webhook(url).expect("a webhook client");
    let calls: Vec<_> = (0..CALLS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call_raw("crm.deal.get", json!({"id": 1}), CallKind::Read)
                    .await
            })
        })
        .collect();
    let (mut ok, mut failed) = (0, 0);
    for call in calls {
        match call.await.expect("the call task") {
            Ok(_) => ok += 1,
            Err(err) => {
                failed += 1;
                eprintln!("{err}");
            }
        }
    }
    println!("failed={failed} ok={ok}");
}

/// The portal process: start the portal and the client processes, add up their counts.
async fn portal() {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: Some(BucketConfig::STANDARD),
        ..PortalConfig::default()
    })
    .await
    .expect("the test portal");
    portal.seed_deals(1);
    let exe = std::env::current_exe().expect("this example's path");
    let start = Instant::now();
    let children: Vec<_> = (0..CLIENTS)
        .map(|_| {
            Command::new(&exe)
                .arg("--client")
                .arg(portal.webhook_url())
                .stdout(Stdio::piped())
                .spawn()
                .expect("a client process")
        })
        .collect();
    // Wait on a blocking thread: the portal keeps serving on this runtime meanwhile.
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().expect("the client's output"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("the waiting thread");
    let (mut ok, mut failed) = (0u32, 0u32);
    for output in outputs {
        let line = String::from_utf8_lossy(&output.stdout);
        for part in line.split_whitespace() {
            if let Some(n) = part.strip_prefix("failed=") {
                failed += n.parse::<u32>().unwrap_or(0);
            } else if let Some(n) = part.strip_prefix("ok=") {
                ok += n.parse::<u32>().unwrap_or(0);
            }
        }
    }
    let stats = portal.stats();
    println!(
        "{CLIENTS} processes x {CALLS} calls: {ok} ok, {failed} failed; the portal got {} \
         requests and refused {} (QUERY_LIMIT_EXCEEDED); {:.1} s",
        stats.http_requests,
        stats.query_limit_exceeded,
        start.elapsed().as_secs_f64()
    );
}
