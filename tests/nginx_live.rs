//! The example's production nginx.conf, run for real on loopback and probed with curl and
//! openssl: the redirect, ACME, HSTS on every response, the TLS versions, CORS, the request
//! id and the upstream's certificate check. The upstream is a local HTTPS server that echoes
//! what it received, with a certificate from a test CA; the rendered file is copied with
//! only what must differ on a test machine rewritten (ports, certificate and file paths, the
//! upstream's address, the CA bundle). Every process is stopped by its pid when a test ends.
//!
//! Needs nginx, openssl, curl and python3 (`scripts/test` installs them).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::nginx::Nginx;
use crate::common::{Project, tools};

const FRONT_HOST: &str = "app.taskpilot.example.com";
const WRONG_HOST: &str = "wrong-name.example.test";

/// An HTTPS server that answers every request with what it received, as JSON.
const ECHO_SERVER: &str = r#"
import http.server, json, ssl, sys
class Echo(http.server.BaseHTTPRequestHandler):
    def answer(self):
        body = json.dumps({
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_OPTIONS = answer
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Echo)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// The echo server, killed by its pid when dropped.
struct Echo {
    child: Child,
    port: u16,
}

impl Echo {
    fn start(cert: &Path, key: &Path) -> Echo {
        let mut child = tools::spawn(
            tools::command("python3")
                .args(["-c", ECHO_SERVER])
                .arg(cert)
                .arg(key)
                .stdout(Stdio::piped()),
        );
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        let _ = BufReader::new(stdout).read_line(&mut line);
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the echo server did not start: {line:?}")
        });
        Echo { child, port }
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and the certificates the test signs with it, in a temp folder.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(dir: &Path) -> Pki {
        let pki = Pki {
            dir: dir.to_path_buf(),
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=cfgc test CA",
            "-keyout",
            &pki.path("ca.key"),
            "-out",
            &pki.path("ca.pem"),
        ]);
        pki
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    /// A certificate for `host` signed by the CA: (certificate, key) paths.
    fn issue(&self, host: &str) -> (PathBuf, PathBuf) {
        let (key, csr, cert) = (
            self.path(&format!("{host}.key")),
            self.path(&format!("{host}.csr")),
            self.path(&format!("{host}.pem")),
        );
        openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            &format!("/CN={host}"),
            "-keyout",
            &key,
            "-out",
            &csr,
        ]);
        let ext = self.path(&format!("{host}.ext"));
        std::fs::write(&ext, format!("subjectAltName=DNS:{host}\n")).expect("write ext");
        openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &self.path("ca.pem"),
            "-CAkey",
            &self.path("ca.key"),
            "-set_serial",
            "1",
            "-days",
            "2",
            "-extfile",
            &ext,
            "-out",
            &cert,
        ]);
        (cert.into(), key.into())
    }
}

fn openssl(args: &[&str]) {
    let out = tools::output(tools::command("openssl").args(args));
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two free loopback ports, held together while they are picked so they differ.
fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().expect("bound").port();
    (port(&a), port(&b))
}

/// The rendered production nginx in front of an echo upstream.
struct Live {
    /// Declared first: dropped (stopped) before the echo server and the temp folder.
    nginx: Option<Nginx>,
    _echo: Echo,
    tmp: tempfile::TempDir,
    http: u16,
    https: u16,
    /// The upstream's host name, from the rendered `proxy_ssl_name`.
    upstream_host: String,
}

