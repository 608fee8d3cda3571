//! Whole-list export against the test portal: every record exactly once at the request
//! floor, resuming from a cursor, records added and deleted meanwhile, the counted
//! fallback, and the caller's filter and select.

mod list_support;

use std::collections::{BTreeMap, BTreeSet};

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::export::{Cursor, ExportChunk, ExportOptions};
use bitrix24_transport::{Client, Error};
use futures_util::StreamExt;
use list_support::{CountedDealList, DealList, Row, counts, portal_and_client};
use serde_json::json;

/// Every chunk of an export (panics on an error).
async fn export_all<M>(
    client: &Client,
    request: &M,
    options: ExportOptions,
) -> Vec<ExportChunk<Row>>
where
    M: bitrix24_transport::ListMethod<Record = Row> + 'static,
{
    client
        .export(request, options)
        .map(|chunk| chunk.expect("an export chunk"))
        .collect()
        .await
}

fn ids(chunks: &[ExportChunk<Row>]) -> Vec<u64> {
    chunks
        .iter()
        .flat_map(|chunk| chunk.records.iter().map(Row::id))
        .collect()
}

#[tokio::test]
async fn the_fast_export_reads_every_deal_once_at_the_request_floor() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(7_000);
    let chunks = export_all(&client, &DealList::default(), ExportOptions::default()).await;
    assert_eq!(
        ids(&chunks),
        (1..=7_000).collect::<Vec<u64>>(),
        "all, in ID order, once"
    );
    // 7,000 records at 2,500 per request: 3 `batch` calls of 50 list pages each.
    assert_eq!(counts(&portal), (3, 150));
    assert_eq!(portal.stats().calls_by_method.get("batch"), Some(&3));
    assert_eq!(chunks.iter().map(|c| c.requests).sum::<u64>(), 3);
    let cursors: Vec<Cursor> = chunks.iter().map(|c| c.cursor).collect();
    assert_eq!(cursors.last(), Some(&Cursor::AfterId(7_000)));
    assert!(cursors.windows(2).all(|w| match (w[0], w[1]) {
        (Cursor::AfterId(a), Cursor::AfterId(b)) => a < b,
        _ => false,
    }));
    assert!(
        chunks.iter().all(|c| c.total.is_none()),
        "not counted unless asked"
    );

    // An exact multiple of 2,500 needs one more call to see the end.
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(5_000);
    let chunks = export_all(&client, &DealList::default(), ExportOptions::default()).await;
    assert_eq!(ids(&chunks), (1..=5_000).collect::<Vec<u64>>());
    assert_eq!(counts(&portal).0, 3);

    // An empty list: one call, no record.
    let (portal, client) = portal_and_client().await;
    let chunks = export_all(&client, &DealList::default(), ExportOptions::default()).await;
    assert_eq!((ids(&chunks).len(), counts(&portal).0), (0, 1));
    assert_eq!(chunks[0].cursor, Cursor::AfterId(0));
}

#[tokio::test]
async fn the_rate_limited_export_never_meets_the_limit() {
    let portal = TestPortal::start_with(PortalConfig::default())
        .await
        .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    portal.seed_deals(12_000);
    let options = ExportOptions {
        concurrency: 8,
        count: true,
        ..ExportOptions::default()
    };
    let chunks = export_all(&client, &DealList::default(), options).await;
    assert_eq!(ids(&chunks), (1..=12_000).collect::<Vec<u64>>());
    assert!(chunks.iter().all(|c| c.total == Some(12_000)));
    let stats = portal.stats();
    assert_eq!((stats.http_requests, stats.query_limit_exceeded), (5, 0));
}

