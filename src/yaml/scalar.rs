//! What a plain YAML scalar means: the YAML 1.2 core schema's tag resolution, by its
//! regular expressions exactly, with two strict choices of cfgc's own: only
//! `true`/`false` (in three casings) are booleans, and a number with a leading zero
//! (`0644`, a file mode or a zip code) stays a string.
//!
//! Core schema (YAML 1.2.2, 10.3.2):
//! - int: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`;
//! - float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`,
//!   `\.(nan|NaN|NAN)`.
//!
//! Rust's `from_str_radix` also takes a sign, so `0x+14` once read as 20 and `0x-1` as -1;
//! each form is matched here before any number is parsed.

use crate::node::Kind;

/// The core schema's reading of a plain scalar.
pub(crate) fn resolve_plain(v: &str) -> Kind {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Kind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Kind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Kind::Float(f64::NAN),
        _ => {}
    }
    let string = || Kind::Str(v.to_string());
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    // cfgc's own rule: `0644` and `-01.5` are strings, `0`, `0.5` and `0x1f` are not.
    if unsigned.len() > 1 && unsigned.starts_with('0') && unsigned.as_bytes()[1].is_ascii_digit() {
        return string();
    }
    if is_digits(unsigned, 10) {
        return v.parse().map_or_else(|_| string(), Kind::Int);
    }
    if let Some(oct) = v.strip_prefix("0o").filter(|d| is_digits(d, 8)) {
        return i64::from_str_radix(oct, 8).map_or_else(|_| string(), Kind::Int);
    }
    if let Some(hex) = v.strip_prefix("0x").filter(|d| is_digits(d, 16)) {
        return i64::from_str_radix(hex, 16).map_or_else(|_| string(), Kind::Int);
    }
    if is_float(unsigned) {
        return v.parse().map_or_else(|_| string(), Kind::Float);
    }
    string()
}

/// One or more digits of the radix, and nothing else (no sign, no `_`).
fn is_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the float regex after its sign.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let exponent_ok =
        exponent.is_none_or(|e| is_digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => is_digits(frac, 10),
        Some((int, frac)) => is_digits(int, 10) && (frac.is_empty() || is_digits(frac, 10)),
        None => is_digits(mantissa, 10),
    };
    exponent_ok && mantissa_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: &str) -> Option<i64> {
        match resolve_plain(v) {
            Kind::Int(i) => Some(i),
            _ => None,
        }
    }

    fn float(v: &str) -> Option<f64> {
        match resolve_plain(v) {
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }

    fn string(v: &str) -> bool {
        matches!(resolve_plain(v), Kind::Str(s) if s == v)
    }

    #[test]
    fn resolves_scalars_strictly() {
        assert!(string("no"));
        assert!(string("0644"));
        assert_eq!(int("8080"), Some(8080));
        assert_eq!(float("1.5"), Some(1.5));
        assert_eq!(float("1e3"), Some(1000.0));
        assert!(string("7d"));
        assert!(matches!(resolve_plain("true"), Kind::Bool(true)));
        assert!(matches!(resolve_plain("~"), Kind::Null));
    }

    #[test]
    fn signed_radix_forms_are_strings_0x_plus_14_is_not_20() {
        for v in [
            "0x+14", "0x-1", "0o+7", "0o-7", "-0x14", "+0x14", "0x", "0o", "0o8", "0xg", "0X14",
            "0x_1",
        ] {
            assert!(string(v), "{v} is a string in the core schema");
        }
        assert_eq!(int("0x14"), Some(20));
        assert_eq!(int("0xfF"), Some(255));
        assert_eq!(int("0o17"), Some(15));
    }

    #[test]
    fn ints_and_floats_are_the_core_schema_regexes() {
        assert_eq!(int("-12"), Some(-12));
        assert_eq!(int("+12"), Some(12));
        assert_eq!(int("0"), Some(0));
        for (v, f) in [
            ("8.08e3", 8080.0),
            ("1.", 1.0),
            (".5", 0.5),
            ("-.5", -0.5),
            ("+1.5E-2", 0.015),
            ("0.5", 0.5),
            ("0e5", 0.0),
            ("2e+3", 2000.0),
        ] {
            assert_eq!(float(v), Some(f), "{v}");
        }
        assert!(float(".inf").is_some_and(f64::is_infinite));
        assert!(float(".NaN").is_some_and(f64::is_nan));
        for v in [
            ".", "1e", "e3", "1.5e", "1.5e+", "1_000", "1,5", "inf", "nan", "NaN", "infinity",
            "+-1", "1.2.3", ".e1", "- 1", "1e3.5", "..5", "-.inf.", "+.nan",
        ] {
            assert!(string(v), "{v} is a string in the core schema");
        }
    }

    #[test]
    fn leading_zeros_stay_strings() {
        for v in ["0644", "-0644", "+007", "01.5", "00.5", "010e2"] {
            assert!(string(v), "{v}");
        }
    }
}
