//! A moto server per test, python3 and boto3 from the test, and stores made from an
//! injected environment.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cfgc::secrets::crypto::Plaintext;
use cfgc::store::aws::AwsStore;
use cfgc::store::{Store, StoreError};

use crate::common::stores::canned;
use crate::common::tools;

const MOTO: &str = "'moto[server]==5.2.6'";

/// A moto server on a free loopback port, killed (by its pid) when dropped.
pub struct Moto {
    child: Child,
    pub url: String,
}

impl Moto {
    pub fn start() -> Moto {
        tools::require_python_module("moto.server", MOTO);
        tools::require_python_module("boto3", "boto3");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = tools::spawn(
            tools::command("python3")
                .args([
                    "-m",
                    "moto.server",
                    "-H",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("moto.server exited ({status}): pip install {MOTO}, in target/test-venv");
            }
            assert!(
                Instant::now() < deadline,
                "moto.server did not listen on {port} in 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A store on this server with static keys (moto's default account), and `extra`.
    pub fn store(&self, prefix: &str, extra: &[(&str, &str)]) -> AwsStore {
        let mut vars = vec![
            ("AWS_ENDPOINT_URL", self.url.as_str()),
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
        ];
        vars.extend_from_slice(extra);
        store(prefix, &vars).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs a boto3 script with `client` (secretsmanager on this server) defined.
    pub fn boto3(&self, script: &str) -> String {
        let prelude = format!(
            "import boto3\nclient = boto3.client('secretsmanager', endpoint_url='{}', \
             region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7EXAMPLE', \
             aws_secret_access_key='x')\n",
            self.url
        );
        python(&format!("{prelude}{script}"), "")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs python3 with `script`, `stdin` on its input; its stdout, or the test fails.
pub fn python(script: &str, stdin: &str) -> String {
    let mut child = tools::spawn(
        tools::command("python3")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("python reads its input");
    let out = child.wait_with_output().expect("python runs");
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

pub fn store(prefix: &str, vars: &[(&str, &str)]) -> Result<AwsStore, StoreError> {
    let map: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    AwsStore::new("us-east-1", prefix, &|k| map.get(k).cloned())
}

pub fn value(text: &str) -> Plaintext {
    Plaintext::from(text.to_string())
}

pub fn ids(d: &cfgc::store::Described) -> Vec<&str> {
    d.versions.iter().map(|v| v.id.as_str()).collect()
}

/// What botocore's default chain finds with only `vars` set: method, key id, token.
pub fn botocore_finds(vars: &[(&str, &str)]) -> String {
    let mut script = String::from(
        "import os\nfor k in list(os.environ):\n    if k.startswith('AWS_'): del os.environ[k]\n",
    );
    for (k, v) in vars {
        script.push_str(&format!("os.environ[{k:?}] = {v:?}\n"));
    }
    script.push_str(
        "import botocore.session\nc = botocore.session.Session().get_credentials()\n\
         f = c.get_frozen_credentials()\nprint(c.method, f.access_key, f.token)\n",
    );
    python(&script, "").trim().to_string()
}

/// A store made from `vars` signs its first request (to a canned Secrets Manager) with the
/// key `key_id` and sends `token`: the keys the chain found are the ones used.
pub fn assert_signs_with(vars: &[(&str, &str)], key_id: &str, token: &str) {
    let (url, requests) = canned(vec![(
        400,
        r#"{"__type":"ResourceNotFoundException","message":"no"}"#,
    )]);
    let mut vars = vars.to_vec();
    vars.push(("AWS_ENDPOINT_URL_SECRETS_MANAGER", &url));
    let signed = store("", &vars).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signed.describe("x"), Ok(None));
    let request = requests.recv().expect("a request").to_ascii_lowercase();
    for part in [
        format!("authorization: aws4-hmac-sha256 credential={key_id}/"),
        format!("x-amz-security-token: {token}\r\n"),
    ] {
        assert!(
            request.contains(&part.to_ascii_lowercase()),
            "{part}: {request}"
        );
    }
}

/// botocore's request and cfgc's to the same service each hold every one of `parts`
/// (compared in lower case).
pub fn assert_both_hold(botocore: &str, cfgc: &str, parts: &[&str]) {
    for (who, request) in [("botocore", botocore), ("cfgc", cfgc)] {
        let lower = request.to_ascii_lowercase();
        for part in parts {
            assert!(lower.contains(part), "{who} lacks {part}: {request}");
        }
    }
}
