//! The nginx escaper against the real nginx. Each accepted value goes into one config as
//! `add_header X-T{i} <escaped>;` inside a `location` that ends in `return 204;`. The config must
//! pass `nginx -t`; then nginx serves it once, and the response must carry exactly the headers
//! X-T0, X-T1, … with exactly the input bytes, status 204 and nothing else. An injected
//! directive shows up as an extra header, a changed status or a changed value; `nginx -t` alone
//! would accept most injections, since they are valid configuration.
//!
//! Needs nginx (`apt-get install -y nginx-light`); a missing nginx fails the test.

use cfgc::format::{NGINX, escape};
use proptest::prelude::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::common::nginx::Nginx;
use crate::common::tools;

/// Headers nginx adds by itself to every response.
const OWN_HEADERS: [&str; 3] = ["Server", "Date", "Connection"];

pub(crate) fn nginx(dir: &Path, extra: &[&str]) -> Command {
    let mut command = tools::command("nginx");
    command
        .args(extra)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-g")
        .arg(format!(
            "pid {0}/nginx.pid; error_log {0}/error.log;",
            dir.display()
        ));
    command
}

/// Temp paths inside the test's folder, so nothing needs `/var/lib/nginx` to be writable. Only
/// for modules this nginx has, or the directive itself would be unknown.
pub(crate) fn temp_paths(dir: &Path) -> String {
    let version = tools::output(tools::command("nginx").arg("-V"));
    let configure = String::from_utf8_lossy(&version.stderr).into_owned();
    let mut paths = format!("client_body_temp_path {}/client_body;\n", dir.display());
    for module in ["proxy", "fastcgi", "uwsgi", "scgi"] {
        if !configure.contains(&format!("--without-http_{module}_module")) {
            paths.push_str(&format!("{module}_temp_path {}/{module};\n", dir.display()));
        }
    }
    paths
}

fn config(dir: &Path, port: u16, headers: &[(String, String)]) -> String {
    let mut directives = String::new();
    for (name, escaped) in headers {
        directives.push_str(&format!("            add_header {name} {escaped};\n"));
    }
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\nevents {{ worker_connections 16; }}\n\
         http {{\n{temp}access_log off;\n    server {{\n        listen 127.0.0.1:{port};\n\
         location = /t {{\n{directives}            return 204;\n        }}\n    }}\n}}\n",
        temp = temp_paths(dir),
    )
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

fn start(dir: &Path, port: u16) -> Result<Nginx, String> {
    let mut command = nginx(dir, &[]);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut server = Nginx::spawn(command);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.child().try_wait() {
            let stderr = server.stop();
            let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            return Err(format!("nginx exited ({status}): {stderr}{log}"));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(server);
        }
        sleep(Duration::from_millis(20));
    }
    Err("nginx did not start listening within 10 s".to_string())
}

struct Response {
    status: String,
    headers: Vec<(String, Vec<u8>)>,
}

fn get(port: u16) -> Result<Response, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|err| err.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|err| err.to_string())?;
    stream
        .write_all(b"GET /t HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .map_err(|err| err.to_string())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|err| err.to_string())?;
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    // Keep the last header's CRLF so every line, split at LF, ends in CR.
    let mut lines = raw[..end + 2]
        .split(|&byte| byte == b'\n')
        .filter(|line| !line.is_empty());
    let status = String::from_utf8_lossy(lines.next().ok_or("no status line")?)
        .trim_end()
        .to_string();
    let mut headers = Vec::new();
    for line in lines {
        let line = line.strip_suffix(b"\r").ok_or("header line without CR")?;
        let colon = line
            .windows(2)
            .position(|window| window == b": ")
            .ok_or("header line without `: `")?;
        let name = String::from_utf8_lossy(&line[..colon]).into_owned();
        if !OWN_HEADERS.contains(&name.as_str()) {
            headers.push((name, line[colon + 2..].to_vec()));
        }
    }
    Ok(Response { status, headers })
}

