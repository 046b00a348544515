//! Issue 19 e: directive rules judge what nginx means, not how a template spells it. Each
//! spelling here is real (`nginx -t` accepts it, on a config of its own with a throwaway
//! certificate) and, written into the example's template, breaks the example's policy for a
//! deployed tier: `cfgc plan production` refuses it. Before, each one passed.
//!
//! Needs nginx (`apt-get install -y nginx-light`) and openssl; a missing one fails the test.

use std::path::Path;

use crate::common::{Project, tools};
use crate::escape_nginx::{nginx, temp_paths};

/// `nginx -t` on `http { … }` holding `servers`, where `{cert}` and `{key}` name a
/// self-signed certificate and its key; fails the test with nginx's words if it refuses.
fn nginx_accepts(servers: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = certificate(dir.path());
    let servers = servers.replace("{cert}", &cert).replace("{key}", &key);
    let text = format!(
        "events {{ worker_connections 16; }}\nhttp {{\n{temp}access_log off;\n{servers}\n}}\n",
        temp = temp_paths(dir.path()),
    );
    std::fs::write(dir.path().join("nginx.conf"), &text).expect("write nginx.conf");
    let out = tools::output(&mut nginx(dir.path(), &["-t"]));
    assert!(
        out.status.success(),
        "nginx -t refuses\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn certificate(dir: &Path) -> (String, String) {
    let [cert, key] = ["cert.pem", "key.pem"].map(|n| dir.join(n).display().to_string());
    let out = tools::output(tools::command("openssl").args([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        "/CN=test",
        "-days",
        "1",
        "-keyout",
        &key,
        "-out",
        &cert,
    ]));
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}

/// `cfgc plan production` on the example with `edits` made to its nginx template: refused
/// for breaking each of `broken` (policy messages).
fn refused(edits: &[(&str, &str)], broken: &[&str]) {
    let mut p = Project::example();
    for (from, to) in edits {
        p = p.edit("templates/nginx.conf.j2", from, to);
    }
    let run = p.args(["plan", "production"]).run();
    let transcript = run.transcript();
    assert_eq!(run.code, 1, "{edits:?}\n{transcript}");
    for message in broken {
        let wanted = format!("breaks policy `nginx-deployed`: {message}");
        assert!(
            transcript.contains(&wanted),
            "{edits:?}: {wanted}\n{transcript}"
        );
    }
}

const PLAIN_LISTENS: &str = "listen 80;\n        listen [::]:80;";
const REDIRECT: &str = "return 301 https://$host$request_uri;";

/// A plain-HTTP server on port 80 that does not redirect, however its port is spelled.
#[test]
fn listen_0080_is_port_80_for_the_redirect_policy() {
    for spelling in [
        "0080",
        "[::]:0080",
        "*:0080",
        "0.0.0.0:080",
        "127.0.0.1",
        "[::1]",
        "localhost:080",
    ] {
        nginx_accepts(&format!("server {{ listen {spelling}; return 200; }}"));
        refused(
            &[
                (PLAIN_LISTENS, &format!("listen {spelling};")),
                (REDIRECT, "return 200;"),
            ],
            &["plain HTTP redirects to HTTPS"],
        );
    }
}

const HSTS: &str = "add_header Strict-Transport-Security \
    {{ \"max-age=\" ~ HSTS_MAX_AGE ~ \"; includeSubDomains\" }} always;";

/// `ssl on;` makes every listen of its server TLS, on any port: the TLS and HSTS rules apply.
#[test]
fn listen_8443_with_ssl_on_is_held_to_the_tls_and_hsts_policies() {
    nginx_accepts(
        "server { listen 8443; listen [::]:8443; ssl on; ssl_certificate {cert}; \
         ssl_certificate_key {key}; return 200; }",
    );
    refused(
        &[
            (
                "listen 443 ssl http2;\n        listen [::]:443 ssl http2;",
                "listen 8443;\n        listen [::]:8443;\n        ssl on;",
            ),
            ("ssl_protocols TLSv1.2 TLSv1.3;", ""),
            // In the server and in its /api/ location: `require` looks anywhere inside.
            (HSTS, ""),
            (HSTS, ""),
        ],
        &["TLS 1.2 and 1.3 only", "HSTS on every HTTPS response"],
    );
}

/// A loopback upstream in the spellings a resolver takes (`inet_aton`) or an IPv4-mapped
/// IPv6 address, written into `proxy_pass` or into the `set` that feeds it.
#[test]
fn a_loopback_upstream_is_refused_in_every_spelling() {
    for host in [
        "0x7f000001",
        "127.1",
        "[::ffff:127.0.0.1]",
        "2130706433",
        "LOCALHOST",
    ] {
        let url = format!("http://{host}:3000");
        nginx_accepts(&format!(
            "server {{ listen 8080; location / {{ proxy_pass {url}; }} \
             location /v {{ set $u {url}; proxy_pass $u; }} }}"
        ));
        refused(
            &[("proxy_pass $app_upstream;", &format!("proxy_pass {url};"))],
            &["no loopback upstream"],
        );
        refused(
            &[(
                "set $app_upstream {{ APP_UPSTREAM }};",
                &format!("set $app_upstream {url};"),
            )],
            &["no loopback upstream"],
        );
    }
}

/// The listen addresses cfgc reads as `listen`'s canonical spelling, in several spellings.
const LISTEN_SPELLINGS: [&str; 19] = [
    "80",
    "0080",
    "*",
    "*:0080",
    "0.0.0.0",
    "0.0.0.0:080",
    "8080",
    "*:8080",
    "127.0.0.1",
    "127.000.000.001:0080",
    "127.0..1:80",
    "127.1:80",
    "0x7f000001:80",
    "127.0.0.2:80",
    "[::]",
    "[0::0]:0080",
    "[::1]:80",
    "[0:0:0:0:0:0:0:1]",
    "[::1]:8080",
];

/// cfgc's canonical `listen` address, read through the nginx room as a policy sees it.
fn canonical(spelling: &str) -> String {
    use cfgc::format::nginx::{meaning, parse};
    let file = parse::parse(&format!("server {{ listen {spelling}; }}")).expect("parses");
    let file = meaning::normalise(file);
    let server = file[0].block.as_ref().expect("a block");
    server[0].args[0].clone()
}

/// cfgc reads two listen addresses as the same exactly when nginx does: nginx refuses two
/// listens of one server on the same socket ("a duplicate listen"), so each pair of spellings
/// is put in one server and `nginx -t` says whether they are one address.
#[test]
fn canonical_listen_addresses_are_the_same_exactly_when_nginx_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let temp = temp_paths(dir.path());
    for (i, a) in LISTEN_SPELLINGS.iter().enumerate() {
        for b in &LISTEN_SPELLINGS[i + 1..] {
            let text = format!(
                "events {{ worker_connections 16; }}\nhttp {{\n{temp}access_log off;\n\
                 server {{ listen {a}; listen {b}; return 200; }}\n}}\n"
            );
            std::fs::write(dir.path().join("nginx.conf"), &text).expect("write nginx.conf");
            let out = tools::output(&mut nginx(dir.path(), &["-t"]));
            let stderr = String::from_utf8_lossy(&out.stderr);
            let duplicate = stderr.contains("a duplicate listen");
            assert!(
                out.status.success() || duplicate,
                "nginx -t refuses `{a}` with `{b}` for another reason: {stderr}"
            );
            assert_eq!(
                canonical(a) == canonical(b),
                duplicate,
                "`{a}` reads `{}`, `{b}` reads `{}`; nginx: {stderr}",
                canonical(a),
                canonical(b)
            );
        }
    }
}
