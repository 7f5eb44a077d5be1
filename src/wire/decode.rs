//! Pure decoding of request parameters, with the bounds every decoder shares:
//! urlencoded bodies (`a[b]=c` nesting), JSON bodies, multipart part names and
//! query strings all become parameters here, and all of them refuse, with a
//! `400` naming the parameter, a key nested deeper than [`MAX_DEPTH`], more
//! than [`MAX_PARAMS`] values, a key longer than [`MAX_KEY_BYTES`], text that
//! is not UTF-8 and text holding a NUL byte. No I/O, no async: the fuzz target
//! and the property tests call these directly.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Deepest nesting of a parameter: `field_values[key]` is 2, a JSON object
/// inside an object inside a parameter is 3.
pub const MAX_DEPTH: usize = 8;
/// Most values (leaves) one body or query may carry.
pub const MAX_PARAMS: usize = 1000;
/// Longest parameter name, brackets included, in bytes.
pub const MAX_KEY_BYTES: usize = 512;

/// The top-level name of a (possibly bracketed) key, shortened for an error message.
fn base_name(key: &str) -> String {
    let base = key.split('[').next().unwrap_or(key);
    let mut short: String = base.chars().filter(|c| !c.is_control()).take(64).collect();
    if short.len() < base.len() {
        short.push('…');
    }
    if short.is_empty() {
        "(unnamed)".into()
    } else {
        short
    }
}

fn too_deep(key: &str) -> ApiError {
    ApiError::invalid(&base_name(key), format!("Parameters may be nested at most {MAX_DEPTH} levels deep"))
}

fn too_long(key: &str) -> ApiError {
    ApiError::invalid(&base_name(key), format!("Parameter names may be at most {MAX_KEY_BYTES} bytes long"))
}

fn too_many(key: &str) -> ApiError {
    ApiError::invalid(&base_name(key), format!("A request may carry at most {MAX_PARAMS} parameters"))
}

fn has_nul(parameter: &str) -> ApiError {
    ApiError::invalid(parameter, "Must not contain NUL characters")
}

fn not_utf8(parameter: &str) -> ApiError {
    ApiError::invalid(parameter, "Must be UTF-8 text")
}

/// Collects bracketed `key=value` pairs into one parameter map, counting
/// values and checking every key before anything is built from it.
#[derive(Debug, Default)]
pub struct Collector {
    map: Map<String, Value>,
    count: usize,
}

impl Collector {
    /// Adds one text value under a (possibly bracketed) key: `a[b]` nests, `a[]` appends.
    pub fn add(&mut self, key: &str, value: String) -> Result<(), ApiError> {
        if key.len() > MAX_KEY_BYTES {
            return Err(too_long(key));
        }
        if key.contains('\0') {
            return Err(has_nul(&base_name(key)));
        }
        self.count += 1;
        if self.count > MAX_PARAMS {
            return Err(too_many(key));
        }
        let (base, segments) = split_key(key);
        if segments.len() + 1 > MAX_DEPTH {
            return Err(too_deep(key));
        }
        if value.contains('\0') {
            return Err(has_nul(&dotted(base, &segments)));
        }
        insert_nested(&mut self.map, base, &segments, Value::String(value));
        Ok(())
    }

    /// The parameters collected.
    pub fn finish(self) -> Map<String, Value> {
        self.map
    }
}

/// `a[b][]` → `("a", ["b", ""])`; a key that is not well bracketed is one plain name.
fn split_key(key: &str) -> (&str, Vec<&str>) {
    match key.find('[') {
        Some(i) if i > 0 && key.ends_with(']') => (&key[..i], key[i + 1..key.len() - 1].split("][").collect()),
        _ => (key, Vec::new()),
    }
}

/// `field_values.reported_issues`, the way errors name nested parameters.
fn dotted(base: &str, segments: &[&str]) -> String {
    let mut name = base.to_owned();
    for s in segments.iter().filter(|s| !s.is_empty()) {
        name.push('.');
        name.push_str(s);
    }
    name
}

fn insert_nested(map: &mut Map<String, Value>, base: &str, segments: &[&str], value: Value) {
    if segments.is_empty() {
        map.insert(base.to_owned(), value);
        return;
    }
    let mut slot = map.entry(base.to_owned()).or_insert(Value::Null);
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if seg.is_empty() {
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else { return };
            if last {
                items.push(value);
                return;
            }
            items.push(Value::Object(Map::new()));
            let Some(next) = items.last_mut() else { return };
            slot = next;
        } else {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(obj) = slot else { return };
            if last {
                obj.insert((*seg).to_owned(), value);
                return;
            }
            slot = obj.entry((*seg).to_owned()).or_insert(Value::Null);
        }
    }
}