/// Put every accepted value in one config, check it with `nginx -t`, serve it and compare the
/// headers. Returns how many values were accepted.
fn check_batch(values: &[String]) -> Result<usize, String> {
    let mut headers = Vec::new();
    let mut expected = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let Ok(escaped) = escape(NGINX, &Value::String(value.clone())) else {
            continue;
        };
        let name = format!("X-T{index}");
        // nginx drops a header whose value is empty.
        if !value.is_empty() {
            expected.push((name.clone(), value.as_bytes().to_vec()));
        }
        headers.push((name, escaped));
    }
    serve_and_compare(&headers, &expected)?;
    Ok(headers.len())
}

/// Write `add_header` directives with the given (already escaped) arguments, check the config
/// with `nginx -t`, serve it and compare the response headers with `expected`.
fn serve_and_compare(
    headers: &[(String, String)],
    expected: &[(String, Vec<u8>)],
) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut last_error = String::new();
    // Another process may take the free port before nginx binds it: try a few.
    for _ in 0..5 {
        let port = free_port();
        std::fs::write(
            dir.path().join("nginx.conf"),
            config(dir.path(), port, headers),
        )
        .expect("write nginx.conf");
        let test = tools::output(&mut nginx(dir.path(), &["-t", "-q"]));
        if !test.status.success() {
            return Err(format!(
                "nginx -t rejected the config: {}",
                String::from_utf8_lossy(&test.stderr)
            ));
        }
        let server = match start(dir.path(), port) {
            Ok(server) => server,
            Err(err) if err.contains("Address already in use") => {
                last_error = err;
                continue;
            }
            Err(err) => return Err(err),
        };
        let response = get(port)?;
        server.stop();
        if response.status != "HTTP/1.1 204 No Content" {
            return Err(format!("status changed to {:?}", response.status));
        }
        if response.headers != expected {
            return Err(describe_mismatch(expected, &response.headers));
        }
        return Ok(());
    }
    Err(last_error)
}

fn describe_mismatch(expected: &[(String, Vec<u8>)], got: &[(String, Vec<u8>)]) -> String {
    for (index, want) in expected.iter().enumerate() {
        match got.get(index) {
            Some(have) if have == want => {}
            Some((name, value)) => {
                return format!(
                    "expected {}: {:?}, nginx sent {name}: {:?}",
                    want.0,
                    String::from_utf8_lossy(&want.1),
                    String::from_utf8_lossy(value)
                );
            }
            None => return format!("nginx did not send {}", want.0),
        }
    }
    format!("nginx sent extra headers: {:?}", &got[expected.len()..])
}

/// The harness itself: injections written raw are valid configuration that `nginx -t`
/// accepts, and only serving the config reveals them.
#[test]
fn serving_reveals_injections_that_nginx_t_accepts() {
    let value = "a; add_header Evil 1".to_string();
    let expected = [("X-T0".to_string(), value.as_bytes().to_vec())];
    let added = serve_and_compare(&[("X-T0".to_string(), value.clone())], &expected);
    assert_eq!(
        added,
        Err("expected X-T0: \"a; add_header Evil 1\", nginx sent X-T0: \"a\"".to_string())
    );
    let redirect = "a; return 301 https://evil".to_string();
    let expected = [("X-T0".to_string(), redirect.as_bytes().to_vec())];
    let status = serve_and_compare(&[("X-T0".to_string(), redirect)], &expected);
    assert!(
        status
            .as_ref()
            .is_err_and(|err| err.starts_with("status changed")),
        "{status:?}"
    );
}

#[test]
fn hostile_values_cannot_add_a_directive() {
    let accepted = [
        "https://a.com; return 301 https://evil;",
        "x\"; add_header Evil 1; \"",
        "x'; add_header Evil 1; '",
        "x\\\"; add_header Evil 1; #",
        "x\\\\\"; add_header Evil 1; \"",
        "} } server { listen 127.0.0.1:1; } http { #",
        "# comment",
        "{",
        "}",
        ";",
        "\\",
        "a\\",
        "\\\"",
        "\\n\\t\\r\\x41",
        "include /etc/passwd;",
        "\"\"",
        "''",
        "a b\tc",
        " leading and trailing ",
        "(x)",
        "~*",
        "@named",
        "é 🦀 \u{85}\u{2028}",
        "",
    ]
    .map(String::from);
    for value in &accepted {
        assert!(
            escape(NGINX, &Value::String(value.clone())).is_ok(),
            "{value:?} should be accepted"
        );
    }
    assert_eq!(check_batch(&accepted), Ok(accepted.len()));

    let rejected = [
        "$host",
        "${x}",
        "a$",
        "a\nadd_header Evil 1;",
        "a\r\nEvil: 1",
        "\0",
        "\u{1b}[31m",
        "\u{7f}",
    ];
    for value in rejected {
        assert!(
            escape(NGINX, &Value::String(value.to_string())).is_err(),
            "{value:?} should be rejected"
        );
    }
}

