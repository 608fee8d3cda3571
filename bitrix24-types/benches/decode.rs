//! CPU per record of reading one `crm.deal.list` page of 50 realistic deals: into the typed
//! `Deal`, and into what the export example writes (JSON lines).
//!
//! `cargo bench -p bitrix24-types --bench decode` prints criterion's figures, each the
//! time of ONE record (a page's time divided by its 50 records), so `time: [.. 2.1 µs ..]`
//! reads as 2.1 µs per record.
//!
//! The page is the test portal's own rendering of 50 seeded deals (every standard field,
//! numbers and IDs as strings, dates with their offset), each with a few user fields
//! (`UF_CRM_*`) as real portals add them. It is decoded the way the transport does: split
//! into records (as the batch reply's one pass keeps a list page: each record's text, with
//! nothing parsed), then each record decoded on its own, or, passed through, its text
//! moved into a `Box<RawValue>` record (as the export kept it before `RawRecord`, a range of
//! the reply that is not copied at all).
//!
//! `typed Deal, serde derive + flatten` is the same `Deal` as the generator emitted it
//! before `LenientDeserialize` (`decode/serde_derive.rs`): the two side by side in one run,
//! on two cores that other builds share.

// crm.deal.* is deprecated upstream in favour of crm.item.*; it is still the best-known API.
#![allow(deprecated)]

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_types::crm::Deal;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::value::RawValue;
use serde_json::{Value, json};

// Not a bench target of its own: a module under the directory cargo does not scan.
#[path = "decode/serde_derive.rs"]
mod serde_derive;

const RECORDS: usize = 50;

/// The `result` of one page: a JSON list of 50 deals.
fn page() -> String {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let deals = runtime.block_on(async {
        let portal = TestPortal::start_with(PortalConfig::unlimited())
            .await
            .expect("the test portal starts");
        portal.seed_deals(RECORDS);
        portal.deals()
    });
    let deals: Vec<Value> = deals
        .into_iter()
        .enumerate()
        .map(|(i, mut deal)| {
            let fields = deal.as_object_mut().expect("a deal is an object");
            // User fields as portals send them: text, money, a list, a yes/no, a date.
            fields.insert(
                "UF_CRM_1700000001".into(),
                json!(format!("Source note {i}")),
            );
            fields.insert(
                "UF_CRM_1700000002".into(),
                json!(format!("{}.00|EUR", i * 100)),
            );
            fields.insert("UF_CRM_1700000003".into(), json!(["12", "14"]));
            fields.insert("UF_CRM_1700000004".into(), json!("1"));
            fields.insert(
                "UF_CRM_1700000005".into(),
                json!("2024-03-01T10:00:00+03:00"),
            );
            deal
        })
        .collect();
    assert_eq!(deals.len(), RECORDS);
    serde_json::to_string(&deals).expect("the page serialises")
}

/// The records of a page, still raw: as the batch reply's one pass keeps a list page.
fn split(page: &str) -> Vec<Box<RawValue>> {
    serde_json::from_str(page).expect("a list of records")
}

/// Run `per_page` over the page `iters` times; the time per record.
fn per_record(iters: u64, mut per_page: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..iters {
        per_page();
    }
    started.elapsed() / RECORDS as u32
}

fn decode(c: &mut Criterion) {
    let page = page();
    let sample: Deal = serde_json::from_str(split(&page)[7].get()).expect("a deal decodes");
    assert!(sample.id.is_some() && sample.date_create.is_some());
    assert_eq!(sample.extra.len(), 5, "the user fields land in `extra`");
    let before: serde_derive::Deal = serde_json::from_str(split(&page)[7].get()).expect("a deal");
    assert_eq!((before.id, &before.extra), (sample.id, &sample.extra));
    println!("a page of {RECORDS} deals: {} bytes", page.len());

    let mut group = c.benchmark_group("per record");
    group.bench_function("typed Deal", |b| {
        b.iter_custom(|iters| {
            per_record(iters, || {
                for record in split(black_box(&page)) {
                    let deal: Deal = serde_json::from_str(record.get()).expect("a deal");
                    black_box(deal);
                }
            })
        });
    });
    group.bench_function("typed Deal, serde derive + flatten", |b| {
        b.iter_custom(|iters| {
            per_record(iters, || {
                for record in split(black_box(&page)) {
                    let deal: serde_derive::Deal =
                        serde_json::from_str(record.get()).expect("a deal");
                    black_box(deal);
                }
            })
        });
    });
    let mut out = Vec::with_capacity(page.len() * 2);
    group.bench_function("JSON lines via Value", |b| {
        b.iter_custom(|iters| {
            per_record(iters, || {
                out.clear();
                for record in split(black_box(&page)) {
                    let deal: Value = serde_json::from_str(record.get()).expect("a deal");
                    serde_json::to_writer(&mut out, &deal).expect("written");
                    out.push(b'\n');
                }
                black_box(&out);
            })
        });
    });
    group.bench_function("JSON lines passed through", |b| {
        b.iter_custom(|iters| {
            per_record(iters, || {
                out.clear();
                for record in split(black_box(&page)) {
                    // A `Box<RawValue>` record (the export's before `RawRecord`): the text
                    // split off the reply, moved, not parsed again.
                    let deal: Box<RawValue> = record;
                    out.write_all(deal.get().as_bytes()).expect("written");
                    out.push(b'\n');
                }
                black_box(&out);
            })
        });
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
