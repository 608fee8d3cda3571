//! Lists whose records sit under a key, through the generated bindings, against the test
//! portal: `crm.item.list` (records under `items`, ID field `id`, the fast path) and the
//! classic `tasks.task.list` (records under `tasks` with `id`, filtered and ordered by
//! `ID`, paged by ID with counted pages: its docs give no `start=-1`). Each is read whole by `Client::export`, resumed from a
//! reported cursor, changed while it is read, and read page by page by `Client::list` /
//! `Client::stream`.
#![cfg(any(feature = "crm", feature = "task"))]

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_types::Client;

async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    (portal, client)
}

/// Records per `batch` call: 50 pages of 50.
const PER_CALL: u64 = 2_500;

/// Every ID exactly once, in the order read.
fn assert_once_each(ids: &[u64], expected: impl IntoIterator<Item = u64>) {
    let expected: Vec<u64> = expected.into_iter().collect();
    assert_eq!(ids.len(), expected.len(), "how many records");
    assert_eq!(ids, expected.as_slice());
}

#[cfg(feature = "crm")]
mod items {
    use std::collections::BTreeMap;

    use bitrix24_types::crm::{CrmItemAdd, CrmItemList, Item, ItemField};
    use bitrix24_types::export::{Cursor, ExportOptions};
    use bitrix24_types::query::{Filter, Select};
    use bitrix24_types::{ListMethod, Records};
    use futures_util::StreamExt;
    use serde_json::json;

    use super::{PER_CALL, assert_once_each, portal_and_client};

    /// A smart process (`entityTypeId` 128 and above).
    const SPA: u32 = 1036;

    fn request() -> CrmItemList {
        CrmItemList::new(i64::from(SPA))
    }

    #[test]
    fn the_binding_carries_the_keyed_list_facts() {
        let facts = (
            CrmItemList::RECORDS,
            CrmItemList::ID_FIELD,
            CrmItemList::FAST_PATH,
        );
        assert_eq!(facts, (Records::Key("items"), "id", true));
    }

    #[tokio::test]
    async fn items_are_exported_once_each_in_id_order_at_the_request_floor() {
        let (portal, client) = portal_and_client().await;
        portal.seed_items(SPA, 6_000);
        let options = ExportOptions {
            count: true,
            ..ExportOptions::default()
        };
        let mut export = client.export(&request(), options);
        let mut ids = Vec::new();
        let mut requests = 0;
        let mut last_cursor = None;
        while let Some(chunk) = export.next().await {
            let chunk = chunk.unwrap();
            assert_eq!(chunk.total, Some(6_000));
            for item in &chunk.records {
                assert!(item.title.is_some() && item.created_time.is_some());
                assert_eq!(item.entity_type_id, Some(i64::from(SPA)));
                ids.push(item.id.unwrap());
            }
            requests += chunk.requests;
            last_cursor = Some(chunk.cursor);
        }
        assert_once_each(&ids, 1..=6_000);
        assert_eq!(last_cursor, Some(Cursor::AfterId(6_000)));
        let http = portal.stats().http_requests;
        assert_eq!(http, requests, "every request is reported by a chunk");
        assert!(
            http <= 6_000u64.div_ceil(PER_CALL) + 1,
            "{http} requests for 6,000 items"
        );
        // Every list call went into a batch with the documented fast-path parameters.
        assert_eq!(portal.stats().calls_by_method["batch"], http);
    }

    #[tokio::test]
    async fn an_export_resumes_from_a_reported_cursor() {
        let (portal, client) = portal_and_client().await;
        portal.seed_items(SPA, 6_000);
        let options = ExportOptions {
            concurrency: 1,
            ..ExportOptions::default()
        };
        let mut export = client.export(&request(), options);
        let mut ids = Vec::new();
        let mut cursor = None;
        for _ in 0..2 {
            let chunk = export.next().await.unwrap().unwrap();
            ids.extend(chunk.records.iter().map(|item| item.id.unwrap()));
            cursor = Some(chunk.cursor);
        }
        drop(export); // the run stops here, with the cursor saved
        let Some(Cursor::AfterId(after)) = cursor else {
            panic!("an ID cursor: {cursor:?}")
        };
        assert_eq!(ids.last(), Some(&after));
        let resumed = client.export(
            &request(),
            ExportOptions {
                from: cursor,
                ..ExportOptions::default()
            },
        );
        let rest: Vec<u64> = resumed
            .flat_map(|chunk| {
                futures_util::stream::iter(
                    chunk.unwrap().records.into_iter().map(|i| i.id.unwrap()),
                )
            })
            .collect()
            .await;
        assert_eq!(rest.first(), Some(&(after + 1)));
        ids.extend(rest);
        assert_once_each(&ids, 1..=6_000);
    }

