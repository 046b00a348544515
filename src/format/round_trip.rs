//! What the rooms' round trips ([`super::Room::round_trip`]) share: comparing what a
//! consumer read back with the value that went in. Test and fuzzing support; no render
//! calls it.

use serde_json::Value;

/// Whether a typed consumer (YAML, JSON) read `back` for `value`: equal, floats within the
/// last bits (a float's shortest text may read back one unit off in the last place).
pub fn same(back: &Value, value: &Value) -> bool {
    match (back, value) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => x == y || ((x - y) / x).abs() < 1e-15,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        _ => back == value,
    }
}

/// A scalar as an untyped consumer (nginx, a `.env` reader) holds it: a string as itself,
/// a number or boolean as its JSON text.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `Ok` when `holds`, else `why`.
pub fn expect(holds: bool, why: &str) -> Result<(), String> {
    if holds { Ok(()) } else { Err(why.to_string()) }
}