#[tokio::test]
async fn an_export_resumes_from_its_cursor() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(6_000);
    let mut export = client.export(&DealList::default(), ExportOptions::default());
    let first = export.next().await.unwrap().unwrap();
    drop(export); // stopped after one chunk, e.g. a crash
    let Cursor::AfterId(cursor) = first.cursor else {
        panic!("the fast path reports an ID cursor");
    };
    assert_eq!(first.records.last().map(Row::id), Some(cursor));
    let options = ExportOptions {
        from: Some(first.cursor),
        ..ExportOptions::default()
    };
    let rest = export_all(&client, &DealList::default(), options).await;
    let mut all: Vec<u64> = first.records.iter().map(Row::id).collect();
    all.extend(ids(&rest));
    assert_eq!(all, (1..=6_000).collect::<Vec<u64>>());

    // A cursor of the other kind is refused before anything is sent.
    let before = counts(&portal).0;
    let wrong = ExportOptions {
        from: Some(Cursor::Offset(50)),
        ..ExportOptions::default()
    };
    let mut export = client.export(&DealList::default(), wrong);
    assert!(matches!(
        export.next().await,
        Some(Err(Error::Encode { .. }))
    ));
    assert!(export.next().await.is_none());
    assert_eq!(counts(&portal).0, before);
}

/// Delete and add deals between chunks; the export must deliver each ID at most once,
/// never one deleted before it was read, and (reading one window at a time) every deal
/// alive at the end.
async fn export_while_changing(concurrency: usize) {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(12_000);
    let initial: BTreeSet<u64> = (1..=12_000).collect();
    let mut added: BTreeSet<u64> = BTreeSet::new();
    let mut deleted_unread: BTreeSet<u64> = BTreeSet::new();
    let mut delivered: Vec<u64> = Vec::new();
    let options = ExportOptions {
        concurrency,
        ..ExportOptions::default()
    };
    let mut export = client.export(&DealList::default(), options);
    let mut round = 0u64;
    let mut alive = initial.clone();
    let mut alive_at_last_chunk = BTreeSet::new();
    while let Some(chunk) = export.next().await {
        let chunk = chunk.unwrap();
        alive_at_last_chunk = alive.clone();
        delivered.extend(chunk.records.iter().map(Row::id));
        let Cursor::AfterId(cursor) = chunk.cursor else {
            panic!("an ID cursor");
        };
        round += 1;
        // Delete some read deals and some not read yet, in the next windows too.
        for id in [
            cursor.saturating_sub(7),
            cursor + 1,
            cursor + 2,
            cursor + 2_600 + round,
        ] {
            if portal.delete_deal(id) {
                alive.remove(&id);
                if id > cursor {
                    deleted_unread.insert(id);
                }
            }
        }
        // New deals get new, higher IDs.
        let before = portal.deal_count();
        portal.seed_deals(150);
        assert_eq!(portal.deal_count(), before + 150);
        assert_eq!(portal.deal_count(), alive.len() + 150);
        let last = added.last().copied().unwrap_or(12_000);
        added.extend(last + 1..=last + 150);
        alive.extend(last + 1..=last + 150);
    }
    let unique: BTreeSet<u64> = delivered.iter().copied().collect();
    assert_eq!(unique.len(), delivered.len(), "no ID twice");
    assert!(delivered.windows(2).all(|w| w[0] < w[1]), "ascending");
    let existed: BTreeSet<u64> = initial.union(&added).copied().collect();
    assert!(unique.is_subset(&existed));
    let survivors: BTreeSet<u64> = initial.intersection(&alive).copied().collect();
    assert!(
        survivors.is_subset(&unique),
        "every initial deal still there is read"
    );
    if concurrency == 1 {
        // Read one window after another, the export sees every change made before it
        // reads a range: nothing deleted before it was read, and everything alive when
        // the last chunk came, deals added meanwhile included.
        assert!(
            unique.is_disjoint(&deleted_unread),
            "nothing deleted before it was read"
        );
        assert_eq!(
            unique.intersection(&alive_at_last_chunk).count(),
            alive_at_last_chunk.len()
        );
        assert!(added.iter().any(|id| unique.contains(id)));
    }
    // With windows read ahead, a deal deleted after its window was fetched may still be
    // delivered: the guarantee is about what exists throughout the export.
}

