//! Property tests (proptest) over the request decoders and the output shaping:
//! arbitrary input never panics and never escapes the bounds; the three body
//! encodings of the same parameters decode alike; `include`, `fields` and
//! `_case` keep their promises on any input.

mod mail;

use std::collections::HashSet;

use parley::api::{params, rows, shape};
use parley::wire::{decode, render};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A decoded map keeps every bound.
fn within_bounds(map: &Map<String, Value>) -> Result<(), TestCaseError> {
    prop_assert!(decode::check_tree(map).is_ok(), "a decoder accepted what the bounds refuse: {map:?}");
    Ok(())
}

fn multipart(body: Vec<u8>, boundary: &str) -> Result<Map<String, Value>, parley::error::ApiError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    runtime.block_on(params::multipart_text(body.into(), boundary))
}

/// Parameter names as clients send them.
fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z_]{0,11}"
}

/// Text values: any Unicode but NUL (tested on its own).
fn text() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,40}"
}

/// A parameter map as the three encodings can all carry it: top-level text,
/// and maps of text one level down (`field_values[key]`, `metadata[key]`).
fn parameters() -> impl Strategy<Value = Map<String, Value>> {
    let leaf = text().prop_map(Value::String);
    let nested = prop::collection::btree_map(name(), text().prop_map(Value::String), 1..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()));
    prop::collection::btree_map(name(), prop_oneof![leaf, nested], 0..8).prop_map(|m| m.into_iter().collect())
}

fn pairs(map: &Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in map {
        match v {
            Value::Object(inner) => {
                for (ik, iv) in inner {
                    out.push((format!("{k}[{ik}]"), iv.as_str().unwrap_or_default().to_owned()));
                }
            }
            other => out.push((k.clone(), other.as_str().unwrap_or_default().to_owned())),
        }
    }
    out
}

fn urlencoded(pairs: &[(String, String)]) -> Vec<u8> {
    serde_urlencoded::to_string(pairs).expect("encode").into_bytes()
}