    #[tokio::test]
    async fn items_added_and_deleted_during_the_export_are_neither_lost_nor_repeated() {
        let (portal, client) = portal_and_client().await;
        portal.seed_items(SPA, 6_000);
        let options = ExportOptions {
            concurrency: 1,
            ..ExportOptions::default()
        };
        let mut export = client.export(&request(), options);
        let mut ids = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = export.next().await {
            let chunk = chunk.unwrap();
            ids.extend(chunk.records.iter().map(|item| item.id.unwrap()));
            chunks += 1;
            let Cursor::AfterId(cursor) = chunk.cursor else {
                panic!("an ID cursor")
            };
            match chunks {
                1 => {
                    assert!(cursor < 3_000);
                    // Behind the cursor (already delivered) and ahead of it.
                    assert!(portal.delete_item(SPA, 100));
                    for id in [3_000, 4_500, 5_999] {
                        assert!(portal.delete_item(SPA, id));
                    }
                    // Beyond the highest ID the export saw at its start.
                    portal.seed_items(SPA, 10);
                }
                2 => {
                    assert!(cursor < 5_500);
                    assert!(portal.delete_item(SPA, 5_500));
                    let added = client
                        .call(&CrmItemAdd::new(
                            i64::from(SPA),
                            Item {
                                title: Some("Added late".into()),
                                ..Item::default()
                            },
                        ))
                        .await
                        .unwrap();
                    assert_eq!(added.result.item.unwrap().id, Some(6_011));
                }
                _ => {}
            }
        }
        assert!(chunks >= 3, "{chunks} chunks");
        let expected = (1..=6_011).filter(|id| ![3_000, 4_500, 5_500, 5_999].contains(id));
        assert_once_each(&ids, expected);
    }

    #[tokio::test]
    async fn a_custom_filter_and_select_are_kept() {
        let (portal, client) = portal_and_client().await;
        portal.seed_items(SPA, 6_000);
        let stage = "DT1036_1:SUCCESS";
        let request = CrmItemList {
            select: Some(Select::new([ItemField::StageId])),
            filter: Some(
                Filter::new()
                    .in_(ItemField::StageId, [stage])
                    .gt(ItemField::Id, 1_000)
                    .le(ItemField::Id, "5000"),
            ),
            ..request()
        };
        let mut export = client.export(&request, ExportOptions::default());
        let mut ids = Vec::new();
        while let Some(chunk) = export.next().await {
            for item in chunk.unwrap().records {
                assert_eq!(item.stage_id.as_deref(), Some(stage));
                assert_eq!(item.title, None, "not selected");
                ids.push(item.id.expect("the export selects the ID field"));
            }
        }
        let expected: Vec<u64> = (1_001..=5_000)
            .filter(|id| portal.item(SPA, *id).unwrap()["stageId"] == stage)
            .collect();
        assert!(expected.len() > 50, "{} matching items", expected.len());
        assert_once_each(&ids, expected);
    }