#[test]
fn the_longest_accepted_argument_passes_nginx() {
    let longest = [
        "a".repeat(cfgc::format::nginx::MAX_ARGUMENT_BYTES),
        " ".repeat(cfgc::format::nginx::MAX_ARGUMENT_BYTES - 2),
    ];
    assert_eq!(check_batch(&longest), Ok(2));
    for value in longest {
        let longer = format!("{value}a");
        assert!(escape(NGINX, &Value::String(longer)).is_err());
    }
}

fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        20 => prop::char::range('a', 'z'),
        4 => prop::sample::select(vec![
            'A', 'Z', '0', '9', '_', '.', '/', ':', '@', '%', '+', ',', '=', '?', '~', '*', '-',
        ]),
        10 => prop::sample::select(vec![
            ' ', '\t', '"', '\'', '\\', ';', '{', '}', '#', '(', ')', '!', '&', '|', '<', '>',
            '[', ']', '^', '`', 'n', 't', 'r',
        ]),
        1 => prop::sample::select(vec!['$', '\n', '\r', '\0', '\u{1b}', '\u{7f}']),
        4 => any::<char>(),
    ]
}

/// Sequences nginx's tokenizer gives a meaning to, so they are exercised often.
fn tricky_token() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\\\"",
        "\";",
        "\\\\",
        "\\n",
        "$host",
        "${x}",
        "; add_header Evil 1;",
        "#",
        "{",
        "}",
        "\" \"",
    ])
    .prop_map(String::from)
}

fn tricky_value() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        16 => tricky_char().prop_map(String::from),
        1 => tricky_token(),
    ];
    prop::collection::vec(fragment, 0..20).prop_map(|fragments| fragments.concat())
}

proptest! {
    // Each case runs nginx -t and one nginx: a handful of 100-value batches.
    // No regression file: a failure is reported with its input, and the file would only
    // pin inputs from runs that failed for want of a tool.
    #![proptest_config(ProptestConfig {
        cases: 6,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_value_is_rejected_or_served_exactly(
        values in prop::collection::vec(tricky_value(), 100)
    ) {
        match check_batch(&values) {
            Ok(accepted) => prop_assert!(accepted > 40, "only {accepted} of 100 accepted"),
            Err(problem) => return Err(TestCaseError::fail(problem)),
        }
    }
}

/// The nginx room's parser (what structural policies see) accepts exactly what nginx's own
/// tokenizer accepts, on the shapes where a hand-written lexer could differ: quotes glued to
/// text, escapes, `#` inside a word, `}` inside a word, `${…}`, a stray `;`.
#[test]
fn the_room_parser_agrees_with_nginx_on_syntax() {
    let cases = [
        "X-T a}b",
        "X-T \"a\"b",
        "X-T 'a'",
        "X-T \"a",
        "X-T a#b",
        "X-T # a comment\n b",
        "X-T ${uri}x",
        "X-T \"a\\\"b\"",
        "X-T a\\;b",
        "X-T \"a\"}",
        "X-T a;;",
        "X-T \"a\\\\\"",
        "X-T 'it''s'",
        "X-T a\"b\"",
        "X-T \"a;b{c}\"",
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    for case in cases {
        let text = format!(
            "events {{ worker_connections 16; }}\nhttp {{\n{temp}access_log off;\n    server {{\n\
             listen 127.0.0.1:1;\n        location / {{\n            add_header {case};\n\
             return 204;\n        }}\n    }}\n}}\n",
            temp = temp_paths(dir.path()),
        );
        std::fs::write(dir.path().join("nginx.conf"), &text).expect("write nginx.conf");
        let out = tools::output(&mut nginx(dir.path(), &["-t"]));
        let ours = NGINX.parse_back(&text);
        assert_eq!(
            ours.is_ok(),
            out.status.success(),
            "{case:?}: cfgc says {ours:?}, nginx -t says {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