#[tokio::test]
async fn deals_added_and_deleted_during_the_export_are_neither_lost_nor_repeated() {
    export_while_changing(1).await;
}

#[tokio::test]
async fn the_same_holds_with_windows_read_at_once() {
    export_while_changing(4).await;
}

#[tokio::test]
async fn the_callers_filter_and_select_are_kept() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(3_000);
    let request = DealList {
        select: Some(vec!["TITLE".into()]),
        filter: Some(BTreeMap::from([
            (">ID".to_owned(), json!(100)),
            ("<=ID".to_owned(), json!("2900")),
            ("%TITLE".to_owned(), json!("acme")),
        ])),
        // Replaced by the ID order.
        order: Some(BTreeMap::from([("TITLE".to_owned(), "DESC".to_owned())])),
        start: Some(1_000),
    };
    let chunks = export_all(&client, &request, ExportOptions::default()).await;
    let got = ids(&chunks);
    let expected: Vec<u64> = (101..=2_900)
        .filter(|id| {
            let deal = portal.deal(*id).unwrap();
            deal["TITLE"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("acme")
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    assert!(
        chunks
            .iter()
            .flat_map(|c| &c.records)
            .all(|r| r.title.is_some())
    );
    assert_eq!(counts(&portal).0, 1, "fewer than 2,450 matches: one call");
}

#[tokio::test]
async fn without_the_fast_path_the_export_reads_counted_pages() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(6_000);
    let request = CountedDealList(DealList {
        order: Some(BTreeMap::from([("ID".to_owned(), "DESC".to_owned())])),
        ..DealList::default()
    });
    let chunks = export_all(&client, &request, ExportOptions::default()).await;
    assert_eq!(
        ids(&chunks),
        (1..=6_000).rev().collect::<Vec<u64>>(),
        "the caller's order"
    );
    // The first call reads 50 pages and learns the total; 3,500 more take 50 + 20 pages.
    assert_eq!(counts(&portal), (3, 120));
    assert!(chunks.iter().all(|c| c.total == Some(6_000)));
    assert_eq!(chunks.last().unwrap().cursor, Cursor::Offset(6_000));
    assert_eq!(chunks[0].cursor, Cursor::Offset(2_500));

    let resumed = chunks_from(&client, &request, Cursor::Offset(2_500)).await;
    assert_eq!(ids(&resumed), (1..=3_500).rev().collect::<Vec<u64>>());
    let wrong = ExportOptions {
        from: Some(Cursor::AfterId(5)),
        ..ExportOptions::default()
    };
    let mut export = client.export(&request, wrong);
    assert!(matches!(
        export.next().await,
        Some(Err(Error::Encode { .. }))
    ));
}

async fn chunks_from(
    client: &Client,
    request: &CountedDealList,
    from: Cursor,
) -> Vec<ExportChunk<Row>> {
    let options = ExportOptions {
        from: Some(from),
        ..ExportOptions::default()
    };
    export_all(client, request, options).await
}

#[tokio::test]
async fn a_failed_call_ends_the_export_with_its_error_and_the_cursor_resumes() {
    let (portal, client) = portal_and_client().await;
    portal.seed_deals(8_000);
    let options = ExportOptions {
        concurrency: 1,
        ..ExportOptions::default()
    };
    let mut export = client.export(&DealList::default(), options);
    let first = export.next().await.unwrap().unwrap();
    portal.inject_for("batch", bitrix24_testkit::Fault::Overload);
    assert!(matches!(export.next().await, Some(Err(Error::Api(_)))));
    assert!(export.next().await.is_none());
    let options = ExportOptions {
        from: Some(first.cursor),
        ..ExportOptions::default()
    };
    let rest = export_all(&client, &DealList::default(), options).await;
    let mut all: Vec<u64> = first.records.iter().map(Row::id).collect();
    all.extend(ids(&rest));
    assert_eq!(all, (1..=8_000).collect::<Vec<u64>>());
}