    #[tokio::test]
    async fn list_and_stream_read_the_items_key() {
        let (portal, client) = portal_and_client().await;
        portal.seed_items(SPA, 120);
        let added = client
            .call(&CrmItemAdd::new(
                i64::from(SPA),
                Item {
                    title: Some("With a user field".into()),
                    opportunity: Some("1234.50".parse().unwrap()),
                    extra: BTreeMap::from([("ufCrm5_1721244707107".to_owned(), json!("blue"))]),
                    ..Item::default()
                },
            ))
            .await
            .unwrap()
            .result
            .item
            .unwrap();
        assert_eq!(added.id, Some(121));
        assert_eq!(added.extra["ufCrm5_1721244707107"], "blue");

        let page = client.list(&request()).await.unwrap();
        let ids: Vec<u64> = page.records.iter().map(|item| item.id.unwrap()).collect();
        assert_eq!(ids, (1..=50).collect::<Vec<_>>());
        assert_eq!((page.total, page.next), (Some(121), Some(50)));

        let request = CrmItemList {
            filter: Some(Filter::new().gt(ItemField::Id, 60)),
            ..request()
        };
        let streamed: Vec<Item> = client
            .stream(request)
            .map(|item| item.unwrap())
            .collect()
            .await;
        let ids: Vec<u64> = streamed.iter().map(|item| item.id.unwrap()).collect();
        assert_eq!(ids, (61..=121).collect::<Vec<_>>());
        let last = streamed.last().unwrap();
        assert_eq!(last.extra["ufCrm5_1721244707107"], "blue");
        assert_eq!(
            last.opportunity.as_ref().map(|d| d.as_str()),
            Some("1234.5")
        );
        assert_eq!(portal.stats().http_requests, 1 + 1 + 2);
    }
}

#[cfg(feature = "task")]
mod tasks {
    use bitrix24_types::export::{Cursor, ExportOptions};
    use bitrix24_types::query::{Filter, Order, Select};
    use bitrix24_types::task::{Task, TaskField, TasksTaskList};
    use bitrix24_types::{ListMethod, Records};
    use futures_util::StreamExt;

    use super::{PER_CALL, assert_once_each, portal_and_client};

    fn ascending() -> TasksTaskList {
        TasksTaskList {
            order: Some(Order::new().asc(TaskField::Id)),
            select: Some(Select::new([
                TaskField::Id,
                TaskField::Title,
                TaskField::ResponsibleId,
            ])),
            ..TasksTaskList::default()
        }
    }

    async fn export_ids(
        client: &bitrix24_types::Client,
        request: &TasksTaskList,
        options: ExportOptions,
    ) -> (Vec<u64>, Vec<Cursor>, u64) {
        let mut export = client.export(request, options);
        let (mut ids, mut cursors, mut requests) = (Vec::new(), Vec::new(), 0);
        while let Some(chunk) = export.next().await {
            let chunk = chunk.unwrap();
            ids.extend(chunk.records.iter().map(|task| task.id.unwrap()));
            cursors.push(chunk.cursor);
            requests += chunk.requests;
        }
        (ids, cursors, requests)
    }

    #[test]
    fn the_binding_carries_the_keyed_list_facts() {
        // Filtered and ordered by `ID`, records carry `id`; tasks-task-list.md documents no
        // `start=-1`, so pages by ID are counted.
        let facts = (
            TasksTaskList::RECORDS,
            TasksTaskList::ID_FIELD,
            TasksTaskList::ID_PARAM,
            TasksTaskList::FAST_PATH,
            TasksTaskList::COUNTED,
        );
        assert_eq!(facts, (Records::Key("tasks"), "id", "ID", true, true));
    }

    #[tokio::test]
    async fn tasks_are_exported_by_id_once_each_at_the_request_floor() {
        let (portal, client) = portal_and_client().await;
        portal.seed_tasks(6_000);
        // No `ID` in the select and newest first: the export adds the one and replaces the
        // other, so it can page by ID.
        let request = TasksTaskList {
            order: Some(Order::new().desc(TaskField::Id)),
            select: Some(Select::new([TaskField::Title, TaskField::ResponsibleId])),
            ..TasksTaskList::default()
        };
        let options = ExportOptions {
            count: true,
            ..ExportOptions::default()
        };
        let mut export = client.export(&request, options);
        let (mut ids, mut cursors, mut requests) = (Vec::new(), Vec::new(), 0);
        while let Some(chunk) = export.next().await {
            let chunk = chunk.unwrap();
            assert_eq!(chunk.total, Some(6_000));
            for task in &chunk.records {
                assert!(task.title.is_some());
                assert!((1..=3).contains(&task.responsible_id.unwrap()));
                ids.push(task.id.unwrap());
            }
            cursors.push(chunk.cursor);
            requests += chunk.requests;
        }
        assert_once_each(&ids, 1..=6_000);
        assert_eq!(cursors.last(), Some(&Cursor::AfterId(6_000)));
        let http = portal.stats().http_requests;
        assert_eq!(http, requests, "every request is reported by a chunk");
        assert!(http <= 6_000u64.div_ceil(PER_CALL) + 1, "{http} requests");
        assert_eq!(portal.stats().calls_by_method["batch"], http);
    }

