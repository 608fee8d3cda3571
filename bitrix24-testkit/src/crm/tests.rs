//! The CRM stores' unit tests: the `crm.deal.*` methods, seeding, and the list (which the
//! other entity types share), and what differs for contacts, companies and leads.

use serde_json::{Value, json};

use super::entities::Seed;
use super::fields::format_date_only;
use super::methods::call;
use super::stores::CrmStores;
use crate::call::{CallError, CallResult, Caller};
use crate::clock::{format_datetime, parse_datetime};
use crate::list_query::like;

const NOW: i64 = 1_725_017_340;

/// An outcome with its result as a JSON value (pages of records parsed back).
struct Done {
    result: Value,
    total: Option<u64>,
    next: Option<u64>,
}

fn ok(result: Option<CallResult>) -> Done {
    match result {
        Some(Ok(outcome)) => Done {
            result: outcome.result.to_value(),
            total: outcome.total,
            next: outcome.next,
        },
        Some(Err(err)) => panic!("error: {err:?}"),
        None => panic!("not a CRM method"),
    }
}

fn err(result: Option<CallResult>) -> CallError {
    match result {
        Some(Err(err)) => err,
        other => panic!(
            "expected an error, got {:?}",
            other.map(|r| r.map(|o| o.result))
        ),
    }
}

fn run(store: &mut CrmStores, method: &str, params: Value) -> Option<CallResult> {
    call(store, method, &params, Caller { user_id: 1 }, NOW, 50)
}

#[test]
fn add_encodes_values_like_a_portal() {
    let mut store = CrmStores::default();
    let id = ok(run(
        &mut store,
        "crm.deal.add",
        json!({"fields": {"TITLE": "New Deal #1", "OPPORTUNITY": 1000000, "PROBABILITY": "99",
            "IS_MANUAL_OPPORTUNITY": true, "BEGINDATE": "2024-08-30", "COMPANY_ID": 9,
            "STAGE_ID": "WON", "DATE_CREATE": "2000-01-01", "UF_CRM_1721244482250": "Hello world!",
            "NOT_A_FIELD": 1}}),
    ))
    .result;
    assert_eq!(id, json!(1));
    let deal = store.deals.render(1).unwrap();
    assert_eq!(deal["ID"], "1");
    assert_eq!(deal["OPPORTUNITY"], "1000000.00");
    assert_eq!(deal["PROBABILITY"], "99");
    assert_eq!(deal["IS_MANUAL_OPPORTUNITY"], "Y");
    assert_eq!(deal["BEGINDATE"], "2024-08-30T00:00:00+03:00");
    assert_eq!(deal["COMPANY_ID"], "9");
    assert_eq!(deal["STAGE_SEMANTIC_ID"], "S");
    assert_eq!(deal["CLOSED"], "Y");
    assert_eq!(deal["DATE_CREATE"], "2024-08-30T14:29:00+03:00");
    assert_eq!(deal["LEAD_ID"], Value::Null);
    assert_eq!(deal["UF_CRM_1721244482250"], "Hello world!");
    assert!(deal.get("NOT_A_FIELD").is_none());
    let fields = ok(run(&mut store, "crm.deal.fields", json!({}))).result;
    assert_eq!(fields["UF_CRM_1721244482250"]["isDynamic"], true);
    assert_eq!(fields["CATEGORY_ID"]["isImmutable"], true);
    assert_eq!(fields["ID"]["type"], "integer");
}

#[test]
fn get_update_delete_and_their_errors() {
    let mut store = CrmStores::default();
    ok(run(
        &mut store,
        "crm.deal.add",
        json!({"fields": {"TITLE": "a"}}),
    ));
    assert_eq!(
        ok(run(&mut store, "crm.deal.get", json!({"id": "1"}))).result["TITLE"],
        "a"
    );
    assert_eq!(
        err(run(&mut store, "crm.deal.get", json!({"id": 2}))).description,
        "Not found"
    );
    let bad = err(run(&mut store, "crm.deal.get", json!({"id": "x"})));
    assert_eq!((bad.status, bad.code.as_str()), (400, ""));
    assert_eq!(bad.description, "ID is not defined or invalid.");
    ok(run(
        &mut store,
        "crm.deal.update",
        json!({"ID": 1, "FIELDS": {"TITLE": "b", "CATEGORY_ID": 5}}),
    ));
    let deal = store.deals.render(1).unwrap();
    assert_eq!(
        (deal["TITLE"].as_str(), deal["CATEGORY_ID"].as_str()),
        (Some("b"), Some("0"))
    );
    assert_eq!(
        err(run(
            &mut store,
            "crm.deal.update",
            json!({"id": 1, "fields": "x"})
        ))
        .description,
        "Parameter 'fields' must be array."
    );
    assert_eq!(
        ok(run(&mut store, "crm.deal.delete", json!({"id": 1}))).result,
        json!(true)
    );
    assert_eq!(
        err(run(&mut store, "crm.deal.delete", json!({"id": 1}))).description,
        "Not found"
    );
    assert!(run(&mut store, "crm.deal.nope", json!({})).is_none());
}

