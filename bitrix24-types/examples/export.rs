//! Export every deal (`crm.deal.list`) as JSON lines, at the rate limit's floor.
//!
//! ```text
//! cargo run --example export                      # JSON lines to stdout
//! cargo run --example export -- --out deals.jsonl # to a file
//! cargo run --example export -- --deals 200000    # size of the test portal's list
//! cargo run --example export -- --from 41250      # resume after this ID
//! ```
//!
//! Uses the incoming webhook in `BITRIX24_WEBHOOK_URL` when it is set
//! (`https://PORTAL/rest/USER_ID/CODE/`); otherwise starts the built-in test portal on
//! 127.0.0.1 with seeded deals. A progress bar goes to stderr, and last a line with the
//! records written, the HTTP requests made and the seconds taken.
//!
//! Each line is a record as the portal sent it: the record's own JSON text, passed
//! through (`RawRecord`, a range of the reply's body) without being parsed into a map and
//! written out again, which cost most of the client's CPU, nor copied out of the reply. The typed `Deal` of the bindings would decode it as well
//! (the `decode` benchmark does), but serialising a `Deal` writes what a request may set,
//! without the read-only fields (ID, dates) an export must keep.
//!
//! With a webhook URL the last line also gives the client's CPU time (user + sys of this
//! process), read from `/proc/self/stat` where there is one: run against the test portal
//! served by another process (`cargo run --release -p bitrix24-testkit --example serve`),
//! that is the client's alone.

use std::io::{BufWriter, IoSlice, Write};
use std::time::Instant;

use bitrix24_testkit::TestPortal;
use bitrix24_types::export::{Cursor, ExportOptions};
use bitrix24_types::{Client, RawRecord, bitrix_method};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

/// `crm.deal.list`, each record kept as the JSON text the portal sent.
#[bitrix_method(
    "crm.deal.list",
    scope = "crm",
    kind = read,
    response = Vec<RawRecord>,
    list(record = RawRecord, records = result, id = "ID", fast_path)
)]
#[derive(Debug, Default, serde::Serialize)]
struct DealRecords {
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<i64>,
}

/// The command line: `--out FILE`, `--deals N` (test portal only), `--from ID`.
struct Args {
    out: Option<String>,
    deals: usize,
    from: Option<u64>,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        out: None,
        deals: 20_000,
        from: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--out" => args.out = Some(value("--out")?),
            "--deals" => {
                args.deals = value("--deals")?
                    .parse()
                    .map_err(|_| "--deals takes a number")?;
            }
            "--from" => {
                args.from = Some(value("--from")?.parse().map_err(|_| "--from takes an ID")?);
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}`; use --out FILE, --deals N, --from ID"
                ));
            }
        }
    }
    Ok(args)
}

// One thread: the export waits on the portal, and its one decoding pass per reply needs no
// second worker. On the multi-threaded runtime, handing work between the two threads cost
// CPU (mostly system time) and saved no wall time: for 100,000 deals from the test portal
// served by another process, a median of 0.21 s of CPU against 0.17 s here (ten runs
// each, taken in turn), 0.44-0.57 s wall against 0.45-0.53 s.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    // Keep the test portal alive for the whole run (dropping it stops the server).
    let mut _portal = None;
    let client = match std::env::var("BITRIX24_WEBHOOK_URL") {
        Ok(url) => {
            // The URL holds the webhook code: never print it.
            eprintln!("using the portal of BITRIX24_WEBHOOK_URL");
            Client::webhook(&url)?
        }
        Err(_) => {
            let portal = TestPortal::start().await?;
            portal.seed_deals(args.deals);
            eprintln!(
                "BITRIX24_WEBHOOK_URL is not set; using the test portal at {} with {} deals",
                portal.base_url(),
                args.deals
            );
            let client = Client::webhook(&portal.webhook_url())?;
            _portal = Some(portal);
            client
        }
    };

    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let started = Instant::now();
    let options = ExportOptions {
        from: args.from.map(Cursor::AfterId),
        // One count in the first call, for the progress bar's length.
        count: true,
        ..ExportOptions::default()
    };
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {pos}/{len} deals [{bar:40}] {per_sec} eta {eta}",
    )?);
    let (mut records, mut requests) = (0u64, 0u64);
    // Every deal up to this ID is written: where a stopped run resumes.
    let mut written_up_to = args.from.unwrap_or(0);
    let mut export = client.export(&DealRecords::default(), options);
    while let Some(chunk) = export.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(err) => {
                bar.abandon();
                eprintln!("export stopped: {err}");
                eprintln!("{records} written; resume with --from {written_up_to}");
                return Err(err.into());
            }
        };
        if let Some(total) = chunk.total {
            bar.set_length(total);
        }
        write_lines(&mut out, &chunk.records)?;
        records += chunk.records.len() as u64;
        requests += chunk.requests;
        bar.inc(chunk.records.len() as u64);
        if let Cursor::AfterId(id) = chunk.cursor {
            written_up_to = id;
        }
    }
    out.flush()?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{records} records, {requests} HTTP requests, {seconds:.2} s, {:.0} records/s",
        records as f64 / seconds
    );
    if let Some(cpu) = process_cpu_seconds() {
        // With the built-in portal, its work is in this process too.
        let whose = if _portal.is_some() {
            "client and built-in test portal"
        } else {
            "client"
        };
        eprintln!("CPU (user + sys) of the {whose}: {cpu:.2} s");
    }
    Ok(())
}

/// Write each record and a newline straight from the replies' bodies: vectored writes of
/// many records at once (a large one passes `BufWriter`'s buffer by), rather than copying
/// each record into the buffer and writing it out 8 KB at a time.
fn write_lines(out: &mut dyn Write, records: &[RawRecord]) -> std::io::Result<()> {
    // A record and its newline are two slices; Linux takes at most 1,024 in one call.
    const AT_ONCE: usize = 512;
    let mut slices = Vec::with_capacity(2 * AT_ONCE.min(records.len()));
    for group in records.chunks(AT_ONCE) {
        slices.clear();
        for record in group {
            slices.push(IoSlice::new(record.get().as_bytes()));
            slices.push(IoSlice::new(b"\n"));
        }
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            let written = out.write_vectored(rest)?;
            if written == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            IoSlice::advance_slices(&mut rest, written);
        }
    }
    Ok(())
}

/// This process's CPU time so far (user + sys), on Linux.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: count fields after its closing `)`.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second
    // on Linux, which std does not expose without libc).
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