    #[tokio::test]
    async fn an_export_resumes_from_a_reported_cursor() {
        let (portal, client) = portal_and_client().await;
        portal.seed_tasks(6_000);
        let options = ExportOptions {
            concurrency: 1,
            ..ExportOptions::default()
        };
        let mut export = client.export(&ascending(), options);
        let chunk = export.next().await.unwrap().unwrap();
        drop(export);
        let mut ids: Vec<u64> = chunk.records.iter().map(|task| task.id.unwrap()).collect();
        let Cursor::AfterId(after) = chunk.cursor else {
            panic!("an ID cursor: {:?}", chunk.cursor)
        };
        assert_eq!(ids.last(), Some(&after));
        let resumed = ExportOptions {
            from: Some(chunk.cursor),
            ..ExportOptions::default()
        };
        let (rest, _, _) = export_ids(&client, &ascending(), resumed).await;
        assert_eq!(rest.first(), Some(&(after + 1)));
        ids.extend(rest);
        assert_once_each(&ids, 1..=6_000);
    }

    #[tokio::test]
    async fn tasks_added_and_deleted_during_the_export_are_neither_lost_nor_repeated() {
        let (portal, client) = portal_and_client().await;
        portal.seed_tasks(6_000);
        let options = ExportOptions {
            concurrency: 1,
            ..ExportOptions::default()
        };
        let mut export = client.export(&ascending(), options);
        let mut ids = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = export.next().await {
            let chunk = chunk.unwrap();
            ids.extend(chunk.records.iter().map(|task| task.id.unwrap()));
            chunks += 1;
            if chunks == 1 {
                let Cursor::AfterId(cursor) = chunk.cursor else {
                    panic!("an ID cursor")
                };
                assert!(cursor < 3_000);
                // Behind the cursor (already delivered) and ahead of it.
                assert!(portal.delete_task(100));
                for id in [3_000, 4_500, 5_999] {
                    assert!(portal.delete_task(id));
                }
                // Beyond the highest ID the export saw at its start.
                portal.seed_tasks(100);
            }
        }
        assert!(chunks >= 3, "{chunks} chunks");
        let expected = (1..=6_100).filter(|id| ![3_000, 4_500, 5_999].contains(id));
        assert_once_each(&ids, expected);
        assert_eq!(portal.task_count(), 6_096);
    }

    #[tokio::test]
    async fn list_and_stream_read_the_tasks_key() {
        let (portal, client) = portal_and_client().await;
        portal.seed_tasks(120);
        let page = client.list(&ascending()).await.unwrap();
        let ids: Vec<u64> = page.records.iter().map(|task| task.id.unwrap()).collect();
        assert_eq!(ids, (1..=50).collect::<Vec<_>>());
        assert_eq!((page.total, page.next), (Some(120), Some(50)));

        let request = TasksTaskList {
            filter: Some(
                Filter::new()
                    .gt(TaskField::Id, 30)
                    .eq(TaskField::ResponsibleId, 2),
            ),
            ..ascending()
        };
        let streamed: Vec<Task> = client
            .stream(request)
            .map(|task| task.unwrap())
            .collect()
            .await;
        let expected: Vec<u64> = (31..=120)
            .filter(|id| portal.task(*id).unwrap()["responsibleId"] == 2)
            .collect();
        assert!(expected.len() > 20);
        let ids: Vec<u64> = streamed.iter().map(|task| task.id.unwrap()).collect();
        assert_eq!(ids, expected);
        assert!(streamed.iter().all(|task| task.responsible_id == Some(2)));
        assert_eq!(portal.stats().http_requests, 1 + 1);
    }
}