/// `+` is a space, `%XX` a byte; the bytes must be UTF-8.
fn form_decode(raw: &[u8]) -> Result<String, Vec<u8>> {
    let plus: Vec<u8> = raw.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
    String::from_utf8(bytes).map_err(|e| e.into_bytes())
}

/// `application/x-www-form-urlencoded` pairs, in order. A name that is not
/// UTF-8 makes the body unreadable; a value that is not names its parameter.
pub fn form_pairs(raw: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs = Vec::new();
    for piece in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match piece.iter().position(|&b| b == b'=') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &b""[..]),
        };
        let key = form_decode(k).map_err(|_| ApiError::InvalidBody("parameter names must be UTF-8".into()))?;
        let value = form_decode(v).map_err(|_| not_utf8(&base_name(&key)))?;
        pairs.push((key, value));
        if pairs.len() > MAX_PARAMS {
            return Err(too_many(&pairs[pairs.len() - 1].0));
        }
    }
    Ok(pairs)
}

/// An urlencoded body as parameters.
pub fn urlencoded(raw: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let mut collector = Collector::default();
    for (k, v) in form_pairs(raw)? {
        collector.add(&k, v)?;
    }
    Ok(collector.finish())
}

/// A JSON body (an object) as parameters. Text that is not UTF-8 names the
/// parameter it is in, as the other encodings do.
pub fn json(raw: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let parsed = match std::str::from_utf8(raw) {
        Ok(text) => serde_json::from_str::<Value>(text),
        Err(_) => {
            // Find where the bad bytes landed to name the parameter.
            let lossy = String::from_utf8_lossy(raw);
            return Err(match serde_json::from_str::<Value>(&lossy) {
                Ok(Value::Object(map)) => match find_string(&map, &|s: &str| s.contains('\u{fffd}')) {
                    Some(parameter) => not_utf8(&parameter),
                    None => ApiError::InvalidBody("the body is not UTF-8".into()),
                },
                _ => ApiError::InvalidBody("the body is not UTF-8".into()),
            });
        }
    };
    let map = match parsed {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(ApiError::InvalidBody("a JSON body must be an object".into())),
        Err(e) => return Err(ApiError::InvalidBody(format!("invalid JSON: {e}"))),
    };
    check_tree(&map)?;
    Ok(map)
}

/// Checks a decoded parameter tree against every bound (depth, count, key
/// length, NUL in keys or text).
pub fn check_tree(map: &Map<String, Value>) -> Result<(), ApiError> {
    let mut count = 0usize;
    for (key, value) in map {
        if key.len() > MAX_KEY_BYTES {
            return Err(too_long(key));
        }
        if key.contains('\0') {
            return Err(has_nul(&base_name(key)));
        }
        check_value(key, key, value, 1, &mut count)?;
    }
    Ok(())
}

fn check_value(base: &str, path: &str, value: &Value, depth: usize, count: &mut usize) -> Result<(), ApiError> {
    match value {
        Value::Object(map) => {
            if depth + 1 > MAX_DEPTH && !map.is_empty() {
                return Err(too_deep(base));
            }
            for (k, v) in map {
                if k.len() > MAX_KEY_BYTES {
                    return Err(too_long(base));
                }
                if k.contains('\0') {
                    return Err(has_nul(path));
                }
                check_value(base, &format!("{path}.{k}"), v, depth + 1, count)?;
            }
        }
        Value::Array(items) => {
            if depth + 1 > MAX_DEPTH && !items.is_empty() {
                return Err(too_deep(base));
            }
            for v in items {
                check_value(base, path, v, depth + 1, count)?;
            }
        }
        Value::String(s) => {
            leaf(base, count)?;
            if s.contains('\0') {
                return Err(has_nul(path));
            }
        }
        _ => leaf(base, count)?,
    }
    Ok(())
}

fn leaf(base: &str, count: &mut usize) -> Result<(), ApiError> {
    *count += 1;
    if *count > MAX_PARAMS {
        return Err(too_many(base));
    }
    Ok(())
}

