//! The AWS store through the library against moto (the AWS emulator, in server mode) and
//! botocore: pushes, idempotent retries, ordering, bulk listing with pagination, the
//! credential chain's profile and web identity, and SigV4 signatures equal to botocore's.
//! A missing moto or botocore fails with how to install it, never a silent pass.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cfgc::secrets::crypto::Plaintext;
use cfgc::store::aws::AwsStore;
use cfgc::store::aws::sign::{self, Credentials, Unsigned};
use cfgc::store::{State, Store, digest, http};

use crate::common::tools;

const MOTO: &str = "'moto[server]==5.2.1'";

/// A moto server on a free loopback port, killed (by its pid) when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    fn start() -> Moto {
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
    fn store(&self, prefix: &str, extra: &[(&str, &str)]) -> AwsStore {
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
    fn boto3(&self, script: &str) -> String {
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
fn python(script: &str, stdin: &str) -> String {
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

fn store(prefix: &str, vars: &[(&str, &str)]) -> Result<AwsStore, cfgc::store::StoreError> {
    let map: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    AwsStore::new("us-east-1", prefix, &|k| map.get(k).cloned())
}

fn value(text: &str) -> Plaintext {
    Plaintext::from(text.to_string())
}

fn ids(d: &cfgc::store::Described) -> Vec<&str> {
    d.versions.iter().map(|v| v.id.as_str()).collect()
}

#[test]
fn push_describe_and_read_back_with_boto3() {
    let moto = Moto::start();
    let store = moto.store("app/", &[]);
    assert_eq!(store.describe("db"), Ok(None));
    store.create("db").expect("created");
    store.create("db").expect("a second create finds it made");
    let empty = store.describe("db").expect("described").expect("exists");
    assert!(empty.versions.is_empty() && empty.current.is_none());

    let t1 = digest::token("sha256:one", None);
    let t2 = digest::token("sha256:two", Some(&t1));
    let second = "tw\"o\n€ \\ {}";
    assert_eq!(store.add_version("db", &value("one"), &t1), Ok(t1.clone()));
    assert_eq!(store.add_version("db", &value(second), &t2), Ok(t2.clone()));
    // The same push retried: the same version, nothing added.
    assert_eq!(store.add_version("db", &value(second), &t2), Ok(t2.clone()));
    let d = store.describe("db").expect("described").expect("exists");
    assert_eq!(ids(&d), [t1.as_str(), t2.as_str()]);
    assert_eq!(d.current.as_deref(), Some(t2.as_str()));
    assert!(d.versions.iter().all(|v| v.state == State::Enabled));
    assert_eq!(
        store.landed(&d, Some(&t1), &t2).map(|v| v.id.as_str()),
        Some(t2.as_str())
    );
    assert_eq!(
        store.landed(&d, Some(&t1), "no-such-token-0000000000000000000"),
        None
    );
    assert_eq!(store.display("db"), "app/db");

    // What a deploy reads (boto3, by version id) is what was pushed.
    let read = moto.boto3(&format!(
        "import json\nprint(json.dumps([client.get_secret_value(SecretId='app/db', \
         VersionId=v)['SecretString'] for v in ['{t1}', '{t2}']]))"
    ));
    let read: Vec<String> = serde_json::from_str(&read).expect("json");
    assert_eq!(read, ["one", second]);

    // The same token with another value: AWS refuses, and the error holds no value.
    let err = store
        .add_version("db", &value("hunter2"), &t2)
        .expect_err("refused");
    assert!(
        err.message.starts_with(
            "AWS Secrets Manager PutSecretValue for app/db answered 400 ResourceExistsException"
        ),
        "{}",
        err.message
    );
    assert!(!err.message.contains("hunter2"), "{}", err.message);

    // In bulk: only the prefix's secrets, in the rotation's order.
    moto.boto3("client.create_secret(Name='other/db', SecretString='x')");
    let all = store.describe_all().expect("listed").expect("bulk");
    assert_eq!(all.keys().collect::<Vec<_>>(), ["db"]);
    assert_eq!(all["db"], d);

    // Scheduled for deletion: every version disabled, in either view.
    moto.boto3("client.delete_secret(SecretId='app/db')");
    let d = store
        .describe("db")
        .expect("described")
        .expect("still listed");
    assert!(d.versions.len() == 2 && d.versions.iter().all(|v| v.state == State::Disabled));
    let all = store.describe_all().expect("listed").expect("bulk");
    assert!(
        all["db"]
            .versions
            .iter()
            .all(|v| v.state == State::Disabled)
    );
}

#[test]
fn describe_all_pages_through_the_prefix() {
    let moto = Moto::start();
    let store = moto.store("bulk/", &[]);
    let names: Vec<String> = (0..150).map(|i| format!("s{i:03}")).collect();
    for r in http::parallel(&names, |n| store.create(n)) {
        r.expect("created");
    }
    let token = digest::token("sha256:x", None);
    store
        .add_version("s007", &value("v"), &token)
        .expect("pushed");
    // Outside the prefix, though a case-blind or word-start filter would match them.
    moto.boto3("client.create_secret(Name='BULK/s1')\nclient.create_secret(Name='bulkier/s2')");
    let all = store.describe_all().expect("listed").expect("bulk");
    assert_eq!(all.keys().cloned().collect::<Vec<_>>(), names);
    assert_eq!(ids(&all["s007"]), [token.as_str()]);
    assert_eq!(all["s007"].current.as_deref(), Some(token.as_str()));
    assert!(all["s008"].versions.is_empty());
}

#[test]
fn web_identity_from_the_environment_and_from_a_profile() {
    let moto = Moto::start();
    let home = tempfile::tempdir().expect("a temp folder");
    let token_file = home.path().join("token");
    std::fs::write(&token_file, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n").expect("write");
    let token_path = token_file.display().to_string();
    let home_path = home.path().display().to_string();
    let role = "arn:aws:iam::111111111111:role/ci";
    let from_env = store(
        "wi/",
        &[
            ("AWS_ENDPOINT_URL", &moto.url),
            ("HOME", &home_path),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", &token_path),
            ("AWS_ROLE_ARN", role),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    from_env.create("x").expect("created");
    // moto keeps each assumed role's keys in the role's account: the default account's
    // keys do not see the secret, the role's do.
    assert_eq!(moto.store("wi/", &[]).describe("x"), Ok(None));
    assert!(from_env.describe("x").expect("described").is_some());

    let config = home.path().join("config");
    std::fs::write(
        &config,
        format!("[profile ci]\nrole_arn = {role}\nweb_identity_token_file = {token_path}\n"),
    )
    .expect("write");
    let from_profile = store(
        "wi/",
        &[
            ("AWS_ENDPOINT_URL", &moto.url),
            ("HOME", &home_path),
            ("AWS_CONFIG_FILE", &config.display().to_string()),
            ("AWS_PROFILE", "ci"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(from_profile.describe("x").expect("described").is_some());
}

/// A loopback server that answers each connection with the next canned response and
/// sends each request's head and body to the test.
fn canned(responses: Vec<(u16, &'static str)>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for (status, body) in responses {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut request_body = vec![0; length];
            let _ = reader.read_exact(&mut request_body);
            let _ = send.send(format!(
                "{head}\n{}",
                String::from_utf8_lossy(&request_body)
            ));
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = reader.get_mut().write_all(answer.as_bytes());
        }
    });
    (url, receive)
}

#[test]
fn static_keys_from_a_profile_sign_the_request() {
    let (url, requests) = canned(vec![(
        400,
        r#"{"__type":"ResourceNotFoundException","message":"no"}"#,
    )]);
    let home = tempfile::tempdir().expect("a temp folder");
    std::fs::create_dir(home.path().join(".aws")).expect("mkdir");
    std::fs::write(
        home.path().join(".aws/credentials"),
        "# keys\n[dev]\nAWS_ACCESS_KEY_ID = AKIAPROFILEKEY ; the dev key\naws_secret_access_key=s\n",
    )
    .expect("write");
    let store = store(
        "",
        &[
            ("AWS_ENDPOINT_URL", &url),
            ("HOME", &home.path().display().to_string()),
            ("AWS_PROFILE", "dev"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.describe("x"), Ok(None));
    let request = requests.recv().expect("a request").to_ascii_lowercase();
    assert!(
        request.contains("authorization: aws4-hmac-sha256 credential=akiaprofilekey/"),
        "{request}"
    );
    assert!(
        request.contains("x-amz-target: secretsmanager.describesecret"),
        "{request}"
    );
    assert!(
        request.contains("content-type: application/x-amz-json-1.1"),
        "{request}"
    );
}

#[test]
fn an_expired_token_is_found_again_and_the_call_retried() {
    let (url, requests) = canned(vec![
        (
            400,
            r#"{"__type":"ExpiredTokenException","message":"expired"}"#,
        ),
        (
            400,
            r#"{"__type":"ThrottlingException","message":"slow down"}"#,
        ),
        (200, r#"{"VersionId":"v1"}"#),
    ]);
    let store = store(
        "",
        &[
            ("AWS_ENDPOINT_URL", &url),
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.add_version("x", &value("hunter2"), "v1"),
        Ok("v1".to_string())
    );
    assert_eq!(requests.iter().count(), 3);
}

#[test]
fn an_error_answer_names_the_call_and_never_the_value() {
    let (url, _requests) = canned(vec![(
        400,
        r#"{"__type":"com.amazonaws#InvalidParameterException","Message":"too long"}"#,
    )]);
    let store = store(
        "p/",
        &[
            ("AWS_ENDPOINT_URL", &url),
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let err = store
        .add_version("x", &value("hunter2"), "t")
        .expect_err("refused");
    assert_eq!(
        err.message,
        "AWS Secrets Manager PutSecretValue for p/x answered 400 InvalidParameterException: too long"
    );
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let keys = [("AWS_ACCESS_KEY_ID", "A"), ("AWS_SECRET_ACCESS_KEY", "s")];
    for var in ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER"] {
        let mut vars = keys.to_vec();
        vars.push((var, "http://secretsmanager.example.com"));
        let err = store("", &vars).err().expect("refused");
        assert_eq!(
            err.message,
            format!(
                "{var} `http://secretsmanager.example.com` must be https (plain http only to this machine)"
            )
        );
    }
    let err = store(
        "",
        &[
            ("AWS_ENDPOINT_URL_STS", "http://sts.example.com"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
            ("AWS_ROLE_ARN", "arn"),
        ],
    )
    .err()
    .expect("refused");
    assert!(
        err.message
            .starts_with("AWS_ENDPOINT_URL_STS `http://sts.example.com` must be https"),
        "{}",
        err.message
    );
}

/// botocore's SigV4Auth on the same request at the same instant.
const BOTOCORE_SIGN: &str = r#"
import datetime, json, sys
from unittest import mock
import botocore.auth, botocore.awsrequest, botocore.credentials
a = json.load(sys.stdin)
creds = botocore.credentials.Credentials(a["key"], a["secret"], a["token"])
req = botocore.awsrequest.AWSRequest(method="POST", url=a["url"], data=a["body"].encode(), headers=a["headers"])
now = datetime.datetime.fromtimestamp(a["time"], datetime.timezone.utc).replace(tzinfo=None)
with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
    botocore.auth.SigV4Auth(creds, a["service"], a["region"]).add_auth(req)
print(req.headers["Authorization"])
"#;

#[test]
fn signatures_equal_botocores() {
    tools::require_python_module("botocore", "botocore");
    let cases = [
        (
            "https://secretsmanager.eu-west-1.amazonaws.com",
            "eu-west-1",
            None,
            r#"{"SecretId":"app/db"}"#,
            1_700_000_000,
        ),
        (
            "http://127.0.0.1:4566/",
            "us-east-1",
            Some("FwoGZXIvYXdzE+/="),
            r#"{"SecretString":"€ \"q\"\n"}"#,
            951_868_799,
        ),
        (
            "https://localhost:8443/some/path",
            "cn-north-1",
            None,
            "",
            4_107_542_399,
        ),
    ];
    for (endpoint, region, token, body, time) in cases {
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: token.map(Into::into),
            expires: None,
            source: "test".into(),
        };
        let url = url::Url::parse(endpoint).expect("a URL");
        let headers = [
            ("content-type", "application/x-amz-json-1.1".to_string()),
            ("x-amz-target", "secretsmanager.PutSecretValue".to_string()),
        ];
        let unsigned = Unsigned {
            method: "POST",
            url: &url,
            headers: &headers,
            payload: body.as_bytes(),
            region,
            service: "secretsmanager",
        };
        let ours = sign::sign(&creds, &unsigned, time);
        let ours = &ours
            .iter()
            .find(|(n, _)| *n == "authorization")
            .expect("signed")
            .1;
        let input = serde_json::json!({
            "key": "AKIDEXAMPLE", "secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token": token,
            "url": url.as_str(), "body": body, "time": time, "region": region, "service": "secretsmanager",
            "headers": {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.PutSecretValue"},
        });
        let theirs = python(BOTOCORE_SIGN, &input.to_string());
        assert_eq!(ours, theirs.trim(), "{endpoint}");
    }
}