impl Live {
    /// nginx with the upstream presenting a certificate for `upstream_cert_host` (the
    /// configured upstream's name, unless `wrong_name`).
    fn start(wrong_name: bool) -> Live {
        let p = Project::example();
        p.args(["apply", "--yes"]).status(0).run();
        let conf = p.read("deploy/production/nginx.conf");
        let upstream_host = directive_arg(&conf, "proxy_ssl_name");

        let tmp = tempfile::tempdir().expect("temp dir");
        let pki = Pki::new(tmp.path());
        let (front_cert, front_key) = pki.issue(FRONT_HOST);
        let (echo_cert, echo_key) = pki.issue(if wrong_name {
            WRONG_HOST
        } else {
            &upstream_host
        });
        let echo = Echo::start(&echo_cert, &echo_key);

        for dir in ["html", "acme/.well-known/acme-challenge", "logs"] {
            std::fs::create_dir_all(tmp.path().join(dir)).expect("create folder");
        }
        std::fs::write(tmp.path().join("html/app.js"), "console.log(1);\n").expect("write");
        std::fs::write(
            tmp.path().join("acme/.well-known/acme-challenge/token-1"),
            "token-1.thumbprint",
        )
        .expect("write");
        std::fs::copy("/etc/nginx/mime.types", tmp.path().join("mime.types"))
            .unwrap_or_else(|err| panic!("mime.types: {err}; {}", tools::install_hint("nginx")));

        let (http, https) = free_ports();
        let conf = rewrite(
            &conf,
            tmp.path(),
            http,
            https,
            echo.port,
            &front_cert,
            &front_key,
        );
        let conf_path = tmp.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("write nginx.conf");

        let mut globals = format!(
            "daemon off; pid {0}/nginx.pid; error_log {0}/logs/error.log;",
            tmp.path().display()
        );
        // As root, nginx's workers would run as `nobody`, who cannot read the temp folder.
        if rustix::process::geteuid().is_root() {
            globals.push_str(" user root root;");
        }
        let mut command = tools::command("nginx");
        command
            .arg("-p")
            .arg(tmp.path())
            .arg("-c")
            .arg(&conf_path)
            .arg("-g")
            .arg(&globals)
            .stderr(Stdio::piped());
        let mut live = Live {
            nginx: Some(Nginx::spawn(command)),
            _echo: echo,
            tmp,
            http,
            https,
            upstream_host,
        };
        live.wait_until_listening();
        live
    }

    /// Up to 10 s for nginx to listen: a busy CI machine can be slow to start it.
    fn wait_until_listening(&mut self) {
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", self.https)).is_ok() {
                return;
            }
            let exited = self
                .nginx
                .as_mut()
                .and_then(|n| n.child().try_wait().ok().flatten());
            if exited.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let stderr = self.nginx.take().map(Nginx::stop).unwrap_or_default();
        panic!("nginx did not start: {stderr}{}", self.error_log());
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.tmp.path().join("logs/error.log")).unwrap_or_default()
    }

    fn access_log(&self) -> String {
        std::fs::read_to_string(self.tmp.path().join("logs/access.log")).unwrap_or_default()
    }

    /// curl over HTTPS to the front host, trusting the test CA; `args` come first.
    fn https(&self, path: &str, args: &[&str]) -> Response {
        let url = format!("https://{FRONT_HOST}:{}{path}", self.https);
        let resolve = format!("{FRONT_HOST}:{}:127.0.0.1", self.https);
        let ca = self.tmp.path().join("ca.pem");
        curl(
            tools::command("curl")
                .args(args)
                .arg("--cacert")
                .arg(ca)
                .args(["--resolve", &resolve, &url]),
        )
    }

    fn http(&self, path: &str) -> Response {
        let url = format!("http://127.0.0.1:{}{path}", self.http);
        curl(tools::command("curl").args(["-H", &format!("Host: {FRONT_HOST}"), &url]))
    }

    /// `openssl s_client` with only `version` offered (at security level 0, so the client
    /// itself does not refuse an old version): did the handshake succeed?
    fn handshake(&self, version: &str) -> (bool, String) {
        let out = tools::output(
            tools::command("openssl")
                .args([
                    "s_client",
                    "-brief",
                    version,
                    "-cipher",
                    "DEFAULT:@SECLEVEL=0",
                ])
                .arg("-connect")
                .arg(format!("127.0.0.1:{}", self.https))
                .args(["-servername", FRONT_HOST, "-CAfile"])
                .arg(self.tmp.path().join("ca.pem"))
                .arg("-verify_return_error")
                .stdin(Stdio::null()),
        );
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(nginx) = self.nginx.take() {
            nginx.stop();
        }
    }
}

/// The first argument of the first `name` directive in `conf`.
fn directive_arg(conf: &str, name: &str) -> String {
    conf.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{name} ")))
        .and_then(|rest| rest.strip_suffix(';'))
        .unwrap_or_else(|| panic!("no `{name}` in the rendered nginx.conf"))
        .to_string()
}