/// The dotted name of the first string value that `hit` matches.
fn find_string(map: &Map<String, Value>, hit: &dyn Fn(&str) -> bool) -> Option<String> {
    fn walk(path: String, v: &Value, hit: &dyn Fn(&str) -> bool, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH * 2 {
            return None;
        }
        match v {
            Value::String(s) if hit(s) => Some(path),
            Value::Object(m) => m.iter().find_map(|(k, v)| walk(format!("{path}.{k}"), v, hit, depth + 1)),
            Value::Array(a) => a.iter().find_map(|v| walk(path.clone(), v, hit, depth + 1)),
            _ => None,
        }
    }
    map.iter().find_map(|(k, v)| walk(k.clone(), v, hit, 0))
}

/// Query arguments, in order, with the same rules as bodies (no nesting:
/// brackets in a query are part of the name).
pub fn query(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    let pairs = form_pairs(raw.as_bytes()).map_err(|e| match e {
        ApiError::InvalidBody(_) => ApiError::invalid("query", "Query argument names must be UTF-8"),
        other => other,
    })?;
    for (k, v) in &pairs {
        if k.len() > MAX_KEY_BYTES {
            return Err(too_long(k));
        }
        if k.contains('\0') || v.contains('\0') {
            return Err(has_nul(&base_name(k)));
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(e: ApiError) -> (String, String) {
        match e {
            ApiError::Fields(ps) => (format!("{:?}", ps[0].code), ps[0].parameter.clone()),
            other => (format!("{other:?}"), String::new()),
        }
    }

    #[test]
    fn bracketed_keys_nest_and_append() {
        let m = urlencoded(b"field_values[reported_issues]=12&metadata[user_agent]=Chrome&tags[]=a&tags[]=b&plain=x+y")
            .expect("decodes");
        let v = Value::Object(m);
        assert_eq!(v["field_values"]["reported_issues"], "12");
        assert_eq!(v["metadata"]["user_agent"], "Chrome");
        assert_eq!(v["tags"], json!(["a", "b"]));
        assert_eq!(v["plain"], "x y");
    }

    #[test]
    fn a_key_nested_thousands_deep_is_refused_without_building_it() {
        let key = format!("metadata{}", "[a]".repeat(5000));
        let err = urlencoded(format!("{key}=1").as_bytes()).expect_err("refused");
        assert_eq!(codes(err), ("Invalid".into(), "metadata".into()));
        let ok = format!("metadata{}=1", "[a]".repeat(MAX_DEPTH - 1));
        assert!(urlencoded(ok.as_bytes()).is_ok());
        let over = format!("metadata{}=1", "[a]".repeat(MAX_DEPTH));
        assert!(urlencoded(over.as_bytes()).is_err());
    }

    #[test]
    fn too_many_values_and_too_long_names_are_refused() {
        let body: Vec<String> = (0..=MAX_PARAMS).map(|i| format!("p{i}=x")).collect();
        assert!(urlencoded(body.join("&").as_bytes()).is_err());
        let long = format!("{}=1", "k".repeat(MAX_KEY_BYTES + 1));
        assert!(urlencoded(long.as_bytes()).is_err());
    }

    #[test]
    fn bad_utf8_and_nul_name_their_parameter_in_every_encoding() {
        assert_eq!(
            codes(urlencoded(b"subject=ok&contents=%FF").expect_err("bad")),
            ("Invalid".into(), "contents".into())
        );
        assert_eq!(codes(urlencoded(b"contents=a%00b").expect_err("nul")), ("Invalid".into(), "contents".into()));
        assert_eq!(codes(json(b"{\"contents\": \"a\xffb\"}").expect_err("bad")), ("Invalid".into(), "contents".into()));
        assert_eq!(
            codes(json(br#"{"metadata": {"page_url": "a\u0000b"}}"#).expect_err("nul")),
            ("Invalid".into(), "metadata.page_url".into())
        );
    }

    #[test]
    fn json_deeper_than_the_bound_is_refused() {
        let deep = format!("{{\"metadata\": {}1{}}}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(codes(json(deep.as_bytes()).expect_err("deep")), ("Invalid".into(), "metadata".into()));
        let fine = format!("{{\"metadata\": {}1{}}}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(json(fine.as_bytes()).is_ok());
    }

    #[test]
    fn queries_decode_like_forms_without_nesting() {
        let q = query("include=user_minimal%2Ccase_status&fields[]=x").expect("decodes");
        assert_eq!(q, [("include".into(), "user_minimal,case_status".into()), ("fields[]".into(), "x".into())]);
        assert!(query("token=%FF").is_err());
        assert!(query("token=a%00").is_err());
    }
}
