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
