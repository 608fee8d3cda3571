//! Property test: every generated response type, fed arbitrary JSON, returns an error or
//! a value and never panics.
//!
//! Two kinds of input per method: random values as `result`, and the docs' own reply
//! examples (`fixtures/docs/METHOD/*.json`) with random nodes replaced, deleted or turned
//! into `[]`/`""`/`null`, so decoding goes deep into the real shapes before it meets the
//! odd value. Decoding goes through `verify::check_file`, the code path of
//! `cargo xtask verify-fixtures`.
#![cfg(all(feature = "full", feature = "verify"))]

mod json_gen;

use std::path::Path;

use bitrix24_types::verify;
use json_gen::Gen;
use serde_json::{Value, json};

const RANDOM_PER_METHOD: usize = 12;
const MUTATIONS_PER_FIXTURE: usize = 12;

/// The docs' reply examples for `method`.
fn fixtures(method: &str) -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/docs")
        .join(method);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Value)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(entry.path()).ok()?;
            Some((name, serde_json::from_str(&text).ok()?))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Replace, drop or blank one random node of `value` (depth-first, chosen by `g`).
fn mutate(value: &mut Value, g: &mut Gen) {
    match value {
        Value::Object(map) if !map.is_empty() && g.next(4) != 0 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[g.next(keys.len() as u64) as usize];
            match g.next(6) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(key.clone(), g.value(2));
                }
                _ => mutate(map.get_mut(key).expect("key exists"), g),
            }
        }
        Value::Array(items) if !items.is_empty() && g.next(4) != 0 => {
            let index = g.next(items.len() as u64) as usize;
            mutate(&mut items[index], g);
        }
        _ => {
            *value = match g.next(5) {
                0 => json!([]),
                1 => json!(""),
                2 => Value::Null,
                3 => json!(false),
                _ => g.value(1),
            };
        }
    }
}

#[test]
fn no_generated_response_type_panics_on_arbitrary_json() {
    let mut g = Gen(0x05ee_db24);
    let (mut decoded, mut rejected, mut methods_with_fixtures) = (0usize, 0usize, 0usize);
    let names = bitrix24_types::method_names();
    assert!(names.len() > 1_000, "only {} methods", names.len());
    for method in names {
        let mut check = |file: &str, body: &Value| {
            let bytes = serde_json::to_vec(body).expect("serialises");
            match verify::check_file(method, file, &bytes) {
                Ok(()) => decoded += 1,
                Err(reason) => {
                    // A failure names where: a JSON path or the whole body (`.`).
                    assert!(
                        reason.starts_with("result") || reason.starts_with('.'),
                        "{method}: {reason}"
                    );
                    rejected += 1;
                }
            }
        };
        for _ in 0..RANDOM_PER_METHOD {
            check("random.json", &json!({ "result": g.value(0) }));
        }
        let examples = fixtures(method);
        methods_with_fixtures += usize::from(!examples.is_empty());
        for (file, example) in examples {
            for _ in 0..MUTATIONS_PER_FIXTURE {
                let mut body = example.clone();
                mutate(&mut body, &mut g);
                check(&file, &body);
            }
        }
    }
    // The inputs reach both outcomes in volume: lenient reading accepts many odd values,
    // and the generator is not so tame that nothing is rejected.
    println!(
        "{decoded} decoded, {rejected} rejected, {methods_with_fixtures} methods with docs examples"
    );
    assert!(methods_with_fixtures > 1_000, "{methods_with_fixtures}");
    assert!(
        decoded > 5_000 && rejected > 5_000,
        "{decoded} decoded, {rejected} rejected"
    );
}
