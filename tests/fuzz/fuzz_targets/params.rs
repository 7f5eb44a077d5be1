//! Every request decoder and the output shaping, fed arbitrary bytes: none
//! may panic, and whatever a decoder accepts keeps its bounds (depth, count,
//! name length, no NUL).

#![no_main]

use libfuzzer_sys::fuzz_target;
use parley::api::{params, shape};
use parley::wire::decode;
use serde_json::{Map, Value};

fn bounded(map: &Map<String, Value>) {
    assert!(decode::check_tree(map).is_ok(), "a decoder accepted what the bounds refuse: {map:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    match selector % 5 {
        0 => {
            if let Ok(map) = decode::urlencoded(rest) {
                bounded(&map);
            }
        }
        1 => {
            if let Ok(map) = decode::json(rest) {
                bounded(&map);
            }
        }
        2 => {
            if let Ok(text) = std::str::from_utf8(rest) {
                if let Ok(pairs) = decode::query(text) {
                    assert!(pairs
                        .iter()
                        .all(|(k, v)| k.len() <= decode::MAX_KEY_BYTES && !k.contains('\0') && !v.contains('\0')));
                }
            }
        }
        3 => {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let body = rest.to_vec().into();
            if let Ok(map) = runtime.block_on(params::multipart_text(body, "fuzzboundary")) {
                bounded(&map);
            }
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            let (names, json) = text.split_once('\n').unwrap_or((&text, "{}"));
            let includes = shape::names(Some(names));
            let keep = includes.clone();
            if let Ok(mut value) = serde_json::from_str::<Value>(json) {
                shape::keep_fields(&mut value, &keep);
                shape::camelize(&mut value);
            }
            // camelCase and back is the identity on well-formed snake_case names.
            let snake_case = |n: &str| {
                n.split('_').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
                    && n.starts_with(|c: char| c.is_ascii_lowercase())
                    && !n.split('_').skip(1).any(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            };
            for name in includes.iter().filter(|n| snake_case(n)) {
                assert_eq!(&shape::snake(&shape::camel(name)), name);
            }
        }
    }
});