#[test]
fn list_filters_orders_and_pages() {
    let mut store = CrmStores::default();
    for (title, amount, stage) in [
        ("Alpha", 10, "NEW"),
        ("Beta", 200, "WON"),
        ("gamma", 30, "NEW"),
        ("Delta", 200, "LOSE"),
    ] {
        ok(run(
            &mut store,
            "crm.deal.add",
            json!({"fields": {"TITLE": title, "OPPORTUNITY": amount, "STAGE_ID": stage}}),
        ));
    }
    let ids = |params: Value, store: &mut CrmStores| -> Vec<String> {
        let outcome = ok(run(store, "crm.deal.list", params));
        outcome
            .result
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["ID"].as_str().unwrap_or("?").to_owned())
            .collect()
    };
    assert_eq!(
        ids(json!({"filter": {">ID": 2}, "select": ["ID"]}), &mut store),
        ["3", "4"]
    );
    assert_eq!(
        ids(
            json!({"filter": {">=OPPORTUNITY": "30"}, "select": ["ID"]}),
            &mut store
        ),
        ["2", "3", "4"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"<OPPORTUNITY": 100.5}, "select": ["ID"]}),
            &mut store
        ),
        ["1", "3"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"STAGE_ID": "NEW"}, "select": ["ID"]}),
            &mut store
        ),
        ["1", "3"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"!STAGE_ID": "NEW"}, "select": ["ID"]}),
            &mut store
        ),
        ["2", "4"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"!=STAGE_ID": "NEW"}, "select": ["ID"]}),
            &mut store
        ),
        ["2", "4"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"%TITLE": "AMM"}, "select": ["ID"]}),
            &mut store
        ),
        ["3"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"=%TITLE": "%ta"}, "select": ["ID"]}),
            &mut store
        ),
        ["2", "4"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"@ID": [1, "4", 9]}, "select": ["ID"]}),
            &mut store
        ),
        ["1", "4"]
    );
    assert_eq!(
        ids(
            json!({"filter": {"!@ID": [1, 4]}, "select": ["ID"]}),
            &mut store
        ),
        ["2", "3"]
    );
    assert_eq!(
        ids(json!({"filter": {"=ID": 2}, "select": ["ID"]}), &mut store),
        ["2"]
    );
    // Numeric order (200 > 30 > 10), ties by ID.
    assert_eq!(
        ids(
            json!({"order": {"OPPORTUNITY": "DESC"}, "select": ["ID"]}),
            &mut store
        ),
        ["2", "4", "3", "1"]
    );
    assert_eq!(
        ids(
            json!({"order": {"TITLE": "asc"}, "select": ["ID"]}),
            &mut store
        ),
        ["1", "2", "4", "3"]
    );
    let all = ok(run(&mut store, "crm.deal.list", json!({})));
    assert_eq!(all.total, Some(4));
    assert_eq!(all.next, None);
    assert!(all.result[0].get("UF_CRM_X").is_none());
    assert_eq!(all.result[0]["OPPORTUNITY"], "10.00");
    let selected = ok(run(
        &mut store,
        "crm.deal.list",
        json!({"select": ["TITLE"]}),
    ));
    assert_eq!(selected.result[0], json!({"TITLE": "Alpha"}));
    assert!(
        err(run(&mut store, "crm.deal.list", json!({"filter": "x"})))
            .description
            .contains("filter")
    );
}

