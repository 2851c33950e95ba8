//! The CQL2-text filter parser (`?filter=` on tiles and features): any text, parsed
//! against a fixed set of fields, and when it parses, evaluated on a few features.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use sitroom::engine::filter::Filter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let fields: Vec<String> = ["name", "population", "hazard_class", "code", "ok"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let Ok(filter) = Filter::parse(text, &fields) else {
        return;
    };
    for props in [
        json!({"name": "Gitega", "population": 1234.5, "hazard_class": "high", "code": "1101", "ok": true}),
        json!({"name": null, "population": -1, "code": 11}),
        json!({}),
    ] {
        if let Value::Object(map) = props {
            let map: Map<String, Value> = map;
            let _ = filter.matches(&map);
        }
    }
});