/// The rendered file with what differs on a test machine replaced: loopback ports (no IPv6
/// listeners), the test certificates, files under the temp folder, the echo server as the
/// upstream's address (its name, for SNI and verification, stays), the test CA as the bundle.
fn rewrite(
    conf: &str,
    tmp: &Path,
    http: u16,
    https: u16,
    upstream_port: u16,
    cert: &Path,
    key: &Path,
) -> String {
    let tmp_s = tmp.display();
    conf.lines()
        .filter(|l| !l.trim_start().starts_with("listen [::]"))
        .map(|l| {
            let t = l.trim_start();
            let replaced = if t == "listen 80;" {
                format!("listen 127.0.0.1:{http};")
            } else if let Some(rest) = t.strip_prefix("listen 443 ") {
                format!("listen 127.0.0.1:{https} {rest}")
            } else if t.starts_with("ssl_certificate ") {
                format!("ssl_certificate {};", cert.display())
            } else if t.starts_with("ssl_certificate_key ") {
                format!("ssl_certificate_key {};", key.display())
            } else if t.starts_with("proxy_ssl_trusted_certificate ") {
                format!("proxy_ssl_trusted_certificate {tmp_s}/ca.pem;")
            } else if t.starts_with("set $app_upstream ") {
                format!("set $app_upstream https://127.0.0.1:{upstream_port};")
            } else if let Some(rest) = t.strip_prefix("access_log /var/log/nginx/access.log") {
                format!("access_log {tmp_s}/logs/access.log{rest}")
            } else if t.starts_with("root /var/www/certbot") {
                format!("root {tmp_s}/acme;")
            } else if t.starts_with("root /usr/share/nginx/html") {
                format!("root {tmp_s}/html;")
            } else {
                return l.to_string();
            };
            format!("{}{replaced}", &l[..l.len() - t.len()])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    /// Every value of header `name` (case-insensitive).
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.all(name).first().copied()
    }

    fn echoed(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not the echo server's answer ({err}): {}", self.body))
    }
}

/// Runs curl with `-i` (HTTP/1.1, headers then body) and splits its answer.
fn curl(command: &mut Command) -> Response {
    command.args(["-sS", "-i", "--http1.1", "--max-time", "30"]);
    let out = tools::output(command);
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(
        out.status.success(),
        "curl failed: {}{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

const HSTS: &str = "max-age=63072000; includeSubDomains";

#[test]
fn plain_http_redirects_to_https_keeping_path_and_query() {
    let live = Live::start(false);
    let r = live.http("/some/path?q=1&b=two");
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("Location"),
        Some(format!("https://{FRONT_HOST}/some/path?q=1&b=two").as_str())
    );
}

#[test]
fn acme_challenge_is_served_over_plain_http() {
    let live = Live::start(false);
    let r = live.http("/.well-known/acme-challenge/token-1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, "token-1.thumbprint");
}

#[test]
fn hsts_is_sent_on_200_404_and_the_preflight() {
    let live = Live::start(false);
    let ok = live.https("/app.js", &[]);
    assert_eq!(ok.status, 200);
    let missing = live.https("/missing.js", &[]);
    assert_eq!(missing.status, 404);
    let api = live.https("/api/tasks", &[]);
    assert_eq!(api.status, 200, "{}", api.body);
    let preflight = live.https(
        "/api/tasks",
        &[
            "-X",
            "OPTIONS",
            "-H",
            "Origin: https://www.taskpilot.example.com",
            "-H",
            "Access-Control-Request-Method: POST",
        ],
    );
    assert_eq!(preflight.status, 204);
    assert!(preflight.header("Access-Control-Allow-Methods").is_some());
    for (what, r) in [
        ("200", &ok),
        ("404", &missing),
        ("api", &api),
        ("preflight", &preflight),
    ] {
        assert_eq!(r.all("Strict-Transport-Security"), [HSTS], "HSTS on {what}");
    }
}

/// The frontend's routes fall back to index.html once it is there (the 404 above is for a
/// root without it: try_files ends in `=404`, not a redirect that would loop to a 500).
#[test]
fn app_routes_fall_back_to_index_html() {
    let live = Live::start(false);
    assert_eq!(live.https("/tasks/42", &[]).status, 404);
    std::fs::write(
        live.tmp.path().join("html/index.html"),
        "<!doctype html>app\n",
    )
    .expect("write index.html");
    let r = live.https("/tasks/42", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "<!doctype html>app\n");
    assert_eq!(r.all("Strict-Transport-Security"), [HSTS]);
}

#[test]
fn an_upstream_certificate_for_another_name_is_refused_with_hsts_on_the_502() {
    let live = Live::start(true);
    let r = live.https("/api/tasks", &[]);
    assert_eq!(r.status, 502, "{}", r.body);
    assert_eq!(r.all("Strict-Transport-Security"), [HSTS]);
    let log = live.error_log();
    assert!(
        log.contains("upstream SSL certificate does not match"),
        "nginx's error log does not say why: {log}"
    );
}

#[test]
fn the_upstream_gets_its_own_name_over_verified_tls() {
    let live = Live::start(false);
    let r = live.https("/api/tasks?x=1", &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let echoed = r.echoed();
    assert_eq!(echoed["path"], "/api/tasks?x=1");
    assert_eq!(echoed["headers"]["x-forwarded-proto"], "https");
    assert_eq!(echoed["headers"]["x-forwarded-host"], FRONT_HOST);
    assert!(!live.upstream_host.is_empty());
}

#[test]
fn tls_1_0_and_1_1_are_refused_1_2_and_1_3_accepted() {
    let live = Live::start(false);
    for version in ["-tls1", "-tls1_1"] {
        let (ok, text) = live.handshake(version);
        assert!(!ok, "{version} was accepted: {text}");
    }
    for (version, name) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        let (ok, text) = live.handshake(version);
        assert!(ok, "{version} was refused: {text}");
        assert!(text.contains(name), "{version}: {text}");
    }
}

#[test]
fn cors_echoes_allowed_origins_exactly_and_refuses_lookalikes() {
    let live = Live::start(false);
    for origin in [
        "https://app.taskpilot.example.com",
        "https://www.taskpilot.example.com",
    ] {
        let r = live.https("/api/tasks", &["-H", &format!("Origin: {origin}")]);
        assert_eq!(r.all("Access-Control-Allow-Origin"), [origin]);
    }
    for lookalike in [
        "https://www.taskpilot.example.com.evil.test",
        "https://evil-www.taskpilot.example.com",
        "http://www.taskpilot.example.com",
        "https://www.taskpilot.example.com:8443",
        "https://www.taskpilot.example.co",
        "null",
        "*",
    ] {
        let r = live.https("/api/tasks", &["-H", &format!("Origin: {lookalike}")]);
        assert_eq!(r.status, 200);
        assert!(
            r.all("Access-Control-Allow-Origin").is_empty(),
            "{lookalike} was allowed"
        );
        let preflight = live.https(
            "/api/tasks",
            &["-X", "OPTIONS", "-H", &format!("Origin: {lookalike}")],
        );
        assert!(
            preflight.all("Access-Control-Allow-Origin").is_empty(),
            "{lookalike} was allowed in a preflight"
        );
    }
}

#[test]
fn a_request_id_is_generated_passed_upstream_returned_and_logged() {
    let live = Live::start(false);
    let is_generated = |id: &str| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit());

    // None sent: nginx makes one.
    let r = live.https("/api/tasks", &[]);
    let id = r.header("X-Request-Id").expect("a request id").to_string();
    assert!(is_generated(&id), "{id}");
    assert_eq!(r.echoed()["headers"]["x-request-id"], id.as_str());

    // A well-formed one is kept, end to end.
    let mine = "0b7c4a52-9d0e-4f7e-8a51-3c2d1e0f9a8b";
    let r = live.https("/api/tasks", &["-H", &format!("X-Request-Id: {mine}")]);
    assert_eq!(r.all("X-Request-Id"), [mine]);
    assert_eq!(r.echoed()["headers"]["x-request-id"], mine);

    // Anything else is replaced, so a client cannot write what it likes into the logs.
    let too_long = "a".repeat(65);
    for bad in [
        "short",
        "has space and is long enough",
        "\"quoted-and-long-enough\"",
        too_long.as_str(),
    ] {
        let r = live.https("/api/tasks", &["-H", &format!("X-Request-Id: {bad}")]);
        let id = r.header("X-Request-Id").expect("a request id").to_string();
        assert!(is_generated(&id), "{bad:?} came back as {id:?}");
        assert_eq!(r.echoed()["headers"]["x-request-id"], id.as_str());
    }

    // Static files carry one too, and the access log records each.
    let r = live.https("/app.js", &[]);
    let static_id = r.header("X-Request-Id").expect("a request id").to_string();
    let wanted = [id.as_str(), mine, static_id.as_str()].map(|id| format!("request_id={id}"));
    // nginx writes a log line once the response is sent, so curl may be done first: wait
    // up to 10 s for the lines.
    let mut log = String::new();
    for _ in 0..500 {
        log = live.access_log();
        if wanted.iter().all(|w| log.contains(w.as_str())) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    for w in &wanted {
        assert!(log.contains(w.as_str()), "{w} not in: {log}");
    }
}