#[test]
fn paging_next_total_and_fast_path() {
    let mut store = CrmStores::default();
    store.deals.seed(120, NOW);
    assert_eq!(store.deals.len(), 120);
    let page = |start: Value, store: &mut CrmStores| {
        ok(run(
            store,
            "crm.deal.list",
            json!({"start": start, "select": ["ID"]}),
        ))
    };
    let first = page(json!(0), &mut store);
    assert_eq!(
        (
            first.result.as_array().unwrap().len(),
            first.total,
            first.next
        ),
        (50, Some(120), Some(50))
    );
    let last = page(json!("100"), &mut store);
    assert_eq!(
        (last.result.as_array().unwrap().len(), last.total, last.next),
        (20, Some(120), None)
    );
    assert_eq!(last.result[0]["ID"], "101");
    let fast = page(json!(-1), &mut store);
    assert_eq!(
        (fast.result.as_array().unwrap().len(), fast.total, fast.next),
        (50, Some(0), None)
    );
    let beyond = page(json!(1000), &mut store);
    assert_eq!(
        (beyond.result.as_array().unwrap().len(), beyond.next),
        (0, None)
    );
}

#[test]
fn id_ranges_walk_in_either_direction_and_count() {
    let mut store = CrmStores::default();
    store.deals.seed(300, NOW);
    assert!(store.deals.records.remove(&150).is_some());
    let ids = |params: Value, store: &mut CrmStores| -> (Vec<String>, Option<u64>, Option<u64>) {
        let outcome = ok(run(store, "crm.deal.list", params));
        let ids = outcome
            .result
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["ID"].as_str().unwrap_or("?").to_owned())
            .collect();
        (ids, outcome.total, outcome.next)
    };
    let (page, total, next) = ids(
        json!({"filter": {">ID": "147.5", "<=ID": 153}, "select": ["ID"], "start": 0}),
        &mut store,
    );
    assert_eq!(page, ["148", "149", "151", "152", "153"]);
    assert_eq!((total, next), (Some(5), None));
    let (page, total, _) = ids(
        json!({"filter": {">=ID": 290}, "order": {"ID": "DESC"}, "select": ["ID"], "start": -1}),
        &mut store,
    );
    assert_eq!(page.first().map(String::as_str), Some("300"));
    assert_eq!(page.len(), 11);
    assert_eq!(total, Some(0));
    // Offsets past the first page count every match.
    let (page, total, next) = ids(
        json!({"filter": {">ID": 100}, "select": ["ID"], "start": 50}),
        &mut store,
    );
    assert_eq!(
        (page.first().map(String::as_str), total, next),
        (Some("152"), Some(199), Some(100))
    );
    let (page, total, _) = ids(json!({"filter": {">ID": 100}, "start": 500}), &mut store);
    assert_eq!((page.len(), total), (0, Some(199)));
    // An ID compared with text matches nothing; so does an empty range.
    for filter in [
        json!({">ID": "$result[c0][49][ID]"}),
        json!({">ID": 5, "<ID": 3}),
    ] {
        let (page, total, _) = ids(json!({"filter": filter, "start": 0}), &mut store);
        assert_eq!((page.len(), total), (0, Some(0)));
    }
    // Other orders still sort what matches.
    let (page, _, _) = ids(
        json!({"filter": {"<=ID": 3}, "order": {"TITLE": "ASC", "ID": "DESC"}, "select": ["ID"]}),
        &mut store,
    );
    assert_eq!(page.len(), 3);
}

#[test]
fn seeding_stores_what_an_import_of_the_same_fields_would() {
    let mut seeded = CrmStores::default();
    seeded.deals.seed(48, NOW);
    let mut imported = CrmStores::default();
    for i in 0..48u64 {
        let seed = Seed::of(i + 1, i as i64 - 48, NOW);
        let created = seed.created;
        let mut fields = json!({
            "TITLE": seed.title(), "TYPE_ID": seed.type_id(), "STAGE_ID": seed.stage(),
            "PROBABILITY": seed.probability(), "CURRENCY_ID": seed.currency(),
            "OPPORTUNITY": seed.amount(), "COMPANY_ID": seed.company_id(),
            "CONTACT_ID": seed.contact_id(), "ASSIGNED_BY_ID": seed.assigned_by_id(),
            "SOURCE_ID": seed.source(), "DATE_CREATE": format_datetime(created),
            "DATE_MODIFY": format_datetime(created + 3_600),
            "MOVED_TIME": format_datetime(created + 3_600),
            "LAST_ACTIVITY_TIME": format_datetime(created + 7_200),
            "BEGINDATE": format_date_only(created),
            "CLOSEDATE": format_date_only(created + 14 * 86_400),
            "IS_NEW": seed.is_new(),
        });
        if let Some(comments) = seed.comments() {
            fields["COMMENTS"] = json!(comments);
        }
        if let Some((source, medium)) = seed.utm() {
            fields["UTM_SOURCE"] = json!(source);
            fields["UTM_MEDIUM"] = json!(medium);
        }
        imported
            .deals
            .insert(fields.as_object().unwrap(), 1, created, true);
    }
    assert_eq!(seeded.deals.render_all(), imported.deals.render_all());
    assert_eq!(seeded.deals.last_id, 48);
}

