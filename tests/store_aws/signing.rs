//! Our SigV4 signatures equal botocore's on the requests this store sends.

use cfgc::store::aws::sign::{self, Credentials, Unsigned};

use super::harness::python;
use crate::common::tools;

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

/// A request as this store signs it: Secrets Manager's JSON, or STS's form (`AssumeRole`).
struct Case {
    endpoint: &'static str,
    region: &'static str,
    token: Option<&'static str>,
    body: &'static str,
    time: u64,
    service: &'static str,
    headers: [(&'static str, &'static str); 2],
}

const JSON: [(&str, &str); 2] = [
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "secretsmanager.PutSecretValue"),
];
const FORM: [(&str, &str); 2] = [
    (
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    ),
    ("accept", "text/xml"),
];

#[test]
fn signatures_equal_botocores() {
    tools::require_python_module("botocore", "botocore");
    let cases = [
        Case {
            endpoint: "https://secretsmanager.eu-west-1.amazonaws.com",
            region: "eu-west-1",
            token: None,
            body: r#"{"SecretId":"app/db"}"#,
            time: 1_700_000_000,
            service: "secretsmanager",
            headers: JSON,
        },
        Case {
            endpoint: "http://127.0.0.1:4566/",
            region: "us-east-1",
            token: Some("FwoGZXIvYXdzE+/="),
            body: r#"{"SecretString":"€ \"q\"\n"}"#,
            time: 951_868_799,
            service: "secretsmanager",
            headers: JSON,
        },
        Case {
            endpoint: "https://localhost:8443/some/path",
            region: "cn-north-1",
            token: None,
            body: "",
            time: 4_107_542_399,
            service: "secretsmanager",
            headers: JSON,
        },
        Case {
            endpoint: "https://sts.eu-central-1.amazonaws.com",
            region: "eu-central-1",
            token: Some("source-session"),
            body: "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fd\
                   &RoleSessionName=release&ExternalId=ext-42",
            time: 1_765_000_000,
            service: "sts",
            headers: FORM,
        },
    ];
    for case in cases {
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: case.token.map(Into::into),
            expires: None,
            source: "test".into(),
        };
        let url = url::Url::parse(case.endpoint).expect("a URL");
        let headers = case.headers.map(|(name, value)| (name, value.to_string()));
        let unsigned = Unsigned {
            method: "POST",
            url: &url,
            headers: &headers,
            payload: case.body.as_bytes(),
            region: case.region,
            service: case.service,
        };
        let ours = sign::sign(&creds, &unsigned, case.time);
        let ours = &ours
            .iter()
            .find(|(n, _)| *n == "authorization")
            .expect("signed")
            .1;
        let input = serde_json::json!({
            "key": "AKIDEXAMPLE", "secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "token": case.token, "url": url.as_str(), "body": case.body, "time": case.time,
            "region": case.region, "service": case.service,
            "headers": case.headers.iter().copied().collect::<std::collections::BTreeMap<_, _>>(),
        });
        let theirs = python(BOTOCORE_SIGN, &input.to_string());
        assert_eq!(ours, theirs.trim(), "{}", case.endpoint);
    }
}