fn multipart_body(pairs: &[(String, String)], boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in pairs {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

/// Arbitrary JSON, nested up to `depth` levels.
fn json_value(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[^\u{0}]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(depth, 64, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) if !a.is_empty() => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(m) if !m.is_empty() => 1 + m.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_as_urlencoded_or_fail_cleanly(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(map) = decode::urlencoded(&body) {
            within_bounds(&map)?;
        }
    }

    #[test]
    fn any_bytes_decode_as_json_or_fail_cleanly(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(map) = decode::json(&body) {
            within_bounds(&map)?;
        }
    }

    #[test]
    fn any_bytes_decode_as_multipart_or_fail_cleanly(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let mut framed = b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n".to_vec();
        framed.extend_from_slice(&body);
        for candidate in [body, framed] {
            if let Ok(map) = multipart(candidate, "b") {
                within_bounds(&map)?;
            }
        }
    }

    #[test]
    fn any_query_decodes_or_fails_cleanly(query in "\\PC{0,300}") {
        if let Ok(pairs) = decode::query(&query) {
            prop_assert!(pairs.iter().all(|(k, v)| k.len() <= decode::MAX_KEY_BYTES && !k.contains('\0') && !v.contains('\0')));
        }
    }

    #[test]
    fn the_three_encodings_of_the_same_parameters_decode_alike(map in parameters()) {
        let pairs = pairs(&map);
        let from_form = decode::urlencoded(&urlencoded(&pairs)).expect("urlencoded");
        let from_json = decode::json(Value::Object(map.clone()).to_string().as_bytes()).expect("json");
        let from_multipart = multipart(multipart_body(&pairs, "prop-boundary-7f3a"), "prop-boundary-7f3a").expect("multipart");
        prop_assert_eq!(&from_form, &map);
        prop_assert_eq!(&from_json, &map);
        prop_assert_eq!(&from_multipart, &map);
    }

    #[test]
    fn nul_in_any_value_is_refused_by_every_encoding(map in parameters(), at in any::<prop::sample::Index>()) {
        let mut pairs = pairs(&map);
        if pairs.is_empty() {
            pairs.push(("contents".into(), String::new()));
        }
        let i = at.index(pairs.len());
        pairs[i].1.push('\0');
        let invalid = |r: Result<Map<String, Value>, parley::error::ApiError>| {
            matches!(r, Err(parley::error::ApiError::Fields(ref ps)) if ps[0].code == parley::error::FieldCode::Invalid)
        };
        prop_assert!(invalid(decode::urlencoded(&urlencoded(&pairs))));
        prop_assert!(invalid(multipart(multipart_body(&pairs, "nulbound"), "nulbound")));
        let mut as_json = Map::new();
        for (k, v) in &pairs {
            as_json.insert(k.clone(), Value::String(v.clone()));
        }
        prop_assert!(invalid(decode::json(Value::Object(as_json).to_string().as_bytes())));
    }

    #[test]
    fn json_within_the_depth_bound_round_trips_and_deeper_is_refused(v in json_value(12)) {
        let body = json!({ "parameter": v }).to_string();
        match decode::json(body.as_bytes()) {
            Ok(map) => {
                prop_assert!(depth(&v) < decode::MAX_DEPTH);
                prop_assert_eq!(&map["parameter"], &v);
            }
            Err(_) => prop_assert!(depth(&v) >= decode::MAX_DEPTH, "refused at depth {}", depth(&v)),
        }
    }

    #[test]
    fn camel_and_snake_are_inverse_on_snake_case_names(n in "[a-z][a-z0-9]{0,5}(_[a-z][a-z0-9]{0,5}){0,4}") {
        prop_assert_eq!(shape::snake(&shape::camel(&n)), n);
    }

    #[test]
    fn camelize_keeps_user_maps_and_is_idempotent(v in json_value(5), meta in prop::collection::btree_map("[a-z]{1,4}_[a-z]{1,4}", "[a-z]{0,4}", 0..4)) {
        let mut body = json!({ "data": { "some_key": v, "metadata": meta }, "resource": "case_message" });
        shape::camelize(&mut body);
        let once = body.clone();
        shape::camelize(&mut body);
        prop_assert_eq!(&once, &body);
        for key in meta.keys() {
            prop_assert!(once["data"]["metadata"].get(key).is_some(), "metadata key {} kept", key);
        }
        prop_assert_eq!(&once["resource"], "caseMessage");
    }

    #[test]
    fn fields_keeps_exactly_what_was_asked_and_the_identity(keys in prop::collection::btree_set("[a-z_]{1,8}", 0..10), keep in prop::collection::hash_set("[a-z_]{1,8}", 0..6)) {
        let mut item: Map<String, Value> = keys.iter().map(|k| (k.clone(), json!(1))).collect();
        item.insert("id".into(), json!(7));
        item.insert("resource_type".into(), json!("conversation"));
        let mut data = Value::Array(vec![Value::Object(item.clone())]);
        shape::keep_fields(&mut data, &keep);
        let kept: HashSet<&String> = data[0].as_object().expect("object").keys().collect();
        for k in item.keys() {
            let expected = keep.contains(k) || k == "id" || k == "resource_type" || k == "resource_url";
            prop_assert_eq!(kept.contains(k), expected, "key {}", k);
        }
    }
}

/// The demo database and conversation 1 as staff see it, for `include`.
fn demo() -> (tempfile::TempDir, parley::db::Db, render::View, Value) {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = parley::db::Db::open(&dir.path().join("parley.db"), true).expect("demo database");
    let view = render::View {
        base_url: "http://test".into(),
        staff: true,
        user_id: Some(1),
        me: Some(1),
        settings: db.read_blocking(parley::db::settings::load).expect("settings"),
        catalog: db.catalog().expect("catalog"),
    };
    let v = view.clone();
    let conversation = db
        .read_blocking(move |c| -> Result<Value, parley::error::ApiError> {
            let row = parley::db::conversations::get_visible(c, &parley::db::conversations::Visibility::All, 1)?
                .ok_or(parley::error::ApiError::NotFound)?;
            Ok(serde_json::to_value(rows::conversation(c, &v, row)?)?)
        })
        .expect("conversation 1");
    (dir, db, view, conversation)
}

/// Stubs (`{id, resource_type}` only) of the named types anywhere in `v`, down to `depth` levels.
fn stubs_of(v: &Value, types: &HashSet<String>, depth: usize) -> usize {
    match v {
        Value::Array(a) => a.iter().map(|x| stubs_of(x, types, depth)).sum(),
        Value::Object(m) => {
            let stub = m.keys().all(|k| matches!(k.as_str(), "id" | "resource_type" | "legacy_id"))
                && m.get("resource_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| types.contains(t) || types.contains("*"));
            if stub {
                1
            } else if depth == 0 {
                0
            } else {
                m.iter().filter(|(k, _)| *k != "metadata").map(|(_, x)| stubs_of(x, types, depth - 1)).sum()
            }
        }
        _ => 0,
    }
}

#[test]
fn include_expands_what_it_names_in_either_spelling_and_nothing_else() {
    let (_dir, db, view, conversation) = demo();
    let known = [
        "user_minimal",
        "team",
        "case_status",
        "case_priority",
        "case_type",
        "read_marker",
        "conversation_field",
        "role",
        "team_minimal",
        "locale_field",
        "field_option",
    ];
    let names = prop::collection::vec(
        prop_oneof![
            prop::sample::select(known.to_vec()).prop_map(String::from),
            "[a-z]{1,8}(_[a-z]{1,8})?",
            Just("*".to_owned())
        ],
        0..5,
    );
    let spelled = (names, any::<bool>());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&spelled, |(names, camel)| {
            let list: Vec<String> = names.iter().map(|n| if camel { shape::camel(n) } else { n.clone() }).collect();
            let include = shape::names(Some(&list.join(",")));
            let snake: HashSet<String> = names.iter().map(|n| shape::snake(n)).collect();
            prop_assert_eq!(&include, &snake, "both spellings name the same types");
            let (v, i, c) = (view.clone(), include.clone(), conversation.clone());
            let expanded = db.read_blocking(move |conn| rows::expand(conn, &v, i, c)).expect("expand");
            prop_assert_eq!(stubs_of(&expanded, &include, 1), 0, "no named stub is left at the top: {}", expanded);
            if include.is_empty() {
                prop_assert_eq!(&expanded, &conversation, "nothing named, nothing changed");
            }
            Ok(())
        })
        .expect("include properties");
}