#[test]
fn seeded_deals_look_real() {
    let mut store = CrmStores::default();
    store.deals.seed(10, NOW);
    for deal in store.deals.render_all() {
        assert!(deal["ID"].as_str().unwrap().parse::<u64>().is_ok());
        assert!(deal["OPPORTUNITY"].as_str().unwrap().contains('.'));
        assert!(parse_datetime(deal["DATE_CREATE"].as_str().unwrap()).unwrap() < NOW);
        assert!(deal["DATE_CREATE"].as_str().unwrap().ends_with("+03:00"));
    }
}

#[test]
fn sorting_mixed_values_is_total() {
    let mut store = CrmStores::default();
    for value in ["10", "9", "a", "", "B", "1e3", "-1", "x9", "2024-01-01"] {
        let fields =
            json!({"UF_CRM_MIX": value, "OPPORTUNITY": value, "BEGINDATE": value, "TITLE": value});
        ok(run(&mut store, "crm.deal.add", json!({"fields": fields})));
    }
    for field in ["UF_CRM_MIX", "OPPORTUNITY", "BEGINDATE", "TITLE", "LEAD_ID"] {
        for direction in ["ASC", "DESC"] {
            let params = json!({"order": {field: direction}, "select": ["ID"]});
            assert_eq!(ok(run(&mut store, "crm.deal.list", params)).total, Some(9));
        }
    }
}

#[test]
fn id_bounds_select_exactly_the_ids_they_name() {
    let mut store = CrmStores::default();
    store.deals.seed(10, NOW);
    let ids = |store: &mut CrmStores, filter: Value| -> Vec<u64> {
        let params = json!({"filter": filter, "select": ["ID"], "start": -1});
        let page = ok(run(store, "crm.deal.list", params)).result;
        let page = page.as_array().unwrap().clone();
        page.iter()
            .map(|deal| deal["ID"].as_str().unwrap().parse().unwrap())
            .collect()
    };
    let cases: &[(Value, &[u64])] = &[
        (json!({">ID": 7}), &[8, 9, 10]),
        (json!({">ID": "7.5"}), &[8, 9, 10]),
        (json!({">=ID": 7.5}), &[8, 9, 10]),
        (json!({">=ID": "8"}), &[8, 9, 10]),
        (json!({"<ID": 3}), &[1, 2]),
        (json!({"<ID": "2,5"}), &[1, 2]),
        (json!({"<=ID": 2.5}), &[1, 2]),
        (json!({">ID": 3, "<=ID": 5}), &[4, 5]),
        (json!({">ID": -5, "<ID": 3}), &[1, 2]),
        (json!({">=ID": -5, "<ID": 2}), &[1]),
        (json!({"<ID": 0}), &[]),
        (json!({"<=ID": -1}), &[]),
        (json!({">ID": "x"}), &[]),
        (json!({">ID": 18_446_744_073_709_551_615_u64}), &[]),
        (json!({">ID": 8, "!ID": 9}), &[10]),
    ];
    for (filter, expected) in cases {
        assert_eq!(ids(&mut store, filter.clone()), *expected, "{filter}");
    }
}

#[test]
fn like_patterns() {
    assert!(like("Molecule", "mol%"));
    assert!(like("a molecule", "%mol%"));
    assert!(!like("a molecule", "mol%"));
    assert!(like("abc", "a_c"));
    assert!(like("", "%"));
    assert!(!like("abc", ""));
}
