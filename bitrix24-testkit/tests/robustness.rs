//! The test portal answers odd and hostile input without panicking, and keeps serving.

mod support;

use bitrix24_testkit::{PortalConfig, TestPortal};
use serde_json::json;
use support::{get, post_form, send};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn portal() -> TestPortal {
    TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts")
}

/// A small deterministic generator (no dependency, same input every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

/// Percent-encode everything but `&`, `=` and unreserved characters.
fn encode_query(query: &str) -> String {
    query
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~&=".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn odd_parameters_get_replies_not_panics() {
    let portal = portal().await;
    portal.seed_deals(5);
    let hook = portal.webhook_url();
    let methods = [
        "crm.deal.add",
        "crm.deal.get",
        "crm.deal.update",
        "crm.deal.delete",
        "crm.deal.list",
        "crm.deal.fields",
        "batch",
        "profile",
        "app.info",
    ];
    let keys = [
        "id",
        "ID",
        "fields",
        "fields[TITLE]",
        "fields[OPPORTUNITY]",
        "fields[BEGINDATE]",
        "fields[UF_CRM_X][]",
        "filter",
        "filter[>ID]",
        "filter[@ID][]",
        "filter[%TITLE]",
        "filter[=%TITLE]",
        "filter[!@STAGE_ID]",
        "filter[>=DATE_CREATE]",
        "order",
        "order[OPPORTUNITY]",
        "order[DATE_CREATE]",
        "order[UF_CRM_X]",
        "select[]",
        "select",
        "start",
        "halt",
        "cmd[a]",
        "cmd[b]",
        "cmd[]",
        "cmd",
        "a[[]]",
        "[]",
        "%5B",
        "fields[ID]",
    ];
    let values = [
        "",
        "1",
        "-1",
        "0",
        "99999999999999999999",
        "1e308",
        "NaN",
        "abc",
        "%",
        "%25",
        "%zz",
        "$result[a]",
        "$result[a][0][ID]",
        "$result[",
        "crm.deal.list?filter[>ID]=$result[b][ID]",
        "batch?cmd[x]=batch",
        "DESC",
        "*",
        "UF_*",
        "2024-13-45",
        "2024-08-30T14:29:00+99:99",
        "%D0%9F",
        "%FF%FE",
        "Y",
        "true",
        "[]",
        "{}",
        "crm.deal.add?fields[TITLE]=$result[a]",
    ];
    let mut rng = Lcg(7);
    for round in 0..300 {
        let method = rng.pick(&methods);
        let pairs: Vec<String> = (0..(rng.next() % 6))
            .map(|_| format!("{}={}", rng.pick(&keys), rng.pick(&values)))
            .collect();
        let body = pairs.join("&");
        let reply = if round % 2 == 0 {
            post_form(&format!("{hook}{method}"), &body).await
        } else {
            // A request target must be valid HTTP: clients percent-encode it.
            get(&format!("{hook}{method}.json?{}", encode_query(&body))).await
        };
        assert!(reply.status < 500, "{method}?{body}: {}", reply.status);
        assert!(
            serde_json::from_slice::<serde_json::Value>(&reply.body).is_ok(),
            "{method}?{body}: {reply:?}"
        );
    }
    let odd_json = [
        json!({"id": {"x": 1}}),
        json!({"id": [1, 2]}),
        json!({"id": 1.5}),
        json!({"id": -3}),
        json!({"fields": 5}),
        json!({"fields": {"OPPORTUNITY": {"a": 1}, "BEGINDATE": 17, "IS_NEW": [1], "PROBABILITY": 1e300}}),
        json!({"filter": {">ID": {"a": [1]}, "@ID": 5, "%TITLE": null}, "order": {"TITLE": {"x": 1}}, "select": 7, "start": "x"}),
        json!({"cmd": {"a": 5, "b": null, "c": {"method": "crm.deal.list", "params": {"filter": {">ID": 2}}}, "d": ["x"]}, "halt": "yes"}),
        json!({"cmd": "not an object"}),
        json!({"start": 1e30}),
        json!({"start": -99}),
    ];
    for body in &odd_json {
        for method in methods {
            let reply = support::post_json(&format!("{hook}{method}"), body).await;
            assert!(reply.status < 500, "{method} {body}: {}", reply.status);
        }
    }
    for raw in [
        &b"{"[..],
        b"[1,2]",
        b"\"text\"",
        b"null",
        b"\xff\xfe",
        b"{\"a\":",
    ] {
        let reply = send(
            "POST",
            &format!("{hook}crm.deal.list"),
            Some("application/json"),
            raw,
        )
        .await
        .unwrap();
        assert!(
            reply.status == 400 || reply.status == 200,
            "{}",
            reply.status
        );
    }
    assert_eq!(get(&format!("{hook}profile")).await.status, 200);
}

#[tokio::test]
async fn odd_paths_and_raw_garbage() {
    let portal = portal().await;
    let base = portal.base_url();
    for path in [
        "/",
        "/rest",
        "/rest/",
        "/rest//",
        "/rest/1//x",
        "/rest/%FF/%FE/x",
        "/rest/a/b",
        "/oauth/",
        "/oauth/token/x",
        "/rest/1/2/3/4/5",
        "/rest/..%2F..%2Fetc",
        "/rest/crm.deal.list.json.json",
    ] {
        let reply = get(&format!("{base}{path}")).await;
        assert!(
            reply.status == 404 || reply.status == 401,
            "{path}: {}",
            reply.status
        );
        if path.starts_with("/rest/") && reply.status == 404 {
            assert_eq!(reply.error(), "ERROR_METHOD_NOT_FOUND", "{path}");
        }
    }
    // Not HTTP at all: hyper answers or closes; the portal lives on.
    let addr = base.trim_start_matches("http://").to_owned();
    for garbage in [
        &b"\x00\x01\x02\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"POST /rest/profile HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nx",
    ] {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream.write_all(garbage).await.unwrap();
        let _ = stream.shutdown().await;
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_end(&mut sink),
        )
        .await;
    }
    assert_eq!(
        get(&format!("{}profile", portal.webhook_url()))
            .await
            .status,
        200
    );
}
