//! The values some `.env` reader would not read back unchanged inside single quotes, and
//! why: each rule names the reader that disagrees (see the module docs of `dotenv`).

use super::Expanded;

/// Why some reader would not read `text` back unchanged inside single quotes, if it would not.
pub(super) fn unreadable(text: &str, expanded: Expanded) -> Option<&'static str> {
    // Every rule below needs one of these bytes: most values have none, and are read once.
    if !text
        .bytes()
        .any(|b| matches!(b, b'\'' | b'\\' | b'$' | b'\r' | b'\0'))
        && !text.starts_with(ENCRYPTED)
    {
        return None;
    }
    let expanding = expanded == Expanded::Maybe;
    if text.contains('\'') {
        Some(
            "contains `'`, which has no escape that python-dotenv, Compose, Node and bash all \
             read the same way; remove it, or pass this value some other way than a .env file",
        )
    } else if text.contains("\\\\") {
        Some(
            "contains two backslashes in a row, which python-dotenv reads as one and the other \
             readers as two; change the value or pass it some other way than a .env file",
        )
    } else if text.ends_with('\\') {
        Some(
            "ends with a backslash, which python-dotenv and Compose read as escaping the closing \
             quote; change the value or pass it some other way than a .env file",
        )
    } else if text.contains("${") {
        Some(
            "contains `${`, which python-dotenv expands as a variable even inside single quotes; \
             remove it, or pass this value some other way than a .env file",
        )
    } else if expanding && dollar_name(text) {
        Some(
            "contains `$` followed by a letter or `_`, which dotenv-expand (npm `dotenv`'s \
             companion) replaces with that variable even inside single quotes; remove the `$`, \
             or, if no reader of this file expands variables, declare the output \
             `format = \"dotenv-literal\"`",
        )
    } else if expanding && text.contains("$(") {
        Some(
            "contains `$(`, which dotenv-expand 1000 runs as a shell command even inside \
             single quotes (npm `dotenv`'s companion, current release); remove it, or, if no \
             reader of this file expands variables, declare the output \
             `format = \"dotenv-literal\"`",
        )
    } else if text.starts_with(ENCRYPTED) {
        Some(
            "starts with `encrypted:`, which dotenvx and dotenv-expand 1000 decrypt with the \
             key they find (or fail on) even inside single quotes; change the value or pass \
             it some other way than a .env file",
        )
    } else if expanding && text.contains("\\$") {
        Some(
            "contains `\\$`, which dotenv-expand reads as `$` and the other readers as `\\$`; \
             change the value or pass it some other way than a .env file",
        )
    } else if text.contains('\r') {
        Some(
            "contains a carriage return, which Python reads back as a line feed; convert the \
             value to LF line endings",
        )
    } else if text.contains('\0') {
        Some("contains a NUL character, which no environment variable can hold; remove it")
    } else {
        None
    }
}

/// The prefix dotenvx and dotenv-expand 1000 read as an encrypted value.
const ENCRYPTED: &str = "encrypted:";

/// `$NAME` somewhere in `text`: what dotenv-expand expands (`$` then `[A-Za-z_]`).
fn dollar_name(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || w[1] == b'_'))
}
